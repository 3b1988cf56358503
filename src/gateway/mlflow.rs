//! MLflow gateways: route URLs, payload helpers, streamed deltas, route listings.

use serde_json::{Map, Value, json};

/// Which URL form a route name becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RouteStyle {
    // YAML gateway: `/endpoints/{name}/invocations`.
    Endpoints,
    // YAML gateway, MLflow 2.5–2.8 form: `/gateway/{name}/invocations`.
    Legacy,
    // Tracking-server gateway: `/gateway/{name}/mlflow/invocations`.
    TrackingServer,
    // OpenAI-compatible: `/v1/chat/completions` (or completions/embeddings) with `"model": name`.
    #[value(name = "openai")]
    OpenAi,
}

/// What a route does, which decides the payload helpers' shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RouteKind {
    Chat,
    Completions,
    Embeddings,
}

impl RouteKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim_start_matches("llm/v1/") {
            "chat" => RouteKind::Chat,
            "completions" => RouteKind::Completions,
            "embeddings" => RouteKind::Embeddings,
            _ => return None,
        })
    }

    fn openai_path(self) -> &'static str {
        match self {
            RouteKind::Chat => "chat/completions",
            RouteKind::Completions => "completions",
            RouteKind::Embeddings => "embeddings",
        }
    }
}

/// The invocation URL of route `name` under `base`.
pub fn route_url(base: &url::Url, style: RouteStyle, kind: RouteKind, name: &str) -> Result<url::Url, String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)) {
        return Err(format!("invalid route name {name:?}: MLflow names use letters, digits, '_', '.' and '-'"));
    }
    let path = match style {
        RouteStyle::Endpoints => format!("endpoints/{name}/invocations"),
        RouteStyle::Legacy => format!("gateway/{name}/invocations"),
        RouteStyle::TrackingServer => format!("gateway/{name}/mlflow/invocations"),
        RouteStyle::OpenAi => format!("v1/{}", kind.openai_path()),
    };
    join(base, &path)
}

/// `base` + `path`, keeping any path prefix of `base` (a gateway behind `/mlflow/`).
pub fn join(base: &url::Url, path: &str) -> Result<url::Url, String> {
    let mut b = base.clone();
    if !b.path().ends_with('/') {
        let p = format!("{}/", b.path());
        b.set_path(&p);
    }
    b.join(path).map_err(|e| format!("cannot build a URL from {base} and {path}: {e}"))
}

/// Builds a request body from `--prompt`, `--system` and `--param k=v`.
pub fn build_payload(
    kind: RouteKind,
    prompt: Option<&str>,
    system: Option<&str>,
    params: &[(String, Value)],
    model: Option<&str>,
) -> Value {
    let mut body = Map::new();
    if let Some(m) = model {
        body.insert("model".into(), m.into());
    }
    match kind {
        RouteKind::Chat => {
            let mut messages = Vec::new();
            if let Some(s) = system {
                messages.push(json!({"role": "system", "content": s}));
            }
            if let Some(p) = prompt {
                messages.push(json!({"role": "user", "content": p}));
            }
            body.insert("messages".into(), messages.into());
        }
        RouteKind::Completions => {
            if let Some(p) = prompt {
                body.insert("prompt".into(), p.into());
            }
        }
        RouteKind::Embeddings => {
            if let Some(p) = prompt {
                body.insert("input".into(), p.into());
            }
        }
    }
    for (k, v) in params {
        body.insert(k.clone(), v.clone());
    }
    Value::Object(body)
}

/// The text a streamed chunk adds: chat `choices[].delta.content`, completions
/// `choices[].text`; Anthropic-style `delta.text` too.
pub fn delta_text(chunk: &Value) -> Option<String> {
    let mut out = String::new();
    if let Some(choices) = chunk.get("choices").and_then(Value::as_array) {
        for c in choices {
            if let Some(t) = c.pointer("/delta/content").and_then(Value::as_str) {
                out.push_str(t);
            } else if let Some(t) = c.get("text").and_then(Value::as_str) {
                out.push_str(t);
            }
        }
    } else if let Some(t) = chunk.pointer("/delta/text").and_then(Value::as_str) {
        out.push_str(t);
    }
    (!out.is_empty()).then_some(out)
}

/// The text of a whole response, for `--format text`.
pub fn response_text(v: &Value) -> Option<String> {
    if let Some(choices) = v.get("choices").and_then(Value::as_array) {
        let texts: Vec<&str> = choices
            .iter()
            .filter_map(|c| {
                c.pointer("/message/content").and_then(Value::as_str).or_else(|| c.get("text").and_then(Value::as_str))
            })
            .collect();
        if !texts.is_empty() {
            return Some(texts.join("\n"));
        }
    }
    if let Some(p) = v.get("predictions") {
        return Some(match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    None
}

/// A route as `routes list` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteInfo {
    pub name: String,
    pub kind: String,
    pub model: String,
    pub url: String,
}

/// Parses the YAML gateway's `GET /api/2.0/endpoints/` answer (and the legacy `routes` form),
/// or the tracking server's endpoint list.
pub fn parse_routes(v: &Value) -> Vec<RouteInfo> {
    let list = v.get("endpoints").or_else(|| v.get("routes")).and_then(Value::as_array).cloned().unwrap_or_default();
    list.iter().map(parse_route).collect()
}

pub fn parse_route(e: &Value) -> RouteInfo {
    let s = |ptrs: &[&str]| ptrs.iter().find_map(|p| e.pointer(p).and_then(Value::as_str)).unwrap_or("").to_string();
    let model = {
        let name =
            s(&["/model/name", "/model_definitions/0/model_name", "/model_mappings/0/model_definition/model_name"]);
        let provider =
            s(&["/model/provider", "/model_definitions/0/provider", "/model_mappings/0/model_definition/provider"]);
        match (provider.is_empty(), name.is_empty()) {
            (false, false) => format!("{provider}:{name}"),
            (true, false) => name,
            (false, true) => provider,
            (true, true) => String::new(),
        }
    };
    RouteInfo {
        name: s(&["/name"]),
        kind: s(&["/endpoint_type", "/route_type", "/task"]),
        model,
        url: s(&["/endpoint_url", "/route_url"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let base = url::Url::parse("http://127.0.0.1:5000").unwrap();
        let k = RouteKind::Chat;
        assert_eq!(
            route_url(&base, RouteStyle::Endpoints, k, "chat").unwrap().as_str(),
            "http://127.0.0.1:5000/endpoints/chat/invocations"
        );
        assert_eq!(
            route_url(&base, RouteStyle::Legacy, k, "chat").unwrap().as_str(),
            "http://127.0.0.1:5000/gateway/chat/invocations"
        );
        assert_eq!(
            route_url(&base, RouteStyle::TrackingServer, k, "chat").unwrap().as_str(),
            "http://127.0.0.1:5000/gateway/chat/mlflow/invocations"
        );
        let prefixed = url::Url::parse("https://gw.example/mlflow").unwrap();
        assert_eq!(
            route_url(&prefixed, RouteStyle::OpenAi, RouteKind::Embeddings, "e").unwrap().as_str(),
            "https://gw.example/mlflow/v1/embeddings"
        );
        assert!(route_url(&base, RouteStyle::Endpoints, k, "../x").is_err());
    }

    #[test]
    fn payloads_and_deltas() {
        let p =
            build_payload(RouteKind::Chat, Some("hi"), Some("be brief"), &[("temperature".into(), json!(0.2))], None);
        assert_eq!(
            p,
            json!({"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],"temperature":0.2})
        );
        assert_eq!(
            build_payload(RouteKind::Embeddings, Some("x"), None, &[], Some("e")),
            json!({"model":"e","input":"x"})
        );
        assert_eq!(delta_text(&json!({"choices":[{"delta":{"content":"He"}}]})).as_deref(), Some("He"));
        assert_eq!(delta_text(&json!({"choices":[]})), None);
        assert_eq!(response_text(&json!({"choices":[{"message":{"content":"Hi!"}}]})).as_deref(), Some("Hi!"));
    }
}
