//! The one error type of the command line (L4) and its exit code. Every layer below has its
//! own error type with an `exit_code()`; this enum only wraps them and delegates, so a variant
//! added in a lower layer needs no change here. The codes are documented in README.md and
//! [`crate::exit::ExitCode`].

use crate::auth::AuthError;
use crate::client::ClientError;
use crate::credentials::CredentialError;
use crate::gateway::GatewayError;
use crate::http::HttpError;
use crate::keys::KeysError;
use crate::ops::OpsError;
use crate::profile::ProfileError;
use crate::profile::store::StoreError;
use crate::request::RequestError;
use crate::serve::ServeError;
use crate::signing::SigningError;
use crate::util::ValueError;

pub use crate::exit::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Flags that do not go together, a missing setting, no terminal to ask on (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A value that does not parse (exit 3).
    #[error("{0}")]
    Input(String),
    /// A file or stream that cannot be read or written (exit 5).
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// The gateway answered with an error status (the body was printed).
    #[error("{message}")]
    Status { status: u16, message: String },
    #[error(transparent)]
    Signing(#[from] SigningError),
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Keys(#[from] KeysError),
    #[error(transparent)]
    Ops(#[from] OpsError),
    #[error(transparent)]
    Scaffold(#[from] crate::scaffold::ScaffoldError),
    #[error(transparent)]
    Serve(#[from] ServeError),
}

impl Error {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { what: what.into(), source }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Input(_) => ExitCode::InvalidInput,
            Error::Io { .. } => ExitCode::Io,
            Error::Status { status, .. } if *status >= 500 => ExitCode::ServerStatus,
            Error::Status { .. } => ExitCode::ClientStatus,
            Error::Signing(e) => e.exit_code(),
            Error::Value(e) => e.exit_code(),
            Error::Request(e) => e.exit_code(),
            Error::Gateway(e) => e.exit_code(),
            Error::Store(e) => e.exit_code(),
            Error::Profile(e) => e.exit_code(),
            Error::Credential(e) => e.exit_code(),
            Error::Auth(e) => e.exit_code(),
            Error::Http(e) => e.exit_code(),
            Error::Client(e) => e.exit_code(),
            Error::Keys(e) => e.exit_code(),
            Error::Ops(e) => e.exit_code(),
            Error::Scaffold(e) => e.exit_code(),
            Error::Serve(e) => e.exit_code(),
        }
    }
}
