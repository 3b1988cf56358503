//! Shell completion: static scripts (`gwctl completions SHELL`, shipped in `completions/`) and
//! dynamic candidates through clap_complete's engine (`source <(COMPLETE=bash gwctl)`):
//! configured profile names for `--profile`, and the routes of the current profile's gateway for
//! `gwctl invoke route <TAB>`, from a short-lived cache and never blocking the shell for more
//! than ~300 ms.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap_complete::engine::CompletionCandidate;

use crate::client::{Client, routes};
use crate::http::HttpOptions;
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::profile::store::StoreSpec;

/// How long fetched route names are reused.
const ROUTE_CACHE_TTL: Duration = Duration::from_secs(60);
/// The most a route lookup may take before the shell gets what the cache has.
const ROUTE_FETCH_BUDGET: Duration = Duration::from_millis(300);

fn config_file() -> Option<ConfigFile> {
    ConfigFile::locate(std::env::var_os("GWCTL_CONFIG").map(PathBuf::from)).ok()
}

/// `--profile`, `profile show NAME` …: the configured profiles.
pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(prefix) = current.to_str() else { return Vec::new() };
    let Some(config) = config_file().and_then(|cf| cf.load().ok()) else { return Vec::new() };
    config
        .profiles
        .iter()
        .filter(|(name, _)| name.starts_with(prefix))
        .map(|(name, p)| {
            let help = format!("{}{}", p.scheme(), p.url.as_deref().map(|u| format!(" {u}")).unwrap_or_default());
            CompletionCandidate::new(name.clone()).help(Some(help.into()))
        })
        .collect()
}

/// `invoke route NAME`: the routes of the current profile's gateway (GWCTL_PROFILE, else the
/// default profile).
pub fn routes(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(prefix) = current.to_str() else { return Vec::new() };
    route_names().into_iter().filter(|n| n.starts_with(prefix)).map(CompletionCandidate::new).collect()
}

/// The profile named on the command line being completed (`--profile b`, `-p b`,
/// `--profile=b`): the completion engine runs gwctl with the words typed so far.
fn profile_on_line() -> Option<String> {
    let words: Vec<String> = std::env::args().collect();
    words.iter().enumerate().find_map(|(i, w)| match w.as_str() {
        "--profile" | "-p" => words.get(i + 1).filter(|v| !v.is_empty() && !v.starts_with('-')).cloned(),
        _ => w.strip_prefix("--profile=").filter(|v| !v.is_empty()).map(str::to_string),
    })
}

fn cache_path(profile: &str) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "gwctl")?;
    Some(dirs.cache_dir().join(format!("routes-{profile}.json")))
}

fn route_names() -> Vec<String> {
    let Some(cf) = config_file() else { return Vec::new() };
    let Ok(config) = cf.load() else { return Vec::new() };
    let Some(name) = profile_on_line()
        .or_else(|| std::env::var("GWCTL_PROFILE").ok().filter(|s| !s.is_empty()))
        .or(config.default_profile.clone())
    else {
        return Vec::new();
    };
    let Some(profile) = config.profiles.get(&name) else { return Vec::new() };
    let cache = cache_path(&name);
    let cached: Option<(SystemTime, Vec<String>)> = cache.as_ref().and_then(|p| {
        let modified = std::fs::metadata(p).and_then(|m| m.modified()).ok()?;
        let names: Vec<String> = serde_json::from_slice(&crate::util::read_limited(p, 1 << 20).ok()?).ok()?;
        Some((modified, names))
    });
    if let Some((when, names)) = &cached
        && when.elapsed().is_ok_and(|age| age < ROUTE_CACHE_TTL)
    {
        return names.clone();
    }
    // Never prompt from inside a completion: skip stores that might ask for something.
    let quiet_store = match &profile.store {
        StoreSpec::File => std::env::var_os(crate::profile::store::PASSPHRASE_VAR).is_some(),
        StoreSpec::Command(_) => false,
        _ => true,
    };
    let fresh = quiet_store.then(|| fetch(&cf, &name)).flatten();
    match fresh {
        Some(names) => {
            if let Some(p) = &cache
                && let Some(dir) = p.parent()
            {
                let _ = crate::profile::private_file::write(dir, p, &serde_json::to_vec(&names).unwrap_or_default());
            }
            names
        }
        None => cached.map(|(_, n)| n).unwrap_or_default(),
    }
}

/// Route names of profile `name`'s gateway, within the lookup budget.
fn fetch(cf: &ConfigFile, name: &str) -> Option<Vec<String>> {
    let resolved = resolve::resolve(cf, Some(name), None).ok()?;
    let base = crate::request::parse_url(resolved.url()?).ok()?;
    let gateway = resolved.profile().and_then(|p| p.gateway);
    let opts = HttpOptions {
        timeout: Some(ROUTE_FETCH_BUDGET),
        connect_timeout: ROUTE_FETCH_BUDGET,
        idle_timeout: ROUTE_FETCH_BUDGET,
        retries: 0,
        ..HttpOptions::default()
    };
    let client = Client::new(resolved.auth(resolved.settings.clone()), opts).ok()?;
    let list = crate::http::block_on(async {
        tokio::time::timeout(ROUTE_FETCH_BUDGET, routes::list(&client, &base, gateway, None)).await
    })
    .ok()?
    .ok()?
    .ok()?;
    Some(list.into_iter().map(|r| r.name).filter(|n| !n.is_empty()).collect())
}
