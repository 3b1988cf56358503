#![allow(clippy::type_complexity)]
//! Property and fuzz checks over every parser gwctl feeds bytes it does not control (issue 12,
//! "Keep it fixed"): the SSE parser and stream decoder, the AWS event-stream decoder, the YAML
//! reader and `scaffold check`, the config loader, duration/claim/header/URL parsing, redaction
//! and the stderr line sanitiser. Each check asserts no panic plus an invariant (chunking does
//! not change what is decoded; a secret never survives redaction or reaches an error; one line
//! out).
//!
//! Deterministic: fixed seeds and a small xorshift generator, a few seconds in CI. A longer run
//! raises the iteration count per property (default 300):
//!
//!     GWCTL_FUZZ_ITERS=100000 cargo test --release --test properties
//!
//! and `GWCTL_FUZZ_SEED=<n>` changes the seeds (a failure prints the seed and iteration).

use gwctl::gateway::stream::eventstream;
use gwctl::gateway::stream::sse::SseParser;
use gwctl::gateway::stream::{Piece, StreamDecoder};

/// xorshift64*: tiny, deterministic, good enough to pick bytes and cut points.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let extra: u64 = std::env::var("GWCTL_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
        Rng((seed ^ extra.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Text from an alphabet that hits the parsers' special characters often.
    fn text(&mut self, alphabet: &[&str], max_tokens: usize) -> String {
        let n = self.below(max_tokens + 1);
        (0..n).map(|_| *self.pick(alphabet)).collect()
    }
    /// `data` cut into random pieces (including empty ones).
    fn chunks<'a>(&mut self, data: &'a [u8]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        let mut rest = data;
        while !rest.is_empty() {
            let n = if self.chance(4) { self.below(4) } else { self.below(rest.len().min(64) + 1) };
            let (a, b) = rest.split_at(n.min(rest.len()));
            out.push(a);
            rest = b;
        }
        out
    }
    /// `data` with a few random bytes changed, inserted or removed.
    fn mutate(&mut self, data: &[u8]) -> Vec<u8> {
        let mut v = data.to_vec();
        for _ in 0..=self.below(4) {
            let i = self.below(v.len() + 1);
            match self.below(3) {
                0 if i < v.len() => v[i] = self.next() as u8,
                1 => v.insert(i, self.next() as u8),
                _ if i < v.len() => {
                    v.remove(i);
                }
                _ => {}
            }
        }
        v
    }
}

fn iters() -> usize {
    std::env::var("GWCTL_FUZZ_ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
}

/// Runs `f` for every iteration; a panic names the seed and iteration to replay.
fn property(name: &str, seed: u64, mut f: impl FnMut(&mut Rng)) {
    let mut rng = Rng::new(seed);
    for i in 0..iters() {
        let state = rng.0;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut rng)));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("property {name}: iteration {i} (rng state {state:#x}) failed: {msg}");
        }
    }
}

fn one_line(s: &str) -> bool {
    !s.contains('\n') && !s.contains('\r')
}

const SSE_ALPHABET: &[&str] = &[
    "data: ",
    "data:",
    "event: ",
    "id: 1",
    ": comment",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "{\"choices\":[{\"delta\":{\"content\":\"hé\"}}]}",
    "{\"choices\":[{\"text\":\"x\"}]}",
    "{\"error\":\"boom\"}",
    "[DONE]",
    "café",
    "日本",
    "x",
    " ",
    "\u{0}",
    "\u{1b}[2J",
];

/// All events a parser yields for `chunks`, then whether `finish` accepted the end.
fn sse_all(chunks: &[&[u8]]) -> (Vec<(Option<String>, String)>, Option<String>, bool) {
    let mut p = SseParser::default();
    let mut events = Vec::new();
    for c in chunks {
        events.extend(p.push(c).into_iter().map(|e| (e.event, e.data)));
    }
    let failed = p.failed().map(str::to_string);
    (events, failed, p.finish().is_ok())
}

#[test]
fn sse_chunking_never_changes_the_events() {
    property("sse chunking", 0x5EE_0001, |rng| {
        let text = rng.text(SSE_ALPHABET, 60);
        let whole = sse_all(&[text.as_bytes()]);
        let bytes: Vec<&[u8]> = text.as_bytes().iter().map(std::slice::from_ref).collect();
        assert_eq!(sse_all(&bytes), whole, "byte by byte: {text:?}");
        let chunks = rng.chunks(text.as_bytes());
        assert_eq!(sse_all(&chunks), whole, "chunks {chunks:?}");
    });
}

#[test]
fn sse_random_bytes_never_panic() {
    property("sse bytes", 0x5EE_0002, |rng| {
        let data = rng.bytes(512);
        let chunks = rng.chunks(&data);
        let (events, failed, _) = sse_all(&chunks);
        assert!(failed.is_none(), "small input never hits the limit");
        for (_, d) in events {
            assert!(d.len() <= data.len());
        }
    });
}

/// What a stream decoder prints for `chunks`, and its outcome, with text pieces joined (a
/// text delta may be split differently, the text may not).
fn decode_all(content_type: &str, raw: bool, chunks: &[&[u8]]) -> (Vec<u8>, String, Result<(), String>) {
    let mut d = StreamDecoder::for_content_type(content_type, raw).expect("a stream type");
    let mut raw_out = Vec::new();
    let mut text = String::new();
    for c in chunks {
        match d.push(c) {
            Ok(pieces) => {
                for p in pieces {
                    match p {
                        Piece::Text(t) => text.push_str(&t),
                        Piece::Raw(b) => raw_out.extend_from_slice(&b),
                    }
                }
            }
            Err(e) => {
                let e = e.to_string();
                assert!(one_line(&e), "error lines are one line: {e:?}");
                return (raw_out, text, Err(e));
            }
        }
    }
    let end = d.finish().map_err(|e| e.to_string());
    (raw_out, text, end)
}

#[test]
fn stream_decoder_output_does_not_depend_on_chunking() {
    property("sse decoder chunking", 0x5EE_0003, |rng| {
        let text = rng.text(SSE_ALPHABET, 40);
        let raw = rng.chance(2);
        let whole = decode_all("text/event-stream", raw, &[text.as_bytes()]);
        let chunks = rng.chunks(text.as_bytes());
        let split = decode_all("text/event-stream", raw, &chunks);
        if raw {
            // Raw mode passes bytes through as they come: the same bytes, whatever the cuts,
            // up to the point an error stops it.
            if whole.2.is_ok() && split.2.is_ok() {
                assert_eq!(split.0, whole.0, "{text:?}");
            }
        } else {
            assert_eq!(split.1, whole.1, "{text:?} in {chunks:?}");
            assert_eq!(split.2.is_ok(), whole.2.is_ok(), "{text:?}");
        }
        let data = rng.bytes(256);
        let chunks = rng.chunks(&data);
        let _ = decode_all("text/event-stream", rng.chance(2), &chunks);
        let _ = decode_all("application/vnd.amazon.eventstream", rng.chance(2), &chunks);
    });
}

fn random_frames(rng: &mut Rng) -> (Vec<u8>, Vec<(Vec<(String, String)>, Vec<u8>)>) {
    let mut wire = Vec::new();
    let mut frames = Vec::new();
    for _ in 0..=rng.below(5) {
        let mut headers = vec![(":event-type".to_string(), rng.pick(&["chunk", "PayloadPart"]).to_string())];
        if rng.chance(3) {
            headers.push((":content-type".into(), "application/json".into()));
        }
        let payload = if rng.chance(2) {
            format!("{{\"bytes\":\"{}\"}}", rng.text(&["eyJ", "YWJj", "Zm9v", "=="], 6)).into_bytes()
        } else {
            rng.bytes(100)
        };
        let h: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        wire.extend(eventstream::encode(&h, &payload));
        frames.push((headers, payload));
    }
    (wire, frames)
}

fn eventstream_all(chunks: &[&[u8]]) -> Result<Vec<(Vec<u8>, Option<String>)>, String> {
    let mut d = eventstream::Decoder::default();
    let mut out = Vec::new();
    for c in chunks {
        for m in d.push(c)? {
            out.push((m.payload.clone(), m.header(":event-type").map(str::to_string)));
        }
    }
    d.finish()?;
    Ok(out)
}

#[test]
fn eventstream_chunking_never_changes_the_messages() {
    property("eventstream chunking", 0xE5_0001, |rng| {
        let (wire, frames) = random_frames(rng);
        let whole = eventstream_all(&[&wire]).expect("valid frames decode");
        assert_eq!(whole.len(), frames.len());
        for ((payload, kind), (headers, sent)) in whole.iter().zip(&frames) {
            assert_eq!(payload, sent);
            assert_eq!(kind.as_deref(), Some(headers[0].1.as_str()));
        }
        let chunks = rng.chunks(&wire);
        assert_eq!(eventstream_all(&chunks), Ok(whole.clone()));
        // The stream decoder built on it prints the same whatever the cuts.
        let a = decode_all("application/vnd.amazon.eventstream", true, &[&wire]);
        let b = decode_all("application/vnd.amazon.eventstream", true, &chunks);
        assert_eq!(a, b);
    });
}

#[test]
fn corrupted_eventstream_is_an_error_never_a_panic() {
    property("eventstream corruption", 0xE5_0002, |rng| {
        let (wire, _) = random_frames(rng);
        let bad = rng.mutate(&wire);
        let chunks = rng.chunks(&bad);
        match eventstream_all(&chunks) {
            Ok(_) => assert_eq!(bad, wire, "a changed frame must fail its CRC or length check"),
            Err(e) => assert!(one_line(&e), "{e:?}"),
        }
        let junk = rng.bytes(300);
        let _ = eventstream_all(&rng.chunks(&junk));
    });
}

const YAML_ALPHABET: &[&str] = &[
    "endpoints:",
    "routes:",
    "\n",
    "  ",
    "- ",
    "name: ",
    "chat",
    "endpoint_type: llm/v1/chat",
    "model:",
    "provider: openai",
    "config:",
    "openai_api_key: $OPENAI_API_KEY",
    "&a ",
    "*a",
    "<<: ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "'",
    "\"",
    "#",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "!!str ",
    "? ",
    "\t",
    "é",
    "\u{85}",
    "\r\n",
    "~",
    "1e3",
    ".inf",
];

#[test]
fn yaml_reader_and_scaffold_check_never_panic() {
    property("yaml", 0x7A_0001, |rng| {
        let text = if rng.chance(5) {
            String::from_utf8_lossy(&rng.bytes(400)).into_owned()
        } else {
            rng.text(YAML_ALPHABET, 120)
        };
        if let Err(e) = gwctl::scaffold::yaml::parse_document(&text) {
            let e = format!("{e:?}");
            assert!(!e.is_empty());
        }
        for p in gwctl::scaffold::mlflow::check(&text) {
            assert!(one_line(&p.message), "{:?}", p.message);
        }
    });
    // Deep nesting and alias bombs, a few sizes each: refused, never a stack overflow.
    for depth in [1_000, 20_000, 100_000] {
        for (open, close) in [("- ", ""), ("[", "]"), ("{a: ", "}")] {
            let text = format!("{}x{}", open.repeat(depth), close.repeat(depth));
            let _ = gwctl::scaffold::yaml::parse_document(&text);
            let _ = gwctl::scaffold::mlflow::check(&text);
        }
        let block: String = (0..depth.min(5_000)).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let _ = gwctl::scaffold::mlflow::check(&block);
    }
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
        bomb.push_str(&format!(
            "b{i}: &b{i} [{p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}]\n",
            p = format!("*{prev}")
        ));
    }
    let _ = gwctl::scaffold::mlflow::check(&bomb);
}

const TOML_SEED: &str = r#"# comment
default_profile = "dev"

[profiles.dev]
url = "http://127.0.0.1:5000"
gateway = "mlflow"
auth = "bearer"
store = "env:TOK"

[profiles.prod]
auth = "sigv4"
access_key_id = "AKIDEXAMPLE"
region = "us-east-1"
service = "execute-api"
store = "keyutils"

[profiles.issuer]
auth = "jwt"
store = "file"
[profiles.issuer.jwt]
alg = "RS256"
iss = "me"
kid = "k1"
"#;

#[test]
fn config_loader_never_panics_and_errors_are_one_line() {
    let path = std::path::Path::new("/tmp/gwctl-fuzz/config.toml");
    property("config", 0xC0_0001, |rng| {
        let text = match rng.below(3) {
            0 => String::from_utf8_lossy(&rng.mutate(TOML_SEED.as_bytes())).into_owned(),
            1 => {
                let names = ["../../../../tmp/evil", "a#pending", "ok", "", "é", ".", "a/b", "\u{1b}[2J", "x\ny"];
                format!("[profiles.{:?}]\nauth = \"bearer\"\nstore = \"file\"\n", rng.pick(&names))
            }
            _ => {
                rng.text(&["[", "]", "profiles", ".", "\"", "=", "\n", "x", "auth", "store", "'''", "#", "{", "}"], 40)
            }
        };
        if let Err(e) = gwctl::profile::config::parse(&text, path) {
            let e = e.to_string();
            assert!(one_line(&e), "{e:?}");
        }
    });
    // Names that would leave the config dir or hit the rotation slots are refused on load.
    for bad in ["../../../../tmp/evil", "a#pending", "a/b", ".."] {
        let text = format!("[profiles.{bad:?}]\nauth = \"bearer\"\nstore = \"file\"\n");
        assert!(gwctl::profile::config::parse(&text, path).is_err(), "{bad}");
    }
}

#[test]
fn durations_and_claims_never_panic() {
    property("durations", 0xD0_0001, |rng| {
        let s =
            rng.text(&["1", "9", "0", "18446744073709551615", "d", "h", "m", "s", " ", "-", ".", "e", "inf", "é"], 8);
        if let Ok(n) = gwctl::util::parse_duration_secs(&s) {
            let _ = n;
        }
        let c = rng.text(&["a", "=", "1", "\"", "{", "}", "[", "]", "null", "true", "é", "\n", ":"], 10);
        if let Err(e) = gwctl::util::parse_claim(&c) {
            assert!(one_line(&e.to_string()), "{e}");
        }
    });
    // Overflow is an error, not a wrap or a panic.
    for s in ["18446744073709551615d", "99999999999999999999", "213503982334602d"] {
        let _ = gwctl::util::parse_duration_secs(s);
    }
}

/// `--time`: random text and near-valid times never panic, a refusal is one line without control
/// characters, and a time that is accepted prints back (as `X-Amz-Date`) to one that parses to
/// the same instant, within 1970–9999.
#[test]
fn signing_times_never_panic_and_round_trip() {
    use gwctl::signing::SigningTime;
    property("signing times", 0x71_0001, |rng| {
        let s = rng.text(
            &[
                "2015",
                "0830",
                "T",
                "123600",
                "Z",
                "-",
                "+",
                ":",
                "08",
                "30",
                "12",
                "99",
                "00",
                "9999",
                "10000",
                "1969",
                " ",
                ".",
                "5",
                "e",
                "\u{0}",
                "\n",
                "é",
                "1796183255",
            ],
            8,
        );
        // Half the time: a valid time with one character changed (near misses reach the parsers).
        let s = if rng.chance(2) {
            let mut base: Vec<char> =
                rng.pick(&["20150830T123600Z", "2015-08-30T12:36:00+02:00", "99991231T235959Z"]).chars().collect();
            let i = rng.below(base.len());
            base[i] = rng.pick(&['0', '9', '-', 'T', 'Z', '+', ':', ' ', 'é', '\u{0}']).to_owned();
            base.into_iter().collect()
        } else {
            s
        };
        match SigningTime::parse(&s) {
            Ok(t) => {
                assert!((0..=253_402_300_799).contains(&t.unix()), "{s:?} → {}", t.unix());
                let again = SigningTime::parse(&t.amz_date()).unwrap_or_else(|e| panic!("{s:?}: {e}"));
                assert_eq!(again.unix(), t.unix(), "{s:?}");
            }
            Err(e) => {
                let m = e.to_string();
                assert!(one_line(&m) && !m.chars().any(char::is_control), "{s:?}: {m:?}");
            }
        }
    });
    for (s, ok) in [
        ("20150830T123600Z", true),
        ("2015-08-30T12:36:00+02:00", true),
        ("99991231T235959Z", true),
        ("19691231T235959Z", false),
        ("+2015-08-30T12:36:00Z", false),
        ("20150830T123600", false),
        ("", false),
    ] {
        assert_eq!(SigningTime::parse(s).is_ok(), ok, "{s:?}");
    }
}

const SECRET: &str = "S3cr3tSECRETvalue0xDEADBEEF";

#[test]
fn header_and_url_errors_never_carry_the_secret() {
    property("headers and urls", 0x4E_0001, |rng| {
        let name = rng.text(&["X-Api-Key", "Authorization", "a", " ", "é", "(", "\u{0}", ""], 3);
        let value = format!(
            "{}{SECRET}{}",
            rng.text(&["\n", "\r", "\t", " ", "x", "\u{1b}", "é"], 3),
            rng.text(&["\n", " ", "y", "\u{7f}"], 3)
        );
        let line = format!("{name}:{value}");
        if let Err(e) = gwctl::request::parse_header_line(&line) {
            let e = e.to_string();
            assert!(!e.contains(SECRET) && one_line(&e), "{e:?}");
        }
        let filler = "p".repeat(rng.below(300));
        let url = format!(
            "{}://user:{filler}{SECRET}{}@{}/{}",
            rng.pick(&["http", "https", "ftp", "", "h ttp"]),
            rng.text(&["%", "%zz", "@", ":", "/", " ", "é", "\n"], 3),
            rng.pick(&["host", "", "[::1", "127.0.0.1:99999", "ho st", "h\u{0}"]),
            rng.text(&["a", "?", "#", "%", " ", "é"], 5)
        );
        match gwctl::request::parse_url(&url) {
            Ok(u) => panic!("credentials in a URL are refused, got {u}"),
            Err(e) => {
                let e = e.to_string();
                assert!(!e.contains(SECRET) && one_line(&e), "{e:?}");
            }
        }
    });
}

#[test]
fn redaction_never_lets_the_secret_through() {
    property("redaction", 0x2E_0001, |rng| {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt =
            format!("eyJ{}.{}.{}", b64("hbGciOiJIUzI1NiJ9"), b64(SECRET), rng.text(&["a", "B", "-", "_", "0"], 20));
        // Header values: the secret-bearing headers are masked whatever the case and form.
        let name = rng.pick(&["Authorization", "authorization", "X-Amz-Security-Token", "x-api-key", "Cookie"]);
        let value = match *name {
            "Authorization" | "authorization" => format!(
                "{} {}",
                rng.pick(&["Bearer", "Basic", "bearer", "AWS4-HMAC-SHA256", "Custom"]),
                rng.pick(&[SECRET.to_string(), format!("Credential=AK/x, SignedHeaders=host, Signature={SECRET}")])
            ),
            _ => SECRET.to_string(),
        };
        let shown = gwctl::redact::header_value(name, &value);
        assert!(!shown.contains(SECRET), "{name}: {shown}");
        // JWTs anywhere in a value or URL.
        let around = rng.text(&["a", " ", "=", "&", "/", "\"", ","], 4);
        let s = format!("{around}{jwt}{around}");
        assert!(!gwctl::redact::jwts(&s).contains(&jwt), "{s}");
        assert!(!gwctl::redact::header_value("X-Other", &s).contains(&jwt));
        // Presigned URLs.
        let key = rng.pick(&["X-Amz-Signature", "x-amz-signature", "X-Amz-Security-Token"]);
        let u =
            format!("https://h/p?{}{key}={SECRET}&{}", rng.text(&["a=1&", "b=&", "&"], 3), rng.text(&["c=2", "&"], 2));
        assert!(!gwctl::redact::url(&u).contains(SECRET), "{u}");
        let u = format!("https://h/p?token={jwt}");
        assert!(!gwctl::redact::url(&u).contains(&jwt), "{u}");
    });
}

#[test]
fn sanitized_lines_are_one_line_without_control_characters() {
    property("sanitize_line", 0x5A_0001, |rng| {
        let s = if rng.chance(3) {
            String::from_utf8_lossy(&rng.bytes(200)).into_owned()
        } else {
            rng.text(
                &[
                    "\u{1b}[2J",
                    "\u{1b}]0;pwned\u{7}",
                    "\u{1b}]8;;http://x\u{1b}\\",
                    "\u{1b}[",
                    "\u{1b}]",
                    "\u{1b}",
                    "\n",
                    "\r",
                    "\t",
                    "\u{7f}",
                    "\u{85}",
                    "\u{9b}31m",
                    "\u{2028}",
                    "\u{202e}",
                    "ok",
                    "é",
                    " ",
                ],
                40,
            )
        };
        let out = gwctl::redact::sanitize_line(&s);
        assert!(!out.chars().any(char::is_control), "{s:?} → {out:?}");
        assert!(one_line(&out), "{out:?}");
        assert!(out.len() <= s.len() * 3 + 16, "bounded output");
    });
}

/// A random JSON value: objects (with repeated keys now and then), arrays, strings with
/// escapes and non-ASCII, numbers of every kind.
fn json_value(rng: &mut Rng, depth: usize) -> String {
    const TEXT: &[&str] = &["a", "é", "😀", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", " ", "\\\\", "/", "\\t"];
    match if depth == 0 { rng.below(5) } else { rng.below(7) } {
        0 => format!("\"{}\"", rng.text(TEXT, 6)),
        1 => rng
            .pick(&["0", "-1", "7", "18446744073709551615", "-9223372036854775808", "2.5", "1e2", "-0.0", "3.14159e-7"])
            .to_string(),
        2 => rng.pick(&["true", "false", "null"]).to_string(),
        3 => format!("\"{}\"", rng.text(TEXT, 2)),
        4 => rng.pick(&["1", "\"x\""]).to_string(),
        5 => {
            let n = rng.below(4);
            let items: Vec<String> = (0..n).map(|_| json_value(rng, depth - 1)).collect();
            format!("[{}]", items.join(if rng.chance(3) { " , " } else { "," }))
        }
        _ => json_object(rng, depth - 1),
    }
}

fn json_object(rng: &mut Rng, depth: usize) -> String {
    const KEYS: &[&str] = &[
        "model",
        "stream",
        "max_tokens",
        "max_completion_tokens",
        "max_output_tokens",
        "messages",
        "k",
        "é",
        "a\\\"b",
    ];
    let n = rng.below(5);
    let items: Vec<String> = (0..n).map(|_| format!("\"{}\":{}", rng.pick(KEYS), json_value(rng, depth))).collect();
    format!("{{{}}}", items.join(","))
}

/// The batch runner's fast line path (no `Value` built) gives the request the full path gives,
/// byte for byte, whenever it takes a line; and neither panics on any bytes.
#[test]
fn batch_fast_line_path_matches_the_full_path() {
    use gwctl::batch::input::{InputOptions, fast_request, parse_line};
    let opts = InputOptions { has_default_target: true, ..Default::default() };
    let (mut taken, mut compared, mut runs) = (0, 0, 0);
    property("batch_fast_line_path", 41, |rng| {
        runs += 1;
        let body = json_object(rng, 3);
        let line = match rng.below(3) {
            0 => format!(r#"{{"custom_id":"id","url":"/v1/x","body":{body}}}"#),
            1 => format!(r#"{{"body":{body}, "method":"post"}}"#),
            _ => format!(r#"{{ "custom_id" : "z" , "body" : {body} }}"#),
        };
        let line = if rng.chance(10) { rng.mutate(line.as_bytes()) } else { line.into_bytes() };
        let fast = fast_request(&line, 3, &opts);
        let full = parse_line(&line, 3, &opts).map(|p| p.into_request(3, &opts));
        if let Some(f) = fast {
            let full = full.unwrap_or_else(|e| {
                panic!("fast took a line the full path refuses ({}): {}", e.message, String::from_utf8_lossy(&line))
            });
            // Duplicate keys: the full path keeps the last value, the fast path sends them as
            // written; otherwise the two agree exactly.
            taken += 1;
            if !has_duplicate_keys(&f.body) {
                compared += 1;
                assert_eq!(String::from_utf8_lossy(&f.body), String::from_utf8_lossy(&full.body));
                assert_eq!(
                    (f.stream, f.est_tokens),
                    (full.stream, full.est_tokens),
                    "{}",
                    String::from_utf8_lossy(&line)
                );
            }
            assert_eq!((&f.custom_id, &f.method, &f.url), (&full.custom_id, &full.method, &full.url));
        }
    });
    assert!(taken * 2 > runs && compared * 3 > runs, "{taken} taken, {compared} compared of {runs}");
}

/// Whether any object in this JSON repeats a key.
fn has_duplicate_keys(json: &[u8]) -> bool {
    fn walk(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(o) => o.len() + o.values().map(walk).sum::<usize>(),
            serde_json::Value::Array(a) => a.iter().map(walk).sum(),
            _ => 0,
        }
    }
    // Keys as written (a counting visitor) against the keys a `Value` keeps (repeats collapse).
    let v: serde_json::Value = serde_json::from_slice(json).unwrap();
    let as_written = {
        let mut n = 0usize;
        let mut de = serde_json::Deserializer::from_slice(json);
        struct Count<'a>(&'a mut usize);
        impl<'de> serde::de::DeserializeSeed<'de> for Count<'_> {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_any(self)
            }
        }
        impl<'de> serde::de::Visitor<'de> for Count<'_> {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("json")
            }
            fn visit_bool<E>(self, _: bool) -> Result<(), E> {
                Ok(())
            }
            fn visit_i64<E>(self, _: i64) -> Result<(), E> {
                Ok(())
            }
            fn visit_u64<E>(self, _: u64) -> Result<(), E> {
                Ok(())
            }
            fn visit_f64<E>(self, _: f64) -> Result<(), E> {
                Ok(())
            }
            fn visit_str<E>(self, _: &str) -> Result<(), E> {
                Ok(())
            }
            fn visit_unit<E>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
                while a.next_element_seed(Count(&mut *self.0))?.is_some() {}
                Ok(())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
                while a.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    *self.0 += 1;
                    a.next_value_seed(Count(&mut *self.0))?;
                }
                Ok(())
            }
        }
        serde::de::DeserializeSeed::deserialize(Count(&mut n), &mut de).unwrap();
        n
    };
    as_written != walk(&v)
}
