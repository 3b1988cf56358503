//! gwctl: a command-line client and credential tool for AI/ML API gateways.
//!
//! The library holds everything; `src/main.rs` only parses arguments, dispatches and maps
//! errors to exit codes.
//!
//! - [`signing`]: the one signing module (pure, synchronous).
//! - [`credentials`]: where secrets come from (the environment, or a [`profile`]).
//! - [`profile`]: credential profiles: the config file and the secret stores.
//! - [`auth`]: from a scheme, its settings and a credential source to a [`signing::Signer`].
//! - [`request_spec`]: curl-like request options (`-X`, `-H`, `-d`) and streamed body hashing.
//! - [`output`]: printing what to send (headers, JSON, a curl command, a URL).
//! - [`http`]: the HTTP client: timeouts, TLS, retries with re-signing, SSE parsing, redaction.
//! - [`gateway`]: what each gateway flavour means (AWS host names, MLflow routes, error bodies).
//! - [`keys`]: key rotation (IAM, gateway-managed pairs, JWT keys, passwords) and JWKS.
//! - [`scaffold`]: generated gateway-side configs (nginx Basic auth).
//! - [`prompt`]: prompting only on a terminal.
//! - [`cli`] and [`commands`]: clap definitions and one file per subcommand.

pub mod auth;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod credentials;
pub mod error;
pub mod exit;
pub mod gateway;
pub mod http;
pub mod keys;
pub mod log;
pub mod output;
pub mod profile;
pub mod prompt;
pub mod request_spec;
pub mod scaffold;
pub mod serve;
pub mod signing;

pub use error::{Error, ExitCode};
