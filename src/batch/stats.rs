//! Counts, latency percentiles (a bounded log-linear histogram), tokens; the end-of-run
//! summary (text for stderr, JSON for `--summary-json`) and the progress hook.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::plan::PlanCounts;

const SUB: usize = 16;
const BUCKETS: usize = 64 * SUB;

/// A log-linear histogram of microseconds: 16 buckets per power of two (relative error under
/// 1/16), 8 KiB whatever the count.
#[derive(Clone)]
pub struct Histogram {
    counts: Box<[u64; BUCKETS]>,
    n: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: Box::new([0; BUCKETS]), n: 0, max: 0 }
    }
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Histogram(n={})", self.n)
    }
}

fn bucket(v: u64) -> usize {
    if v < SUB as u64 {
        return v as usize;
    }
    let e = 63 - v.leading_zeros() as usize; // >= 4
    let sub = ((v >> (e - 4)) & 15) as usize;
    (e - 3) * SUB + sub
}

fn bucket_mid(i: usize) -> u64 {
    if i < SUB {
        return i as u64;
    }
    let e = i / SUB + 3;
    let sub = (i % SUB) as u64;
    let lo = (16 + sub) << (e - 4);
    lo + (1u64 << (e - 4)) / 2
}

impl Histogram {
    pub fn record(&mut self, d: Duration) {
        let us = d.as_micros().min(u128::from(u64::MAX)) as u64;
        self.counts[bucket(us)] += 1;
        self.n += 1;
        self.max = self.max.max(us);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// The `q` quantile (0..=1), `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.n == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Duration::from_micros(bucket_mid(i).min(self.max)));
            }
        }
        Some(Duration::from_micros(self.max))
    }
}

/// `usage` of an answer (OpenAI `prompt_tokens`/`completion_tokens`, Anthropic/Bedrock
/// `input_tokens`/`output_tokens`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt: u64,
    pub completion: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.prompt + self.completion
    }

    /// Reads `usage` from a JSON body (the rest is skipped, not kept).
    pub fn from_body(body: &[u8]) -> Option<Usage> {
        #[derive(Deserialize)]
        struct B {
            usage: Option<U>,
        }
        #[derive(Deserialize)]
        struct U {
            prompt_tokens: Option<u64>,
            completion_tokens: Option<u64>,
            total_tokens: Option<u64>,
            input_tokens: Option<u64>,
            output_tokens: Option<u64>,
        }
        let u = serde_json::from_slice::<B>(body).ok()?.usage?;
        let prompt = u.prompt_tokens.or(u.input_tokens).unwrap_or(0);
        let completion = u
            .completion_tokens
            .or(u.output_tokens)
            .or_else(|| u.total_tokens.map(|t| t.saturating_sub(prompt)))
            .unwrap_or(0);
        Some(Usage { prompt, completion })
    }
}

/// The failure class of a final line, as counted: `http_<status>` for 4xx, `5xx`, `network`,
/// `timeout`, `stream`, `request_error`, `invalid_line`, `duplicate_custom_id`.
pub fn class_of(code: &str) -> String {
    match code {
        "connection_error" => "network".into(),
        "stream_error" => "stream".into(),
        c if c.len() == 8 && c.starts_with("http_5") => "5xx".into(),
        c => c.into(),
    }
}

/// Everything counted during a run.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub ok: u64,
    pub failed: BTreeMap<String, u64>,
    pub attempts: u64,
    pub retries: u64,
    pub rate_limited: u64,
    pub latency: Histogram,
    pub ttfb: Histogram,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub gateway_ms_sum: f64,
    pub gateway_ms_n: u64,
}

impl Stats {
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }

    pub fn fail(&mut self, code: &str) {
        *self.failed.entry(class_of(code)).or_default() += 1;
    }
}

/// What the progress hook sees.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProgressSnapshot {
    /// Lines finished this run (written), of `total` to do.
    pub done: u64,
    pub total: u64,
    pub ok: u64,
    pub failed: u64,
    pub retries: u64,
    pub in_flight: u64,
    /// The current concurrency window (AIMD).
    pub window: u64,
    pub tokens: u64,
    pub elapsed: Duration,
}

/// Progress reporting (the command connects it to indicatif on a terminal, nothing on a pipe).
/// `update` is called after every finished line and every few hundred milliseconds while lines
/// wait: keep it cheap.
pub trait Progress: Send {
    fn start(&mut self, _total: u64) {}
    fn update(&mut self, snap: &ProgressSnapshot);
    fn finish(&mut self, _snap: &ProgressSnapshot) {}
}

/// No progress output.
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&mut self, _snap: &ProgressSnapshot) {}
}

/// Percentiles in milliseconds.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Percentiles {
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl Percentiles {
    fn of(h: &Histogram) -> Percentiles {
        let ms = |q| h.quantile(q).map(|d| (d.as_secs_f64() * 1e5).round() / 100.0);
        Percentiles { p50_ms: ms(0.50), p95_ms: ms(0.95), p99_ms: ms(0.99) }
    }
}

/// The end of a run (`--summary-json` writes it as JSON).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    pub input: String,
    pub output: String,
    /// Lines finished this run.
    pub done: u64,
    pub ok: u64,
    pub failed: u64,
    /// Failed lines by class: `http_<status>` for 4xx, `5xx`, `network`, `timeout`, `stream`,
    /// `request_error`, `invalid_line`, `duplicate_custom_id`.
    pub failed_by_class: BTreeMap<String, u64>,
    /// Already in the journal (a resumed run).
    pub skipped_done: u64,
    /// Lines not finished because the run was interrupted (a resumed run sends them).
    pub not_done: u64,
    pub interrupted: bool,
    pub attempts: u64,
    pub retries: u64,
    pub rate_limited: u64,
    pub concurrency_decreases: u64,
    pub final_concurrency: u64,
    pub wall_s: f64,
    pub requests_per_s: f64,
    pub latency: Percentiles,
    pub ttfb: Percentiles,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub gateway_duration_ms_mean: Option<f64>,
    pub plan: PlanCounts,
    /// How to resume, when there is something left to do.
    pub resume_hint: Option<String>,
}

impl Summary {
    pub(crate) fn build(stats: &Stats, plan: &PlanCounts, wall: Duration) -> Summary {
        let done = stats.ok + stats.failed_total();
        let wall_s = wall.as_secs_f64();
        Summary {
            done,
            ok: stats.ok,
            failed: stats.failed_total(),
            failed_by_class: stats.failed.clone(),
            skipped_done: plan.already_done,
            attempts: stats.attempts,
            retries: stats.retries,
            rate_limited: stats.rate_limited,
            wall_s: (wall_s * 1000.0).round() / 1000.0,
            requests_per_s: if wall_s > 0.0 { ((stats.attempts as f64 / wall_s) * 10.0).round() / 10.0 } else { 0.0 },
            latency: Percentiles::of(&stats.latency),
            ttfb: Percentiles::of(&stats.ttfb),
            prompt_tokens: stats.prompt_tokens,
            completion_tokens: stats.completion_tokens,
            gateway_duration_ms_mean: (stats.gateway_ms_n > 0)
                .then(|| (stats.gateway_ms_sum / stats.gateway_ms_n as f64 * 10.0).round() / 10.0),
            plan: plan.clone(),
            ..Summary::default()
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The human summary (for stderr), a few lines.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{} line(s) done: {} ok, {} failed{}",
            self.done,
            self.ok,
            self.failed,
            if self.skipped_done > 0 { format!(", {} already done before", self.skipped_done) } else { String::new() }
        );
        if !self.failed_by_class.is_empty() {
            let by: Vec<_> = self.failed_by_class.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            s += &format!(" ({})", by.join(", "));
        }
        s += &format!(
            "\n{} request(s), {} retried, {} rate-limited (429) in {:.1} s: {:.1} req/s",
            self.attempts, self.retries, self.rate_limited, self.wall_s, self.requests_per_s
        );
        let f = |p: &Percentiles| match (p.p50_ms, p.p95_ms, p.p99_ms) {
            (Some(a), Some(b), Some(c)) => format!("p50 {a:.1} ms, p95 {b:.1} ms, p99 {c:.1} ms"),
            _ => "n/a".into(),
        };
        s += &format!("\nlatency {}; time to first byte {}", f(&self.latency), f(&self.ttfb));
        if self.prompt_tokens + self.completion_tokens > 0 {
            s += &format!("\ntokens: {} prompt, {} completion", self.prompt_tokens, self.completion_tokens);
        }
        if let Some(g) = self.gateway_duration_ms_mean {
            s += &format!("\ngateway time (x-mlflow-gateway-duration-ms): mean {g:.1} ms");
        }
        if self.concurrency_decreases > 0 {
            s += &format!(
                "\nconcurrency lowered {} time(s) on 429s or low rate-limit headers (ended at {})",
                self.concurrency_decreases, self.final_concurrency
            );
        }
        if self.interrupted {
            s += &format!("\ninterrupted: {} line(s) not done", self.not_done);
        }
        if let Some(h) = &self.resume_hint {
            s += &format!("\n{h}");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_within_error() {
        let mut h = Histogram::default();
        for ms in 1..=1000u64 {
            h.record(Duration::from_millis(ms));
        }
        for (q, want) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0)] {
            let got = h.quantile(q).unwrap().as_secs_f64() * 1000.0;
            assert!((got - want).abs() / want < 0.07, "q{q}: {got}");
        }
        assert_eq!(Histogram::default().quantile(0.5), None);
        let mut h = Histogram::default();
        h.record(Duration::from_micros(3));
        assert_eq!(h.quantile(0.99), Some(Duration::from_micros(3)));
    }

    #[test]
    fn usage_forms() {
        let u = Usage::from_body(br#"{"id":"x","usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#);
        assert_eq!(u, Some(Usage { prompt: 3, completion: 4 }));
        let u = Usage::from_body(br#"{"usage":{"input_tokens":5,"output_tokens":1}}"#);
        assert_eq!(u, Some(Usage { prompt: 5, completion: 1 }));
        let u = Usage::from_body(br#"{"usage":{"prompt_tokens":5,"total_tokens":5}}"#);
        assert_eq!(u, Some(Usage { prompt: 5, completion: 0 }));
        assert_eq!(Usage::from_body(b"nope"), None);
    }

    #[test]
    fn summary_text_and_json() {
        let mut st = Stats { ok: 3, attempts: 6, retries: 2, ..Default::default() };
        st.fail("http_404");
        st.fail("http_503");
        st.fail("connection_error");
        st.latency.record(Duration::from_millis(10));
        let s = Summary::build(&st, &PlanCounts::default(), Duration::from_secs(2));
        assert_eq!(s.failed, 3);
        assert_eq!(s.requests_per_s, 3.0);
        let t = s.to_text();
        assert!(t.contains("6 line(s) done: 3 ok, 3 failed (5xx: 1, http_404: 1, network: 1)"), "{t}");
        let j: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(j["failed_by_class"]["http_404"], 1);
    }
}
