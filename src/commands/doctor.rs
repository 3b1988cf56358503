//! `gwctl doctor`: the config file, the secret stores that answer here, and each profile's
//! secret, without ever printing one.

use std::fmt::Write as _;

use crate::cli::DoctorArgs;
use crate::error::Error;
use crate::profile::config::ConfigFile;
use crate::profile::store::{self, KeyringBackend, KeyringStore, PASSPHRASE_VAR, SecretStore, StoreError, StoreSpec};

pub fn run(cf: &ConfigFile, args: &DoctorArgs) -> Result<(), Error> {
    let max_age = crate::util::parse_duration_secs(&args.max_age)?;
    let mut out = String::new();
    let _ = writeln!(out, "config file: {}", cf.path.display());
    match std::fs::metadata(&cf.path) {
        Ok(meta) => {
            let _ = writeln!(out, "  exists, {} bytes{}", meta.len(), permissions_note(&meta));
        }
        Err(_) => {
            let _ = writeln!(out, "  not created yet (gwctl profile add creates it)");
        }
    }
    let config = cf.load()?;
    let _ = writeln!(
        out,
        "  {} profile(s); default: {}",
        config.profiles.len(),
        config.default_profile.as_deref().unwrap_or("(none)")
    );

    let _ = writeln!(out, "secret stores:");
    for backend in KeyringBackend::ALL {
        if !backend.supported_here() {
            continue;
        }
        let state = match KeyringStore::new(backend).probe() {
            Ok(latency) => format!("available (a write, read and delete took {:.1} ms)", latency.as_secs_f64() * 1e3),
            Err(StoreError::Unavailable { reason, .. }) => format!("unavailable: {reason}"),
            Err(e) => format!("unavailable: {e}"),
        };
        let note = if backend == KeyringBackend::Keyutils { " [kernel memory: lost at reboot]" } else { "" };
        let _ = writeln!(out, "  {:<15} {state}{note}", backend.name());
    }
    let passphrase = if std::env::var_os(PASSPHRASE_VAR).is_some_and(|v| !v.is_empty()) {
        format!("{PASSPHRASE_VAR} is set")
    } else {
        format!("passphrase from a prompt ({PASSPHRASE_VAR} is not set)")
    };
    let file_dir = store::file_store_dir(&cf.dir());
    let unlocked = match store::unlocked_for(&file_dir) {
        Some(left) => format!("; unlocked, {} min left", left.as_secs().div_ceil(60)),
        None => "; locked (gwctl unlock keeps it open for a while)".into(),
    };
    let _ = writeln!(out, "  {:<15} {} ({passphrase}{unlocked})", "file", file_dir.display());
    let _ = writeln!(out, "  {:<15} always available: read at use", "env:VAR");
    let _ = writeln!(out, "  {:<15} always available: run at use", "command:CMD");
    if let Some(default) = KeyringBackend::platform_default() {
        let _ = writeln!(out, "  (auto means {} here)", default.name());
    }

    if !config.profiles.is_empty() {
        let _ = writeln!(out, "profiles:");
    }
    for (name, p) in &config.profiles {
        let state = match &p.store {
            StoreSpec::Command(_) => "secret printed by the command at use (not run here)".to_string(),
            StoreSpec::File => {
                let path = store::FileStore::new(store::file_store_dir(&cf.dir())).path(name);
                if path.exists() {
                    format!("secret file present ({})", path.display())
                } else {
                    "secret file MISSING".into()
                }
            }
            spec => match store::open(spec, &cf.dir()).and_then(|s| s.get(name)) {
                Ok(_) => "secret present".into(),
                Err(StoreError::NotFound { .. }) => "secret MISSING".into(),
                Err(e) => format!("secret unreadable: {e}"),
            },
        };
        let _ = writeln!(out, "  {name:<16} {:<8} {:<16} {state}", p.scheme().to_string(), p.store.to_string());
        if let Some(line) = key_age(name, p, max_age) {
            let _ = writeln!(out, "  {:<16} {line}", "");
        }
        if let Some(r) = &p.rotation {
            let _ = writeln!(out, "  {:<16} {}", "", crate::keys::describe(name, r));
        }
    }
    super::print(&out)
}

/// A warning when the profile's key is older than `max_age` seconds.
fn key_age(name: &str, p: &crate::profile::Profile, max_age: u64) -> Option<String> {
    use crate::scheme::AuthScheme;
    if matches!(p.store, StoreSpec::Env(_) | StoreSpec::Command(_)) || p.scheme() == AuthScheme::Bearer {
        return None; // managed elsewhere
    }
    let Some(created) = &p.key_created else {
        return Some("key age unknown (recorded when gwctl stores or rotates the secret)".into());
    };
    let t = crate::signing::SigningTime::parse(created).ok()?;
    let age = (crate::signing::SigningTime::now().unix() - t.unix()).max(0) as u64;
    let days = age / 86_400;
    if age > max_age {
        Some(format!(
            "WARNING: key is {days} days old (created {created}), older than {} days: gwctl keys rotate --profile {name}",
            max_age / 86_400
        ))
    } else {
        Some(format!("key is {days} days old (created {created})"))
    }
}

#[cfg(unix)]
fn permissions_note(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        format!(", mode {mode:o}: WARNING, readable by others (gwctl writes 600)")
    } else {
        format!(", mode {mode:o}")
    }
}

#[cfg(not(unix))]
fn permissions_note(_meta: &std::fs::Metadata) -> String {
    String::new()
}
