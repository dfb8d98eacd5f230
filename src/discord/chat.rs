//! Chat: which messages are questions (a mention, a direct message, a message in a listed
//! channel, or one starting with the prefix), and the reply to them.

use super::commands::{answer_safely, deliver};
use super::render;
use super::{Handler, Question, answer_in_context, cooldown::Verdict};
use crate::config::DiscordSettings;
use crate::ops::{Outcome, Source};
use serenity::all::{ActionRowComponent, ButtonKind, Message, UserId};
use std::time::Duration;

/// How long a reply may take before the bot shows "typing".
const TYPING_AFTER: Duration = Duration::from_millis(700);

/// Where a message came from, as far as deciding whether it is a question goes.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub from_bot: bool,
    pub is_dm: bool,
    pub mentions_bot: bool,
    /// A reply to one of the bot's messages.
    pub replies_to_bot: bool,
    pub channel: u64,
}

/// The question a message asks the bot, or `None` when the bot should stay quiet.
pub fn question_in(
    content: &str,
    origin: Origin,
    bot: UserId,
    settings: &DiscordSettings,
) -> Option<String> {
    if origin.from_bot {
        return None;
    }
    let mention = [format!("<@{bot}>"), format!("<@!{bot}>")];
    let without_mention = mention
        .iter()
        .fold(content.to_string(), |c, m| c.replace(m.as_str(), " "));
    let prefixed = settings.prefix.as_deref().and_then(|p| {
        let t = without_mention.trim_start();
        t.strip_prefix(p)
            .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
            .map(str::to_string)
    });
    // A reply to the bot is a question when its text reached us (a reply that pings the bot
    // always does; one that doesn't only with the Message Content intent).
    let asked = (origin.is_dm && settings.answer_dms)
        || (origin.mentions_bot && settings.answer_mentions)
        || (origin.replies_to_bot && !without_mention.trim().is_empty())
        || settings.answer_channels.contains(&origin.channel)
        || prefixed.is_some();
    if !asked {
        return None;
    }
    Some(prefixed.unwrap_or(without_mention).trim().to_string())
}

pub async fn on_message(h: &Handler, msg: &Message) {
    let shared = &h.shared;
    let settings = shared.settings();
    let origin = Origin {
        from_bot: msg.author.bot || msg.author.id == h.bot,
        is_dm: msg.guild_id.is_none(),
        mentions_bot: msg.mentions.iter().any(|u| u.id == h.bot),
        replies_to_bot: msg
            .referenced_message
            .as_ref()
            .is_some_and(|m| m.author.id == h.bot),
        channel: msg.channel_id.get(),
    };
    // A reply to one of the bot's answers is read in that answer's context, whoever replies.
    let reply_to = msg
        .referenced_message
        .as_ref()
        .filter(|m| m.author.id == h.bot)
        .and_then(|m| render::answer_id(custom_ids(m)));
    let Some(question) = question_in(&msg.content, origin, h.bot, &settings) else {
        return;
    };
    let Some(flight) = shared.begin() else {
        return; // shutting down
    };
    let mut outcome = None;
    let mut record = None;
    let user = msg.author.id.get();
    let id = shared.new_answer_id();
    let reply = match shared.cooldown(msg.author.id) {
        Verdict::Answer => {
            let engine = shared.engine();
            let context = shared.context(origin.channel, user, reply_to);
            answer_safely(&engine, |e| {
                tracing::debug!(question = %question, "chat question");
                let (reply, o, r) = answer_in_context(e, context.as_ref(), &question, id, "chat");
                outcome = Some(o);
                record = r;
                reply
            })
        }
        Verdict::Notify { wait } => render::slow_down(wait.as_secs().max(1)),
        Verdict::Ignore => return,
    };
    // Remembered before the reply goes out: the next question may come at once.
    let read_as = record.as_ref().map(|r| r.read_as.clone());
    if let Some(r) = record {
        shared.remember(origin.channel, user, id, r);
    }
    let channel = msg.channel_id;
    let route = format!("channels/{channel}/messages");
    let path = format!("/channels/{channel}/messages");
    let body = reply.message().reference_message(msg);
    let sending = deliver(&h.rest, &route, &path, &body);
    tokio::pin!(sending);
    let delivered = tokio::select! {
        ok = &mut sending => ok,
        _ = tokio::time::sleep(TYPING_AFTER) => {
            let typing = format!("/channels/{channel}/typing");
            deliver(&h.rest, "typing", &typing, &serde_json::json!({})).await;
            sending.await
        }
    };
    let q = Question {
        source: Source::Chat,
        channel: origin.channel,
        user,
        text: &question,
        read_as: read_as.as_deref(),
    };
    // A question counts once it was answered or failed; a cooldown notice is not one.
    let outcome = if reply == render::apology() {
        Some(Outcome::Error)
    } else {
        outcome
    };
    if let Some(o) = outcome {
        shared.finished(&q, o, delivered, flight.started);
    }
}

/// The custom ids of a message's buttons.
fn custom_ids(m: &Message) -> impl Iterator<Item = &str> {
    m.components
        .iter()
        .flat_map(|row| &row.components)
        .filter_map(|c| match c {
            ActionRowComponent::Button(b) => match &b.data {
                ButtonKind::NonLink { custom_id, .. } => Some(custom_id.as_str()),
                _ => None,
            },
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            from_bot: false,
            is_dm: false,
            mentions_bot: false,
            replies_to_bot: false,
            channel: 10,
        }
    }

    #[test]
    fn which_messages_are_questions() {
        let bot = UserId::new(42);
        let mut s = DiscordSettings::default();
        let q = |content: &str, o: Origin, s: &DiscordSettings| question_in(content, o, bot, s);
        assert_eq!(q("hello all", origin(), &s), None);
        let mention = Origin {
            mentions_bot: true,
            ..origin()
        };
        assert_eq!(
            q("hey <@42> what did Macron say?", mention, &s).as_deref(),
            Some("hey   what did Macron say?")
        );
        assert_eq!(q("<@!42>", mention, &s).as_deref(), Some(""));
        let dm = Origin {
            is_dm: true,
            ..origin()
        };
        assert_eq!(q("who is vance", dm, &s).as_deref(), Some("who is vance"));
        let bot_msg = Origin {
            from_bot: true,
            ..dm
        };
        assert_eq!(q("who is vance", bot_msg, &s), None);
        s.answer_channels = vec![10];
        assert_eq!(
            q("who is vance", origin(), &s).as_deref(),
            Some("who is vance")
        );
        s.answer_channels.clear();
        s.prefix = Some("!ask".into());
        assert_eq!(
            q("!ask who is vance", origin(), &s).as_deref(),
            Some("who is vance")
        );
        assert_eq!(q("!asking around", origin(), &s), None);
        s.answer_dms = false;
        assert_eq!(q("who is vance", dm, &s), None);
        let reply = Origin {
            replies_to_bot: true,
            ..origin()
        };
        assert_eq!(q("why?", reply, &s).as_deref(), Some("why?"));
        assert_eq!(
            q("", reply, &s),
            None,
            "a reply whose text did not reach us"
        );
    }
}
