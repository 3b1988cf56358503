//! Pacing: the client-side `--rpm`/`--tpm` budgets (GCRA), AIMD on concurrency, and reading
//! the gateway's `Retry-After` and `x-ratelimit-*` headers.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::ExecResponse;

/// A GCRA limiter (a token bucket without a bucket): `rate` units per minute, a burst of
/// `burst` units. [`Gcra::reserve`] books the units and says when they may be used; a booking
/// can be corrected afterwards ([`Gcra::correct`], e.g. from `usage`).
#[derive(Debug)]
pub struct Gcra {
    /// Time per unit.
    t: Duration,
    /// Burst tolerance.
    tau: Duration,
    /// Theoretical arrival time.
    tat: Option<Instant>,
}

impl Gcra {
    pub fn per_minute(rate: u64, burst: u64) -> Gcra {
        let t = Duration::from_secs(60).checked_div(rate.max(1) as u32).unwrap_or(Duration::from_secs(60));
        let t = if rate > u64::from(u32::MAX) { Duration::from_nanos(1) } else { t };
        Gcra { t, tau: t.saturating_mul(burst.saturating_sub(1).min(u64::from(u32::MAX)) as u32), tat: None }
    }

    /// Books `cost` units; returns when they may be used (now or later).
    pub fn reserve(&mut self, now: Instant, cost: u64) -> Instant {
        let tat = self.tat.map_or(now, |t| t.max(now));
        let allowed = tat.checked_sub(self.tau).map_or(now, |a| a.max(now));
        self.tat = Some(tat + self.cost(cost));
        allowed
    }

    /// Corrects an earlier booking by `delta` units (more or fewer than estimated).
    pub fn correct(&mut self, now: Instant, delta: i64) {
        let Some(tat) = self.tat else { return };
        let d = self.cost(delta.unsigned_abs());
        self.tat = Some(if delta >= 0 { tat + d } else { tat.checked_sub(d).map_or(now, |t| t.max(now)) });
    }

    fn cost(&self, units: u64) -> Duration {
        self.t.saturating_mul(units.min(u64::from(u32::MAX)) as u32)
    }
}

/// Additive increase, multiplicative decrease of the concurrency window.
#[derive(Debug)]
pub struct Aimd {
    limit: f64,
    max: f64,
    cooldown: Duration,
    last_decrease: Option<Instant>,
    pub decreases: u64,
}

impl Aimd {
    pub fn new(max: usize) -> Aimd {
        let max = max.max(1) as f64;
        Aimd { limit: max, max, cooldown: Duration::from_secs(1), last_decrease: None, decreases: 0 }
    }

    /// The current window (at least 1).
    pub fn window(&self) -> usize {
        (self.limit.floor() as usize).max(1)
    }

    /// A success: +1 per window of successes.
    pub fn on_success(&mut self) {
        self.limit = (self.limit + 1.0 / self.limit).min(self.max);
    }

    /// A 429 or a low remaining budget: halve (at most once per cooldown, so that one burst of
    /// 429s from a single window counts once).
    pub fn on_congestion(&mut self, now: Instant) {
        if self.last_decrease.is_some_and(|t| now.duration_since(t) < self.cooldown) {
            return;
        }
        self.last_decrease = Some(now);
        self.limit = (self.limit / 2.0).max(1.0);
        self.decreases += 1;
    }
}

/// `Retry-After` (seconds, or an HTTP date) or `retry-after-ms`, capped at `max`.
pub fn retry_after(resp: &ExecResponse, now: SystemTime, max: Duration) -> Option<Duration> {
    if let Some(ms) = resp.header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0).min(max));
    }
    let v = resp.header("retry-after")?;
    if let Ok(s) = v.parse::<f64>() {
        return (s.is_finite() && s >= 0.0).then(|| Duration::from_secs_f64(s.min(max.as_secs_f64())));
    }
    let when = parse_http_date(v)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO).min(max))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_http_date(v: &str) -> Option<SystemTime> {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let dt = time::PrimitiveDateTime::parse(v.trim(), &fmt).ok()?;
    Some(dt.assume_utc().into())
}

/// OpenAI-style durations: `6m0s`, `1.5s`, `20ms`, `1h2m`.
pub fn parse_reset(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<f64>() {
        return (s.is_finite() && s >= 0.0).then(|| Duration::from_secs_f64(s.min(86_400.0)));
    }
    let mut total = 0f64;
    let mut rest = v;
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = match &rest[..u_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += n * unit;
        rest = &rest[u_end..];
    }
    (total.is_finite() && total <= 86_400.0).then(|| Duration::from_secs_f64(total))
}

/// What the `x-ratelimit-*` headers say: running low (AIMD should back off), and if the
/// budget is exhausted, how long until it resets.
#[derive(Debug, Default, PartialEq)]
pub struct RateSignal {
    pub low: bool,
    pub pause: Option<Duration>,
}

pub fn rate_signal(resp: &ExecResponse) -> RateSignal {
    let mut sig = RateSignal::default();
    // Most answers carry none of these headers: nothing to look up then.
    if !resp.headers.iter().any(|(n, _)| n.as_bytes().windows(10).any(|w| w.eq_ignore_ascii_case(b"ratelimit-"))) {
        return sig;
    }
    for what in ["requests", "tokens"] {
        let get = |pre: &str, name: &str| resp.header(&format!("{pre}{name}-{what}"));
        for pre in ["x-ratelimit-", "x-ai-ratelimit-"] {
            let Some(rem) = get(pre, "remaining").and_then(|v| v.parse::<u64>().ok()) else { continue };
            let limit = get(pre, "limit").and_then(|v| v.parse::<u64>().ok());
            if rem == 0 || limit.is_some_and(|l| rem.saturating_mul(20) <= l) {
                sig.low = true;
            }
            if rem == 0
                && let Some(reset) = get(pre, "reset").and_then(parse_reset)
            {
                sig.pause = Some(sig.pause.map_or(reset, |p| p.max(reset)));
            }
        }
    }
    sig
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(h: &[(&str, &str)]) -> ExecResponse {
        ExecResponse { headers: h.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(), ..Default::default() }
    }

    #[tokio::test(start_paused = true)]
    async fn gcra_spaces_requests() {
        let mut g = Gcra::per_minute(60, 1);
        let t0 = Instant::now();
        let slots: Vec<_> = (0..5).map(|_| g.reserve(t0, 1).duration_since(t0)).collect();
        assert_eq!(slots, (0..5).map(Duration::from_secs).collect::<Vec<_>>());
        let mut g = Gcra::per_minute(60, 3);
        let slots: Vec<_> = (0..5).map(|_| g.reserve(t0, 1).duration_since(t0)).collect();
        assert_eq!(slots, [0, 0, 0, 1, 2].map(Duration::from_secs).to_vec());
        // corrections from usage move later bookings
        let mut g = Gcra::per_minute(600, 1);
        g.reserve(t0, 100); // 10 s of budget
        g.correct(t0, -50);
        assert_eq!(g.reserve(t0, 1).duration_since(t0), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn aimd_halves_once_per_cooldown_and_grows_back() {
        let mut a = Aimd::new(16);
        let now = Instant::now();
        a.on_congestion(now);
        a.on_congestion(now + Duration::from_millis(10));
        assert_eq!(a.window(), 8);
        a.on_congestion(now + Duration::from_secs(2));
        assert_eq!(a.window(), 4);
        for _ in 0..5 {
            a.on_success();
        }
        assert_eq!(a.window(), 5);
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let max = Duration::from_secs(300);
        assert_eq!(retry_after(&resp(&[("retry-after", "7")]), now, max), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&resp(&[("Retry-After", "0.5")]), now, max), Some(Duration::from_millis(500)));
        assert_eq!(
            retry_after(&resp(&[("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]), now, max),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after(&resp(&[("retry-after", "99999")]), now, max), Some(max));
        assert_eq!(retry_after(&resp(&[("retry-after-ms", "250")]), now, max), Some(Duration::from_millis(250)));
        assert_eq!(retry_after(&resp(&[("retry-after", "soon")]), now, max), None);
        assert_eq!(retry_after(&resp(&[]), now, max), None);
    }

    #[test]
    fn ratelimit_headers() {
        assert_eq!(parse_reset("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_reset("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_reset("20ms"), Some(Duration::from_millis(20)));
        assert_eq!(parse_reset("x"), None);
        let s = rate_signal(&resp(&[("x-ratelimit-limit-requests", "100"), ("x-ratelimit-remaining-requests", "50")]));
        assert_eq!(s, RateSignal::default());
        let s = rate_signal(&resp(&[("x-ratelimit-limit-requests", "100"), ("x-ratelimit-remaining-requests", "3")]));
        assert!(s.low && s.pause.is_none());
        let s = rate_signal(&resp(&[("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "2s")]));
        assert_eq!(s, RateSignal { low: true, pause: Some(Duration::from_secs(2)) });
    }
}
