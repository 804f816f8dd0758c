//! Build-time work, one module each (in build/):
//! - `seccomp_filter`: the isolate block's seccomp filter, compiled with
//!   libseccomp into OUT_DIR;
//! - `symbol_order`: the release binary linked with its hot functions
//!   first.

// A build script's failure is a build error, said by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "build/seccomp_filter.rs"]
mod seccomp_filter;
#[path = "build/symbol_order.rs"]
mod symbol_order;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    seccomp_filter::write();
    symbol_order::link_args();
}
