//! gwctl: a command-line client and credential tool for AI/ML API gateways.
//!
//! The library holds everything; `src/main.rs` only parses arguments, dispatches and maps
//! errors to exit codes. Modules are layered, each importing only from its own layer or below
//! (`tests/architecture.rs` enforces it):
//!
//! - L0, pure values: [`signing`] (the one signing module), [`scheme`] (schemes and their
//!   settings), [`util`], [`redact`], [`exit`] (the exit-code table), [`log`], [`alloc`] (the
//!   allocator: the system's, or mimalloc for `invoke batch`).
//! - L1, protocols and the request model: [`request`], [`net`] (CA certificates and proxies
//!   every HTTP client applies), [`gateway`] (what each gateway flavour
//!   means: paths, payloads, error bodies, stream decoding), [`tokens`] (OAuth2 and STS token
//!   exchanges over a transport trait, the token cache), [`profile::store`] (secret stores).
//! - L2, configuration and transport: [`profile`] (typed profiles, the config file),
//!   [`credentials`] (providers with expiry), [`auth`] (settings + credential → signer),
//!   [`http`] (client, retries that re-sign, 401 refresh).
//! - L3, operations: [`client`] (build → execute, the gateway client), [`keys`], [`scaffold`],
//!   [`ops`] (profile transactions), [`serve`] (the local verifying gateway).
//! - L4, the command line: [`cli`], [`commands`], [`complete`], [`printer`], [`prompt`],
//!   [`output`], [`error`] (the one error → exit-code map).

pub mod alloc;
pub mod auth;
pub mod batch;
pub mod cli;
pub mod client;
pub mod commands;
pub mod complete;
pub mod credentials;
pub mod error;
pub mod exit;
pub mod gateway;
pub mod http;
pub mod keys;
pub mod log;
pub mod net;
pub mod ops;
pub mod output;
pub mod printer;
pub mod profile;
pub mod prompt;
pub mod redact;
pub mod request;
pub mod scaffold;
pub mod scheme;
pub mod serve;
pub mod signing;
pub mod tokens;
pub mod util;

/// Declared here so that the binary and every test and bench run on it.
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

pub use error::Error;
pub use exit::ExitCode;
