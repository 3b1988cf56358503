//! `gwctl routes list|show`: the routes of an MLflow gateway (YAML or tracking server).

use serde_json::Value;

use crate::cli::{ListFormat, RoutesCommand, RoutesCommon};
use crate::client::{Client, routes};
use crate::error::Error;
use crate::gateway::Gateway;
use crate::profile::config::ConfigFile;
use crate::profile::resolve;

pub fn run(cmd: RoutesCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        RoutesCommand::List(a) => {
            let (client, base, gateway) = target(cf, &a.common)?;
            let routes = crate::http::block_on(routes::list(&client, &base, gateway, None))??;
            if a.format == ListFormat::Json {
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
            let (client, base, gateway) = target(cf, &a.common)?;
            let v = crate::http::block_on(routes::show(&client, &base, gateway, &a.name))??;
            super::print(&format!("{v:#}\n"))
        }
    }
}

/// The client, base URL and flavour for the profile and flags.
fn target(cf: &ConfigFile, a: &RoutesCommon) -> Result<(Client, url::Url, Option<Gateway>), Error> {
    let resolved = resolve::resolve(cf, a.credentials.profile.as_deref(), a.credentials.auth)?;
    let base = a
        .url
        .as_deref()
        .or(resolved.url())
        .ok_or_else(|| Error::Usage("no gateway URL: give the profile a --url or pass --url".into()))?;
    let base = crate::request::parse_url(base)?;
    let gateway = a.gateway.or_else(|| resolved.profile().and_then(|p| p.gateway));
    let client = Client::new(resolved.auth(resolved.settings.clone()), a.network.settings())?;
    Ok((client, base, gateway))
}
