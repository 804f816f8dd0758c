//! Every input the fuzz loop (`examples/fuzz.rs`) kept — its corpus in
//! `fuzz/corpus/` and the inputs that once panicked, crashed or hung in
//! `fuzz/regressions/` — run through the parse → expand harness again:
//! no panic, and all of them together within a time bound.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files.into_iter().map(|f| (f.display().to_string(), std::fs::read(&f).unwrap())).collect()
}

/// Runs the harness over `files` in a thread; fails on a panic or when the
/// whole set takes longer than `limit`.
fn run_all(files: Vec<(String, Vec<u8>)>, limit: Duration) {
    assert!(!files.is_empty(), "no fuzz inputs found");
    let n = files.len();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let base = harness::base_state();
        for (name, data) in &files {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| harness::run(&base, data)));
            if r.is_err() {
                let _ = tx.send(Err(name.clone()));
                return;
            }
        }
        let _ = tx.send(Ok(()));
    });
    let t0 = Instant::now();
    match rx.recv_timeout(limit) {
        Ok(Ok(())) => println!("{n} inputs in {:?}", t0.elapsed()),
        Ok(Err(name)) => panic!("the harness panicked on {name}"),
        Err(_) => panic!("{n} fuzz inputs took longer than {limit:?}: a hang"),
    }
}

#[test]
fn fuzz_crashers_stay_fixed() {
    run_all(inputs("fuzz/regressions"), Duration::from_secs(60));
}

#[test]
fn fuzz_corpus_runs_clean() {
    run_all(inputs("fuzz/corpus"), Duration::from_secs(240));
}
