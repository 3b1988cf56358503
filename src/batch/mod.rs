//! `gwctl invoke batch`: a JSONL file of model calls sent through a gateway, concurrently,
//! within rate limits, resumable after any crash.
//!
//! The pieces, in the order a run uses them:
//!
//! - [`input`]: the line reader (per-line size cap) and the line forms (OpenAI batch lines,
//!   `{"custom_id","body"}`, `{"custom_id","prompt"}`, no `custom_id` = the line number).
//! - [`journal`]: the output (and errors) file in OpenAI's batch output format. It is also the
//!   journal a resumed run reads: a torn last line is cut away, ids already written are skipped.
//! - [`plan`]: before anything is sent, the whole input is validated (JSON, fields, types,
//!   duplicate ids) and the lines still to send are listed, all in bounded memory.
//! - [`runner`]: the concurrent loop over an [`Executor`] (one signed HTTP attempt; the
//!   command glue implements it), with retries, `Retry-After`, `--rpm`/`--tpm`, AIMD on
//!   concurrency, `--shard`, `--limit` and cancellation; its window spread over lanes (one
//!   thread and single-threaded runtime each) sharing the plan reader, budgets and journal.
//! - [`stream`]: a streamed (SSE) answer collected into one body, for the executor.
//! - [`stats`]: counts by class, latency and TTFB percentiles, tokens; the summary (text and
//!   JSON) and the progress hook.
//!
//! # Exactly once
//! Results are whole lines, queued and written together (whenever the runner has nothing
//! ready, or once 64 KiB wait) on a file opened with `O_APPEND`; a crash can only leave a torn
//! *last* line, which the next run detects (no final newline, or a last line that is not JSON)
//! and truncates away, and loses only lines not yet written, which the next run sends again. Lines are written only once final, so an
//! id is in the journal at most once; a resumed run skips every id found there, except ids whose
//! record is a retryable failure (network, timeout, 429, 5xx after the last attempt): those
//! records are removed from the journal (a rewrite to a temporary file, then `rename`) before
//! the ids are sent again. So after any number of crashes and resumes each id of the input is in
//! the output (or in the errors file) exactly once. Resume with the same input, `--shard` and
//! `--limit`: a record removed for a retry is written again only if its line is in scope.
//!
//! # For the command glue
//! ```text
//! let plan = Plan::prepare(InputSource::Path(p) | InputSource::stdin(), &journal_opts, &plan_opts, dry_run)?;
//!     // blocking: call it before the runtime or in spawn_blocking; exit 3 on InvalidInput
//! dry run: for w in plan.reader()?.take(3) { sign and print Work::Send(req) }  (nothing written)
//! let res = batch::run(Arc::new(executor), plan, &journal_opts, &run_config, cancel_token, &mut progress).await?;
//! eprintln!("{}", res.summary.to_text()); write res.summary.to_json() to --summary-json;
//! exit with res.outcome.exit_code() (0 or 12), or err.exit_code() for a BatchError.
//! ```
//! The executor: `req.url` `None` means the `--route`/`--endpoint` target, else a path joined to
//! the profile's URL (or a full URL); `req.body` is the JSON body (`Content-Type:
//! application/json`), signed afresh on every call; when `req.stream`, collect the SSE answer
//! with [`stream::StreamCollector`]; bound the body; answer with [`ExecResponse::new`] (status,
//! headers, body, time to headers, total time) or an [`ExecError`] (connect, timeout, broken
//! stream: retried; anything else: final).
//!
//! # Memory
//! Nothing grows with the input: the input is streamed, the in-flight window holds at most
//! `concurrency` lines (plus a small read-ahead), and the duplicate and resume checks work on
//! hash partitions of spill files under a fixed memory budget ([`plan::PlanOptions::memory_budget`]),
//! splitting a partition further whenever its ids would not fit. The checks are exact (real ids
//! are compared, the hash only chooses the partition).
//!
//! # Sharding
//! `--shard K/N` takes the lines whose id hashes to `K` modulo `N`, the hash being **FNV-1a 64**
//! (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) over the UTF-8 bytes of the
//! `custom_id` (for a line without one, of its line number in decimal). Python:
//! `h = 0xcbf29ce484222325; for b in id.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64`.
//! N machines running `--shard 0/N` … `--shard N-1/N` on the same input cover it exactly once,
//! and their outputs concatenate.

pub mod input;
pub mod journal;
pub mod limit;
pub mod plan;
pub mod runner;
pub mod stats;
pub mod stream;

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use crate::exit::ExitCode;

pub use input::{BatchRequest, InputOptions, PromptBuilder};
pub use journal::{ErrorsTo, JournalOptions, Output};
pub use plan::{InputSource, Plan, PlanCounts, PlanOptions, Work};
pub use runner::{BatchOutcome, RunConfig, RunResult, run};
pub use stats::{NoProgress, Progress, ProgressSnapshot, Summary};

/// Errors that stop a batch run before or while it runs (failed *lines* are not errors: they
/// are written to the output and counted in the [`Summary`]).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The input has invalid lines (and `skip_invalid` is off). `first` holds up to
    /// [`plan::MAX_REPORTED`] of them, by line number, for the caller to print one per line.
    #[error("{input}: {count} invalid line(s), nothing was sent; first: {}", first.first().map(|e| e.to_string()).unwrap_or_default())]
    InvalidInput { input: String, count: u64, first: Vec<input::LineError> },
    /// The journal (output file) cannot be resumed from.
    #[error("{path}: {message}")]
    Journal { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    /// A bug: a part of the run stopped without saying why.
    #[error("{0}")]
    Internal(String),
    /// The output could not be written while running (disk full, …): the run stopped.
    #[error("cannot write {path}: {source}; the run stopped (resume with the same command)")]
    Write { path: String, source: std::io::Error },
}

impl BatchError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            BatchError::Io { .. } | BatchError::Write { .. } => ExitCode::Io,
            BatchError::InvalidInput { .. } | BatchError::Journal { .. } => ExitCode::InvalidInput,
            BatchError::Usage(_) => ExitCode::Usage,
            BatchError::Internal(_) => ExitCode::Internal,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BatchError::Io { path: path.into(), source }
    }
}

/// What one attempt got back: a status, the headers the runner needs and the whole body (a
/// streamed answer collected into one body by the executor), bounded by the executor.
#[derive(Clone, Debug, Default)]
pub struct ExecResponse {
    pub status: u16,
    /// Only the headers in [`ExecResponse::KEPT`] or starting with a prefix in
    /// [`ExecResponse::KEPT_PREFIXES`] are needed ([`ExecResponse::keep_header`] says which);
    /// names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Time to the response headers (first byte).
    pub ttfb: Duration,
    /// Time to the end of the body.
    pub total: Duration,
}

impl ExecResponse {
    pub const KEPT: &'static [&'static str] =
        &["x-request-id", "request-id", "retry-after", "retry-after-ms", "x-mlflow-gateway-duration-ms"];
    pub const KEPT_PREFIXES: &'static [&'static str] = &["x-ratelimit-", "x-ai-ratelimit-"];

    /// A response keeping only the headers the runner reads (names lower-cased).
    pub fn new<'a>(
        status: u16,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: Vec<u8>,
        ttfb: Duration,
        total: Duration,
    ) -> Self {
        let headers = headers
            .into_iter()
            .filter(|(n, _)| Self::keep_header(n))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect();
        ExecResponse { status, headers, body, ttfb, total }
    }

    /// Whether the runner uses a header (the executor may pass all of them; only these are read).
    pub fn keep_header(name: &str) -> bool {
        Self::KEPT.iter().any(|k| k.eq_ignore_ascii_case(name))
            || Self::KEPT_PREFIXES.iter().any(|p| name.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p)))
    }

    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id").or_else(|| self.header("request-id"))
    }
}

/// Why an attempt got no HTTP response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecErrorKind {
    /// Could not connect (refused, DNS, TLS handshake): retried.
    Connect,
    /// No answer in time: retried.
    Timeout,
    /// The answer broke off mid-body (or a stream errored): retried.
    Stream,
    /// Anything else (the request could not even be built or signed): final for the line.
    Other,
}

#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExecError {
    pub kind: ExecErrorKind,
    /// One line, no secret.
    pub message: String,
}

/// Sends ONE attempt of a request (signing it afresh: a new date, a new token). The runner owns
/// retries, pacing and cancellation (it drops the future when a cancelled run's grace ends).
pub trait Executor: Send + Sync + 'static {
    fn execute(&self, req: &BatchRequest) -> impl Future<Output = Result<ExecResponse, ExecError>> + Send;
}

/// FNV-1a 64 (the documented `--shard` hash).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `--shard K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// Parses `K/N` with `0 <= K < N`.
    pub fn parse(s: &str) -> Result<Shard, BatchError> {
        let bad = || BatchError::Usage(format!("--shard {s:?}: expected K/N with 0 <= K < N, e.g. 0/4"));
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    pub fn contains(&self, key: &Key) -> bool {
        key.shard_hash() % self.n == self.k
    }
}

/// What identifies a line in the journal: its `custom_id` (or, for a line without one, its
/// line number as a decimal string), or for an invalid line that has no usable id (not JSON, or
/// a duplicate id) its line number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Id(String),
    Line(u64),
}

impl Key {
    /// The documented shard hash: FNV-1a 64 of the id (of the decimal line number for `Line`).
    pub fn shard_hash(&self) -> u64 {
        match self {
            Key::Id(s) => fnv1a64(s.as_bytes()),
            Key::Line(n) => fnv1a64(n.to_string().as_bytes()),
        }
    }

    /// The hash that chooses spill partitions: independent of the shard hash's residues.
    pub(crate) fn part_hash(&self) -> u64 {
        let h = match self {
            Key::Id(s) => fnv1a64(s.as_bytes()),
            Key::Line(n) => fnv1a64(n.to_string().as_bytes()) ^ 0x5bd1_e995,
        };
        splitmix64(h)
    }
}

pub(crate) fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn shard_parse() {
        assert_eq!(Shard::parse("1/4").unwrap(), Shard { k: 1, n: 4 });
        for bad in ["4/4", "1", "a/2", "0/0", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod scenario_tests;
