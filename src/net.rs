//! Network settings every HTTP client of gwctl applies (L1): the gateway client
//! ([`crate::http::HttpClient`]) and the token endpoints' transport
//! ([`crate::credentials::transport`]) take the same CA certificates, certificate checks and
//! proxies, so `--cacert`, `--insecure`, `--proxy` and `--noproxy` hold for a token fetch as
//! much as for the call it is for.
//!
//! Proxies follow curl: `--proxy URL` is used for every URL and replaces `HTTP_PROXY`,
//! `HTTPS_PROXY` and `ALL_PROXY`; `--noproxy HOSTS` (comma-separated, as `NO_PROXY`; `*` for
//! every host) replaces `NO_PROXY`. Without either flag the environment's variables apply, as
//! reqwest reads them.

use std::path::PathBuf;

use crate::request::RequestError;

/// How to reach servers: trusted CAs, certificate checks, proxies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetSettings {
    /// Trust the CA certificates in this PEM file (as well as the platform's).
    pub cacert: Option<PathBuf>,
    /// Do not verify TLS certificates.
    pub insecure: bool,
    /// The proxy for every URL (`http://` or `https://`), instead of the environment's.
    pub proxy: Option<String>,
    /// Hosts reached directly, instead of `NO_PROXY` (`*`: every host).
    pub noproxy: Option<String>,
}

/// The longest `--cacert` file read.
const MAX_CACERT_BYTES: u64 = 16 << 20;

/// Checks a `--proxy` value: an `http://` or `https://` URL with a host; without a scheme
/// (`proxy:3128`, `user:pw@proxy:3128`) it is `http://`, as curl takes it.
pub fn parse_proxy(s: &str) -> Result<String, String> {
    let s = s.trim();
    let with_scheme;
    let s = if s.contains("://") {
        s
    } else {
        with_scheme = format!("http://{s}");
        &with_scheme
    };
    // The value is not repeated: it may hold a password (the caller masks clap's quote of it).
    let u = url::Url::parse(s).map_err(|e| format!("not a proxy URL ({e})"))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return Err("give an http:// or https:// proxy URL with a host".into());
    }
    Ok(u.to_string())
}

/// The first of `names` set to something, as reqwest reads them: an empty variable counts as
/// unset, and in a CGI program (`REQUEST_METHOD` set) the environment's proxies are not used.
fn env(names: &[&str]) -> Option<String> {
    if std::env::var_os("REQUEST_METHOD").is_some() {
        return None;
    }
    names.iter().filter_map(|k| std::env::var(k).ok()).map(|v| v.trim().to_string()).find(|v| !v.is_empty())
}

fn is_tls_url(v: &str) -> bool {
    v.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("https://"))
}

impl NetSettings {
    /// Whether plain-HTTP URLs go through a proxy reached over TLS (`--proxy https://…`, or
    /// `HTTP_PROXY`/`ALL_PROXY` set to an `https://` URL): then their client needs TLS too.
    pub fn plain_http_over_tls(&self) -> bool {
        if self.noproxy.as_deref().is_some_and(|n| n.trim() == "*") {
            return false;
        }
        match &self.proxy {
            Some(p) => is_tls_url(p),
            None => env(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]).is_some_and(|v| is_tls_url(&v)),
        }
    }

    /// Whether a plain `http://` URL is sent without any proxy (the batch runner's kept
    /// connections, `http::h1`, are used only then): `--noproxy '*'`, or no `--proxy` and none
    /// of the proxy variables a plain-HTTP request would use.
    pub fn direct_plain_http(&self) -> bool {
        self.noproxy.as_deref().is_some_and(|n| n.trim() == "*")
            || (self.proxy.is_none() && env(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]).is_none())
    }

    /// The certificates of `--cacert` (none without it): read, parsed, and at least one.
    pub fn extra_roots(&self) -> Result<Vec<reqwest::Certificate>, RequestError> {
        let Some(path) = &self.cacert else {
            return Ok(Vec::new());
        };
        let pem = crate::util::read_limited(path, MAX_CACERT_BYTES)
            .map_err(|e| RequestError::io(format!("cannot read --cacert {}", path.display()), e))?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            RequestError::Input(format!("--cacert {}: not a PEM certificate bundle ({e})", path.display()))
        })?;
        if roots.is_empty() {
            return Err(RequestError::Input(format!(
                "--cacert {}: no certificate in it (expected PEM blocks \"-----BEGIN CERTIFICATE-----\")",
                path.display()
            )));
        }
        Ok(roots)
    }

    /// `b` with these proxy settings. Without `--proxy` and `--noproxy` the builder keeps
    /// reqwest's own reading of the environment.
    pub fn apply_proxy(&self, b: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, RequestError> {
        let bypass = match self.noproxy.as_deref().map(str::trim) {
            Some("*") => return Ok(b.no_proxy()),
            Some(list) => reqwest::NoProxy::from_string(list),
            None if self.proxy.is_some() => reqwest::NoProxy::from_env(),
            None => return Ok(b),
        };
        let bad = |e: reqwest::Error| RequestError::Input(format!("cannot use the proxy: {e}"));
        if let Some(p) = &self.proxy {
            return Ok(b.proxy(reqwest::Proxy::all(p.as_str()).map_err(bad)?.no_proxy(bypass)));
        }
        // `--noproxy` alone: the environment's proxies, with this list instead of NO_PROXY. A
        // variable reqwest cannot use is ignored, as reqwest ignores it.
        let mut b = b.no_proxy();
        if let Some(p) = env(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
            && let Ok(p) = reqwest::Proxy::http(p.as_str())
        {
            b = b.proxy(p.no_proxy(bypass.clone()));
        }
        if let Some(p) = env(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])
            && let Ok(p) = reqwest::Proxy::https(p.as_str())
        {
            b = b.proxy(p.no_proxy(bypass));
        }
        Ok(b)
    }

    /// Reads `--cacert` and builds a client with these proxies, so a bad setting is refused when
    /// the command starts (exit 3, or 5 for an unreadable file), not at its first fetch.
    /// Nothing is done without those flags (a `sign` that never fetches pays nothing).
    pub fn check(&self) -> Result<(), RequestError> {
        if self.cacert.is_none() && self.proxy.is_none() && self.noproxy.is_none() {
            return Ok(());
        }
        self.extra_roots()?;
        // No TLS roots are loaded for the check: only the proxies are being tried.
        let b = self.apply_proxy(reqwest::Client::builder().tls_certs_only(std::iter::empty()))?;
        b.build().map(drop).map_err(|e| RequestError::Input(format!("cannot set up the HTTP client: {e}")))
    }

    /// `b` for TLS: the `--cacert` roots added, certificate checks off with `--insecure` (said
    /// once per process on stderr, whichever client is made first).
    pub fn apply_tls(&self, mut b: reqwest::ClientBuilder, roots: &[reqwest::Certificate]) -> reqwest::ClientBuilder {
        if !roots.is_empty() {
            b = b.tls_certs_merge(roots.iter().cloned());
        }
        if self.insecure {
            self.warn_insecure();
            b = b.danger_accept_invalid_certs(true);
        }
        b
    }

    /// The `--insecure` warning, once per process.
    pub fn warn_insecure(&self) {
        static WARNED: std::sync::Once = std::sync::Once::new();
        if self.insecure {
            WARNED.call_once(|| eprintln!("gwctl: warning: --insecure: TLS certificates are not verified"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_are_checked() {
        assert_eq!(parse_proxy("http://127.0.0.1:3128").unwrap(), "http://127.0.0.1:3128/");
        assert!(parse_proxy("https://proxy.internal").is_ok());
        assert_eq!(parse_proxy("127.0.0.1:3128").unwrap(), "http://127.0.0.1:3128/");
        assert_eq!(parse_proxy("u:pw@proxy:3128").unwrap(), "http://u:pw@proxy:3128/");
        for bad in ["socks5://127.0.0.1:1080", "ftp://x", "http://", "not a url", "u:pw@"] {
            let e = parse_proxy(bad).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn a_tls_proxy_makes_plain_http_need_tls_unless_every_host_bypasses_it() {
        let s = NetSettings { proxy: Some("https://p:443/".into()), ..Default::default() };
        assert!(s.plain_http_over_tls());
        let s = NetSettings { noproxy: Some(" * ".into()), ..s };
        assert!(!s.plain_http_over_tls());
        let s = NetSettings { proxy: Some("http://p:3128/".into()), ..Default::default() };
        assert!(!s.plain_http_over_tls());
    }

    #[test]
    fn proxy_settings_build_a_client() {
        for s in [
            NetSettings { proxy: Some("http://127.0.0.1:1/".into()), ..Default::default() },
            NetSettings {
                proxy: Some("http://127.0.0.1:1/".into()),
                noproxy: Some("localhost,.internal".into()),
                ..Default::default()
            },
            NetSettings { noproxy: Some("*".into()), ..Default::default() },
            NetSettings { noproxy: Some("example.com".into()), ..Default::default() },
        ] {
            s.apply_proxy(reqwest::Client::builder()).unwrap().build().unwrap();
        }
    }
}
