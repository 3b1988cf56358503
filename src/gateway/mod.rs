//! What each gateway flavour means (L1): the flavour enum, route URLs and list/show paths,
//! payload shapes, error bodies → one line, and stream decoding into text deltas. No I/O:
//! `client` sends what this module describes.

pub mod aws;
pub mod errors;
pub mod mlflow;
pub mod serving;
pub mod stream;
pub mod users;

use serde::{Deserialize, Serialize};

use mlflow::RouteStyle;

/// What kind of gateway a profile's URL points at (decides route URLs and payloads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Gateway {
    // The MLflow AI Gateway started with `mlflow gateway start` (YAML config).
    Mlflow,
    // The gateway inside `mlflow server` (tracking server).
    MlflowServer,
    // SageMaker, Bedrock, API Gateway, Lambda function URLs.
    Aws,
    Generic,
}

impl Gateway {
    /// What the flavour is, for prompts.
    pub fn describe(self) -> &'static str {
        match self {
            Gateway::Mlflow => "MLflow AI Gateway (mlflow gateway start, a YAML config)",
            Gateway::MlflowServer => "the gateway inside an MLflow tracking server (mlflow server)",
            Gateway::Aws => "SageMaker, Bedrock, API Gateway, Lambda function URLs",
            Gateway::Generic => "another gateway, or model endpoints called by URL",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Gateway::Mlflow => "mlflow",
            Gateway::MlflowServer => "mlflow-server",
            Gateway::Aws => "aws",
            Gateway::Generic => "generic",
        }
    }

    /// The route URL form a flavour uses by default (`None`: not said, an MLflow YAML gateway).
    pub fn default_style(g: Option<Gateway>) -> RouteStyle {
        match g {
            Some(Gateway::MlflowServer) => RouteStyle::TrackingServer,
            _ => RouteStyle::Endpoints,
        }
    }

    /// The path (relative to the base URL) that lists the routes.
    pub fn list_path(g: Option<Gateway>) -> &'static str {
        match g {
            Some(Gateway::MlflowServer) => "api/3.0/mlflow/gateway/endpoints/list",
            _ => "api/2.0/endpoints/",
        }
    }

    /// The path that describes one route.
    pub fn show_path(g: Option<Gateway>, name: &str) -> String {
        let n: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
        match g {
            Some(Gateway::MlflowServer) => format!("api/3.0/mlflow/gateway/endpoints/get?name={n}"),
            _ => format!("api/2.0/endpoints/{n}"),
        }
    }
}

impl std::fmt::Display for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What goes wrong when reading gateway-shaped input or answers.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// A bad input file or value (exit 3).
    #[error("{0}")]
    Input(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A stream broken off or malformed (exit 8).
    #[error("{0}")]
    Stream(String),
    /// The server reported an error inside a successful (streamed) answer (exit 10).
    #[error("{0}")]
    Reported(String),
}

impl GatewayError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            GatewayError::Input(_) => ExitCode::InvalidInput,
            GatewayError::Io { .. } => ExitCode::Io,
            GatewayError::Stream(_) => ExitCode::Network,
            GatewayError::Reported(_) => ExitCode::ServerStatus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_per_flavour() {
        assert_eq!(Gateway::list_path(None), "api/2.0/endpoints/");
        assert_eq!(Gateway::list_path(Some(Gateway::MlflowServer)), "api/3.0/mlflow/gateway/endpoints/list");
        assert_eq!(Gateway::show_path(Some(Gateway::Mlflow), "a b"), "api/2.0/endpoints/a+b");
        assert_eq!(Gateway::default_style(Some(Gateway::MlflowServer)), RouteStyle::TrackingServer);
        for g in [Gateway::Mlflow, Gateway::MlflowServer, Gateway::Aws, Gateway::Generic] {
            let v = <Gateway as clap::ValueEnum>::to_possible_value(&g).unwrap();
            assert_eq!(v.get_name(), g.name());
        }
    }
}
