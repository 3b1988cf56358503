//! Printing what to send: `Name: value` lines, JSON, a ready-to-run curl command, or a
//! presigned URL.

use std::str::FromStr;

use crate::error::Error;
use crate::request::Body;
use crate::signing::Signed;

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

/// The user's headers with the signer's merged in: a `Host` the signer added goes first,
/// user headers the signer replaces are dropped, and the signer's other headers follow.
pub fn merge_headers(user: &[(String, String)], signed: &Signed) -> (Vec<(String, String)>, Option<String>) {
    let mut out = Vec::with_capacity(user.len() + signed.headers.len());
    let mut auto_host = None;
    let replaced = |n: &str| {
        n.eq_ignore_ascii_case("authorization") || signed.headers.iter().any(|(s, _)| s.eq_ignore_ascii_case(n))
    };
    let mut rest = signed.headers.iter().peekable();
    if let Some((n, v)) = rest.next_if(|(n, _)| n.eq_ignore_ascii_case("host")) {
        out.push((n.clone(), v.clone()));
        auto_host = Some(v.clone());
    }
    out.extend(user.iter().filter(|(n, _)| !replaced(n)).cloned());
    out.extend(rest.cloned());
    (out, auto_host)
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

fn render_curl(p: &Prepared<'_>) -> Result<String, Error> {
    let mut args: Vec<String> = vec!["curl".into(), "--globoff".into()];
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
        args.push("-H".into());
        args.push(shell_quote(&format!("{n}: {v}")));
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
    args.push(shell_quote(&p.url));
    Ok(format!("{}\n", args.join(" ")))
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
    fn merge_order() {
        let signed = Signed {
            headers: vec![
                ("Host".into(), "h".into()),
                ("X-Amz-Date".into(), "d".into()),
                ("Authorization".into(), "a".into()),
            ],
            url: None,
            details: None,
        };
        let user = vec![("Content-Type".into(), "t".into()), ("x-amz-date".into(), "old".into())];
        let (h, auto) = merge_headers(&user, &signed);
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Host", "Content-Type", "X-Amz-Date", "Authorization"]);
        assert_eq!(auto.as_deref(), Some("h"));
    }
}
