//! build.rs, part one: compiles the isolate block's seccomp filter (docker's default profile,
//! src/isolate/seccomp_profile.rs) with libseccomp, once, at build time.
//!
//! Why libseccomp, and why here: it is the library docker, runc, crun and
//! podman load their profiles with, and its binary-tree layout
//! (`SCMP_FLTATR_CTL_OPTIMIZE` = 2) keeps a ~330-call allowlist short to
//! run and quick to load (the kernel converts, JIT-compiles and runs a
//! filter for every call number when it is loaded, so a block pays for its
//! length). Compiled here, a shell only copies the finished program into
//! the kernel: no filter compiler runs per shell, and isosh, a static
//! binary, does not link libseccomp at all.
//!
//! Two programs, loaded one after the other (the kernel runs both and takes
//! the stricter answer):
//! - `allowlist.bpf`: default `EPERM`; the calls of the profile allowed,
//!   `clone`/`unshare` only without namespace flags, `personality` with
//!   docker's values, `clone3` → `ENOSYS` (glibc then falls back to
//!   `clone`, whose flags a filter can read); another ABI kills the process.
//! - `exceptions.bpf`: default allow; `ioctl(TIOCSTI/TIOCLINUX)` and
//!   `socket(AF_VSOCK)` → `EPERM`. libseccomp refuses a rule whose action is
//!   the filter's default action and two comparisons of one argument in a
//!   rule, so "allowed unless" cannot be said in the first program.
//!
//! Each argument is compared on its low 32 bits (`MaskedEqual` with
//! 0xffffffff): the kernel reads these arguments as `int`s, so bits above
//! 32 must not get round a rule (`ioctl(fd, 1 << 32 | TIOCSTI)`).
//!
//! `numbers.rs` lists the number libseccomp gave each name, for explain's
//! counts and the tests that run the programs call by call.

use libseccomp::{ScmpAction, ScmpArch, ScmpArgCompare, ScmpCompareOp, ScmpFilterContext, ScmpSyscall};
use std::io::Write;
use std::path::Path;

mod profile {
    include!("../src/isolate/seccomp_profile.rs");
}

const EPERM: i32 = 1;
const ENOSYS: i32 = 38;
const LOW_32: u64 = 0xffff_ffff;

/// Writes the two programs and the numbers into OUT_DIR.
pub fn write() {
    println!("cargo:rerun-if-changed=build/seccomp_filter.rs");
    println!("cargo:rerun-if-changed=src/isolate/seccomp_profile.rs");
    let out = std::env::var("OUT_DIR").unwrap();
    let out = Path::new(&out);
    let arch = match std::env::var("CARGO_CFG_TARGET_ARCH").unwrap().as_str() {
        "x86_64" => Some(ScmpArch::X8664),
        "aarch64" => Some(ScmpArch::Aarch64),
        _ => None,
    };
    let Some(arch) = arch else {
        // No profile for this architecture: blocks say so and need
        // --seccomp=unconfined (src/isolate/seccomp.rs).
        for name in ["allowlist.bpf", "exceptions.bpf"] {
            std::fs::write(out.join(name), b"").unwrap();
        }
        std::fs::write(out.join("numbers.rs"), "pub const NUMBERS: &[(&str, i32)] = &[];\n").unwrap();
        return;
    };
    let mut numbers = Vec::new();
    let allowlist = allowlist(arch, &mut numbers);
    export(&allowlist, &out.join("allowlist.bpf"));
    export(&exceptions(arch), &out.join("exceptions.bpf"));
    for name in profile::DENIED {
        if let Some(nr) = number(name, arch) {
            numbers.push((name.to_string(), nr));
        }
    }
    for name in ["clone", "clone3", "unshare", "ioctl", "socket", "personality"] {
        numbers.push((name.to_string(), number(name, arch).expect(name)));
    }
    let mut text = String::from("pub const NUMBERS: &[(&str, i32)] = &[\n");
    for (name, nr) in numbers {
        text.push_str(&format!("    ({name:?}, {nr}),\n"));
    }
    text.push_str("];\n");
    std::fs::write(out.join("numbers.rs"), text).unwrap();
}

/// A filter for `arch` alone, whatever the build machine is.
fn context(default: ScmpAction, arch: ScmpArch) -> ScmpFilterContext {
    let mut f = ScmpFilterContext::new(default).unwrap();
    if ScmpArch::native() != arch {
        f.add_arch(arch).unwrap();
        f.remove_arch(ScmpArch::native()).unwrap();
    }
    f.set_act_badarch(ScmpAction::KillProcess).unwrap();
    f.set_ctl_optimize(2).unwrap();
    // isosh sets no_new_privs itself (security.rs) and loads the program
    // with its own seccomp call; libseccomp only writes it out.
    f.set_ctl_nnp(false).unwrap();
    f
}

fn number(name: &str, arch: ScmpArch) -> Option<i32> {
    ScmpSyscall::from_name_by_arch(name, arch).ok().map(i32::from)
}

fn low32(arg: u32, value: u64) -> ScmpArgCompare {
    ScmpArgCompare::new(arg, ScmpCompareOp::MaskedEqual(LOW_32), value)
}

fn allowlist(arch: ScmpArch, numbers: &mut Vec<(String, i32)>) -> ScmpFilterContext {
    let mut f = context(ScmpAction::Errno(EPERM), arch);
    let mut allow = |f: &mut ScmpFilterContext, name: &str, nr: i32| {
        f.add_rule(ScmpAction::Allow, ScmpSyscall::from(nr)).unwrap();
        numbers.push((name.to_string(), nr));
    };
    for name in profile::ALLOWED {
        let nr = number(name, arch).unwrap_or_else(|| panic!("libseccomp does not know {name:?} on {arch:?}"));
        allow(&mut f, name, nr);
    }
    for name in profile::ALLOWED_WHERE_THEY_EXIST {
        if let Some(nr) = number(name, arch) {
            allow(&mut f, name, nr);
        }
    }
    for &(name, fallback) in profile::ALLOWED_BY_NUMBER {
        allow(&mut f, name, number(name, arch).unwrap_or(fallback));
    }
    let sys = |name: &str| ScmpSyscall::from_name_by_arch(name, arch).unwrap();
    for name in ["clone", "unshare"] {
        let no_namespace = ScmpArgCompare::new(0, ScmpCompareOp::MaskedEqual(profile::NAMESPACE_FLAGS), 0);
        f.add_rule_conditional(ScmpAction::Allow, sys(name), &[no_namespace]).unwrap();
    }
    for p in profile::PERSONALITIES {
        f.add_rule_conditional(ScmpAction::Allow, sys("personality"), &[low32(0, p)]).unwrap();
    }
    // Allowed here, narrowed by the exceptions program.
    f.add_rule(ScmpAction::Allow, sys("ioctl")).unwrap();
    f.add_rule(ScmpAction::Allow, sys("socket")).unwrap();
    f.add_rule(ScmpAction::Errno(ENOSYS), sys("clone3")).unwrap();
    f
}

fn exceptions(arch: ScmpArch) -> ScmpFilterContext {
    let mut f = context(ScmpAction::Allow, arch);
    let sys = |name: &str| ScmpSyscall::from_name_by_arch(name, arch).unwrap();
    for request in profile::DENIED_IOCTLS {
        f.add_rule_conditional(ScmpAction::Errno(EPERM), sys("ioctl"), &[low32(1, request)]).unwrap();
    }
    let vsock = low32(0, profile::DENIED_SOCKET_DOMAIN);
    f.add_rule_conditional(ScmpAction::Errno(EPERM), sys("socket"), &[vsock]).unwrap();
    f
}

fn export(f: &ScmpFilterContext, path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    f.export_bpf(&mut file).unwrap();
    file.flush().unwrap();
}
