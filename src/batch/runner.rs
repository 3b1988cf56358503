//! The run: a window of concurrent lines over an [`Executor`], with retries, pacing and
//! cancellation; results written to the journal as they finish.
//!
//! - Retried (up to [`RunConfig::max_attempts`] attempts per line): connection errors,
//!   timeouts, broken streams, 429 and 5xx. Backoff: `backoff_base × 2^(attempt-1)`, capped at
//!   `backoff_max`, with jitter (half to all of it); a `Retry-After` (seconds or HTTP date,
//!   capped at `max_retry_after`) or an exhausted `x-ratelimit-remaining-*` with its reset time
//!   pauses *every* line until then, not only the one that got it.
//! - Final at once: any other 4xx, and requests that cannot be built or signed.
//! - `--rpm`/`--tpm`: GCRA budgets booked before each attempt (tokens estimated from the body,
//!   corrected from the answer's `usage`).
//! - AIMD: the window starts at `concurrency`, halves on a 429 or a rate-limit header running
//!   low (at most once a second), and grows by one per window of successes.
//! - Cancellation: once `cancel` fires, no new line starts, lines waiting for a retry or a
//!   budget stop at once, and lines on the wire get `cancel_grace` to finish; what finished is
//!   written, the rest is left for a resumed run.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::journal::{JournalOptions, JournalWriter, Record};
use super::limit::{self, Aimd, Gcra};
use super::plan::{Plan, Work};
use super::stats::{Progress, ProgressSnapshot, Stats, Summary, Usage};
use super::{BatchError, BatchRequest, ExecError, ExecErrorKind, ExecResponse, Executor};
use crate::exit::ExitCode;

#[derive(Clone, Debug)]
pub struct RunConfig {
    /// In-flight lines at most (the AIMD window's ceiling). Default 16.
    pub concurrency: usize,
    /// Attempts per line, the first included. Default 3.
    pub max_attempts: u32,
    /// Requests per minute (client side).
    pub rpm: Option<u64>,
    /// Tokens per minute (client side, estimated then corrected from `usage`).
    pub tpm: Option<u64>,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Longest `Retry-After` honoured (longer ones are cut to this).
    pub max_retry_after: Duration,
    /// After cancellation, how long lines on the wire may take to finish.
    pub cancel_grace: Duration,
    /// Adapt the window to 429s and rate-limit headers.
    pub aimd: bool,
    /// How often the progress hook is called while nothing finishes.
    pub progress_every: Duration,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            concurrency: 16,
            max_attempts: 3,
            rpm: None,
            tpm: None,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
            cancel_grace: Duration::from_secs(30),
            aimd: true,
            progress_every: Duration::from_millis(500),
        }
    }
}

/// How a run ended (errors that stop a run are [`BatchError`]s instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Every line of this run succeeded (exit 0).
    AllOk,
    /// Some lines failed: the output or errors file says which (exit 12).
    SomeFailed,
    /// Cancelled before the end (exit 12 too: the summary says how to resume).
    Interrupted,
}

impl BatchOutcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            BatchOutcome::AllOk => ExitCode::Success,
            BatchOutcome::SomeFailed | BatchOutcome::Interrupted => ExitCode::BatchPartial,
        }
    }
}

#[derive(Clone, Debug)]
pub struct RunResult {
    pub outcome: BatchOutcome,
    pub summary: Summary,
}

struct Shared {
    rpm: Option<Gcra>,
    tpm: Option<Gcra>,
    aimd: Aimd,
    use_aimd: bool,
    paused_until: Option<Instant>,
    stats: Stats,
}

fn lock(s: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

enum Final {
    Response(ExecResponse),
    Failed(ExecError),
    /// Cancelled while waiting: not written.
    Abandoned,
}

struct LineDone {
    custom_id: String,
    result: Final,
}

/// Runs the plan: see the module docs. `progress` is called as lines finish.
pub async fn run<E: Executor>(
    exec: Arc<E>,
    plan: Plan,
    journal: &JournalOptions,
    cfg: &RunConfig,
    cancel: CancellationToken,
    progress: &mut dyn Progress,
) -> Result<RunResult, BatchError> {
    if cfg.concurrency == 0 || cfg.max_attempts == 0 {
        return Err(BatchError::Usage("--concurrency and --max-attempts must be at least 1".into()));
    }
    if cfg.rpm == Some(0) || cfg.tpm == Some(0) {
        return Err(BatchError::Usage("--rpm and --tpm must be at least 1".into()));
    }
    let started = Instant::now();
    plan.compact_journal(journal)?;
    let mut writer = JournalWriter::open(journal)?;
    let total = plan.counts.to_send + plan.counts.to_record;
    progress.start(total);

    let window_cap = cfg.concurrency;
    // The plan is read in this task: small reads from the page cache, a line at a time, only
    // when the window has room (so the read-ahead is one line).
    let mut reader = plan.reader()?;
    let shared = Arc::new(Mutex::new(Shared {
        rpm: cfg.rpm.map(|r| Gcra::per_minute(r, 1)),
        tpm: cfg.tpm.map(|t| Gcra::per_minute(t, t)),
        aimd: Aimd::new(window_cap),
        use_aimd: cfg.aimd,
        paused_until: None,
        stats: Stats::default(),
    }));
    let mut set: JoinSet<LineDone> = JoinSet::new();
    let mut input_done = false;
    let mut cancelled = false;
    let mut deadline: Option<Instant> = None;
    let mut done = 0u64;
    let mut not_done = 0u64;
    let mut tick = tokio::time::interval(cfg.progress_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let snap = |shared: &Mutex<Shared>, done: u64, in_flight: usize| {
        let s = lock(shared);
        ProgressSnapshot {
            done,
            total,
            ok: s.stats.ok,
            failed: s.stats.failed_total(),
            retries: s.stats.retries,
            in_flight: in_flight as u64,
            window: s.aimd.window() as u64,
            tokens: s.stats.prompt_tokens + s.stats.completion_tokens,
            elapsed: started.elapsed(),
        }
    };

    loop {
        let window = if cfg.aimd { lock(&shared).aimd.window() } else { window_cap };
        while !input_done && !cancelled && !cancel.is_cancelled() && set.len() < window {
            match reader.next() {
                None => input_done = true,
                Some(Err(e)) => {
                    set.abort_all();
                    return Err(e);
                }
                Some(Ok(Work::Record { key, code, message, .. })) => {
                    let rec = Record::Invalid { key: &key, code, message: &message };
                    if let Err(e) = writer.write(&rec) {
                        set.abort_all();
                        return Err(e);
                    }
                    lock(&shared).stats.fail(code);
                    done += 1;
                    progress.update(&snap(&shared, done, set.len()));
                }
                Some(Ok(Work::Send(req))) => {
                    let (exec, shared, cfg, cancel) = (exec.clone(), shared.clone(), cfg.clone(), cancel.clone());
                    set.spawn(async move { line_task(&*exec, &shared, req, &cfg, &cancel).await });
                }
            }
        }
        if (input_done || cancelled) && set.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled(), if !cancelled => {
                cancelled = true;
                deadline = Some(Instant::now() + cfg.cancel_grace);
            }
            _ = async { tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)).await }, if deadline.is_some() => {
                not_done += set.len() as u64;
                set.abort_all();
                while set.join_next().await.is_some() {}
                break;
            }
            Some(joined) = set.join_next(), if !set.is_empty() => {
                let Ok(line) = joined else { not_done += 1; continue };
                match record_result(&shared, &line, &mut writer) {
                    Ok(true) => done += 1,
                    Ok(false) => not_done += 1,
                    Err(e) => {
                        set.abort_all();
                        return Err(e);
                    }
                }
                progress.update(&snap(&shared, done, set.len()));
            }
            _ = tick.tick() => progress.update(&snap(&shared, done, set.len())),
        }
    }
    writer.sync()?;
    if cancelled {
        // Lines never read from the plan.
        not_done = total.saturating_sub(done);
    }
    let last = snap(&shared, done, 0);
    progress.finish(&last);
    let s = lock(&shared);
    let mut summary = Summary::build(&s.stats, &plan.counts, started.elapsed());
    summary.input = plan.input_name.clone();
    summary.output = match &journal.output {
        super::journal::Output::File(p) => p.display().to_string(),
        super::journal::Output::Stdout => "standard output".into(),
    };
    summary.concurrency_decreases = s.aimd.decreases;
    summary.final_concurrency = s.aimd.window() as u64;
    summary.interrupted = cancelled;
    summary.not_done = not_done;
    let retryable_failed: u64 = ["network", "timeout", "stream", "5xx", "http_429"]
        .iter()
        .filter_map(|c| summary.failed_by_class.get(*c))
        .sum();
    let outcome = if cancelled {
        BatchOutcome::Interrupted
    } else if summary.failed > 0 {
        BatchOutcome::SomeFailed
    } else {
        BatchOutcome::AllOk
    };
    if matches!(journal.output, super::journal::Output::File(_)) && (cancelled || retryable_failed > 0) {
        summary.resume_hint = Some(format!(
            "to finish: run the same command again (the output file is the journal: ids already done are skipped{})",
            if retryable_failed > 0 {
                format!(
                    ", and the {retryable_failed} line(s) that failed with network errors, timeouts, 429 or 5xx are sent again"
                )
            } else {
                String::new()
            }
        ));
    }
    Ok(RunResult { outcome, summary })
}

/// Writes a finished line; `false` when it was abandoned (not written).
fn record_result(shared: &Mutex<Shared>, line: &LineDone, writer: &mut JournalWriter) -> Result<bool, BatchError> {
    let id = line.custom_id.as_str();
    match &line.result {
        Final::Abandoned => Ok(false),
        Final::Response(r) => {
            let ok = (200..300).contains(&r.status);
            let error = (!ok).then(|| (format!("http_{}", r.status), error_message(r)));
            let code = error.as_ref().map(|(c, _)| c.clone());
            writer.write(&Record::Response {
                custom_id: id,
                status: r.status,
                request_id: r.request_id(),
                body: &r.body,
                error,
            })?;
            let mut s = lock(shared);
            match code {
                None => s.stats.ok += 1,
                Some(c) => s.stats.fail(&c),
            }
            Ok(true)
        }
        Final::Failed(e) => {
            let code = match e.kind {
                ExecErrorKind::Connect => "connection_error",
                ExecErrorKind::Timeout => "timeout",
                ExecErrorKind::Stream => "stream_error",
                ExecErrorKind::Other => "request_error",
            };
            writer.write(&Record::Failure { custom_id: id, code, message: &e.message })?;
            lock(shared).stats.fail(code);
            Ok(true)
        }
    }
}

/// A one-line message from an error answer: `error.message`, `error` (a string), `message`,
/// `detail`, else the start of the body.
fn error_message(r: &ExecResponse) -> String {
    let v: Option<serde_json::Value> = serde_json::from_slice(&r.body).ok();
    let pick = v.as_ref().and_then(|v| {
        [v.pointer("/error/message"), v.get("error"), v.get("message"), v.get("detail")]
            .into_iter()
            .flatten()
            .find_map(|x| x.as_str().map(str::to_string))
    });
    let text = pick.unwrap_or_else(|| String::from_utf8_lossy(&r.body[..r.body.len().min(300)]).into_owned());
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("HTTP {}: {}", r.status, super::input::truncate(&one, 300))
}

/// Waits until `t`, or returns false when cancelled first.
async fn wait_until(t: Instant, cancel: &CancellationToken) -> bool {
    if t <= Instant::now() {
        return !cancel.is_cancelled();
    }
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep_until(t) => true,
    }
}

fn backoff(cfg: &RunConfig, attempt: u32) -> Duration {
    let d = cfg.backoff_base.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(20)).min(cfg.backoff_max);
    d.mul_f64(0.5 + fastrand::f64() * 0.5)
}

async fn line_task<E: Executor>(
    exec: &E,
    shared: &Mutex<Shared>,
    req: BatchRequest,
    cfg: &RunConfig,
    cancel: &CancellationToken,
) -> LineDone {
    let abandoned = |req: BatchRequest| LineDone { custom_id: req.custom_id, result: Final::Abandoned };
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        // A global pause (Retry-After, exhausted rate limit) first, then the budgets.
        loop {
            let until = lock(shared).paused_until.filter(|t| *t > Instant::now());
            match until {
                Some(t) => {
                    if !wait_until(t, cancel).await {
                        return abandoned(req);
                    }
                }
                None => break,
            }
        }
        let slot = {
            let mut s = lock(shared);
            let now = Instant::now();
            let a = s.rpm.as_mut().map_or(now, |g| g.reserve(now, 1));
            let b = s.tpm.as_mut().map_or(now, |g| g.reserve(now, req.est_tokens));
            a.max(b)
        };
        if !wait_until(slot, cancel).await {
            return abandoned(req);
        }
        let result = exec.execute(&req).await;
        let now = Instant::now();
        let mut retry_wait = None;
        let retryable = {
            let mut s = lock(shared);
            s.stats.attempts += 1;
            if attempt > 1 {
                s.stats.retries += 1;
            }
            match &result {
                Ok(r) => {
                    s.stats.latency.record(r.total);
                    s.stats.ttfb.record(r.ttfb);
                    if let Some(ms) = r.header("x-mlflow-gateway-duration-ms").and_then(|v| v.parse::<f64>().ok())
                        && ms.is_finite()
                        && ms >= 0.0
                    {
                        s.stats.gateway_ms_sum += ms;
                        s.stats.gateway_ms_n += 1;
                    }
                    let sig = limit::rate_signal(r);
                    let ra = limit::retry_after(r, SystemTime::now(), cfg.max_retry_after);
                    let congested = r.status == 429 || sig.low;
                    if congested && s.use_aimd {
                        s.aimd.on_congestion(now);
                    }
                    if r.status == 429 {
                        s.stats.rate_limited += 1;
                    }
                    let pause = match (r.status == 429 || r.status == 503).then_some(ra).flatten() {
                        Some(p) => Some(p),
                        None => sig.pause.map(|p| p.min(cfg.max_retry_after)),
                    };
                    if let Some(p) = pause {
                        let until = now + p;
                        s.paused_until = Some(s.paused_until.map_or(until, |t| t.max(until)));
                        retry_wait = Some(p);
                    }
                    if (200..300).contains(&r.status) {
                        if s.use_aimd && !congested {
                            s.aimd.on_success();
                        }
                        if let Some(u) = Usage::from_body(&r.body) {
                            s.stats.prompt_tokens += u.prompt;
                            s.stats.completion_tokens += u.completion;
                            if let Some(g) = s.tpm.as_mut() {
                                g.correct(now, u.total() as i64 - req.est_tokens as i64);
                            }
                        }
                    }
                    r.status == 429 || (500..600).contains(&r.status)
                }
                Err(e) => e.kind != ExecErrorKind::Other,
            }
        };
        if !retryable || attempt >= cfg.max_attempts || cancel.is_cancelled() {
            let result = match result {
                Ok(r) => Final::Response(r),
                Err(e) => Final::Failed(e),
            };
            return LineDone { custom_id: req.custom_id, result };
        }
        let wait = backoff(cfg, attempt).max(retry_wait.unwrap_or_default());
        if !wait_until(Instant::now() + wait, cancel).await {
            return abandoned(req);
        }
    }
}
