//! Operating the service: counters and gauges for `/metrics`, the health state for `/healthz`,
//! the small HTTP server that serves both, the log of questions the bot could not answer and the
//! log of votes on answers, and the article's embeddings kept between runs.
//!
//! Nothing here knows Discord: the adapter reports events (a question answered, a shard
//! connected) and this module keeps and shows them.

pub mod cache;
pub mod feedback;
pub mod metrics;
pub mod server;
pub mod unanswered;

pub use metrics::{Metrics, Outcome, Source};

/// Appends `line` as one JSON line to a shared log file; a failure is logged as a warning
/// naming the log (`what`), never raised: a log must not cost anyone an answer.
pub(crate) fn append_json_line(
    file: &std::sync::Mutex<std::fs::File>,
    line: &impl serde::Serialize,
    what: &str,
) {
    use std::io::Write;
    let Ok(mut text) = serde_json::to_string(line) else {
        return;
    };
    text.push('\n');
    let written = file
        .lock()
        .map(|mut f| f.write_all(text.as_bytes()))
        .unwrap_or_else(|_| Err(std::io::Error::other("lock poisoned")));
    if let Err(e) = written {
        tracing::warn!(error = %e, "could not write the {what}");
    }
}
