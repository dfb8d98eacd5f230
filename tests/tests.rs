//! citebot's integration tests: one test binary, one module per area, shared helpers.
//!
//! The core is tested directly through `Engine`, without Discord; the command line is tested by
//! running the built `citebot` binary.

/// Shared helpers: the built-in engine (built once), `check` for answers, running the binary.
mod helpers;

/// The question set in tests/questions/: the quality bars on top-1 accuracy and abstention.
mod questions;

/// Answers to representative questions, rendered and compared with inline expectations.
mod answers;

/// Hostile and malformed questions: never a panic, always a polite reply, never a ping.
mod hostile;

/// Conversations in the core: follow-ups read in context, the bounded memory, votes, and
/// the `chat`, `explain --after`, `review` commands.
mod conversation;

/// Broken configurations: each gives a message naming the file, the item and the problem.
mod config;

/// The `citebot` command line: ask, ask --json, eval, check-config, --article, run.
mod cli;

/// A fake Discord on 127.0.0.1 that speaks the REST API and the gateway, enforcing Discord's
/// rules and failing loudly on anything unexpected.
mod fake_discord;

/// The real Discord adapter against the fake Discord: chat, slash commands, autocomplete,
/// buttons, limits, mentions, cooldown, start-up errors.
mod discord;

/// Running the service: health, metrics, shutdown, reload, logs, the token file.
mod operations;

/// Faults on Discord's side: rate limits, server errors, dropped gateway connections.
mod faults;

/// 10,000 questions: exactly 10,000 replies, none lost or duplicated.
mod load;
