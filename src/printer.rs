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
}

/// Prints a response; an error status prints the body, then becomes the error (exit 9/10).
pub async fn render(resp: reqwest::Response, o: &RenderOptions) -> Result<(), Error> {
    let status = resp.status();
    let headers = resp.headers().clone();
    let host = resp.url().host_str().unwrap_or("").to_string();
    if o.include {
        let mut head = format!("HTTP/{} {}\n", version(resp.version()), status);
        for (n, v) in &headers {
            head.push_str(&format!("{n}: {}\n", v.to_str().unwrap_or("<binary>")));
        }
        head.push('\n');
        print(&head)?;
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let raw = o.raw || o.format == Some(BodyFormat::Raw);
    if status.is_success()
        && let Some(decoder) = StreamDecoder::for_content_type(content_type, raw)
    {
        // Raw server-sent events end as the server ended them.
        let end_line = !(raw && content_type.to_ascii_lowercase().starts_with("text/event-stream"));
        return stream(resp, decoder, &host, &o.http, end_line).await;
    }
    let mut body = resp.bytes_stream();
    // Held whole up to a limit (to pretty-print JSON, or to summarise an error); past it the
    // body is passed through as received, in constant memory.
    let mut held = Vec::new();
    let mut overflow = false;
    while let Some(chunk) = http::next_chunk(&mut body, &host, &o.http).await? {
        if held.len() + chunk.len() > MAX_HELD_BODY {
            write_bytes(&held)?;
            write_bytes(&chunk)?;
            overflow = true;
            break;
        }
        held.extend_from_slice(&chunk);
    }
    if overflow {
        while let Some(chunk) = http::next_chunk(&mut body, &host, &o.http).await? {
            write_bytes(&chunk)?;
        }
    } else {
        print_body(&held, o.format, std::io::stdout().is_terminal())?;
    }
    if !status.is_success() {
        return Err(Error::Status {
            status: status.as_u16(),
            message: errors::summarize(status.as_u16(), &headers, &held[..held.len().min(1 << 16)]),
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
) -> Result<(), Error> {
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
