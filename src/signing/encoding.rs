//! Percent-encoding and decoding rules shared by the canonicalisers.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) is encoded.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// As [`UNRESERVED`], keeping `/`: a whole path encoded segment by segment.
pub(crate) const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Appends lower-case hex of `bytes` (a table lookup per nibble; `hex::encode` goes through
/// a `char` iterator and is several times slower on the signing hot path).
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Appends `input` percent-encoded with `set` (upper-case hex).
pub(crate) fn encode_into(out: &mut String, input: &[u8], set: &'static AsciiSet) {
    for chunk in percent_encode(input, set) {
        out.push_str(chunk);
    }
}

pub(crate) fn encode(input: &[u8], set: &'static AsciiSet) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    encode_into(&mut out, input, set);
    out
}

/// Decodes `%XX` escapes (invalid escapes are kept literally); with `plus_as_space`, `+`
/// becomes a space first, as in `application/x-www-form-urlencoded`.
pub(crate) fn decode(input: &str, plus_as_space: bool) -> Vec<u8> {
    if plus_as_space && input.contains('+') {
        let replaced = input.replace('+', " ");
        percent_decode(replaced.as_bytes()).collect()
    } else {
        percent_decode(input.as_bytes()).collect()
    }
}

/// Go's `url.QueryEscape`: unreserved kept, space as `+`, everything else `%XX`.
pub(crate) fn encode_go_query(out: &mut String, input: &[u8]) {
    for &b in input {
        if b == b' ' {
            out.push('+');
        } else {
            encode_into(out, &[b], UNRESERVED);
        }
    }
}

/// Splits a raw query string into `(key, value)` pairs: `&`-separated, empty pieces skipped,
/// split at the first `=` (`None` when there is none).
pub(crate) fn split_query(query: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    query.split('&').filter(|p| !p.is_empty()).map(|p| match p.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (p, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc3986() {
        assert_eq!(encode(b"a b+c~d/e", UNRESERVED), "a%20b%2Bc~d%2Fe");
        assert_eq!(encode("/ሴ".as_bytes(), PATH), "/%E1%88%B4");
        assert_eq!(encode(b"/a%3A0", PATH), "/a%253A0");
    }

    #[test]
    fn s3_path_is_uri_encode_of_the_decoded_path() {
        let s3 = |p: &str| encode(&decode(p, false), PATH);
        assert_eq!(s3("/a%3a0 b/%zz:@=ü"), "/a%3A0%20b/%25zz%3A%40%3D%C3%BC");
        assert_eq!(s3("/a%7Eb.txt"), s3("/a~b.txt"));
        assert_eq!(s3("/%41"), "/A");
        assert_eq!(s3("/a%2Fb"), "/a/b");
        assert_eq!(s3("/a+b"), "/a%2Bb");
    }

    #[test]
    fn hex_matches_the_hex_crate() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(hex(&bytes), ::hex::encode(&bytes));
    }

    #[test]
    fn go_query() {
        let mut s = String::new();
        encode_go_query(&mut s, b"x y/z~");
        assert_eq!(s, "x+y%2Fz~");
    }
}
