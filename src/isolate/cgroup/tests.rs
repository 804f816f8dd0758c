//! Block cgroups against fake cgroupfs trees in a temporary directory: v2
//! as most desktops have it, hybrid v1 as this project's CI machine has it.
//! The plan is asserted as data; `apply` is run where the fake can take it.

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
    /// Every file and directory under the tree, relative, sorted.
    fn listing(&self) -> Vec<String> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for e in fs::read_dir(dir).unwrap().flatten() {
                out.push(e.path().strip_prefix(root).unwrap().display().to_string());
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path(), root, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &self.0, &mut out);
        out.sort();
        out
    }
}

impl Drop for FakeRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const V2_MOUNTINFO: &str = "25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
const V2_CGROUP: &str = "0::/user.slice/isosh.scope\n";
const V2_OWN: &str = "sys/fs/cgroup/user.slice/isosh.scope";

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

/// The fake's directories hold regular files, which rmdir refuses: remove
/// them as the kernel does when a cgroup goes.
fn empty_files(dirs: &[PathBuf]) {
    for d in dirs {
        for f in fs::read_dir(d).unwrap().flatten() {
            if f.file_type().unwrap().is_file() {
                fs::remove_file(f.path()).unwrap();
            }
        }
    }
}

#[test]
fn v2_limits_sit_on_the_parent_and_processes_on_the_leaf() {
    let fake = FakeRoot::new("v2");
    fake.put(&format!("{V2_OWN}/cgroup.controllers"), "cpu memory pids\n");
    fake.put(&format!("{V2_OWN}/cgroup.subtree_control"), "cpu memory pids\n");
    let host = Host { fs_root: &fake.0, mountinfo: V2_MOUNTINFO, proc_cgroup: V2_CGROUP };
    let limits = Limits { memory: Some(64 << 20), pids: Some(20), cpus: Some(0.25) };
    let plan = plan(&host, &limits, "isosh-1-0").unwrap();
    let own = fake.0.join(V2_OWN);
    let (parent, leaf) = (own.join("isosh-1-0"), own.join("isosh-1-0/body"));
    let w = |f: &str, v: &str, why| CgroupOp::Write { file: parent.join(f), value: v.into(), why };
    assert_eq!(
        plan.nodes[0].ops,
        [
            CgroupOp::Mkdir(parent.clone()),
            w("memory.max", "67108864", "--memory"),
            w("pids.max", "20", "--pids-limit"),
            w("cpu.max", "25000 100000", "--cpus"),
            CgroupOp::Mkdir(leaf.clone()),
            CgroupOp::AttachDevicePolicy(parent.clone()),
        ]
    );
    assert!(plan.nodes[0].required);
    // The fake cannot take a BPF program: apply what it can.
    let mut without_bpf = plan.clone();
    without_bpf.nodes[0].ops.retain(|op| !matches!(op, CgroupOp::AttachDevicePolicy(_)));
    let mut seen = Vec::new();
    let cg = apply(&without_bpf, &mut |op| seen.push(describe(op))).unwrap();
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert_eq!(cg.leaves(), std::slice::from_ref(&leaf));
    assert_eq!(cg.dirs(), [leaf.clone(), parent.clone()]);
    assert_eq!(read(&parent.join("memory.max")), "67108864");
    assert_eq!(read(&parent.join("cpu.max")), "25000 100000");
    assert!(!cg.oom_killed());
    fs::write(leaf.join("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n").unwrap();
    assert!(cg.oom_killed());
    empty_files(&cg.dirs());
    assert_eq!(remove(&cg), Vec::<PathBuf>::new());
    assert!(!parent.exists());
    // Nothing else in the tree was written.
    assert_eq!(read(&own.join("cgroup.subtree_control")), "cpu memory pids\n");
    assert_eq!(fake.listing().len(), 7, "{:?}", fake.listing());
}

#[test]
fn a_block_without_limits_still_gets_a_cgroup() {
    let fake = FakeRoot::new("v2-none");
    fake.put(&format!("{V2_OWN}/cgroup.controllers"), "");
    fake.put(&format!("{V2_OWN}/cgroup.subtree_control"), "");
    let host = Host { fs_root: &fake.0, mountinfo: V2_MOUNTINFO, proc_cgroup: V2_CGROUP };
    let plan = plan(&host, &Limits::default(), "isosh-1-1").unwrap();
    assert_eq!(plan.nodes.len(), 1);
    assert!(!plan.nodes[0].required, "without limits a hierarchy may be left out");
    let mkdirs = plan.nodes[0].ops.iter().filter(|op| matches!(op, CgroupOp::Mkdir(_))).count();
    assert_eq!(mkdirs, 2);
}

#[test]
fn v2_refuses_controllers_not_delegated() {
    let fake = FakeRoot::new("v2-undelegated");
    fake.put(&format!("{V2_OWN}/cgroup.controllers"), "cpu memory pids\n");
    fake.put(&format!("{V2_OWN}/cgroup.subtree_control"), "cpu\n");
    let host = Host { fs_root: &fake.0, mountinfo: V2_MOUNTINFO, proc_cgroup: V2_CGROUP };
    let err = create(&host, &Limits { memory: Some(1 << 20), ..Limits::default() }).err().unwrap();
    assert!(matches!(err, CgroupError::NotDelegated { controller: "memory", .. }), "{err}");
    assert_eq!(fs::read_dir(fake.0.join(V2_OWN)).unwrap().count(), 2, "no directory was created");
}

const HYBRID_MOUNTINFO: &str = "\
30 25 0:26 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
31 25 0:27 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset
32 25 0:28 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices
33 25 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
37 25 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
38 25 0:34 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
39 25 0:35 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
";
const HYBRID_CGROUP: &str =
    "9:name=systemd:/\n8:pids:/\n5:devices:/\n4:memory:/process_api/abc\n3:cpuset:/\n1:cpu:/\n0::/\n";

fn hybrid(tag: &str) -> FakeRoot {
    let fake = FakeRoot::new(tag);
    // The empty cgroup2 hierarchy offers no controllers.
    fake.put("sys/fs/cgroup/unified/cgroup.controllers", "");
    fake.put("sys/fs/cgroup/unified/cgroup.subtree_control", "");
    fake.put("sys/fs/cgroup/cpuset/cpuset.cpus", "0-1\n");
    fake.put("sys/fs/cgroup/cpuset/cpuset.mems", "0\n");
    for d in ["cpu", "devices", "memory/process_api/abc", "pids", "systemd"] {
        fs::create_dir_all(fake.0.join("sys/fs/cgroup").join(d)).unwrap();
    }
    fake
}

#[test]
fn hybrid_host_makes_one_cgroup_per_hierarchy_with_limits_on_v1() {
    let fake = hybrid("v1");
    let host = Host { fs_root: &fake.0, mountinfo: HYBRID_MOUNTINFO, proc_cgroup: HYBRID_CGROUP };
    let limits = Limits { memory: Some(32 << 20), pids: Some(10), cpus: Some(0.5) };
    let plan = plan(&host, &limits, "isosh-7-0").unwrap();
    let at = |p: &Path| p.strip_prefix(fake.0.join("sys/fs/cgroup")).unwrap().display().to_string();
    let parents: Vec<String> = plan.nodes.iter().map(|n| at(&n.parent)).collect();
    // v2 always; v1 only where a limit is (a move into a v1 cgroup waits
    // for an RCU grace period). The memory cgroup is made under the
    // shell's own (a service's), never beside it.
    assert_eq!(parents, ["unified/isosh-7-0", "cpu/isosh-7-0", "memory/process_api/abc/isosh-7-0", "pids/isosh-7-0"]);
    let required: Vec<bool> = plan.nodes.iter().map(|n| n.required).collect();
    assert_eq!(required, [false, true, true, true]);
    // The device allowlist is the v2 BPF program, attached last, by init:
    // apply only opens the directory.
    assert!(matches!(plan.nodes[0].ops.last(), Some(CgroupOp::AttachDevicePolicy(_))));
    let cg = apply(&plan, &mut |_| {}).unwrap();
    assert_eq!(cg.device_policy.as_ref().map(|p| p.dir.clone()), Some(cg.made[0].0.clone()));
    let dir = |n: usize| &cg.made[n].0;
    assert_eq!(read(&dir(2).join("memory.limit_in_bytes")), "33554432");
    assert_eq!(read(&dir(3).join("pids.max")), "10");
    assert_eq!(read(&dir(1).join("cpu.cfs_quota_us")), "50000");
    assert_eq!(read(&dir(1).join("cpu.cfs_period_us")), "100000");
    assert_eq!(cg.unified_leaf.as_ref(), Some(&cg.made[0].1));
    fs::write(cg.made[2].1.join("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n").unwrap();
    assert!(cg.oom_killed());
    empty_files(&cg.dirs());
    assert!(remove(&cg).is_empty());
    assert!(fake.listing().iter().all(|p| !p.contains("isosh-")), "{:?}", fake.listing());
}

#[test]
fn a_failure_midway_removes_what_was_made() {
    let fake = hybrid("v1-fail");
    // Only hierarchies whose directories the fake can rmdir (no files).
    let mountinfo: String = HYBRID_MOUNTINFO
        .lines()
        .filter(|l| !l.contains("cpuset") && !l.contains("devices"))
        .map(|l| format!("{l}\n"))
        .collect();
    let host = Host { fs_root: &fake.0, mountinfo: &mountinfo, proc_cgroup: HYBRID_CGROUP };
    let mut plan = plan(&host, &Limits { pids: Some(5), ..Limits::default() }, "isosh-7-1").unwrap();
    // A write into a directory that does not exist fails (ENOENT).
    for n in &mut plan.nodes {
        n.ops.retain(|op| !matches!(op, CgroupOp::AttachDevicePolicy(_)));
    }
    let last = plan.nodes.len() - 1;
    plan.nodes[last].ops.insert(1, CgroupOp::Write { file: fake.0.join("nowhere/x"), value: "1".into(), why: "test" });
    let err = apply(&plan, &mut |_| {}).err().unwrap();
    assert!(matches!(err, CgroupError::Write { .. }), "{err}");
    assert!(fake.listing().iter().all(|p| !p.contains("isosh-")), "{:?}", fake.listing());
}

#[test]
fn missing_controller_is_a_clear_error() {
    let fake = FakeRoot::new("none");
    let host = Host { fs_root: &fake.0, mountinfo: "", proc_cgroup: "0::/\n" };
    let err = create(&host, &Limits { pids: Some(5), ..Limits::default() }).err().unwrap();
    assert_eq!(err.to_string(), "no cgroup hierarchy of this shell offers the pids controller");
}

/// A legacy host (v1 only, cpu and cpuset mounted together): no BPF, so
/// the device allowlist is v1's, made beside the limit that pays for the
/// move; a cpuset cgroup gets the shell's CPUs and nodes, leaf included.
#[test]
fn legacy_v1_host_gets_v1_devices_and_cpuset_copies() {
    let fake = FakeRoot::new("legacy");
    let mountinfo = "\
30 25 0:26 / /sys/fs/cgroup/cpu,cpuset rw - cgroup cgroup rw,cpuset,cpu
32 25 0:28 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices
";
    let proc_cgroup = "5:devices:/\n1:cpuset,cpu:/user\n";
    fake.put("sys/fs/cgroup/cpu,cpuset/user/cpuset.cpus", "0-3\n");
    fake.put("sys/fs/cgroup/cpu,cpuset/user/cpuset.mems", "0\n");
    fs::create_dir_all(fake.0.join("sys/fs/cgroup/devices")).unwrap();
    let host = Host { fs_root: &fake.0, mountinfo, proc_cgroup };
    let plan = plan(&host, &Limits { cpus: Some(1.0), ..Limits::default() }, "isosh-9-0").unwrap();
    assert_eq!(plan.nodes.len(), 2, "{plan:?}");
    assert!(!plan.nodes.iter().flat_map(|n| &n.ops).any(|op| matches!(op, CgroupOp::AttachDevicePolicy(_))));
    let cg = apply(&plan, &mut |_| {}).unwrap();
    let (cpu, cpu_leaf) = &cg.made[0];
    assert_eq!(read(&cpu.join("cpuset.cpus")), "0-3");
    assert_eq!(read(&cpu_leaf.join("cpuset.mems")), "0", "the leaf gets its CPUs and nodes too");
    assert_eq!(read(&cpu.join("cpu.cfs_quota_us")), "100000");
    let (devices, _) = &cg.made[1];
    assert_eq!(read(&devices.join("devices.deny")), "a");
    let ops = &plan.nodes[1].ops;
    let allows = ops.iter().filter(|op| matches!(op, CgroupOp::AllowDevice { .. })).count();
    assert_eq!(allows, devices::v1_rules().len());
    let last_allow = ops.iter().rposition(|op| matches!(op, CgroupOp::AllowDevice { .. }));
    let leaf_made = ops.iter().position(|op| op == &CgroupOp::Mkdir(cg.made[1].1.clone()));
    assert!(last_allow < leaf_made, "a v1 child copies its parent's device list when made");
    assert_eq!(cg.unified_leaf, None);
    empty_files(&cg.dirs());
    assert!(remove(&cg).is_empty());
}
