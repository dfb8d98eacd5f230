//! The Discord adapter: the one place that knows Discord. It connects with serenity, registers
//! the slash commands, turns chat messages, commands, autocomplete and button clicks into
//! [`Engine`] calls, and sends the answers back as [`render::Reply`]s.
//!
//! Layout: `render` (replies, Discord's limits, no pings), `commands` (slash command
//! definitions and their handling), `chat` (which messages are questions), `cooldown` (per-user
//! rate), and this module (start-up and the event handler). No business logic lives here: every
//! answer comes from the engine.

pub mod chat;
pub mod commands;
pub mod cooldown;
pub mod render;

use crate::config::DiscordSettings;
use crate::engine::Engine;
use serenity::all::{
    ClientBuilder, Context, EventHandler, GatewayIntents, HttpBuilder, Interaction, Message, Ready,
    UserId,
};
use serenity::async_trait;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

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

/// Connects to Discord and answers until `shutdown` completes (then closes the gateway cleanly)
/// or the connection fails for good.
pub async fn run(
    engine: Arc<Engine>,
    settings: DiscordSettings,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let base = options
        .api_base
        .clone()
        .unwrap_or_else(|| "https://discord.com".to_string());
    let mut http = HttpBuilder::new(&options.token);
    if let Some(base) = &options.api_base {
        // serenity's own rate limiter ignores the proxy, so it is off with one; replies honour
        // 429 answers themselves (see `commands::send`).
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();

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

    let handler = Handler::new(engine, settings.clone(), me.id);
    let mut client = ClientBuilder::new_with_http(http, intents(&settings))
        .event_handler(handler)
        .await
        .map_err(|e| RunError::Gateway(e.to_string()))?;
    let shards = Arc::clone(&client.shard_manager);
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: closing the gateway");
        shards.shutdown_all().await;
    });
    match client.start().await {
        Ok(()) => Ok(()),
        Err(serenity::Error::Gateway(serenity::gateway::GatewayError::InvalidAuthentication)) => {
            Err(RunError::Unauthorized)
        }
        Err(e) => Err(RunError::Gateway(e.to_string())),
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

/// The event handler: shared state for every event.
pub struct Handler {
    engine: Arc<Engine>,
    settings: DiscordSettings,
    bot: UserId,
    cooldown: Mutex<cooldown::Cooldown>,
    registered: OnceLock<()>,
}

impl Handler {
    pub fn new(engine: Arc<Engine>, settings: DiscordSettings, bot: UserId) -> Handler {
        let cooldown = cooldown::Cooldown::new(
            settings.cooldown_questions,
            Duration::from_secs(settings.cooldown_seconds),
        );
        Handler {
            engine,
            settings,
            bot,
            cooldown: Mutex::new(cooldown),
            registered: OnceLock::new(),
        }
    }

    /// The cooldown's verdict for one question of `user`.
    fn cooldown(&self, user: UserId) -> cooldown::Verdict {
        match self.cooldown.lock() {
            Ok(mut c) => c.check(user.get(), std::time::Instant::now()),
            // A panic elsewhere poisoned the lock; answering beats refusing.
            Err(_) => cooldown::Verdict::Answer,
        }
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(guilds = ready.guilds.len(), "gateway ready");
        if self.registered.set(()).is_ok() {
            commands::register(&ctx, self.settings.dev_guild).await;
        }
    }

    async fn message(&self, ctx: Context, msg: Message) {
        chat::on_message(self, &ctx, &msg).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        commands::on_interaction(self, &ctx, interaction).await;
    }
}
