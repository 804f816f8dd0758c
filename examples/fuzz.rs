//! A fuzz loop for parse → expand that runs on stable Rust (cargo-fuzz
//! needs a nightly compiler): a seeded mutator over a corpus, run in
//! process, with a supervisor around it that catches what the worker
//! cannot report itself.
//!
//! ```sh
//! nice -n 19 cargo run --release --example fuzz -- --minutes 70   # from the repository root
//! ```
//!
//! Layout (all under `fuzz/`): `corpus/` the seeds and inputs that reached
//! a new outcome; `crashes/` inputs that panicked, crashed the process or
//! hung (more than `HANG_SECS`); `RUN.log` the statistics, one line a
//! minute; `current.bin` the input being run (shared memory, so a crash
//! that kills the worker still leaves it). `tests/fuzz_regressions.rs`
//! runs every file in `corpus/` and `crashes/` through the harness.

// A failed unwrap in the fuzz loop is a finding, not a bug of the loop.
#![allow(clippy::unwrap_used)]

#[path = "../fuzz/harness.rs"]
mod harness;

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const MAX_LEN: usize = 4096;
const HANG_SECS: u64 = 10;
/// Inputs kept in `corpus/` by one run at most (the rest stay in memory).
const MAX_SAVED: usize = 400;
/// Inputs held in memory at most (a new one then replaces a random one).
const MAX_CORPUS: usize = 20_000;

const DICT: &[&str] = &[
    "$(",
    ")",
    "${",
    "}",
    "$((",
    "))",
    "'",
    "\"",
    "`",
    "\\",
    "<<",
    "<<-",
    "EOF\n",
    "\nEOF\n",
    "case ",
    " in ",
    " esac",
    ";;",
    "if ",
    " then ",
    " fi",
    " else ",
    " elif ",
    "for ",
    " do ",
    " done",
    "while ",
    "until ",
    "{ ",
    " }",
    "(",
    "|",
    "&&",
    "||",
    ";",
    "&",
    "\n",
    "#",
    "~",
    "*",
    "?",
    "[",
    "]",
    "[!",
    "[[:alpha:]]",
    "=",
    "x=",
    "${x#",
    "${x##",
    "${x%",
    "${x%%",
    "${#x}",
    ":-",
    ":=",
    ":?",
    ":+",
    "isolate < ",
    " >",
    "$@",
    "\"$@\"",
    "$*",
    "$#",
    "$?",
    "$$",
    "$!",
    "$-",
    "$0",
    "$1",
    "${10}",
    "\u{ff}",
    "\\\n",
    " ",
    "\t",
    ">",
    ">>",
    "2>&1",
    "<&-",
    ">|",
    "<>",
    "f() ",
    "! ",
    "$x",
    "$e",
    "$star",
    "1+2",
    "<<=",
    "**",
    "/0",
    "0x",
    "010",
    "1?2:3",
    ",",
    "++",
    "--",
    "-",
    "!",
    "~",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            2 | 3 => {
                let tok = DICT[rng.below(DICT.len())].as_bytes();
                let i = rng.below(len + 1);
                input.splice(i..i, tok.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(16)).min(len);
                input.drain(i..j);
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(32)).min(len);
                let piece = input[i..j].to_vec();
                let k = rng.below(len + 1);
                input.splice(k..k, piece);
            }
            6 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let i = rng.below(other.len());
                    let j = (i + 1 + rng.below(64)).min(other.len());
                    let k = rng.below(len + 1);
                    input.splice(k..k, other[i..j].iter().copied());
                }
            }
            7 => {
                // Nest: wrap a piece in a pair of brackets many times.
                let (open, close) =
                    [("$(", ")"), ("(", ")"), ("{ ", "; }"), ("$((", "))"), ("\"", "\""), ("${x:-", "}")][rng.below(6)];
                let cap = if rng.below(50) == 0 { 3000 } else { 8 };
                let times = 1 + rng.below(cap);
                let mut out = open.repeat(times).into_bytes();
                out.extend_from_slice(input);
                out.extend(close.repeat(times).bytes());
                *input = out;
            }
            _ if len > 1 => {
                let i = rng.below(len);
                input.truncate(i.max(1));
            }
            _ => input.push(rng.next() as u8),
        }
    }
    if input.len() > MAX_LEN * 4 {
        input.truncate(MAX_LEN * 4);
    }
}

/// Scripts from the spec suite and the case files: the seeds.
fn seeds(root: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in ["tests/spec", "tests/cases"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read(&f) else { continue };
            let mut cur = Vec::new();
            for line in text.split_inclusive(|&b| b == b'\n') {
                if line.starts_with(b"####") || line.starts_with(b"===") {
                    if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                } else if !line.starts_with(b"## ") && line != b"##\n" {
                    cur.extend_from_slice(line);
                }
            }
            if !cur.is_empty() {
                out.push(cur);
            }
        }
    }
    out
}

fn hash(data: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    h.finish()
}

fn log(path: &Path, line: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(f, "{} {line}", unix_time());
    }
}

fn unix_time() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `current.bin` mapped into memory: 8 bytes of length, then the input.
struct Current(*mut u8);

impl Current {
    fn open(path: &Path) -> Current {
        let f = std::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(path).unwrap();
        f.set_len((MAX_LEN * 4 + 8) as u64).unwrap();
        use std::os::fd::AsRawFd;
        // SAFETY: a shared mapping of a file we just sized; it outlives every use.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                MAX_LEN * 4 + 8,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                f.as_raw_fd(),
                0,
            )
        };
        assert!(p != libc::MAP_FAILED, "mmap current.bin");
        Current(p.cast())
    }
    fn set(&self, data: &[u8]) {
        let n = data.len().min(MAX_LEN * 4);
        // SAFETY: the mapping holds 8 + MAX_LEN*4 bytes.
        unsafe {
            std::ptr::copy_nonoverlapping((n as u64).to_le_bytes().as_ptr(), self.0, 8);
            std::ptr::copy_nonoverlapping(data.as_ptr(), self.0.add(8), n);
        }
    }
}

fn read_current(path: &Path) -> Option<Vec<u8>> {
    let data = std::fs::read(path).ok()?;
    let n = u64::from_le_bytes(data.get(..8)?.try_into().ok()?) as usize;
    data.get(8..8 + n).map(<[u8]>::to_vec)
}

fn save_crash(dir: &Path, kind: &str, data: &[u8]) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let p = dir.join(format!("{kind}-{:016x}", hash(data)));
    let _ = std::fs::write(&p, data);
    p
}

static STARTED_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms(t0: Instant) -> u64 {
    t0.elapsed().as_millis() as u64 + 1
}

fn worker(fuzz: &Path, root: &Path, seed: u64, until: Instant) {
    let corpus_dir = fuzz.join("corpus");
    let crash_dir = fuzz.join("crashes");
    let _ = std::fs::create_dir_all(&corpus_dir);
    let current = Current::open(&fuzz.join("current.bin"));
    let log_path = fuzz.join("RUN.log");
    let mut corpus = seeds(root);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&corpus_dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    for f in files {
        if let Ok(d) = std::fs::read(f) {
            corpus.push(d);
        }
    }
    if corpus.is_empty() {
        corpus.push(b"echo hi".to_vec());
    }
    let base = harness::base_state();
    // The watchdog: an input that runs too long is saved and ends the worker.
    let t0 = Instant::now();
    {
        let (crash_dir, cur, log_path) = (crash_dir.clone(), fuzz.join("current.bin"), log_path.clone());
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let s = STARTED_MS.load(Ordering::Relaxed);
                if s != 0 && now_ms(t0).saturating_sub(s) > HANG_SECS * 1000 {
                    let data = read_current(&cur).unwrap_or_default();
                    let p = save_crash(&crash_dir, "hang", &data);
                    log(&log_path, &format!("HANG: saved {}", p.display()));
                    std::process::exit(99);
                }
            }
        });
    }
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let mut seen: HashSet<u64> = HashSet::new();
    let (mut execs, mut saved, mut panics, mut roundtrips) = (0u64, 0usize, 0u64, 0u64);
    let mut last_report = Instant::now();
    let mut input = Vec::new();
    while Instant::now() < until {
        input.clear();
        input.extend_from_slice(&corpus[rng.below(corpus.len())]);
        mutate(&mut rng, &corpus, &mut input);
        current.set(&input);
        STARTED_MS.store(now_ms(t0), Ordering::Relaxed);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let n = harness::run(&base, &input);
            // Here-documents are left out: the canonical text omits their bodies.
            let rt = if input.len() < 512 && !input.windows(2).any(|w| w == b"<<") {
                harness::display_round_trip(&isosh::bytes::decode(&input)).map(|r| r.is_ok())
            } else {
                None
            };
            (n, rt)
        }));
        STARTED_MS.store(0, Ordering::Relaxed);
        execs += 1;
        match r {
            Err(_) => {
                panics += 1;
                if panics <= 100 {
                    let p = save_crash(&crash_dir, "panic", &input);
                    log(&log_path, &format!("PANIC: saved {}", p.display()));
                }
            }
            Ok((n, rt)) => {
                // A cheap stand-in for coverage: the outcome's shape (how
                // many commands parsed, the parse error's kind, whether the
                // canonical text round-trips).
                let sig = {
                    let text = isosh::bytes::decode(&input);
                    let err = isosh::syntax::parse(&text)
                        .err()
                        // The message up to its first quote: its kind, not the token text.
                        .map(|e| e.message.split(['\'', '`', '"']).next().unwrap_or("").to_string());
                    hash(format!("{} {err:?} {rt:?}", n.min(16)).as_bytes())
                };
                if input.len() <= MAX_LEN && seen.insert(sig) {
                    if corpus.len() < MAX_CORPUS {
                        corpus.push(input.clone());
                    } else {
                        let i = rng.below(corpus.len());
                        corpus[i] = input.clone();
                    }
                    if saved < MAX_SAVED {
                        saved += 1;
                        let _ = std::fs::write(corpus_dir.join(format!("{:016x}", hash(&input))), &input);
                    }
                }
                if rt == Some(false) {
                    roundtrips += 1;
                    if roundtrips <= 50 {
                        save_crash(&crash_dir, "roundtrip", &input);
                    }
                }
            }
        }
        if last_report.elapsed() >= Duration::from_secs(60) {
            last_report = Instant::now();
            let secs = t0.elapsed().as_secs().max(1);
            log(
                &log_path,
                &format!(
                    "worker pid {}: {execs} execs in {secs} s ({}/s), corpus {}, outcomes {}, panics {panics}, round-trip failures {roundtrips}",
                    std::process::id(),
                    execs / secs,
                    corpus.len(),
                    seen.len()
                ),
            );
        }
    }
    log(&log_path, &format!("worker done: {execs} execs, panics {panics}"));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fuzz = root.join("fuzz");
    let minutes: u64 = opt("--minutes").and_then(|m| m.parse().ok()).unwrap_or(60);
    // Globs in the harness read the current directory: a small scratch one.
    let scratch = std::env::temp_dir().join(format!("isosh-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(scratch.join("sub"));
    for f in ["a.txt", "b c", "sub/d"] {
        let _ = std::fs::write(scratch.join(f), "");
    }
    if args.get(1).is_some_and(|a| a == "--repro") {
        // Runs the given files through the harness, panics shown.
        let base = harness::base_state();
        for f in &args[2..] {
            let data = std::fs::read(f).unwrap_or_default();
            eprintln!("== {f}");
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                harness::run(&base, &data);
                if let Some(Err(e)) = harness::display_round_trip(&isosh::bytes::decode(&data)) {
                    eprintln!("round trip: {e}");
                }
            }));
        }
        return;
    }
    if let Some(deadline) = opt("--worker-until") {
        let secs: u64 = deadline.parse().unwrap_or(0);
        let until = Instant::now() + Duration::from_secs(secs.saturating_sub(unix_time()));
        let seed = opt("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
        std::env::set_current_dir(opt("--dir").unwrap_or_else(|| scratch.display().to_string())).unwrap();
        worker(&fuzz, &root, seed, until);
        return;
    }
    // The supervisor: restarts the worker after a crash, saving its input.
    let log_path = fuzz.join("RUN.log");
    let end = unix_time() + minutes * 60;
    log(&log_path, &format!("start: {minutes} minutes, supervisor pid {}", std::process::id()));
    let mut restarts = 0u64;
    while unix_time() < end {
        let seed = unix_time() ^ (restarts << 32);
        let status = std::process::Command::new(&args[0])
            .args(["--worker-until", &end.to_string(), "--seed", &seed.to_string(), "--dir"])
            .arg(&scratch)
            .status();
        use std::os::unix::process::ExitStatusExt;
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                restarts += 1;
                if let Some(sig) = s.signal() {
                    let data = read_current(&fuzz.join("current.bin")).unwrap_or_default();
                    let p = save_crash(&fuzz.join("crashes"), "signal", &data);
                    log(&log_path, &format!("CRASH: worker killed by signal {sig}, input saved as {}", p.display()));
                } else {
                    log(&log_path, &format!("worker exited {:?}; restarting", s.code()));
                }
            }
            Err(e) => {
                log(&log_path, &format!("cannot start the worker: {e}"));
                break;
            }
        }
    }
    log(&log_path, &format!("end: {restarts} worker restarts"));
    let _ = std::fs::remove_dir_all(&scratch);
}
