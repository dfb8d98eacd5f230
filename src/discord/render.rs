//! Replies as Discord shows them: answers, quotes, facts, the source and help become embeds
//! with buttons — and Discord's limits and the no-ping rule are enforced here, in one place.
//!
//! [`Reply`] is a plain description of a message; [`Reply::fit`] cuts it to Discord's limits
//! (content 2000, embed title 256, description 4096, 25 fields of 256/1024, footer 2048, 6000 in
//! all) and every text passes [`defuse`] so nothing the bot repeats can ping anyone. The
//! conversion to serenity's builders also sets allowed_mentions to nothing at all.

use crate::answer::{Answer, Citation, Level, Outcome, cite_line};
use crate::config::Meta;
use crate::conversation::{Vote, Voted};
use crate::engine::{Engine, QuoteCard, Section};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse,
};

/// Discord's limits on one message.
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    pub const EMBED_TOTAL: usize = 6000;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const CHOICES: usize = 25;
    pub const CHOICE: usize = 100;
}

/// Colours of the embed's side bar.
const ANSWERED: u32 = 0x2e7d32;
const NOT_ANSWERED: u32 = 0x9e9e9e;
const INFO: u32 = 0x1565c0;

/// What a button does when clicked; its custom id carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show the whole paragraph, to the clicker only.
    ShowParagraph(usize),
    /// Answer with this sentence ("Did you mean ...?"); the answer it was offered in, when
    /// known, gives the question to repeat.
    Pick(crate::article::SentenceId, Option<u64>),
    /// A vote on the answer with this id.
    Vote(Vote, u64),
}

impl Action {
    pub fn custom_id(self) -> String {
        match self {
            Action::ShowParagraph(p) => format!("citebot:paragraph:{p}"),
            Action::Pick(id, None) => format!("citebot:pick:{}.{}", id.paragraph, id.sentence),
            Action::Pick(id, Some(a)) => {
                format!("citebot:pick:{}.{}:{a}", id.paragraph, id.sentence)
            }
            Action::Vote(v, a) => format!("citebot:vote:{}:{a}", v.as_str()),
        }
    }

    pub fn parse(custom_id: &str) -> Option<Action> {
        let rest = custom_id.strip_prefix("citebot:")?;
        if let Some(p) = rest.strip_prefix("paragraph:") {
            return p.parse().ok().map(Action::ShowParagraph);
        }
        if let Some(v) = rest.strip_prefix("vote:") {
            let (vote, id) = v.split_once(':')?;
            let vote = match vote {
                "up" => Vote::Up,
                "down" => Vote::Down,
                _ => return None,
            };
            return id.parse().ok().map(|id| Action::Vote(vote, id));
        }
        let pick = rest.strip_prefix("pick:")?;
        let (sentence, answer) = match pick.split_once(':') {
            Some((s, a)) => (s, Some(a.parse().ok()?)),
            None => (pick, None),
        };
        let (p, s) = sentence.split_once('.')?;
        Some(Action::Pick(
            crate::article::SentenceId {
                paragraph: p.parse().ok()?,
                sentence: s.parse().ok()?,
            },
            answer,
        ))
    }
}

/// The answer a message's vote buttons belong to, from their custom ids (a reply to one of the
/// bot's answers carries the answer's buttons).
pub fn answer_id<'a>(custom_ids: impl IntoIterator<Item = &'a str>) -> Option<u64> {
    custom_ids.into_iter().find_map(|c| match Action::parse(c) {
        Some(Action::Vote(_, id)) => Some(id),
        _ => None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub action: Action,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embed {
    pub title: Option<String>,
    pub url: Option<String>,
    pub description: String,
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
    pub color: u32,
}

/// One message as the bot will send it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub content: Option<String>,
    pub embed: Option<Embed>,
    pub buttons: Vec<Button>,
    /// 👍 and 👎 buttons for the answer with this id, in a row of their own.
    pub votes: Option<u64>,
    /// Visible only to the person who asked (slash commands and buttons only).
    pub ephemeral: bool,
}

/// Makes repeated text unable to ping: a zero-width space after each `@` of "@everyone" and
/// "@here", and inside user, role and channel mention syntax.
pub fn defuse(text: &str) -> String {
    text.replace("@everyone", "@\u{200b}everyone")
        .replace("@here", "@\u{200b}here")
        .replace("<@", "<\u{200b}@")
}

/// Cuts `text` to at most `max` characters, ending with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

impl Embed {
    fn chars(&self) -> usize {
        self.title.as_deref().map_or(0, |t| t.chars().count())
            + self.description.chars().count()
            + self
                .fields
                .iter()
                .map(|(n, v)| n.chars().count() + v.chars().count())
                .sum::<usize>()
            + self.footer.as_deref().map_or(0, |f| f.chars().count())
    }
}

impl Reply {
    /// Cuts every part to Discord's limits and defuses mentions. Idempotent.
    pub fn fit(mut self) -> Reply {
        self.content = self
            .content
            .map(|c| cut(&defuse(&c), limits::CONTENT))
            .filter(|c| !c.trim().is_empty());
        if let Some(e) = &mut self.embed {
            e.title = e.title.as_deref().map(|t| cut(&defuse(t), limits::TITLE));
            e.description = cut(&defuse(&e.description), limits::DESCRIPTION);
            e.fields.truncate(limits::FIELDS);
            for (n, v) in &mut e.fields {
                *n = cut(&defuse(n), limits::FIELD_NAME);
                *v = cut(&defuse(v), limits::FIELD_VALUE);
            }
            e.footer = e.footer.as_deref().map(|f| cut(&defuse(f), limits::FOOTER));
            // Over the total: drop fields from the end, then shorten the description.
            while e.chars() > limits::EMBED_TOTAL && !e.fields.is_empty() {
                e.fields.pop();
            }
            if e.chars() > limits::EMBED_TOTAL {
                let rest = e.chars() - e.description.chars().count();
                e.description = cut(&e.description, limits::EMBED_TOTAL.saturating_sub(rest));
            }
        }
        self.buttons.truncate(limits::BUTTONS_PER_ROW);
        for b in &mut self.buttons {
            b.label = cut(&defuse(&b.label), limits::BUTTON_LABEL);
        }
        if self.content.is_none() && self.embed.is_none() {
            self.content = Some("…".to_string());
        }
        self
    }

    fn embed_builder(&self) -> Option<CreateEmbed> {
        let e = self.embed.as_ref()?;
        let mut b = CreateEmbed::new()
            .description(&e.description)
            .colour(e.color);
        if let Some(t) = &e.title {
            b = b.title(t);
        }
        if let Some(u) = &e.url {
            b = b.url(u);
        }
        for (n, v) in &e.fields {
            b = b.field(n, v, false);
        }
        if let Some(f) = &e.footer {
            b = b.footer(CreateEmbedFooter::new(f));
        }
        Some(b)
    }

    fn rows(&self) -> Vec<CreateActionRow> {
        let mut rows = Vec::new();
        if !self.buttons.is_empty() {
            let buttons = self
                .buttons
                .iter()
                .map(|b| {
                    let style = match b.action {
                        Action::ShowParagraph(_) | Action::Vote(..) => ButtonStyle::Secondary,
                        Action::Pick(..) => ButtonStyle::Primary,
                    };
                    CreateButton::new(b.action.custom_id())
                        .label(&b.label)
                        .style(style)
                })
                .collect();
            rows.push(CreateActionRow::Buttons(buttons));
        }
        if let Some(id) = self.votes {
            rows.push(CreateActionRow::Buttons(vec![
                CreateButton::new(Action::Vote(Vote::Up, id).custom_id())
                    .label("👍")
                    .style(ButtonStyle::Secondary),
                CreateButton::new(Action::Vote(Vote::Down, id).custom_id())
                    .label("👎")
                    .style(ButtonStyle::Secondary),
            ]));
        }
        rows
    }

    /// The reply to a question answered under answer id `id`: with 👍/👎 buttons, and "Did you
    /// mean" buttons that know which question they answer.
    pub fn with_answer_id(mut self, id: u64) -> Reply {
        self.votes = Some(id);
        for b in &mut self.buttons {
            if let Action::Pick(s, None) = b.action {
                b.action = Action::Pick(s, Some(id));
            }
        }
        self
    }

    /// As a channel message replying to `reference`.
    pub fn message(&self) -> CreateMessage {
        let mut m = CreateMessage::new().allowed_mentions(no_pings());
        if let Some(c) = &self.content {
            m = m.content(c);
        }
        if let Some(e) = self.embed_builder() {
            m = m.embed(e);
        }
        m.components(self.rows())
    }

    /// As an interaction response.
    pub fn interaction(&self) -> CreateInteractionResponseMessage {
        let mut m = CreateInteractionResponseMessage::new()
            .allowed_mentions(no_pings())
            .ephemeral(self.ephemeral);
        if let Some(c) = &self.content {
            m = m.content(c);
        }
        if let Some(e) = self.embed_builder() {
            m = m.embed(e);
        }
        m.components(self.rows())
    }

    /// As the edit that completes a deferred interaction response.
    pub fn edit(&self) -> EditInteractionResponse {
        let mut m = EditInteractionResponse::new().allowed_mentions(no_pings());
        if let Some(c) = &self.content {
            m = m.content(c);
        }
        if let Some(e) = self.embed_builder() {
            m = m.embed(e);
        }
        m.components(self.rows())
    }
}

/// Allowed mentions that let nothing ping: no @everyone/@here, no roles, no users, and not the
/// person replied to.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .everyone(false)
        .all_roles(false)
        .all_users(false)
        .replied_user(false)
}

fn footer(c: &Citation, meta: &Meta, level: Option<Level>) -> String {
    let mut s = cite_line(c, &meta.title, meta.link.as_deref());
    s = s.replacen("paragraph", "Paragraph", 1);
    if let Some(level) = level {
        s.push_str(&format!(" · confidence: {}", level.as_str()));
    }
    s
}

fn block_quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The reply to a question.
pub fn answer(a: &Answer, meta: &Meta) -> Reply {
    match a.outcome {
        Outcome::Answered | Outcome::Picked => {
            let best = &a.citations[0];
            // The short answer (a quotation, a name, a figure...), then the cited sentence: a
            // quotation is a span of that sentence, so it is not shown a third time.
            let mut description = String::new();
            if a.text != best.text {
                description.push_str(&format!("**{}**\n\n", a.text));
            }
            description.push_str(&block_quote(&best.text));
            let fields = a.citations[1..]
                .iter()
                .map(|c| {
                    (
                        format!(
                            "Also: paragraph {}, sentence {}",
                            c.id.paragraph, c.id.sentence
                        ),
                        c.text.clone(),
                    )
                })
                .collect();
            let level = match a.outcome {
                Outcome::Picked => None,
                _ => Some(a.level()),
            };
            let mut buttons = vec![Button {
                action: Action::ShowParagraph(best.id.paragraph),
                label: "Show paragraph".to_string(),
            }];
            if a.outcome == Outcome::Answered {
                for c in &a.citations[1..] {
                    buttons.push(Button {
                        action: Action::Pick(c.id, None),
                        label: format!("Did you mean: {}", c.text),
                    });
                }
            }
            // A picked alternative repeats the question it answers.
            let title = (a.outcome == Outcome::Picked && !a.question.trim().is_empty())
                .then(|| format!("“{}”", a.question.trim()));
            Reply {
                embed: Some(Embed {
                    title,
                    url: meta.link.clone(),
                    description,
                    fields,
                    footer: Some(footer(best, meta, level)),
                    color: ANSWERED,
                }),
                buttons,
                ..Reply::default()
            }
            .fit()
        }
        Outcome::Source => Reply {
            embed: Some(Embed {
                title: Some(meta.title.clone()),
                url: meta.link.clone(),
                description: a.text.clone(),
                color: INFO,
                ..Embed::default()
            }),
            ..Reply::default()
        }
        .fit(),
        Outcome::NotInArticle | Outcome::Empty => {
            let mut description = a.text.clone();
            if !a.suggestions.is_empty() {
                description.push_str("\n\nQuestions I can answer:");
                for s in &a.suggestions {
                    description.push_str(&format!("\n• {s}"));
                }
            }
            Reply {
                embed: Some(Embed {
                    description,
                    footer: Some(format!("About: {}", meta.title)),
                    color: NOT_ANSWERED,
                    ..Embed::default()
                }),
                ..Reply::default()
            }
            .fit()
        }
    }
}

/// The acknowledgement of a vote, to the voter alone.
pub fn vote_noted(vote: Vote, voted: Voted) -> Reply {
    let mark = match vote {
        Vote::Up => "👍",
        Vote::Down => "👎",
    };
    let text = match voted {
        Voted::New | Voted::Unknown => format!("Thanks for your feedback {mark}"),
        Voted::Again => format!("You already voted {mark} on this answer."),
        Voted::Changed(_) => format!("Changed your vote to {mark} — thanks."),
    };
    notice(&text)
}

/// The reply to /quote.
pub fn quotes(cards: &[QuoteCard], speaker: Option<&str>, engine: &Engine) -> Reply {
    if cards.is_empty() {
        let who = engine.speakers().join(", ");
        let text = match speaker {
            Some(s) => {
                format!("The article has no quotation from “{s}” on that. It quotes: {who}.")
            }
            None => format!("The article has no quotation on that. It quotes: {who}."),
        };
        return Reply {
            embed: Some(Embed {
                description: text,
                color: NOT_ANSWERED,
                ..Embed::default()
            }),
            ..Reply::default()
        }
        .fit();
    }
    let fields = cards
        .iter()
        .take(10)
        .map(|c| {
            (
                format!(
                    "{} · paragraph {}, sentence {}",
                    c.quote.speaker.as_deref().unwrap_or("Unattributed"),
                    c.citation.id.paragraph,
                    c.citation.id.sentence
                ),
                format!("“{}”", c.quote.text),
            )
        })
        .collect();
    Reply {
        embed: Some(Embed {
            title: Some("Quotes".to_string()),
            url: engine.meta().link.clone(),
            description: String::new(),
            fields,
            footer: Some(format!("From: {}", engine.meta().title)),
            color: INFO,
        }),
        buttons: vec![Button {
            action: Action::ShowParagraph(cards[0].citation.id.paragraph),
            label: "Show paragraph".to_string(),
        }],
        ..Reply::default()
    }
    .fit()
}

/// The reply to /facts: a section's sentences, each with its citation.
pub fn facts(section: &Section, meta: &Meta) -> Reply {
    let description = section
        .sentences
        .iter()
        .map(|c| {
            format!(
                "• {} *(paragraph {}, sentence {})*",
                c.text, c.id.paragraph, c.id.sentence
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Reply {
        embed: Some(Embed {
            title: Some(
                section
                    .heading
                    .clone()
                    .unwrap_or_else(|| "The opening".to_string()),
            ),
            url: meta.link.clone(),
            description,
            footer: Some(format!("From: {}", meta.title)),
            color: INFO,
            ..Embed::default()
        }),
        ..Reply::default()
    }
    .fit()
}

/// The reply to /facts without a topic: the sections to choose from.
pub fn sections(engine: &Engine) -> Reply {
    let fields = engine
        .sections()
        .iter()
        .map(|s| {
            (
                s.heading
                    .clone()
                    .unwrap_or_else(|| "The opening".to_string()),
                s.sentences
                    .first()
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    Reply {
        embed: Some(Embed {
            title: Some("Sections".to_string()),
            description: "Pick a topic with `/facts topic:...` to see a section's facts."
                .to_string(),
            fields,
            footer: Some(format!("From: {}", engine.meta().title)),
            color: INFO,
            ..Embed::default()
        }),
        ..Reply::default()
    }
    .fit()
}

/// The reply to /source.
pub fn source(engine: &Engine) -> Reply {
    let m = engine.meta();
    let mut fields = Vec::new();
    if let Some(p) = &m.publisher {
        fields.push(("Publisher".to_string(), p.clone()));
    }
    if let Some(d) = &m.published {
        fields.push(("Published".to_string(), d.clone()));
    }
    if let Some(l) = &m.link {
        fields.push(("Link".to_string(), l.clone()));
    }
    let related: Vec<&str> = engine.article().related().collect();
    if !related.is_empty() {
        fields.push(("Related".to_string(), related.join("\n")));
    }
    Reply {
        embed: Some(Embed {
            title: Some(m.title.clone()),
            url: m.link.clone(),
            description: "Citations give the paragraph (counting every non-blank line of the article, headings included) and the sentence within it: “paragraph 5, sentence 1”.".to_string(),
            fields,
            color: INFO,
            ..Embed::default()
        }),
        ..Reply::default()
    }
    .fit()
}

/// The reply to /help.
pub fn help(engine: &Engine) -> Reply {
    let examples = engine
        .suggestions()
        .iter()
        .take(5)
        .map(|s| format!("• {s}"))
        .collect::<Vec<_>>()
        .join("\n");
    let description = format!(
        "I answer questions about **{}** and quote the sentence each answer rests on, with where it stands (paragraph and sentence). If the article doesn't say, I say so.\n\n\
         **Ask** with `/ask`, by mentioning me, or in a direct message. Follow-ups like “what did he say about it?” or “why?” continue your last question; reply to an answer to ask about it. 👍/👎 under an answer tell the admins how it did.\n\
         `/quote` — what someone said, word for word\n\
         `/facts` — the key facts of a section\n\
         `/source` — the article and how citations work\n\n\
         **Try:**\n{examples}",
        engine.meta().title
    );
    Reply {
        embed: Some(Embed {
            title: Some("What I can do".to_string()),
            description,
            color: INFO,
            ..Embed::default()
        }),
        ephemeral: true,
        ..Reply::default()
    }
    .fit()
}

/// The whole paragraph a citation stands in, for the clicker only.
pub fn paragraph(engine: &Engine, number: usize) -> Reply {
    let text = engine
        .article()
        .paragraph(number)
        .map(|p| block_quote(&p.text))
        .unwrap_or_else(|| "That paragraph is not in the article.".to_string());
    Reply {
        embed: Some(Embed {
            title: Some(format!("Paragraph {number}")),
            url: engine.meta().link.clone(),
            description: text,
            footer: Some(format!("From: {}", engine.meta().title)),
            color: INFO,
            ..Embed::default()
        }),
        ephemeral: true,
        ..Reply::default()
    }
    .fit()
}

/// A short notice to the person who asked only.
pub fn notice(text: &str) -> Reply {
    Reply {
        content: Some(text.to_string()),
        ephemeral: true,
        ..Reply::default()
    }
    .fit()
}

/// The one notice a user gets when asking faster than the cooldown allows.
pub fn slow_down(wait_seconds: u64) -> Reply {
    Reply {
        content: Some(format!(
            "You're asking quickly — please wait {wait_seconds}s before your next question."
        )),
        ephemeral: true,
        ..Reply::default()
    }
    .fit()
}

/// The reply when answering failed unexpectedly.
pub fn apology() -> Reply {
    Reply {
        content: Some(
            "Sorry — something went wrong while answering that. Please try again.".to_string(),
        ),
        ephemeral: true,
        ..Reply::default()
    }
    .fit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_enforces_every_limit_and_defuses_mentions() {
        let long = "@everyone x ".repeat(1000);
        let r = Reply {
            content: Some(long.clone()),
            embed: Some(Embed {
                title: Some(long.clone()),
                description: long.clone(),
                fields: (0..40).map(|_| (long.clone(), long.clone())).collect(),
                footer: Some(long.clone()),
                ..Embed::default()
            }),
            buttons: (0..9)
                .map(|_| Button {
                    action: Action::ShowParagraph(1),
                    label: long.clone(),
                })
                .collect(),
            votes: Some(u64::MAX),
            ephemeral: false,
        }
        .fit();
        assert!(r.content.as_ref().unwrap().chars().count() <= limits::CONTENT);
        let e = r.embed.as_ref().unwrap();
        assert!(e.title.as_ref().unwrap().chars().count() <= limits::TITLE);
        assert!(e.description.chars().count() <= limits::DESCRIPTION);
        assert!(e.fields.len() <= limits::FIELDS);
        assert!(e.chars() <= limits::EMBED_TOTAL);
        assert!(r.buttons.len() <= limits::BUTTONS_PER_ROW);
        assert!(
            r.buttons
                .iter()
                .all(|b| b.label.chars().count() <= limits::BUTTON_LABEL)
        );
        assert!(!r.content.as_ref().unwrap().contains("@everyone"));
        assert_eq!(r.clone().fit(), r);
    }

    #[test]
    fn actions_round_trip_through_custom_ids() {
        for a in [
            Action::ShowParagraph(17),
            Action::Pick(
                crate::article::SentenceId {
                    paragraph: 5,
                    sentence: 2,
                },
                None,
            ),
            Action::Pick(
                crate::article::SentenceId {
                    paragraph: 5,
                    sentence: 2,
                },
                Some(u64::MAX),
            ),
            Action::Vote(Vote::Up, u64::MAX),
            Action::Vote(Vote::Down, 1),
        ] {
            assert!(a.custom_id().len() <= limits::CUSTOM_ID);
            assert_eq!(Action::parse(&a.custom_id()), Some(a));
        }
        assert_eq!(Action::parse("citebot:pick:x.1"), None);
        assert_eq!(Action::parse("other:paragraph:1"), None);
        assert_eq!(Action::parse("citebot:vote:sideways:1"), None);
        assert_eq!(Action::parse("citebot:pick:5.2:x"), None);
        assert_eq!(
            answer_id(["citebot:paragraph:5", "citebot:vote:down:42"]),
            Some(42)
        );
    }

    #[test]
    fn defuse_breaks_every_kind_of_ping() {
        assert_eq!(
            defuse("@everyone @here <@123> <@!5> <@&9>"),
            "@\u{200b}everyone @\u{200b}here <\u{200b}@123> <\u{200b}@!5> <\u{200b}@&9>"
        );
    }
}
