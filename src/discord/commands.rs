//! Slash commands, autocomplete and buttons: their definitions (the descriptions are the help
//! text people see in Discord) and their handling — translate in, call the engine, send out.

use super::render::{self, Action, Reply};
use super::rest::Rest;
use super::{Handler, Question, cooldown::Verdict};
use crate::engine::Engine;
use crate::ops::{Outcome, Source};
use serde::Serialize;
use serenity::all::{
    CommandInteraction, CommandOptionType, ComponentInteraction, Context,
    CreateAutocompleteResponse, CreateCommand, CreateCommandOption, CreateInteractionResponse,
    CreateInteractionResponseMessage, GuildId, Interaction, InteractionId, Permissions,
    ResolvedValue,
};
use std::panic::AssertUnwindSafe;

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
        CreateCommand::new("reload")
            .description("Owners only: re-read the configuration and the article")
            .default_member_permissions(Permissions::ADMINISTRATOR),
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

/// Sends one reply through the reply client; a failure (after its retries) is logged and
/// reported as `false`.
pub async fn deliver(rest: &Rest, route: &str, path: &str, body: &impl Serialize) -> bool {
    match rest.post(route, path, body).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(route, error = %e, "reply not delivered");
            false
        }
    }
}

/// The path of an interaction's callback.
fn callback_path(id: InteractionId, token: &str) -> String {
    format!("/interactions/{id}/{token}/callback")
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

pub async fn on_interaction(h: &Handler, interaction: Interaction) {
    match interaction {
        Interaction::Command(cmd) => on_command(h, &cmd).await,
        Interaction::Autocomplete(cmd) => on_autocomplete(h, &cmd).await,
        Interaction::Component(c) => on_component(h, &c).await,
        _ => {}
    }
}

fn string_option<'a>(cmd: &'a CommandInteraction, name: &str) -> Option<&'a str> {
    cmd.data.options().into_iter().find_map(|o| match o.value {
        ResolvedValue::String(s) if o.name == name => Some(s),
        _ => None,
    })
}

async fn respond(h: &Handler, cmd: &CommandInteraction, reply: &Reply) -> bool {
    let body = CreateInteractionResponse::Message(reply.interaction());
    deliver(
        &h.rest,
        "interaction",
        &callback_path(cmd.id, &cmd.token),
        &body,
    )
    .await
}

async fn on_command(h: &Handler, cmd: &CommandInteraction) {
    let shared = &h.shared;
    let name = cmd.data.name.as_str();
    if name == "reload" {
        let reply = if shared.settings().owners.contains(&cmd.user.id.get()) {
            match shared.reload() {
                Ok(done) => render::notice(&done),
                Err(e) => render::notice(&format!(
                    "Reload failed; still running the previous version. {e}"
                )),
            }
        } else {
            render::notice("Only the bot's owners can reload it.")
        };
        respond(h, cmd, &reply).await;
        return;
    }
    let Some(flight) = shared.begin() else {
        respond(
            h,
            cmd,
            &render::notice("The bot is restarting; please ask again in a moment."),
        )
        .await;
        return;
    };
    if matches!(name, "ask" | "quote" | "facts") {
        match shared.cooldown(cmd.user.id) {
            Verdict::Answer => {}
            // Interactions must be answered, so a repeat offender gets the notice again,
            // privately.
            Verdict::Notify { wait } => {
                respond(h, cmd, &render::slow_down(wait.as_secs().max(1))).await;
                return;
            }
            Verdict::Ignore => {
                respond(h, cmd, &render::slow_down(1)).await;
                return;
            }
        }
    }
    let engine = shared.engine();
    let options = Options::of(cmd);
    let question = options.question.clone().unwrap_or_default();
    let command = name.to_string();
    let (channel, user) = (cmd.channel_id.get(), cmd.user.id.get());
    // /ask shares the asker's conversation in this channel with chat.
    let (context, id) = match name {
        "ask" => (shared.context(channel, user, None), shared.new_answer_id()),
        _ => (None, 0),
    };
    // The answer is computed off the async threads; if it is not ready in time the interaction
    // is acknowledged first (deferred) and completed when it is, within Discord's 3 seconds.
    let memory = std::sync::Arc::clone(shared);
    let mut task = tokio::task::spawn_blocking(move || {
        let mut outcome = Outcome::Answered;
        let mut read_as = None;
        let reply = answer_safely(&engine, |e| {
            if command == "ask" {
                let q = options.question.as_deref().unwrap_or("");
                tracing::debug!(question = q, "slash question");
                let (reply, o, r) = super::answer_in_context(e, context.as_ref(), q, id, "slash");
                outcome = o;
                // Remembered before the reply goes out: the next question may come at once.
                if let Some(r) = r {
                    read_as = Some(r.read_as.clone());
                    memory.remember(channel, user, id, r);
                }
                return reply;
            }
            let (reply, o) = command_reply(e, &command, &options);
            outcome = o;
            reply
        });
        (reply, outcome, read_as)
    });
    let defer_after = shared.defer_after();
    let ready = if defer_after.is_zero() {
        None
    } else {
        tokio::select! {
            biased;
            done = &mut task => Some(done),
            _ = tokio::time::sleep(defer_after) => None,
        }
    };
    let (reply, mut outcome, delivered, read_as) = match ready {
        Some(done) => {
            let (reply, outcome, read_as) =
                done.unwrap_or_else(|_| (render::apology(), Outcome::Error, None));
            let delivered = respond(h, cmd, &reply).await;
            (reply, outcome, delivered, read_as)
        }
        None => {
            let ephemeral = name == "help";
            let defer = CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(ephemeral),
            );
            let path = callback_path(cmd.id, &cmd.token);
            let acknowledged = deliver(&h.rest, "interaction", &path, &defer).await;
            let (reply, outcome, read_as) = task
                .await
                .unwrap_or_else(|_| (render::apology(), Outcome::Error, None));
            let original = format!(
                "/webhooks/{}/{}/messages/@original",
                cmd.application_id, cmd.token
            );
            let edited = acknowledged
                && match h.rest.patch("webhook", &original, &reply.edit()).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::warn!(error = %e, "completing a deferred reply failed");
                        false
                    }
                };
            (reply, outcome, edited, read_as)
        }
    };
    if reply == render::apology() {
        outcome = Outcome::Error;
    }
    if matches!(name, "ask" | "quote" | "facts") {
        let q = Question {
            source: Source::Slash,
            channel,
            user,
            text: &question,
            read_as: read_as.as_deref(),
        };
        shared.finished(&q, outcome, delivered, flight.started);
    }
}

/// A command's string options, owned, so the answer can be computed on another thread.
struct Options {
    question: Option<String>,
    speaker: Option<String>,
    topic: Option<String>,
}

impl Options {
    fn of(cmd: &CommandInteraction) -> Options {
        let get = |n: &str| string_option(cmd, n).map(str::to_string);
        Options {
            question: get("question"),
            speaker: get("speaker"),
            topic: get("topic"),
        }
    }
}

/// The reply to a slash command, and how the question counts.
fn command_reply(e: &Engine, name: &str, o: &Options) -> (Reply, Outcome) {
    match name {
        // In a conversation: see `on_command`.
        "ask" => {
            let a = e.ask(o.question.as_deref().unwrap_or(""));
            (render::answer(&a, e.meta()), super::outcome_of(&a))
        }
        "quote" => {
            let cards = e.quotes(o.speaker.as_deref(), o.topic.as_deref());
            let outcome = if cards.is_empty() {
                Outcome::Abstained
            } else {
                Outcome::Answered
            };
            (render::quotes(&cards, o.speaker.as_deref(), e), outcome)
        }
        "facts" => {
            let reply = match o.topic.as_deref().and_then(|t| e.section_about(t)) {
                Some(section) => render::facts(&section, e.meta()),
                None => render::sections(e),
            };
            (reply, Outcome::Answered)
        }
        "source" => (render::source(e), Outcome::Answered),
        "help" => (render::help(e), Outcome::Answered),
        other => {
            tracing::warn!(command = other, "unknown command");
            (render::help(e), Outcome::Answered)
        }
    }
}

async fn on_autocomplete(h: &Handler, cmd: &CommandInteraction) {
    let Some(focused) = cmd.data.autocomplete() else {
        return;
    };
    let engine = h.shared.engine();
    let typed = focused.value;
    let choices: Vec<String> = match (cmd.data.name.as_str(), focused.name) {
        ("ask", _) => engine.complete(typed, render::limits::CHOICES, render::limits::CHOICE),
        ("quote", "speaker") => filter(engine.speakers(), typed),
        ("facts", _) => filter(
            engine
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
    let body = CreateInteractionResponse::Autocomplete(response);
    deliver(
        &h.rest,
        "interaction",
        &callback_path(cmd.id, &cmd.token),
        &body,
    )
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

async fn on_component(h: &Handler, c: &ComponentInteraction) {
    let shared = &h.shared;
    if let Some(Action::Vote(vote, answer)) = Action::parse(&c.data.custom_id) {
        let voted = shared.vote(answer, c.channel_id.get(), c.user.id.get(), vote);
        let body =
            CreateInteractionResponse::Message(render::vote_noted(vote, voted).interaction());
        deliver(
            &h.rest,
            "interaction",
            &callback_path(c.id, &c.token),
            &body,
        )
        .await;
        return;
    }
    let Some(flight) = shared.begin() else {
        return;
    };
    let engine = shared.engine();
    let reply = match Action::parse(&c.data.custom_id) {
        Some(Action::ShowParagraph(p)) => render::paragraph(&engine, p),
        Some(Action::Vote(..)) => return,
        Some(Action::Pick(id, answer)) => {
            // The question the alternative answers, repeated for whoever picks it.
            let question = answer
                .and_then(|a| shared.question_of(a))
                .unwrap_or_default();
            let mut reply = match engine.answer_sentence(&question, id) {
                Some(a) => render::answer(&a, engine.meta()),
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
    let body = CreateInteractionResponse::Message(reply.interaction());
    let delivered = deliver(
        &h.rest,
        "interaction",
        &callback_path(c.id, &c.token),
        &body,
    )
    .await;
    let q = Question {
        source: Source::Button,
        channel: c.channel_id.get(),
        user: c.user.id.get(),
        text: &c.data.custom_id,
        read_as: None,
    };
    let outcome = if reply == render::apology() {
        Outcome::Error
    } else {
        Outcome::Answered
    };
    shared.finished(&q, outcome, delivered, flight.started);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn a_panic_while_answering_becomes_an_apology() {
        let engine = Engine::new(&Config::builtin()).unwrap();
        let reply = answer_safely(&engine, |_| panic!("boom"));
        assert_eq!(reply, render::apology());
        let ok = answer_safely(&engine, render::source);
        assert_ne!(ok, render::apology());
    }
}
