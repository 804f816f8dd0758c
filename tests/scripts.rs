//! The example scripts under scripts/examples run identically under isosh
//! and dash.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Run, Scratch, run_in};
use std::path::Path;

fn script(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/examples").join(name).display().to_string()
}

fn both(dir: &Scratch, args: &[&str], stdin: &str) -> (Run, Run) {
    (run_in(dir.path(), ISOSH, args, stdin), run_in(dir.path(), "/bin/dash", args, stdin))
}

#[test]
fn word_frequency_pipeline() {
    let dir = Scratch::new("scripts");
    std::fs::write(dir.path().join("text"), "The cat and the dog. The CAT!\nA dog, a cat, the end.\n").unwrap();
    let wf = script("wordfreq.sh");
    let (ours, dash) = both(&dir, &[&wf, "-n", "3", "text"], "");
    assert_eq!(ours, dash);
    assert_eq!(ours.stdout, "    4 the\n    3 cat\n    2 a\n");
    let (ours, dash) = both(&dir, &[&wf], "b a b\n");
    assert_eq!(ours, dash);
    let (ours, dash) = both(&dir, &[&wf, "-x"], "");
    assert_eq!((ours.stdout, ours.status), (dash.stdout, dash.status));
}

#[test]
fn getopts_argument_parser() {
    let dir = Scratch::new("scripts");
    let a = script("args.sh");
    for args in [
        vec![a.as_str(), "-v", "-v", "-o", "out", "-n", "2", "--", "a", "", "b c"],
        vec![a.as_str(), "-qvn1", "x"],
        vec![a.as_str(), "-n", "x", "a"],
        vec![a.as_str(), "-z", "a"],
        vec![a.as_str()],
    ] {
        let (ours, dash) = both(&dir, &args, "");
        assert_eq!((&ours.stdout, ours.status), (&dash.stdout, dash.status), "{args:?}: {ours:?}");
        assert_eq!(ours.stderr.is_empty(), dash.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn busybox_root_with_an_isolate_block() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP busybox_root_with_an_isolate_block: needs root (chroot under dash, isolate under isosh)");
        return;
    }
    let dir = Scratch::new("scripts");
    let (ours, dash) = both(&dir, &[&script("busybox-root.sh")], "");
    assert_eq!(ours, dash);
    assert_eq!(ours.stdout, "built by busybox-root.sh\n7\n42 from inside\n");
}
