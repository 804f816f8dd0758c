//! Everything a block creates on the host — its cgroup directories, its
//! scratch directory — is recorded in a journal while it exists and removed
//! afterwards: on normal exit, on error, on a signal to the shell (the
//! supervisor's handler), and on panic ([`Resources`] cleans up in `Drop`).
//! What a SIGKILLed shell left behind is removed by the next isosh that
//! starts ([`sweep_stale`]). Only names isosh gives (`isosh-…`) are ever
//! removed, and only when the journal's owner is dead.

use super::cgroup::{self, Cgroup};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `$XDG_RUNTIME_DIR/isosh` (or a per-user directory under the temp dir).
pub fn runtime_dir() -> PathBuf {
    match dirs::runtime_dir() {
        Some(d) => d.join("isosh"),
        None => std::env::temp_dir().join(format!("isosh-runtime-{}", nix::unistd::geteuid())),
    }
}

fn journal_path(dir: &Path, pid: u32) -> PathBuf {
    dir.join(format!("journal-{pid}"))
}

/// Appends one line (`cgroup PATH` or `scratch PATH`) to this shell's journal.
fn record(kind: &str, path: &Path) {
    let dir = runtime_dir();
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut f) =
        std::fs::OpenOptions::new().create(true).append(true).open(journal_path(&dir, std::process::id()))
    {
        let _ = writeln!(f, "{kind} {}", path.display());
    }
}

/// Drops lines naming `paths` from this shell's journal (and the journal
/// when it is empty).
fn forget(paths: &[PathBuf]) {
    let file = journal_path(&runtime_dir(), std::process::id());
    let Ok(text) = std::fs::read_to_string(&file) else { return };
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !paths.iter().any(|p| l.split_once(' ').is_some_and(|(_, lp)| Path::new(lp) == p)))
        .collect();
    if kept.is_empty() {
        let _ = std::fs::remove_file(&file);
        // The directory goes too once no journal is left in it.
        let _ = std::fs::remove_dir(runtime_dir());
    } else {
        let _ = std::fs::write(&file, kept.join("\n") + "\n");
    }
}

fn ours(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("isosh-"))
}

/// What one block holds on the host. Dropping it removes everything.
#[derive(Default)]
pub struct Resources {
    pub cgroup: Option<Box<dyn Cgroup>>,
    pub scratch: Option<PathBuf>,
}

impl Resources {
    /// Makes (and journals) an empty scratch directory `isosh-<pid>-<n>`.
    pub fn make_scratch(&mut self) -> std::io::Result<PathBuf> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("isosh-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir)?;
        record("scratch", &dir);
        self.scratch = Some(dir.clone());
        Ok(dir)
    }

    pub fn adopt_cgroup(&mut self, cg: Box<dyn Cgroup>) {
        for d in cg.dirs() {
            record("cgroup", d);
        }
        self.cgroup = Some(cg);
    }

    /// Removes everything; returns what could not be removed.
    pub fn release(&mut self) -> Vec<PathBuf> {
        let mut gone = Vec::new();
        let mut left = Vec::new();
        if let Some(cg) = self.cgroup.take() {
            let stuck = cgroup::remove(cg.as_ref());
            gone.extend(cg.dirs().iter().filter(|d| !stuck.contains(d)).cloned());
            left.extend(stuck);
        }
        if let Some(dir) = self.scratch.take() {
            // The tmpfs lived in the block's mount namespace; on the host
            // the directory is empty.
            match std::fs::remove_dir(&dir) {
                Ok(()) => gone.push(dir),
                Err(_) => left.push(dir),
            }
        }
        forget(&gone);
        left
    }
}

impl Drop for Resources {
    fn drop(&mut self) {
        self.release();
    }
}

/// Removes what shells that died without cleaning up (SIGKILL) recorded.
pub fn sweep_stale() {
    let dir = runtime_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("journal-")).and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines() {
            let Some((kind, path)) = line.split_once(' ') else { continue };
            let path = Path::new(path);
            if !ours(path) {
                continue;
            }
            match kind {
                "cgroup" => {
                    for pid in std::fs::read_to_string(path.join("cgroup.procs")).unwrap_or_default().lines() {
                        if let Ok(p) = pid.trim().parse::<i32>() {
                            // SAFETY: kill with integers; the cgroup is one isosh made.
                            unsafe { libc::kill(p, libc::SIGKILL) };
                        }
                    }
                    cgroup::remove_dir_retrying(path);
                }
                "scratch" => {
                    let _ = std::fs::remove_dir(path);
                }
                _ => {}
            }
        }
        let _ = std::fs::remove_file(entry.path());
    }
}
