//! Printing what to send: `Name: value` lines, JSON, a ready-to-run curl command, or a
//! presigned URL.
//!
//! `--format curl` keeps reversible secrets out of curl's argv (where `ps` and shell history
//! would show them): a header carrying a password, token or key (`Authorization: Basic …` or
//! `Bearer …`, `X-Amz-Security-Token`, `X-Api-Key`, cookies, …) and a URL with a password or a
//! session token go into curl's config read from standard input (`--config -`), fed by a
//! here-document, so the printed text still runs as it is under `sh`:
//!
//! ```text
//! curl --globoff https://gw.example/x --config - <<'GWCTL_CURL_CONFIG'
//! header = "Authorization: Basic YWxpY2U6…"
//! GWCTL_CURL_CONFIG
//! ```
//!
//! Signatures (SigV4's and the AK/SK schemes' `Authorization`) cannot be reversed into the key
//! and stay on the command line as before.

use std::str::FromStr;

use crate::error::Error;
use crate::request::Body;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Headers,
    Json,
    Curl,
    Url,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["headers", "json", "curl", "url"];
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "headers" => Format::Headers,
            "json" => Format::Json,
            "curl" => Format::Curl,
            "url" => Format::Url,
            other => {
                return Err(Error::Usage(format!("unknown format {other:?} (expected headers, json, curl or url)")));
            }
        })
    }
}

/// A signed request, ready to print.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub method: &'a str,
    pub url: String,
    /// Every header to send, in order.
    pub headers: Vec<(String, String)>,
    pub body: &'a Body,
    /// The value of an automatically added `Host` header (curl sends it by itself).
    pub auto_host: Option<String>,
}

pub fn render(format: Format, p: &Prepared<'_>) -> Result<String, Error> {
    match format {
        Format::Headers => {
            let mut s = String::new();
            for (n, v) in &p.headers {
                s.push_str(n);
                s.push_str(": ");
                s.push_str(v);
                s.push('\n');
            }
            Ok(s)
        }
        Format::Json => {
            let headers: Vec<[&str; 2]> = p.headers.iter().map(|(n, v)| [n.as_str(), v.as_str()]).collect();
            let v = serde_json::json!({ "method": p.method, "url": p.url, "headers": headers });
            Ok(format!("{v}\n"))
        }
        Format::Url => Ok(format!("{}\n", p.url)),
        Format::Curl => render_curl(p),
    }
}

/// The here-document delimiter of `--format curl` when a secret goes to curl's config.
pub const CURL_CONFIG_EOF: &str = "GWCTL_CURL_CONFIG";

/// Whether a header carries a reversible secret (a password, token, API key, cookie) that must
/// stay off a command line. Signature schemes (`AWS4-HMAC-SHA256`, `HMAC-SHA256`,
/// `SDK-HMAC-SHA256`) are not: the key cannot be recovered from a signature.
pub fn is_secret_header(name: &str, value: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n == "authorization" || n == "proxy-authorization" {
        let scheme = value.split_whitespace().next().unwrap_or("");
        return !matches!(scheme, "AWS4-HMAC-SHA256" | "HMAC-SHA256" | "SDK-HMAC-SHA256");
    }
    n == "cookie"
        || ["token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "auth", "credential", "session"]
            .iter()
            .any(|w| n.contains(w))
}

/// Whether a URL carries a secret: a password in its user info, or a session token (a presigned
/// URL made with temporary credentials).
fn is_secret_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let userinfo_password = url::Url::parse(url).is_ok_and(|u| u.password().is_some());
    userinfo_password || lower.contains("x-amz-security-token=")
}

/// A curl config file value: double-quoted, `\` and `"` escaped (curl's config syntax).
fn curl_config_quote(s: &str) -> Result<String, Error> {
    if s.chars().any(char::is_control) {
        return Err(Error::Input(
            "a header or URL holds a control character and cannot be put in a curl config".into(),
        ));
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

fn render_curl(p: &Prepared<'_>) -> Result<String, Error> {
    let mut args: Vec<String> = vec!["curl".into(), "--globoff".into()];
    // Lines of curl's config, read from standard input: what must not be on the command line.
    let mut config: Vec<String> = Vec::new();
    let has_body = p.body.is_present();
    let default_method = if has_body { "POST" } else { "GET" };
    if p.method == "HEAD" && !has_body {
        args.push("--head".into());
    } else if p.method != default_method {
        args.push("-X".into());
        args.push(shell_quote(p.method));
    }
    for (n, v) in &p.headers {
        if n.eq_ignore_ascii_case("host") && p.auto_host.as_deref() == Some(v.as_str()) {
            continue; // curl derives the same Host from the URL
        }
        let line = format!("{n}: {v}");
        if is_secret_header(n, v) {
            config.push(format!("header = {}", curl_config_quote(&line)?));
        } else {
            args.push("-H".into());
            args.push(shell_quote(&line));
        }
    }
    match p.body {
        Body::Empty => {}
        Body::Bytes { data, from_stdin } => {
            let text = std::str::from_utf8(data).ok().filter(|t| !t.contains('\0')).ok_or_else(|| {
                Error::Input(format!(
                    "the body{} is binary and cannot be embedded in a curl command; pass it with -d @FILE",
                    if *from_stdin { " read from standard input" } else { "" }
                ))
            })?;
            args.push("--data-raw".into());
            args.push(shell_quote(text));
        }
        Body::File { path, .. } => {
            let path = path.to_str().ok_or_else(|| {
                Error::Input("the body file name is not valid UTF-8 and cannot be put in a curl command".into())
            })?;
            args.push("--data-binary".into());
            args.push(shell_quote(&format!("@{path}")));
        }
    }
    if is_secret_url(&p.url) {
        config.push(format!("url = {}", curl_config_quote(&p.url)?));
    } else {
        args.push(shell_quote(&p.url));
    }
    if config.is_empty() {
        return Ok(format!("{}\n", args.join(" ")));
    }
    args.push("--config".into());
    args.push("-".into());
    Ok(format!("{} <<'{CURL_CONFIG_EOF}'\n{}\n{CURL_CONFIG_EOF}\n", args.join(" "), config.join("\n")))
}

/// Left-aligned columns separated by two spaces, trailing spaces trimmed (`profile list`,
/// `routes list`).
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let line = r.iter().enumerate().map(|(i, c)| format!("{c:w$}", w = widths[i])).collect::<Vec<_>>().join("  ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Quotes `s` for POSIX shells: bare when it is made only of safe characters, otherwise in
/// single quotes with `'` written as `'\''`.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("abc"), "abc");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }

    #[test]
    fn secret_headers() {
        assert!(is_secret_header("Authorization", "Basic YWxpY2U6cHc="));
        assert!(is_secret_header("authorization", "Bearer eyJ"));
        assert!(is_secret_header("X-Amz-Security-Token", "FQo"));
        assert!(is_secret_header("x-api-key", "k"));
        assert!(!is_secret_header("Authorization", "AWS4-HMAC-SHA256 Credential=AK/…"));
        assert!(!is_secret_header("Authorization", "SDK-HMAC-SHA256 Access=AK, …"));
        assert!(!is_secret_header("X-Amz-Date", "20150830T123600Z"));
        assert!(!is_secret_header("Content-Type", "application/json"));
        assert!(is_secret_url("https://u:pw@h/"));
        assert!(is_secret_url("https://h/?X-Amz-Security-Token=abc"));
        assert!(!is_secret_url("https://h/?X-Amz-Signature=abc"));
        assert_eq!(curl_config_quote(r#"a "b" \ c"#).unwrap(), r#""a \"b\" \\ c""#);
    }

    #[test]
    fn merge_order() {
        let signed = crate::signing::Signed {
            headers: vec![
                ("Host".into(), "h".into()),
                ("X-Amz-Date".into(), "d".into()),
                ("Authorization".into(), "a".into()),
            ],
            url: None,
            details: None,
        };
        let user = vec![("Content-Type".into(), "t".into()), ("x-amz-date".into(), "old".into())];
        let (h, auto) = signed.merge_into(&user);
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Host", "Content-Type", "X-Amz-Date", "Authorization"]);
        assert_eq!(auto.as_deref(), Some("h"));
    }
}
