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
//! - Lanes ([`RunConfig::lanes`]): the window is split over threads, each running its share on
//!   a single-threaded runtime of its own (the first on the caller's), and polling its lines
//!   itself, so a line stays on one thread (a kept connection too: `http::h1` pools them per
//!   thread); they share the plan
//!   reader, the budgets, the statistics, the journal and the count of lines in flight, which
//!   keeps the lanes together within the window. The executor's shared client may still use a
//!   connection another lane's runtime drives, so each lane's runtime keeps running until
//!   every lane is done. A lane that fails (or panics) stops the others, and the run returns
//!   its error.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
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
    /// Threads the window is spread over, each with its own runtime and connections (at most
    /// `concurrency`). Default 1: the caller's runtime only.
    pub lanes: usize,
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
            lanes: 1,
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
    let writer = JournalWriter::open(journal)?;
    let total = plan.counts.to_send + plan.counts.to_record;
    progress.start(total);

    // The plan is read by the lanes in turn: small reads from the page cache, a line at a time,
    // only when a window has room (so the read-ahead is one line per lane).
    let lanes = cfg.lanes.clamp(1, cfg.concurrency);
    let ctx = Arc::new(Lanes {
        shared: Mutex::new(Shared {
            rpm: cfg.rpm.map(|r| Gcra::per_minute(r, 1)),
            tpm: cfg.tpm.map(|t| Gcra::per_minute(t, t)),
            aimd: Aimd::new(cfg.concurrency),
            use_aimd: cfg.aimd,
            paused_until: None,
            stats: Stats::default(),
        }),
        reader: Mutex::new(plan.reader()?),
        writer: Mutex::new(writer),
        lanes,
        total,
        started,
        done: AtomicU64::new(0),
        in_flight: AtomicU64::new(0),
        input_done: AtomicBool::new(false),
        stop: cancel.child_token(),
        all_done: CancellationToken::new(),
    });
    // Whatever happens below, the lane threads end when the run does.
    let _release = ctx.all_done.clone().drop_guard();
    // Lanes 1.. each on a thread of its own with a single-threaded runtime; lane 0 here, with
    // the progress hook.
    let mut others = Vec::new();
    for idx in 1..lanes {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (exec, ctx2, cfg2, cancel2) = (exec.clone(), ctx.clone(), cfg.clone(), cancel.clone());
        let spawned = std::thread::Builder::new().name(format!("gwctl-batch-{idx}")).spawn(move || {
            let _guard = StopOnPanic(ctx2.clone());
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt.block_on(async move {
                    let r = lane(idx, exec, ctx2.clone(), &cfg2, cancel2, None).await;
                    if r.is_err() {
                        ctx2.stop.cancel();
                    }
                    let _ = tx.send(r);
                    // The executor's shared client may have opened connections on this
                    // runtime that other lanes use (TLS, proxies, a token endpoint): they are
                    // driven until every lane is done.
                    ctx2.all_done.cancelled().await;
                }),
                Err(e) => {
                    ctx2.stop.cancel();
                    let _ = tx.send(Err(BatchError::io("the async runtime", e)));
                }
            }
        });
        match spawned {
            Ok(_) => others.push(rx),
            // A thread that cannot start: its share of the window stays unused.
            Err(e) => crate::log::verbose(format_args!("batch: lane {idx} not started: {e}")),
        }
    }
    let mine = lane(0, exec, ctx.clone(), cfg, cancel.clone(), Some(progress)).await;
    if mine.is_err() {
        ctx.stop.cancel();
    }
    let mut ends = vec![mine];
    for rx in others {
        ends.push(rx.await.unwrap_or_else(|_| {
            Err(BatchError::Internal(
                "a batch lane stopped unexpectedly (a bug in gwctl); every line written is in the output, and a \
                 resumed run sends the rest"
                    .into(),
            ))
        }));
    }
    let mut not_done = 0u64;
    let mut cancelled = false;
    let mut first_err = None;
    for end in ends {
        match end {
            Ok(e) => {
                not_done += e.not_done;
                cancelled |= e.cancelled;
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err {
        let _ = lock_writer(&ctx).flush();
        return Err(e);
    }
    lock_writer(&ctx).sync()?;
    let done = ctx.done.load(Ordering::Relaxed);
    if cancelled {
        // Lines never read from the plan.
        not_done = total.saturating_sub(done);
    }
    let last = ProgressSnapshot { in_flight: 0, ..ctx.snapshot() };
    progress.finish(&last);
    let s = lock(&ctx.shared);
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

/// What the lanes share: the plan reader, the journal, the budgets and counts.
struct Lanes {
    shared: Mutex<Shared>,
    reader: Mutex<super::plan::PlanReader>,
    writer: Mutex<JournalWriter>,
    lanes: usize,
    total: u64,
    started: Instant,
    /// Lines final and written (or queued to be).
    done: AtomicU64,
    /// Lines on the wire (or waiting for a retry) in all lanes: at most the window.
    in_flight: AtomicU64,
    /// A lane has read the plan to its end.
    input_done: AtomicBool,
    /// Cancelled when a lane fails: the others stop too.
    stop: CancellationToken,
    /// Cancelled when the run ends: the lane threads may exit.
    all_done: CancellationToken,
}

/// Stops the other lanes when a lane's thread panics (the run then ends with an internal
/// error instead of sending the rest of the input first).
struct StopOnPanic(Arc<Lanes>);

impl Drop for StopOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop.cancel();
        }
    }
}

impl Lanes {
    fn snapshot(&self) -> ProgressSnapshot {
        let s = lock(&self.shared);
        ProgressSnapshot {
            done: self.done.load(Ordering::Relaxed),
            total: self.total,
            ok: s.stats.ok,
            failed: s.stats.failed_total(),
            retries: s.stats.retries,
            in_flight: self.in_flight.load(Ordering::Relaxed),
            window: s.aimd.window() as u64,
            tokens: s.stats.prompt_tokens + s.stats.completion_tokens,
            elapsed: self.started.elapsed(),
        }
    }

    /// This lane's part of the window: the window split evenly, the first lanes taking the
    /// remainder, and at least one (the shared count keeps the total within the window).
    fn share(&self, window: usize, idx: usize) -> usize {
        (window / self.lanes + usize::from(idx < window % self.lanes)).max(1)
    }
}

fn lock_writer(ctx: &Lanes) -> MutexGuard<'_, JournalWriter> {
    ctx.writer.lock().unwrap_or_else(|p| p.into_inner())
}

/// How a lane ended.
struct LaneEnd {
    /// Lines it had on the wire when the grace after cancellation ran out (not written).
    not_done: u64,
    cancelled: bool,
}

/// One lane: a window of concurrent lines on the current (single-threaded) runtime. Lines
/// come from the shared plan reader; finished lines are queued on the shared journal, which
/// is written whenever the lane has nothing ready.
async fn lane<E: Executor>(
    idx: usize,
    exec: Arc<E>,
    ctx: Arc<Lanes>,
    cfg: &RunConfig,
    cancel: CancellationToken,
    mut progress: Option<&mut dyn Progress>,
) -> Result<LaneEnd, BatchError> {
    // The lane's lines are futures polled by the lane itself (no task per line: 5% more lines
    // per second than a task each): they borrow the executor, the shared state and the
    // configuration, and are dropped (cancelled) with the set. A line that panics (a bug) is
    // not written, as a task's panic was not, and a resumed run sends it again.
    let mut set = FuturesUnordered::new();
    let mut input_done = false;
    let mut cancelled = false;
    let mut deadline: Option<Instant> = None;
    let mut not_done = 0u64;
    let mut tick = tokio::time::interval(cfg.progress_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let fail = |e: BatchError| {
        ctx.stop.cancel();
        Err(e)
    };
    let report = |progress: &mut Option<&mut dyn Progress>| {
        if let Some(p) = progress.as_mut() {
            p.update(&ctx.snapshot());
        }
    };

    loop {
        if ctx.stop.is_cancelled() && !cancel.is_cancelled() {
            // Another lane failed: its error ends the run.
            not_done += set.len() as u64;
            return Ok(LaneEnd { not_done, cancelled });
        }
        let window = if cfg.aimd { lock(&ctx.shared).aimd.window() } else { cfg.concurrency };
        let mine = ctx.share(window, idx);
        input_done |= ctx.input_done.load(Ordering::Relaxed);
        while !input_done && !cancelled && !cancel.is_cancelled() && set.len() < mine {
            // A place in the window first: the lanes together keep within it.
            if ctx.in_flight.fetch_add(1, Ordering::SeqCst) >= window as u64 {
                ctx.in_flight.fetch_sub(1, Ordering::SeqCst);
                break;
            }
            let next = ctx.reader.lock().unwrap_or_else(|p| p.into_inner()).next();
            if !matches!(next, Some(Ok(Work::Send(_)))) {
                ctx.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            match next {
                None => {
                    input_done = true;
                    ctx.input_done.store(true, Ordering::Relaxed);
                }
                Some(Err(e)) => return fail(e),
                Some(Ok(Work::Record { key, code, message, .. })) => {
                    let rec = Record::Invalid { key: &key, code, message: &message };
                    if let Err(e) = lock_writer(&ctx).write(&rec) {
                        return fail(e);
                    }
                    lock(&ctx.shared).stats.fail(code);
                    ctx.done.fetch_add(1, Ordering::Relaxed);
                    report(&mut progress);
                }
                Some(Ok(Work::Send(req))) => {
                    set.push(AssertUnwindSafe(line_task(&*exec, &ctx.shared, req, cfg, &cancel)).catch_unwind())
                }
            }
        }
        // Nothing more to start: what finished is written now, in one go.
        if let Err(e) = lock_writer(&ctx).flush() {
            return fail(e);
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
            _ = ctx.stop.cancelled(), if !cancel.is_cancelled() => {}
            _ = async { tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)).await }, if deadline.is_some() => {
                not_done += set.len() as u64;
                ctx.in_flight.fetch_sub(set.len() as u64, Ordering::SeqCst);
                set.clear();
                break;
            }
            Some(line) = set.next(), if !set.is_empty() => {
                // This one and any others already finished.
                let mut next = Some(line);
                while let Some(line) = next {
                    ctx.in_flight.fetch_sub(1, Ordering::SeqCst);
                    match line {
                        Err(_) => not_done += 1,
                        Ok(line) => match record_result(&ctx.shared, &line, &mut lock_writer(&ctx)) {
                            Ok(true) => {
                                ctx.done.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(false) => not_done += 1,
                            Err(e) => return fail(e),
                        },
                    }
                    report(&mut progress);
                    next = set.next().now_or_never().flatten();
                }
            }
            _ = tick.tick() => report(&mut progress),
        }
    }
    Ok(LaneEnd { not_done, cancelled })
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
            if s.rpm.is_none() && s.tpm.is_none() {
                None
            } else {
                let now = Instant::now();
                let a = s.rpm.as_mut().map_or(now, |g| g.reserve(now, 1));
                let b = s.tpm.as_mut().map_or(now, |g| g.reserve(now, req.est_tokens));
                Some(a.max(b))
            }
        };
        let go = match slot {
            Some(slot) => wait_until(slot, cancel).await,
            None => !cancel.is_cancelled(),
        };
        if !go {
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
                    let congested = r.status == 429 || sig.low;
                    if congested && s.use_aimd {
                        s.aimd.on_congestion(now);
                    }
                    if r.status == 429 {
                        s.stats.rate_limited += 1;
                    }
                    let ra = || limit::retry_after(r, SystemTime::now(), cfg.max_retry_after);
                    let pause = match (r.status == 429 || r.status == 503).then(ra).flatten() {
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
