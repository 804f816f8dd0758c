//! The isolate setup as data, as bubblewrap's ordered setup-op list: every
//! value the runtime decides for a block — its cgroup plan, clone flags, id
//! maps, network namespace, workdir, hostname, kept capabilities, kept fds,
//! seccomp mode — decided once, from the options and the host, in
//! [`Setup::of`]. The supervisor and init (`isolate/mod.rs`) carry out
//! exactly these values, and [`Setup::steps`] renders the same values for
//! `explain`, so the two cannot drift apart.

use super::cgroup::{self, CgroupError};
use super::namespaces;
use super::rootfs::{self, Privilege};
use super::security;
use super::spec::{IsolateSpec, NetMode, SeccompMode};
use super::steps::SetupStep;
use nix::sched::CloneFlags;
use std::os::fd::RawFd;

/// Everything a block's runtime decides before it clones init.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Root, or rootless through a user namespace.
    pub privilege: Privilege,
    /// The block's cgroups to create and write (read from the host, not
    /// made), or why they cannot be.
    pub cgroup: Result<cgroup::Plan, CgroupError>,
    /// The namespaces init is cloned into.
    pub clone_flags: CloneFlags,
    /// The caller's uid and gid, which the user namespace maps to 0 (rootless only).
    pub id_maps: Option<(u32, u32)>,
    /// Whether init makes a network namespace of its own (with `lo` up).
    pub new_net: bool,
    /// The directory the body starts in (`--workdir`, or the image's).
    pub workdir: Option<String>,
    /// `--hostname`; `None`: init generates one (`isosh-` and six hex digits).
    pub hostname: Option<String>,
    /// The capabilities the block keeps (number, name).
    pub caps: &'static [(u32, &'static str)],
    /// Fds passed with `--fd`, kept open besides the block's redirections.
    pub fds: Vec<RawFd>,
    /// Whether init loads docker's default seccomp profile.
    pub seccomp: SeccompMode,
}

impl Setup {
    /// The setup for `spec` on this host, its cgroups named `cgroup_name`
    /// (read from `host`; nothing is made).
    pub fn of(spec: &IsolateSpec, host: &cgroup::Host, cgroup_name: &str) -> Setup {
        let root = nix::unistd::geteuid().is_root();
        let privilege = if root { Privilege::Root } else { Privilege::Rootless };
        let ids = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
        Setup {
            privilege,
            cgroup: cgroup::plan(host, &super::limits(spec), cgroup_name),
            clone_flags: namespaces::clone_flags(privilege),
            id_maps: (privilege == Privilege::Rootless).then_some(ids),
            new_net: spec.net == NetMode::None,
            workdir: spec.workdir.clone(),
            hostname: spec.hostname.clone(),
            caps: security::DEFAULT_CAPS,
            fds: spec.fds.clone(),
            seccomp: spec.seccomp,
        }
    }

    /// Whether init joins cgroups (the plan has at least one).
    fn joins_cgroup(&self) -> bool {
        self.cgroup.as_ref().is_ok_and(|plan| !plan.nodes.is_empty())
    }

    /// The leaf of the block's v2 cgroup, which init is cloned straight
    /// into (`clone3` with `CLONE_INTO_CGROUP`), when the plan has one.
    fn unified_leaf(&self) -> Option<&std::path::Path> {
        let plan = self.cgroup.as_ref().ok()?;
        plan.nodes.iter().find(|node| node.unified).map(|node| node.leaf.as_path())
    }

    /// The ordered checklist (`SetupStep`) with the calls and files of each,
    /// as `explain` shows it. `program` is the body's one program, when it
    /// starts as any program does; `None` when a copy of the shell runs it.
    pub fn steps(&self, spec: &IsolateSpec, program: Option<&str>) -> Vec<(SetupStep, String)> {
        use SetupStep as S;
        let mut v = Vec::new();
        let mut push = |s: S, d: String| v.push((s, d));
        match &self.cgroup {
            Ok(plan) => {
                for line in cgroup::summary(plan) {
                    push(S::CgroupFiles, line);
                }
            }
            Err(e) => push(S::CgroupFiles, format!("fails: {e}")),
        }
        let flags = namespaces::flag_names(self.clone_flags);
        let unified = self.unified_leaf();
        push(
            S::Clone,
            match unified {
                Some(leaf) => format!(
                    "clone3({flags}|CLONE_INTO_CGROUP, cgroup={:?}, SIGCHLD) = init (PID 1 inside, in the v2 leaf); \
                     where clone3 is missing or the leaf was left out: clone({flags}|SIGCHLD)",
                    leaf.display().to_string()
                ),
                None => format!("clone({flags}|SIGCHLD) = init (PID 1 inside)"),
            },
        );
        if let Some((uid, gid)) = self.id_maps {
            push(
                S::UserNamespace,
                format!("/proc/self/setgroups = deny; uid_map = \"0 {uid} 1\"; gid_map = \"0 {gid} 1\""),
            );
        }
        if self.joins_cgroup() {
            let which = if unified.is_some() { "other " } else { "" };
            push(S::JoinCgroup, format!("write(cgroup.procs, \"0\") in each {which}{}/ leaf", cgroup::LEAF));
        }
        push(S::CgroupNamespace, "unshare(CLONE_NEWCGROUP)".into());
        if self.new_net {
            push(
                S::NetNamespace,
                "a thread of init, restricted to the CPUs of init's mask other than init's own where there are \
                 any (pthread_setaffinity_np): unshare(CLONE_NEWNET), while init runs the mount steps below"
                    .into(),
            );
            push(
                S::Loopback,
                "the thread: ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP); ioctl(SIOCGSKNS) = an fd of the namespace, which \
                 init joins (setns(CLONE_NEWNET)) before /sys"
                    .into(),
            );
        }
        // The root's set-up: the calls the block's own code makes, written down.
        match rootfs::explain(spec, self.privilege) {
            Ok(calls) => {
                let mut grouped: Vec<(S, Vec<String>)> = Vec::new();
                for (step, call) in calls {
                    match grouped.last_mut() {
                        Some((s, list)) if *s == step => list.push(call),
                        _ => grouped.push((step, vec![call])),
                    }
                }
                for (step, list) in grouped {
                    let who = match step {
                        S::Sys if self.new_net => "in the thread's network namespace: ",
                        _ => "",
                    };
                    push(step, format!("{who}{}", list.join("; ")));
                }
            }
            Err(e) => push(e.step, format!("fails: {e}")),
        }
        if let Some(w) = &self.workdir {
            push(S::Workdir, format!("mkdir -p {w}; chdir({w:?})"));
        }
        let hostname = self.hostname.as_deref().unwrap_or("isosh-XXXXXX");
        push(S::Hostname, format!("sethostname({hostname:?})"));
        let kept: Vec<&str> = self.caps.iter().map(|(_, name)| *name).collect();
        push(
            S::Security,
            format!("prctl(PR_SET_NO_NEW_PRIVS); capabilities kept: {}; prctl(PR_SET_DUMPABLE, 0)", kept.join(" ")),
        );
        let passed: Vec<String> = self.fds.iter().map(|fd| format!("--fd {fd}")).collect();
        let passed = if passed.is_empty() { String::new() } else { format!(" and {}", passed.join(", ")) };
        push(S::CloseFds, format!("close_range(3, ~0) except the block's redirections{passed}"));
        if self.seccomp == SeccompMode::Default {
            // Its first line says the mode, which the step's name already does.
            let what = super::seccomp::summary(self.seccomp)[1..].join("; ");
            push(
                S::Seccomp,
                format!(
                    "seccomp(SECCOMP_SET_MODE_FILTER) twice, the allowlist then its exceptions (docker's default \
                     profile): {what}"
                ),
            );
        }
        let start = match program {
            Some(name) => {
                let path = if name.contains('/') { format!("{name:?}") } else { format!("<{name} on $PATH>") };
                format!("clone(CLONE_VM|CLONE_VFORK); execve({path}) — one program starts as any program does")
            }
            None => "fork(): a copy of the shell runs the body".into(),
        };
        // What the shell does once it has the status (isolate::supervise).
        let after = if spec.name.is_none() && spec.commit.is_none() {
            "the shell goes on at once: its cgroups are removed by a cleaner it starts (clone(CLONE_VM)), which \
             waits for init to exit, then rmdir()s them and unlinks the journal"
        } else {
            "the shell waits for init to exit (the layer must be let go of first) and removes the cgroups itself"
        };
        push(
            S::StartBody,
            format!(
                "{start}; init reaps and forwards SIGINT/SIGTERM/SIGHUP until the body ends, then, if it has a child \
                 left, kill(-1, SIGKILL) and reaps the rest, and writes the body's status to the report pipe; {after}"
            ),
        );
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(args: &[&str]) -> (IsolateSpec, Setup) {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let spec = match super::super::spec::parse(&words, &|_| None) {
            Ok(super::super::spec::Request::Run(s)) => *s,
            other => panic!("{other:?}"),
        };
        let files = cgroup::SelfFiles::read();
        let setup = Setup::of(&spec, &files.host(), "isosh-test-0");
        (spec, setup)
    }

    fn rendered(spec: &IsolateSpec, setup: &Setup, step: SetupStep) -> String {
        let steps = setup.steps(spec, None);
        steps.into_iter().filter(|(s, _)| *s == step).map(|(_, d)| d).collect::<Vec<_>>().join("\n")
    }

    /// The rendered steps are the setup's values, not a second computation:
    /// change a value the runtime would apply and the step changes with it.
    #[test]
    fn steps_render_the_values_the_runtime_applies() {
        let (spec, mut setup) = setup(&["--hostname", "box", "--fd", "7"]);
        assert!(rendered(&spec, &setup, SetupStep::Hostname).contains("\"box\""));
        setup.hostname = Some("other".into());
        assert!(rendered(&spec, &setup, SetupStep::Hostname).contains("\"other\""));

        assert!(rendered(&spec, &setup, SetupStep::Security).contains("CAP_CHOWN"));
        setup.caps = &[(5, "CAP_KILL")];
        let security = rendered(&spec, &setup, SetupStep::Security);
        assert!(security.contains("kept: CAP_KILL;") && !security.contains("CAP_CHOWN"), "{security}");

        assert!(rendered(&spec, &setup, SetupStep::CloseFds).contains("--fd 7"));
        setup.fds = vec![9];
        assert!(rendered(&spec, &setup, SetupStep::CloseFds).contains("--fd 9"));

        let flags = rendered(&spec, &setup, SetupStep::Clone);
        assert!(flags.contains(&namespaces::flag_names(setup.clone_flags)), "{flags}");
        setup.clone_flags |= CloneFlags::CLONE_NEWNET;
        assert!(rendered(&spec, &setup, SetupStep::Clone).contains("CLONE_NEWNET"));

        assert!(rendered(&spec, &setup, SetupStep::Seccomp).contains("docker's default profile"));
        setup.seccomp = SeccompMode::Unconfined;
        assert!(rendered(&spec, &setup, SetupStep::Seccomp).is_empty());

        setup.new_net = false;
        assert!(rendered(&spec, &setup, SetupStep::NetNamespace).is_empty());
        setup.workdir = Some("/w".into());
        assert!(rendered(&spec, &setup, SetupStep::Workdir).contains("chdir(\"/w\")"));
    }

    /// The cgroup step shows the plan's own writes: a changed value in the
    /// plan (say, the CPU quota) is the value shown.
    #[test]
    fn cgroup_step_renders_the_plan() {
        let mut plan = cgroup::Plan::default();
        let dir = std::path::PathBuf::from("/sys/fs/cgroup/me/isosh-test-0");
        plan.nodes.push(cgroup::Node {
            hierarchy: "v2".into(),
            parent: dir.clone(),
            leaf: dir.join(cgroup::LEAF),
            required: true,
            ops: vec![cgroup::CgroupOp::Write {
                file: dir.join("cpu.max"),
                value: "12345 100000".into(),
                why: "--cpus",
            }],
            unified: true,
        });
        let (spec, mut setup) = setup(&["--cpus", "0.5"]);
        setup.cgroup = Ok(plan.clone());
        let shown = rendered(&spec, &setup, SetupStep::CgroupFiles);
        assert!(shown.contains("cpu.max = 12345 100000"), "{shown}");
        assert!(rendered(&spec, &setup, SetupStep::JoinCgroup).contains("each other body/ leaf"));
        let clone = rendered(&spec, &setup, SetupStep::Clone);
        assert!(clone.contains("CLONE_INTO_CGROUP, cgroup=\"/sys/fs/cgroup/me/isosh-test-0/body\""), "{clone}");
        if let cgroup::CgroupOp::Write { value, .. } = &mut plan.nodes[0].ops[0] {
            *value = "777 100000".into();
        }
        setup.cgroup = Ok(plan);
        assert!(rendered(&spec, &setup, SetupStep::CgroupFiles).contains("cpu.max = 777 100000"));
        setup.cgroup = Ok(cgroup::Plan::default());
        assert!(rendered(&spec, &setup, SetupStep::JoinCgroup).is_empty());
        assert!(rendered(&spec, &setup, SetupStep::Clone).starts_with("clone("));
    }
}
