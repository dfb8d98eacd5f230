//! Operating the service: counters and gauges for `/metrics`, the health state for `/healthz`,
//! the small HTTP server that serves both, the log of questions the bot could not answer and the
//! log of votes on answers.
//!
//! Nothing here knows Discord: the adapter reports events (a question answered, a shard
//! connected) and this module keeps and shows them.

pub mod feedback;
pub mod metrics;
pub mod server;
pub mod unanswered;

pub use metrics::{Metrics, Outcome, Source};
