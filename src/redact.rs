//! Redaction for `-v` and `--dry-run`: what was sent, minus the secrets in it.

/// Header value as it may be shown.
pub fn header_value(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "authorization" | "proxy-authorization" | "x-mlflow-authorization" => authorization(value),
        "x-amz-security-token" | "x-api-key" | "cookie" | "x-amz-content-sha256-secret" => "****".into(),
        _ => jwts(value),
    }
}

/// Keeps the scheme and the non-secret parts of an `Authorization` value.
pub fn authorization(value: &str) -> String {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("basic") || scheme.eq_ignore_ascii_case("bearer") {
        return format!("{scheme} ****");
    }
    // AWS4-HMAC-SHA256 / HMAC-SHA256 / SDK-HMAC-SHA256: the credential scope and signed headers
    // help debugging; the signature goes.
    if rest.contains("Signature=") {
        let kept: Vec<String> = rest
            .split(", ")
            .map(|part| if part.starts_with("Signature=") { "Signature=****".to_string() } else { part.to_string() })
            .collect();
        return format!("{scheme} {}", kept.join(", "));
    }
    format!("{scheme} ****")
}

/// Passwords in URLs within `s` masked: `http://user:secret@host` → `http://user:****@host`
/// (a proxy URL on the command line, a gateway URL with credentials in it).
pub fn userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        let tail = &rest[i + 3..];
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '`') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@').and_then(|at| authority[..at].find(':').map(|colon| (colon, at))) {
            Some((colon, at)) => {
                out.push_str(&authority[..=colon]);
                out.push_str("****");
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A URL with presigning secrets (and a password in it) masked.
pub fn url(u: &str) -> String {
    let u = &userinfo(u);
    let Some((base, query)) = u.split_once('?') else { return jwts(u) };
    let parts: Vec<String> = query
        .split('&')
        .map(|p| {
            let key = p.split('=').next().unwrap_or("");
            if ["X-Amz-Signature", "X-Amz-Security-Token"].iter().any(|k| k.eq_ignore_ascii_case(key)) {
                format!("{key}=****")
            } else {
                jwts(p)
            }
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// One line that is safe to print on a terminal: ANSI escape sequences (CSI `ESC [ … final`,
/// OSC `ESC ] … BEL|ST`) are removed and every other control character becomes a space. For
/// everything printed on stderr that may come from a server or a file.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    // Parameters and intermediates, then one final byte in @..~.
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                Some(']') | Some('P') | Some('_') | Some('^') => {
                    chars.next();
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || c == '\u{9c}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {
                    chars.next();
                }
            },
            c if c.is_control() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Masks anything shaped like a JWT (`eyJ….….…`).
pub fn jwts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("eyJ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end =
            tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')).unwrap_or(tail.len());
        let candidate = &tail[..end];
        if candidate.matches('.').count() == 2 {
            out.push_str("****");
        } else {
            out.push_str(candidate);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts() {
        assert_eq!(authorization("Basic YWxpY2U6cHc="), "Basic ****");
        assert_eq!(authorization("Bearer eyJa.eyJb.c"), "Bearer ****");
        assert_eq!(
            authorization(
                "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/s/aws4_request, SignedHeaders=host, Signature=abc"
            ),
            "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/s/aws4_request, SignedHeaders=host, Signature=****"
        );
        assert_eq!(header_value("X-Amz-Security-Token", "tok"), "****");
        assert_eq!(
            url("https://h/p?a=1&X-Amz-Signature=abc&X-Amz-Security-Token=t"),
            "https://h/p?a=1&X-Amz-Signature=****&X-Amz-Security-Token=****"
        );
        assert_eq!(jwts("x eyJhbGc.eyJzdWI.sig y eyJnot"), "x **** y eyJnot");
    }

    #[test]
    fn sanitizes_terminal_escapes_and_line_breaks() {
        assert_eq!(sanitize_line("a\u{1b}[2J\u{1b}]0;pwned\u{7}b"), "ab");
        assert_eq!(sanitize_line("Code\nX-Evil: 1\r\n"), "Code X-Evil: 1 ");
        assert_eq!(sanitize_line("caf\u{e9} \u{1b}[31mred\u{1b}[0m"), "caf\u{e9} red");
        assert_eq!(sanitize_line("\u{1b}]8;;http://x\u{1b}\\link"), "link");
        assert!(!sanitize_line("\u{7}\u{0}\u{85}").chars().any(char::is_control));
    }
}

#[cfg(test)]
mod userinfo_tests {
    #[test]
    fn passwords_in_urls_are_masked() {
        assert_eq!(super::userinfo("http://u:pw@proxy:3128/x"), "http://u:****@proxy:3128/x");
        assert_eq!(
            super::userinfo("invalid value 'socks5://alice:s3cr%40t@h:1080' for '--proxy <URL>'"),
            "invalid value 'socks5://alice:****@h:1080' for '--proxy <URL>'"
        );
        assert_eq!(super::userinfo("http://token@host/ http://a:b:c@d"), "http://token@host/ http://a:****@d");
        for same in ["no url here", "http://host:8080/path?q=a:b@c", "https://h/p@x:y", "://"] {
            assert_eq!(super::userinfo(same), same);
        }
        assert_eq!(super::url("https://u:p@h/x?X-Amz-Signature=abc"), "https://u:****@h/x?X-Amz-Signature=****");
    }
}
