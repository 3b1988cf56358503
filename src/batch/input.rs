//! Input lines: a streamed reader with a per-line size cap, and the line forms.
//!
//! | form | target |
//! | --- | --- |
//! | `{"custom_id","method","url","body"}` (OpenAI batch) | `url`: a path joined to the profile's URL, or a full URL |
//! | `{"custom_id","body"}` | the default target (`--route` / `--endpoint`) |
//! | `{"custom_id","prompt"}` | the default target, body built by the caller's [`PromptBuilder`] |
//!
//! `custom_id` is optional (a line without one gets its line number, as a decimal string);
//! `method` defaults to `POST`. Unknown fields, wrong types, both or neither of `body` and
//! `prompt` are errors naming the line. Blank lines are skipped (they still count for line
//! numbers); a UTF-8 byte order mark on line 1 is ignored.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};
use std::sync::Arc;

use serde_json::{Map, Value};

/// Default per-line cap: 16 MiB.
pub const DEFAULT_MAX_LINE: usize = 16 << 20;
/// Longest accepted `custom_id`, in bytes.
pub const MAX_ID_LEN: usize = 1024;
const METHODS: &[&str] = &["POST", "GET", "PUT", "PATCH", "DELETE"];
const FIELDS: &str = "custom_id, method, url, body, prompt";

/// Builds the request body for a `{"prompt": …}` line (the route's kind decides: chat,
/// completions, embeddings…), as `invoke --prompt` does.
pub type PromptBuilder = Arc<dyn Fn(&str) -> Value + Send + Sync>;

/// What the caller knows about targets.
#[derive(Clone)]
pub struct InputOptions {
    /// `--route` or `--endpoint` was given: lines without `url` go there.
    pub has_default_target: bool,
    /// The default route's payload builder (`None`: `prompt` lines are errors).
    pub prompt_builder: Option<PromptBuilder>,
    /// The `model` an OpenAI-style default route needs (`--route NAME --style openai`): added
    /// to a `body` line for the default target that names none, as `invoke route -d` does.
    pub default_model: Option<String>,
    pub max_line: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            has_default_target: false,
            prompt_builder: None,
            default_model: None,
            max_line: DEFAULT_MAX_LINE,
        }
    }
}

impl fmt::Debug for InputOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InputOptions")
            .field("has_default_target", &self.has_default_target)
            .field("prompt_builder", &self.prompt_builder.is_some())
            .field("default_model", &self.default_model)
            .field("max_line", &self.max_line)
            .finish()
    }
}

/// One request of the batch, as handed to the [`super::Executor`] (for every attempt).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchRequest {
    /// 1-based line number in the input.
    pub line_no: u64,
    pub custom_id: String,
    /// Upper case: POST (default), GET, PUT, PATCH or DELETE.
    pub method: String,
    /// The line's `url` (a path to join to the profile's URL, or a full `http(s)://` URL);
    /// `None`: the default target (`--route` / `--endpoint`).
    pub url: Option<String>,
    /// The JSON body, serialized once (compact; key order kept).
    pub body: Vec<u8>,
    /// The body asks for a streamed answer (`"stream": true`): collect it into one body.
    pub stream: bool,
    /// Token estimate for `--tpm` (see [`estimate_tokens`]).
    pub est_tokens: u64,
}

/// A problem with one input line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line_no: u64,
    /// `invalid_line` or `duplicate_custom_id` (the error code written with `skip_invalid`).
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line_no, self.message)
    }
}

/// Position of one line in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineInfo {
    pub line_no: u64,
    /// Byte offset of the line's first byte.
    pub offset: u64,
    /// Length without the line end (`\n` or `\r\n`).
    pub len: u64,
    /// Longer than the cap: the bytes were skipped, not kept.
    pub too_long: bool,
}

/// Reads lines with a size cap; memory is the cap at most (only what a line holds).
pub struct LineReader<R> {
    inner: R,
    cap: usize,
    line_no: u64,
    offset: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, cap: usize) -> Self {
        LineReader { inner, cap, line_no: 0, offset: 0 }
    }

    /// The next line into `buf` (cleared first, line end removed). A line over the cap leaves
    /// `buf` empty and `too_long` set; reading goes on with the next line.
    pub fn next_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<LineInfo>> {
        buf.clear();
        let start = self.offset;
        let mut len: u64 = 0;
        let mut too_long = false;
        let mut saw_any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (part, done) = match memchr(chunk) {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            len += part.len() as u64;
            if !too_long {
                if buf.len() + part.len() > self.cap {
                    too_long = true;
                    buf.clear();
                    buf.shrink_to(64 * 1024);
                } else {
                    buf.extend_from_slice(part);
                }
            }
            let used = done.unwrap_or(chunk.len());
            self.inner.consume(used);
            self.offset += used as u64;
            if done.is_some() {
                break;
            }
        }
        self.line_no += 1;
        if buf.last() == Some(&b'\r') {
            buf.pop();
            len -= 1;
        }
        let mut start = start;
        if self.line_no == 1 && buf.starts_with(b"\xef\xbb\xbf") {
            buf.drain(..3);
            start += 3;
            len -= 3;
        }
        Ok(Some(LineInfo { line_no: self.line_no, offset: start, len, too_long }))
    }
}

fn memchr(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// A valid line.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedLine {
    /// `custom_id`, or the line number in decimal.
    pub id: String,
    pub method: String,
    pub url: Option<String>,
    pub payload: Payload,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    Body(Value),
    Prompt(String),
}

/// How far a bad line got: its id when the line is JSON with a usable `custom_id` (so the
/// error can be written under it, and duplicates counted), and the message.
#[derive(Clone, Debug, PartialEq)]
pub struct BadLine {
    pub id: Option<String>,
    pub message: String,
}

/// Whether a line is blank (skipped).
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// Parses and checks one (non-blank) line.
pub fn parse_line(line: &[u8], line_no: u64, opts: &InputOptions) -> Result<ParsedLine, BadLine> {
    let bad = |id: Option<String>, message: String| BadLine { id, message };
    let v: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            // serde's "at line 1 column N" is about the line itself: keep only the column.
            let msg = msg.replace(" at line 1 column ", " at column ");
            return Err(bad(None, format!("invalid JSON: {msg}")));
        }
    };
    let Value::Object(mut obj) = v else {
        return Err(bad(None, format!("expected a JSON object, found {}", kind(&v))));
    };
    let id = match obj.remove("custom_id") {
        None => line_no.to_string(),
        Some(Value::String(s)) => {
            if s.is_empty() {
                return Err(bad(None, "custom_id is empty".into()));
            }
            if s.len() > MAX_ID_LEN {
                return Err(bad(None, format!("custom_id is longer than {MAX_ID_LEN} bytes")));
            }
            s
        }
        Some(other) => return Err(bad(None, format!("custom_id must be a string, found {}", kind(&other)))),
    };
    let fail = |m: String| Err(bad(Some(id.clone()), m));
    if let Some(k) = unknown_field(&obj) {
        return fail(format!("unknown field {k:?} (expected {FIELDS})"));
    }
    let method = match obj.remove("method") {
        None => "POST".to_string(),
        Some(Value::String(m)) => {
            let up = m.to_ascii_uppercase();
            if !METHODS.contains(&up.as_str()) {
                return fail(format!("method {m:?} is not one of {}", METHODS.join(", ")));
            }
            up
        }
        Some(other) => return fail(format!("method must be a string, found {}", kind(&other))),
    };
    let url = match obj.remove("url") {
        None => None,
        Some(Value::String(u)) => {
            if let Err(m) = check_url(&u) {
                return fail(m);
            }
            Some(u)
        }
        Some(other) => return fail(format!("url must be a string, found {}", kind(&other))),
    };
    let payload = match (obj.remove("body"), obj.remove("prompt")) {
        (Some(_), Some(_)) => return fail("has both body and prompt: give one".into()),
        (None, None) => return fail("needs a body (or a prompt)".into()),
        (Some(Value::Object(b)), None) => Payload::Body(Value::Object(b)),
        (Some(other), None) => return fail(format!("body must be a JSON object, found {}", kind(&other))),
        (None, Some(Value::String(p))) => {
            if url.is_some() {
                return fail("a prompt line goes to the default target: give a body with a url".into());
            }
            if opts.prompt_builder.is_none() {
                return fail("a prompt line needs --route of a known kind (chat, completions, embeddings)".into());
            }
            Payload::Prompt(p)
        }
        (None, Some(other)) => return fail(format!("prompt must be a string, found {}", kind(&other))),
    };
    if url.is_none() && !opts.has_default_target {
        return fail("has no url, and no --route or --endpoint was given".into());
    }
    Ok(ParsedLine { id, method, url, payload })
}

fn unknown_field(obj: &Map<String, Value>) -> Option<&str> {
    obj.keys().map(String::as_str).find(|k| !matches!(*k, "method" | "url" | "body" | "prompt"))
}

fn check_url(u: &str) -> Result<(), String> {
    if u.is_empty() {
        return Err("url is empty".into());
    }
    if u.chars().any(|c| c.is_control() || c == ' ') {
        return Err("url contains spaces or control characters".into());
    }
    let scheme = |p: &str| u.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    if u.starts_with('/') || scheme("http://") || scheme("https://") {
        Ok(())
    } else {
        Err(format!("url {:?} must be a path starting with / or an http(s) URL", truncate(u, 80)))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl ParsedLine {
    /// The request for the executor.
    pub fn into_request(self, line_no: u64, opts: &InputOptions) -> BatchRequest {
        let to_default = self.url.is_none();
        let body = match self.payload {
            Payload::Body(mut b) => {
                if let (true, Some(model), Value::Object(o)) = (to_default, &opts.default_model, &mut b)
                    && !o.contains_key("model")
                {
                    o.insert("model".into(), Value::String(model.clone()));
                }
                b
            }
            Payload::Prompt(p) => match &opts.prompt_builder {
                Some(f) => f(&p),
                None => Value::Object(Map::new()),
            },
        };
        let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
        let est_tokens = estimate_tokens(&body);
        let body = serde_json::to_vec(&body).unwrap_or_default();
        BatchRequest { line_no, custom_id: self.id, method: self.method, url: self.url, body, stream, est_tokens }
    }
}

/// The request for a line [`parse_line`] has already accepted (the plan checked it), made
/// without building a `Value`: the body is transcoded straight into compact JSON (the bytes
/// `serde_json::to_vec` of its `Value` would give, key order kept; duplicate keys are kept as
/// written), then read once more, borrowing, for `stream`, the token estimate and `model`.
/// `None` when the line needs the full path: a `prompt`, a default `model` to add, or anything
/// [`parse_line`] would refuse (it then says why).
pub fn fast_request(line: &[u8], line_no: u64, opts: &InputOptions) -> Option<BatchRequest> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line<'a> {
        #[serde(borrow, default, deserialize_with = "present")]
        custom_id: Option<&'a str>,
        #[serde(borrow, default, deserialize_with = "present")]
        method: Option<&'a str>,
        #[serde(borrow, default, deserialize_with = "present")]
        url: Option<&'a str>,
        body: Compact,
    }

    /// A string as written in the line: `null` is refused (the full path refuses it too), and
    /// so is a string with escapes, which cannot be borrowed (the full path takes the line).
    fn present<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'a str>, D::Error> {
        <&'a str as serde::Deserialize>::deserialize(d).map(Some)
    }

    /// A JSON value transcoded into compact bytes.
    struct Compact(Vec<u8>);

    impl<'de> serde::Deserialize<'de> for Compact {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let mut out = Vec::with_capacity(128);
            let mut ser = serde_json::Serializer::new(&mut out);
            serde_transcode::transcode(d, &mut ser).map_err(serde::de::Error::custom)?;
            Ok(Compact(out))
        }
    }

    let l: Line = serde_json::from_slice(line).ok()?;
    let id = match l.custom_id {
        None => line_no.to_string(),
        Some(s) if s.is_empty() || s.len() > MAX_ID_LEN => return None,
        Some(s) => s.to_string(),
    };
    let method = match l.method {
        None => "POST".to_string(),
        Some(m) => Some(m.to_ascii_uppercase()).filter(|m| METHODS.contains(&m.as_str()))?,
    };
    let url = match l.url {
        None if !opts.has_default_target => return None,
        None => None,
        Some(u) => {
            check_url(u).ok()?;
            Some(u.to_string())
        }
    };
    let body = l.body.0;
    if body.first() != Some(&b'{') {
        return None;
    }
    let facts: BodyFacts = serde_json::from_slice(&body).ok()?;
    if url.is_none() && opts.default_model.is_some() && !facts.has_model {
        return None;
    }
    let est_tokens = facts.chars.div_ceil(4).saturating_add(facts.allowance.unwrap_or(0)).max(1);
    Some(BatchRequest { line_no, custom_id: id, method, url, body, stream: facts.stream, est_tokens })
}

/// What the runner reads from a body: `stream`, the characters of its strings and the
/// completion allowance (as [`estimate_tokens`] counts them), whether it names a `model`.
#[derive(Default)]
struct BodyFacts {
    stream: bool,
    chars: u64,
    allowance: Option<u64>,
    has_model: bool,
}

impl<'de> serde::Deserialize<'de> for BodyFacts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};

        /// Counts the characters of every string in a value.
        struct Chars<'a>(&'a mut u64);
        impl<'de> serde::de::DeserializeSeed<'de> for Chars<'_> {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_any(self)
            }
        }
        impl<'de> Visitor<'de> for Chars<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_str<E>(self, v: &str) -> Result<(), E> {
                *self.0 += v.chars().count() as u64;
                Ok(())
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
            fn visit_unit<E>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
                while a.next_element_seed(Chars(&mut *self.0))?.is_some() {}
                Ok(())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
                while a.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    a.next_value_seed(Chars(&mut *self.0))?;
                }
                Ok(())
            }
        }

        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = BodyFacts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<BodyFacts, A::Error> {
                let mut facts = BodyFacts::default();
                // max_tokens, max_completion_tokens, max_output_tokens: the first that is set wins.
                let mut allowances = [None; 3];
                while let Some(k) = a.next_key::<Cow<'_, str>>()? {
                    let slot = ["max_tokens", "max_completion_tokens", "max_output_tokens"]
                        .iter()
                        .position(|n| *n == k.as_ref());
                    if k == "stream" || slot.is_some() {
                        let v: serde_json::Value = a.next_value()?;
                        facts.chars += estimate_chars(&v);
                        match slot {
                            Some(i) => allowances[i] = v.as_u64(),
                            None => facts.stream = v.as_bool().unwrap_or(false),
                        }
                        continue;
                    }
                    facts.has_model |= k == "model";
                    a.next_value_seed(Chars(&mut facts.chars))?;
                }
                facts.allowance = allowances.into_iter().flatten().next();
                Ok(facts)
            }
        }
        d.deserialize_map(Top)
    }
}

/// The characters of every string value in `v` (keys left out).
fn estimate_chars(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.chars().count() as u64,
        Value::Array(a) => a.iter().map(estimate_chars).sum(),
        Value::Object(o) => o.values().map(estimate_chars).sum(),
        _ => 0,
    }
}

/// Token estimate for the client-side `--tpm` budget, before the answer's `usage` corrects it:
/// the characters of every string in the body divided by 4 (OpenAI's rule of thumb), plus the
/// completion allowance `max_tokens` / `max_completion_tokens` / `max_output_tokens` if set
/// (providers reserve it against the limit too). At least 1.
pub fn estimate_tokens(body: &Value) -> u64 {
    let c = estimate_chars(body);
    let allowance = ["max_tokens", "max_completion_tokens", "max_output_tokens"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_u64))
        .unwrap_or(0);
    c.div_ceil(4).saturating_add(allowance).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path gives the very request the full path gives, or steps aside.
    #[test]
    fn fast_request_matches_the_full_path() {
        let mut opts = InputOptions { has_default_target: true, ..Default::default() };
        let lines = [
            r#"{"custom_id":"a","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"héllo \u00e9 \"q\" \\ \n"}]}}"#,
            r#"{"custom_id":"b","body":{"input":["x","yy"],"stream":true,"max_tokens":7,"temperature":0.25,"n":1e2,"neg":-3,"big":18446744073709551615}}"#,
            r#"{"body":{"stream":"yes","max_output_tokens":9,"max_completion_tokens":5,"nested":{"a":[null,true,{"b":"ccc"}]}}}"#,
            r#"{ "custom_id" : "c" , "method" : "put" , "url" : "https://x.example/a?b=1" , "body" : { "k" : [ 1 , 2.5 , "z" ] } }"#,
            r#"{"custom_id":"d","method":"get","body":{}}"#,
            r#"{"custom_id":"e","body":{"max_tokens":"many","stream":false,"emoji":"😀"}}"#,
        ];
        for (i, line) in lines.iter().enumerate() {
            let full = parse_line(line.as_bytes(), i as u64 + 1, &opts).unwrap().into_request(i as u64 + 1, &opts);
            let fast = fast_request(line.as_bytes(), i as u64 + 1, &opts).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(
                (&fast.custom_id, &fast.method, &fast.url, fast.stream, fast.est_tokens),
                (&full.custom_id, &full.method, &full.url, full.stream, full.est_tokens),
                "{line}"
            );
            assert_eq!(String::from_utf8_lossy(&fast.body), String::from_utf8_lossy(&full.body), "{line}");
        }
        // Lines it leaves to the full path: a prompt, an error, a model to add.
        for line in [
            r#"{"custom_id":"p","prompt":"hi"}"#,
            r#"{"custom_id":"x","body":[1]}"#,
            r#"{"custom_id":"","body":{}}"#,
            r#"{"custom_id":"x","method":"TRACE","body":{}}"#,
            r#"{"custom_id":"x","url":"a b","body":{}}"#,
            r#"{"custom_id":"x","body":{},"extra":1}"#,
            r#"{"custom_id":"x","body":{},"body":{}}"#,
            r#"{"custom_id":null,"body":{}}"#,
            r#"{"custom_id":"a\"b","body":{}}"#,
            r#"{"custom_id":"x","method":null,"body":{}}"#,
            r#"{"custom_id":"x","url":null,"body":{}}"#,
        ] {
            assert!(fast_request(line.as_bytes(), 1, &opts).is_none(), "{line}");
        }
        opts.default_model = Some("gpt".into());
        assert!(fast_request(br#"{"body":{"messages":[]}}"#, 1, &opts).is_none());
        assert!(fast_request(br#"{"body":{"model":"mine"}}"#, 1, &opts).is_some());
        opts.has_default_target = false;
        assert!(fast_request(br#"{"body":{"model":"mine"}}"#, 1, &opts).is_none());
    }
    use serde_json::json;

    fn opts() -> InputOptions {
        InputOptions {
            has_default_target: true,
            prompt_builder: Some(Arc::new(|p: &str| json!({"messages": [{"role": "user", "content": p}]}))),
            default_model: None,
            max_line: 1024,
        }
    }

    #[test]
    fn an_openai_style_default_route_adds_its_model_to_body_lines() {
        let o = InputOptions { default_model: Some("chat".into()), ..opts() };
        let body = |line: &str| {
            let r = parse_line(line.as_bytes(), 1, &o).unwrap().into_request(1, &o);
            serde_json::from_slice::<Value>(&r.body).unwrap()
        };
        assert_eq!(body(r#"{"body":{"messages":[]}}"#), json!({"model": "chat", "messages": []}));
        // A model the line names, and lines with their own url, are left alone.
        assert_eq!(body(r#"{"body":{"model":"other"}}"#), json!({"model": "other"}));
        assert_eq!(body(r#"{"url":"/v1/embeddings","body":{"input":"x"}}"#), json!({"input": "x"}));
    }

    fn p(line: &str, n: u64) -> Result<ParsedLine, BadLine> {
        parse_line(line.as_bytes(), n, &opts())
    }

    #[test]
    fn openai_form() {
        let l = p(
            r#"{"custom_id":"a","method":"post","url":"/v1/chat/completions","body":{"model":"m","stream":true}}"#,
            1,
        )
        .unwrap();
        assert_eq!(l.id, "a");
        assert_eq!(l.method, "POST");
        assert_eq!(l.url.as_deref(), Some("/v1/chat/completions"));
        let r = l.into_request(1, &opts());
        assert!(r.stream);
        assert_eq!(r.body, br#"{"model":"m","stream":true}"#);
    }

    #[test]
    fn short_forms_and_default_id() {
        let l = p(r#"{"custom_id":"b","body":{"input":"x"}}"#, 2).unwrap();
        assert_eq!((l.id.as_str(), l.url.clone()), ("b", None));
        let l = p(r#"{"prompt":"hello"}"#, 7).unwrap();
        assert_eq!(l.id, "7");
        let r = l.into_request(7, &opts());
        assert_eq!(r.body, br#"{"messages":[{"role":"user","content":"hello"}]}"#);
        assert!(!r.stream);
        let l = p(r#"{"url":"https://h.example/x","body":{}}"#, 3).unwrap();
        assert_eq!(l.url.as_deref(), Some("https://h.example/x"));
    }

    #[test]
    fn every_invalid_case_names_the_problem() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("{nope", None, "invalid JSON"),
            ("[1]", None, "expected a JSON object, found an array"),
            (r#"{"custom_id":5,"body":{}}"#, None, "custom_id must be a string, found a number"),
            (r#"{"custom_id":"","body":{}}"#, None, "custom_id is empty"),
            (r#"{"custom_id":"a","bdy":{}}"#, Some("a"), "unknown field \"bdy\""),
            (r#"{"custom_id":"a","body":[]}"#, Some("a"), "body must be a JSON object, found an array"),
            (r#"{"custom_id":"a","body":{},"prompt":"x"}"#, Some("a"), "both body and prompt"),
            (r#"{"custom_id":"a"}"#, Some("a"), "needs a body"),
            (r#"{"custom_id":"a","prompt":3}"#, Some("a"), "prompt must be a string"),
            (r#"{"custom_id":"a","method":"FETCH","body":{}}"#, Some("a"), "method \"FETCH\""),
            (r#"{"custom_id":"a","method":1,"body":{}}"#, Some("a"), "method must be a string"),
            (r#"{"custom_id":"a","url":"v1/chat","body":{}}"#, Some("a"), "must be a path starting with /"),
            (r#"{"custom_id":"a","url":7,"body":{}}"#, Some("a"), "url must be a string"),
            (r#"{"custom_id":"a","url":"/x","prompt":"p"}"#, Some("a"), "give a body with a url"),
        ];
        for (line, id, want) in cases {
            let e = p(line, 9).unwrap_err();
            assert!(e.message.contains(want), "{line}: {}", e.message);
            assert_eq!(e.id.as_deref(), *id, "{line}");
        }
        let long = format!(r#"{{"custom_id":"{}","body":{{}}}}"#, "x".repeat(MAX_ID_LEN + 1));
        assert!(p(&long, 1).unwrap_err().message.contains("longer than"));
        // no default target / no prompt builder
        let o = InputOptions::default();
        let e = parse_line(br#"{"body":{}}"#, 1, &o).unwrap_err();
        assert!(e.message.contains("no --route or --endpoint"), "{}", e.message);
        let e = parse_line(br#"{"prompt":"x"}"#, 1, &o).unwrap_err();
        assert!(e.message.contains("needs --route of a known kind"), "{}", e.message);
    }

    #[test]
    fn reader_caps_lines_and_keeps_offsets() {
        let data = b"\xef\xbb\xbf{\"a\":1}\r\n\n0123456789abcdef\nlast";
        let mut r = LineReader::new(&data[..], 12);
        let mut buf = Vec::new();
        let a = r.next_line(&mut buf).unwrap().unwrap();
        assert_eq!((a.line_no, a.offset, a.len, a.too_long), (1, 3, 7, false));
        assert_eq!(buf, b"{\"a\":1}");
        let b = r.next_line(&mut buf).unwrap().unwrap();
        assert_eq!((b.line_no, b.len), (2, 0));
        assert!(is_blank(&buf));
        let c = r.next_line(&mut buf).unwrap().unwrap();
        assert_eq!((c.line_no, c.len, c.too_long), (3, 16, true));
        assert!(buf.is_empty());
        let d = r.next_line(&mut buf).unwrap().unwrap();
        assert_eq!((d.line_no, d.offset, d.len, d.too_long), (4, 30, 4, false));
        assert_eq!(buf, b"last");
        assert!(r.next_line(&mut buf).unwrap().is_none());
    }

    #[test]
    fn token_estimate() {
        let b = json!({"messages":[{"role":"user","content":"12345678"}],"max_tokens":10});
        // "user" (4) + "12345678" (8) = 12 chars -> 3, + 10
        assert_eq!(estimate_tokens(&b), 13);
    }
}
