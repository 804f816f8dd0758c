//! The block's device allowlist in its cgroup — a second lock behind
//! `nodev` (rootfs.rs): the devices a block may open are the six host
//! nodes bound into its `/dev` and its terminal, as in docker's default.
//! Any device may be *created* (mknod; docker allows it too): a node
//! outside the list cannot be opened.
//!
//! cgroup v1 says it with `devices.deny`/`devices.allow` lines; cgroup v2
//! has no file for it, only a `BPF_CGROUP_DEVICE` program attached to the
//! cgroup. Both are made from [`ALLOWED`].

use super::CgroupError;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// One allowed device: char devices only; `minor: None` is any minor.
pub struct Allowed {
    /// The device's major number.
    pub major: u32,
    /// Its minor number (`None`: any).
    pub minor: Option<u32>,
    /// What it is (`/dev/null`), for explain and messages.
    pub what: &'static str,
}

/// What a block may open (read, write, mknod).
pub const ALLOWED: &[Allowed] = &[
    Allowed { major: 1, minor: Some(3), what: "/dev/null" },
    Allowed { major: 1, minor: Some(5), what: "/dev/zero" },
    Allowed { major: 1, minor: Some(7), what: "/dev/full" },
    Allowed { major: 1, minor: Some(8), what: "/dev/random" },
    Allowed { major: 1, minor: Some(9), what: "/dev/urandom" },
    Allowed { major: 5, minor: Some(0), what: "/dev/tty" },
    Allowed { major: 5, minor: Some(2), what: "/dev/ptmx" },
    Allowed { major: 136, minor: None, what: "/dev/pts/*" },
];

/// The v1 rules written to `devices.allow` after `devices.deny a`.
pub fn v1_rules() -> Vec<String> {
    let mut rules: Vec<String> = vec!["c *:* m".into(), "b *:* m".into()];
    for a in ALLOWED {
        let minor = a.minor.map_or("*".to_string(), |m| m.to_string());
        rules.push(format!("c {}:{minor} rwm", a.major));
    }
    rules
}

// eBPF, for the few instructions of the v2 program.
/// One eBPF instruction (`struct bpf_insn`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    code: u8,
    /// dst in the low four bits, src in the high four.
    regs: u8,
    off: i16,
    imm: i32,
}

const LDX_W: u8 = 0x61; // BPF_LDX | BPF_MEM | BPF_W
const MOV64_X: u8 = 0xbf; // BPF_ALU64 | BPF_MOV | BPF_X
const MOV64_K: u8 = 0xb7;
const AND64_K: u8 = 0x57;
const RSH64_K: u8 = 0x77;
const LSH64_K: u8 = 0x67;
const OR64_X: u8 = 0x4f;
const JEQ_K: u8 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JNE_K: u8 = 0x55;
const EXIT: u8 = 0x95;

fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn { code, regs: dst | (src << 4), off, imm }
}

/// `struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }`;
/// access_type is `(access << 16) | type`.
const DEVCG_DEV_CHAR: i32 = 2;
const DEVCG_ACC_MKNOD: i32 = 1;

/// A device as one number, `major << 20 | minor` (the kernel's own
/// `MKDEV`: minors have 20 bits), so that each device costs one compare.
fn dev_key(major: u32, minor: u32) -> i32 {
    ((major << 20) | minor) as i32
}

/// The program: 1 (allow) for mknod alone and for the devices in
/// [`ALLOWED`], 0 (EPERM) for anything else. One conditional jump per
/// device, straight to "allow": each one is a path the kernel's verifier
/// walks when the program is loaded, and loading is on every block's way
/// (two compares per device, major then minor, took it twice as long).
pub fn program() -> Vec<Insn> {
    let mut p = vec![
        insn(LDX_W, 2, 1, 0, 0),        // r2 = access_type
        insn(MOV64_X, 3, 2, 0, 0),      // r3 = r2
        insn(RSH64_K, 3, 0, 0, 16),     // r3 = access
        insn(AND64_K, 2, 0, 0, 0xffff), // r2 = type
        insn(LDX_W, 4, 1, 4, 0),        // r4 = major
        insn(LDX_W, 5, 1, 8, 0),        // r5 = minor
    ];
    // Jumps to "allow" and "deny" are patched once their places are known.
    let mut to_allow = vec![p.len()];
    p.push(insn(JEQ_K, 3, 0, 0, DEVCG_ACC_MKNOD));
    let to_deny = vec![p.len()];
    p.push(insn(JNE_K, 2, 0, 0, DEVCG_DEV_CHAR));
    // Any minor: the major alone.
    for a in ALLOWED.iter().filter(|a| a.minor.is_none()) {
        to_allow.push(p.len());
        p.push(insn(JEQ_K, 4, 0, 0, a.major as i32));
    }
    p.push(insn(LSH64_K, 4, 0, 0, 20)); // r4 = major << 20 | minor
    p.push(insn(OR64_X, 4, 5, 0, 0));
    for a in ALLOWED {
        if let Some(minor) = a.minor {
            to_allow.push(p.len());
            p.push(insn(JEQ_K, 4, 0, 0, dev_key(a.major, minor)));
        }
    }
    let deny = p.len();
    p.push(insn(MOV64_K, 0, 0, 0, 0));
    p.push(insn(EXIT, 0, 0, 0, 0));
    let allow = p.len();
    p.push(insn(MOV64_K, 0, 0, 0, 1));
    p.push(insn(EXIT, 0, 0, 0, 0));
    for (jumps, target) in [(to_allow, allow), (to_deny, deny)] {
        for at in jumps {
            p[at].off = (target - at - 1) as i16;
        }
    }
    p
}

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_PROG_ATTACH: libc::c_long = 8;
const BPF_PROG_TYPE_CGROUP_DEVICE: u32 = 15;
const BPF_CGROUP_DEVICE: u32 = 6;

#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
}

#[repr(C)]
#[derive(Default)]
struct AttachAttr {
    target_fd: u32,
    attach_bpf_fd: u32,
    attach_type: u32,
    attach_flags: u32,
}

fn bpf<T>(cmd: libc::c_long, attr: &T) -> std::io::Result<libc::c_long> {
    // SAFETY: attr is a #[repr(C)] bpf_attr prefix of the size given.
    let r = unsafe { libc::syscall(libc::SYS_bpf, cmd, attr as *const T, std::mem::size_of::<T>()) };
    if r < 0 { Err(std::io::Error::last_os_error()) } else { Ok(r) }
}

/// Loads the program. Each block's init loads its own and closes it once
/// attached: an fd kept for the shell's life, high out of the way of `exec
/// 3>log`, made init grow its fd table while its thread shared it —
/// which waits for an RCU grace period (4–20 ms here).
fn load() -> std::io::Result<OwnedFd> {
    let code = program();
    let license = c"GPL";
    let mut name = [0u8; 16];
    name[..11].copy_from_slice(b"isosh_devcg");
    let attr = ProgLoadAttr {
        prog_type: BPF_PROG_TYPE_CGROUP_DEVICE,
        insn_cnt: code.len() as u32,
        insns: code.as_ptr() as u64,
        license: license.as_ptr() as u64,
        prog_name: name,
        ..Default::default()
    };
    let fd = bpf(BPF_PROG_LOAD, &attr)?;
    // SAFETY: a new fd the kernel just gave us, close-on-exec (bpf(2)
    // gives every fd O_CLOEXEC).
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Attaches the allowlist to the cgroup v2 directory `dir` (no override:
/// nothing below may replace it).
#[cfg(test)]
pub fn attach(dir: &Path) -> Result<(), CgroupError> {
    let cgroup =
        std::fs::File::open(dir).map_err(|e| CgroupError::Attach { path: dir.to_path_buf(), reason: e.to_string() })?;
    attach_fd(std::os::fd::AsFd::as_fd(&cgroup), dir)
}

/// Attaches the allowlist to the cgroup v2 directory open as `cgroup`
/// (`dir` names it in messages).
pub fn attach_fd(cgroup: std::os::fd::BorrowedFd, dir: &Path) -> Result<(), CgroupError> {
    let fail = |reason: String| CgroupError::Attach { path: dir.to_path_buf(), reason };
    let prog = load().map_err(|e| fail(format!("bpf(BPF_PROG_LOAD): {e}")))?;
    let attr = AttachAttr {
        target_fd: cgroup.as_raw_fd() as u32,
        attach_bpf_fd: prog.as_raw_fd() as u32,
        attach_type: BPF_CGROUP_DEVICE,
        attach_flags: 0,
    };
    bpf(BPF_PROG_ATTACH, &attr).map_err(|e| fail(format!("bpf(BPF_PROG_ATTACH): {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the program as the kernel would, for one device access.
    fn run(p: &[Insn], access: i32, kind: i32, major: u32, minor: u32) -> i64 {
        let ctx = [((access << 16) | kind) as u32, major, minor];
        let mut r = [0i64; 11];
        let mut pc = 0usize;
        loop {
            let i = p[pc];
            let (dst, src) = ((i.regs & 0xf) as usize, (i.regs >> 4) as usize);
            pc += 1;
            match i.code {
                LDX_W => r[dst] = ctx[i.off as usize / 4] as i64,
                MOV64_X => r[dst] = r[src],
                MOV64_K => r[dst] = i.imm as i64,
                AND64_K => r[dst] &= i.imm as i64,
                RSH64_K => r[dst] >>= i.imm,
                LSH64_K => r[dst] <<= i.imm,
                OR64_X => r[dst] |= r[src],
                JEQ_K if r[dst] == i.imm as i64 => pc = (pc as i64 + i.off as i64) as usize,
                JNE_K if r[dst] != i.imm as i64 => pc = (pc as i64 + i.off as i64) as usize,
                JEQ_K | JNE_K => {}
                EXIT => return r[0],
                other => panic!("unknown instruction {other:#x}"),
            }
        }
    }

    const READ: i32 = 2;
    const WRITE: i32 = 4;
    const BLOCK: i32 = 1;

    #[test]
    fn the_program_allows_exactly_the_list() {
        let p = program();
        for a in ALLOWED {
            let minor = a.minor.unwrap_or(17);
            assert_eq!(run(&p, READ | WRITE, DEVCG_DEV_CHAR, a.major, minor), 1, "{}", a.what);
        }
        // kvm, kmsg, mem, a loop device (block), fuse, hwrng, a pty master's
        // neighbours: denied.
        for (kind, major, minor) in
            [(2, 10, 232), (2, 1, 11), (2, 1, 1), (BLOCK, 7, 0), (2, 10, 229), (2, 10, 183), (2, 5, 1), (2, 4, 0)]
        {
            assert_eq!(run(&p, READ, kind, major, minor), 0, "{kind} {major}:{minor}");
        }
        // Creating a node is allowed; opening it is not.
        assert_eq!(run(&p, DEVCG_ACC_MKNOD, DEVCG_DEV_CHAR, 10, 232), 1);
        assert_eq!(run(&p, DEVCG_ACC_MKNOD, BLOCK, 7, 0), 1);
        assert_eq!(run(&p, DEVCG_ACC_MKNOD | READ, BLOCK, 7, 0), 0);
    }

    /// Every device number the kernel can give (majors of 12 bits, minors
    /// of 20), sampled densely where the list is and sparsely beyond, for
    /// every access and type: the program agrees with the list. Catches a
    /// key that aliases (`major << 20 | minor`) or a jump patched wrong.
    #[test]
    fn the_program_agrees_with_the_list_everywhere() {
        let p = program();
        let listed =
            |major: u32, minor: u32| ALLOWED.iter().any(|a| a.major == major && a.minor.is_none_or(|m| m == minor));
        let majors = (0..300).chain([511, 1023, 4094, 4095]);
        let minors: Vec<u32> = (0..300).chain([(1 << 20) - 1, 1 << 19, 0x1_0003, 0x5_0002]).collect();
        for major in majors {
            for &minor in &minors {
                for access in [READ, WRITE, READ | WRITE, DEVCG_ACC_MKNOD, DEVCG_ACC_MKNOD | READ] {
                    for kind in [BLOCK, DEVCG_DEV_CHAR] {
                        let want = access == DEVCG_ACC_MKNOD || (kind == DEVCG_DEV_CHAR && listed(major, minor));
                        let got = run(&p, access, kind, major, minor);
                        assert_eq!(got, want as i64, "access {access} type {kind} {major}:{minor}");
                    }
                }
            }
        }
    }

    #[test]
    fn v1_rules_follow_the_same_list() {
        let rules = v1_rules();
        assert_eq!(rules[..2], ["c *:* m", "b *:* m"]);
        assert!(rules.contains(&"c 1:3 rwm".to_string()));
        assert!(rules.contains(&"c 136:* rwm".to_string()));
        assert_eq!(rules.len(), ALLOWED.len() + 2);
    }

    /// The kernel takes the program, and a process in a cgroup v2
    /// directory it is attached to can open /dev/null but not /dev/kmsg
    /// (read-only: harmless). Needs root and a cgroup2 mount.
    #[test]
    fn the_kernel_enforces_the_program() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIP the_kernel_enforces_the_program: needs root");
            return;
        }
        let files = super::super::SelfFiles::read();
        let host = files.host();
        let Some(v2) = host.hierarchies().into_iter().find(|h| h.v1_controllers.is_none()) else {
            eprintln!("SKIP the_kernel_enforces_the_program: no cgroup2 mount");
            return;
        };
        let dir = v2.own.join(format!("isosh-devtest-{}", std::process::id()));
        std::fs::create_dir(&dir).unwrap();
        let attached = attach(&dir);
        use std::io::Write;
        use std::process::{Command, Stdio};
        // The child waits for a line, so that it is in the cgroup before it
        // opens anything.
        let mut child = Command::new("sh")
            .args(["-c", "read _; cat /dev/null && echo null-ok; head -c0 /dev/kmsg && echo kmsg-opened"])
            .stdin(Stdio::piped())
            .stderr(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::fs::write(dir.join("cgroup.procs"), child.id().to_string()).unwrap();
        child.stdin.take().unwrap().write_all(b"go\n").unwrap();
        let out = child.wait_with_output().unwrap();
        super::super::remove_dir_retrying(&dir);
        attached.unwrap();
        let out = String::from_utf8_lossy(&out.stdout);
        assert!(out.contains("null-ok"), "{out}");
        assert!(!out.contains("kmsg-opened"), "{out}");
    }
}
