//! AWS event-stream (`application/vnd.amazon.eventstream`): the binary framing of SageMaker's
//! and Bedrock's `*-response-stream` answers. Each message: total length, headers length and
//! a CRC32 of those 8 bytes; the headers; the payload; a CRC32 of the whole message. Both CRCs
//! are checked.

use std::collections::BTreeMap;

/// One decoded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// String-valued headers (`:message-type`, `:event-type`, `:exception-type` …); other header
    /// types are skipped.
    pub headers: BTreeMap<String, String>,
    pub payload: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

const PRELUDE: usize = 12;
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    /// Feeds bytes; returns the messages they complete, or a framing/CRC error.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Message>, String> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        loop {
            if self.buf.len() < PRELUDE {
                return Ok(out);
            }
            let total = be32(&self.buf[0..4]) as usize;
            let headers_len = be32(&self.buf[4..8]) as usize;
            if be32(&self.buf[8..12]) != crc32(&self.buf[0..8]) {
                return Err("event stream: the prelude checksum does not match (corrupted frame)".into());
            }
            if total < PRELUDE + 4 + headers_len || total > MAX_MESSAGE {
                return Err(format!("event stream: impossible frame length {total}"));
            }
            if self.buf.len() < total {
                return Ok(out);
            }
            let frame: Vec<u8> = self.buf.drain(..total).collect();
            if be32(&frame[total - 4..]) != crc32(&frame[..total - 4]) {
                return Err("event stream: the message checksum does not match (corrupted frame)".into());
            }
            let headers = parse_headers(&frame[PRELUDE..PRELUDE + headers_len])?;
            out.push(Message { headers, payload: frame[PRELUDE + headers_len..total - 4].to_vec() });
        }
    }

    /// At the end of the body: a partial frame means the stream was cut off.
    pub fn finish(self) -> Result<(), String> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(format!("the event stream was cut off inside a frame ({} bytes left over)", self.buf.len()))
        }
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn parse_headers(mut b: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let bad = || "event stream: malformed headers".to_string();
    let mut out = BTreeMap::new();
    while !b.is_empty() {
        let name_len = *b.first().ok_or_else(bad)? as usize;
        let name = std::str::from_utf8(b.get(1..1 + name_len).ok_or_else(bad)?).map_err(|_| bad())?.to_string();
        b = &b[1 + name_len..];
        let kind = *b.first().ok_or_else(bad)?;
        b = &b[1..];
        let fixed = match kind {
            0 | 1 => 0,
            2 => 1,
            3 => 2,
            4 => 4,
            5 | 8 => 8,
            9 => 16,
            6 | 7 => {
                let len = u16::from_be_bytes([*b.first().ok_or_else(bad)?, *b.get(1).ok_or_else(bad)?]) as usize;
                let value = b.get(2..2 + len).ok_or_else(bad)?;
                if kind == 7 {
                    out.insert(name, String::from_utf8_lossy(value).into_owned());
                }
                b = &b[2 + len..];
                continue;
            }
            _ => return Err(format!("event stream: unknown header type {kind}")),
        };
        b = b.get(fixed..).ok_or_else(bad)?;
    }
    Ok(out)
}

/// CRC-32 (IEEE 802.3, as zlib), table-driven.
pub fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *e = c;
        }
        t
    });
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Encodes a message (tests and fakes).
pub fn encode(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    for (n, v) in headers {
        h.push(n.len() as u8);
        h.extend_from_slice(n.as_bytes());
        h.push(7);
        h.extend_from_slice(&(v.len() as u16).to_be_bytes());
        h.extend_from_slice(v.as_bytes());
    }
    let total = PRELUDE + h.len() + payload.len() + 4;
    let mut m = Vec::with_capacity(total);
    m.extend_from_slice(&(total as u32).to_be_bytes());
    m.extend_from_slice(&(h.len() as u32).to_be_bytes());
    let prelude_crc = crc32(&m);
    m.extend_from_slice(&prelude_crc.to_be_bytes());
    m.extend_from_slice(&h);
    m.extend_from_slice(payload);
    let crc = crc32(&m);
    m.extend_from_slice(&crc.to_be_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn round_trip_in_pieces_and_corruption() {
        let a = encode(&[(":message-type", "event"), (":event-type", "chunk")], br#"{"bytes":"eyJ4IjoxfQ=="}"#);
        let b = encode(&[(":message-type", "event"), (":event-type", "chunk")], b"two");
        let mut all = a.clone();
        all.extend_from_slice(&b);
        let mut d = Decoder::default();
        let mut got = Vec::new();
        for piece in all.chunks(7) {
            got.extend(d.push(piece).unwrap());
        }
        d.finish().unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].header(":event-type"), Some("chunk"));
        assert_eq!(got[1].payload, b"two");

        let mut bad = a.clone();
        let n = bad.len();
        bad[n - 6] ^= 1;
        assert!(Decoder::default().push(&bad).unwrap_err().contains("checksum"));
        let mut cut = Decoder::default();
        assert!(cut.push(&a[..a.len() - 3]).unwrap().is_empty());
        assert!(cut.finish().is_err());
    }

    /// The prelude as Python's zlib.crc32 computes it for the same frame (an independent CRC).
    #[test]
    fn matches_zlib_framing() {
        let m = encode(&[(":event-type", "PayloadPart")], b"hi");
        assert_eq!(&m[..12], &[0, 0, 0, 0x2c, 0, 0, 0, 0x1a, 0x9c, 0x71, 0xe4, 0x16]);
    }
}
