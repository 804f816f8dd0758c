//! What a block creates on the host — its cgroup directories (everything
//! else lives in its mount namespace and dies with it) — is recorded in a
//! journal while it exists and removed afterwards: on normal exit, on
//! error, on a signal to the shell (the supervisor's handler), and on panic
//! ([`Resources`] cleans up in `Drop`). What a SIGKILLed shell left behind
//! is removed by the next isosh that starts ([`sweep_stale`]).
//!
//! The journal names directories whose processes a later isosh SIGKILLs,
//! so it must be the user's own and nobody else's (issue 10: a journal
//! planted in a shared directory made root's isosh kill any process):
//! - it lives in a directory only this user can write: `$XDG_RUNTIME_DIR`
//!   when that is theirs and private, `/run/isosh` for root, else a
//!   per-user directory under the temp dir — and that directory must be
//!   owned by the user, mode 0700, and not a symlink, or there is no
//!   journal at all;
//! - the sweep acts only on directories that are on a cgroup filesystem,
//!   below this shell's own cgroup, and named as isosh names them.

use super::cgroup::{self, BlockCgroup};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Where this user's journals go, before any check.
fn runtime_dir_candidate() -> PathBuf {
    let euid = nix::unistd::geteuid();
    if let Some(xdg) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)
        && xdg.is_absolute()
        && private_to_us(&xdg)
    {
        return xdg.join("isosh");
    }
    if euid.is_root() {
        return PathBuf::from("/run/isosh");
    }
    std::env::temp_dir().join(format!("isosh-runtime-{euid}"))
}

/// A real directory (not a symlink), owned by the effective user, that no
/// one else may write or enter.
fn private_to_us(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir)
        .is_ok_and(|m| m.file_type().is_dir() && m.uid() == nix::unistd::geteuid().as_raw() && m.mode() & 0o077 == 0)
}

/// The runtime directory if it exists and is private to us.
fn runtime_dir() -> Option<PathBuf> {
    let dir = runtime_dir_candidate();
    private_to_us(&dir).then_some(dir)
}

/// The runtime directory, made (0700) if missing; `None` when it exists
/// but is not ours alone.
fn make_runtime_dir() -> Option<PathBuf> {
    let dir = runtime_dir_candidate();
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => Some(dir),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => private_to_us(&dir).then_some(dir),
        Err(_) => None,
    }
}

/// This block's journal: `journal-<shell pid>-<n>`, one file per block, so
/// that a block's cleanup removes its own file and never rewrites another's.
fn new_journal_path(dir: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!("journal-{}-{n}", std::process::id()))
}

/// The shell pid a journal's name records (`journal-PID` or `journal-PID-N`).
fn journal_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("journal-")?;
    rest.split('-').next()?.parse().ok()
}

/// Opens a journal without following a symlink planted in its place; a new
/// one must not exist yet.
fn open_journal(path: &Path, create: bool) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    if create {
        o.write(true).create_new(true).mode(0o600);
    } else {
        o.read(true);
    }
    o.custom_flags(libc::O_NOFOLLOW).open(path)
}

/// A block's journal, locked (`flock`, exclusive) by whoever will remove
/// what it lists: the shell, or the cleaner it hands the block to. A sweep
/// leaves a locked journal alone — its shell may be gone while its cleaner
/// is still at work.
struct Journal {
    path: PathBuf,
    lock: std::fs::File,
}

/// Writes one line (`cgroup PATH`) per directory to a new journal, and
/// locks it.
fn record(paths: &[PathBuf]) -> Option<Journal> {
    use std::os::fd::AsRawFd;
    let dir = make_runtime_dir()?;
    let path = new_journal_path(&dir);
    let mut f = open_journal(&path, true).ok()?;
    // Locked before it says anything: a sweep never reads it half-written.
    // SAFETY: flock on our own open file.
    unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    let text: String = paths.iter().map(|p| format!("cgroup {}\n", p.display())).collect();
    f.write_all(text.as_bytes()).ok()?;
    Some(Journal { path, lock: f })
}

/// Whether someone holds `file`'s lock (a cleaner still at work).
fn locked(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on our own open file.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) != 0 }
}

/// What one block holds on the host. Dropping it removes everything.
#[derive(Default)]
pub struct Resources {
    /// The block's cgroups, once made.
    pub cgroup: Option<BlockCgroup>,
    /// The journal naming the cgroup, while it exists.
    journal: Option<Journal>,
    /// What [`journal_plan`](Self::journal_plan) wrote into it.
    planned: Vec<PathBuf>,
    /// The named layer's lock (`super::lock_layer`), held while the block
    /// runs.
    pub layer_lock: Option<std::os::fd::OwnedFd>,
}

impl Resources {
    /// Notes every directory `plan` may make in a new journal, before any
    /// is made: a shell SIGKILLed between a `mkdir` and its journal would
    /// leave a cgroup no sweep finds. (A sweep drops a line whose directory
    /// does not exist, so the ones left out cost nothing.)
    pub fn journal_plan(&mut self, plan: &cgroup::Plan) {
        let dirs: Vec<PathBuf> = plan.nodes.iter().flat_map(|n| [n.leaf.clone(), n.parent.clone()]).collect();
        if !dirs.is_empty() {
            self.journal = record(&dirs);
        }
        self.planned = dirs;
    }

    /// Takes charge of `cg`, noting it in the journal (if
    /// [`journal_plan`](Self::journal_plan) made none) so a later isosh can
    /// remove it if this one dies.
    pub fn adopt_cgroup(&mut self, cg: BlockCgroup) {
        if self.journal.is_none() {
            self.journal = record(&cg.dirs());
        }
        self.cgroup = Some(cg);
    }

    /// Removes everything; returns what could not be removed.
    pub fn release(&mut self) -> Vec<PathBuf> {
        let Some(cg) = self.cgroup.take() else {
            // Nothing was handed over: the journal of the plan goes, unless
            // a directory of it is there after all (making the cgroup
            // failed halfway and could not undo it): then a later sweep
            // must find it.
            if self.journal.is_none() {
                return Vec::new();
            }
            let stuck: Vec<PathBuf> = self.planned.iter().filter(|d| d.exists()).cloned().collect();
            self.forget_if_gone(&stuck);
            return stuck;
        };
        let stuck = cgroup::remove(&cg);
        self.forget_if_gone(&stuck);
        stuck
    }

    /// Removes everything once nothing can be left inside: init was reaped,
    /// and its pid namespace ended with it.
    pub fn release_emptied(&mut self) -> Vec<PathBuf> {
        let Some(cg) = self.cgroup.take() else { return Vec::new() };
        let stuck = cgroup::remove_dirs(&cg);
        self.forget_if_gone(&stuck);
        stuck
    }

    /// Leaves the removal to a cleaner process that waits for `init` (the
    /// shell's unreaped child) to exit (see `cleaner.rs`). Gives the
    /// cleaner's pid, or `None` when none could start; then everything is
    /// still here, for the caller to release after waiting.
    pub fn hand_off(&mut self, init: nix::unistd::Pid) -> Option<nix::unistd::Pid> {
        use std::os::fd::AsRawFd;
        let cg = self.cgroup.as_ref()?;
        let journal = self.journal.as_ref().map(|j| (j.path.as_path(), j.lock.as_raw_fd()));
        let pid = super::cleaner::start(init.as_raw(), &cg.dirs(), journal)?;
        self.cgroup = None;
        self.journal = None;
        self.planned.clear();
        Some(nix::unistd::Pid::from_raw(pid))
    }

    /// The journal goes with the last directory; while one is left the
    /// next isosh's sweep still finds it there.
    fn forget_if_gone(&mut self, stuck: &[PathBuf]) {
        if let Some(journal) = self.journal.take()
            && stuck.is_empty()
        {
            let _ = std::fs::remove_file(journal.path);
        }
    }
}

impl Drop for Resources {
    fn drop(&mut self) {
        self.release();
    }
}

/// Whether `path` is on a cgroup filesystem (v1 or v2).
fn on_cgroupfs(path: &Path) -> bool {
    const CGROUP_SUPER_MAGIC: i64 = 0x27e0eb;
    const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;
    nix::sys::statfs::statfs(path).is_ok_and(|s| {
        let t = s.filesystem_type().0;
        t == CGROUP_SUPER_MAGIC || t == CGROUP2_SUPER_MAGIC
    })
}

/// Whether `path` is a block cgroup isosh makes (`<own>/isosh-…` or its
/// leaf) below one of `owns`, the shell's own cgroups.
fn a_block_cgroup_below(path: &Path, owns: &[PathBuf]) -> bool {
    owns.iter().any(|own| {
        let Ok(rest) = path.strip_prefix(own) else { return false };
        let parts: Vec<_> = rest.components().collect();
        let named = parts.first().and_then(|c| c.as_os_str().to_str()).is_some_and(|n| n.starts_with("isosh-"));
        let shape = match parts.len() {
            1 => true,
            2 => parts[1].as_os_str() == cgroup::LEAF,
            _ => false,
        };
        named && shape && !rest.to_string_lossy().contains("..")
    })
}

/// Removes what shells that died without cleaning up (SIGKILL) recorded.
/// Costs one `lstat` when there is nothing to sweep.
pub fn sweep_stale() {
    let Some(dir) = runtime_dir() else { return };
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut owns: Option<Vec<PathBuf>> = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(journal_owner) else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let Ok(mut file) = open_journal_rw(&entry.path()) else { continue };
        if locked(&file) {
            continue;
        }
        let owns = owns.get_or_insert_with(|| {
            let files = cgroup::SelfFiles::read();
            let host = files.host();
            host.hierarchies().into_iter().map(|h| h.own).collect()
        });
        let text = std::io::read_to_string(&file).unwrap_or_default();
        let left: String = text.lines().filter(|line| !swept(line, owns)).map(|l| format!("{l}\n")).collect();
        if left.is_empty() {
            let _ = std::fs::remove_file(entry.path());
        } else {
            // What this shell may not touch (another cgroup's blocks) stays
            // listed, for a shell that may.
            use std::io::{Seek, Write};
            let _ = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(left.as_bytes()));
        }
    }
}

/// Opens a dead shell's journal to read and rewrite, not through a symlink.
fn open_journal_rw(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().read(true).write(true).custom_flags(libc::O_NOFOLLOW).open(path)
}

/// Handles one journal line; false when it must stay listed: a block's
/// cgroup that exists but is not below this shell's own (`owns`), or that
/// could not be removed. A line that names no block cgroup is dropped.
fn swept(line: &str, owns: &[PathBuf]) -> bool {
    let Some(("cgroup", path)) = line.split_once(' ') else { return true };
    let path = Path::new(path);
    if !path.exists() {
        return true;
    }
    if a_block_cgroup_below(path, owns) && on_cgroupfs(path) {
        cgroup::kill_procs(path);
        return cgroup::remove_dir_retrying(path);
    }
    !is_block_cgroup_shape(path)
}

/// Whether `path` ends as a block cgroup's does (`…/isosh-…` or
/// `…/isosh-…/body`).
fn is_block_cgroup_shape(path: &Path) -> bool {
    let named = |p: &Path| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("isosh-"));
    named(path) || (path.ends_with(cgroup::LEAF) && path.parent().is_some_and(named))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block whose cgroup was journaled but never handed over (making it
    /// failed): its journal goes when none of the planned directories is
    /// there, and stays — for a later sweep — when one is (the undo of a
    /// half-made cgroup failed).
    #[test]
    fn an_unhanded_journal_stays_while_a_planned_directory_is_there() {
        let base = std::env::temp_dir().join(format!("isosh-unhanded-{}", std::process::id()));
        let left = base.join("isosh-1-0");
        std::fs::create_dir_all(&left).unwrap();
        for (planned, stays) in [(vec![base.join("isosh-9-0")], false), (vec![left.clone()], true)] {
            let Some(journal) = record(&planned) else {
                eprintln!("SKIP an_unhanded_journal_stays: no private runtime directory");
                return;
            };
            let path = journal.path.clone();
            let mut res = Resources { cgroup: None, journal: Some(journal), planned, layer_lock: None };
            let stuck = res.release();
            assert_eq!(path.exists(), stays, "{stuck:?}");
            let _ = std::fs::remove_file(&path);
        }
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// The sweep drops a journal line only when it is done with it: gone,
    /// removed, or naming no block cgroup. A block's cgroup below another
    /// cgroup than this shell's stays listed (issue 10's review: a shell in
    /// another session deleted such a journal, and the directories stayed
    /// forever); so does anything it may not touch.
    #[test]
    fn the_sweep_keeps_the_lines_it_cannot_handle() {
        let base = std::env::temp_dir().join(format!("isosh-sweep-lines-{}", std::process::id()));
        let foreign = base.join("other-session/isosh-42-0");
        std::fs::create_dir_all(foreign.join(cgroup::LEAF)).unwrap();
        let owns = [base.join("mine")];
        let line = |p: &Path| format!("cgroup {}", p.display());
        // Not below our own cgroup: kept, and not touched.
        assert!(!swept(&line(&foreign), &owns));
        assert!(!swept(&line(&foreign.join(cgroup::LEAF)), &owns));
        assert!(foreign.join(cgroup::LEAF).exists());
        // Below our own but not on cgroupfs (a planted path): kept, untouched.
        let planted = base.join("mine/isosh-43-0");
        std::fs::create_dir_all(&planted).unwrap();
        assert!(!swept(&line(&planted), &owns));
        assert!(planted.exists());
        // Gone, or no block cgroup at all: dropped.
        assert!(swept(&line(&base.join("mine/isosh-44-0")), &owns));
        assert!(swept(&line(&base.join("other-session")), &owns));
        assert!(swept("something else", &owns));
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// A panic while a block runs unwinds through its `Resources`: the
    /// process in the block's cgroup is killed and the directories go.
    #[test]
    fn a_panic_removes_the_blocks_cgroup_and_kills_what_is_in_it() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIP a_panic_removes_the_blocks_cgroup_and_kills_what_is_in_it: needs root to make a cgroup");
            return;
        }
        let files = cgroup::SelfFiles::read();
        let host = files.host();
        let limits = cgroup::Limits { memory: Some(64 << 20), pids: Some(20), cpus: None };
        let cg = cgroup::create(&host, &limits).expect("a cgroup under the test's own");
        let dirs = cg.dirs();
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        for d in &cg.leaves() {
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
