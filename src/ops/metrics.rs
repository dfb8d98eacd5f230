//! Counters, a latency histogram and per-shard gauges, shown in Prometheus text format.
//! Lock-free counters; one small lock for the shard table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    Abstained,
    Error,
}

/// Where a question came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Chat,
    Slash,
    Button,
}

const OUTCOMES: [(&str, Outcome); 3] = [
    ("answered", Outcome::Answered),
    ("abstained", Outcome::Abstained),
    ("error", Outcome::Error),
];
const SOURCES: [(&str, Source); 3] = [
    ("chat", Source::Chat),
    ("slash", Source::Slash),
    ("button", Source::Button),
];
/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The state of one gateway shard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShardState {
    pub connected: bool,
    pub latency: Option<Duration>,
}

#[derive(Debug, Default)]
pub struct Metrics {
    questions: [[AtomicU64; 3]; 3],
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    replies_failed: AtomicU64,
    rate_limited: AtomicU64,
    reloads: [AtomicU64; 2],
    /// Votes on answers: up, down.
    feedback: [AtomicU64; 2],
    shards: Mutex<BTreeMap<u32, ShardState>>,
}

fn index<T: PartialEq + Copy>(table: &[(&str, T)], v: T) -> usize {
    table.iter().position(|(_, x)| *x == v).unwrap_or(0)
}

impl Metrics {
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// Counts one question and the time it took to answer it (reply delivered).
    pub fn question(&self, outcome: Outcome, source: Source, took: Duration) {
        self.questions[index(&OUTCOMES, outcome)][index(&SOURCES, source)]
            .fetch_add(1, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// How many questions ended with `outcome`, from any source.
    pub fn questions(&self, outcome: Outcome) -> u64 {
        self.questions[index(&OUTCOMES, outcome)]
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }

    pub fn reply_failed(&self) {
        self.replies_failed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub fn reloaded(&self, ok: bool) {
        self.reloads[usize::from(!ok)].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a vote on an answer (a changed vote counts as the new one).
    pub fn voted(&self, up: bool) {
        self.feedback[usize::from(!up)].fetch_add(1, Ordering::Relaxed);
    }

    /// Records a shard's connection state and, when known, its heartbeat latency.
    pub fn shard(&self, id: u32, connected: bool, latency: Option<Duration>) {
        if let Ok(mut shards) = self.shards.lock() {
            let entry = shards.entry(id).or_insert(ShardState {
                connected,
                latency: None,
            });
            entry.connected = connected;
            if latency.is_some() {
                entry.latency = latency;
            }
        }
    }

    /// The shards seen so far.
    pub fn shard_ids(&self) -> Vec<u32> {
        self.shards
            .lock()
            .map(|s| s.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Records a shard's heartbeat latency without changing its connection state.
    pub fn shard_latency(&self, id: u32, latency: Duration) {
        if let Ok(mut shards) = self.shards.lock()
            && let Some(s) = shards.get_mut(&id)
        {
            s.latency = Some(latency);
        }
    }

    /// Healthy: at least one shard, and every shard of this process connected and ready.
    pub fn healthy(&self) -> bool {
        self.shards
            .lock()
            .map(|s| !s.is_empty() && s.values().all(|x| x.connected))
            .unwrap_or(false)
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP citebot_questions_total Questions by how they ended and where they came from.\n# TYPE citebot_questions_total counter"
        );
        for (o, (oname, _)) in OUTCOMES.iter().enumerate() {
            for (s, (sname, _)) in SOURCES.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "citebot_questions_total{{outcome=\"{oname}\",source=\"{sname}\"}} {}",
                    self.questions[o][s].load(Ordering::Relaxed)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP citebot_answer_latency_seconds Time from a question's arrival to its reply being delivered.\n# TYPE citebot_answer_latency_seconds histogram"
        );
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "citebot_answer_latency_seconds_bucket{{le=\"{b}\"}} {}",
                self.latency_buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "citebot_answer_latency_seconds_bucket{{le=\"+Inf\"}} {count}\ncitebot_answer_latency_seconds_sum {}\ncitebot_answer_latency_seconds_count {count}",
            self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "# HELP citebot_replies_failed_total Replies that could not be delivered after retries.\n# TYPE citebot_replies_failed_total counter\ncitebot_replies_failed_total {}",
            self.replies_failed.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP citebot_rate_limited_total Discord answers of 429 Too Many Requests.\n# TYPE citebot_rate_limited_total counter\ncitebot_rate_limited_total {}",
            self.rate_limited.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP citebot_reloads_total Configuration reloads by result.\n# TYPE citebot_reloads_total counter\ncitebot_reloads_total{{result=\"ok\"}} {}\ncitebot_reloads_total{{result=\"failed\"}} {}",
            self.reloads[0].load(Ordering::Relaxed),
            self.reloads[1].load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP citebot_feedback_total Votes on answers (a changed vote counts as the new one).\n# TYPE citebot_feedback_total counter\ncitebot_feedback_total{{vote=\"up\"}} {}\ncitebot_feedback_total{{vote=\"down\"}} {}",
            self.feedback[0].load(Ordering::Relaxed),
            self.feedback[1].load(Ordering::Relaxed)
        );
        let shards = self.shards.lock().map(|s| s.clone()).unwrap_or_default();
        let _ = writeln!(
            out,
            "# HELP citebot_gateway_connected Whether a gateway shard is connected (1) or not (0).\n# TYPE citebot_gateway_connected gauge"
        );
        for (id, s) in &shards {
            let _ = writeln!(
                out,
                "citebot_gateway_connected{{shard=\"{id}\"}} {}",
                u8::from(s.connected)
            );
        }
        let _ = writeln!(
            out,
            "# HELP citebot_gateway_latency_seconds Heartbeat round trip of a gateway shard.\n# TYPE citebot_gateway_latency_seconds gauge"
        );
        for (id, s) in &shards {
            if let Some(l) = s.latency {
                let _ = writeln!(
                    out,
                    "citebot_gateway_latency_seconds{{shard=\"{id}\"}} {}",
                    l.as_secs_f64()
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_histogram_and_health() {
        let m = Metrics::new();
        assert!(!m.healthy());
        m.shard(0, true, Some(Duration::from_millis(40)));
        assert!(m.healthy());
        m.question(Outcome::Answered, Source::Chat, Duration::from_micros(800));
        m.question(Outcome::Abstained, Source::Slash, Duration::from_millis(30));
        let text = m.render();
        assert!(text.contains("citebot_questions_total{outcome=\"answered\",source=\"chat\"} 1\n"));
        assert!(
            text.contains("citebot_questions_total{outcome=\"abstained\",source=\"slash\"} 1\n")
        );
        assert!(text.contains("citebot_answer_latency_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("citebot_answer_latency_seconds_bucket{le=\"0.05\"} 2\n"));
        assert!(text.contains("citebot_answer_latency_seconds_count 2\n"));
        assert!(text.contains("citebot_gateway_connected{shard=\"0\"} 1\n"));
        assert!(text.contains("citebot_gateway_latency_seconds{shard=\"0\"} 0.04\n"));
        m.shard(0, false, None);
        assert!(!m.healthy());
    }
}
