//! The real Discord adapter (serenity's client, our handler) against the fake Discord.

use crate::fake_discord::{self as fake, BOT_ID, FakeDiscord, GUILD_ID, ROLE_ID, Request};
use citebot::config::{DiscordSettings, Operations};
use citebot::discord::{self, Options, RunError, Shared};
use citebot::{Config, Engine};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const CHANNEL: &str = "900000000000000100";
const OTHER_CHANNEL: &str = "900000000000000101";

/// A running bot and the fake Discord it talks to.
pub struct Bot {
    pub fake: FakeDiscord,
    pub shared: Arc<Shared>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), RunError>>,
}

pub async fn start_shared(shared: Arc<Shared>) -> Bot {
    let fake = FakeDiscord::start().await;
    let (stop, stopped) = oneshot::channel::<()>();
    let options = Options {
        token: fake::TOKEN.to_string(),
        api_base: Some(fake.base.clone()),
    };
    let task = tokio::spawn(discord::run(Arc::clone(&shared), options, async {
        let _ = stopped.await;
    }));
    fake.wait_ready().await;
    Bot {
        fake,
        shared,
        stop,
        task,
    }
}

async fn start_with(engine: Engine, settings: DiscordSettings) -> Bot {
    start_shared(Shared::new(engine, settings, &Operations::default(), None).unwrap()).await
}

async fn start(settings: DiscordSettings) -> Bot {
    start_with(Engine::new(&Config::builtin()).unwrap(), settings).await
}

pub fn settings() -> DiscordSettings {
    DiscordSettings {
        dev_guild: Some(GUILD_ID),
        cooldown_questions: 0,
        ..DiscordSettings::default()
    }
}

impl Bot {
    /// Stops the bot like `finish` and returns every request the fake received.
    pub async fn finish_returning_fake(self) -> Vec<Request> {
        let _ = self.stop.send(());
        let result = tokio::time::timeout(fake::PATIENCE, self.task)
            .await
            .expect("the bot stops after shutdown")
            .expect("the bot task did not panic");
        assert!(result.is_ok(), "the bot ended with {result:?}");
        self.fake.assert_clean();
        self.fake.requests()
    }

    /// Stops the bot, checks it shut down cleanly and that the fake saw no problem.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        let result = tokio::time::timeout(fake::PATIENCE, self.task)
            .await
            .expect("the bot stops after shutdown")
            .expect("the bot task did not panic");
        assert!(result.is_ok(), "the bot ended with {result:?}");
        self.fake.assert_clean();
    }

    pub fn user(&self, name: &str) -> Value {
        fake::user(&self.fake.id(), name, false)
    }

    fn me() -> Value {
        fake::user(&BOT_ID.to_string(), "citebot", true)
    }

    /// Sends a direct message from `who` in [`CHANNEL`]; returns its id.
    pub fn dm(&self, who: &Value, text: &str) -> String {
        let m = fake::message(&self.fake, CHANNEL, false, who, text, &[]);
        let id = m["id"].as_str().unwrap().to_string();
        self.fake.send_message(m);
        id
    }

    /// Runs a slash command of `who` in [`CHANNEL`] and returns the bot's callback.
    pub async fn slash(&self, who: &Value, name: &str, options: &[(&str, &str)]) -> Value {
        self.interact(fake::command(&self.fake, CHANNEL, who, name, options))
            .await
    }

    /// The replies posted to a channel so far.
    pub fn replies(&self, channel: &str) -> Vec<Request> {
        let path = format!("/api/v10/channels/{channel}/messages");
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .collect()
    }

    pub async fn wait_replies(&self, channel: &str, n: usize) -> Vec<Request> {
        let path = format!("/api/v10/channels/{channel}/messages");
        self.fake
            .wait_for(n, |r| r.method == "POST" && r.path == path)
            .await
    }

    /// Runs one interaction and returns the callback body the bot sent for it.
    pub async fn interact(&self, interaction: Value) -> Value {
        let id = interaction["id"].as_str().unwrap().to_string();
        self.fake.dispatch("INTERACTION_CREATE", interaction);
        let prefix = format!("/api/v10/interactions/{id}/");
        let r = self.fake.wait_for(1, |r| r.path.starts_with(&prefix)).await;
        assert_eq!(r[0].status, 204, "{:?}", r[0]);
        r[0].body.clone()
    }
}

/// Asserts that a reply's embed says `says` and cites starting with `cites`.
fn assert_reply(reply: &Value, says: &str, cites: &str) {
    assert!(description(reply).contains(says), "{reply}");
    assert!(footer(reply).starts_with(cites), "{reply}");
}

pub fn description(reply: &Value) -> String {
    reply["embeds"][0]["description"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn footer(reply: &Value) -> String {
    reply["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_registers_commands_and_requests_only_the_intents_it_needs() {
    let bot = start(settings()).await;
    let put = bot.fake.wait_ready().await;
    assert_eq!(
        put[0].path,
        format!(
            "/api/v10/applications/{}/guilds/{GUILD_ID}/commands",
            fake::APP_ID
        )
    );
    let names: Vec<&str> = put[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ask", "quote", "facts", "source", "help", "reload"]);
    let intents = bot.fake.identify().unwrap()["intents"].as_u64().unwrap();
    assert_eq!(
        intents & (1 << 15),
        0,
        "Message Content must not be requested without a channel list or prefix"
    );
    assert_ne!(intents & (1 << 9), 0, "GUILD_MESSAGES");
    assert_ne!(intents & (1 << 12), 0, "DIRECT_MESSAGES");
    bot.finish().await;

    // Without a development guild the commands are global.
    let bot = start(DiscordSettings {
        dev_guild: None,
        ..settings()
    })
    .await;
    let put = bot.fake.wait_ready().await;
    assert_eq!(
        put[0].path,
        format!("/api/v10/applications/{}/commands", fake::APP_ID)
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_is_answered_with_a_citation_in_reply_to_the_question() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let m = fake::message(
        &bot.fake,
        CHANNEL,
        true,
        &ann,
        &format!("<@{BOT_ID}> how much of ukraine does russia control?"),
        &[Bot::me()],
    );
    let question_id = m["id"].clone();
    bot.fake.send_message(m);
    let reply = &bot.wait_replies(CHANNEL, 1).await[0].body;
    assert!(
        description(reply).contains("**around 20% of Ukraine’s territory**"),
        "{reply}"
    );
    assert!(
        description(reply).contains("> Since the onset of conflict"),
        "{reply}"
    );
    assert!(
        footer(reply).starts_with("Paragraph 5, sentence 1 · The Question of Territory · "),
        "{reply}"
    );
    assert!(footer(reply).ends_with("confidence: high"), "{reply}");
    assert_eq!(reply["message_reference"]["message_id"], question_id);
    assert_eq!(reply["allowed_mentions"]["parse"], json!([]));
    assert_eq!(
        reply["components"][0]["components"][0]["custom_id"],
        "citebot:paragraph:5"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_are_answered_and_other_chatter_is_not() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    // Guild chatter without a mention, a bot's message and the bot's own message: ignored.
    bot.fake.send_message(fake::message(
        &bot.fake,
        CHANNEL,
        true,
        &ann,
        "who is the vice president",
        &[],
    ));
    bot.fake.send_message(fake::message(
        &bot.fake,
        OTHER_CHANNEL,
        false,
        &fake::user("77", "otherbot", true),
        "who is the vice president",
        &[],
    ));
    bot.fake.send_message(fake::message(
        &bot.fake,
        OTHER_CHANNEL,
        false,
        &Bot::me(),
        "who is the vice president",
        &[],
    ));
    let dm = fake::message(
        &bot.fake,
        OTHER_CHANNEL,
        false,
        &ann,
        "who is the vice president",
        &[],
    );
    let dm_id = dm["id"].clone();
    bot.fake.send_message(dm);
    let replies = bot.wait_replies(OTHER_CHANNEL, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(bot.replies(OTHER_CHANNEL).len(), 1);
    assert!(bot.replies(CHANNEL).is_empty());
    assert_eq!(replies[0].body["message_reference"]["message_id"], dm_id);
    assert!(description(&replies[0].body).contains("U.S. Vice President J.D. Vance"));
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_in_an_enabled_channel_is_a_question() {
    let channel: u64 = CHANNEL.parse().unwrap();
    let bot = start(DiscordSettings {
        answer_channels: vec![channel],
        ..settings()
    })
    .await;
    let intents = bot.fake.identify().unwrap()["intents"].as_u64().unwrap();
    assert_ne!(
        intents & (1 << 15),
        0,
        "a channel list needs Message Content"
    );
    let ann = bot.user("ann");
    bot.fake.send_message(fake::message(
        &bot.fake,
        CHANNEL,
        true,
        &ann,
        "when did russia annex crimea",
        &[],
    ));
    bot.fake.send_message(fake::message(
        &bot.fake,
        OTHER_CHANNEL,
        true,
        &ann,
        "when did russia annex crimea",
        &[],
    ));
    let reply = &bot.wait_replies(CHANNEL, 1).await[0].body;
    assert!(description(reply).contains("2014"), "{reply}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(bot.replies(OTHER_CHANNEL).is_empty());
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswerable_question_gets_a_polite_no_with_suggestions() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    bot.dm(&ann, "what's the weather in munich?");
    let reply = &bot.wait_replies(CHANNEL, 1).await[0].body;
    let d = description(reply);
    assert!(
        d.starts_with("The article doesn't say anything about “weather”."),
        "{d}"
    );
    assert!(d.contains("Questions I can answer:\n• "), "{d}");
    // No paragraph to show and no alternatives: only the 👍/👎 row.
    let rows = reply["components"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{reply}");
    assert!(
        rows[0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["custom_id"]
                .as_str()
                .unwrap()
                .starts_with("citebot:vote:")),
        "{reply}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_here_and_role_mentions_in_a_question_never_ping() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let text =
        format!("<@{BOT_ID}> @everyone @here <@&{ROLE_ID}> what did zelensky say about nato?");
    bot.fake.send_message(fake::message(
        &bot.fake,
        CHANNEL,
        true,
        &ann,
        &text,
        &[Bot::me()],
    ));
    let reply = &bot.wait_replies(CHANNEL, 1).await[0].body;
    assert!(
        description(reply).contains("cheapest option for everyone"),
        "{reply}"
    );
    assert_eq!(
        reply["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": [], "replied_user": false})
    );
    assert!(!reply.to_string().contains("@everyone") && !reply.to_string().contains("<@&"));
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_answer_with_embeds() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");

    let r = bot
        .slash(&ann, "ask", &[("question", "who is the french president?")])
        .await;
    assert_eq!(r["type"], 4);
    assert_reply(
        &r["data"],
        "**French President Emmanuel Macron**",
        "Paragraph 3, sentence 1",
    );

    let r = bot
        .slash(&ann, "quote", &[("speaker", "Zelensky"), ("topic", "NATO")])
        .await;
    let fields = r["data"]["embeds"][0]["fields"].as_array().unwrap().clone();
    assert!(
        fields[0]["value"]
            .as_str()
            .unwrap()
            .contains("the cheapest option for everyone"),
        "{r}"
    );
    assert!(
        fields
            .iter()
            .all(|f| f["name"].as_str().unwrap().contains("Zelensky")),
        "{r}"
    );

    let r = bot
        .slash(&ann, "quote", &[("speaker", "Olaf Scholz")])
        .await;
    assert!(
        description(&r["data"]).contains("no quotation from “Olaf Scholz”"),
        "{r}"
    );

    let r = bot.slash(&ann, "facts", &[("topic", "territory")]).await;
    assert_eq!(r["data"]["embeds"][0]["title"], "The Question of Territory");
    assert!(
        description(&r["data"]).contains("around 20% of Ukraine’s territory"),
        "{r}"
    );
    assert!(
        description(&r["data"]).contains("(paragraph 8, sentence 2)"),
        "{r}"
    );

    let r = bot.slash(&ann, "source", &[]).await;
    assert_eq!(
        r["data"]["embeds"][0]["title"],
        "Ukraine's future dominates the Munich Security Conference"
    );
    assert!(description(&r["data"]).contains("paragraph"), "{r}");

    let r = bot.slash(&ann, "help", &[]).await;
    assert_eq!(r["data"]["flags"], 64, "help is shown to the asker only");
    assert!(description(&r["data"]).contains("/quote"), "{r}");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_suggests_answerable_questions_and_speakers() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot
        .interact(fake::autocomplete(
            &bot.fake, CHANNEL, &ann, "ask", "question", "nato",
        ))
        .await;
    assert_eq!(r["type"], 8);
    let choices: Vec<String> = r["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert!(
        choices.iter().all(|c| c.to_lowercase().contains("nato")),
        "{choices:?}"
    );

    let r = bot
        .interact(fake::autocomplete(
            &bot.fake, CHANNEL, &ann, "quote", "speaker", "va",
        ))
        .await;
    let names: Vec<&str> = r["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["J.D. Vance"]);
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_show_the_paragraph_and_answer_the_chosen_alternative() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot
        .interact(fake::click(&bot.fake, CHANNEL, &ann, "citebot:paragraph:7"))
        .await;
    assert_eq!(
        r["data"]["flags"], 64,
        "only the clicker sees the paragraph"
    );
    assert_eq!(r["data"]["embeds"][0]["title"], "Paragraph 7");
    assert!(
        description(&r["data"]).contains("Zelensky remains firm")
            && description(&r["data"]).contains("he reiterated at the MSC")
    );

    let r = bot
        .interact(fake::click(&bot.fake, CHANNEL, &ann, "citebot:pick:12.2"))
        .await;
    assert_reply(
        &r["data"],
        "The United States does not believe",
        "Paragraph 12, sentence 2",
    );

    // An answer with close alternatives offers them as "Did you mean" buttons.
    let r = bot
        .slash(&ann, "ask", &[("question", "what did zelensky say?")])
        .await;
    let buttons = r["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        buttons.iter().any(|b| b["custom_id"]
            .as_str()
            .unwrap()
            .starts_with("citebot:pick:")),
        "{r}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_would_be_too_long_is_cut_within_discords_limits() {
    let long_sentence = format!(
        "The committee said {} and that was final.",
        "the plan would cost a great deal of money over many years ".repeat(120)
    );
    let article = format!(
        "Council Approves The Budget\nMayor Jane Doe said the budget passed. {long_sentence}\n"
    );
    let config =
        Config::builtin().with_article("long.txt", article, Some("A very long article".into()));
    let bot = start_with(Engine::new(&config).unwrap(), settings()).await;
    let ann = bot.user("ann");
    let r = bot
        .slash(
            &ann,
            "ask",
            &[("question", "what did the committee say about the cost?")],
        )
        .await;
    let d = description(&r["data"]);
    assert!(
        d.chars().count() <= 4096 && d.ends_with('…'),
        "{} characters",
        d.chars().count()
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cooldown_answers_the_allowed_questions_and_warns_once() {
    let bot = start(DiscordSettings {
        cooldown_questions: 3,
        cooldown_seconds: 60,
        ..settings()
    })
    .await;
    let ann = bot.user("ann");
    // A flood: 100 questions from one user within a second.
    for _ in 0..100 {
        bot.dm(&ann, "who is pete hegseth");
    }
    bot.wait_replies(CHANNEL, 4).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let replies = bot.replies(CHANNEL);
    assert_eq!(
        replies.len(),
        4,
        "three answers and one notice, not 100 replies"
    );
    let notices: Vec<&Request> = replies
        .iter()
        .filter(|r| {
            r.body["content"]
                .as_str()
                .is_some_and(|c| c.contains("please wait"))
        })
        .collect();
    assert_eq!(notices.len(), 1);
    // Another user is not held back by the first one's flood.
    let bob = bot.user("bob");
    bot.dm(&bob, "who is pete hegseth");
    bot.wait_replies(CHANNEL, 5).await;
    // A slash command over the limit gets the notice privately.
    let r = bot
        .slash(&ann, "ask", &[("question", "who is vance")])
        .await;
    assert_eq!(r["data"]["flags"], 64);
    assert!(
        r["data"]["content"]
            .as_str()
            .unwrap()
            .contains("please wait")
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reply_shows_typing_first() {
    let bot = start(settings()).await;
    bot.fake.delay_messages(Duration::from_millis(1500));
    let ann = bot.user("ann");
    bot.dm(&ann, "who is the vice president");
    bot.wait_replies(CHANNEL, 1).await;
    let paths: Vec<String> = bot.fake.requests().into_iter().map(|r| r.path).collect();
    let typing = paths
        .iter()
        .position(|p| p.ends_with("/typing"))
        .expect("typing was shown");
    let reply = paths.iter().position(|p| p.ends_with("/messages")).unwrap();
    // The fake records a request when it answers it: typing was shown while the reply was
    // still on its way.
    assert!(
        typing < reply,
        "typing must show while the slow reply is pending: {paths:?}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_connects_through_discord_api_base_and_stops_on_sigterm() {
    let fake = FakeDiscord::start().await;
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .arg("run")
        .env("DISCORD_TOKEN", fake::TOKEN)
        .env("DISCORD_API_BASE", &fake.base)
        .env_remove("CITEBOT_CONFIG")
        .env_remove("DISCORD_TOKEN_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("citebot runs");
    fake.wait_ready().await;
    let ann = fake::user(&fake.id(), "ann", false);
    fake.send_message(fake::message(
        &fake,
        CHANNEL,
        false,
        &ann,
        "how many regions did russia annex",
        &[],
    ));
    let path = format!("/api/v10/channels/{CHANNEL}/messages");
    let reply = fake.wait_for(1, |r| r.path == path).await;
    assert!(description(&reply[0].body).contains("four Ukrainian regions"));
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::time::timeout(fake::PATIENCE, child.wait_with_output())
        .await
        .expect("citebot exits after SIGTERM")
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {log}", out.status);
    assert!(!log.contains(fake::TOKEN), "the token was logged: {log}");
    // Regression: logs written to a pipe carried ANSI colour codes.
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a piped log: {log:?}"
    );
    assert!(log.contains("logged in"), "{log}");
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exits_3_when_discord_rejects_the_token() {
    let fake = FakeDiscord::start_rejecting().await;
    let out = tokio::time::timeout(
        fake::PATIENCE,
        tokio::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
            .arg("run")
            .env("DISCORD_TOKEN", "not-the-right-token")
            .env("DISCORD_API_BASE", &fake.base)
            .env_remove("CITEBOT_CONFIG")
            .output(),
    )
    .await
    .expect("citebot gives up at once")
    .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Discord rejected the token (401 Unauthorized)"),
        "{err}"
    );
    assert!(
        !err.contains("not-the-right-token"),
        "the token was printed: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_a_clear_error_not_a_retry_loop() {
    let fake = FakeDiscord::start_rejecting().await;
    let options = Options {
        token: fake::TOKEN.to_string(),
        api_base: Some(fake.base.clone()),
    };
    let engine = Engine::new(&Config::builtin()).unwrap();
    let shared = Shared::new(engine, settings(), &Operations::default(), None).unwrap();
    let result = tokio::time::timeout(
        fake::PATIENCE,
        discord::run(shared, options, std::future::pending()),
    )
    .await
    .expect("run returns instead of retrying");
    assert!(matches!(result, Err(RunError::Unauthorized)), "{result:?}");
    assert_eq!(
        fake.requests().len(),
        1,
        "one request, no retries: {:?}",
        fake.requests()
    );
}

// ---------------------------------------------------------------------------------------------
// Conversations: follow-ups in context, replies to answers, votes.

/// The custom ids of a reply's buttons, row after row.
pub fn custom_ids(reply: &Value) -> Vec<String> {
    reply["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// The custom id of a reply's vote button (`up` or `down`).
pub fn vote_button(reply: &Value, vote: &str) -> String {
    let prefix = format!("citebot:vote:{vote}:");
    custom_ids(reply)
        .into_iter()
        .find(|c| c.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {vote} button: {reply}"))
}

impl Bot {
    /// Sends a direct message from `who` and waits for the bot's `n`th reply in [`CHANNEL`].
    pub async fn ask_dm(&self, who: &Value, text: &str, n: usize) -> Value {
        self.dm(who, text);
        self.wait_replies(CHANNEL, n).await[n - 1].body.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pronoun_follow_up_is_read_with_the_previous_question() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot
        .ask_dm(&ann, "who is the US defense secretary?", 1)
        .await;
    assert!(
        description(&r).contains("**U.S. Defense Secretary Pete Hegseth**"),
        "{r}"
    );
    let r = bot
        .ask_dm(&ann, "what did he say about sending troops?", 2)
        .await;
    assert_reply(
        &r,
        "sending U.S. troops to Ukraine",
        "Paragraph 15, sentence 1",
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ellipsis_asks_the_new_question_word_about_the_previous_topic() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    bot.ask_dm(&ann, "what is Zelensky's victory plan?", 1)
        .await;
    let r = bot.ask_dm(&ann, "when was that?", 2).await;
    assert_reply(&r, "**Back in October**", "Paragraph 16, sentence 1");
    let r = bot
        .ask_dm(
            &ann,
            "what does Russia think about Ukraine's NATO ambitions?",
            3,
        )
        .await;
    assert_reply(
        &r,
        "viewing them as a direct threat",
        "Paragraph 11, sentence 1",
    );
    let r = bot.ask_dm(&ann, "why?", 4).await;
    assert_reply(
        &r,
        "viewing them as a direct threat",
        "Paragraph 11, sentence 1",
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_about_macron_is_never_answered_with_hegseths_sentence() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot.ask_dm(&ann, "what did Macron say?", 1).await;
    assert!(footer(&r).starts_with("Paragraph 3, sentence 1"), "{r}");
    // The article has nothing from Macron on troops; Hegseth's sentence must not answer.
    let r = bot
        .ask_dm(&ann, "what did he say about sending troops?", 2)
        .await;
    assert!(!description(&r).contains("Hegseth"), "{r}");
    assert!(!footer(&r).starts_with("Paragraph 15"), "{r}");
    assert!(
        description(&r).starts_with("The article doesn't say"),
        "{r}"
    );
    // Contexts never cross people: bob's "he" is nobody in particular.
    let bob = bot.user("bob");
    let r = bot
        .ask_dm(&bob, "what did Hegseth say about sending troops?", 3)
        .await;
    assert_reply(&r, "sending U.S. troops", "Paragraph 15, sentence 1");
    let r = bot.ask_dm(&ann, "and what about Hegseth?", 4).await;
    assert_reply(&r, "sending U.S. troops", "Paragraph 15, sentence 1");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_to_an_answer_is_read_in_its_context_whoever_replies() {
    let bot = start(settings()).await;
    let (ann, bob) = (bot.user("ann"), bot.user("bob"));
    bot.fake.send_message(fake::message(
        &bot.fake,
        CHANNEL,
        true,
        &ann,
        &format!("<@{BOT_ID}> what is Zelensky's victory plan?"),
        &[Bot::me()],
    ));
    let answer = bot.wait_replies(CHANNEL, 1).await[0].body.clone();
    assert!(
        footer(&answer).starts_with("Paragraph 16, sentence 1"),
        "{answer}"
    );
    // Bob has asked nothing; his reply (which pings the bot, so its text arrives without the
    // Message Content intent) is read in the context of Ann's answer.
    let reply = fake::reply(
        &bot.fake,
        CHANNEL,
        &bob,
        "when was that?",
        &[Bot::me()],
        "900000000000999999",
        &answer,
    );
    let reply_id = reply["id"].clone();
    bot.fake.send_message(reply);
    let r = bot.wait_replies(CHANNEL, 2).await[1].body.clone();
    assert_reply(&r, "**Back in October**", "Paragraph 16, sentence 1");
    assert_eq!(r["message_reference"]["message_id"], reply_id);
    // The same words, not a reply, from someone without a context: read alone.
    let cy = bot.user("cy");
    bot.fake.send_message(fake::message(
        &bot.fake,
        CHANNEL,
        true,
        &cy,
        &format!("<@{BOT_ID}> when was that?"),
        &[Bot::me()],
    ));
    let r = bot.wait_replies(CHANNEL, 3).await[2].body.clone();
    assert!(!footer(&r).starts_with("Paragraph 16"), "{r}");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_ask_shares_the_conversation_with_chat() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot
        .slash(&ann, "ask", &[("question", "who is the french president?")])
        .await;
    assert_reply(
        &r["data"],
        "**French President Emmanuel Macron**",
        "Paragraph 3, sentence 1",
    );
    let r = bot
        .slash(&ann, "ask", &[("question", "what did he warn about?")])
        .await;
    assert_reply(&r["data"], "badly for everyone", "Paragraph 3, sentence 1");
    // Chat in the same channel continues the same conversation, and the other way round.
    let r = bot
        .slash(
            &ann,
            "ask",
            &[("question", "who is the US defense secretary?")],
        )
        .await;
    assert!(description(&r["data"]).contains("Hegseth"), "{r}");
    let r = bot
        .ask_dm(&ann, "what did he say about sending troops?", 1)
        .await;
    assert_reply(&r, "sending U.S. troops", "Paragraph 15, sentence 1");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_expires_and_minutes_zero_turns_conversations_off() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    bot.ask_dm(&ann, "what is Zelensky's victory plan?", 1)
        .await;
    bot.shared.age_conversations(Duration::from_secs(11 * 60));
    // Read alone, "that" is nothing: not the victory plan through the expired context.
    let r = bot.ask_dm(&ann, "when was that?", 2).await;
    assert!(!footer(&r).starts_with("Paragraph 16"), "{r}");
    // Within the time it still holds.
    bot.ask_dm(&ann, "what is Zelensky's victory plan?", 3)
        .await;
    bot.shared.age_conversations(Duration::from_secs(9 * 60));
    let r = bot.ask_dm(&ann, "when was that?", 4).await;
    assert_reply(&r, "**Back in October**", "Paragraph 16, sentence 1");
    bot.finish().await;

    let ops = Operations {
        conversation: citebot::conversation::Settings {
            minutes: 0,
            ..Default::default()
        },
        ..Operations::default()
    };
    let engine = Engine::new(&Config::builtin()).unwrap();
    let bot = start_shared(Shared::new(engine, settings(), &ops, None).unwrap()).await;
    bot.ask_dm(&ann, "what is Zelensky's victory plan?", 1)
        .await;
    let r = bot.ask_dm(&ann, "when was that?", 2).await;
    assert!(!footer(&r).starts_with("Paragraph 16"), "{r}");
    assert_eq!(bot.shared.contexts(), 0);
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_vote_lands_in_the_feedback_log_with_its_question() {
    let dir = crate::helpers::temp_dir("feedback");
    let log = dir.join("feedback.jsonl");
    let ops = Operations {
        feedback_file: Some(log.clone()),
        ..Operations::default()
    };
    let engine = Engine::new(&Config::builtin()).unwrap();
    let bot = start_shared(Shared::new(engine, settings(), &ops, None).unwrap()).await;
    let ann = bot.user("ann");
    bot.ask_dm(&ann, "what did Macron say?", 1).await;
    let answer = bot
        .ask_dm(&ann, "what did he say about sending troops?", 2)
        .await;
    let down = vote_button(&answer, "down");
    let r = bot
        .interact(fake::click(&bot.fake, CHANNEL, &ann, &down))
        .await;
    assert_eq!(r["data"]["flags"], 64, "only the voter sees the thanks");
    assert!(
        r["data"]["content"].as_str().unwrap().contains("Thanks"),
        "{r}"
    );
    // One vote per person per answer: the same again changes nothing; a change is noted.
    let r = bot
        .interact(fake::click(&bot.fake, CHANNEL, &ann, &down))
        .await;
    assert!(
        r["data"]["content"].as_str().unwrap().contains("already"),
        "{r}"
    );
    let bob = bot.user("bob");
    bot.interact(fake::click(&bot.fake, CHANNEL, &bob, &down))
        .await;
    let up = vote_button(&answer, "up");
    let r = bot
        .interact(fake::click(&bot.fake, CHANNEL, &bob, &up))
        .await;
    assert!(
        r["data"]["content"].as_str().unwrap().contains("Changed"),
        "{r}"
    );

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    let first = &lines[0];
    assert_eq!(first["vote"], "down");
    assert_eq!(first["question"], "what did he say about sending troops?");
    assert_eq!(
        first["read_as"],
        "what did Emmanuel Macron say about sending troops?"
    );
    assert_eq!(first["answered"], false);
    assert_eq!(first["source"], "chat");
    assert!(first["time"].as_str().unwrap().ends_with('Z'));
    assert!(first.get("user").is_none(), "user ids only when opted in");
    assert_eq!(lines[2]["vote"], "up");
    assert_eq!(lines[2]["replaces"], "down");
    let metrics = bot.shared.metrics.render();
    assert!(
        metrics.contains("citebot_feedback_total{vote=\"down\"} 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("citebot_feedback_total{vote=\"up\"} 1\n"),
        "{metrics}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_answer_has_votes_and_a_picked_alternative_repeats_the_question() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot
        .slash(&ann, "ask", &[("question", "what did zelensky say?")])
        .await;
    let ids = custom_ids(&r["data"]);
    assert!(ids.iter().any(|c| c.starts_with("citebot:vote:up:")), "{r}");
    let pick = ids
        .iter()
        .find(|c| c.starts_with("citebot:pick:"))
        .unwrap_or_else(|| panic!("no alternative offered: {r}"));
    let r = bot
        .interact(fake::click(&bot.fake, CHANNEL, &ann, pick))
        .await;
    assert_eq!(
        r["data"]["embeds"][0]["title"], "“what did zelensky say?”",
        "{r}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quotation_is_shown_once_plus_the_cited_sentence() {
    let bot = start(settings()).await;
    let ann = bot.user("ann");
    let r = bot.ask_dm(&ann, "give me a quote from hegseth", 1).await;
    let d = description(&r);
    let quote = "does not believe that NATO membership for Ukraine";
    // Once as the answer, once inside the cited sentence: not a third time.
    assert_eq!(d.matches(quote).count(), 2, "{d}");
    assert!(d.contains("> “The United States does not believe"), "{d}");
    bot.finish().await;
}
