//! cgroup backends against fake cgroupfs trees in a temporary directory:
//! v2 as most desktops have it, v1 as this project's CI machine has it.

use super::*;
use std::fs;

struct FakeRoot(PathBuf);

impl FakeRoot {
    fn new(tag: &str) -> FakeRoot {
        let p = std::env::temp_dir().join(format!("isosh-fake-cgroup-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        FakeRoot(p)
    }
    fn put(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

impl Drop for FakeRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const V2_MOUNTINFO: &str = "25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
const V2_CGROUP: &str = "0::/user.slice/isosh.scope\n";

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

#[test]
fn v2_writes_limit_files_under_the_shells_own_cgroup() {
    let fake = FakeRoot::new("v2");
    let own = "sys/fs/cgroup/user.slice/isosh.scope";
    fake.put(&format!("{own}/cgroup.controllers"), "cpu memory pids\n");
    fake.put(&format!("{own}/cgroup.subtree_control"), "cpu memory pids\n");
    let host = Host { fs_root: &fake.0, mountinfo: V2_MOUNTINFO, proc_cgroup: V2_CGROUP };
    let limits = Limits { memory: Some(64 << 20), pids: Some(20), cpus: Some(0.25) };
    let cg = create(&host, &limits).unwrap();
    assert_eq!(cg.version(), "v2");
    let dir = &cg.dirs()[0];
    assert!(dir.starts_with(fake.0.join(own)), "{dir:?}");
    assert!(dir.file_name().unwrap().to_str().unwrap().starts_with("isosh-"));
    assert_eq!(read(&dir.join("memory.max")), "67108864");
    assert_eq!(read(&dir.join("pids.max")), "20");
    assert_eq!(read(&dir.join("cpu.max")), "25000 100000");
    assert!(!cg.oom_killed());
    fs::write(dir.join("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n").unwrap();
    assert!(cg.oom_killed());
    // The fake directory holds regular files, so rmdir fails: remove them
    // first as the kernel would when the cgroup goes.
    for f in fs::read_dir(dir).unwrap().flatten() {
        fs::remove_file(f.path()).unwrap();
    }
    assert_eq!(remove(cg.as_ref()), Vec::<PathBuf>::new());
    assert!(!dir.exists());
    // Nothing else in the tree was written.
    assert_eq!(read(&fake.0.join(own).join("cgroup.subtree_control")), "cpu memory pids\n");
}

#[test]
fn v2_refuses_controllers_not_delegated() {
    let fake = FakeRoot::new("v2-undelegated");
    let own = "sys/fs/cgroup/user.slice/isosh.scope";
    fake.put(&format!("{own}/cgroup.controllers"), "cpu memory pids\n");
    fake.put(&format!("{own}/cgroup.subtree_control"), "cpu\n");
    let host = Host { fs_root: &fake.0, mountinfo: V2_MOUNTINFO, proc_cgroup: V2_CGROUP };
    let err = create(&host, &Limits { memory: Some(1 << 20), ..Limits::default() }).err().unwrap();
    assert!(matches!(err, CgroupError::NotDelegated { controller: "memory", .. }), "{err}");
    assert_eq!(fs::read_dir(fake.0.join(own)).unwrap().count(), 2, "no directory was created");
}

#[test]
fn hybrid_host_uses_v1_paths_per_controller() {
    let fake = FakeRoot::new("v1");
    let mountinfo = "\
30 25 0:26 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
33 25 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
37 25 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
39 25 0:35 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
";
    let proc_cgroup = "8:pids:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n";
    // The empty cgroup2 hierarchy offers no controllers and must not be chosen.
    fake.put("sys/fs/cgroup/unified/cgroup.controllers", "");
    fake.put("sys/fs/cgroup/unified/cgroup.subtree_control", "");
    for d in ["cpu", "memory/process_api/abc", "pids"] {
        fs::create_dir_all(fake.0.join("sys/fs/cgroup").join(d)).unwrap();
    }
    let host = Host { fs_root: &fake.0, mountinfo, proc_cgroup };
    let limits = Limits { memory: Some(32 << 20), pids: Some(10), cpus: Some(0.5) };
    let cg = create(&host, &limits).unwrap();
    assert_eq!(cg.version(), "v1");
    let dirs: Vec<String> =
        cg.dirs().iter().map(|d| d.strip_prefix(&fake.0).unwrap().parent().unwrap().display().to_string()).collect();
    assert_eq!(dirs, ["sys/fs/cgroup/memory/process_api/abc", "sys/fs/cgroup/pids", "sys/fs/cgroup/cpu"]);
    assert_eq!(read(&cg.dirs()[0].join("memory.limit_in_bytes")), "33554432");
    assert_eq!(read(&cg.dirs()[1].join("pids.max")), "10");
    assert_eq!(read(&cg.dirs()[2].join("cpu.cfs_quota_us")), "50000");
    assert_eq!(read(&cg.dirs()[2].join("cpu.cfs_period_us")), "100000");
    fs::write(cg.dirs()[0].join("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n").unwrap();
    assert!(cg.oom_killed());
    for d in cg.dirs() {
        for f in fs::read_dir(d).unwrap().flatten() {
            fs::remove_file(f.path()).unwrap();
        }
    }
    assert!(remove(cg.as_ref()).is_empty());
}

#[test]
fn missing_controller_is_a_clear_error() {
    let fake = FakeRoot::new("none");
    let host = Host { fs_root: &fake.0, mountinfo: "", proc_cgroup: "0::/\n" };
    let err = create(&host, &Limits { pids: Some(5), ..Limits::default() }).err().unwrap();
    assert_eq!(err.to_string(), "no cgroup hierarchy of this shell offers the pids controller");
}
