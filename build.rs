//! Link settings for the `gwctl` binary that make a one-shot command (`gwctl sign`) start
//! faster on Linux with glibc (BENCHMARKS.md §2, fourth round). gwctl's own code is not
//! compiled here: each setting is tried first on an empty Rust program, built by the same
//! compiler with the same linker and flags as gwctl, and left out where the probe fails.
//!
//! 1. Packed relative relocations (`-z pack-relative-relocs`, DT_RELR): the binary's 11,600
//!    relative relocations take 3 KB instead of 280 KB. Used when the probe, linked with the
//!    flag, has a `.relr.dyn` section (a linker that does not know the flag may only warn) and
//!    runs here. A binary with packed relocations names `GLIBC_ABI_DT_RELR` as a version it
//!    needs, so a glibc older than 2.36 refuses it with a clear message; a build meant to be
//!    copied to such a system sets `GWCTL_NO_RELR=1`.
//! 2. In release builds (and profiles that inherit release), `link/startup.order`, written by
//!    `scripts/startup-order`: the functions `gwctl --version` and `gwctl sign` run, placed
//!    together at the start of the code (`--symbol-ordering-file`), so starting touches about 8
//!    pages of code instead of about 60 scattered over 10 MB. Symbol names carry hashes of the
//!    compiler, the locked dependencies and the profile, so the file is used only for
//!    x86_64-unknown-linux-gnu, with the compiler that wrote it (`link/startup.order.stamp`), and
//!    when the probe links with the option (rustc's own lld does; GNU ld refuses it). A name that
//!    no longer exists only loses its place; `tests/architecture.rs` fails (on that target) when
//!    `Cargo.lock` has changed since the file was written. `GWCTL_NO_STARTUP_ORDER=1` leaves it out.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    for path in ["build.rs", "link/startup.order", "link/startup.order.stamp"] {
        println!("cargo:rerun-if-changed={path}");
    }
    for var in ["GWCTL_NO_STARTUP_ORDER", "GWCTL_NO_RELR"] {
        println!("cargo:rerun-if-env-changed={var}");
    }

    let var = |k: &str| env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    let out = PathBuf::from(var("OUT_DIR"));
    let Some(probe) = Probe::new(&out) else { return };

    // A probe can only be run where it was built.
    if var("HOST") == var("TARGET")
        && env::var_os("GWCTL_NO_RELR").is_none()
        && probe.packs_relocations_and_runs(&["-Clink-arg=-Wl,-z,pack-relative-relocs"])
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }

    let manifest = PathBuf::from(var("CARGO_MANIFEST_DIR"));
    let order = manifest.join("link/startup.order");
    if var("PROFILE") == "release"
        && env::var_os("GWCTL_NO_STARTUP_ORDER").is_none()
        && var("TARGET") == "x86_64-unknown-linux-gnu"
        && order.is_file()
        && rustc_matches(&manifest.join("link/startup.order.stamp"))
    {
        let args = [
            format!("-Clink-arg=-Wl,--symbol-ordering-file={}", order.display()),
            "-Clink-arg=-Wl,--no-warn-symbol-ordering".into(),
        ];
        if probe.links(&args) {
            println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
            println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        }
    }
}

/// An empty Rust program, compiled the way cargo compiles gwctl's binary: the same rustc, target,
/// linker and RUSTFLAGS.
struct Probe {
    src: PathBuf,
    exe: PathBuf,
}

impl Probe {
    fn new(out: &Path) -> Option<Self> {
        let src = out.join("link-probe.rs");
        std::fs::write(&src, "fn main() {}\n").ok()?;
        Some(Self { src, exe: out.join("link-probe") })
    }

    fn links<S: AsRef<std::ffi::OsStr>>(&self, extra: &[S]) -> bool {
        let _ = std::fs::remove_file(&self.exe);
        let mut cmd = Command::new(env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
        cmd.arg("--target").arg(env::var_os("TARGET").unwrap_or_default());
        cmd.args(["--crate-type", "bin", "--edition", "2021", "-o"]).arg(&self.exe).arg(&self.src);
        if let Ok(flags) = env::var("CARGO_ENCODED_RUSTFLAGS") {
            cmd.args(flags.split('\x1f').filter(|f| !f.is_empty()));
        }
        if let Some(linker) = env::var_os("RUSTC_LINKER") {
            cmd.arg("-C").arg({
                let mut a = std::ffi::OsString::from("linker=");
                a.push(linker);
                a
            });
        }
        cmd.args(extra);
        cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success()) && self.exe.is_file()
    }

    /// Links with `extra`, then checks the program has packed relocations (a linker that does
    /// not know the flag may only warn) and runs here.
    fn packs_relocations_and_runs<S: AsRef<std::ffi::OsStr>>(&self, extra: &[S]) -> bool {
        self.links(extra)
            && std::fs::read(&self.exe).is_ok_and(|elf| elf.windows(9).any(|w| w == b".relr.dyn"))
            && Command::new(&self.exe)
                // A probe built with the user's coverage or PGO flags writes no profile.
                .env("LLVM_PROFILE_FILE", "/dev/null")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
    }
}

/// Whether the compiler building this is the one the order file was written with (the stamp's
/// first line is that compiler's `rustc -vV` first line).
fn rustc_matches(stamp: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(stamp) else { return false };
    let want = text.lines().next().unwrap_or_default().trim().to_string();
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = Command::new(rustc).arg("-vV").output() else { return false };
    String::from_utf8_lossy(&out.stdout).lines().next().is_some_and(|l| l.trim() == want)
}
