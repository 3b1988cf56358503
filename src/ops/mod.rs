//! Operations on profiles (L3): the add/edit/remove transactions. Each stores or deletes the
//! secret and writes the config so that a failure leaves nothing half-done; the commands do
//! the asking and the printing.

pub mod profile;

use crate::auth::AuthError;
use crate::profile::ProfileError;
use crate::profile::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl OpsError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            OpsError::Usage(_) => crate::exit::ExitCode::Usage,
            OpsError::Input(_) => crate::exit::ExitCode::InvalidInput,
            OpsError::Profile(e) => e.exit_code(),
            OpsError::Store(e) => e.exit_code(),
            OpsError::Auth(e) => e.exit_code(),
        }
    }
}
