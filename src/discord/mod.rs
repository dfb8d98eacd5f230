//! The Discord adapter: the one place that knows Discord. It connects with serenity, registers
//! the slash commands, turns chat messages, commands, autocomplete and button clicks into
//! [`Engine`] calls, and sends the answers back as [`render::Reply`]s.
//!
//! Layout: `render` (replies, Discord's limits, no pings), `commands` (slash command
//! definitions and their handling), `chat` (which messages are questions), `cooldown` (per-user
//! rate), and this module (start-up, the shared state, shutdown, reload, the event handler).
//! No business logic lives here: every answer comes from the engine.

pub mod chat;
pub mod commands;
pub mod cooldown;
pub mod render;
pub mod rest;

use crate::config::{DiscordSettings, Operations, Shards};
use crate::conversation::{self, Memory, Record, Vote, Voted};
use crate::engine::Engine;
use crate::ops::feedback::{self, FeedbackLog};
use crate::ops::unanswered::UnansweredLog;
use crate::ops::{Metrics, Outcome, Source};
use serenity::all::{
    ClientBuilder, ConnectionStage, Context, EventHandler, GatewayIntents, HttpBuilder,
    Interaction, Message, Ready, ResumedEvent, ShardId, ShardStageUpdateEvent, UserId,
};
use serenity::async_trait;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How to reach Discord.
#[derive(Clone)]
pub struct Options {
    /// The bot token (from the environment; never logged).
    pub token: String,
    /// Another base URL for every REST call and the gateway (`DISCORD_API_BASE`), e.g. a local
    /// fake Discord in tests. `None` is Discord itself.
    pub api_base: Option<String>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("token", &"<redacted>")
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// Why the bot stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "Discord rejected the token (401 Unauthorized); check DISCORD_TOKEN (the bot token from the Developer Portal's Bot page)"
    )]
    Unauthorized,
    #[error("cannot reach the Discord API at {base}: {reason}")]
    Unreachable { base: String, reason: String },
    #[error("the Discord connection failed: {0}")]
    Gateway(String),
}

/// An answer not ready after this long is deferred: Discord wants an interaction acknowledged
/// within 3 seconds, and the acknowledgement itself needs time to travel.
const DEFER_AFTER: Duration = Duration::from_millis(1500);

/// Re-reads the configuration and builds a new engine (for reload).
pub type Loader = Box<dyn Fn() -> Result<(Engine, DiscordSettings), String> + Send + Sync>;

/// The engine and settings in use; swapped whole on reload.
struct Live {
    engine: Arc<Engine>,
    settings: Arc<DiscordSettings>,
}

/// State shared by every event, the HTTP endpoint and the signal handlers.
pub struct Shared {
    live: RwLock<Live>,
    loader: Option<Loader>,
    pub metrics: Arc<Metrics>,
    unanswered: Option<UnansweredLog>,
    feedback: Option<FeedbackLog>,
    /// Follow-up contexts per person and channel, and the answers given (for replies and
    /// votes).
    conversations: Mutex<Memory>,
    cooldown: Mutex<cooldown::Cooldown>,
    in_flight: AtomicUsize,
    stopping: AtomicBool,
    /// How long a slash command's answer may take before the interaction is deferred.
    defer_after: Mutex<Duration>,
}

impl Shared {
    /// `loader`, when given, is what a reload calls. Fails only if the unanswered-question log
    /// or the feedback log cannot be opened.
    pub fn new(
        engine: Engine,
        settings: DiscordSettings,
        operations: &Operations,
        loader: Option<Loader>,
    ) -> std::io::Result<Arc<Shared>> {
        let unanswered = match &operations.unanswered_file {
            Some(path) => Some(UnansweredLog::open(path, operations.unanswered_user_ids)?),
            None => None,
        };
        let feedback = match &operations.feedback_file {
            Some(path) => Some(FeedbackLog::open(path, operations.feedback_user_ids)?),
            None => None,
        };
        // Answer ids start from the clock, so the buttons of answers given before a restart do
        // not name answers given after it.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_millis() as u64)
            << 12;
        Ok(Arc::new(Shared {
            cooldown: Mutex::new(cooldown_for(&settings)),
            live: RwLock::new(Live {
                engine: Arc::new(engine),
                settings: Arc::new(settings),
            }),
            loader,
            metrics: Arc::new(Metrics::new()),
            unanswered,
            feedback,
            conversations: Mutex::new(Memory::new(operations.conversation, seed)),
            in_flight: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
            defer_after: Mutex::new(DEFER_AFTER),
        }))
    }

    pub fn engine(&self) -> Arc<Engine> {
        match self.live.read() {
            Ok(l) => Arc::clone(&l.engine),
            Err(p) => Arc::clone(&p.into_inner().engine),
        }
    }

    pub fn settings(&self) -> Arc<DiscordSettings> {
        match self.live.read() {
            Ok(l) => Arc::clone(&l.settings),
            Err(p) => Arc::clone(&p.into_inner().settings),
        }
    }

    /// Re-reads the configuration, article and knowledge; swaps them in only when all are
    /// valid, else keeps the running version and says why. Gateway settings (development
    /// guild, shards, intents) take effect at the next restart.
    pub fn reload(&self) -> Result<String, String> {
        let Some(loader) = &self.loader else {
            return Err("this bot runs the built-in configuration; nothing to reload".into());
        };
        let result = loader();
        self.metrics.reloaded(result.is_ok());
        let (engine, settings) = result.map_err(|e| {
            tracing::error!(error = %e, "reload failed; keeping the running configuration");
            e
        })?;
        let sentences = engine.article().sentences.len();
        if let Ok(mut c) = self.cooldown.lock() {
            *c = cooldown_for(&settings);
        }
        if let Ok(mut live) = self.live.write() {
            *live = Live {
                engine: Arc::new(engine),
                settings: Arc::new(settings),
            };
        }
        tracing::info!(sentences, "configuration reloaded");
        Ok(format!("Reloaded: the article has {sentences} sentences."))
    }

    /// How long an answer may take before its interaction is deferred.
    pub fn defer_after(&self) -> Duration {
        *self.defer_after.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets that time; zero defers every slash command (what a slow answer path looks like).
    pub fn set_defer_after(&self, d: Duration) {
        *self.defer_after.lock().unwrap_or_else(|p| p.into_inner()) = d;
    }

    /// Stops taking new questions; the ones in flight still get their replies.
    pub fn stop_taking_questions(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// Waits until no question is in flight, at most `limit`.
    pub async fn drain(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts handling one question; `None` once shutting down.
    fn begin(&self) -> Option<InFlight<'_>> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        if self.stopping.load(Ordering::SeqCst) {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(InFlight {
            shared: self,
            started: Instant::now(),
        })
    }

    /// The cooldown's verdict for one question of `user`.
    fn cooldown(&self, user: UserId) -> cooldown::Verdict {
        match self.cooldown.lock() {
            Ok(mut c) => c.check(user.get(), Instant::now()),
            // A panic elsewhere poisoned the lock; answering beats refusing.
            Err(_) => cooldown::Verdict::Answer,
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.conversations.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The context `user`'s next question in `channel` is read in: that of the answer it
    /// replies to, else their own.
    pub fn context(
        &self,
        channel: u64,
        user: u64,
        reply_to: Option<u64>,
    ) -> Option<conversation::Context> {
        self.memory()
            .context((channel, user), reply_to, Instant::now())
    }

    /// A fresh id for an answer about to be given.
    pub fn new_answer_id(&self) -> u64 {
        self.memory().new_id()
    }

    /// Remembers an answer given to `user` in `channel`; its context becomes theirs.
    pub fn remember(&self, channel: u64, user: u64, id: u64, record: Record) {
        self.memory()
            .remember((channel, user), id, record, Instant::now());
    }

    /// The question asked in the answer with `id`, if still remembered.
    pub fn question_of(&self, id: u64) -> Option<String> {
        self.memory().answer(id).map(|r| r.question.clone())
    }

    /// Makes every follow-up context `by` older (what waiting that long does to them).
    pub fn age_conversations(&self, by: Duration) {
        self.memory().age(by);
    }

    /// How many follow-up contexts are kept now.
    pub fn contexts(&self) -> usize {
        self.memory().contexts()
    }

    /// Records a vote: one per person per answer (a changed vote replaces the earlier one),
    /// counted in the metrics and written to the feedback log.
    pub fn vote(&self, answer: u64, channel: u64, user: u64, vote: Vote) -> Voted {
        let mut memory = self.memory();
        let voted = memory.vote(answer, user, vote);
        if voted == Voted::Again {
            return voted;
        }
        self.metrics.voted(vote == Vote::Up);
        if let Some(log) = &self.feedback {
            log.record(feedback::Entry {
                answer,
                vote,
                replaces: match voted {
                    Voted::Changed(v) => Some(v),
                    _ => None,
                },
                channel,
                user,
                record: memory.answer(answer),
            });
        }
        voted
    }

    /// Counts a question once its reply went out (or failed), and logs it if unanswered.
    fn finished(&self, q: &Question<'_>, outcome: Outcome, delivered: bool, started: Instant) {
        self.metrics.question(outcome, q.source, started.elapsed());
        if !delivered {
            self.metrics.reply_failed();
        }
        if outcome == Outcome::Abstained
            && let Some(log) = &self.unanswered
        {
            let source = match q.source {
                Source::Chat => "chat",
                Source::Slash => "slash",
                Source::Button => "button",
            };
            log.record(source, q.channel, q.user, q.text, q.read_as);
        }
    }
}

fn cooldown_for(settings: &DiscordSettings) -> cooldown::Cooldown {
    cooldown::Cooldown::new(
        settings.cooldown_questions,
        Duration::from_secs(settings.cooldown_seconds),
    )
}

/// A question being handled; dropping it marks it done.
struct InFlight<'a> {
    shared: &'a Shared,
    started: Instant,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the metrics and the unanswered log need to know of a question.
struct Question<'a> {
    source: Source,
    channel: u64,
    user: u64,
    text: &'a str,
    /// The question as read in its context, when that changed it.
    read_as: Option<&'a str>,
}

/// The outcome an answer counts as.
fn outcome_of(answer: &crate::answer::Answer) -> Outcome {
    if answer.answered() {
        Outcome::Answered
    } else {
        Outcome::Abstained
    }
}

/// Answers a question in its conversation: the reply (with 👍/👎 buttons under answer id
/// `id`), how it counts, and what to remember of it (nothing for an empty question, which
/// leaves the context as it was).
fn answer_in_context(
    e: &Engine,
    context: Option<&conversation::Context>,
    question: &str,
    id: u64,
    source: &'static str,
) -> (render::Reply, Outcome, Option<Record>) {
    let turn = conversation::ask(e, context, question);
    let outcome = outcome_of(&turn.answer);
    let reply = render::answer(&turn.answer, e.meta());
    if turn.answer.outcome == crate::answer::Outcome::Empty {
        return (reply, outcome, None);
    }
    let record = Record::of(&turn, question, source);
    (reply.with_answer_id(id), outcome, Some(record))
}

/// The gateway intents the settings need: guild and direct messages always; the privileged
/// Message Content intent only when the bot must read messages that don't mention it.
pub fn intents(settings: &DiscordSettings) -> GatewayIntents {
    let mut i =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if settings.needs_message_content() {
        i |= GatewayIntents::MESSAGE_CONTENT;
    }
    i
}

/// Connects to Discord and answers until `shutdown` completes — then stops taking questions,
/// finishes the replies in flight and closes the gateway cleanly — or the token is rejected.
/// Other connection failures are retried with a growing pause (Discord allows about 1000
/// gateway logins a day, so a crash loop must not spend them).
pub async fn run(
    shared: Arc<Shared>,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let base = options
        .api_base
        .clone()
        .unwrap_or_else(|| "https://discord.com".to_string());
    let build_http = || {
        let mut http = HttpBuilder::new(&options.token);
        if let Some(base) = &options.api_base {
            // serenity's own rate limiter ignores the proxy, so it is off with one; replies
            // then honour 429 answers themselves (see `commands::send`).
            http = http
                .proxy(base.trim_end_matches('/'))
                .ratelimiter_disabled(true);
        }
        http.build()
    };
    let http = build_http();
    let me = match http.get_current_user().await {
        Ok(me) => me,
        Err(e) if status(&e) == Some(401) => return Err(RunError::Unauthorized),
        Err(e) => {
            return Err(RunError::Unreachable {
                base,
                reason: e.to_string(),
            });
        }
    };
    // Without this check serenity would fall back to Discord's own gateway when the base URL
    // does not answer, silently leaving a test's fake behind.
    if options.api_base.is_some()
        && let Err(e) = http.get_gateway().await
    {
        return Err(RunError::Unreachable {
            base,
            reason: format!("GET /gateway failed: {e}"),
        });
    }
    tracing::info!(bot = %me.name, id = %me.id, "logged in");

    let rest = Arc::new(rest::Rest::new(
        &base,
        &options.token,
        Arc::clone(&shared.metrics),
    ));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: no new questions, finishing replies in flight");
            shared.stop_taking_questions();
            shared.drain(Duration::from_secs(5)).await;
            let _ = stop_tx.send(true);
        });
    }

    let mut pause = Duration::from_secs(5);
    loop {
        let settings = shared.settings();
        let handler = Handler {
            shared: Arc::clone(&shared),
            rest: Arc::clone(&rest),
            bot: me.id,
            registered: AtomicBool::new(false),
        };
        let mut client = ClientBuilder::new_with_http(build_http(), intents(&settings))
            .event_handler(handler)
            .await
            .map_err(|e| RunError::Gateway(e.to_string()))?;
        let shards = Arc::clone(&client.shard_manager);
        // Every second: which shards are still connected (a lost connection may end a shard
        // runner without any event) and their heartbeat latency, for /healthz and /metrics.
        let latency = {
            let (shards, metrics) = (Arc::clone(&shards), Arc::clone(&shared.metrics));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let runners = shards.runners.lock().await;
                    for id in metrics.shard_ids() {
                        match runners.get(&ShardId(id)) {
                            Some(info) => {
                                if info.stage != ConnectionStage::Connected {
                                    metrics.shard(id, false, None);
                                }
                                if let Some(l) = info.latency {
                                    metrics.shard_latency(id, l);
                                }
                            }
                            None => metrics.shard(id, false, None),
                        }
                    }
                }
            })
        };
        let mut stop = stop_rx.clone();
        let closer = tokio::spawn(async move {
            let _ = stop.wait_for(|s| *s).await;
            tracing::info!("closing the gateway");
            shards.shutdown_all().await;
        });
        let started = Instant::now();
        let result = match settings.shards {
            Shards::Single => client.start().await,
            Shards::Auto => client.start_autosharded().await,
            // serenity takes the range's end as the last shard to run.
            Shards::Range { first, last, total } => {
                client.start_shard_range(first..last, total).await
            }
        };
        closer.abort();
        latency.abort();
        if *stop_rx.borrow() {
            return Ok(());
        }
        let reason = match result {
            Ok(()) => "the gateway connection ended".to_string(),
            Err(serenity::Error::Gateway(
                serenity::gateway::GatewayError::InvalidAuthentication,
            )) => return Err(RunError::Unauthorized),
            Err(e) => e.to_string(),
        };
        if started.elapsed() > Duration::from_secs(600) {
            pause = Duration::from_secs(5);
        }
        tracing::warn!(%reason, retry_in = ?pause, "connection lost; reconnecting");
        let mut stop = stop_rx.clone();
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => return Ok(()),
        }
        pause = (pause * 2).min(Duration::from_secs(300));
    }
}

/// The HTTP status of a failed REST call, if it was one.
pub fn status(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            Some(r.status_code.as_u16())
        }
        _ => None,
    }
}

/// The event handler.
pub struct Handler {
    shared: Arc<Shared>,
    rest: Arc<rest::Rest>,
    bot: UserId,
    registered: AtomicBool,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(
            guilds = ready.guilds.len(),
            shard = ctx.shard_id.0,
            "gateway ready"
        );
        self.shared.metrics.shard(ctx.shard_id.0, true, None);
        if !self.registered.swap(true, Ordering::SeqCst) {
            commands::register(&ctx, self.shared.settings().dev_guild).await;
        }
    }

    async fn resume(&self, ctx: Context, _: ResumedEvent) {
        self.shared.metrics.shard(ctx.shard_id.0, true, None);
    }

    async fn shard_stage_update(&self, _: Context, event: ShardStageUpdateEvent) {
        tracing::info!(shard = event.shard_id.0, stage = %event.new, "gateway stage");
        // Connected is confirmed by READY or RESUMED; any other stage is not connected.
        if !matches!(event.new, ConnectionStage::Connected) {
            self.shared.metrics.shard(event.shard_id.0, false, None);
        }
    }

    async fn message(&self, _: Context, msg: Message) {
        chat::on_message(self, &msg).await;
    }

    async fn interaction_create(&self, _: Context, interaction: Interaction) {
        commands::on_interaction(self, interaction).await;
    }
}
