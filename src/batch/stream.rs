//! Collects a streamed answer (Server-Sent Events of OpenAI-style chunks) into one body, as a
//! non-streamed call would have answered: for the executor to use when `BatchRequest::stream`.
//!
//! - `chat.completion.chunk` → a `chat.completion`: per choice, `delta.content` concatenated,
//!   `delta.tool_calls` merged by index (`function.arguments` concatenated), the last
//!   `finish_reason`; `usage` from the chunk that carries it (`stream_options.include_usage`).
//! - `text_completion` chunks → one `text_completion` with `text` concatenated.
//! - Anything else → `{"object": "stream", "events": [ … ]}` with every event's JSON (a
//!   stream that switches shape keeps the events from the switch on).
//!
//! `[DONE]` ends nothing by itself (the stream's end does) and is ignored. The collected body is
//! capped ([`StreamCollector::new`]): past the cap the collector fails (the line is then a
//! `stream_error`).

use serde_json::{Map, Value, json};

#[derive(Debug)]
pub struct StreamCollector {
    cap: usize,
    size: usize,
    head: Option<Map<String, Value>>,
    kind: Kind,
    choices: Vec<Choice>,
    usage: Option<Value>,
    other: Vec<Value>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Unknown,
    Chat,
    Text,
    Other,
}

#[derive(Debug, Default)]
struct Choice {
    role: Option<Value>,
    content: String,
    text: String,
    tool_calls: Vec<Map<String, Value>>,
    finish_reason: Value,
}

impl StreamCollector {
    /// `cap`: the largest body collected, in bytes of content.
    pub fn new(cap: usize) -> Self {
        StreamCollector {
            cap,
            size: 0,
            head: None,
            kind: Kind::Unknown,
            choices: Vec::new(),
            usage: None,
            other: Vec::new(),
        }
    }

    /// One event's `data`. Errors name the problem in one line.
    pub fn push(&mut self, data: &str) -> Result<(), String> {
        let data = data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Ok(());
        }
        self.size += data.len();
        if self.size > self.cap {
            return Err(format!("streamed answer larger than {} bytes", self.cap));
        }
        let v: Value = serde_json::from_str(data).map_err(|e| format!("stream event is not JSON: {e}"))?;
        let object = v.get("object").and_then(Value::as_str).unwrap_or("");
        let kind = match object {
            "chat.completion.chunk" => Kind::Chat,
            "text_completion" => Kind::Text,
            _ => Kind::Other,
        };
        if self.kind == Kind::Unknown {
            self.kind = kind;
        } else if self.kind != kind {
            self.kind = Kind::Other;
        }
        if self.kind == Kind::Other {
            self.other.push(v);
            return Ok(());
        }
        let Value::Object(mut obj) = v else { return Ok(()) };
        if let Some(u) = obj.remove("usage").filter(|u| !u.is_null()) {
            self.usage = Some(u);
        }
        let choices = obj.remove("choices");
        if self.head.is_none() {
            self.head = Some(obj);
        }
        for c in choices.and_then(|c| if let Value::Array(a) = c { Some(a) } else { None }).unwrap_or_default() {
            let i = c.get("index").and_then(Value::as_u64).unwrap_or(0).min(1024) as usize;
            if self.choices.len() <= i {
                self.choices.resize_with(i + 1, Choice::default);
            }
            let ch = &mut self.choices[i];
            if let Some(t) = c.get("text").and_then(Value::as_str) {
                ch.text.push_str(t);
            }
            if let Some(d) = c.get("delta") {
                if let Some(r) = d.get("role").filter(|r| !r.is_null()) {
                    ch.role = Some(r.clone());
                }
                if let Some(t) = d.get("content").and_then(Value::as_str) {
                    ch.content.push_str(t);
                }
                for tc in d.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                    let ti = tc.get("index").and_then(Value::as_u64).unwrap_or(0).min(1024) as usize;
                    if ch.tool_calls.len() <= ti {
                        ch.tool_calls.resize_with(ti + 1, Map::new);
                    }
                    merge_tool_call(&mut ch.tool_calls[ti], tc);
                }
            }
            if let Some(f) = c.get("finish_reason").filter(|f| !f.is_null()) {
                ch.finish_reason = f.clone();
            }
        }
        Ok(())
    }

    /// The one body (JSON bytes).
    pub fn finish(self) -> Vec<u8> {
        let v = match self.kind {
            Kind::Chat | Kind::Text => {
                let mut head = self.head.unwrap_or_default();
                let chat = self.kind == Kind::Chat;
                head.insert("object".into(), json!(if chat { "chat.completion" } else { "text_completion" }));
                let choices: Vec<Value> = self
                    .choices
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if chat {
                            let mut msg = Map::new();
                            msg.insert("role".into(), c.role.unwrap_or(json!("assistant")));
                            msg.insert("content".into(), json!(c.content));
                            if !c.tool_calls.is_empty() {
                                msg.insert(
                                    "tool_calls".into(),
                                    Value::Array(c.tool_calls.into_iter().map(Value::Object).collect()),
                                );
                            }
                            json!({"index": i, "message": msg, "finish_reason": c.finish_reason})
                        } else {
                            json!({"index": i, "text": c.text, "finish_reason": c.finish_reason})
                        }
                    })
                    .collect();
                head.insert("choices".into(), Value::Array(choices));
                if let Some(u) = self.usage {
                    head.insert("usage".into(), u);
                }
                Value::Object(head)
            }
            Kind::Unknown | Kind::Other => json!({"object": "stream", "events": self.other}),
        };
        serde_json::to_vec(&v).unwrap_or_default()
    }
}

fn merge_tool_call(into: &mut Map<String, Value>, delta: &Value) {
    let Some(d) = delta.as_object() else { return };
    for (k, v) in d {
        match (k.as_str(), v) {
            ("function", Value::Object(f)) => {
                let entry = into.entry("function").or_insert_with(|| json!({}));
                let Some(fm) = entry.as_object_mut() else { continue };
                for (fk, fv) in f {
                    match (fk.as_str(), fv, fm.get_mut(fk.as_str())) {
                        ("arguments", Value::String(s), Some(Value::String(acc))) => acc.push_str(s),
                        _ => {
                            fm.insert(fk.clone(), fv.clone());
                        }
                    }
                }
            }
            (_, v) if !v.is_null() => {
                into.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(events: &[&str]) -> Value {
        let mut c = StreamCollector::new(1 << 20);
        for e in events {
            c.push(e).unwrap();
        }
        serde_json::from_slice(&c.finish()).unwrap()
    }

    #[test]
    fn chat_chunks_become_one_completion() {
        let v = collect(&[
            r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#,
            r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#,
            r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
            "[DONE]",
        ]);
        assert_eq!(
            v,
            json!({"id":"c1","object":"chat.completion","created":1,"model":"m",
                   "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],
                   "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})
        );
    }

    #[test]
    fn tool_call_arguments_are_joined() {
        let v = collect(&[
            r#"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"t1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
            r#"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}"#,
        ]);
        assert_eq!(
            v["choices"][0]["message"]["tool_calls"],
            json!([{"index":0,"id":"t1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}])
        );
        assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");
    }

    #[test]
    fn completions_other_shapes_and_cap() {
        let v = collect(&[
            r#"{"id":"x","object":"text_completion","choices":[{"index":0,"text":"a","finish_reason":null}]}"#,
            r#"{"id":"x","object":"text_completion","choices":[{"index":0,"text":"b","finish_reason":"length"}]}"#,
        ]);
        assert_eq!(v["choices"][0], json!({"index":0,"text":"ab","finish_reason":"length"}));
        let v = collect(&[r#"{"type":"content_block_delta"}"#, r#"{"type":"message_stop"}"#]);
        assert_eq!(v, json!({"object":"stream","events":[{"type":"content_block_delta"},{"type":"message_stop"}]}));
        let mut c = StreamCollector::new(10);
        assert!(c.push(r#"{"object":"text_completion","choices":[]}"#).unwrap_err().contains("larger than 10 bytes"));
        assert!(StreamCollector::new(100).push("{").unwrap_err().starts_with("stream event is not JSON"));
    }
}
