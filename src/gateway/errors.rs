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

/// What a server says it signed, from the body of a signature refusal: S3's XML
/// (`<CanonicalRequest>`, `<StringToSign>`), API Gateway's (and other services') JSON
/// `message` ("The Canonical String for this request should have been '…'", "The
/// String-to-Sign should have been '…'"), and `gwctl serve --explain` (`error.canonical_request`,
/// `error.string_to_sign`). Hostile input: at most [`SIGNED_SCAN_LIMIT`] bytes are looked at,
/// each text is cut to [`MAX_SIGNED_TEXT`] bytes and [`MAX_SIGNED_LINES`] lines; control
/// characters are kept for comparing and removed when printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerSigned {
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
}

/// The most of an error body searched for what the server signed.
pub const SIGNED_SCAN_LIMIT: usize = 256 << 10;
/// The longest canonical request or string to sign taken from a server.
pub const MAX_SIGNED_TEXT: usize = 32 << 10;
/// The most lines taken from a server's canonical request or string to sign.
pub const MAX_SIGNED_LINES: usize = 200;

const APIGW_CANONICAL: &str = "The Canonical String for this request should have been";
const APIGW_STRING_TO_SIGN: &str = "The String-to-Sign should have been";

/// The server's canonical request and/or string to sign, when the body carries either.
pub fn server_signed(body: &[u8]) -> Option<ServerSigned> {
    let body = &body[..body.len().min(SIGNED_SCAN_LIMIT)];
    let text = String::from_utf8_lossy(body);
    let mut found = ServerSigned::default();
    if text.contains("<CanonicalRequest>") || text.contains("<StringToSign>") {
        found.canonical_request = xml_text(&text, "CanonicalRequest");
        found.string_to_sign = xml_text(&text, "StringToSign");
    } else if let Ok(v) = serde_json::from_slice::<Value>(body) {
        for base in ["/error", ""] {
            let get = |k: &str| v.pointer(&format!("{base}/{k}")).and_then(Value::as_str).map(str::to_string);
            found.canonical_request = found.canonical_request.or_else(|| get("canonical_request"));
            found.string_to_sign = found.string_to_sign.or_else(|| get("string_to_sign"));
        }
        if found.canonical_request.is_none() && found.string_to_sign.is_none() {
            let mut budget = 10_000;
            if let Some(m) = find_message(&v, 0, &mut budget) {
                found = from_message(m);
            }
        }
    } else if text.contains(APIGW_CANONICAL) || text.contains(APIGW_STRING_TO_SIGN) {
        found = from_message(&text);
    }
    let clean = |s: Option<String>| s.map(|s| bounded(&s)).filter(|s| !s.is_empty());
    let found =
        ServerSigned { canonical_request: clean(found.canonical_request), string_to_sign: clean(found.string_to_sign) };
    (found.canonical_request.is_some() || found.string_to_sign.is_some()).then_some(found)
}

/// The first string in `v` (depth-first, bounded) that carries API Gateway's explanation.
fn find_message<'v>(v: &'v Value, depth: usize, budget: &mut usize) -> Option<&'v str> {
    if depth > 16 || *budget == 0 {
        return None;
    }
    *budget -= 1;
    match v {
        Value::String(s) if s.contains(APIGW_CANONICAL) || s.contains(APIGW_STRING_TO_SIGN) => Some(s),
        Value::Array(items) => items.iter().find_map(|x| find_message(x, depth + 1, budget)),
        Value::Object(map) => map.values().find_map(|x| find_message(x, depth + 1, budget)),
        _ => None,
    }
}

/// API Gateway's wording: each text follows its heading on a new line, in single quotes.
fn from_message(m: &str) -> ServerSigned {
    let m = m.replace("\r\n", "\n");
    let quoted = |heading: &str, until: Option<&str>| -> Option<String> {
        let start = m.find(heading)? + heading.len();
        let rest = m[start..].trim_start_matches([' ', '\n', ':']);
        let rest = rest.strip_prefix('\'').unwrap_or(rest);
        let rest = match until.and_then(|u| rest.find(u)) {
            Some(end) => &rest[..end],
            None => rest,
        };
        let rest = rest.trim_end();
        Some(rest.strip_suffix('\'').unwrap_or(rest).to_string())
    };
    ServerSigned {
        canonical_request: quoted(APIGW_CANONICAL, Some(APIGW_STRING_TO_SIGN)),
        string_to_sign: quoted(APIGW_STRING_TO_SIGN, None),
    }
}

/// At most [`MAX_SIGNED_TEXT`] bytes (on a character boundary) and [`MAX_SIGNED_LINES`] lines,
/// without carriage returns.
fn bounded(s: &str) -> String {
    let mut end = s.len().min(MAX_SIGNED_TEXT);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].split('\n').take(MAX_SIGNED_LINES).map(|l| l.trim_end_matches('\r')).collect::<Vec<_>>().join("\n")
}

/// The text of `<tag>…</tag>` with XML's entities decoded.
fn xml_text(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&format!("</{tag}>"))? + start;
    Some(xml_unescape(&text[start..end]))
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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

    const S3_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>\
<Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>\
<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20130524T000000Z\n\
20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972</StringToSign>\
<SignatureProvided>f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41</SignatureProvided>\
<StringToSignBytes>41 57 53 34</StringToSignBytes><CanonicalRequest>GET\n/test.txt\na=1&amp;b=%3C\n\
host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n\
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855</CanonicalRequest>\
<CanonicalRequestBytes>47 45 54</CanonicalRequestBytes><RequestId>4442587FB7D0A2F9</RequestId></Error>";

    /// API Gateway's answer, as reported in mhart/aws4#33 (JSON with `\n` escapes).
    const APIGW_JSON: &str = r#"{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/LocationQuery_stage\n\nhost:a5g085p7md.execute-api.us-east-1.amazonaws.com\nx-amz-date:20200211T205529Z\nx-amz-security-token:X-Amz-Security-Token\n\nhost;x-amz-date;x-amz-security-token\n23d10faba2ba9758d06ae91c4508d73b8501462c8792390f1da605cc12a2d787'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20200211T205529Z\n20200211/us-east-1/execute-api/aws4_request\nb0e1c056070f533feff6e3915304e1cf8a0ee73b7f1e873b1b0d413607c3f87a'\n"}"#;

    #[test]
    fn s3_xml_names_what_it_signed() {
        let s = server_signed(S3_XML.as_bytes()).unwrap();
        let creq = s.canonical_request.unwrap();
        assert!(creq.starts_with("GET\n/test.txt\na=1&b=%3C\nhost:examplebucket"), "{creq}");
        assert!(creq.ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "{creq}");
        assert_eq!(creq.lines().count(), 10);
        let sts = s.string_to_sign.unwrap();
        assert_eq!(sts.lines().nth(2), Some("20130524/us-east-1/s3/aws4_request"));
        assert_eq!(sts.lines().count(), 4);
    }

    #[test]
    fn api_gateway_json_message_names_what_it_signed() {
        let s = server_signed(APIGW_JSON.as_bytes()).unwrap();
        let creq = s.canonical_request.unwrap();
        assert!(creq.starts_with("POST\n/LocationQuery_stage\n\nhost:a5g085p7md"), "{creq}");
        assert!(creq.ends_with("\n23d10faba2ba9758d06ae91c4508d73b8501462c8792390f1da605cc12a2d787"), "{creq}");
        let sts = s.string_to_sign.unwrap();
        assert_eq!(
            sts,
            "AWS4-HMAC-SHA256\n20200211T205529Z\n20200211/us-east-1/execute-api/aws4_request\n\
             b0e1c056070f533feff6e3915304e1cf8a0ee73b7f1e873b1b0d413607c3f87a"
        );
        // Nested (Selling Partner API: {"errors":[{"message":…}]}) and as plain text.
        let nested = format!(r#"{{"errors":[{{"code":"InvalidSignature",{}]}}"#, &APIGW_JSON[1..]);
        assert_eq!(server_signed(nested.as_bytes()).unwrap().string_to_sign.as_deref(), Some(sts.as_str()));
        let v: Value = serde_json::from_str(APIGW_JSON).unwrap();
        let plain = v["message"].as_str().unwrap();
        assert_eq!(server_signed(plain.as_bytes()).unwrap().canonical_request.as_deref(), Some(creq.as_str()));
    }

    #[test]
    fn gwctl_serve_explain_and_bodies_without_either() {
        let body = br#"{"error":{"code":"signature_mismatch","message":"x","canonical_request":"GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD","string_to_sign":"AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/r/s/aws4_request\nab"}}"#;
        let s = server_signed(body).unwrap();
        assert_eq!(s.canonical_request.as_deref(), Some("GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD"));
        assert!(s.string_to_sign.unwrap().ends_with("\nab"));
        for none in [
            &b"<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>"[..],
            br#"{"message":"The request signature we calculated does not match the signature you provided."}"#,
            b"",
            b"\xff\xfe<CanonicalRequest>",
        ] {
            assert_eq!(server_signed(none), None, "{}", String::from_utf8_lossy(none));
        }
    }

    #[test]
    fn hostile_bodies_are_bounded() {
        // Huge, many lines, control characters, broken entities: bounded, no panic.
        let lines = "x\n".repeat(100_000);
        let xml = format!("<CanonicalRequest>{lines}&#xFFFFFFFF;&bogus;&&#1114112;\u{1b}[31m</CanonicalRequest>");
        let s = server_signed(xml.as_bytes()).map(|s| s.canonical_request.unwrap_or_default()).unwrap_or_default();
        assert!(s.len() <= MAX_SIGNED_TEXT && s.lines().count() <= MAX_SIGNED_LINES, "{}", s.len());
        let wide = format!("<StringToSign>{}</StringToSign>", "é".repeat(40_000));
        let s = server_signed(wide.as_bytes()).unwrap().string_to_sign.unwrap();
        assert!(s.len() <= MAX_SIGNED_TEXT);
        assert_eq!(xml_unescape("a&amp;b&lt;&#65;&#x42;&#xZZ;&nope;&"), "a&b<AB&#xZZ;&nope;&");
        let deep = format!("{}\"{APIGW_CANONICAL}\n'x'\"{}", "[".repeat(200), "]".repeat(200));
        let _ = server_signed(deep.as_bytes());
    }
}
