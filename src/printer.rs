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
    let result = render_body(resp, o, status, &headers, &host).await;
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
    match whole(resp, o, status, headers, host, &mut tally).await {
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
