//! cgroup v2: one directory in the unified hierarchy.

use super::{Cgroup, CgroupError, LimitWrite, Limits, kill_procs, make_dir, write_file};
use crate::isolate::cgroup::detect::Controller;
use std::path::{Path, PathBuf};

pub struct V2 {
    dirs: Vec<PathBuf>,
}

impl V2 {
    /// Creates `name` under the shell's own cgroup `own`. The controllers
    /// must already be enabled for its children: isosh does not write to
    /// `cgroup.subtree_control` of a cgroup it did not create.
    pub fn create(own: &Path, name: &str, needed: &[Controller]) -> Result<V2, CgroupError> {
        let enabled = std::fs::read_to_string(own.join("cgroup.subtree_control")).unwrap_or_default();
        for c in needed {
            if !enabled.split_whitespace().any(|x| x == c.name()) {
                return Err(CgroupError::NotDelegated { controller: c.name(), dir: own.to_path_buf() });
            }
        }
        let dir = own.join(name);
        make_dir(&dir)?;
        Ok(V2 { dirs: vec![dir] })
    }

    fn dir(&self) -> &Path {
        &self.dirs[0]
    }
}

impl Cgroup for V2 {
    fn version(&self) -> &'static str {
        "v2"
    }

    fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn limit_writes(&self, limits: &Limits) -> Vec<LimitWrite> {
        let dir = self.dir();
        let mut w = Vec::new();
        if let Some(bytes) = limits.memory {
            w.push(LimitWrite { file: dir.join("memory.max"), value: bytes.to_string() });
            if dir.join("memory.swap.max").exists() {
                w.push(LimitWrite { file: dir.join("memory.swap.max"), value: "0".into() });
            }
        }
        if let Some(n) = limits.pids {
            w.push(LimitWrite { file: dir.join("pids.max"), value: n.to_string() });
        }
        if let Some(q) = limits.cpu_quota_us() {
            w.push(LimitWrite { file: dir.join("cpu.max"), value: format!("{q} {}", super::CPU_PERIOD_US) });
        }
        w
    }

    fn oom_killed(&self) -> bool {
        let events = std::fs::read_to_string(self.dir().join("memory.events")).unwrap_or_default();
        events
            .lines()
            .find_map(|l| l.strip_prefix("oom_kill "))
            .is_some_and(|n| n.trim().parse::<u64>().unwrap_or(0) > 0)
    }

    fn kill_all(&self) {
        // cgroup.kill (Linux ≥ 5.14) kills atomically; else one by one.
        let kill_file = self.dir().join("cgroup.kill");
        if kill_file.exists() && write_file(&kill_file, "1").is_ok() {
            return;
        }
        kill_procs(self.dir());
    }
}
