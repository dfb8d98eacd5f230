//! Load: 10,000 questions through the fake gateway — mentions and /ask mixed over 16 channels
//! and many users, cooldown off — give exactly 10,000 replies, none duplicated, none lost, none
//! over a limit. (Speed is measured by `cargo bench --bench load`, not here.)

use crate::discord::{settings, start_shared};
use crate::fake_discord::{self as fake, BOT_ID};
use citebot::config::Operations;
use citebot::discord::Shared;
use citebot::{Config, Engine};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const QUESTIONS: usize = 10_000;
/// Questions sent but not yet answered, at most: a busy server, not a synthetic wall.
const WINDOW: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_questions_get_exactly_ten_thousand_replies() {
    let shared = Shared::new(
        Engine::new(&Config::builtin()).unwrap(),
        settings(),
        &Operations::default(),
        None,
    )
    .unwrap();
    let bot = start_shared(shared).await;
    let me = fake::user(&BOT_ID.to_string(), "citebot", true);
    let users: Vec<serde_json::Value> = (0..500).map(|i| bot.user(&format!("user{i}"))).collect();
    let channels: Vec<String> = (0..16)
        .map(|i| (900_000_000_000_001_000u64 + i).to_string())
        .collect();
    let mut asked = HashSet::new();
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(600);
    for i in 0..QUESTIONS {
        while i - bot.fake.replied() >= WINDOW {
            assert!(
                Instant::now() < deadline,
                "replies stalled at {}",
                bot.fake.replied()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let (user, channel, q) = (
            &users[i % users.len()],
            &channels[i % 16],
            fake::MIXED_QUESTIONS[i % fake::MIXED_QUESTIONS.len()],
        );
        if i.is_multiple_of(2) {
            let text = format!("<@{BOT_ID}> {q}");
            let m = fake::message(
                &bot.fake,
                channel,
                true,
                user,
                &text,
                std::slice::from_ref(&me),
            );
            asked.insert(m["id"].as_str().unwrap().to_string());
            bot.fake.send_message(m);
        } else {
            let c = fake::command(&bot.fake, channel, user, "ask", &[("question", q)]);
            asked.insert(c["id"].as_str().unwrap().to_string());
            bot.fake.dispatch("INTERACTION_CREATE", c);
        }
    }
    while bot.fake.replied() < QUESTIONS {
        assert!(
            Instant::now() < deadline,
            "only {} of {QUESTIONS} replies",
            bot.fake.replied()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let requests = bot.fake.requests();
    let mut answered = Vec::new();
    for r in &requests {
        if r.path.ends_with("/messages") {
            assert_eq!(r.status, 200, "{r:?}");
            answered.push(
                r.body["message_reference"]["message_id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        } else if r.path.ends_with("/callback") {
            assert_eq!(r.status, 204, "{r:?}");
            answered.push(r.path.split('/').nth(4).unwrap().to_string());
        }
    }
    assert_eq!(answered.len(), QUESTIONS, "replies");
    let unique: HashSet<String> = answered.into_iter().collect();
    assert_eq!(unique.len(), QUESTIONS, "a question was answered twice");
    assert_eq!(unique, asked, "every question answered");
    // Every reply was matched to the question it answers.
    assert_eq!(bot.fake.latencies_after(started).len(), QUESTIONS);
    bot.finish().await;
}
