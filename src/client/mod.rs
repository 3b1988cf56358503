//! The gateway client (L3): build → execute for every command that talks to a gateway.
//! [`Client::execute`] is the one execute step (sign per attempt, send, retry, refresh once on
//! a 401); it returns any HTTP status as a response, so one call and a batch of many share it.
//! [`routes`] lists and describes routes for `routes`, `invoke` and completion; [`users`] is
//! MLflow's user API for password rotation; [`invoke`] builds invocation requests.

pub mod batch;
pub mod invoke;
pub mod routes;
pub mod users;

use serde_json::Value;

use crate::auth::Auth;
use crate::gateway::GatewayError;
use crate::http::{self, HttpError, HttpOptions, Outgoing, RequestObserver};
use crate::request::{Body, RequestError};

/// The most of an answer held in memory when it must be read whole (a listing, an IAM answer,
/// an error body shown in a message).
pub const MAX_HELD_BODY: usize = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Request(#[from] RequestError),
    /// An HTTP error status; the message is the one-line summary of the body.
    #[error("{message}")]
    Status { status: u16, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Input(String),
}

impl ClientError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            ClientError::Http(e) => e.exit_code(),
            ClientError::Gateway(e) => e.exit_code(),
            ClientError::Request(e) => e.exit_code(),
            ClientError::Status { status, .. } if *status >= 500 => ExitCode::ServerStatus,
            ClientError::Status { .. } => ExitCode::ClientStatus,
            ClientError::Usage(_) => ExitCode::Usage,
            ClientError::Input(_) => ExitCode::InvalidInput,
        }
    }
}

impl From<crate::auth::AuthError> for ClientError {
    fn from(e: crate::auth::AuthError) -> Self {
        ClientError::Http(e.into())
    }
}

/// A configured client: the HTTP client, what signs, and how requests are sent.
pub struct Client {
    http: http::HttpClient,
    auth: Auth,
    opts: HttpOptions,
}

impl Client {
    pub fn new(auth: Auth, opts: HttpOptions) -> Result<Self, ClientError> {
        let http = http::HttpClient::new(&opts)?;
        // A token or session fetched for this client goes the way its requests go.
        auth.provider().use_network(&opts.net);
        Ok(Self { http, auth, opts })
    }

    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// The execute step: signs each attempt, sends, retries; any status is a response.
    pub async fn execute(
        &self,
        out: &Outgoing<'_>,
        on_request: &mut RequestObserver<'_>,
    ) -> Result<reqwest::Response, ClientError> {
        Ok(http::send(&self.http, out, &self.auth, &self.opts, on_request).await?)
    }

    /// Executes with other options (completion's short budget, a lookup without retries).
    pub async fn execute_with(&self, out: &Outgoing<'_>, opts: &HttpOptions) -> Result<reqwest::Response, ClientError> {
        Ok(http::send(&self.http, out, &self.auth, opts, &mut |_, _, _, _| {}).await?)
    }

    /// GETs `url` and parses the JSON answer; a 4xx/5xx is a [`ClientError::Status`].
    pub async fn get_json(&self, url: url::Url, opts: Option<&HttpOptions>) -> Result<Value, ClientError> {
        let empty = Body::Empty;
        let out = Outgoing { method: "GET".into(), url, headers: Vec::new(), body: &empty, upload_progress: None };
        let opts = opts.unwrap_or(&self.opts);
        let resp = self.execute_with(&out, opts).await?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let (bytes, truncated) = http::read_limited(resp, MAX_HELD_BODY, opts).await?;
        if status >= 400 {
            return Err(ClientError::Status {
                status,
                message: crate::gateway::errors::summarize(status, &headers, &bytes),
            });
        }
        if truncated {
            return Err(ClientError::Input(format!(
                "the gateway's answer is larger than {} MiB: not read",
                MAX_HELD_BODY >> 20
            )));
        }
        serde_json::from_slice::<Value>(&bytes)
            .map_err(|e| ClientError::Input(format!("the gateway's answer is not JSON: {e}")))
    }
}
