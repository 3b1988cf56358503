//! `gwctl invoke batch`: the command glue over [`crate::batch`] (plan, runner, journal) and
//! [`crate::client::batch::BatchExecutor`] (one signed attempt through one shared client).

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::batch::{
    self, BatchError, ErrorsTo, InputOptions, InputSource, JournalOptions, Output, Plan, PlanOptions, Progress,
    ProgressSnapshot, PromptBuilder, RunConfig, Shard, Work,
};
use crate::cli::InvokeBatchArgs;
use crate::client::Client;
use crate::client::batch::{BatchExecutor, BatchTargets};
use crate::client::invoke::{PayloadSpec, build_body};
use crate::error::Error;
use crate::gateway::Gateway;
use crate::gateway::mlflow::{self, RouteKind, RouteStyle};
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::request::{self, Body};

/// Requests printed by `--dry-run`.
const DRY_RUN_SHOWN: usize = 3;

/// Threads a batch spreads its window over, at most (one per core up to this).
const MAX_LANES: usize = 8;

pub fn run(a: InvokeBatchArgs, cf: &ConfigFile) -> Result<(), Error> {
    // Many small allocations per line, on every lane: mimalloc's (see `crate::alloc`).
    crate::alloc::use_throughput_allocator();
    let resolved = resolve::resolve(cf, a.credentials.profile.as_deref(), a.credentials.auth)?;
    let base = match a.url.as_deref().or(resolved.url()) {
        Some(u) => Some(request::parse_url(u)?),
        None => None,
    };
    let gateway = resolved.profile().and_then(|p| p.gateway);
    let kind = a.kind.unwrap_or(RouteKind::Chat);
    let mut default_model = None;
    let (default, prompt_builder) = match (&a.route, &a.endpoint) {
        (Some(name), _) => {
            let base = base.as_ref().ok_or_else(|| {
                Error::Usage("--route needs the gateway URL: give the profile a --url or pass --url".into())
            })?;
            let style = a.style.unwrap_or_else(|| Gateway::default_style(gateway));
            let url = mlflow::route_url(base, style, kind, name).map_err(Error::Input)?;
            let model = (style == RouteStyle::OpenAi).then(|| name.clone());
            default_model.clone_from(&model);
            (Some(url), Some(prompt_builder(kind, model)))
        }
        (None, Some(ep)) => {
            let joined = request::join_url(a.url.as_deref().or(resolved.url()), ep)?;
            (Some(request::parse_url(&joined)?), Some(prompt_builder(RouteKind::Chat, None)))
        }
        (None, None) => (None, None),
    };
    let shard = a.shard.as_deref().map(Shard::parse).transpose().map_err(batch_error)?;
    let plan_opts = PlanOptions {
        input: InputOptions {
            has_default_target: default.is_some(),
            prompt_builder,
            default_model,
            ..InputOptions::default()
        },
        shard,
        limit: a.limit,
        skip_invalid: a.skip_invalid,
        ..PlanOptions::default()
    };
    let output = match &a.output {
        Some(p) if p.as_os_str() == "-" => Output::Stdout,
        Some(p) => Output::File(p.clone()),
        None => Output::Stdout,
    };
    let errors = match &a.errors {
        Some(p) => ErrorsTo::File(p.clone()),
        None => ErrorsTo::SameFile,
    };
    let journal = JournalOptions::new(output, errors);
    let source = if a.input.as_os_str() == "-" { InputSource::stdin() } else { InputSource::Path(a.input.clone()) };

    let headers = a.headers.iter().map(|h| request::parse_header_line(h)).collect::<Result<Vec<_>, _>>()?;
    let mut http = a.network.settings();
    http.retries = 0; // the runner retries
    let settings = super::call_settings(&resolved, &a.scope, &a.jwt)?;
    let client = Client::new(resolved.auth(settings), http)?;
    let host = default.as_ref().or(base.as_ref()).and_then(|u| u.host_str()).unwrap_or("localhost").to_string();
    let exec = BatchExecutor::new(client, BatchTargets { base, default }, headers);
    // This runtime runs the credential check and the run's first lane; a token provider's
    // pooled connection belongs to the runtime that opened it, and this one is driven until
    // the run ends. The other lanes (one per core, see below) each have a single-threaded
    // runtime of their own: no line crosses threads (handing finished lines from tokio's
    // worker threads to one journal writer cost more than it gained; BENCHMARKS §6).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    // Missing credentials are a setup error (their exit code), not one failed line per line.
    if !a.dry_run {
        rt.block_on(exec.client().auth().signer(&host))?;
    }

    let plan = Plan::prepare(source, &journal, &plan_opts, a.dry_run).map_err(|e| {
        if let BatchError::InvalidInput { first, .. } = &e {
            for l in first.iter().skip(1) {
                eprintln!("gwctl: {l}");
            }
        }
        batch_error(e)
    })?;
    if a.dry_run {
        return dry_run(&exec, &plan);
    }

    let cfg = RunConfig {
        concurrency: a.concurrency as usize,
        max_attempts: a.max_attempts,
        rpm: a.rpm,
        tpm: a.tpm,
        aimd: !a.no_aimd,
        lanes: std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_LANES),
        ..RunConfig::default()
    };
    let cancel = CancellationToken::new();
    let mut progress: Box<dyn Progress> =
        if std::io::stderr().is_terminal() { Box::new(Bar::new()) } else { Box::new(batch::NoProgress) };
    let exec = Arc::new(exec);
    let result = rt.block_on(async {
        let c = cancel.clone();
        let signals = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ngwctl: interrupted: finishing the lines in flight (Ctrl-C again to stop at once)");
                c.cancel();
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(crate::exit::ExitCode::BatchPartial as i32);
                }
            }
        });
        // Let the signal task install its handler before the run's first synchronous steps.
        tokio::task::yield_now().await;
        let r = batch::run(exec, plan, &journal, &cfg, cancel, progress.as_mut()).await;
        signals.abort();
        r
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    let result = result.map_err(batch_error)?;
    let _ = std::io::stdout().flush();
    eprintln!("{}", result.summary.to_text());
    if let Some(path) = &a.summary_json {
        std::fs::write(path, result.summary.to_json() + "\n")
            .map_err(|e| Error::io(format!("cannot write --summary-json {}", path.display()), e))?;
    }
    let code = result.outcome.exit_code();
    if code != crate::exit::ExitCode::Success {
        // Some lines failed (the output says which) or the run was interrupted.
        std::process::exit(code as i32);
    }
    Ok(())
}

/// The `{"prompt": …}` line payload for a route of this kind, as `invoke --prompt` builds it.
fn prompt_builder(kind: RouteKind, model: Option<String>) -> PromptBuilder {
    Arc::new(move |p: &str| {
        let spec = PayloadSpec { prompts: vec![p.to_string()], model: model.as_deref(), ..Default::default() };
        match build_body(spec, kind) {
            Ok(Body::Bytes { data, .. }) => serde_json::from_slice(&data).unwrap_or(serde_json::Value::Null),
            _ => serde_json::Value::Null,
        }
    })
}

fn batch_error(e: BatchError) -> Error {
    let msg = e.to_string();
    match e.exit_code() {
        crate::exit::ExitCode::Usage => Error::Usage(msg),
        crate::exit::ExitCode::Io => match e {
            BatchError::Io { path, source } => Error::io(path.display().to_string(), source),
            BatchError::Write { source, .. } => Error::io(msg, source),
            _ => Error::Input(msg),
        },
        _ => Error::Input(msg),
    }
}

/// Signs and shows the first requests (secrets redacted); sends nothing. The whole input was
/// validated by the plan.
fn dry_run(exec: &BatchExecutor, plan: &Plan) -> Result<(), Error> {
    let c = &plan.counts;
    eprintln!(
        "{}: {} line(s), {} to send, {} already done, {} invalid; nothing sent (--dry-run)",
        plan.input_name, c.lines, c.to_send, c.already_done, c.invalid
    );
    let mut shown = 0;
    for w in plan.reader().map_err(batch_error)? {
        if shown >= DRY_RUN_SHOWN {
            break;
        }
        let Work::Send(req) = w.map_err(batch_error)? else { continue };
        let body = Body::Bytes { data: req.body.clone(), from_stdin: false };
        let out = exec.outgoing(&req, &body).map_err(|m| Error::Input(format!("line {}: {m}", req.line_no)))?;
        eprintln!("# line {} (custom_id {:?})", req.line_no, req.custom_id);
        super::invoke::dry_run(exec.client(), &out, &body, &mut |n, m, u, h| {
            eprint!("{}", super::invoke::describe_request(n, m, u, h))
        })?;
        shown += 1;
    }
    Ok(())
}

/// indicatif on a terminal.
struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    fn new() -> Self {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {per_sec} eta {eta} {msg}") {
            bar.set_style(style);
        }
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&mut self, total: u64) {
        self.bar.set_length(total);
    }

    fn update(&mut self, s: &ProgressSnapshot) {
        self.bar.set_position(s.done);
        let tps = if s.elapsed.as_secs_f64() > 0.0 { s.tokens as f64 / s.elapsed.as_secs_f64() } else { 0.0 };
        self.bar.set_message(format!(
            "{} failed, {} retries, {} in flight (window {}), {:.0} tok/s",
            s.failed, s.retries, s.in_flight, s.window, tps
        ));
    }

    fn finish(&mut self, _s: &ProgressSnapshot) {
        self.bar.finish_and_clear();
    }
}
