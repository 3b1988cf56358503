//! Server-sent events, parsed incrementally as bytes arrive.

/// One event: its `event:` name (if any) and its `data:` lines joined with `\n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

/// The most one line, or one event's data, may hold: a stream that never ends a line or an
/// event is refused rather than buffered without limit.
pub const MAX_EVENT: usize = 16 << 20;

#[derive(Default)]
pub struct SseParser {
    line: Vec<u8>,
    data: Vec<String>,
    data_len: usize,
    event: Option<String>,
    /// Whether anything of the current event has been seen.
    pending: bool,
    /// Set when a line or an event grew past [`MAX_EVENT`]; nothing more is parsed.
    failed: Option<String>,
}

impl SseParser {
    /// Feeds bytes; returns the events they complete.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        if self.failed.is_some() {
            return out;
        }
        for &b in chunk {
            if b == b'\n' {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if let Some(ev) = self.line_done(&line) {
                    out.push(ev);
                }
            } else {
                if self.line.len() >= MAX_EVENT {
                    self.fail("a line");
                    return out;
                }
                self.line.push(b);
            }
            if self.data_len > MAX_EVENT {
                self.fail("an event");
                return out;
            }
        }
        out
    }

    fn fail(&mut self, what: &str) {
        self.failed = Some(format!(
            "the event stream sent {what} longer than {} MiB without ending it; stopped reading",
            MAX_EVENT >> 20
        ));
        self.line = Vec::new();
        self.data = Vec::new();
    }

    /// Why parsing stopped (a line or an event over the limit), if it did.
    pub fn failed(&self) -> Option<&str> {
        self.failed.as_deref()
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            self.pending = false;
            if self.data.is_empty() {
                self.event = None;
                return None;
            }
            let data = std::mem::take(&mut self.data).join("\n");
            self.data_len = 0;
            return Some(SseEvent { event: self.event.take(), data });
        }
        self.pending = true;
        if line.starts_with(b":") {
            return None; // a comment (keep-alive)
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((f, v)) => (f.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()),
            None => (text.to_string(), String::new()),
        };
        match field.as_str() {
            "data" => {
                self.data_len += value.len() + 1;
                self.data.push(value)
            }
            "event" => self.event = Some(value),
            _ => {}
        }
        None
    }

    /// At the end of the body: an event still open means the stream was cut off.
    pub fn finish(self) -> Result<(), String> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if !self.line.is_empty() || self.pending {
            let partial = String::from_utf8_lossy(&self.line).chars().take(60).collect::<String>();
            return Err(format!("the event stream was cut off in the middle of an event ({partial:?}…)"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_across_chunks() {
        let mut p = SseParser::default();
        let mut evs = p.push(b"data: {\"a\":1}\r\n\r\n: keep-alive\n\nevent: x\ndata: one\nda");
        evs.extend(p.push(b"ta: two\n\ndata: [DONE]\n\n"));
        assert_eq!(
            evs,
            vec![
                SseEvent { event: None, data: "{\"a\":1}".into() },
                SseEvent { event: Some("x".into()), data: "one\ntwo".into() },
                SseEvent { event: None, data: "[DONE]".into() },
            ]
        );
        assert!(p.finish().is_ok());
    }

    #[test]
    fn endless_lines_and_events_are_refused_in_bounded_memory() {
        let mut p = SseParser::default();
        let chunk = vec![b'a'; 1 << 20];
        p.push(b"data: ");
        for _ in 0..20 {
            p.push(&chunk);
        }
        assert!(p.failed().is_some_and(|e| e.contains("a line longer than 16 MiB")));
        assert!(p.line.capacity() <= MAX_EVENT);
        let mut p = SseParser::default();
        let line = [b"data: ".as_slice(), &vec![b'b'; 1 << 20], b"\n"].concat();
        for _ in 0..20 {
            p.push(&line);
        }
        assert!(p.failed().is_some_and(|e| e.contains("an event")), "{:?}", p.failed());
        assert!(p.finish().is_err());
    }

    #[test]
    fn cut_off_is_an_error() {
        let mut p = SseParser::default();
        p.push(b"data: {\"a\":1}\n\ndata: {\"b\"");
        assert!(p.finish().is_err());
        let mut p = SseParser::default();
        p.push(b"data: complete-line-but-no-blank\n");
        assert!(p.finish().is_err());
    }
}
