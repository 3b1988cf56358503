//! Gateway error bodies, in one readable line, with a hint where the cause is a known trap.

use serde_json::Value;

/// A one-line summary of an error response, and a hint.
pub fn summarize(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> String {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = String::from_utf8_lossy(body);
    let mut code: Option<String> = header("x-amzn-errortype").map(|t| t.split(':').next().unwrap_or("").to_string());
    let mut message: Option<String> = None;
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        message = first_str(
            &v,
            &["/detail", "/error/message", "/error", "/message", "/Message", "/errorMessage", "/error_code"],
        );
        if let Some(d) = v.get("detail").filter(|d| !d.is_string()) {
            message = Some(compact(d));
        }
        if code.is_none() {
            code = first_str(&v, &["/__type", "/code", "/error_code", "/Error/Code"])
                .map(|c| c.rsplit('#').next().unwrap_or("").to_string());
        }
    } else if text.contains("<Error") || text.contains("<ErrorResponse") {
        code = code.or_else(|| xml_tag(&text, "Code"));
        message = xml_tag(&text, "Message");
    } else if !text.trim().is_empty() && text.len() < 300 && !text.contains('<') {
        message = Some(text.trim().to_string());
    }
    let reason = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let mut line = format!("HTTP {status} {reason}");
    if let Some(c) = code.as_deref().filter(|c| !c.is_empty()) {
        line.push_str(&format!(": {c}"));
    }
    if let Some(m) = message.as_deref().filter(|m| !m.is_empty()) {
        line.push_str(&format!(": {}", one_line(m)));
    }
    if let Some(h) = hint(status, code.as_deref(), message.as_deref().unwrap_or(""), &text, &header) {
        line.push_str(&format!(" ({h})"));
    }
    line
}

fn hint(
    status: u16,
    code: Option<&str>,
    message: &str,
    text: &str,
    header: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let all = format!("{} {message} {text}", code.unwrap_or(""));
    if all.contains("SignatureDoesNotMatch")
        || all.contains("INVALID_SIGNATURE")
        || all.contains("signature we calculated does not match")
    {
        return Some("check the region and service the request was signed for, the secret key, and the clock".into());
    }
    if all.contains("MissingAuthenticationToken")
        || all.contains("Missing Authentication Token")
        || all.contains("MISSING_AUTHENTICATION_TOKEN")
    {
        return Some(
            "API Gateway says this for an unsigned request, but also for a wrong path or method: check both".into(),
        );
    }
    let lower = all.to_ascii_lowercase();
    if all.contains("RequestTimeTooSkewed")
        || all.contains("Signature expired")
        || lower.contains("token has expired")
        || lower.contains("signature has expired")
        || lower.contains("token is expired")
        || all.contains("ExpiredSignature")
    {
        return Some(match header("date").and_then(|d| skew(&d)) {
            Some(s) => format!("this clock is {s} the server's"),
            None => "check this machine's clock".into(),
        });
    }
    if lower.contains("audience") && (lower.contains("match") || lower.contains("invalid")) {
        return Some("the token's aud is not what the gateway expects: check the profile's --aud".into());
    }
    if lower.contains("issuer") && (lower.contains("match") || lower.contains("invalid")) {
        return Some("the token's iss is not what the gateway expects: check the profile's --iss".into());
    }
    if all.contains("InvalidClientTokenId") || all.contains("UnrecognizedClientException") {
        return Some("the access key id is not known: check the profile's access key id".into());
    }
    if status == 401 {
        if let Some(w) = header("www-authenticate") {
            return Some(format!("the server asks for {}", w.split_whitespace().next().unwrap_or("authentication")));
        }
        return Some("the credentials were refused".into());
    }
    if status == 404 && message.contains("Not Found") {
        return Some("unknown route or path: gwctl routes list shows the routes".into());
    }
    None
}

/// How far the local clock is from a server's `Date` header, e.g. `"7 min 3 s ahead"`.
fn skew(date: &str) -> Option<String> {
    let server = time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc2822).ok()?;
    let diff = time::OffsetDateTime::now_utc().unix_timestamp() - server.unix_timestamp();
    let (m, s) = (diff.abs() / 60, diff.abs() % 60);
    Some(format!("{m} min {s} s {}", if diff >= 0 { "ahead of" } else { "behind" }))
}

fn first_str(v: &Value, ptrs: &[&str]) -> Option<String> {
    ptrs.iter().find_map(|p| v.pointer(p).and_then(Value::as_str).map(str::to_string))
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 { format!("{}…", &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]) } else { s }
}

fn xml_tag(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find('<')? + start;
    Some(text[start..end].trim().to_string())
}

fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 300 { format!("{}…", s.chars().take(300).collect::<String>()) } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn shapes() {
        let h = HeaderMap::new();
        assert_eq!(
            summarize(404, &h, br#"{"detail":"Not Found"}"#),
            "HTTP 404 Not Found: Not Found (unknown route or path: gwctl routes list shows the routes)"
        );
        assert_eq!(
            summarize(429, &h, br#"{"error":"Rate limit exceeded: 2 per 1 minute"}"#),
            "HTTP 429 Too Many Requests: Rate limit exceeded: 2 per 1 minute"
        );
        let xml = b"<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error></ErrorResponse>";
        let s = summarize(403, &h, xml);
        assert!(
            s.starts_with("HTTP 403 Forbidden: SignatureDoesNotMatch: The request signature")
                && s.contains("region and service"),
            "{s}"
        );
        let mut h2 = HeaderMap::new();
        h2.insert("x-amzn-errortype", HeaderValue::from_static("MissingAuthenticationTokenException:http://internal"));
        let s = summarize(403, &h2, br#"{"message":"Missing Authentication Token"}"#);
        assert!(s.contains("MissingAuthenticationTokenException: Missing Authentication Token (API Gateway"), "{s}");
        let mut h3 = HeaderMap::new();
        h3.insert("www-authenticate", HeaderValue::from_static("Basic realm=\"mlflow\""));
        assert!(summarize(401, &h3, b"").contains("asks for Basic"));
    }
}
