//! Load benchmark: the release `citebot` binary against the fake Discord on loopback, answering
//! 10,000 questions (mentions and /ask mixed over 16 channels, cooldown off) with at most 200
//! waiting at a time. Reports replies per second, the p50/p99 time from a question's dispatch
//! to its reply's arrival, and the bot's peak memory. Run with `cargo bench --bench load`.

#[allow(dead_code, unused_imports)]
#[path = "../tests/fake_discord.rs"]
mod fake_discord;

use fake_discord::{self as fake, BOT_ID, FakeDiscord};
use std::time::{Duration, Instant};

const QUESTIONS: usize = 10_000;
const WINDOW: usize = 200;

/// A process's peak resident memory in bytes (VmHWM), from /proc.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let fake = FakeDiscord::start().await;
    let mut bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .arg("run")
        .env("DISCORD_TOKEN", fake::TOKEN)
        .env("DISCORD_API_BASE", &fake.base)
        .env("RUST_LOG", "warn")
        .env_remove("CITEBOT_CONFIG")
        .env_remove("CITEBOT_HTTP_ADDR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the citebot binary runs");
    // The built-in configuration has a cooldown; a load test needs it off.
    fake.wait_ready().await;
    let pid = bot.id().expect("running");

    let me = fake::user(&BOT_ID.to_string(), "citebot", true);
    let channels: Vec<String> = (0..16)
        .map(|i| (900_000_000_000_001_000u64 + i).to_string())
        .collect();
    let ask = |i: usize| {
        // A different user each time, so the built-in cooldown (5 per user per minute) never
        // applies.
        let user = fake::user(&fake.id(), "asker", false);
        let (channel, q) = (
            &channels[i % 16],
            fake::MIXED_QUESTIONS[i % fake::MIXED_QUESTIONS.len()],
        );
        if i.is_multiple_of(2) {
            let text = format!("<@{BOT_ID}> {q}");
            fake.send_message(fake::message(
                &fake,
                channel,
                true,
                &user,
                &text,
                std::slice::from_ref(&me),
            ));
        } else {
            fake.dispatch(
                "INTERACTION_CREATE",
                fake::command(&fake, channel, &user, "ask", &[("question", q)]),
            );
        }
    };
    let wait_all = |n: usize| {
        let fake = &fake;
        async move {
            let deadline = Instant::now() + Duration::from_secs(300);
            while fake.replied() < n && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    };

    // 1. Throughput: as fast as the bot answers, at most WINDOW questions waiting.
    let started = Instant::now();
    for i in 0..QUESTIONS {
        while i - fake.replied() >= WINDOW {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        ask(i);
    }
    wait_all(QUESTIONS).await;
    let elapsed = started.elapsed();
    let replied = fake.replied();
    println!(
        "throughput: {replied} of {QUESTIONS} questions answered in {elapsed:.2?}: {:.0} replies/s",
        replied as f64 / elapsed.as_secs_f64()
    );

    // 2. Latency at a steady 2,500 questions per second (above the 2,000/s target).
    let rate = 2_500.0;
    let started = Instant::now();
    for i in 0..QUESTIONS {
        let due = started + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        ask(QUESTIONS + i);
    }
    wait_all(2 * QUESTIONS).await;
    let elapsed = started.elapsed();
    let mut latencies = fake.latencies_after(started);
    latencies.sort();
    let rss = peak_rss(pid);
    let _ = bot.kill().await;
    println!(
        "steady {rate:.0}/s: {} of {} answered in {elapsed:.2?}; latency (dispatch to reply) p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        fake.replied() - replied,
        QUESTIONS,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
    match rss {
        Some(b) => println!("bot peak memory (VmHWM): {:.1} MB", b as f64 / 1e6),
        None => println!("bot peak memory: unavailable"),
    }
    let problems = fake.problems();
    if !problems.is_empty() {
        println!("  problems: {problems:#?}");
    }
}
