//! Faults on Discord's side, injected by the fake: rate limits, server errors, lost gateway
//! connections. The bot keeps answering, loses no question and answers none twice.

use crate::discord::{CHANNEL, description, settings, start_shared};
use crate::fake_discord::{self as fake, Fault, GatewayFault};
use citebot::config::Operations;
use citebot::discord::Shared;
use citebot::{Config, Engine};
use std::time::Duration;

/// Waits until the metrics show `line` (they are counted once a reply is settled).
async fn wait_metric(shared: &Shared, line: &str) {
    let deadline = std::time::Instant::now() + fake::PATIENCE;
    while !shared.metrics.render().contains(line) {
        assert!(
            std::time::Instant::now() < deadline,
            "{}",
            shared.metrics.render()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn shared() -> std::sync::Arc<Shared> {
    Shared::new(
        Engine::new(&Config::builtin()).unwrap(),
        settings(),
        &Operations::default(),
        None,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_reply_waits_retry_after_and_is_delivered_once() {
    let bot = start_shared(shared()).await;
    let path = format!("/channels/{CHANNEL}/messages");
    bot.fake.inject(
        "POST",
        &path,
        Fault::RateLimited {
            retry_after: 1.2,
            global: false,
        },
        1,
    );
    let ann = bot.user("ann");
    bot.dm(&ann, "who is the vice president");
    let replies = bot.wait_replies(CHANNEL, 2).await;
    let delivered: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(delivered.len(), 1, "exactly one delivered reply");
    assert_eq!(replies.iter().filter(|r| r.status == 429).count(), 1);
    let times = bot.fake.arrival_times(&path);
    assert_eq!(times.len(), 2);
    let waited = times[1] - times[0];
    assert!(
        waited >= Duration::from_millis(1200),
        "retried after {waited:?}, before retry_after"
    );
    assert!(
        waited < Duration::from_secs(4),
        "waited far too long: {waited:?}"
    );
    wait_metric(&bot.shared, "citebot_rate_limited_total 1\n").await;
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_rate_limit_holds_back_every_route() {
    let bot = start_shared(shared()).await;
    let messages = format!("/channels/{CHANNEL}/messages");
    bot.fake.inject(
        "POST",
        &messages,
        Fault::RateLimited {
            retry_after: 1.0,
            global: true,
        },
        1,
    );
    let ann = bot.user("ann");
    bot.dm(&ann, "who is the vice president");
    // Wait for the 429, then ask through another route: it must wait out the global limit too.
    bot.fake.wait_for(1, |r| r.status == 429).await;
    // Once the bot has taken the 429 in (it counts it as it sets the limit).
    wait_metric(&bot.shared, "citebot_rate_limited_total 1\n").await;
    let limited_at = bot.fake.arrival_times(&messages)[0];
    let r = bot.slash(&ann, "source", &[]).await;
    assert_eq!(r["type"], 4);
    let callback = bot.fake.arrival_times("/callback")[0];
    assert!(
        callback >= limited_at + Duration::from_millis(700),
        "the callback did not wait for the global limit"
    );
    bot.wait_replies(CHANNEL, 2).await;
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_backoff_and_a_lost_reply_does_not_stop_the_bot() {
    let bot = start_shared(shared()).await;
    let path = format!("/channels/{CHANNEL}/messages");
    bot.fake.inject("POST", &path, Fault::Status(500), 1);
    bot.fake.inject("POST", &path, Fault::Status(502), 1);
    let ann = bot.user("ann");
    bot.dm(&ann, "when did russia annex crimea");
    let replies = bot.wait_replies(CHANNEL, 3).await;
    assert_eq!(
        replies.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 502, 200]
    );
    assert!(description(&replies[2].body).contains("2014"));

    // A reply that keeps failing is given up after bounded retries; the next question is answered.
    bot.fake.inject("POST", &path, Fault::Status(500), 5);
    bot.dm(&ann, "who is pete hegseth");
    bot.wait_replies(CHANNEL, 8).await;
    bot.dm(&ann, "who is the vice president");
    let replies = bot.wait_replies(CHANNEL, 9).await;
    assert_eq!(replies[8].status, 200);
    assert!(description(&replies[8].body).contains("Vance"));
    wait_metric(&bot.shared, "citebot_replies_failed_total 1\n").await;
    bot.finish().await;
}

/// Questions before, during and after a broken gateway session are each answered exactly once.
async fn exactly_once_around(fault: GatewayFault) {
    let bot = start_shared(shared()).await;
    let ann = bot.user("ann");
    let ask = |q: &str| bot.dm(&ann, q);
    let mut asked = vec![
        ask("who is the vice president"),
        ask("when did russia annex crimea"),
    ];
    bot.wait_replies(CHANNEL, 2).await;
    bot.fake.gateway_fault(fault);
    // Asked while the session is down: queued by Discord, delivered when the bot is back.
    asked.push(ask("who is pete hegseth"));
    asked.push(ask("how many regions did russia annex"));
    let deadline = std::time::Instant::now() + fake::PATIENCE;
    while bot.fake.sessions().0 + bot.fake.sessions().1 < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the bot did not reconnect after {fault:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    asked.push(ask("what did macron say"));
    bot.wait_replies(CHANNEL, asked.len()).await;
    // Give a duplicate time to show up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut answered: Vec<String> = bot
        .replies(CHANNEL)
        .iter()
        .map(|r| {
            r.body["message_reference"]["message_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    answered.sort();
    asked.sort();
    assert_eq!(
        answered, asked,
        "after {fault:?}: every question answered exactly once"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_gateway_connection_loses_nothing() {
    exactly_once_around(GatewayFault::Close(4000)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_gateway_connection_loses_nothing() {
    exactly_once_around(GatewayFault::Abort).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_request_loses_nothing() {
    exactly_once_around(GatewayFault::Reconnect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumable_invalid_session_loses_nothing() {
    exactly_once_around(GatewayFault::InvalidSession(true)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_resumable_invalid_session_loses_nothing() {
    exactly_once_around(GatewayFault::InvalidSession(false)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_is_deferred_within_the_deadline_then_completed() {
    let shared = shared();
    // Zero: every answer counts as slow, so every slash command takes the deferred path.
    shared.set_defer_after(Duration::ZERO);
    let bot = start_shared(shared).await;
    let ann = bot.user("ann");
    let interaction = fake::command(
        &bot.fake,
        CHANNEL,
        &ann,
        "ask",
        &[("question", "how much of ukraine does russia control")],
    );
    let token = interaction["token"].as_str().unwrap().to_string();
    let r = bot.interact(interaction).await;
    assert_eq!(r["type"], 5, "acknowledged first: {r}");
    let original = format!(
        "/api/v10/webhooks/{}/{token}/messages/@original",
        fake::APP_ID
    );
    let edit = bot
        .fake
        .wait_for(1, |r| r.method == "PATCH" && r.path == original)
        .await;
    assert_eq!(edit[0].status, 200);
    assert!(
        description(&edit[0].body).contains("around 20% of Ukraine’s territory"),
        "{:?}",
        edit[0].body
    );
    assert_eq!(
        edit[0].body["allowed_mentions"]["parse"],
        serde_json::json!([])
    );
    bot.finish().await;
}
