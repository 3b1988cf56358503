//! gwctl's error type and the documented exit-code table.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | unexpected internal failure |
//! | 2 | usage error: unknown flag, missing argument, flags that do not go together |
//! | 3 | invalid input: malformed URL, header, body, time, algorithm, claim, flag value |
//! | 4 | credentials: a credential variable is missing, or the key/secret in it is unusable |
//! | 5 | a file or stream could not be read or written |

use crate::credentials::CredentialError;
use crate::signing::SigningError;

/// Process exit codes (see the table in the module docs and README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    Internal = 1,
    Usage = 2,
    InvalidInput = 3,
    Credentials = 4,
    Io = 5,
}

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
            Error::Credential(_) => ExitCode::Credentials,
            Error::Io { .. } => ExitCode::Io,
        }
    }
}
