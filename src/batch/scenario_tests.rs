//! Whole-run tests: plan + runner + journal with a mock executor (tokio's paused clock, no
//! wall-clock timing).

#![allow(clippy::manual_async_fn)] // the mocks spell out the trait's `impl Future + Send`

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::journal::{self, ErrorsTo, JournalOptions, Output, Record};
use super::plan::{InputSource, Plan, PlanOptions, Work};
use super::runner::{BatchOutcome, RunConfig, RunResult, run};
use super::stats::{NoProgress, Progress, ProgressSnapshot};
use super::*;

type Behave = dyn Fn(&BatchRequest, u32, u64) -> Result<ExecResponse, ExecError> + Send + Sync;

/// A mock gateway: `behave(request, attempt of this id, call number)`.
struct Mock {
    behave: Box<Behave>,
    delay: Duration,
    calls: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    attempts: Mutex<HashMap<String, u32>>,
    /// (call time, in flight at that call)
    log: Mutex<Vec<(Instant, u64)>>,
}

impl Mock {
    fn new(
        delay: Duration,
        behave: impl Fn(&BatchRequest, u32, u64) -> Result<ExecResponse, ExecError> + Send + Sync + 'static,
    ) -> Arc<Mock> {
        Arc::new(Mock {
            behave: Box::new(behave),
            delay,
            calls: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
            attempts: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
        })
    }
}

impl Executor for Mock {
    fn execute(&self, req: &BatchRequest) -> impl Future<Output = Result<ExecResponse, ExecError>> + Send {
        async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let attempt = {
                let mut a = self.attempts.lock().unwrap();
                let e = a.entry(req.custom_id.clone()).or_default();
                *e += 1;
                *e
            };
            let inf = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_in_flight.fetch_max(inf, Ordering::SeqCst);
            self.log.lock().unwrap().push((Instant::now(), inf));
            tokio::time::sleep(self.delay).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            (self.behave)(req, attempt, n)
        }
    }
}

fn ok(req: &BatchRequest) -> Result<ExecResponse, ExecError> {
    Ok(ExecResponse {
        status: 200,
        headers: vec![("x-request-id".into(), format!("req-{}", req.line_no))],
        body: format!(r#"{{"echo":{:?},"usage":{{"prompt_tokens":2,"completion_tokens":3}}}}"#, req.custom_id)
            .into_bytes(),
        ttfb: Duration::from_millis(5),
        total: Duration::from_millis(10),
    })
}

fn status(code: u16, headers: &[(&str, &str)]) -> Result<ExecResponse, ExecError> {
    Ok(ExecResponse {
        status: code,
        headers: headers.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        body: br#"{"error":{"message":"nope"}}"#.to_vec(),
        ..Default::default()
    })
}

struct Env {
    _dir: tempfile::TempDir,
    input: PathBuf,
    journal: JournalOptions,
    popts: PlanOptions,
}

fn env(lines: impl IntoIterator<Item = String>, errors_file: bool) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    f.flush().unwrap();
    let errors = if errors_file { ErrorsTo::File(dir.path().join("err.jsonl")) } else { ErrorsTo::SameFile };
    let mut journal = JournalOptions::new(Output::File(dir.path().join("out.jsonl")), errors);
    journal.fsync_every = None;
    let mut popts = PlanOptions { spill_dir: Some(dir.path().to_path_buf()), ..Default::default() };
    popts.input.has_default_target = true;
    Env { _dir: dir, input, journal, popts }
}

fn lines(n: u64) -> impl Iterator<Item = String> {
    (1..=n).map(|i| format!(r#"{{"custom_id":"id-{i}","body":{{"messages":[{{"role":"user","content":"hi {i}"}}]}}}}"#))
}

impl Env {
    fn plan(&self) -> Result<Plan, BatchError> {
        Plan::prepare(InputSource::Path(self.input.clone()), &self.journal, &self.popts, false)
    }

    async fn run(&self, mock: &Arc<Mock>, cfg: &RunConfig, cancel: CancellationToken) -> RunResult {
        let plan = self.plan().unwrap();
        run(mock.clone(), plan, &self.journal, cfg, cancel, &mut NoProgress).await.unwrap()
    }

    /// Every record in the output and errors files.
    fn records(&self) -> Vec<serde_json::Value> {
        let mut v = Vec::new();
        for p in self.journal.files() {
            if p.exists() {
                v.extend(journal::read_records(&p).unwrap());
            }
        }
        v
    }

    fn id_counts(&self) -> HashMap<String, u32> {
        let mut m = HashMap::new();
        for r in self.records() {
            let k = match r["custom_id"].as_str() {
                Some(s) => s.to_string(),
                None => format!("#line{}", r["line"]),
            };
            *m.entry(k).or_default() += 1;
        }
        m
    }

    fn out_path(&self) -> &Path {
        match &self.journal.output {
            Output::File(p) => p,
            Output::Stdout => unreachable!(),
        }
    }
}

fn assert_exactly_once(e: &Env, n: u64) {
    let c = e.id_counts();
    assert_eq!(c.len() as u64, n, "ids in output");
    for i in 1..=n {
        assert_eq!(c.get(&format!("id-{i}")), Some(&1), "id-{i}");
    }
}

#[test]
fn duplicates_are_found_across_partitions_with_line_numbers() {
    let mut ls: Vec<String> = lines(3000).collect();
    ls[2999] = r#"{"custom_id":"id-7","body":{}}"#.into(); // line 3000 repeats line 7
    ls[1499] = r#"{"custom_id":"id-1","body":{}}"#.into(); // line 1500 repeats line 1
    ls[9] = "{broken".into(); // line 10
    let mut e = env(ls, false);
    e.popts.memory_budget = 8 * 1024; // forces partitions
    let err = e.plan().err().unwrap();
    let BatchError::InvalidInput { count, first, .. } = &err else { panic!("{err}") };
    assert_eq!(*count, 3);
    let got: Vec<_> = first.iter().map(|l| (l.line_no, l.code)).collect();
    assert_eq!(got, vec![(10, "invalid_line"), (1500, "duplicate_custom_id"), (3000, "duplicate_custom_id")]);
    assert!(first[2].message.contains("duplicate custom_id \"id-7\" (first on line 7)"), "{}", first[2].message);
    assert!(err.to_string().contains("3 invalid line(s), nothing was sent; first: line 10: invalid JSON"), "{err}");
    assert_eq!(err.exit_code(), crate::exit::ExitCode::InvalidInput);
    assert!(!e.out_path().exists() || std::fs::metadata(e.out_path()).unwrap().len() == 0);

    // skip_invalid: the plan records them instead, and the partitions really were several
    e.popts.skip_invalid = true;
    let plan = e.plan().unwrap();
    assert!(plan.counts.partitions > 1, "{:?}", plan.counts);
    assert_eq!((plan.counts.to_send, plan.counts.to_record, plan.counts.duplicates), (2997, 3, 2));
    // Read back in input order, the partitions' parts merged.
    let (mut recs, mut order) = (Vec::new(), Vec::new());
    for w in plan.reader().unwrap() {
        match w.unwrap() {
            Work::Record { key, line_no, .. } => {
                recs.push(key);
                order.push(line_no);
            }
            Work::Send(r) => order.push(r.line_no),
        }
    }
    assert_eq!(recs, vec![Key::Line(10), Key::Line(1500), Key::Line(3000)]);
    assert_eq!(order, (1..=3000).collect::<Vec<u64>>());
}

#[test]
fn first_twenty_invalid_lines_in_line_order() {
    let ls = (1..=100).map(|i| {
        if i % 3 == 0 {
            format!(r#"{{"custom_id":"x{i}","bdy":{{}}}}"#)
        } else {
            format!(r#"{{"custom_id":"x{i}","body":{{}}}}"#)
        }
    });
    let e = env(ls, false);
    let BatchError::InvalidInput { count, first, .. } = e.plan().err().unwrap() else { panic!() };
    assert_eq!(count, 33);
    assert_eq!(first.len(), plan::MAX_REPORTED);
    assert_eq!(first.iter().map(|l| l.line_no).collect::<Vec<_>>(), (1..=20).map(|i| i * 3).collect::<Vec<_>>());
    assert!(first[0].to_string().starts_with("line 3: unknown field \"bdy\""));
}

#[test]
fn shards_cover_the_input_exactly_once() {
    let e0 = env(lines(1000).chain(["{bad".to_string()]), false);
    let mut seen = HashMap::new();
    for k in 0..4 {
        let mut popts = e0.popts.clone();
        popts.shard = Some(Shard { k, n: 4 });
        popts.skip_invalid = true;
        let plan = Plan::prepare(InputSource::Path(e0.input.clone()), &e0.journal, &popts, true).unwrap();
        assert!(plan.counts.to_send > 150, "shard {k}: {:?}", plan.counts);
        for w in plan.reader().unwrap() {
            let line = match w.unwrap() {
                Work::Send(r) => {
                    assert_eq!(fnv1a64(r.custom_id.as_bytes()) % 4, k);
                    r.line_no
                }
                Work::Record { line_no, .. } => line_no,
            };
            *seen.entry(line).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 1001);
    assert!(seen.values().all(|&c| c == 1));
}

#[test]
fn limit_takes_the_first_lines_and_stdin_is_copied() {
    let e = env(lines(50), false);
    let mut popts = e.popts.clone();
    popts.limit = Some(10);
    let data = std::fs::read(&e.input).unwrap();
    let src = InputSource::Reader { name: "standard input".into(), reader: Box::new(std::io::Cursor::new(data)) };
    let plan = Plan::prepare(src, &e.journal, &popts, true).unwrap();
    let ids: Vec<_> = plan
        .reader()
        .unwrap()
        .map(|w| match w.unwrap() {
            Work::Send(r) => r.custom_id,
            Work::Record { .. } => panic!(),
        })
        .collect();
    assert_eq!(ids, (1..=10).map(|i| format!("id-{i}")).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn resume_skips_exactly_the_done_ids_and_retries_retryable_failures() {
    let mut e = env(lines(500), true);
    e.popts.memory_budget = 4096;
    // A previous run: ids 1..=200 done (ok or final 4xx), id-300 failed with a 503 (retryable),
    // id-301 with a 400 (final), and a torn last line for id-302.
    let mut out = Vec::new();
    let mut err = Vec::new();
    for i in 1..=200 {
        let id = format!("id-{i}");
        out.extend(
            Record::Response { custom_id: &id, status: 200, request_id: None, body: b"{}", error: None }.to_line(),
        );
    }
    for (id, st) in [("id-300", 503u16), ("id-301", 400)] {
        err.extend(
            Record::Response {
                custom_id: id,
                status: st,
                request_id: None,
                body: b"{}",
                error: Some((format!("http_{st}"), "x".into())),
            }
            .to_line(),
        );
    }
    out.extend_from_slice(br#"{"id":"batch_req_x","custom_id":"id-302","response":{"sta"#);
    std::fs::write(e.out_path(), &out).unwrap();
    let ErrorsTo::File(errp) = e.journal.errors.clone() else { unreachable!() };
    std::fs::write(&errp, &err).unwrap();

    let plan = e.plan().unwrap();
    assert!(plan.counts.partitions > 1);
    assert_eq!(plan.counts.already_done, 201);
    assert_eq!(plan.counts.to_send, 299);
    assert_eq!(plan.counts.journal_replaced, 1);
    assert!(plan.counts.journal_torn_bytes > 0);
    let mock = Mock::new(Duration::from_millis(5), |r, _, _| ok(r));
    let res = run(mock.clone(), plan, &e.journal, &RunConfig::default(), CancellationToken::new(), &mut NoProgress)
        .await
        .unwrap();
    assert_eq!(res.outcome, BatchOutcome::AllOk);
    assert_eq!(mock.calls.load(Ordering::SeqCst), 299);
    let sent = mock.attempts.lock().unwrap();
    assert!(sent.contains_key("id-300") && sent.contains_key("id-302") && !sent.contains_key("id-301"));
    assert!(!sent.keys().any(|k| k.trim_start_matches("id-").parse::<u32>().unwrap() <= 200));
    drop(sent);
    assert_exactly_once(&e, 500);
    // and a second resume has nothing to do
    let plan = e.plan().unwrap();
    assert_eq!((plan.counts.to_send, plan.counts.already_done), (0, 500));
}

#[tokio::test(start_paused = true)]
async fn random_failures_with_retries_write_each_id_once() {
    let e = env(lines(400), false);
    let rng = Mutex::new(fastrand::Rng::with_seed(7));
    let mock = Mock::new(Duration::from_millis(20), move |r, _, _| {
        let x = rng.lock().unwrap().u32(0..100);
        match x {
            0..=14 => Err(ExecError { kind: ExecErrorKind::Connect, message: "refused".into() }),
            15..=24 => Err(ExecError { kind: ExecErrorKind::Timeout, message: "timed out".into() }),
            25..=34 => status(500, &[]),
            35..=37 => status(422, &[]),
            _ => ok(r),
        }
    });
    let cfg = RunConfig { concurrency: 32, aimd: false, ..Default::default() };
    let res = e.run(&mock, &cfg, CancellationToken::new()).await;
    assert_exactly_once(&e, 400);
    let s = &res.summary;
    assert_eq!(s.ok + s.failed, 400);
    assert!(s.retries > 50, "{s:?}");
    assert!(s.failed_by_class.contains_key("http_422"));
    assert_eq!(res.outcome, BatchOutcome::SomeFailed);
    assert_eq!(res.outcome.exit_code(), crate::exit::ExitCode::BatchPartial);
    assert!(mock.attempts.lock().unwrap().values().all(|&a| a <= 3));
    // a resume retries only the retryable failures, and still each id once
    let retryable = s.failed - s.failed_by_class.get("http_422").copied().unwrap_or(0);
    let mock2 = Mock::new(Duration::from_millis(1), |r, _, _| ok(r));
    e.run(&mock2, &cfg, CancellationToken::new()).await;
    assert_eq!(mock2.calls.load(Ordering::SeqCst), retryable);
    assert_exactly_once(&e, 400);
}

#[tokio::test(start_paused = true)]
async fn rate_limited_gateway_converges_without_failures() {
    let e = env(lines(200), false);
    let start = Instant::now();
    // The gateway refuses everything for its first 10 s, saying when to come back.
    let mock = Mock::new(Duration::from_millis(50), move |r, _, _| {
        let left = Duration::from_secs(10).saturating_sub(start.elapsed());
        if left > Duration::ZERO {
            status(429, &[("retry-after", &left.as_secs_f64().ceil().to_string())])
        } else {
            ok(r)
        }
    });
    let cfg = RunConfig { concurrency: 16, ..Default::default() };
    let res = e.run(&mock, &cfg, CancellationToken::new()).await;
    assert_eq!(res.outcome, BatchOutcome::AllOk, "{}", res.summary.to_text());
    assert_exactly_once(&e, 200);
    let calls = mock.calls.load(Ordering::SeqCst);
    assert!(calls < 200 * 3, "{calls}");
    assert!(calls < 200 + 2 * 16, "the pause is shared, so only the first window is refused: {calls}");
    assert!(res.summary.rate_limited > 0 && res.summary.concurrency_decreases > 0, "{:?}", res.summary);
}

#[tokio::test(start_paused = true)]
async fn aimd_lowers_concurrency_under_429s() {
    let e = env(lines(300), false);
    // 429 without Retry-After whenever more than 4 requests are in flight.
    let gate = Arc::new(AtomicU64::new(0));
    let g2 = gate.clone();
    let busy =
        Mock::new(
            Duration::from_millis(100),
            move |r, _, _| {
                if g2.load(Ordering::SeqCst) > 4 { status(429, &[]) } else { ok(r) }
            },
        );
    // track in-flight count for the gate
    struct Gated(Arc<Mock>, Arc<AtomicU64>);
    impl Executor for Gated {
        fn execute(&self, req: &BatchRequest) -> impl Future<Output = Result<ExecResponse, ExecError>> + Send {
            async move {
                self.1.fetch_add(1, Ordering::SeqCst);
                let r = self.0.execute(req).await;
                self.1.fetch_sub(1, Ordering::SeqCst);
                r
            }
        }
    }
    let exec = Arc::new(Gated(busy.clone(), gate));
    let plan = e.plan().unwrap();
    let cfg =
        RunConfig { concurrency: 32, max_attempts: 10, backoff_base: Duration::from_millis(100), ..Default::default() };
    let res = run(exec, plan, &e.journal, &cfg, CancellationToken::new(), &mut NoProgress).await.unwrap();
    assert_exactly_once(&e, 300);
    assert!(res.summary.concurrency_decreases >= 2, "{:?}", res.summary);
    // once converged, far fewer than 32 requests are in flight
    let log = busy.log.lock().unwrap();
    let late: Vec<_> = log.iter().skip(log.len() / 2).map(|(_, f)| *f).collect();
    let mean = late.iter().sum::<u64>() as f64 / late.len() as f64;
    assert!(mean < 12.0, "mean in flight in the second half: {mean}");
    assert!(res.summary.final_concurrency < 32);
}

#[tokio::test(start_paused = true)]
async fn rpm_limit_holds_the_rate() {
    let e = env(lines(30), false);
    let mock = Mock::new(Duration::from_millis(10), |r, _, _| ok(r));
    let cfg = RunConfig { concurrency: 16, rpm: Some(60), ..Default::default() };
    let t0 = Instant::now();
    let res = e.run(&mock, &cfg, CancellationToken::new()).await;
    assert_eq!(res.outcome, BatchOutcome::AllOk);
    let log = mock.log.lock().unwrap();
    let times: Vec<_> = log.iter().map(|(t, _)| t.duration_since(t0)).collect();
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= Duration::from_millis(999), "{:?}", w);
    }
    assert!(times[29] >= Duration::from_secs(29) && times[29] < Duration::from_secs(31), "{:?}", times[29]);
}

#[tokio::test(start_paused = true)]
async fn tpm_limit_uses_estimates_and_usage() {
    let e = env(lines(20), false);
    // each body estimates ~13 tokens; usage says 5 (2 + 3)
    let mock = Mock::new(Duration::from_millis(10), |r, _, _| ok(r));
    let cfg = RunConfig { concurrency: 4, tpm: Some(60), ..Default::default() };
    let t0 = Instant::now();
    e.run(&mock, &cfg, CancellationToken::new()).await;
    let elapsed = t0.elapsed();
    // 20 lines × 5 real tokens = 100 tokens at 60/min, after a first burst of 60: ≥ 40 s
    assert!(elapsed >= Duration::from_secs(30) && elapsed < Duration::from_secs(300), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn cancellation_writes_in_flight_lines_then_stops() {
    let e = env(lines(40), false);
    let mock = Mock::new(Duration::from_secs(10), |r, _, _| ok(r));
    let cfg = RunConfig { concurrency: 4, aimd: false, ..Default::default() };
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        c2.cancel();
    });
    let res = e.run(&mock, &cfg, cancel).await;
    assert_eq!(res.outcome, BatchOutcome::Interrupted);
    assert_eq!(mock.calls.load(Ordering::SeqCst), 4);
    assert_eq!(e.records().len(), 4, "the 4 in-flight lines are written");
    assert_eq!(res.summary.not_done, 36);
    assert!(res.summary.resume_hint.as_deref().unwrap_or("").contains("run the same command again"));
    // a short grace abandons lines still on the wire: nothing written for them
    let e2 = env(lines(10), false);
    let cfg = RunConfig { concurrency: 4, aimd: false, cancel_grace: Duration::from_secs(1), ..Default::default() };
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        c2.cancel();
    });
    let res = e2.run(&mock, &cfg, cancel).await;
    assert_eq!(res.outcome, BatchOutcome::Interrupted);
    assert_eq!(e2.records().len(), 0);
    assert_eq!(res.summary.not_done, 10);
    // and the resumed run finishes the job
    let res = e2
        .run(&Mock::new(Duration::from_millis(1), |r, _, _| ok(r)), &RunConfig::default(), CancellationToken::new())
        .await;
    assert_eq!(res.outcome, BatchOutcome::AllOk);
    assert_exactly_once(&e2, 10);
}

#[tokio::test(start_paused = true)]
async fn skip_invalid_records_bad_lines_once_across_resumes() {
    let ls = lines(20).chain([
        "{oops".to_string(),
        r#"{"custom_id":"id-3","body":{}}"#.to_string(),
        r#"{"custom_id":"odd","bdy":{}}"#.to_string(),
    ]);
    let mut e = env(ls, false);
    e.popts.skip_invalid = true;
    let mock = Mock::new(Duration::from_millis(1), |r, _, _| ok(r));
    let res = e.run(&mock, &RunConfig::default(), CancellationToken::new()).await;
    assert_eq!(res.outcome, BatchOutcome::SomeFailed);
    assert_eq!(res.summary.failed_by_class.get("invalid_line"), Some(&2));
    assert_eq!(res.summary.failed_by_class.get("duplicate_custom_id"), Some(&1));
    let c = e.id_counts();
    assert_eq!((c.get("#line21"), c.get("#line22"), c.get("odd")), (Some(&1), Some(&1), Some(&1)));
    e.run(&mock, &RunConfig::default(), CancellationToken::new()).await;
    assert_eq!(e.id_counts(), c, "a resume rewrites the invalid-line records, once");
    assert_eq!(mock.calls.load(Ordering::SeqCst), 20);
}

/// Peak RSS of validation + resume + a run over a generated input, in a child process.
/// `cargo test --lib batch::scenario_tests::memory_is_flat -- --ignored --nocapture`
#[test]
#[ignore = "generates a 1M-line input; about 3 minutes in a debug build"]
fn memory_is_flat() {
    let exe = std::env::current_exe().unwrap();
    let mut res = Vec::new();
    for n in [10_000u64, 1_000_000] {
        let out = std::process::Command::new(&exe)
            .args(["--ignored", "--exact", "batch::scenario_tests::memory_child", "--nocapture", "--test-threads=1"])
            .env("GWCTL_BATCH_MEM_LINES", n.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let kb: u64 = text
            .lines()
            .find_map(|l| l.split("VMHWM_KB=").nth(1))
            .unwrap_or_else(|| panic!("child said: {text} {}", String::from_utf8_lossy(&out.stderr)))
            .trim()
            .parse()
            .unwrap();
        println!("{n} lines: peak RSS {kb} KiB");
        res.push(kb as f64);
    }
    let ratio = res[1] / res[0];
    println!("ratio 1M / 10k: {ratio:.3}");
    assert!(ratio < 1.10, "peak RSS grew by {:.1}%", (ratio - 1.0) * 100.0);
}

#[test]
#[ignore = "run by memory_is_flat in a child process"]
fn memory_child() {
    let Ok(n) = std::env::var("GWCTL_BATCH_MEM_LINES") else { return };
    let n: u64 = n.parse().unwrap();
    let e = env(lines(n), false);
    // half of it done by a previous run
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(e.out_path()).unwrap());
        for i in 1..=n / 2 {
            let id = format!("id-{i}");
            w.write_all(
                &Record::Response { custom_id: &id, status: 200, request_id: None, body: b"{}", error: None }.to_line(),
            )
            .unwrap();
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mock = Arc::new(Instant2);
        let plan = e.plan().unwrap();
        assert_eq!(plan.counts.to_send, n - n / 2);
        let cfg = RunConfig { concurrency: 64, ..Default::default() };
        let r = run(mock, plan, &e.journal, &cfg, CancellationToken::new(), &mut NoProgress).await.unwrap();
        assert_eq!(r.summary.ok, n - n / 2);
    });
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).unwrap().trim().trim_end_matches(" kB").trim();
    println!("VMHWM_KB={hwm}");
}

/// An executor that answers at once.
struct Instant2;
impl Executor for Instant2 {
    fn execute(&self, req: &BatchRequest) -> impl Future<Output = Result<ExecResponse, ExecError>> + Send {
        let r = ok(req);
        async move { r }
    }
}

#[tokio::test(start_paused = true)]
async fn progress_hook_sees_every_line() {
    #[derive(Default)]
    struct Count {
        total: u64,
        updates: u64,
        last: Option<ProgressSnapshot>,
    }
    impl Progress for Count {
        fn start(&mut self, total: u64) {
            self.total = total;
        }
        fn update(&mut self, snap: &ProgressSnapshot) {
            self.updates += 1;
            assert!(snap.done <= snap.total && snap.in_flight <= 8);
        }
        fn finish(&mut self, snap: &ProgressSnapshot) {
            self.last = Some(snap.clone());
        }
    }
    let e = env(lines(50), false);
    let mock = Mock::new(Duration::from_millis(30), |r, _, _| ok(r));
    let mut p = Count::default();
    let cfg = RunConfig { concurrency: 8, ..Default::default() };
    let res = run(mock, e.plan().unwrap(), &e.journal, &cfg, CancellationToken::new(), &mut p).await.unwrap();
    assert_eq!(p.total, 50);
    assert!(p.updates >= 50);
    let last = p.last.unwrap();
    assert_eq!((last.done, last.ok, last.failed, last.tokens), (50, 50, 0, 250));
    assert_eq!((res.summary.prompt_tokens, res.summary.completion_tokens), (100, 150));
    assert!(res.summary.to_text().contains("50 line(s) done: 50 ok, 0 failed"));
}

#[tokio::test(start_paused = true)]
async fn crash_mid_run_then_resume_gives_each_id_once() {
    let e = env(lines(120), true);
    // Run 1: stopped hard after ~2 s (no grace: lines on the wire are dropped, as by SIGKILL).
    let rng = Mutex::new(fastrand::Rng::with_seed(3));
    let flaky =
        Mock::new(
            Duration::from_millis(300),
            move |r, _, _| {
                if rng.lock().unwrap().u8(0..10) < 2 { status(503, &[]) } else { ok(r) }
            },
        );
    let cfg = RunConfig { concurrency: 8, max_attempts: 1, cancel_grace: Duration::ZERO, ..Default::default() };
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2050)).await;
        c2.cancel();
    });
    let res = e.run(&flaky, &cfg, cancel).await;
    assert_eq!(res.outcome, BatchOutcome::Interrupted);
    let first = e.records().len();
    assert!(first > 20 && first < 120, "{first}");
    // successes in the output, failures in the errors file
    let ErrorsTo::File(errp) = e.journal.errors.clone() else { unreachable!() };
    assert!(journal::read_records(e.out_path()).unwrap().iter().all(|r| r["error"].is_null()));
    assert!(journal::read_records(&errp).unwrap().iter().all(|r| r["error"]["code"] == "http_503"));
    // the crash tore the line being written
    let mut f = std::fs::OpenOptions::new().append(true).open(e.out_path()).unwrap();
    f.write_all(br#"{"id":"batch_req_9","custom_id":"id-119","resp"#).unwrap();
    drop(f);
    // Run 2 finishes: every id once, the 503s sent again, nothing done twice.
    let good = Mock::new(Duration::from_millis(10), |r, _, _| ok(r));
    let res = e.run(&good, &RunConfig::default(), CancellationToken::new()).await;
    assert_eq!(res.outcome, BatchOutcome::AllOk);
    assert_exactly_once(&e, 120);
    assert!(journal::read_records(&errp).unwrap().is_empty());
    let resent = good.calls.load(Ordering::SeqCst);
    let before = flaky.attempts.lock().unwrap().len() as u64;
    assert!(resent >= 120 - before && resent < 120, "{resent} resent, {before} tried before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_runtime_writes_each_id_once() {
    let e = env(lines(2000), false);
    let cfg = RunConfig { concurrency: 64, ..Default::default() };
    let res = run(Arc::new(Instant2), e.plan().unwrap(), &e.journal, &cfg, CancellationToken::new(), &mut NoProgress)
        .await
        .unwrap();
    assert_eq!((res.outcome, res.summary.ok), (BatchOutcome::AllOk, 2000));
    assert_exactly_once(&e, 2000);
    // every line parses and has the batch output shape
    for r in e.records() {
        assert!(r["id"].as_str().unwrap().starts_with("batch_req_"));
        assert_eq!(r["response"]["status_code"], 200);
        assert!(r["error"].is_null());
    }
}

/// Lanes: the window spread over threads, each with its own runtime. Every id once, the
/// window held across lanes, retries and failures counted once, every lane used.
#[test]
fn lanes_share_one_window_and_one_journal() {
    let e = env(lines(3000), false);
    let threads = Arc::new(Mutex::new(std::collections::HashSet::new()));
    let seen = threads.clone();
    let mock = Mock::new(Duration::from_millis(1), move |r, attempt, _| {
        seen.lock().unwrap().insert(std::thread::current().id());
        match r.line_no % 100 {
            // A 503 on the first attempt: retried, then fine.
            7 if attempt == 1 => status(503, &[]),
            // Final 4xx.
            13 => status(404, &[]),
            _ => ok(r),
        }
    });
    let cfg = RunConfig {
        concurrency: 24,
        lanes: 3,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(2),
        ..Default::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let res = rt
        .block_on(run(mock.clone(), e.plan().unwrap(), &e.journal, &cfg, CancellationToken::new(), &mut NoProgress))
        .unwrap();
    assert_eq!(res.outcome, BatchOutcome::SomeFailed);
    assert_eq!((res.summary.ok, res.summary.failed, res.summary.retries), (2970, 30, 30));
    assert_exactly_once(&e, 3000);
    assert!(mock.max_in_flight.load(Ordering::SeqCst) <= 24, "{}", mock.max_in_flight.load(Ordering::SeqCst));
    assert_eq!(threads.lock().unwrap().len(), 3, "every lane sent lines");
}

/// Cancelling stops every lane; what finished is written once, the rest is left for a resume.
#[test]
fn lanes_stop_together_on_cancel() {
    let e = env(lines(5000), false);
    let mock = Mock::new(Duration::from_millis(5), |r, _, _| ok(r));
    let cfg = RunConfig { concurrency: 16, lanes: 2, cancel_grace: Duration::from_secs(5), ..Default::default() };
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        c.cancel();
    });
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let res = rt.block_on(run(mock.clone(), e.plan().unwrap(), &e.journal, &cfg, cancel, &mut NoProgress)).unwrap();
    assert_eq!(res.outcome, BatchOutcome::Interrupted);
    let counts = e.id_counts();
    assert!(counts.values().all(|&n| n == 1), "an id written twice");
    let written = counts.len() as u64;
    assert!(written > 0 && written < 5000, "{written}");
    assert_eq!(res.summary.ok, written);
    assert_eq!(written + res.summary.not_done, 5000);
}

/// A window shrunk below the number of lanes (AIMD after 429s) must not leave a lane waiting
/// for lines forever: the run ends (found by review: it hung).
#[test]
fn a_window_smaller_than_the_lanes_still_ends() {
    let e = env(lines(40), false);
    let mock = Mock::new(Duration::from_millis(5), |r, _, _| if r.line_no <= 2 { status(429, &[]) } else { ok(r) });
    let cfg = RunConfig { concurrency: 2, lanes: 2, max_attempts: 1, ..Default::default() };
    let (tx, rx) = std::sync::mpsc::channel();
    let (plan, journal) = (e.plan().unwrap(), e.journal.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let r = rt.block_on(run(mock, plan, &journal, &cfg, CancellationToken::new(), &mut NoProgress));
        let _ = tx.send(r.map(|r| (r.outcome, r.summary.ok, r.summary.failed)));
    });
    let got = rx.recv_timeout(Duration::from_secs(20)).expect("the run ended");
    assert_eq!(got.unwrap(), (BatchOutcome::SomeFailed, 38, 2));
    assert_exactly_once(&e, 40);
}

/// A line whose attempt panics (a bug) is left out of the output, counted as not done, and the
/// rest of the run goes on; a resumed run sends it again.
#[tokio::test(start_paused = true)]
async fn a_panicking_line_is_not_written_and_the_run_goes_on() {
    let e = env(lines(50), false);
    let mock = Mock::new(Duration::from_millis(5), |r, _, _| {
        if r.custom_id == "id-7" {
            panic!("a bug in the executor");
        }
        ok(r)
    });
    let res = e.run(&mock, &RunConfig::default(), CancellationToken::new()).await;
    assert_eq!(res.summary.not_done, 1);
    let c = e.id_counts();
    assert_eq!((c.len(), c.get("id-7")), (49, None));
    let mock = Mock::new(Duration::from_millis(5), |r, _, _| ok(r));
    e.run(&mock, &RunConfig::default(), CancellationToken::new()).await;
    assert_eq!(mock.calls.load(Ordering::SeqCst), 1);
    assert_exactly_once(&e, 50);
}
