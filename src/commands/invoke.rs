//! `gwctl invoke route|endpoint`: sign, send, print the answer (streaming live).

use std::io::{IsTerminal, Write};

use futures_util::StreamExt;
use serde_json::Value;

use crate::auth;
use crate::cli::{InvokeArgs, InvokeCommand};
use crate::error::Error;
use crate::gateway::{errors, mlflow};
use crate::http::{self, HttpOptions, Outgoing, redact, sse::SseParser};
use crate::log::verbose;
use crate::profile::Profile;
use crate::profile::config::ConfigFile;
use crate::profile::resolve::{self, Resolved};
use crate::request_spec::{self, Body, BodyArg};
use crate::signing::Signer;

pub fn run(cmd: InvokeCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        InvokeCommand::Route(a) => {
            let resolved = resolve::resolve(cf, a.common.credentials.profile.as_deref(), a.common.credentials.auth)?;
            let profile = resolved.profile.as_ref().map(|(_, p)| p.clone());
            let base = base_url(&a.common, profile.as_ref())?;
            let gateway = profile.as_ref().and_then(|p| p.gateway);
            let style = match a.style.as_deref() {
                Some(s) => mlflow::RouteStyle::parse(s).expect("clap checked"),
                None => mlflow::RouteStyle::for_gateway(gateway),
            };
            let signer = signer_for(&resolved, &a.common, &base)?;
            let http_opts = http_options(&a.common);
            let client = http::client(&http_opts)?;
            let kind = match a.kind.as_deref() {
                Some(k) => mlflow::RouteKind::parse(k).expect("clap checked"),
                None if matches!(style, mlflow::RouteStyle::Endpoints | mlflow::RouteStyle::OpenAi)
                    && (a.common.prompt.is_some() || style == mlflow::RouteStyle::OpenAi) =>
                {
                    route_kind(&client, &base, &a.name, &signer, &http_opts).unwrap_or(mlflow::RouteKind::Chat)
                }
                None => mlflow::RouteKind::Chat,
            };
            let url = mlflow::route_url(&base, style, kind, &a.name).map_err(Error::Input)?;
            let model = (style == mlflow::RouteStyle::OpenAi).then_some(a.name.as_str());
            let body = body_from_args(&a.common, kind, model, None)?;
            call(&client, &signer, &http_opts, &a.common, url, body)
        }
        InvokeCommand::Endpoint(a) => {
            let resolved = resolve::resolve(cf, a.common.credentials.profile.as_deref(), a.common.credentials.auth)?;
            let profile = resolved.profile.as_ref().map(|(_, p)| p.clone());
            let base = a.common.url.clone().or_else(|| profile.as_ref().and_then(|p| p.url.clone()));
            let url = request_spec::parse_url(&resolve::join_url(base.as_deref(), &a.endpoint)?)?;
            let signer = signer_for(&resolved, &a.common, &url)?;
            let http_opts = http_options(&a.common);
            let client = http::client(&http_opts)?;
            let serving = match (&a.input_json, &a.input_csv) {
                (Some(p), _) => Some(crate::gateway::serving::from_json_file(p)?),
                (_, Some(p)) => Some(crate::gateway::serving::from_csv_file(p)?),
                _ => None,
            };
            let body = body_from_args(&a.common, mlflow::RouteKind::Chat, None, serving)?;
            call(&client, &signer, &http_opts, &a.common, url, body)
        }
    }
}

fn base_url(a: &InvokeArgs, profile: Option<&Profile>) -> Result<url::Url, Error> {
    let base = a.url.clone().or_else(|| profile.and_then(|p| p.url.clone())).ok_or_else(|| {
        Error::Usage("no gateway URL: give the profile a --url (gwctl profile edit NAME --url …) or pass --url".into())
    })?;
    request_spec::parse_url(&base)
}

fn signer_for(resolved: &Resolved, a: &InvokeArgs, url: &url::Url) -> Result<Signer, Error> {
    let opts = super::apply_overrides(resolved.options.clone(), &a.scope, &a.jwt)?;
    let authority = crate::signing::Request::authority_of(url)?;
    auth::build_signer(&opts, resolved.credentials.as_ref(), &authority)
}

fn http_options(a: &InvokeArgs) -> HttpOptions {
    HttpOptions {
        timeout: a.timeout.filter(|t| *t > 0.0).map(std::time::Duration::from_secs_f64),
        connect_timeout: std::time::Duration::from_secs_f64(a.connect_timeout.max(0.1)),
        retries: a.retries,
        retry_all: a.retry_all,
        cacert: a.cacert.clone(),
        insecure: a.insecure,
    }
}

/// Asks a YAML gateway what kind of route `name` is (for `--prompt`).
fn route_kind(
    client: &reqwest::Client,
    base: &url::Url,
    name: &str,
    signer: &Signer,
    opts: &HttpOptions,
) -> Option<mlflow::RouteKind> {
    let url = mlflow::join(base, &format!("api/2.0/endpoints/{name}")).ok()?;
    let empty = Body::Empty;
    let out = Outgoing { method: "GET".into(), url, headers: Vec::new(), body: &empty, upload_progress: None };
    let fetch = async {
        let resp = http::send(client, &out, signer, &HttpOptions { retries: 0, ..opts.clone() }, &mut |_, _, _, _| {})
            .await
            .ok()?;
        if !resp.status().is_success() {
            return None;
        }
        serde_json::from_slice::<Value>(&resp.bytes().await.ok()?).ok()
    };
    let v = http::block_on(fetch).ok()??;
    let kind = v.get("endpoint_type").or_else(|| v.get("route_type")).and_then(Value::as_str)?;
    verbose(format_args!("route {name:?} is {kind}"));
    mlflow::RouteKind::parse(kind)
}

/// The request body: a payload built from `--prompt`/`--param` (or `--input-*`), or `-d` as
/// given; `--stream`, `--param` and the OpenAI `model` are added to a JSON object body.
fn body_from_args(
    a: &InvokeArgs,
    kind: mlflow::RouteKind,
    model: Option<&str>,
    serving: Option<Value>,
) -> Result<Body, Error> {
    let params: Vec<(String, Value)> = a
        .param
        .iter()
        .map(|p| auth::parse_claim(p).map_err(|e| Error::Input(e.to_string().replace("--claim", "--param"))))
        .collect::<Result<_, _>>()?;
    let builds = a.prompt.is_some() || (a.data.is_none() && (!params.is_empty() || model.is_some()));
    let mut json = match serving {
        Some(mut v) => {
            if !params.is_empty() {
                v["params"] = Value::Object(params.iter().cloned().collect());
            }
            v
        }
        None if builds => mlflow::build_payload(kind, a.prompt.as_deref(), a.system.as_deref(), &params, model),
        None => {
            let arg = a.data.as_deref().map(BodyArg::parse);
            let body = Body::load(arg.as_ref(), &mut std::io::stdin().lock())?;
            if !(a.stream || !params.is_empty() || model.is_some()) {
                return Ok(body);
            }
            let Body::Bytes { data, .. } = &body else {
                return Err(Error::Usage(
                    "--stream and --param edit a JSON body given inline or on stdin; put the fields in the file instead".into(),
                ));
            };
            let mut v: Value = serde_json::from_slice(data)
                .map_err(|e| Error::Input(format!("--stream/--param need a JSON object body: {e}")))?;
            let obj = v.as_object_mut().ok_or_else(|| Error::Input("the body must be a JSON object".into()))?;
            for (k, val) in &params {
                obj.insert(k.clone(), val.clone());
            }
            if let Some(m) = model {
                obj.entry("model").or_insert_with(|| m.into());
            }
            v
        }
    };
    if a.stream {
        let obj = json.as_object_mut().ok_or_else(|| Error::Input("the body must be a JSON object".into()))?;
        obj.insert("stream".into(), true.into());
    }
    Ok(Body::Bytes { data: serde_json::to_vec(&json).expect("JSON serialises"), from_stdin: false })
}

fn is_json_body(body: &Body) -> bool {
    match body {
        Body::Bytes { data, .. } => serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok(),
        Body::File { path, .. } => path.extension().is_some_and(|e| e == "json"),
        Body::Empty => false,
    }
}

fn call(
    client: &reqwest::Client,
    signer: &Signer,
    opts: &HttpOptions,
    a: &InvokeArgs,
    url: url::Url,
    body: Body,
) -> Result<(), Error> {
    let mut headers = a.headers.iter().map(|h| request_spec::parse_header_line(h)).collect::<Result<Vec<_>, _>>()?;
    if is_json_body(&body) && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    let method = a.method.clone().unwrap_or_else(|| if body.is_present() { "POST" } else { "GET" }.into());
    // On a terminal (and only there): a bar while a large file uploads, a spinner until the
    // first byte of the answer.
    let interactive = std::io::stdout().is_terminal() && std::io::stderr().is_terminal() && !a.dry_run;
    let upload_progress = match (&body, interactive) {
        (Body::File { len, .. }, true) if *len >= 1 << 20 => {
            let bar = indicatif::ProgressBar::new(*len);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} uploading {bytes}/{total_bytes} {wide_bar} {eta}")
                    .expect("a valid template"),
            );
            Some(bar)
        }
        _ => None,
    };
    let out = Outgoing { method, url, headers, body: &body, upload_progress: upload_progress.clone() };

    let show_request = a.dry_run || crate::log::is_verbose();
    let mut on_request = |attempt: u32, method: &str, url: &str, headers: &[(String, String)]| {
        if !show_request {
            return;
        }
        let mut s = String::new();
        if attempt > 0 {
            s.push_str(&format!("> (attempt {})\n", attempt + 1));
        }
        s.push_str(&format!("> {method} {}\n", redact::url(url)));
        for (n, v) in headers {
            s.push_str(&format!("> {n}: {}\n", redact::header_value(n, v)));
        }
        eprint!("{s}");
    };
    if a.dry_run {
        let mut req = crate::signing::Request::from_url(&out.method, &out.url)?;
        req.headers = out.headers.clone();
        let signed = signer.sign(&req, &body.payload(), crate::signing::SigningTime::now())?;
        let (headers, _) = crate::output::merge_headers(&req.headers, &signed);
        on_request(0, &out.method, out.url.as_str(), &headers);
        if let Body::Bytes { data, .. } = &body {
            eprintln!(">\n{}", redact::jwts(&String::from_utf8_lossy(data)));
        }
        return Ok(());
    }

    let stdout_tty = std::io::stdout().is_terminal();
    http::block_on(async {
        let spinner = (interactive && upload_progress.is_none() && !crate::log::is_verbose()).then(|| {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message(format!("waiting for {}", out.url.host_str().unwrap_or("the server")));
            s.enable_steady_tick(std::time::Duration::from_millis(100));
            s
        });
        let sent = http::send(client, &out, signer, opts, &mut on_request).await;
        if let Some(p) = &upload_progress {
            p.finish_and_clear();
        }
        if let Some(s) = &spinner {
            s.finish_and_clear();
        }
        let resp = sent?;
        let status = resp.status();
        let resp_headers = resp.headers().clone();
        if a.include {
            let mut head = format!("HTTP/{} {}\n", version(resp.version()), status);
            for (n, v) in &resp_headers {
                head.push_str(&format!("{n}: {}\n", v.to_str().unwrap_or("<binary>")));
            }
            head.push('\n');
            super::print(&head)?;
        }
        let content_type =
            resp_headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if status.is_success() && content_type.starts_with("text/event-stream") {
            return stream_sse(resp, a.raw, a.format.as_deref() == Some("raw")).await;
        }
        if status.is_success() && content_type.starts_with("application/vnd.amazon.eventstream") {
            return stream_aws_events(resp, a.raw || a.format.as_deref() == Some("raw")).await;
        }
        let host = out.url.host_str().unwrap_or("").to_string();
        let bytes = resp.bytes().await.map_err(|e| http::transport_error(&host, &e, opts))?;
        print_body(&bytes, a.format.as_deref(), stdout_tty)?;
        if !status.is_success() {
            return Err(Error::Status {
                status: status.as_u16(),
                message: errors::summarize(status.as_u16(), &resp_headers, &bytes),
            });
        }
        Ok(())
    })?
}

fn version(v: reqwest::Version) -> &'static str {
    match v {
        reqwest::Version::HTTP_2 => "2",
        reqwest::Version::HTTP_10 => "1.0",
        _ => "1.1",
    }
}

fn print_body(bytes: &[u8], format: Option<&str>, tty: bool) -> Result<(), Error> {
    let as_json = serde_json::from_slice::<Value>(bytes).ok();
    let text = match (format.unwrap_or("json"), as_json) {
        ("raw", _) | (_, None) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(bytes);
            if tty && !bytes.ends_with(b"\n") && !bytes.is_empty() {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
            return Ok(());
        }
        ("text", Some(v)) => match mlflow::response_text(&v) {
            Some(t) => format!("{t}\n"),
            None => format!("{v}\n"),
        },
        (_, Some(v)) if tty => format!("{}\n", serde_json::to_string_pretty(&v).expect("JSON serialises")),
        (_, Some(v)) => format!("{v}\n"),
    };
    super::print(&text)
}

/// Prints each event's text delta (or, with `raw`, the bytes) as it arrives, flushing each time.
/// A stream that ends inside an event is an error; `[DONE]` ends it early.
async fn stream_sse(resp: reqwest::Response, raw_events: bool, raw_format: bool) -> Result<(), Error> {
    let raw = raw_events || raw_format;
    let mut parser = SseParser::default();
    let mut stream = resp.bytes_stream();
    let mut printer = DeltaPrinter::default();
    let mut done = false;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                printer.end_line();
                return Err(http::HttpError::Stream(format!("the response stream broke off: {e}")).into());
            }
        };
        if raw {
            printer.print(&String::from_utf8_lossy(&chunk));
        }
        for ev in parser.push(&chunk) {
            if ev.data.trim() == "[DONE]" {
                done = true;
                continue;
            }
            if raw {
                continue;
            }
            let text = match serde_json::from_str::<Value>(&ev.data) {
                Ok(v) => {
                    if let Some(err) = v.get("error") {
                        printer.end_line();
                        return Err(Error::Status {
                            status: 502,
                            message: format!("the stream reported an error: {err}"),
                        });
                    }
                    mlflow::delta_text(&v)
                }
                Err(_) => Some(ev.data.clone()),
            };
            if let Some(t) = text {
                printer.print(&t);
            }
        }
    }
    if !done && let Err(e) = parser.finish() {
        printer.end_line();
        return Err(http::HttpError::Stream(e).into());
    }
    if !raw {
        printer.end_line();
    }
    Ok(())
}

/// Decodes an AWS event stream (SageMaker/Bedrock `*-response-stream`) and prints each
/// event's text as it arrives; with `raw`, each event's payload on a line.
async fn stream_aws_events(resp: reqwest::Response, raw: bool) -> Result<(), Error> {
    use base64::Engine as _;
    let mut decoder = crate::http::eventstream::Decoder::default();
    let mut inner_sse = SseParser::default();
    let mut stream = resp.bytes_stream();
    let mut printer = DeltaPrinter::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| http::HttpError::Stream(format!("the response stream broke off: {e}")))?;
        let messages = decoder.push(&chunk).map_err(|e| {
            printer.end_line();
            http::HttpError::Stream(e)
        })?;
        for m in messages {
            match m.header(":message-type") {
                Some("exception") | Some("error") => {
                    printer.end_line();
                    let kind = m.header(":exception-type").or(m.header(":error-code")).unwrap_or("error");
                    let detail = m.header(":error-message").map(str::to_string).unwrap_or_else(|| {
                        serde_json::from_slice::<Value>(&m.payload)
                            .ok()
                            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
                            .unwrap_or_else(|| String::from_utf8_lossy(&m.payload).into_owned())
                    });
                    return Err(Error::Status {
                        status: 502,
                        message: format!("the stream reported {kind}: {detail}"),
                    });
                }
                _ => {}
            }
            if raw {
                let text = String::from_utf8_lossy(&m.payload);
                printer.print(&text);
                if !text.ends_with('\n') {
                    printer.print("\n");
                }
                continue;
            }
            let payload: Vec<u8> = match serde_json::from_slice::<Value>(&m.payload) {
                Ok(v) => match v.get("bytes").and_then(Value::as_str) {
                    // Bedrock `chunk` events carry the model's own JSON, base64-encoded.
                    Some(b64) => base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default(),
                    None => {
                        if let Some(t) = crate::gateway::aws::chunk_text(&v) {
                            printer.print(&t);
                        }
                        continue;
                    }
                },
                // SageMaker `PayloadPart`: the container's raw bytes.
                Err(_) => m.payload.clone(),
            };
            match serde_json::from_slice::<Value>(&payload) {
                Ok(v) => {
                    if let Some(t) = crate::gateway::aws::chunk_text(&v) {
                        printer.print(&t);
                    }
                }
                Err(_) => {
                    let text = String::from_utf8_lossy(&payload);
                    if text.contains("data:") {
                        for ev in inner_sse.push(&payload) {
                            if let Ok(v) = serde_json::from_str::<Value>(&ev.data)
                                && let Some(t) = crate::gateway::aws::chunk_text(&v)
                            {
                                printer.print(&t);
                            }
                        }
                    } else {
                        printer.print(&text);
                    }
                }
            }
        }
    }
    if let Err(e) = decoder.finish() {
        printer.end_line();
        return Err(http::HttpError::Stream(e).into());
    }
    printer.end_line();
    Ok(())
}

/// Prints streamed text, flushing after each piece, and ends the line at the end.
#[derive(Default)]
struct DeltaPrinter {
    wrote: bool,
    newline: bool,
}

impl DeltaPrinter {
    fn print(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        let mut out = std::io::stdout();
        let _ = out.write_all(t.as_bytes());
        let _ = out.flush();
        self.wrote = true;
        self.newline = t.ends_with('\n');
    }

    fn end_line(&mut self) {
        if self.wrote && !self.newline {
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\n");
            let _ = out.flush();
            self.newline = true;
        }
    }
}
