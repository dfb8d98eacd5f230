//! Chat: which messages are questions (a mention, a direct message, a message in a listed
//! channel, or one starting with the prefix), and the reply to them.

use super::commands::{answer_safely, deliver};
use super::render;
use super::{Handler, Question, cooldown::Verdict, outcome_of};
use crate::config::DiscordSettings;
use crate::ops::{Outcome, Source};
use serenity::all::{Message, UserId};
use std::time::Duration;

/// How long a reply may take before the bot shows "typing".
const TYPING_AFTER: Duration = Duration::from_millis(700);

/// Where a message came from, as far as deciding whether it is a question goes.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub from_bot: bool,
    pub is_dm: bool,
    pub mentions_bot: bool,
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
    let asked = (origin.is_dm && settings.answer_dms)
        || (origin.mentions_bot && settings.answer_mentions)
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
        channel: msg.channel_id.get(),
    };
    let Some(question) = question_in(&msg.content, origin, h.bot, &settings) else {
        return;
    };
    let Some(flight) = shared.begin() else {
        return; // shutting down
    };
    let mut outcome = None;
    let reply = match shared.cooldown(msg.author.id) {
        Verdict::Answer => {
            let engine = shared.engine();
            answer_safely(&engine, |e| {
                tracing::debug!(question = %question, "chat question");
                let a = e.ask(&question);
                outcome = Some(outcome_of(&a));
                render::answer(&a, e.meta())
            })
        }
        Verdict::Notify { wait } => render::slow_down(wait.as_secs().max(1)),
        Verdict::Ignore => return,
    };
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
        user: msg.author.id.get(),
        text: &question,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            from_bot: false,
            is_dm: false,
            mentions_bot: false,
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
    }
}
