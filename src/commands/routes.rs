//! `gwctl routes list|show`: the routes of an MLflow gateway (YAML or tracking server).

use serde_json::Value;

use crate::auth;
use crate::cli::{RoutesCommand, RoutesCommon};
use crate::error::Error;
use crate::gateway::{errors, mlflow};
use crate::http::{self, HttpOptions, Outgoing};
use crate::profile::Gateway;
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::request_spec::{self, Body};

pub fn run(cmd: RoutesCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        RoutesCommand::List(a) => {
            let (v, base, gateway) = fetch(cf, &a.common, None)?;
            let mut routes = mlflow::parse_routes(&v);
            // The tracking server lists no invocation URL: it follows from the name.
            for r in routes.iter_mut().filter(|r| r.url.is_empty()) {
                let style = mlflow::RouteStyle::for_gateway(gateway);
                if let Ok(u) = mlflow::route_url(&base, style, mlflow::RouteKind::Chat, &r.name) {
                    r.url = u.path().to_string();
                }
            }
            if a.format == "json" {
                let items: Vec<Value> = routes
                    .iter()
                    .map(|r| serde_json::json!({"name": r.name, "type": r.kind, "model": r.model, "url": r.url}))
                    .collect();
                return super::print(&format!("{}\n", Value::from(items)));
            }
            let mut rows = vec![vec!["NAME".to_string(), "TYPE".into(), "MODEL".into(), "URL".into()]];
            let dash = |s: &str| if s.is_empty() { "-".to_string() } else { s.to_string() };
            rows.extend(routes.iter().map(|r| vec![r.name.clone(), dash(&r.kind), dash(&r.model), r.url.clone()]));
            super::print(&crate::output::table(&rows))
        }
        RoutesCommand::Show(a) => {
            let (v, _, _) = fetch(cf, &a.common, Some(&a.name))?;
            super::print(&format!("{}\n", serde_json::to_string_pretty(&v).expect("JSON serialises")))
        }
    }
}

/// GETs the route list (or one route) with the profile's signing; also returns the base URL
/// and gateway flavour used.
fn fetch(cf: &ConfigFile, a: &RoutesCommon, name: Option<&str>) -> Result<(Value, url::Url, Option<Gateway>), Error> {
    fetch_with(cf, a, name, &HttpOptions::default())
}

fn fetch_with(
    cf: &ConfigFile,
    a: &RoutesCommon,
    name: Option<&str>,
    opts: &HttpOptions,
) -> Result<(Value, url::Url, Option<Gateway>), Error> {
    let resolved = resolve::resolve(cf, a.credentials.profile.as_deref(), a.credentials.auth)?;
    let profile = resolved.profile.as_ref().map(|(_, p)| p.clone());
    let base = a
        .url
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.url.clone()))
        .ok_or_else(|| Error::Usage("no gateway URL: give the profile a --url or pass --url".into()))?;
    let base = request_spec::parse_url(&base)?;
    let gateway = match a.gateway.as_deref() {
        Some(g) => Gateway::parse(g),
        None => profile.as_ref().and_then(|p| p.gateway),
    };
    let path = match (gateway, name) {
        (Some(Gateway::MlflowServer), None) => "api/3.0/mlflow/gateway/endpoints/list".to_string(),
        (Some(Gateway::MlflowServer), Some(n)) => format!("api/3.0/mlflow/gateway/endpoints/get?name={}", encode(n)),
        (_, None) => "api/2.0/endpoints/".to_string(),
        (_, Some(n)) => format!("api/2.0/endpoints/{}", encode(n)),
    };
    let url = mlflow::join(&base, &path).map_err(Error::Input)?;
    let authority = crate::signing::Request::authority_of(&url)?;
    let signer = auth::build_signer(&resolved.options, resolved.credentials.as_ref(), &authority)?;
    let client = http::client(opts)?;
    let empty = Body::Empty;
    let out = Outgoing { method: "GET".into(), url, headers: Vec::new(), body: &empty, upload_progress: None };
    let value = http::block_on(async {
        let resp = http::send(&client, &out, &signer, opts, &mut |_, _, _, _| {}).await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes =
            resp.bytes().await.map_err(|e| http::transport_error(out.url.host_str().unwrap_or(""), &e, opts))?;
        if status >= 400 {
            return Err(Error::Status { status, message: errors::summarize(status, &headers, &bytes) });
        }
        serde_json::from_slice::<Value>(&bytes)
            .map_err(|e| Error::Input(format!("the gateway's answer is not JSON: {e}")))
    })??;
    Ok((value, base, gateway))
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Route names of profile `profile`'s gateway, within `budget` (for shell completion).
pub(crate) fn list_route_names(
    cf: &ConfigFile,
    profile: &str,
    budget: std::time::Duration,
) -> Result<Vec<String>, Error> {
    let common = RoutesCommon {
        credentials: crate::cli::CredentialArgs { profile: Some(profile.to_string()), auth: None },
        url: None,
        gateway: None,
    };
    let opts = HttpOptions { timeout: Some(budget), connect_timeout: budget, retries: 0, ..HttpOptions::default() };
    let (v, _, _) = fetch_with(cf, &common, None, &opts)?;
    Ok(mlflow::parse_routes(&v).into_iter().map(|r| r.name).filter(|n| !n.is_empty()).collect())
}
