//! cgroup v1: one directory per controller hierarchy.

use super::{Cgroup, CgroupError, LimitWrite, Limits, kill_procs, make_dir, remove_dir_retrying};
use crate::isolate::cgroup::detect::Controller;
use std::path::{Path, PathBuf};

pub struct V1 {
    /// Each created directory once (two controllers may share a hierarchy).
    dirs: Vec<PathBuf>,
    /// Which created directory serves which controller.
    by_controller: Vec<(Controller, PathBuf)>,
}

impl V1 {
    /// Creates `name` under the shell's own cgroup dir of each controller.
    pub fn create(own_dirs: &[(Controller, PathBuf)], name: &str) -> Result<V1, CgroupError> {
        let mut created = V1 { dirs: Vec::new(), by_controller: Vec::new() };
        for (controller, own) in own_dirs {
            let dir = own.join(name);
            if !created.dirs.contains(&dir) {
                if let Err(e) = make_dir(&dir) {
                    created.dirs.iter().rev().for_each(|d| {
                        remove_dir_retrying(d);
                    });
                    return Err(e);
                }
                created.dirs.push(dir.clone());
            }
            created.by_controller.push((*controller, dir));
        }
        Ok(created)
    }

    fn dir_of(&self, c: Controller) -> Option<&Path> {
        self.by_controller.iter().find(|(x, _)| *x == c).map(|(_, d)| d.as_path())
    }
}

impl Cgroup for V1 {
    fn version(&self) -> &'static str {
        "v1"
    }

    fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn limit_writes(&self, limits: &Limits) -> Vec<LimitWrite> {
        let mut w = Vec::new();
        let mut push = |c: Controller, file: &str, value: String| {
            if let Some(dir) = self.dir_of(c) {
                w.push(LimitWrite { file: dir.join(file), value });
            }
        };
        if let Some(bytes) = limits.memory {
            push(Controller::Memory, "memory.limit_in_bytes", bytes.to_string());
            // memory+swap equal to memory means no swap; the file exists only
            // with swap accounting.
            if self.dir_of(Controller::Memory).is_some_and(|d| d.join("memory.memsw.limit_in_bytes").exists()) {
                push(Controller::Memory, "memory.memsw.limit_in_bytes", bytes.to_string());
            }
        }
        if let Some(n) = limits.pids {
            push(Controller::Pids, "pids.max", n.to_string());
        }
        if let Some(q) = limits.cpu_quota_us() {
            push(Controller::Cpu, "cpu.cfs_period_us", super::CPU_PERIOD_US.to_string());
            push(Controller::Cpu, "cpu.cfs_quota_us", q.to_string());
        }
        w
    }

    fn oom_killed(&self) -> bool {
        let Some(dir) = self.dir_of(Controller::Memory) else { return false };
        let text = std::fs::read_to_string(dir.join("memory.oom_control")).unwrap_or_default();
        // `oom_kill N` (Linux ≥ 4.13); older kernels only count failures.
        match text.lines().find_map(|l| l.strip_prefix("oom_kill ")) {
            Some(n) => n.trim().parse::<u64>().unwrap_or(0) > 0,
            None => std::fs::read_to_string(dir.join("memory.failcnt")).is_ok_and(|s| s.trim() != "0"),
        }
    }

    fn kill_all(&self) {
        self.dirs.iter().for_each(|d| kill_procs(d));
    }
}
