//! `gwctl invoke route|endpoint`: build the request (args + profile + gateway flavour), execute
//! it (sign per attempt, send, retries), render the answer (streaming live).

use std::io::IsTerminal;

use crate::cli::{InvokeArgs, InvokeCommand};
use crate::client::invoke::{PayloadSpec, build_body, build_request};
use crate::client::{Client, routes};
use crate::error::Error;
use crate::gateway::Gateway;
use crate::gateway::mlflow::{self, RouteKind, RouteStyle};
use crate::http::Outgoing;
use crate::printer::{self, RenderOptions};
use crate::profile::config::ConfigFile;
use crate::profile::resolve::{self, Resolved};
use crate::redact;
use crate::request::{self, Body, BodyArg};

pub fn run(cmd: InvokeCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        InvokeCommand::Route(a) => {
            let resolved = resolve::resolve(cf, a.common.credentials.profile.as_deref(), a.common.credentials.auth)?;
            let base = base_url(&a.common, &resolved)?;
            let gateway = resolved.profile().and_then(|p| p.gateway);
            let style = a.style.unwrap_or_else(|| Gateway::default_style(gateway));
            let client = client_for(&resolved, &a.common)?;
            let asks_kind = matches!(style, RouteStyle::Endpoints | RouteStyle::OpenAi)
                && (!a.common.prompt.is_empty() || style == RouteStyle::OpenAi);
            let kind = match a.kind {
                Some(k) => k,
                // --dry-run sends nothing, not even the lookup.
                None if asks_kind && a.common.dry_run => {
                    crate::printer::note(format_args!(
                        "--dry-run: assuming route {:?} is a chat route (pass --kind to choose)",
                        a.name
                    ));
                    RouteKind::Chat
                }
                None if asks_kind => {
                    crate::http::block_on(routes::kind(&client, &base, gateway, &a.name))?.unwrap_or(RouteKind::Chat)
                }
                None => RouteKind::Chat,
            };
            check_route_flags(&a.common, kind)?;
            let url = mlflow::route_url(&base, style, kind, &a.name).map_err(Error::Input)?;
            let model = (style == RouteStyle::OpenAi).then_some(a.name.as_str());
            let body = body(&a.common, kind, model, None)?;
            call(&client, &a.common, url, body, &who(&resolved, client.auth().settings().scheme()))
        }
        InvokeCommand::Endpoint(a) => {
            let resolved = resolve::resolve(cf, a.common.credentials.profile.as_deref(), a.common.credentials.auth)?;
            let base = a.common.url.as_deref().or(resolved.url());
            let url = request::parse_url(&request::join_url(base, &a.endpoint)?)?;
            let client = client_for(&resolved, &a.common)?;
            let serving = match (&a.input_json, &a.input_csv) {
                (Some(p), _) => Some(crate::gateway::serving::from_json_file(p)?),
                (_, Some(p)) => Some(crate::gateway::serving::from_csv_file(p)?),
                _ => None,
            };
            let body = body(&a.common, RouteKind::Chat, None, serving)?;
            call(&client, &a.common, url, body, &who(&resolved, client.auth().settings().scheme()))
        }
        InvokeCommand::Batch(a) => super::batch::run(a, cf),
    }
}

fn base_url(a: &InvokeArgs, resolved: &Resolved) -> Result<url::Url, Error> {
    let base = a.url.as_deref().or(resolved.url()).ok_or_else(|| {
        Error::Usage("no gateway URL: give the profile a --url (gwctl profile edit NAME --url …) or pass --url".into())
    })?;
    Ok(request::parse_url(base)?)
}

fn client_for(resolved: &Resolved, a: &InvokeArgs) -> Result<Client, Error> {
    let settings = super::call_settings(resolved, &a.scope, &a.jwt)?;
    Ok(Client::new(resolved.auth(settings), a.network.settings())?)
}

/// Flags that would be silently ignored are refused instead.
fn check_route_flags(a: &InvokeArgs, kind: RouteKind) -> Result<(), Error> {
    if a.prompt.is_empty() && a.data.is_none() && a.param.is_empty() && a.method.is_none() {
        return Err(Error::Usage(
            "give --prompt TEXT or -d DATA: a route is called with a body (-X GET to send none)".into(),
        ));
    }
    if a.stream && kind == RouteKind::Embeddings {
        return Err(Error::Usage("--stream: embeddings routes do not stream; leave it out".into()));
    }
    Ok(())
}

/// `--prompt` values: `@FILE` reads a file, `@-` standard input (as `-d` does).
fn prompts(a: &InvokeArgs) -> Result<Vec<String>, Error> {
    a.prompt
        .iter()
        .map(|p| {
            let read = |bytes: std::io::Result<Vec<u8>>, what: &str| -> Result<String, Error> {
                let bytes = bytes.map_err(|e| Error::io(format!("cannot read --prompt {what}"), e))?;
                let text =
                    String::from_utf8(bytes).map_err(|_| Error::Input(format!("--prompt {what}: not UTF-8 text")))?;
                Ok(text.trim_end_matches(['\r', '\n']).to_string())
            };
            match p.strip_prefix('@') {
                Some("-") => read(crate::util::read_limited_from(std::io::stdin().lock(), PROMPT_LIMIT), "@-"),
                Some(path) => read(crate::util::read_limited(std::path::Path::new(path), PROMPT_LIMIT), p),
                None => Ok(p.clone()),
            }
        })
        .collect()
}

/// The largest prompt read from a file or standard input.
const PROMPT_LIMIT: u64 = 64 << 20;

/// The body from `-d`, or built from `--prompt`/`--param` (or a serving payload).
fn body(
    a: &InvokeArgs,
    kind: RouteKind,
    model: Option<&str>,
    serving: Option<serde_json::Value>,
) -> Result<Body, Error> {
    let params = a.param.iter().map(|p| crate::util::parse_key_value(p, "--param")).collect::<Result<Vec<_>, _>>()?;
    let mut spec = PayloadSpec {
        data: None,
        prompts: prompts(a)?,
        _marker: std::marker::PhantomData,
        system: a.system.as_deref(),
        params,
        stream: a.stream,
        model,
        serving,
    };
    if !spec.builds() && spec.serving.is_none() {
        let arg = a.data.as_deref().map(BodyArg::parse);
        spec.data = Some(Body::load(arg.as_ref(), &mut std::io::stdin().lock())?);
    }
    Ok(build_body(spec, kind)?)
}

fn call(client: &Client, a: &InvokeArgs, url: url::Url, body: Body, who: &str) -> Result<(), Error> {
    let headers = a.headers.iter().map(|h| request::parse_header_line(h)).collect::<Result<Vec<_>, _>>()?;
    let mut out = build_request(a.method.as_deref(), url, headers, &body);
    // On a terminal (and only there): a bar while a large file uploads, a spinner until the
    // first byte of the answer.
    let interactive = std::io::stdout().is_terminal() && std::io::stderr().is_terminal() && !a.dry_run;
    if let (Body::File { len, .. }, true) = (&body, interactive)
        && *len >= 1 << 20
    {
        let bar = indicatif::ProgressBar::new(*len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} uploading {bytes}/{total_bytes} {wide_bar} {eta}")
        {
            bar.set_style(style);
        }
        out.upload_progress = Some(bar);
    }
    if a.stream && a.format == Some(crate::cli::BodyFormat::Json) {
        return Err(Error::Usage(
            "--stream prints the answer's text as it arrives; --format json is for whole answers (use --stream --raw for the events)".into(),
        ));
    }
    let show_request = a.dry_run || crate::log::is_verbose();
    // The last attempt as sent: to sign it again when the server explains a signature refusal.
    let last_sent: std::sync::Mutex<Option<Sent>> = std::sync::Mutex::new(None);
    let mut on_request = |attempt: u32, method: &str, url: &str, headers: &[(String, String)]| {
        if show_request {
            eprint!("{}", describe_request(attempt, method, url, headers));
        }
        if let Ok(mut last) = last_sent.lock() {
            *last = Some(Sent { method: method.to_string(), url: url.to_string(), headers: headers.to_vec() });
        }
    };
    if a.dry_run {
        return dry_run(client, &out, &body, &mut on_request);
    }
    let render = RenderOptions {
        format: a.format,
        include: a.include,
        raw: a.raw,
        http: client.options().clone(),
        stats: a.stats,
        started: std::time::Instant::now(),
    };
    crate::http::block_on(async {
        let spinner = (interactive && out.upload_progress.is_none() && !crate::log::is_verbose()).then(|| {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message(format!("waiting for {}", out.url.host_str().unwrap_or("the server")));
            s.enable_steady_tick(std::time::Duration::from_millis(100));
            s
        });
        let sent = client.execute(&out, &mut on_request).await;
        if let Some(p) = &out.upload_progress {
            p.finish_and_clear();
        }
        if let Some(s) = &spinner {
            s.finish_and_clear();
        }
        let started = std::time::Instant::now();
        let render = RenderOptions { started, ..render };
        let resp = sent?;
        let ours = match resp.status().as_u16() {
            400 | 401 | 403 => {
                let last = last_sent.lock().ok().and_then(|mut l| l.take());
                signed_again(client, &out.headers, &body, last).await
            }
            _ => None,
        };
        printer::render_signed(resp, &render, ours.as_ref()).await
    })?
    .map_err(|e| explain_refusal(e, who))
}

/// One attempt as it was sent (headers signed).
struct Sent {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
}

/// gwctl's canonical request and string to sign for a refused attempt: the request signed
/// again with the date it carried. `None` for schemes without a canonical request, and when
/// signing again does not reproduce the attempt's `Authorization` (another key since, a
/// redirect that changed the request): what is compared must be what was sent.
async fn signed_again(
    client: &Client,
    request_headers: &[(String, String)],
    body: &Body,
    sent: Option<Sent>,
) -> Option<crate::signing::SignatureDetails> {
    use crate::scheme::AuthScheme;
    let sent = sent?;
    if !matches!(client.auth().settings().scheme(), AuthScheme::Sigv4 | AuthScheme::Apipark | AuthScheme::Huawei) {
        return None;
    }
    let header = |name: &str| sent.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let date = ["X-Amz-Date", "X-Sdk-Date", "X-Gateway-Date"].iter().find_map(|d| header(d))?;
    let time = crate::signing::SigningTime::parse(date).ok()?;
    let url = url::Url::parse(&sent.url).ok()?;
    let mut req = crate::signing::Request::from_url(&sent.method, &url).ok()?;
    req.headers = request_headers.to_vec();
    let signer = client.auth().signer(&req.authority).await.ok()?;
    let signed = signer.sign(&req, &body.payload(), time).ok()?;
    let again = signed.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).map(|(_, v)| v.as_str());
    if again.is_none() || again != header("authorization") {
        crate::log::verbose(format_args!("signing the refused request again gave another signature: no comparison"));
        return None;
    }
    signed.details
}

/// A 401/403 says who was refused: which profile, scheme and key id or user.
fn explain_refusal(e: Error, who: &str) -> Error {
    match e {
        Error::Status { status: status @ (401 | 403), message } => {
            Error::Status { status, message: format!("{message} (refused: {who})") }
        }
        other => other,
    }
}

/// "profile \"dev\" (basic, user alice)", or the environment's scheme.
fn who(resolved: &Resolved, settings_scheme: crate::scheme::AuthScheme) -> String {
    let id = resolved.settings.config.key_id().map(|k| match settings_scheme {
        crate::scheme::AuthScheme::Basic => format!(", user {k}"),
        crate::scheme::AuthScheme::Jwt => format!(", kid {k}"),
        _ => format!(", key {k}"),
    });
    match resolved.name() {
        Some(n) => format!("profile {n:?} ({settings_scheme}{})", id.unwrap_or_default()),
        None => format!("{settings_scheme} credentials from the environment"),
    }
}

/// `-v` / `--dry-run`: one attempt's request line and headers, secrets redacted.
pub(crate) fn describe_request(attempt: u32, method: &str, url: &str, headers: &[(String, String)]) -> String {
    let mut s = String::new();
    if attempt > 0 {
        s.push_str(&format!("> (attempt {})\n", attempt + 1));
    }
    s.push_str(&format!("> {method} {}\n", redact::url(url)));
    for (n, v) in headers {
        s.push_str(&format!("> {n}: {}\n", redact::header_value(n, v)));
    }
    s
}

/// Signs the request as it would be sent and shows it; sends nothing.
pub(crate) fn dry_run(
    client: &Client,
    out: &Outgoing<'_>,
    body: &Body,
    on_request: &mut crate::http::RequestObserver<'_>,
) -> Result<(), Error> {
    let mut req = crate::signing::Request::from_url(&out.method, &out.url)?;
    req.headers = out.headers.clone();
    let signer = crate::http::block_on(client.auth().signer(&req.authority))??;
    let signed = signer.sign(&req, &body.payload(), crate::signing::SigningTime::now())?;
    let (headers, _) = signed.merge_into(&req.headers);
    on_request(0, &out.method, out.url.as_str(), &headers);
    if let Body::Bytes { data, .. } = body {
        eprintln!(">\n{}", redact::jwts(&String::from_utf8_lossy(data)));
    }
    Ok(())
}
