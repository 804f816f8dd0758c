//! `isolate --doctor`: what this machine supports for isolate blocks, in
//! plain words, with how to fix what does not work. Each check is tried for
//! real in a throwaway child process, not guessed from version numbers.

use super::cgroup::detect::{self, Controller};
use nix::sched::{CloneFlags, unshare};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};
use std::path::Path;

/// Runs `probe` in a forked child; true when it returns true.
fn in_child(probe: impl FnOnce() -> bool) -> bool {
    // SAFETY: isosh is single-threaded; the child only probes and exits.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => crate::process::spawn::exit_child(if probe() { 0 } else { 1 }),
        Ok(ForkResult::Parent { child }) => matches!(waitpid(child, None), Ok(WaitStatus::Exited(_, 0))),
        Err(_) => false,
    }
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

fn line(ok: bool, what: &str, detail: &str) -> String {
    format!("{} {what}: {detail}\n", if ok { "ok  " } else { "FAIL" })
}

/// Enters a user namespace mapping our ids to 0 (what a rootless block does).
fn enter_userns() -> bool {
    let (uid, gid) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
    super::namespaces::enter_user_namespace(uid, gid).is_ok()
}

/// Runs `probe` in a child with an empty scratch directory, which the
/// parent removes afterwards (the child may have pivoted away from it).
fn with_scratch_dir(tag: &str, probe: impl FnOnce(&Path) -> bool) -> bool {
    let dir = std::env::temp_dir().join(format!("isosh-doctor-{tag}-{}", std::process::id()));
    if std::fs::create_dir(&dir).is_err() {
        return false;
    }
    let ok = in_child(|| probe(&dir));
    let _ = std::fs::remove_dir(&dir);
    ok
}

fn probe_overlay(rootless: bool) -> bool {
    with_scratch_dir("overlay", |dir| {
        if rootless && !enter_userns() {
            return false;
        }
        if unshare(CloneFlags::CLONE_NEWNS).is_err() {
            return false;
        }
        use nix::mount::{MsFlags, mount};
        mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>).is_ok()
            && mount(Some("tmpfs"), dir, Some("tmpfs"), MsFlags::empty(), None::<&str>).is_ok()
            && ["l", "u", "w", "m"].iter().all(|d| std::fs::create_dir(dir.join(d)).is_ok())
            && {
                let mut opts = format!("lowerdir={0}/l,upperdir={0}/u,workdir={0}/w", dir.display());
                if rootless {
                    opts.push_str(",userxattr");
                }
                mount(Some("overlay"), &dir.join("m"), Some("overlay"), MsFlags::empty(), Some(opts.as_str())).is_ok()
            }
    })
}

/// Starts a real block (`isolate < true >`) in a copy of this isosh, so the
/// check walks the layout blocks really use — the root layer, /proc, /dev,
/// /sys, pivot_root, seccomp — not a stand-in. The first line a failing
/// block prints names its step.
fn probe_block() -> Result<(), ProbeError> {
    let exe = std::env::current_exe().map_err(ProbeError::NoExe)?;
    let out = std::process::Command::new(exe)
        .args(["--norc", "-c", "isolate < true >"])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(ProbeError::Start)?;
    let said = String::from_utf8_lossy(&out.stderr);
    match (out.status.code(), said.lines().next()) {
        (Some(0), None) => Ok(()),
        (_, Some(first)) => Err(ProbeError::Said(first.trim_start_matches("isosh: ").to_string())),
        (code, None) => Err(ProbeError::Silent(code)),
    }
}

/// Why the doctor's probe block did not run.
#[derive(Debug, thiserror::Error)]
enum ProbeError {
    /// The running binary could not be found to start again.
    #[error("cannot find isosh itself: {0}")]
    NoExe(std::io::Error),
    #[error("cannot start isosh: {0}")]
    Start(std::io::Error),
    /// The block failed and said why (its first line: the step).
    #[error("{0}")]
    Said(String),
    #[error("ended with {0:?} and said nothing")]
    Silent(Option<i32>),
}

/// The doctor's text, and whether every check passed.
pub fn report() -> (String, bool) {
    let root = nix::unistd::geteuid().is_root();
    let mut out =
        format!("isolate doctor ({}):\n", if root { "running as root" } else { "running as an unprivileged user" });

    // User namespaces.
    let max = read("/proc/sys/user/max_user_namespaces").unwrap_or_default();
    let debian_knob = read("/proc/sys/kernel/unprivileged_userns_clone");
    let apparmor = read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
    let userns = in_child(enter_userns);
    let mut fix = String::new();
    if max == "0" {
        fix.push_str(" Fix: sysctl -w user.max_user_namespaces=15000.");
    }
    if debian_knob.as_deref() == Some("0") {
        fix.push_str(" Fix: sysctl -w kernel.unprivileged_userns_clone=1.");
    }
    if apparmor.as_deref() == Some("1") {
        fix.push_str(" AppArmor restricts unprivileged user namespaces: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for isosh.");
    }
    let detail = if userns {
        "a user namespace can be created (rootless blocks work)".to_string()
    } else {
        format!("cannot create one.{fix}")
    };
    out.push_str(&line(userns || root, "user namespaces", &detail));

    // cgroups.
    let mountinfo = read("/proc/self/mountinfo").unwrap_or_default();
    let proc_cgroup = read("/proc/self/cgroup").unwrap_or_default();
    let mounts = detect::cgroup_mounts(&mountinfo);
    let members = detect::memberships(&proc_cgroup);
    let has_v1 = mounts.iter().any(|m| m.v1_controllers.is_some());
    let v2 = detect::v2_dir(Path::new("/"), &mounts, &members);
    let layout = match (has_v1, v2.is_some()) {
        (true, true) => "hybrid (cgroup v1 controllers beside a cgroup2 hierarchy)",
        (true, false) => "legacy (cgroup v1 only)",
        (false, true) => "unified (cgroup v2)",
        (false, false) => "none mounted",
    };
    out.push_str(&line(has_v1 || v2.is_some(), "cgroup layout", layout));
    for c in [Controller::Memory, Controller::Pids, Controller::Cpu] {
        let v2_ok = v2.as_ref().is_some_and(|d| {
            std::fs::read_to_string(d.join("cgroup.subtree_control"))
                .is_ok_and(|s| s.split_whitespace().any(|x| x == c.name()))
        });
        let v1 = detect::v1_dir(Path::new("/"), &mounts, &members, c);
        let writable = |d: &Path| nix::unistd::access(d, nix::unistd::AccessFlags::W_OK).is_ok();
        let (ok, detail) = if v2_ok {
            let d = v2.as_ref().map(|d| d.display().to_string()).unwrap_or_default();
            (v2.as_deref().is_some_and(writable), format!("cgroup v2, under {d}"))
        } else if let Some(d) = v1 {
            let w = writable(&d);
            let why = if w {
                String::new()
            } else {
                " — not writable: run as root (cgroup v1 cannot be delegated)".to_string()
            };
            (w, format!("cgroup v1, under {}{why}", d.display()))
        } else {
            (
                false,
                "no hierarchy offers it; on cgroup v2 ask your init system to delegate it (systemd: Delegate=yes)"
                    .into(),
            )
        };
        out.push_str(&line(
            ok,
            &format!(
                "--{} limit ({})",
                match c {
                    Controller::Memory => "memory",
                    Controller::Pids => "pids-limit",
                    Controller::Cpu => "cpus",
                },
                c.name()
            ),
            &detail,
        ));
    }

    // Filesystems.
    let has_overlay = read("/proc/filesystems").is_some_and(|f| f.contains("overlay"));
    let overlay = has_overlay && probe_overlay(!root);
    let where_ = if root { "" } else { " inside a user namespace" };
    let detail = if overlay {
        format!("overlayfs mounts{where_}")
    } else if !has_overlay {
        "the kernel has no overlay filesystem: modprobe overlay".into()
    } else {
        format!(
            "overlayfs cannot be mounted{where_} (rootless overlay needs Linux ≥ 5.11); use --rw or --read-only with --rootfs"
        )
    };
    out.push_str(&line(overlay, "overlayfs", &detail));
    let block = probe_block();
    let detail = match &block {
        Ok(()) => "`isolate < true >` runs: root layer, /proc, /dev, /sys, pivot_root, seccomp".to_string(),
        Err(first) => first.to_string(),
    };
    out.push_str(&line(block.is_ok(), "a block", &detail));

    // Seccomp: the block's filter builds and loads (in a child, which it
    // then holds).
    let filter = super::seccomp::program();
    let loads = filter.as_ref().is_ok_and(|p| in_child(|| super::seccomp::load(p).is_ok()));
    let detail = match &filter {
        Ok(_) if loads => {
            let summary = super::seccomp::summary(super::spec::SeccompMode::Default);
            format!("docker's default profile loads ({})", summary.get(1).map_or("", |s| s.as_str()))
        }
        Ok(_) => "the kernel refuses the filter (CONFIG_SECCOMP_FILTER?); blocks need --seccomp=unconfined".into(),
        Err(e) => format!("{e}; blocks need --seccomp=unconfined"),
    };
    out.push_str(&line(loads, "seccomp", &detail));
    let healthy = !out.lines().any(|l| l.starts_with("FAIL"));
    (out, healthy)
}
