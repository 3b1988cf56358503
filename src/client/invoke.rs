//! The build step of an invocation: from what the user gave (a body, or a prompt and
//! parameters for the route's kind) to the request to send. Pure: no I/O.

use serde_json::Value;

use super::ClientError;
use crate::gateway::mlflow::{self, RouteKind};
use crate::http::Outgoing;
use crate::request::Body;

/// What the body is made of.
#[derive(Debug, Default)]
pub struct PayloadSpec<'a> {
    /// `-d` as loaded (`None`: not given).
    pub data: Option<Body>,
    /// `--prompt` (several: an embeddings `input` array).
    pub prompts: Vec<String>,
    pub _marker: std::marker::PhantomData<&'a ()>,
    pub system: Option<&'a str>,
    /// `--param k=v`.
    pub params: Vec<(String, Value)>,
    /// Add `"stream": true`.
    pub stream: bool,
    /// The OpenAI-style `model` (the route name).
    pub model: Option<&'a str>,
    /// A model-serving payload built from `--input-json`/`--input-csv`.
    pub serving: Option<Value>,
}

impl PayloadSpec<'_> {
    /// Whether the body is built from a prompt/parameters rather than taken from `-d`.
    pub fn builds(&self) -> bool {
        !self.prompts.is_empty() || (self.data.is_none() && (!self.params.is_empty() || self.model.is_some()))
    }
}

/// The request body: a payload built for `kind` from the prompt and parameters (or a serving
/// payload), or `-d` as given; `--stream`, `--param` and the OpenAI `model` are added to a JSON
/// object body.
pub fn build_body(spec: PayloadSpec<'_>, kind: RouteKind) -> Result<Body, ClientError> {
    let builds = spec.builds();
    let PayloadSpec { data, prompts, system, params, stream, model, serving, .. } = spec;
    if prompts.len() > 1 && kind != RouteKind::Embeddings {
        return Err(ClientError::Usage(format!(
            "--prompt is given {} times: several prompts go to an embeddings route (--kind embeddings); a {} route takes one",
            prompts.len(),
            match kind {
                RouteKind::Chat => "chat",
                _ => "completions",
            }
        )));
    }
    let mut json = match serving {
        Some(mut v) => {
            if !params.is_empty() {
                v["params"] = Value::Object(params.iter().cloned().collect());
            }
            v
        }
        None if builds => {
            let mut v = mlflow::build_payload(kind, prompts.first().map(String::as_str), system, &params, model);
            if prompts.len() > 1 {
                v["input"] = Value::from(prompts.clone());
            }
            v
        }
        None => {
            let body = data.unwrap_or(Body::Empty);
            if !(stream || !params.is_empty() || model.is_some()) {
                return Ok(body);
            }
            let Body::Bytes { data, .. } = &body else {
                return Err(ClientError::Usage(
                    "--stream and --param edit a JSON body given inline or on stdin; put the fields in the file instead".into(),
                ));
            };
            let mut v: Value = serde_json::from_slice(data)
                .map_err(|e| ClientError::Input(format!("--stream/--param need a JSON object body: {e}")))?;
            let obj = v.as_object_mut().ok_or_else(|| ClientError::Input("the body must be a JSON object".into()))?;
            for (k, val) in &params {
                obj.insert(k.clone(), val.clone());
            }
            if let Some(m) = model {
                obj.entry("model").or_insert_with(|| m.into());
            }
            v
        }
    };
    if stream {
        let obj = json.as_object_mut().ok_or_else(|| ClientError::Input("the body must be a JSON object".into()))?;
        obj.insert("stream".into(), true.into());
    }
    Ok(Body::Bytes { data: json.to_string().into_bytes(), from_stdin: false })
}

fn is_json_body(body: &Body) -> bool {
    match body {
        Body::Bytes { data, .. } => serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok(),
        Body::File { path, .. } => path.extension().is_some_and(|e| e == "json"),
        Body::Empty => false,
    }
}

/// The request to send: the method (POST with a body, else GET, unless given), the user's
/// headers plus `Content-Type: application/json` for a JSON body that has none.
pub fn build_request<'a>(
    method: Option<&str>,
    url: url::Url,
    mut headers: Vec<(String, String)>,
    body: &'a Body,
) -> Outgoing<'a> {
    if is_json_body(body) && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    let method = method.map(str::to_string).unwrap_or_else(|| if body.is_present() { "POST" } else { "GET" }.into());
    Outgoing { method, url, headers, body, upload_progress: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_payloads_and_edits_json_bodies() {
        let spec = PayloadSpec { prompts: vec!["hi".into()], stream: true, ..Default::default() };
        let Body::Bytes { data, .. } = build_body(spec, RouteKind::Chat).unwrap() else { panic!() };
        assert_eq!(String::from_utf8(data).unwrap(), r#"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#);
        let spec = PayloadSpec {
            data: Some(Body::Bytes { data: br#"{"input":"x"}"#.to_vec(), from_stdin: false }),
            params: vec![("k".into(), 1.into())],
            model: Some("m"),
            ..Default::default()
        };
        let Body::Bytes { data, .. } = build_body(spec, RouteKind::Embeddings).unwrap() else { panic!() };
        assert_eq!(String::from_utf8(data).unwrap(), r#"{"input":"x","k":1,"model":"m"}"#);
        let body = Body::Bytes { data: b"{}".to_vec(), from_stdin: false };
        let out = build_request(None, url::Url::parse("http://h/").unwrap(), vec![], &body);
        assert_eq!(out.method, "POST");
        assert_eq!(out.headers, vec![("Content-Type".to_string(), "application/json".to_string())]);
        let spec = PayloadSpec { prompts: vec!["a".into(), "b".into()], ..Default::default() };
        let Body::Bytes { data, .. } = build_body(spec, RouteKind::Embeddings).unwrap() else { panic!() };
        assert_eq!(String::from_utf8(data).unwrap(), r#"{"input":["a","b"]}"#);
        let spec = PayloadSpec { prompts: vec!["a".into(), "b".into()], ..Default::default() };
        assert!(matches!(build_body(spec, RouteKind::Chat), Err(ClientError::Usage(_))));
    }
}
