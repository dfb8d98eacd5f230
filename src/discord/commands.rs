//! Slash commands, autocomplete and buttons: their definitions (the descriptions are the help
//! text people see in Discord) and their handling — translate in, call the engine, send out.

use super::render::{self, Action, Reply};
use super::{Handler, cooldown::Verdict};
use crate::engine::Engine;
use serenity::all::{
    CommandInteraction, CommandOptionType, ComponentInteraction, Context,
    CreateAutocompleteResponse, CreateCommand, CreateCommandOption, CreateInteractionResponse,
    GuildId, Interaction, ResolvedValue,
};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// The slash commands, as registered with Discord.
pub fn definitions() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("ask")
            .description(
                "Ask a question about the article; the answer quotes the sentence it rests on",
            )
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "question",
                    "Your question, e.g. “How much of Ukraine does Russia control?”",
                )
                .required(true)
                .max_length(1000)
                .set_autocomplete(true),
            ),
        CreateCommand::new("quote")
            .description("Quotations from the article, word for word, with who said them")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "speaker",
                    "Who said it (a name or a role)",
                )
                .set_autocomplete(true),
            )
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "topic",
                    "What it is about, e.g. NATO",
                )
                .max_length(200),
            ),
        CreateCommand::new("facts")
            .description("The key facts of one section of the article")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "topic",
                    "A section or topic, e.g. territory",
                )
                .set_autocomplete(true),
            ),
        CreateCommand::new("source")
            .description("The article these answers come from, and how citations are numbered"),
        CreateCommand::new("help").description("What this bot can do, with example questions"),
    ]
}

/// Registers the commands: in the development guild when configured (instant), else globally.
pub async fn register(ctx: &Context, dev_guild: Option<u64>) {
    let result = match dev_guild {
        Some(g) => GuildId::new(g)
            .set_commands(&ctx.http, definitions())
            .await
            .map(|c| c.len()),
        None => serenity::all::Command::set_global_commands(&ctx.http, definitions())
            .await
            .map(|c| c.len()),
    };
    match result {
        Ok(n) => tracing::info!(commands = n, guild = ?dev_guild, "slash commands registered"),
        Err(e) => tracing::error!(error = %e, "registering slash commands failed"),
    }
}

/// Runs a REST call, retrying a rate-limited (429) or failed (5xx, network) attempt a few times
/// with growing pauses. Returns whether it finally succeeded.
pub async fn send<F, Fut, T>(what: &str, mut call: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = serenity::Result<T>>,
{
    let mut pause = Duration::from_millis(250);
    for attempt in 1..=4 {
        match call().await {
            Ok(_) => return true,
            Err(e) => {
                let status = super::status(&e);
                let retry = matches!(status, Some(429) | Some(500..=599) | None);
                tracing::warn!(what, attempt, status = ?status, error = %e, "reply failed");
                if !retry || attempt == 4 {
                    return false;
                }
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
    }
    false
}

/// Asks the engine, turning a panic into an apology instead of a lost question.
pub fn answer_safely(engine: &Engine, f: impl FnOnce(&Engine) -> Reply) -> Reply {
    match std::panic::catch_unwind(AssertUnwindSafe(|| f(engine))) {
        Ok(reply) => reply,
        Err(_) => {
            tracing::error!("answering panicked; replied with an apology");
            render::apology()
        }
    }
}

pub async fn on_interaction(h: &Handler, ctx: &Context, interaction: Interaction) {
    match interaction {
        Interaction::Command(cmd) => on_command(h, ctx, &cmd).await,
        Interaction::Autocomplete(cmd) => on_autocomplete(h, ctx, &cmd).await,
        Interaction::Component(c) => on_component(h, ctx, &c).await,
        _ => {}
    }
}

fn string_option<'a>(cmd: &'a CommandInteraction, name: &str) -> Option<&'a str> {
    cmd.data.options().into_iter().find_map(|o| match o.value {
        ResolvedValue::String(s) if o.name == name => Some(s),
        _ => None,
    })
}

async fn respond(ctx: &Context, cmd: &CommandInteraction, reply: &Reply) -> bool {
    send("interaction response", || {
        cmd.create_response(
            &ctx.http,
            CreateInteractionResponse::Message(reply.interaction()),
        )
    })
    .await
}

async fn on_command(h: &Handler, ctx: &Context, cmd: &CommandInteraction) {
    let name = cmd.data.name.as_str();
    if matches!(name, "ask" | "quote" | "facts") {
        match h.cooldown(cmd.user.id) {
            Verdict::Answer => {}
            Verdict::Notify { wait } => {
                respond(ctx, cmd, &render::slow_down(wait.as_secs().max(1))).await;
                return;
            }
            // Interactions must be answered; a repeat offender gets the notice again, quietly.
            Verdict::Ignore => {
                respond(ctx, cmd, &render::slow_down(1)).await;
                return;
            }
        }
    }
    let engine = &h.engine;
    let reply = answer_safely(engine, |e| match name {
        "ask" => {
            let q = string_option(cmd, "question").unwrap_or("");
            tracing::debug!(question = q, "slash question");
            render::answer(&e.ask(q), e.meta())
        }
        "quote" => {
            let speaker = string_option(cmd, "speaker");
            let cards = e.quotes(speaker, string_option(cmd, "topic"));
            render::quotes(&cards, speaker, e)
        }
        "facts" => match string_option(cmd, "topic") {
            Some(t) => match e.section_about(t) {
                Some(section) => render::facts(&section, e.meta()),
                None => render::sections(e),
            },
            None => render::sections(e),
        },
        "source" => render::source(e),
        "help" => render::help(e),
        other => {
            tracing::warn!(command = other, "unknown command");
            render::help(e)
        }
    });
    respond(ctx, cmd, &reply).await;
}

async fn on_autocomplete(h: &Handler, ctx: &Context, cmd: &CommandInteraction) {
    let Some(focused) = cmd.data.autocomplete() else {
        return;
    };
    let typed = focused.value;
    let choices: Vec<String> = match (cmd.data.name.as_str(), focused.name) {
        ("ask", _) => h
            .engine
            .complete(typed, render::limits::CHOICES, render::limits::CHOICE),
        ("quote", "speaker") => filter(h.engine.speakers(), typed),
        ("facts", _) => filter(
            h.engine
                .sections()
                .into_iter()
                .filter_map(|s| s.heading)
                .collect(),
            typed,
        ),
        _ => Vec::new(),
    };
    let mut response = CreateAutocompleteResponse::new();
    for c in choices.into_iter().take(render::limits::CHOICES) {
        let c = render::cut(&c, render::limits::CHOICE);
        response = response.add_string_choice(c.clone(), c);
    }
    send("autocomplete", || {
        cmd.create_response(
            &ctx.http,
            CreateInteractionResponse::Autocomplete(response.clone()),
        )
    })
    .await;
}

/// The items containing what was typed (case-insensitively), all of them when nothing was.
fn filter(items: Vec<String>, typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    items
        .into_iter()
        .filter(|i| i.to_lowercase().contains(&typed))
        .collect()
}

async fn on_component(h: &Handler, ctx: &Context, c: &ComponentInteraction) {
    let reply = match Action::parse(&c.data.custom_id) {
        Some(Action::ShowParagraph(p)) => render::paragraph(&h.engine, p),
        Some(Action::Pick(id)) => {
            let mut reply = match h.engine.answer_sentence("", id) {
                Some(a) => render::answer(&a, h.engine.meta()),
                None => render::apology(),
            };
            reply.ephemeral = true;
            reply
        }
        None => {
            tracing::warn!(custom_id = %c.data.custom_id, "unknown button");
            return;
        }
    };
    send("button response", || {
        c.create_response(
            &ctx.http,
            CreateInteractionResponse::Message(reply.interaction()),
        )
    })
    .await;
}
