//! Owner-only files written atomically, never through a symbolic link. The code lives in
//! [`crate::profile::store::private_file`] (layer L1), so the secret stores can use it too;
//! this path is kept for the config, completion cache and scaffold writers.

pub use super::store::private_file::*;
