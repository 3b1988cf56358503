//! gwctl's error type and the documented exit-code table.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | unexpected internal failure |
//! | 2 | usage error: unknown flag, missing argument, flags that do not go together, no terminal to ask on, a secret for a read-only store |
//! | 3 | invalid input: malformed URL, header, body, time, algorithm, claim, flag value |
//! | 4 | credentials: a credential variable is missing, or the key/secret in it is unusable |
//! | 5 | a file or stream could not be read or written (body, key file, config file) |
//! | 6 | secret store: unavailable, locked, timed out, wrong passphrase, secret missing, `command:` failed |
//! | 7 | profile or config: unknown or duplicate profile, no default profile, corrupt config file |
//! | 8 | network: cannot connect, timed out, TLS failure, a response stream cut off |
//! | 9 | the gateway answered with a 4xx status (the body is still printed) |
//! | 10 | the gateway answered with a 5xx status (after retries; the body is still printed) |
//! | 11 | key rotation stopped before finishing: a precondition is not met (two IAM keys already) or a step can be retried (a new key not accepted yet); the profile still works and `gwctl keys rotate` resumes |

use crate::credentials::CredentialError;
use crate::profile::ProfileError;
use crate::profile::store::StoreError;
use crate::signing::SigningError;

pub use crate::exit::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Signing(#[from] SigningError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    /// An HTTP error status; the message is the one-line summary of the body.
    #[error("{message}")]
    Status { status: u16, message: String },
    #[error(transparent)]
    Keys(#[from] crate::keys::KeysError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { what: what.into(), source }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Signing(e) if e.is_credential_problem() => ExitCode::Credentials,
            Error::Input(_) | Error::Signing(_) => ExitCode::InvalidInput,
            Error::Credential(CredentialError::KeyFile { .. }) => ExitCode::Io,
            Error::Credential(CredentialError::Store(e)) | Error::Store(e) | Error::Profile(ProfileError::Store(e)) => {
                store_code(e)
            }
            Error::Credential(_) => ExitCode::Credentials,
            Error::Profile(ProfileError::Io { .. }) | Error::Io { .. } => ExitCode::Io,
            Error::Profile(ProfileError::Invalid(_) | ProfileError::BadName(_)) => ExitCode::InvalidInput,
            Error::Profile(ProfileError::NeedsTerminal(_)) => ExitCode::Usage,
            Error::Profile(_) => ExitCode::Profile,
            Error::Http(_) => ExitCode::Network,
            Error::Status { status, .. } if *status >= 500 => ExitCode::ServerStatus,
            Error::Status { .. } => ExitCode::ClientStatus,
            Error::Keys(crate::keys::KeysError::Stopped(_)) => ExitCode::Rotation,
            Error::Keys(crate::keys::KeysError::Generate(_)) => ExitCode::Internal,
        }
    }
}

fn store_code(e: &StoreError) -> ExitCode {
    match e {
        StoreError::BadSpec(_) => ExitCode::Usage,
        StoreError::ReadOnly { .. } => ExitCode::Usage,
        _ => ExitCode::Store,
    }
}
