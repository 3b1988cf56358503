//! The one output channel of the command line (L4): standard output for results (a closed
//! pipe is success), and the render step of an invocation: a response printed as pretty or
//! compact JSON, text, raw bytes or live text deltas, with `-i` headers; errors as one line.

use std::io::{IsTerminal, Write};

use serde_json::Value;

use crate::cli::BodyFormat;
use crate::client::MAX_HELD_BODY;
use crate::error::Error;
use crate::gateway::stream::{Piece, StreamDecoder};
use crate::gateway::{errors, mlflow};
use crate::http::{self, HttpOptions};

/// Writes to standard output; a closed pipe (`gwctl … | head`) is not an error.
pub fn print(s: &str) -> Result<(), Error> {
    write_bytes(s.as_bytes())
}

/// Writes bytes to standard output and flushes; a closed pipe is not an error.
pub fn write_bytes(b: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(b).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("cannot write to standard output", e)),
        _ => Ok(()),
    }
}

/// A note for the person on standard error (`gwctl: …`).
pub fn note(msg: std::fmt::Arguments<'_>) {
    eprintln!("gwctl: {msg}");
}

/// How a response is shown.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub format: Option<BodyFormat>,
    /// `-i`: the status line and headers first.
    pub include: bool,
    /// `--raw`: stream events as received.
    pub raw: bool,
    pub http: HttpOptions,
    /// `--stats`: a summary line on stderr at the end.
    pub stats: bool,
    /// When the request was sent (for `-v` and `--stats` timings).
    pub started: std::time::Instant,
}

/// What a response amounted to, for `--stats`.
#[derive(Debug, Default)]
struct Tally {
    bytes: u64,
    events: usize,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

impl Tally {
    fn usage_from(&mut self, v: &Value) {
        if let Some(u) = v.get("usage") {
            self.prompt_tokens = u.get("prompt_tokens").and_then(Value::as_u64).or(self.prompt_tokens);
            self.completion_tokens = u.get("completion_tokens").and_then(Value::as_u64).or(self.completion_tokens);
        }
    }
}

fn stats_line(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    ttfb: std::time::Duration,
    total: std::time::Duration,
    t: &Tally,
    streamed: bool,
) -> String {
    let ms = |d: std::time::Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let mut line = format!("HTTP {status}, first byte {}, total {}, {} bytes", ms(ttfb), ms(total), t.bytes);
    if streamed {
        line.push_str(&format!(", {} events", t.events));
    }
    if let Some(p) = t.prompt_tokens {
        line.push_str(&format!(", prompt {p} tokens"));
    }
    if let Some(c) = t.completion_tokens {
        line.push_str(&format!(", completion {c} tokens"));
        let generating = total.saturating_sub(ttfb).as_secs_f64();
        if streamed && generating > 0.0 {
            line.push_str(&format!(" ({:.1} tokens/s)", c as f64 / generating));
        }
    }
    if let Some(d) = headers.get("x-mlflow-gateway-duration-ms").and_then(|v| v.to_str().ok()) {
        line.push_str(&format!(", gateway {} ms", crate::redact::sanitize_line(d)));
    }
    line
}

/// Prints a response; an error status prints the body, then becomes the error (exit 9/10).
pub async fn render(resp: reqwest::Response, o: &RenderOptions) -> Result<(), Error> {
    render_signed(resp, o, None).await
}

/// [`render`], knowing what gwctl signed for the request (its canonical request and string to
/// sign): when the server refuses it and says what it signed itself, the difference is kept
/// for after the error line ([`defer`]).
pub async fn render_signed(
    resp: reqwest::Response,
    o: &RenderOptions,
    signed: Option<&crate::signing::SignatureDetails>,
) -> Result<(), Error> {
    let ttfb = o.started.elapsed();
    let status = resp.status();
    let headers = resp.headers().clone();
    let host = resp.url().host_str().unwrap_or("").to_string();
    if crate::log::is_verbose() {
        let mut s = format!(
            "< HTTP/{} {} ({:.1} ms to the headers)\n",
            version(resp.version()),
            status,
            ttfb.as_secs_f64() * 1e3
        );
        for (n, v) in &headers {
            let v = v.to_str().unwrap_or("<binary>");
            let shown = if n.as_str().eq_ignore_ascii_case("set-cookie") {
                "****".to_string()
            } else {
                crate::redact::sanitize_line(v)
            };
            s.push_str(&format!("< {n}: {shown}\n"));
        }
        eprint!("{s}");
    }
    let result = render_body(resp, o, status, &headers, &host, signed).await;
    let (tally, streamed) = match &result {
        Ok(t) | Err((_, t)) => (t, t.events > 0),
    };
    if o.stats || crate::log::is_verbose() {
        eprintln!("gwctl: {}", stats_line(status.as_u16(), &headers, ttfb, o.started.elapsed(), tally, streamed));
    }
    result.map(drop).map_err(|(e, _)| e)
}

async fn render_body(
    resp: reqwest::Response,
    o: &RenderOptions,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    host: &str,
    signed: Option<&crate::signing::SignatureDetails>,
) -> Result<Tally, (Error, Tally)> {
    let mut tally = Tally::default();
    if o.include {
        let mut head = format!("HTTP/{} {}\n", version(resp.version()), status);
        for (n, v) in headers {
            head.push_str(&format!("{n}: {}\n", v.to_str().unwrap_or("<binary>")));
        }
        head.push('\n');
        print(&head).map_err(|e| (e, Tally::default()))?;
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let raw = o.raw || o.format == Some(BodyFormat::Raw);
    if status.is_success()
        && let Some(decoder) = StreamDecoder::for_content_type(content_type, raw)
    {
        // Raw server-sent events end as the server ended them.
        let end_line = !(raw && content_type.to_ascii_lowercase().starts_with("text/event-stream"));
        return match stream(resp, decoder, host, &o.http, end_line, &mut tally).await {
            Ok(()) => Ok(tally),
            Err(e) => Err((e, tally)),
        };
    }
    match whole(resp, o, status, headers, host, &mut tally, signed).await {
        Ok(()) => Ok(tally),
        Err(e) => Err((e, tally)),
    }
}

async fn whole(
    resp: reqwest::Response,
    o: &RenderOptions,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    host: &str,
    tally: &mut Tally,
    signed: Option<&crate::signing::SignatureDetails>,
) -> Result<(), Error> {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let mut body = resp.bytes_stream();
    // Held whole up to a limit (to pretty-print JSON, or to summarise an error); past it the
    // body is passed through as received, in constant memory.
    let mut held = Vec::new();
    let mut overflow = false;
    while let Some(chunk) = http::next_chunk(&mut body, host, &o.http).await? {
        tally.bytes += chunk.len() as u64;
        if held.len() + chunk.len() > MAX_HELD_BODY {
            write_bytes(&held)?;
            write_bytes(&chunk)?;
            overflow = true;
            break;
        }
        held.extend_from_slice(&chunk);
    }
    let tty = std::io::stdout().is_terminal();
    if overflow {
        while let Some(chunk) = http::next_chunk(&mut body, host, &o.http).await? {
            tally.bytes += chunk.len() as u64;
            write_bytes(&chunk)?;
        }
    } else if !status.is_success() && tty && !o.include && content_type.starts_with("text/html") {
        // A proxy's HTML error page is noise on a terminal: one line says what it was.
        note(format_args!("the answer is an HTML page of {} bytes (-i, or a pipe, prints it)", held.len()));
    } else {
        if let Ok(v) = serde_json::from_slice::<Value>(&held) {
            tally.usage_from(&v);
        }
        print_body(&held, o.format, tty)?;
    }
    if !status.is_success() {
        if let Some(ours) = signed
            && let Some(theirs) = errors::server_signed(&held)
        {
            defer(signature_diff(&theirs, ours));
        }
        return Err(Error::Status {
            status: status.as_u16(),
            message: errors::summarize(status.as_u16(), headers, &held[..held.len().min(1 << 16)]),
        });
    }
    Ok(())
}

fn version(v: reqwest::Version) -> &'static str {
    match v {
        reqwest::Version::HTTP_2 => "2",
        reqwest::Version::HTTP_10 => "1.0",
        _ => "1.1",
    }
}

/// Prints a whole body: pretty JSON on a terminal, compact when piped, the answer's text with
/// `--format text`, the bytes with `--format raw` or when it is not JSON.
pub fn print_body(bytes: &[u8], format: Option<BodyFormat>, tty: bool) -> Result<(), Error> {
    let as_json = serde_json::from_slice::<Value>(bytes).ok();
    let text = match (format.unwrap_or(BodyFormat::Json), as_json) {
        (BodyFormat::Raw, _) | (_, None) => {
            write_bytes(bytes)?;
            if tty && !bytes.ends_with(b"\n") && !bytes.is_empty() {
                write_bytes(b"\n")?;
            }
            return Ok(());
        }
        (BodyFormat::Text, Some(v)) => match mlflow::response_text(&v) {
            Some(t) => format!("{t}\n"),
            None => format!("{v}\n"),
        },
        (_, Some(v)) if tty => format!("{:#}\n", v),
        (_, Some(v)) => format!("{v}\n"),
    };
    print(&text)
}

/// Prints a streamed answer as it arrives, flushing each piece. A stream that ends inside an
/// event is an error (exit 8); an error event ends it (exit 10).
async fn stream(
    resp: reqwest::Response,
    mut decoder: StreamDecoder,
    host: &str,
    opts: &HttpOptions,
    end_line: bool,
    tally: &mut Tally,
) -> Result<(), Error> {
    let mut usage = crate::gateway::stream::sse::SseParser::default();
    let mut body = resp.bytes_stream();
    let mut printer = DeltaPrinter::default();
    loop {
        let chunk = match http::next_chunk(&mut body, host, opts).await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                printer.end_line();
                return Err(e.into());
            }
        };
        tally.bytes += chunk.len() as u64;
        // `usage` rides in the last events of OpenAI-style streams.
        for ev in usage.push(&chunk) {
            if let Ok(v) = serde_json::from_str::<Value>(&ev.data) {
                tally.usage_from(&v);
            }
        }
        let pieces = match decoder.push(&chunk) {
            Ok(p) => p,
            Err(e) => {
                printer.end_line();
                return Err(e.into());
            }
        };
        for p in pieces {
            match p {
                Piece::Text(t) => printer.print(t.as_bytes()),
                Piece::Raw(b) => printer.print(&b),
            }
        }
    }
    tally.events = decoder.events().max(1);
    if let Err(e) = decoder.finish() {
        printer.end_line();
        return Err(e.into());
    }
    if end_line {
        printer.end_line();
    }
    Ok(())
}

/// Prints streamed text, flushing after each piece, and ends the line at the end.
#[derive(Default)]
pub struct DeltaPrinter {
    wrote: bool,
    newline: bool,
}

impl DeltaPrinter {
    pub fn print(&mut self, t: &[u8]) {
        if t.is_empty() {
            return;
        }
        let _ = write_bytes(t);
        self.wrote = true;
        self.newline = t.ends_with(b"\n");
    }

    pub fn end_line(&mut self) {
        if self.wrote && !self.newline {
            let _ = write_bytes(b"\n");
            self.newline = true;
        }
    }
}

/// Notes printed on standard error after the one-line error (`print_deferred`, called by
/// `main`): what explains the error but does not fit on its line. Bounded.
static DEFERRED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Keeps `text` (several lines) to print after the error line.
pub fn defer(text: String) {
    if let Ok(mut d) = DEFERRED.lock()
        && d.len() < 4
    {
        d.push(text);
    }
}

/// Prints (and forgets) what [`defer`] kept, on standard error.
pub fn print_deferred() {
    let notes = DEFERRED.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default();
    for n in notes {
        eprint!("{n}");
    }
}

/// Header names whose values are secrets even inside a canonical request.
const SECRET_HEADERS: [&str; 5] =
    ["x-amz-security-token", "authorization", "x-api-key", "cookie", "proxy-authorization"];

/// The longest line shown in a signature diff.
const DIFF_LINE_WIDTH: usize = 300;

/// What a server said it signed (from its refusal) against what gwctl signed for the same
/// attempt, line by line: the first differing line is named, `-` lines are gwctl's, `+` lines
/// the server's. Secret header values are masked (and compared only when the server showed
/// them); every line is cleaned of control characters and cut to 300 characters.
pub fn signature_diff(server: &errors::ServerSigned, ours: &crate::signing::SignatureDetails) -> String {
    let mut out = String::new();
    let mut same = Vec::new();
    for (what, theirs, mine, label) in [
        (
            "canonical request",
            server.canonical_request.as_deref(),
            ours.canonical_request.as_str(),
            creq_part as Labeler,
        ),
        ("string to sign", server.string_to_sign.as_deref(), ours.string_to_sign.as_str(), sts_part as Labeler),
    ] {
        let Some(theirs) = theirs else { continue };
        let a: Vec<&str> = mine.split('\n').collect();
        let b: Vec<&str> = theirs.split('\n').collect();
        let ops = diff_lines(&a, &b);
        let Some(first) = ops.iter().position(|o| !matches!(o, Op::Same(..))) else {
            same.push(what);
            continue;
        };
        // Every line before the first difference is common: its index is the line's in both.
        let at = first;
        out.push_str(&format!(
            "gwctl: the server's {what} differs from gwctl's, first at line {} ({}); - gwctl signed, + the server computed:\n",
            at + 1,
            label(&a, at)
        ));
        out.push_str(&render_ops(&ops, &a, &b));
    }
    match (same.as_slice(), out.is_empty()) {
        ([], _) => {}
        (both @ [_, _], true) => out.push_str(&format!(
            "gwctl: the server computed the same {} and {} as gwctl: the difference is the key itself (the secret \
             key, or the one the server holds for this access key id)\n",
            both[0], both[1]
        )),
        (matching, _) => {
            for w in matching {
                out.push_str(&format!("gwctl: the server's {w} is the same as gwctl's\n"));
            }
        }
    }
    out
}

type Labeler = fn(&[&str], usize) -> String;

/// What line `i` of a canonical request is.
fn creq_part(lines: &[&str], i: usize) -> String {
    let blank = lines.iter().skip(3).position(|l| l.is_empty()).map(|p| p + 3);
    match (i, blank) {
        (0, _) => "the method".into(),
        (1, _) => "the path".into(),
        (2, _) => "the query string".into(),
        (i, Some(b)) if i < b => {
            let name = lines[i].split(':').next().unwrap_or("");
            format!("the header {}", crate::redact::sanitize_line(&name.chars().take(60).collect::<String>()))
        }
        (i, Some(b)) if i == b => "the blank line after the headers".into(),
        (i, Some(b)) if i == b + 1 => "the signed header names".into(),
        (i, Some(b)) if i == b + 2 => "the payload hash".into(),
        _ => "past the end".into(),
    }
}

/// What line `i` of a string to sign is (SigV4 has a credential scope; the AK/SK variants not).
fn sts_part(lines: &[&str], i: usize) -> String {
    let sigv4 = lines.len() >= 4;
    match (i, sigv4) {
        (0, _) => "the algorithm".into(),
        (1, _) => "the date".into(),
        (2, true) => "the credential scope: date/region/service".into(),
        (2, false) | (3, true) => "the hash of the canonical request".into(),
        _ => "past the end".into(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// Line `i` of gwctl's equals line `j` of the server's.
    Same(usize, usize),
    /// Only in gwctl's.
    Mine(usize),
    /// Only in the server's.
    Theirs(usize),
}

/// A line-level diff (longest common subsequence) of two texts of at most a few hundred lines.
fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (a, b) = (&a[..a.len().min(errors::MAX_SIGNED_LINES)], &b[..b.len().min(errors::MAX_SIGNED_LINES)]);
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the common subsequence length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if same_line(a[i], b[j]) { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && same_line(a[i], b[j]) {
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j]) {
            ops.push(Op::Theirs(j));
            j += 1;
        } else {
            ops.push(Op::Mine(i));
            i += 1;
        }
    }
    ops
}

/// A secret header's line: its name, when the line is one.
fn secret_header(line: &str) -> Option<&str> {
    let name = line.split_once(':')?.0;
    SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name)).then_some(name)
}

/// Equal lines; a secret header the server masked (`<redacted>`, `****`, `XXX`) counts as equal.
fn same_line(mine: &str, theirs: &str) -> bool {
    if mine == theirs {
        return true;
    }
    match (secret_header(mine), theirs.split_once(':')) {
        (Some(n), Some((tn, tv))) if n.eq_ignore_ascii_case(tn) => {
            let v = tv.trim();
            v.is_empty() || v == "<redacted>" || v.chars().all(|c| c == '*' || c == 'X' || c == 'x')
        }
        _ => false,
    }
}

/// A line as shown: secret header values masked, control characters removed, cut.
fn shown(line: &str) -> String {
    let line = match secret_header(line) {
        Some(name) => format!("{name}:****"),
        None => line.to_string(),
    };
    let clean = crate::redact::sanitize_line(&line);
    if clean.chars().count() > DIFF_LINE_WIDTH {
        format!("{}…", clean.chars().take(DIFF_LINE_WIDTH).collect::<String>())
    } else {
        clean
    }
}

/// The diff, with equal lines more than two lines away from a change folded (a lone one is shown).
fn render_ops(ops: &[Op], a: &[&str], b: &[&str]) -> String {
    let changed: Vec<bool> = ops.iter().map(|o| !matches!(o, Op::Same(..))).collect();
    let near = |k: usize| (k.saturating_sub(2)..(k + 3).min(ops.len())).any(|x| changed[x]);
    let hidden: Vec<bool> = (0..ops.len()).map(|k| !near(k)).collect();
    let mut out = String::new();
    let mut k = 0;
    while k < ops.len() {
        let run = hidden[k..].iter().take_while(|h| **h).count();
        if run > 1 {
            out.push_str(&format!("    … {run} equal lines\n"));
            k += run;
            continue;
        }
        match ops[k] {
            Op::Same(i, _) => out.push_str(&format!("    {}\n", shown(a[i]))),
            Op::Mine(i) => out.push_str(&format!("  - {}\n", shown(a[i]))),
            Op::Theirs(j) => out.push_str(&format!("  + {}\n", shown(b[j]))),
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::SignatureDetails;

    fn ours(creq: &str, sts: &str) -> SignatureDetails {
        SignatureDetails { canonical_request: creq.into(), string_to_sign: sts.into(), signature: "s".into() }
    }

    const CREQ: &str = "POST\n/endpoints/chat/invocations\n\ncontent-type:application/json\nhost:127.0.0.1:8080\n\
                        x-amz-date:20240101T000000Z\nx-amz-security-token:SECRET-SESSION\nx-note:hello\n\n\
                        content-type;host;x-amz-date;x-amz-security-token;x-note\nabc123";
    const STS: &str = "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/execute-api/aws4_request\nfeed";

    #[test]
    fn the_first_differing_line_is_named() {
        let theirs = errors::ServerSigned {
            canonical_request: Some(
                CREQ.replace("x-note:hello", "x-note:hello-changed").replace("SECRET-SESSION", "<redacted>"),
            ),
            string_to_sign: Some(STS.replace("feed", "beef")),
        };
        let d = signature_diff(&theirs, &ours(CREQ, STS));
        assert!(d.contains("canonical request differs from gwctl's, first at line 8 (the header x-note)"), "{d}");
        assert!(d.contains("\n  - x-note:hello\n  + x-note:hello-changed\n"), "{d}");
        // The session token is masked, and the server's masked copy is not a difference.
        assert!(!d.contains("SECRET-SESSION") && !d.contains("+ x-amz-security-token"), "{d}");
        assert!(
            d.contains("string to sign differs from gwctl's, first at line 4 (the hash of the canonical request)"),
            "{d}"
        );
        // Long runs of equal lines are folded.
        assert!(d.contains("    … 5 equal lines\n"), "{d}");
    }

    #[test]
    fn same_texts_point_at_the_key_and_extra_lines_show() {
        let theirs = errors::ServerSigned { canonical_request: Some(CREQ.into()), string_to_sign: Some(STS.into()) };
        let d = signature_diff(&theirs, &ours(CREQ, STS));
        assert!(d.contains("the same canonical request and string to sign as gwctl: the difference is the key"), "{d}");
        // A header the server signed that gwctl did not (a line only on its side).
        let extra = CREQ.replace("host:127.0.0.1:8080\n", "host:127.0.0.1:8080\nx-forwarded-for:10.0.0.1\n");
        let theirs = errors::ServerSigned { canonical_request: Some(extra), string_to_sign: None };
        let d = signature_diff(&theirs, &ours(CREQ, STS));
        assert!(
            d.contains("first at line 6 (the header x-amz-date)") && d.contains("  + x-forwarded-for:10.0.0.1\n"),
            "{d}"
        );
        assert!(!d.contains("string to sign"), "{d}");
        // The scope line of a string to sign (wrong region).
        let theirs = errors::ServerSigned {
            canonical_request: None,
            string_to_sign: Some(STS.replace("us-east-1", "eu-west-1")),
        };
        let d = signature_diff(&theirs, &ours(CREQ, STS));
        assert!(d.contains("first at line 3 (the credential scope: date/region/service)"), "{d}");
    }

    #[test]
    fn hostile_server_text_is_cleaned_and_bounded() {
        let evil = format!("POST\n/\u{1b}]0;pwned\u{7}x\n{}\n", "y".repeat(5000));
        let theirs = errors::ServerSigned { canonical_request: Some(evil), string_to_sign: None };
        let d = signature_diff(&theirs, &ours(CREQ, STS));
        assert!(!d.contains('\u{1b}') && !d.contains('\u{7}'), "{d}");
        assert!(d.lines().all(|l| l.chars().count() < DIFF_LINE_WIDTH + 10), "{d}");
        let many = "z\n".repeat(10_000);
        let theirs = errors::ServerSigned { canonical_request: Some(many), string_to_sign: None };
        let d = signature_diff(&theirs, &ours(CREQ, STS));
        assert!(d.lines().count() <= 2 * errors::MAX_SIGNED_LINES + 10, "{}", d.lines().count());
    }

    #[test]
    fn deferred_notes_are_kept_in_order_and_bounded() {
        for i in 0..10 {
            defer(format!("note {i}\n"));
        }
        let kept = DEFERRED.lock().unwrap().clone();
        assert_eq!(kept.len(), 4);
        assert_eq!(kept[0], "note 0\n");
        print_deferred();
        assert!(DEFERRED.lock().unwrap().is_empty());
    }
}
