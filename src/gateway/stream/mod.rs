//! Streamed answers decoded into what to print: server-sent events (OpenAI/MLflow chunks) and
//! AWS event streams (SageMaker `PayloadPart`, Bedrock `chunk` events), as text deltas or, in
//! raw mode, the bytes as received. Pure: the caller feeds the bytes it reads.

pub mod eventstream;
pub mod sse;

use base64::Engine as _;
use serde_json::Value;

use super::GatewayError;
use sse::SseParser;

/// Something to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A text delta of the answer.
    Text(String),
    /// Bytes as received (raw mode).
    Raw(Vec<u8>),
}

enum Framing {
    Sse(SseParser),
    Aws { decoder: eventstream::Decoder, inner: SseParser },
}

/// Decodes one streamed answer.
pub struct StreamDecoder {
    framing: Framing,
    raw: bool,
    done: bool,
    events: usize,
}

impl StreamDecoder {
    /// A decoder for a response's content type, or `None` when the answer is not a stream.
    pub fn for_content_type(content_type: &str, raw: bool) -> Option<Self> {
        let ct = content_type.to_ascii_lowercase();
        let framing = if ct.starts_with("text/event-stream") {
            Framing::Sse(SseParser::default())
        } else if ct.starts_with("application/vnd.amazon.eventstream") {
            Framing::Aws { decoder: eventstream::Decoder::default(), inner: SseParser::default() }
        } else {
            return None;
        };
        Some(Self { framing, raw, done: false, events: 0 })
    }

    /// How many events (SSE events, AWS messages) were complete so far.
    pub fn events(&self) -> usize {
        self.events
    }

    /// Whether a `data: [DONE]` ended the stream.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Feeds the next bytes; returns what to print now.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Piece>, GatewayError> {
        let mut out = Vec::new();
        match &mut self.framing {
            Framing::Sse(parser) => {
                if self.raw {
                    out.push(Piece::Raw(chunk.to_vec()));
                }
                let events = parser.push(chunk);
                if let Some(e) = parser.failed() {
                    return Err(GatewayError::Stream(e.to_string()));
                }
                for ev in events {
                    self.events += 1;
                    if ev.data.trim() == "[DONE]" {
                        self.done = true;
                        continue;
                    }
                    if self.raw {
                        continue;
                    }
                    let text = match serde_json::from_str::<Value>(&ev.data) {
                        Ok(v) => {
                            if let Some(err) = v.get("error") {
                                return Err(GatewayError::Reported(format!("the stream reported an error: {err}")));
                            }
                            super::mlflow::delta_text(&v)
                        }
                        Err(_) => Some(ev.data.clone()),
                    };
                    out.extend(text.map(Piece::Text));
                }
            }
            Framing::Aws { decoder, inner } => {
                for m in decoder.push(chunk).map_err(GatewayError::Stream)? {
                    self.events += 1;
                    if let Some("exception" | "error") = m.header(":message-type") {
                        let kind = m.header(":exception-type").or(m.header(":error-code")).unwrap_or("error");
                        let detail = m.header(":error-message").map(str::to_string).unwrap_or_else(|| {
                            serde_json::from_slice::<Value>(&m.payload)
                                .ok()
                                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
                                .unwrap_or_else(|| String::from_utf8_lossy(&m.payload).into_owned())
                        });
                        return Err(GatewayError::Reported(format!("the stream reported {kind}: {detail}")));
                    }
                    if self.raw {
                        let mut bytes = m.payload.clone();
                        if !bytes.ends_with(b"\n") {
                            bytes.push(b'\n');
                        }
                        out.push(Piece::Raw(bytes));
                        continue;
                    }
                    aws_message_text(&m.payload, inner, &mut out);
                }
            }
        }
        Ok(out)
    }

    /// At the end of the body: an event still open means the stream was cut off.
    pub fn finish(self) -> Result<(), GatewayError> {
        match self.framing {
            Framing::Sse(_) if self.done => Ok(()),
            Framing::Sse(parser) => parser.finish().map_err(|e| {
                GatewayError::Stream(format!(
                    "the gateway closed the stream after {} event(s) without finishing it ({e}); check the gateway's log",
                    self.events
                ))
            }),
            Framing::Aws { decoder, .. } => decoder.finish().map_err(GatewayError::Stream),
        }
    }
}

/// The text of one AWS event-stream message: Bedrock `chunk` events carry the model's own JSON
/// base64-encoded; SageMaker `PayloadPart`s carry the container's raw bytes (JSON, SSE or text).
fn aws_message_text(payload: &[u8], inner: &mut SseParser, out: &mut Vec<Piece>) {
    let payload: Vec<u8> = match serde_json::from_slice::<Value>(payload) {
        Ok(v) => match v.get("bytes").and_then(Value::as_str) {
            Some(b64) => base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default(),
            None => {
                out.extend(super::aws::chunk_text(&v).map(Piece::Text));
                return;
            }
        },
        Err(_) => payload.to_vec(),
    };
    match serde_json::from_slice::<Value>(&payload) {
        Ok(v) => out.extend(super::aws::chunk_text(&v).map(Piece::Text)),
        Err(_) => {
            let text = String::from_utf8_lossy(&payload);
            if text.contains("data:") {
                for ev in inner.push(&payload) {
                    if let Ok(v) = serde_json::from_str::<Value>(&ev.data) {
                        out.extend(super::aws::chunk_text(&v).map(Piece::Text));
                    }
                }
            } else {
                out.push(Piece::Text(text.into_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pieces: Vec<Piece>) -> String {
        pieces
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Raw(b) => String::from_utf8_lossy(&b).into_owned(),
            })
            .collect()
    }

    #[test]
    fn sse_deltas_done_and_cut_off() {
        let mut d = StreamDecoder::for_content_type("text/event-stream; charset=utf-8", false).unwrap();
        let mut out = texts(d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"He\"}}]}\n\nda").unwrap());
        out += &texts(d.push(b"ta: {\"choices\":[{\"delta\":{\"content\":\"llo\"}}]}\n\ndata: [DONE]\n\n").unwrap());
        assert_eq!(out, "Hello");
        assert!(d.done());
        assert!(d.finish().is_ok());

        let mut d = StreamDecoder::for_content_type("text/event-stream", false).unwrap();
        d.push(b"data: {\"choices\":[]}\n\ndata: {\"cho").unwrap();
        assert!(matches!(d.finish(), Err(GatewayError::Stream(_))));

        let mut d = StreamDecoder::for_content_type("text/event-stream", false).unwrap();
        let e = d.push(b"data: {\"error\":\"boom\"}\n\n").unwrap_err();
        assert_eq!(e.exit_code(), crate::exit::ExitCode::ServerStatus);
        assert!(StreamDecoder::for_content_type("application/json", false).is_none());
    }

    #[test]
    fn aws_event_stream() {
        let chunk = serde_json::json!({"bytes": base64::engine::general_purpose::STANDARD
            .encode(br#"{"type":"content_block_delta","delta":{"text":"Hi"}}"#)});
        let frame =
            eventstream::encode(&[(":message-type", "event"), (":event-type", "chunk")], chunk.to_string().as_bytes());
        let mut d = StreamDecoder::for_content_type("application/vnd.amazon.eventstream", false).unwrap();
        let (a, b) = frame.split_at(7);
        let mut out = texts(d.push(a).unwrap());
        out += &texts(d.push(b).unwrap());
        assert_eq!(out, "Hi");
        assert!(d.finish().is_ok());
    }
}
