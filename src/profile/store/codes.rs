//! The documented exit code of each store failure.

use super::StoreError;

impl StoreError {
    /// A bad `--store` or a read-only store is a usage error (2), everything else a store
    /// error (6).
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            StoreError::BadSpec(_) | StoreError::ReadOnly { .. } => crate::exit::ExitCode::Usage,
            _ => crate::exit::ExitCode::Store,
        }
    }
}
