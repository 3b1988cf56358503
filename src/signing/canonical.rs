//! The one canonical-request builder behind SigV4 and the AK/SK variants.
//!
//! All three schemes sign `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED_HEADERS\nPAYLOAD_HASH`; they
//! differ only in the knobs below (see `../shared/notes/auth-schemes.md`).

use std::borrow::Cow;

use super::encoding::{self, PATH, UNRESERVED};

/// How the path is canonicalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathRule {
    /// SigV4. `double_encode`: percent-encode the (wire-form) path once more, `%` included
    /// (every service but S3); otherwise (S3) `UriEncode(percent-decode(path))` with `/` kept:
    /// the canonical form S3 computes from the object key, whatever escapes the client chose.
    /// `normalize`: remove dot segments and empty segments first.
    SigV4 { normalize: bool, double_encode: bool },
    /// Huawei APIG: decode, encode each segment once, force a trailing `/`.
    Huawei,
    /// APIPark/Apinto: the decoded path as the gateway sees it, with a trailing `/` forced.
    ApiPark,
}

/// How the query is canonicalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueryRule {
    /// Decode (`+` is a space), re-encode RFC 3986, sort by encoded key then value.
    SigV4,
    /// Decode, sort by raw key then raw value, encode RFC 3986.
    Huawei,
    /// Go `url.Values`: only `k=v` pairs, last duplicate wins, sorted, `QueryEscape`d.
    ApiPark,
}

/// How header values are canonicalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueRule {
    /// Trim, and fold every inner run of whitespace (line folds included) to one space.
    TrimCollapse,
    /// Trim only.
    Trim,
}

/// How repeated headers are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RepeatRule {
    /// Values joined with `,` in their original order.
    Join,
    /// The first value only (what a Go gateway's `Header.Get` sees).
    First,
}

pub(crate) struct HeaderRules<'a> {
    pub value: ValueRule,
    pub repeat: RepeatRule,
    /// Signed header names in this order (lower case); `None`: every header, sorted.
    pub order: Option<&'a [String]>,
}

/// Appends the canonical path to `out`.
pub(crate) fn canonical_path_into(out: &mut String, rule: PathRule, path: &str) {
    match rule {
        PathRule::SigV4 { normalize, double_encode } => {
            let normalized;
            let path = if normalize {
                if is_normal(path) {
                    path
                } else {
                    normalized = normalize_path(path);
                    normalized.as_str()
                }
            } else if path.is_empty() {
                "/"
            } else {
                path
            };
            if double_encode {
                encoding::encode_into(out, path.as_bytes(), PATH);
            } else {
                encoding::encode_into(out, &encoding::decode(path, false), PATH);
            }
        }
        PathRule::Huawei => {
            let decoded = encoding::decode(path, false);
            let start = out.len();
            encoding::encode_into(out, &decoded, PATH);
            if !out[start..].ends_with('/') {
                out.push('/');
            }
        }
        PathRule::ApiPark => {
            let decoded = String::from_utf8_lossy(&encoding::decode(path, false)).into_owned();
            out.push_str(&force_trailing_slash(decoded));
        }
    }
}

/// Whether [`normalize_path`] would return `path` unchanged: it starts with `/`, and has no
/// `.` or `..` segment and no empty segment but a last one (a trailing `/`).
fn is_normal(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else { return false };
    let mut segs = rest.split('/').peekable();
    while let Some(seg) = segs.next() {
        let last = segs.peek().is_none();
        if seg == "." || seg == ".." || (seg.is_empty() && !last) {
            return false;
        }
    }
    true
}

fn force_trailing_slash(mut s: String) -> String {
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// RFC 3986 §5.2.4 dot-segment removal plus empty-segment removal, keeping a trailing slash.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = String::with_capacity(path.len());
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() || (trailing && !segments.is_empty()) {
        out.push('/');
    }
    out
}

/// Canonical query for `query` (raw, wire form) plus `extra` pairs (decoded, e.g. the
/// `X-Amz-*` parameters of a presigned URL).
pub(crate) fn canonical_query(rule: QueryRule, query: Option<&str>, extra: &[(&str, &str)]) -> String {
    let raw = query.unwrap_or("");
    if raw.is_empty() && extra.is_empty() {
        return String::new();
    }
    match rule {
        QueryRule::SigV4 => {
            let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = encoding::split_query(raw)
                .map(|(k, v)| (sigv4_query_component(k), sigv4_query_component(v.unwrap_or(""))))
                .chain(extra.iter().map(|(k, v)| (encode_unreserved(k), encode_unreserved(v))))
                .collect();
            pairs.sort_unstable();
            join_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
        }
        QueryRule::Huawei => {
            let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = encoding::split_query(raw)
                .map(|(k, v)| (encoding::decode(k, true), encoding::decode(v.unwrap_or(""), true)))
                .chain(extra.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec())))
                .collect();
            pairs.sort_unstable();
            let encoded: Vec<(String, String)> =
                pairs.iter().map(|(k, v)| (encoding::encode(k, UNRESERVED), encoding::encode(v, UNRESERVED))).collect();
            join_pairs(encoded.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        QueryRule::ApiPark => {
            let mut map = std::collections::BTreeMap::<Vec<u8>, Vec<u8>>::new();
            for piece in raw.split('&') {
                let mut it = piece.split('=');
                if let (Some(k), Some(v), None) = (it.next(), it.next(), it.next()) {
                    map.insert(encoding::decode(k, true), encoding::decode(v, true));
                }
            }
            for (k, v) in extra {
                map.insert(k.as_bytes().to_vec(), v.as_bytes().to_vec());
            }
            let mut out = String::new();
            for (k, v) in &map {
                if !out.is_empty() {
                    out.push('&');
                }
                encoding::encode_go_query(&mut out, k);
                out.push('=');
                encoding::encode_go_query(&mut out, v);
            }
            out
        }
    }
}

/// A raw query component as SigV4 signs it: decoded (`+` a space), encoded RFC 3986. One of
/// only unreserved characters is already that (and is borrowed).
fn sigv4_query_component(raw: &str) -> Cow<'_, str> {
    if raw.bytes().all(is_unreserved) {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(encoding::encode(&encoding::decode(raw, true), UNRESERVED))
    }
}

/// `s` encoded RFC 3986 (borrowed when nothing needs encoding).
fn encode_unreserved(s: &str) -> Cow<'_, str> {
    if s.bytes().all(is_unreserved) { Cow::Borrowed(s) } else { Cow::Owned(encoding::encode(s.as_bytes(), UNRESERVED)) }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn join_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Appends the canonical header block (`name:value\n` lines) to `out` and returns the
/// signed-headers list (`a;b;c`).
///
/// `headers` are the headers to sign, in request order, with any names (any case).
pub(crate) fn canonical_headers_into(out: &mut String, rules: &HeaderRules<'_>, headers: &[(&str, &str)]) -> String {
    let mut signed = String::with_capacity(16 * headers.len());
    let mut emit = |out: &mut String, name: &str, values: &mut dyn Iterator<Item = &str>| {
        let start = out.len();
        out.push_str(name);
        out[start..].make_ascii_lowercase();
        out.push(':');
        let mut first = true;
        for v in values {
            if !first {
                out.push(',');
            }
            first = false;
            push_value(out, v, rules.value);
        }
        out.push('\n');
        if !signed.is_empty() {
            signed.push(';');
        }
        let name_start = signed.len();
        signed.push_str(name);
        signed[name_start..].make_ascii_lowercase();
    };

    match rules.order {
        None => {
            // Sort positions by lower-cased name, then position: repeated headers keep their order.
            let mut order: Vec<usize> = (0..headers.len()).collect();
            order.sort_unstable_by(|&a, &b| cmp_ignore_case(headers[a].0, headers[b].0).then(a.cmp(&b)));
            let mut i = 0;
            while i < order.len() {
                let name = headers[order[i]].0;
                let mut j = i + 1;
                while j < order.len() && headers[order[j]].0.eq_ignore_ascii_case(name) {
                    j += 1;
                }
                let take = match rules.repeat {
                    RepeatRule::Join => j - i,
                    RepeatRule::First => 1,
                };
                emit(out, name, &mut order[i..i + take].iter().map(|&idx| headers[idx].1));
                i = j;
            }
        }
        Some(listed) => {
            for name in listed {
                let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
                let mut first = values.next().into_iter();
                match rules.repeat {
                    RepeatRule::First => emit(out, name, &mut first),
                    RepeatRule::Join => emit(out, name, &mut first.chain(values)),
                }
            }
        }
    }
    signed
}

fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn push_value(out: &mut String, value: &str, rule: ValueRule) {
    let trimmed = value.trim_matches(|c: char| c.is_ascii_whitespace());
    let b = trimmed.as_bytes();
    // Most values need no folding: no whitespace but single spaces.
    let plain = rule == ValueRule::Trim
        || !b.iter().enumerate().any(|(i, &c)| c.is_ascii_whitespace() && (c != b' ' || b.get(i + 1) == Some(&b' ')));
    if plain {
        out.push_str(trimmed);
        return;
    }
    let mut in_space = false;
    for c in trimmed.chars() {
        if c.is_ascii_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
}

/// What a canonical request is made of, and the knobs of the scheme.
pub(crate) struct CanonicalInput<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub path_rule: PathRule,
    pub query: Option<&'a str>,
    /// Decoded pairs added to the query (a presigned URL's `X-Amz-*` parameters).
    pub query_extra: &'a [(&'a str, &'a str)],
    pub query_rule: QueryRule,
    pub headers: &'a [(&'a str, &'a str)],
    pub header_rules: HeaderRules<'a>,
    pub payload_hash: &'a str,
}

/// Builds `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED_HEADERS\nPAYLOAD_HASH` in one buffer and
/// returns it with the signed-headers list.
pub(crate) fn canonical_request(input: &CanonicalInput<'_>) -> (String, String) {
    let mut s =
        String::with_capacity(256 + input.path.len() + input.query.map_or(0, str::len) + 48 * input.headers.len());
    s.push_str(input.method);
    s.push('\n');
    canonical_path_into(&mut s, input.path_rule, input.path);
    s.push('\n');
    s.push_str(&canonical_query(input.query_rule, input.query, input.query_extra));
    s.push('\n');
    let signed = canonical_headers_into(&mut s, &input.header_rules, input.headers);
    s.push('\n');
    s.push_str(&signed);
    s.push('\n');
    s.push_str(input.payload_hash);
    (s, signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        for (i, o) in [
            ("", "/"),
            ("/", "/"),
            ("//example//", "/example/"),
            ("/example1/example2/../..", "/"),
            ("/example/..", "/"),
            ("/./", "/"),
            ("/a/./b/../c", "/a/c"),
            ("/a/b/", "/a/b/"),
            ("/../a", "/a"),
            ("/a/.", "/a/"),
            ("/a/..", "/"),
            ("a/b", "/a/b"),
            ("/a//", "/a/"),
        ] {
            assert_eq!(normalize_path(i), o, "{i}");
            assert_eq!(is_normal(i), i == o, "{i}");
        }
        for p in ["/", "/a", "/a/b/", "/a.b/..c/.d", "/%2E/x"] {
            assert!(is_normal(p), "{p}");
            assert_eq!(normalize_path(p), p);
        }
    }

    #[test]
    fn sigv4_query_sorting() {
        let q = canonical_query(QueryRule::SigV4, Some("b=2&a=x+y&a=1&c&%E1%88%B4=v"), &[]);
        assert_eq!(q, "%E1%88%B4=v&a=1&a=x%20y&b=2&c=");
        let q = canonical_query(QueryRule::SigV4, Some("k=a~b_c-d.e&%6B=%7e&z=%zz"), &[("X-Amz-C", "a/b c")]);
        assert_eq!(q, "X-Amz-C=a%2Fb%20c&k=a~b_c-d.e&k=~&z=%25zz");
    }

    #[test]
    fn apipark_query() {
        let q = canonical_query(QueryRule::ApiPark, Some("b=2&a=1&a=x%20y&c&d=1=2"), &[]);
        assert_eq!(q, "a=x+y&b=2");
    }
}
