//! `isolate [options] < body >`: the body runs as a container, as one stage
//! of the surrounding command line.
//!
//! Processes, outermost first:
//! - the **supervisor** — the shell itself, or the pipeline stage the block
//!   is — creates the cgroup (if limits are asked for), forks the container and
//!   waits, then reports (setup failure → 125, OOM kill → 137) and cleans up;
//! - the **namespace parent** applies the block's redirections, joins the
//!   cgroup, enters the user namespace (when not root) and unshares the
//!   others, forks init and waits for it;
//! - **init** (PID 1 in the new pid namespace) builds the root filesystem,
//!   sets the hostname, brings `lo` up, drops privileges, closes every fd
//!   the block was not given, forks the body and reaps until it ends;
//! - the **body** runs the block's commands with the normal executor.
//!
//! The block's fds 0, 1 and 2 are whatever its stage was given: bytes move
//! through kernel pipes only.

pub mod cgroup;
pub mod cleanup;
mod doctor;
mod init;
pub mod namespaces;
pub mod rootfs;
mod security;
pub mod spec;
pub mod steps;

use crate::exec::plan::FdOp;
use crate::exec::spawn::{self, NoPipes, exit_child, write_all};
use crate::exec::{Exec, Shell};
use crate::syntax::ast::IsolateBlock;
use cleanup::Resources;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid};
use spec::{IsolateSpec, Request};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use steps::{SetupStep, StepFailure};

/// Status of a block whose setup failed (docker's convention): never one a
/// body's own exit could be mistaken for in practice.
pub const STATUS_SETUP_FAILED: i32 = 125;

/// `$XDG_DATA_HOME/isosh/layers`: named upper layers (`--name`).
pub fn layers_dir() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("isosh").join("layers"))
}

fn fail(sh: &Shell, msg: &str) -> Exec {
    sh.error(&format!("isolate: {msg}"));
    Ok(STATUS_SETUP_FAILED)
}

/// Runs an isolate block (`ops` are the block's own redirections).
pub fn run_block(sh: &mut Shell, block: &IsolateBlock, ops: &[FdOp]) -> Exec {
    let words = match crate::expand::expand_words(&sh.state, &block.options) {
        Ok(w) => w,
        Err(e) => return fail(sh, &e.to_string()),
    };
    let vars = sh.state.vars.clone();
    let request = spec::parse(&words, &|k| vars.get(k).map(String::from));
    let spec = match request {
        Ok(Request::Run(spec)) => spec,
        Ok(Request::Help) => return sh.with_redirections(ops, false, |sh| print(sh, spec::HELP)),
        Ok(Request::Doctor) => return sh.with_redirections(ops, false, |sh| print(sh, &doctor::report())),
        Err(e) => {
            sh.error(&e.0);
            return Ok(STATUS_SETUP_FAILED);
        }
    };
    let Some(body) = &block.body else {
        return fail(sh, "expected `< commands >` after the options");
    };
    supervise(sh, &spec, body, ops)
}

fn print(sh: &Shell, text: &str) -> Exec {
    if let Err(e) = write_all(1, text.as_bytes()) {
        sh.error(&format!("isolate: write error: {}", spawn::errno_text(e)));
        return Ok(1);
    }
    Ok(0)
}

/// The limits the spec asks for, as the cgroup module takes them.
fn limits(spec: &IsolateSpec) -> cgroup::Limits {
    cgroup::Limits { memory: spec.memory.as_ref().map(|m| m.0), pids: spec.pids_limit, cpus: spec.cpus }
}

/// Creates the host-side resources: cgroup (only when limits are asked
/// for) and the named layer directory.
fn prepare(spec: &IsolateSpec) -> Result<(Resources, rootfs::Layout), String> {
    let mut res = Resources::default();
    if spec.has_limits() {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let proc_cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        let host =
            cgroup::Host { fs_root: std::path::Path::new("/"), mountinfo: &mountinfo, proc_cgroup: &proc_cgroup };
        match cgroup::create(&host, &limits(spec)) {
            Ok(cg) => res.adopt_cgroup(cg),
            Err(e) => {
                let hint = if nix::unistd::geteuid().is_root() {
                    ""
                } else {
                    " (not root: limits need a cgroup v2 subtree delegated to you; see isolate --doctor)"
                };
                return Err(format!("step '{}' failed: {e}{hint}", SetupStep::CgroupFiles));
            }
        }
    }
    let named_layer = match &spec.name {
        Some(name) => {
            let dir = layers_dir().ok_or("no data directory for --name layers")?.join(name);
            std::fs::create_dir_all(&dir).map_err(|e| format!("--name {name}: {}: {e}", dir.display()))?;
            Some(dir)
        }
        None => None,
    };
    let lower = spec.rootfs.clone().unwrap_or_else(|| PathBuf::from("/"));
    // Resolve --rootfs now, while relative paths still mean what the user meant.
    let lower = std::fs::canonicalize(&lower).unwrap_or(lower);
    Ok((res, rootfs::Layout { lower, named_layer }))
}

/// The supervisor: prepare, fork the container, wait, report, clean up.
fn supervise(sh: &mut Shell, spec: &IsolateSpec, body: &crate::syntax::ast::List, ops: &[FdOp]) -> Exec {
    let (mut resources, layout) = match prepare(spec) {
        Ok(r) => r,
        Err(msg) => return fail(sh, &msg),
    };
    let (err_read, err_write) = match os_pipe::pipe() {
        Ok(p) => p,
        Err(e) => return fail(sh, &format!("pipe: {e}")),
    };
    let saved_handlers = init::catch(&init::FORWARDED);
    let supervisor = getpid();
    // SAFETY: isosh is single-threaded; the child continues with its copy.
    let child = match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            drop(err_read);
            let status = namespace_parent(sh, spec, body, ops, &layout, &resources, err_write.as_raw_fd(), supervisor);
            exit_child(status)
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(e) => {
            init::restore(saved_handlers);
            return fail(sh, &format!("fork: {}", spawn::errno_text(e)));
        }
    };
    drop(err_write);
    let (status, signal) = wait_supervised(child);
    let failure = StepFailure::receive(err_read.as_raw_fd());
    let oom = resources.cgroup.as_ref().is_some_and(|c| c.oom_killed());
    let left = resources.release();
    init::restore(saved_handlers);
    for path in left {
        sh.error(&format!("isolate: could not remove {}", path.display()));
    }
    if let Some(sig) = signal {
        // The shell was told to stop while the block ran: now that nothing is
        // left behind, stop as the signal says (SIGINT only ends a script).
        if sig != Signal::SIGINT || !sh.state.options.interactive {
            reraise(sig);
        }
    }
    if let Some(f) = failure {
        sh.error(&format!("isolate: {f}"));
        return Ok(STATUS_SETUP_FAILED);
    }
    if oom && status == 128 + libc::SIGKILL {
        let limit = spec.memory.as_ref().map(|m| m.1.as_str()).unwrap_or("?");
        sh.error(&format!("isolate: killed by the OOM killer (memory limit {limit})"));
    }
    Ok(status)
}

/// Waits for the namespace parent. SIGTERM or SIGHUP to the shell kill the
/// container (SIGKILL to the namespace parent; init and everything in the
/// pid namespace follow by PR_SET_PDEATHSIG and init's exit). SIGINT from
/// the terminal already reached the body, which ends on its own.
fn wait_supervised(child: Pid) -> (i32, Option<Signal>) {
    let mut got = None;
    loop {
        match waitpid(child, None) {
            Ok(ws) => {
                if let Some(status) = init::status_of(ws, child) {
                    return (status, got);
                }
            }
            Err(nix::errno::Errno::EINTR) => {
                if let Some(sig) = init::take_pending() {
                    if sig != Signal::SIGINT {
                        let _ = kill(child, Signal::SIGKILL);
                    }
                    got = Some(sig);
                }
            }
            Err(_) => return (STATUS_SETUP_FAILED, got),
        }
    }
}

fn reraise(sig: Signal) {
    // SAFETY: resetting a disposition and signalling ourselves.
    unsafe {
        libc::signal(sig as i32, libc::SIG_DFL);
        libc::raise(sig as i32);
    }
}

/// Dies with the process that forked us (PR_SET_PDEATHSIG), and checks it
/// did not already die before the request took effect. Init cannot check:
/// its parent is outside its pid namespace, so getppid() is always 0 there.
fn die_with_parent(parent: Option<Pid>) {
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
    if parent.is_some_and(|p| nix::unistd::getppid() != p) {
        exit_child(STATUS_SETUP_FAILED);
    }
}

/// Runs `f`; on failure sends it to the supervisor and exits with 125.
fn or_report<T>(err_fd: RawFd, r: Result<T, StepFailure>) -> T {
    match r {
        Ok(v) => v,
        Err(f) => {
            f.send(err_fd);
            exit_child(STATUS_SETUP_FAILED)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn namespace_parent(
    sh: &mut Shell,
    spec: &IsolateSpec,
    body: &crate::syntax::ast::List,
    ops: &[FdOp],
    layout: &rootfs::Layout,
    resources: &Resources,
    err_fd: RawFd,
    supervisor: Pid,
) -> i32 {
    sh.become_child();
    // This process only waits; the signals are for the body.
    for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: setting a disposition to SIG_IGN.
        unsafe { libc::signal(sig, libc::SIG_IGN) };
    }
    die_with_parent(Some(supervisor));
    if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
        sh.error(&spawn::describe_failure(op, e));
        return crate::exec::STATUS_FAILED_SETUP;
    }
    if let Some(cg) = &resources.cgroup {
        for dir in cg.dirs() {
            let procs = dir.join("cgroup.procs");
            let joined = std::fs::write(&procs, getpid().to_string());
            let joined = joined.map_err(|e| {
                StepFailure::new(SetupStep::JoinCgroup, namespaces::io_errno(&e), procs.display().to_string())
            });
            or_report(err_fd, joined);
        }
    }
    let privilege = if nix::unistd::geteuid().is_root() {
        rootfs::Privilege::Root
    } else {
        let (uid, gid) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
        or_report(err_fd, namespaces::enter_user_namespace(uid, gid));
        rootfs::Privilege::Rootless
    };
    let flags = namespaces::flags(spec);
    or_report(err_fd, steps::step(SetupStep::Unshare, &format!("{flags:?}"), || nix::sched::unshare(flags)));
    // SAFETY: single-threaded; see above.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let status = container_init(sh, spec, body, ops, layout, privilege, err_fd);
            exit_child(status)
        }
        Ok(ForkResult::Parent { child }) => {
            // SAFETY: closing our copy of the error pipe's write end.
            unsafe { libc::close(err_fd) };
            loop {
                match waitpid(child, None) {
                    Ok(ws) => {
                        if let Some(status) = init::status_of(ws, child) {
                            return status;
                        }
                    }
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(_) => return STATUS_SETUP_FAILED,
                }
            }
        }
        Err(e) => {
            StepFailure::new(SetupStep::ForkInit, e, "").send(err_fd);
            STATUS_SETUP_FAILED
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn container_init(
    sh: &mut Shell,
    spec: &IsolateSpec,
    body: &crate::syntax::ast::List,
    ops: &[FdOp],
    layout: &rootfs::Layout,
    privilege: rootfs::Privilege,
    err_fd: RawFd,
) -> i32 {
    die_with_parent(None);
    or_report(err_fd, rootfs::build(spec, layout, privilege));
    if let Some(dir) = &spec.workdir {
        let made = std::fs::create_dir_all(dir)
            .map_err(|e| StepFailure::new(SetupStep::Workdir, namespaces::io_errno(&e), dir.clone()));
        or_report(err_fd, made);
        or_report(err_fd, steps::step(SetupStep::Workdir, dir, || nix::unistd::chdir(dir.as_str())));
    }
    let hostname = spec.hostname.clone().unwrap_or_else(namespaces::generated_hostname);
    or_report(err_fd, namespaces::set_hostname(&hostname));
    if spec.net == spec::NetMode::None {
        or_report(err_fd, namespaces::loopback_up());
    }
    or_report(err_fd, security::harden());
    // Keep the fds the block's redirections name, and the error pipe until
    // the body has started.
    let mut keep: Vec<RawFd> = ops.iter().filter_map(FdOp::target).collect();
    keep.push(err_fd);
    or_report(err_fd, security::close_other_fds(&keep));
    sh.state.shell_pid = getpid().as_raw();
    let pwd = nix::unistd::getcwd().map(|p| p.display().to_string()).unwrap_or_else(|_| "/".into());
    sh.state.vars.set("PWD", pwd);
    sh.state.vars.export("PWD");
    sh.state.vars.set("HOSTNAME", hostname);
    for (k, v) in &spec.env {
        sh.state.vars.set(k, v.clone());
        sh.state.vars.export(k);
    }
    // SAFETY: single-threaded; see above.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            // SAFETY: the body must not hold the error pipe.
            unsafe { libc::close(err_fd) };
            let status = sh.run_list_in_child(body);
            exit_child(status)
        }
        Ok(ForkResult::Parent { child }) => {
            let handlers = init::catch(&init::FORWARDED);
            // SAFETY: setup succeeded; the supervisor sees EOF once we and
            // the namespace parent have closed the pipe.
            unsafe { libc::close(err_fd) };
            let status = init::run(child);
            init::restore(handlers);
            status
        }
        Err(e) => {
            StepFailure::new(SetupStep::StartBody, e, "").send(err_fd);
            STATUS_SETUP_FAILED
        }
    }
}
