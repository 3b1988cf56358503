//! Route listings through the execute step: `routes list|show`, `invoke route`'s kind lookup
//! and shell completion all use these, with the paths of the gateway flavour.

use serde_json::Value;

use super::{Client, ClientError};
use crate::gateway::Gateway;
use crate::gateway::mlflow::{self, RouteInfo, RouteKind};
use crate::http::HttpOptions;

/// The routes of the gateway at `base`, each with the URL `invoke route` calls.
pub async fn list(
    client: &Client,
    base: &url::Url,
    gateway: Option<Gateway>,
    opts: Option<&HttpOptions>,
) -> Result<Vec<RouteInfo>, ClientError> {
    let url = mlflow::join(base, Gateway::list_path(gateway)).map_err(ClientError::Input)?;
    let v = client.get_json(url, opts).await?;
    let mut routes = mlflow::parse_routes(&v);
    // The URL shown is the one `invoke route NAME` calls for this profile (a YAML gateway
    // lists its legacy `/gateway/NAME/invocations`; the tracking server lists none).
    for r in routes.iter_mut() {
        let kind = RouteKind::parse(&r.kind).unwrap_or(RouteKind::Chat);
        if let Ok(u) = mlflow::route_url(base, Gateway::default_style(gateway), kind, &r.name) {
            r.url = u.path().to_string();
        }
    }
    Ok(routes)
}

/// One route, as the gateway describes it.
pub async fn show(
    client: &Client,
    base: &url::Url,
    gateway: Option<Gateway>,
    name: &str,
) -> Result<Value, ClientError> {
    let url = mlflow::join(base, &Gateway::show_path(gateway, name)).map_err(ClientError::Input)?;
    client.get_json(url, None).await
}

/// What kind of route `name` is, asked of the gateway (for `--prompt`); `None` when it does not
/// say.
pub async fn kind(client: &Client, base: &url::Url, gateway: Option<Gateway>, name: &str) -> Option<RouteKind> {
    let url = mlflow::join(base, &Gateway::show_path(gateway, name)).ok()?;
    let opts = HttpOptions { retries: 0, ..client.options().clone() };
    let v = client.get_json(url, Some(&opts)).await.ok()?;
    let kind = v
        .get("endpoint_type")
        .or_else(|| v.get("route_type"))
        .or_else(|| v.pointer("/endpoint/endpoint_type"))
        .and_then(Value::as_str)?;
    crate::log::verbose(format_args!("route {name:?} is {kind}"));
    RouteKind::parse(kind)
}
