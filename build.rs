//! Link settings for the `gwctl` binary that make a one-shot command (`gwctl sign`) start
//! faster on Linux with glibc. Nothing is compiled here; every setting is probed or checked,
//! and left out where it does not apply (BENCHMARKS.md §2 has the figures).
//!
//! 1. Packed relative relocations (`-z pack-relative-relocs`, DT_RELR): the binary's 11,600
//!    relative relocations take 3 KB instead of 280 KB, so the loader reads 3 KB at start.
//!    Used when a probe program linked with the flag links and runs here: the linker knows it
//!    and this glibc (2.36 or later) loads it. Such a binary names `GLIBC_ABI_DT_RELR` as a
//!    version it needs, so an older glibc refuses it with a clear message instead of
//!    mis-relocating it.
//! 2. In release builds, `link/startup.order` (written by `scripts/startup-order`): the
//!    functions `gwctl --version` and `gwctl sign` run, placed together at the start of the
//!    code (`--symbol-ordering-file`), so starting touches a few hundred KB of code in 8 page
//!    faults instead of about 60 scattered over 10 MB. Symbol names carry hashes that depend on
//!    the compiler, the locked dependencies and the profile, so the file is only used with the
//!    compiler that wrote it (`link/startup.order.rustc`) and with rustc's own lld (the default
//!    linker of x86_64-unknown-linux-gnu since Rust 1.90), never with another linker; a name
//!    that no longer exists is skipped by lld. Set `GWCTL_NO_STARTUP_ORDER=1` to leave it out.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/startup.order");
    println!("cargo:rerun-if-changed=link/startup.order.rustc");
    println!("cargo:rerun-if-env-changed=GWCTL_NO_STARTUP_ORDER");
    println!("cargo:rerun-if-env-changed=CC");

    let var = |k: &str| env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    let out = PathBuf::from(var("OUT_DIR"));
    // A probe can only be run where it was built.
    let native = var("HOST") == var("TARGET");
    if native && relr_works(&out) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }

    let manifest = PathBuf::from(var("CARGO_MANIFEST_DIR"));
    let order = manifest.join("link/startup.order");
    if var("PROFILE") == "release"
        && env::var_os("GWCTL_NO_STARTUP_ORDER").is_none()
        && var("TARGET") == "x86_64-unknown-linux-gnu"
        && env::var_os("RUSTC_LINKER").is_none()
        && !var("CARGO_ENCODED_RUSTFLAGS").contains("link")
        && order.is_file()
        && rustc_matches(&manifest.join("link/startup.order.rustc"))
    {
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether the C compiler's linker packs relative relocations and this glibc loads the result.
fn relr_works(out: &Path) -> bool {
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let probe = out.join("relr-probe");
    let src = out.join("relr-probe.c");
    if std::fs::write(&src, "static int x; int *p = &x; int main(void) { return *p; }\n").is_err() {
        return false;
    }
    let linked = Command::new(&cc)
        .args(["-fPIE", "-pie", "-Wl,-z,pack-relative-relocs", "-o"])
        .arg(&probe)
        .arg(&src)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    linked && Command::new(&probe).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Whether the compiler building this is the one the order file was written with (its
/// `rustc -vV` first line).
fn rustc_matches(stamp: &Path) -> bool {
    let Ok(want) = std::fs::read_to_string(stamp) else { return false };
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = Command::new(rustc).arg("-vV").output() else { return false };
    let have = String::from_utf8_lossy(&out.stdout);
    have.lines().next().is_some_and(|l| l.trim() == want.trim())
}
