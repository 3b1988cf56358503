//! The built-in deterministic echo model, answering in the MLflow YAML gateway's (OpenAI) shapes.
//!
//! - chat: the reply is the last user message; completions: the prompt; embeddings: an
//!   [`EMBEDDING_DIM`]-dimension vector derived from the SHA-256 of each input string.
//! - `usage` counts whitespace-separated tokens.
//! - Streaming: a few `data: <json>\n\n` chunks with small pauses. On `/endpoints/*` (MLflow's
//!   own routes) the stream ends with a chunk `{"choices": [], "usage": …}` and no `[DONE]`, as
//!   the YAML gateway does; on the OpenAI-style `/v1/*` routes it ends with `data: [DONE]`.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Endpoint, EndpointType};

/// Embedding vector length.
pub const EMBEDDING_DIM: usize = 8;

/// A request the echo model refuses (a 422, like MLflow's validation errors).
#[derive(Debug, PartialEq, Eq)]
pub struct BadBody(pub String);

/// What the model answers: the text and its usage.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub text: String,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
}

fn tokens(s: &str) -> usize {
    s.split_whitespace().count()
}

fn content_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        // OpenAI content parts: [{"type": "text", "text": "…"}]
        Value::Array(parts) => {
            Some(parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join(""))
        }
        _ => None,
    }
}

/// Chat: the last user message.
pub fn chat(body: &Value) -> Result<Answer, BadBody> {
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| BadBody("'messages' must be a non-empty list".into()))?;
    let mut prompt_tokens = 0;
    let mut last_user = None;
    for m in messages {
        let role =
            m.get("role").and_then(Value::as_str).ok_or_else(|| BadBody("each message needs a 'role'".into()))?;
        let content = m
            .get("content")
            .and_then(content_text)
            .ok_or_else(|| BadBody("each message needs a string 'content'".into()))?;
        prompt_tokens += tokens(&content);
        if role == "user" {
            last_user = Some(content);
        }
    }
    let text = last_user.ok_or_else(|| BadBody("no message with role 'user'".into()))?;
    Ok(Answer { completion_tokens: tokens(&text), text, prompt_tokens })
}

/// Completions: the prompt.
pub fn completions(body: &Value) -> Result<Answer, BadBody> {
    let prompt = match body.get("prompt") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) if a.len() == 1 && a[0].is_string() => a[0].as_str().unwrap_or_default().to_string(),
        _ => return Err(BadBody("'prompt' must be a string".into())),
    };
    let n = tokens(&prompt);
    Ok(Answer { text: prompt, prompt_tokens: n, completion_tokens: n })
}

/// The embedding of one input: SHA-256 bytes mapped to [-1, 1], 6 decimals.
pub fn embedding(input: &str) -> Vec<f64> {
    let d = Sha256::digest(input.as_bytes());
    (0..EMBEDDING_DIM)
        .map(|i| {
            let v = u16::from_be_bytes([d[2 * i], d[2 * i + 1]]) as f64 / 65535.0 * 2.0 - 1.0;
            (v * 1e6).round() / 1e6
        })
        .collect()
}

/// Embeddings: one vector per input string (`input` is a string or a list of strings).
pub fn embeddings(body: &Value, model: &str) -> Result<Value, BadBody> {
    let inputs: Vec<&str> = match body.get("input") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| BadBody("'input' must be a string or a list of strings".into()))?,
        _ => return Err(BadBody("'input' must be a string or a non-empty list of strings".into())),
    };
    let prompt_tokens: usize = inputs.iter().map(|s| tokens(s)).sum();
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"object": "embedding", "index": i, "embedding": embedding(s)}))
        .collect();
    Ok(json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
    }))
}

fn usage(a: &Answer) -> Value {
    json!({
        "prompt_tokens": a.prompt_tokens,
        "completion_tokens": a.completion_tokens,
        "total_tokens": a.prompt_tokens + a.completion_tokens,
    })
}

/// The non-streamed response body.
pub fn response(ep: &Endpoint, a: &Answer, id: &str, created: i64) -> Value {
    match ep.endpoint_type {
        EndpointType::Chat => json!({
            "id": id,
            "object": "chat.completion",
            "created": created,
            "model": ep.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": a.text}, "finish_reason": "stop"}],
            "usage": usage(a),
        }),
        _ => json!({
            "id": id,
            "object": "text_completion",
            "created": created,
            "model": ep.model,
            "choices": [{"index": 0, "text": a.text, "finish_reason": "stop"}],
            "usage": usage(a),
        }),
    }
}

/// The text split into at most `n` pieces at word boundaries (each piece keeps its spaces).
pub fn pieces(text: &str, n: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    if words.is_empty() {
        return vec![String::new()];
    }
    let per = words.len().div_ceil(n.max(1));
    words.chunks(per).map(|c| c.concat()).collect()
}

/// The SSE events (each a complete `data: …\n\n`) of a streamed answer.
pub fn stream_events(ep: &Endpoint, a: &Answer, id: &str, created: i64, done_marker: bool) -> Vec<String> {
    let chat = ep.endpoint_type == EndpointType::Chat;
    let object = if chat { "chat.completion.chunk" } else { "text_completion_chunk" };
    let mut out = Vec::new();
    let event = |v: Value| format!("data: {v}\n\n");
    for p in pieces(&a.text, 4) {
        let choice = if chat {
            json!({"index": 0, "finish_reason": null, "delta": {"role": "assistant", "content": p}})
        } else {
            json!({"index": 0, "finish_reason": null, "text": p})
        };
        out.push(event(
            json!({"id": id, "object": object, "created": created, "model": ep.model, "choices": [choice]}),
        ));
    }
    let last = if chat {
        json!({"index": 0, "finish_reason": "stop", "delta": {}})
    } else {
        json!({"index": 0, "finish_reason": "stop", "text": ""})
    };
    out.push(event(json!({"id": id, "object": object, "created": created, "model": ep.model, "choices": [last]})));
    out.push(event(
        json!({"id": id, "object": object, "created": created, "model": ep.model, "choices": [], "usage": usage(a)}),
    ));
    if done_marker {
        out.push("data: [DONE]\n\n".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes() {
        let a = chat(
            &json!({"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]}),
        )
        .unwrap();
        assert_eq!((a.text.as_str(), a.prompt_tokens, a.completion_tokens), ("hi there", 4, 2));
        assert!(chat(&json!({"messages": []})).is_err());
        assert_eq!(completions(&json!({"prompt": "a b c"})).unwrap().text, "a b c");
        let e = embeddings(&json!({"input": ["a", "b"]}), "m").unwrap();
        assert_eq!(e["data"].as_array().unwrap().len(), 2);
        assert_eq!(embedding("a"), embedding("a"));
        assert_ne!(embedding("a"), embedding("b"));
        assert_eq!(embedding("a").len(), EMBEDDING_DIM);
        assert_eq!(pieces("one two three four five", 4).concat(), "one two three four five");
    }
}
