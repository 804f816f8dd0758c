//! build.rs, part two: links the release binary with its hot functions first (see
//! scripts/symbol-order.sh and docs/performance.md, "Issue 11"): a start of
//! the shell then touches a few 64 KiB blocks of the binary instead of
//! about thirty, and its peak RSS halves.

/// Adds the linker arguments (release builds where lld takes them).
pub fn link_args() {
    println!("cargo::rerun-if-changed=build/symbol-order.txt");
    println!("cargo::rerun-if-env-changed=ISOSH_NO_SYMBOL_ORDER");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    // `--symbol-ordering-file` is lld's, and rustc links with its own lld
    // by default only on x86_64 Linux with glibc, since Rust 1.90.
    let lld = var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && rustc_minor().is_some_and(|minor| minor >= 90);
    if var("PROFILE") != "release" || !lld || std::env::var_os("ISOSH_NO_SYMBOL_ORDER").is_some() {
        return;
    }
    let order = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("build/symbol-order.txt");
    println!("cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
    // Names the list has but this build lacks are skipped quietly.
    println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}

/// The minor version of the rustc building us (`rustc 1.95.0 (…)` → 95).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var_os("RUSTC")?;
    let out = std::process::Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.split_whitespace().nth(1)?.split('.').nth(1)?.parse().ok()
}
