//! docs/tutorial: every ```isosh block is run and its output compared with
//! the page. Lines starting with `$ ` are commands (all of a block run in
//! one isosh, so `exec 3>` carries over); the other lines are the expected
//! output, stdout and stderr together. `…` in an expected line matches any
//! text. Blocks marked `isosh root` need root and are skipped, visibly,
//! without it. As root, each of them runs a second time as the
//! unprivileged user `isosh-rootless` (rootless blocks, in a user
//! namespace) and must print the same, unless its tag says why not:
//! `isosh root not-rootless: REASON`. In a file with such rootless runs,
//! the plain `isosh` blocks run rootless too (they make what later blocks
//! use, such as an image), unless tagged `isosh not-rootless: REASON`.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Scratch};
use std::path::Path;
use std::process::Command;

struct Block {
    line: usize,
    root: bool,
    /// Why a root block cannot run the same rootless, if it cannot.
    not_rootless: Option<String>,
    commands: Vec<String>,
    expected: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(tag) = line.strip_prefix("```isosh") {
            let tag = tag.trim();
            let root = tag == "root" || tag.starts_with("root ");
            let not_rootless = tag.split_once("not-rootless:").map(|(_, why)| why.trim().to_string());
            current = Some(Block { line: n + 1, root, not_rootless, commands: vec![], expected: vec![] });
        } else if line.starts_with("```") {
            out.extend(current.take());
        } else if let Some(b) = current.as_mut() {
            match line.strip_prefix("$ ") {
                Some(cmd) => b.commands.push(cmd.to_string()),
                None => b.expected.push(line.to_string()),
            }
        }
    }
    out
}

/// Whether `got` matches `want`, where `…` in `want` matches anything.
fn line_matches(want: &str, got: &str) -> bool {
    let parts: Vec<&str> = want.split('…').collect();
    if parts.len() == 1 {
        return want == got;
    }
    let mut rest = got;
    for (i, part) in parts.iter().enumerate() {
        match rest.find(part) {
            Some(at) if i > 0 || at == 0 => rest = &rest[at + part.len()..],
            _ => return false,
        }
    }
    parts.last().is_some_and(|l| l.is_empty()) || rest.is_empty()
}

/// Where the examples of one page run: a scratch directory as HOME and
/// working directory, and the isosh binary (a copy the user can reach
/// when rootless: the checkout may sit below a directory it cannot enter).
struct Place {
    dir: Scratch,
    isosh: String,
    bin_dir: String,
    user: Option<(u32, u32)>,
}

impl Place {
    fn new(user: Option<(u32, u32)>) -> Place {
        let dir = Scratch::new(if user.is_some() { "tutorial-rootless" } else { "tutorial" });
        let Some((uid, gid)) = user else {
            let bin_dir = Path::new(ISOSH).parent().unwrap().display().to_string();
            return Place { dir, isosh: ISOSH.to_string(), bin_dir, user };
        };
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::fs::copy(ISOSH, bin.join("isosh")).unwrap();
        for p in [dir.path().to_path_buf(), bin.clone(), bin.join("isosh")] {
            std::os::unix::fs::lchown(&p, Some(uid), Some(gid)).unwrap();
        }
        let isosh = bin.join("isosh").display().to_string();
        Place { dir, isosh, bin_dir: bin.display().to_string(), user }
    }

    /// Runs the block's commands in one isosh; what it printed.
    fn run(&self, script: &str) -> Vec<String> {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(&self.isosh);
        if let Some((uid, gid)) = self.user {
            // std drops the supplementary groups too.
            cmd.uid(uid).gid(gid);
        }
        // The example starts with fds 0-2 only, as from a terminal.
        common::only_stdio(&mut cmd);
        let out = cmd
            .arg("-c")
            .arg(format!("exec 2>&1\n{script}"))
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", self.bin_dir))
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect()
    }
}

#[test]
fn tutorial_examples_show_what_isosh_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/tutorial");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let root = nix::unistd::geteuid().is_root();
    let rootless = if root { common::test_user().clone() } else { Err("not root, so no other user to run as".into()) };
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut ran_rootless = 0;
    for file in
        files.iter().filter(|f| f.file_name().is_some_and(|n| n.to_string_lossy().starts_with(char::is_numeric)))
    {
        let text = std::fs::read_to_string(file).unwrap();
        let place = Place::new(None);
        let rootless_place = rootless.as_ref().ok().map(|u| Place::new(Some(*u)));
        for b in blocks(&text) {
            if b.root && !root {
                eprintln!("SKIP {}:{}: the example needs root", file.display(), b.line);
                continue;
            }
            let script = b.commands.join("\n") + "\n";
            let mut runs = vec![("", &place)];
            // A file whose root examples also run rootless runs its other
            // examples there too: they make what the later ones use (an image).
            let file_has_rootless_root_blocks = blocks(&text).iter().any(|b| b.root && b.not_rootless.is_none());
            if !b.root
                && b.not_rootless.is_none()
                && file_has_rootless_root_blocks
                && let Some(p) = &rootless_place
            {
                runs.push((" (rootless)", p));
            }
            if b.root {
                match (&b.not_rootless, &rootless_place, &rootless) {
                    (Some(why), ..) => eprintln!("SKIP {}:{} (rootless): {why}", file.display(), b.line),
                    (None, Some(p), _) => runs.push((" (rootless)", p)),
                    (None, None, Err(why)) => eprintln!("SKIP {}:{} (rootless): {why}", file.display(), b.line),
                    (None, None, Ok(_)) => {}
                }
            }
            for (how, p) in runs {
                let got = p.run(&script);
                ran += 1;
                if p.user.is_some() {
                    ran_rootless += 1;
                }
                let ok = got.len() == b.expected.len() && b.expected.iter().zip(&got).all(|(w, g)| line_matches(w, g));
                if !ok {
                    failures.push(format!(
                        "{}:{}{how}:\n--- commands\n{script}--- page says\n{}\n--- isosh printed\n{}",
                        file.display(),
                        b.line,
                        b.expected.join("\n"),
                        got.join("\n")
                    ));
                }
            }
        }
    }
    assert!(ran >= 10, "only {ran} tutorial examples ran");
    if rootless.is_ok() {
        assert!(ran_rootless >= 5, "only {ran_rootless} tutorial examples ran rootless");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn wildcards_match_any_text() {
    assert!(line_matches("pid …", "pid 1234"));
    assert!(line_matches("a … c", "a b c"));
    assert!(!line_matches("a … c", "a b d"));
    assert!(line_matches("exact", "exact"));
}
