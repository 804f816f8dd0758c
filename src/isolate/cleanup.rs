//! What a block creates on the host — its cgroup directories (everything
//! else lives in its mount namespace and dies with it) — is recorded in a
//! journal while it exists and removed afterwards: on normal exit, on error, on a signal to the shell (the
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

/// Appends one line (`cgroup PATH`) to this shell's journal.
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
}

impl Resources {
    pub fn adopt_cgroup(&mut self, cg: Box<dyn Cgroup>) {
        for d in cg.dirs() {
            record("cgroup", d);
        }
        self.cgroup = Some(cg);
    }

    /// Removes everything; returns what could not be removed.
    pub fn release(&mut self) -> Vec<PathBuf> {
        let Some(cg) = self.cgroup.take() else { return Vec::new() };
        let stuck = cgroup::remove(cg.as_ref());
        let gone: Vec<PathBuf> = cg.dirs().iter().filter(|d| !stuck.contains(d)).cloned().collect();
        forget(&gone);
        stuck
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
            if kind == "cgroup" {
                cgroup::kill_procs(path);
                cgroup::remove_dir_retrying(path);
            }
        }
        let _ = std::fs::remove_file(entry.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic while a block runs unwinds through its `Resources`: the
    /// process in the block's cgroup is killed and the directories go.
    #[test]
    fn a_panic_removes_the_blocks_cgroup_and_kills_what_is_in_it() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIP a_panic_removes_the_blocks_cgroup_and_kills_what_is_in_it: needs root to make a cgroup");
            return;
        }
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        let proc_cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap();
        let host = cgroup::Host { fs_root: Path::new("/"), mountinfo: &mountinfo, proc_cgroup: &proc_cgroup };
        let limits = cgroup::Limits { memory: Some(64 << 20), pids: Some(20), cpus: None };
        let cg = cgroup::create(&host, &limits).expect("a cgroup under the test's own");
        let dirs = cg.dirs().to_vec();
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        for d in &dirs {
            std::fs::write(d.join("cgroup.procs"), child.id().to_string()).unwrap();
        }
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let mut res = Resources::default();
            res.adopt_cgroup(cg);
            panic!("a bug while the block runs");
        }));
        assert!(unwound.is_err());
        for d in &dirs {
            assert!(!d.exists(), "{} is left behind", d.display());
        }
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
    }
}
