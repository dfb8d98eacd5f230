//! Conversations: a follow-up question read in the context of the question before it, and the
//! bounded memory of those contexts.
//!
//! People in a chat lean on what was just said: "who is the US defense secretary?", then "what
//! did he say about sending troops?"; "what does Russia think about Ukraine joining NATO?",
//! then "why?". [`read`] rewrites such a follow-up into a self-contained question (the pronoun
//! becomes the person's name, "why?" takes the previous question's topic, "what about
//! Hegseth?" swaps the previous question's subject) and [`ask`] answers that rewritten text
//! with [`Engine::ask`]. A question that leans on nothing simply replaces the context.
//!
//! This module works only through the engine's public behaviour — `ask`, the people the
//! engine can name, the knowledge and the article — never the matcher's internals: how a
//! question is scored may change without changing how a conversation is followed. It is pure:
//! no clock (callers pass the time), no I/O, no Discord types. [`Memory`] keeps one context per
//! person and channel, expiring after a while and capped in count (least recently used first
//! out), plus the record of each answer given, for replies to it and votes on it.

use crate::answer::{Answer, Outcome};
use crate::article::SentenceId;
use crate::engine::Engine;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::time::{Duration, Instant};

/// What a question was about, kept after it was answered so that the next question can lean on
/// it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// The question as it was read: self-contained.
    pub question: String,
    /// The people it was about (indexes into the knowledge's people), the subject first; when
    /// the question named nobody, the person its answer is about.
    pub people: Vec<usize>,
    /// The question word it asked with ("who", "when", "why", ...), empty when it had none.
    pub asks: String,
    /// The sentence its answer cited.
    pub cited: Option<SentenceId>,
    /// The quotation its answer gave, if any.
    pub quote: Option<String>,
}

/// How the context changed the reading of a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A pronoun stood for someone or something of the previous question: ("he", "Macron").
    Pronoun { pronoun: String, means: String },
    /// "What about X?", "and X?": the previous question, about X instead.
    Subject { was: Option<String>, now: String },
    /// "Why?", "when was that?": the previous question's topic, asked with another word.
    Asks { word: String },
    /// "Who said that?": who said the quotation just given.
    WhoSaid,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Pronoun { pronoun, means } => write!(f, "“{pronoun}” is {means}"),
            Change::Subject { was: Some(w), now } => write!(f, "{now} instead of {w}"),
            Change::Subject { was: None, now } => write!(f, "the same question about {now}"),
            Change::Asks { word } => write!(f, "asks {word} about the previous question"),
            Change::WhoSaid => write!(f, "who said the quotation just given"),
        }
    }
}

/// A question as read in its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The self-contained text the engine is asked.
    pub text: String,
    /// What the context changed; empty when the question stands alone.
    pub changes: Vec<Change>,
    /// The person the follow-up is about, when the context chose them: the answer must then
    /// be about that person (never someone else's sentence that happens to match the words).
    pub about: Option<usize>,
}

impl Reading {
    /// Whether the context changed anything.
    pub fn followed(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// One question of a conversation, answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub answer: Answer,
    pub reading: Reading,
    /// What the next question may lean on.
    pub context: Context,
}

/// Question words and the word each asks with.
const QUESTION_WORDS: &[(&str, &str)] = &[
    ("who", "who"),
    ("whom", "who"),
    ("whose", "who"),
    ("what", "what"),
    ("when", "when"),
    ("where", "where"),
    ("why", "why"),
    ("how", "how"),
    ("which", "which"),
];

const AUXILIARIES: &[&str] = &[
    "is", "was", "are", "were", "be", "been", "do", "does", "did", "has", "have", "had", "will",
    "would", "can", "could", "should", "may", "might", "s",
];

/// Words that carry no topic in a short follow-up ("and why is that, then?").
const FILLERS: &[&str] = &[
    "and",
    "but",
    "so",
    "then",
    "ok",
    "okay",
    "also",
    "exactly",
    "again",
    "really",
    "about",
    "happen",
    "happened",
    "happening",
    "mean",
    "come",
    "the",
    "a",
    "an",
    "of",
    "for",
    "in",
    "on",
    "at",
    "to",
    "much",
    "many",
    "long",
    "ago",
    "time",
    "date",
    "year",
    "place",
    "reason",
    "else",
    "more",
    "tell",
    "me",
    "us",
    "please",
    "say",
    "said",
    "exact",
    "precisely",
];

const PERSON_PRONOUNS: &[&str] = &[
    "he", "she", "him", "her", "his", "hers", "himself", "herself",
];
const GROUP_PRONOUNS: &[&str] = &["they", "them", "their", "theirs"];
const THING_PRONOUNS: &[&str] = &["it", "its", "that", "this", "there"];

/// Words after which "that"/"this" is a pronoun, not a determiner ("was that", "that is").
const AFTER_PRONOUN: &[&str] = &[
    "is", "was", "did", "does", "will", "would", "happen", "happened", "mean", "means", "about",
    "for", "in", "from", "to", "said", "say", "so",
];

/// A word of a question with where it stands in the text.
#[derive(Debug, Clone)]
struct Word {
    /// Lowercase, without a possessive ending.
    text: String,
    start: usize,
    end: usize,
    possessive: bool,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    let is_part = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '’' | '.' | '-');
    let mut push = |s: usize, e: usize| {
        let raw = text[s..e].trim_matches(|c: char| !c.is_alphanumeric());
        if raw.is_empty() {
            return;
        }
        let offset = s + text[s..e].find(raw).unwrap_or(0);
        let lower = raw.to_lowercase();
        let (base, possessive) = match lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("’s"))
        {
            Some(b) if !b.is_empty() => (b.to_string(), true),
            _ => (lower.clone(), false),
        };
        out.push(Word {
            text: base,
            start: offset,
            end: offset + raw.len(),
            possessive,
        });
    };
    for (i, c) in text.char_indices() {
        match (is_part(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len());
    }
    out
}

/// How many words of a question are looked at for names (a long paste is not a follow-up).
const MAX_WORDS: usize = 60;
/// The longest name looked for, in words ("U.S. Defense Secretary Pete Hegseth").
const MAX_NAME: usize = 6;

/// A person named in a text: who, and the span of words naming them.
#[derive(Debug, Clone, Copy)]
struct Mention {
    person: usize,
    first: usize,
    last: usize,
}

/// The people a text names, longest names first at each position, in order.
fn mentions(engine: &Engine, text: &str, ws: &[Word]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = ws.len().min(MAX_WORDS);
    while i < n {
        let mut found = None;
        for len in (1..=MAX_NAME.min(n - i)).rev() {
            let last = i + len - 1;
            // A name never starts with a pronoun or a question word.
            if is_function_word(&ws[i].text) && len == 1 {
                continue;
            }
            let mut phrase = text[ws[i].start..ws[last].end].to_string();
            if ws[last].possessive {
                phrase = phrase
                    .trim_end_matches("'s")
                    .trim_end_matches("’s")
                    .to_string();
            }
            if let Some(p) = engine.person_named(&phrase) {
                found = Some(Mention {
                    person: p,
                    first: i,
                    last,
                });
                break;
            }
        }
        match found {
            Some(m) => {
                out.push(m);
                i = m.last + 1;
            }
            None => i += 1,
        }
    }
    out
}

fn is_function_word(w: &str) -> bool {
    QUESTION_WORDS.iter().any(|(q, _)| *q == w)
        || AUXILIARIES.contains(&w)
        || PERSON_PRONOUNS.contains(&w)
        || GROUP_PRONOUNS.contains(&w)
        || THING_PRONOUNS.contains(&w)
        || FILLERS.contains(&w)
}

/// The question word a question asks with: "how many" and "how much" count as "how many".
fn asks(ws: &[Word]) -> Option<String> {
    let i = ws
        .iter()
        .take(4)
        .position(|w| QUESTION_WORDS.iter().any(|(q, _)| *q == w.text))?;
    let word = QUESTION_WORDS
        .iter()
        .find(|(q, _)| *q == ws[i].text)
        .map(|(_, a)| *a)?;
    if word == "how"
        && let Some(next) = ws.get(i + 1)
    {
        if matches!(next.text.as_str(), "many" | "much") {
            return Some(format!("how {}", next.text));
        }
        if next.text == "come" {
            return Some("why".to_string());
        }
    }
    Some(word.to_string())
}

/// The words of a question that name neither a question word, an auxiliary, a pronoun nor a
/// filler: what it is about in its own right.
fn own_words(ws: &[Word]) -> Vec<&str> {
    ws.iter()
        .map(|w| w.text.as_str())
        .filter(|w| !is_function_word(w))
        .collect()
}

/// The previous question without its question word and what follows it directly ("what is
/// the plan" -> "the plan"; "what does Russia think" -> "Russia think"), for asking again
/// with another word.
fn topic(question: &str) -> (Option<String>, String) {
    let ws = words(question);
    let Some(i) = ws
        .iter()
        .take(4)
        .position(|w| QUESTION_WORDS.iter().any(|(q, _)| *q == w.text))
    else {
        return (None, trim_question(question).to_string());
    };
    let mut j = i + 1;
    if ws[i].text == "how"
        && ws
            .get(j)
            .is_some_and(|w| matches!(w.text.as_str(), "many" | "much"))
    {
        j += 1;
    }
    let aux = ws
        .get(j)
        .filter(|w| AUXILIARIES.contains(&w.text.as_str()))
        .map(|w| question[w.start..w.end].to_string());
    if aux.is_some() {
        j += 1;
    }
    let rest = match ws.get(j) {
        Some(w) => trim_question(&question[w.start..]).to_string(),
        None => String::new(),
    };
    (aux, rest)
}

fn trim_question(q: &str) -> &str {
    q.trim()
        .trim_end_matches(|c: char| c == '?' || c == '!' || c == '.' || c.is_whitespace())
}

/// A follow-up that brings a new subject: "what about Hegseth?", "and Russia?", "how about the
/// US", "Hegseth too?". Returns the new subject as typed.
fn new_subject(question: &str) -> Option<String> {
    let q = trim_question(question);
    let lower = q.to_lowercase();
    const OPENINGS: &[&str] = &[
        "and what about ",
        "but what about ",
        "what about ",
        "how about ",
        "and how about ",
        "what of ",
        "and ",
        "also ",
    ];
    for o in OPENINGS {
        if lower.starts_with(o) {
            let rest = q[o.len()..].trim();
            // "and when did he say it" is not a new subject; "and Russia" is.
            let ws = words(rest);
            let first = ws.first()?;
            if is_function_word(&first.text) || ws.len() > 5 {
                return None;
            }
            return Some(rest.to_string());
        }
    }
    for end in [" too", " as well"] {
        if let Some(rest) = lower.strip_suffix(end) {
            let rest = q[..rest.len()].trim();
            let ws = words(rest);
            if !ws.is_empty() && ws.len() <= 5 && !is_function_word(&ws[0].text) {
                return Some(rest.to_string());
            }
        }
    }
    None
}

/// The first word of `question` that the article writes as a name (capitalised in the middle
/// of a sentence: "Russia", "NATO"), with its byte span.
fn name_span(engine: &Engine, question: &str) -> Option<(usize, usize)> {
    let ws = words(question);
    ws.iter()
        .take(MAX_WORDS)
        .filter(|w| !is_function_word(&w.text) && !quoted(question, w.start))
        .find(|w| {
            engine.article().sentences.iter().any(|s| {
                s.text
                    .split_whitespace()
                    .skip(1)
                    .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
                    .map(|t| t.trim_end_matches("’s").trim_end_matches("'s"))
                    .any(|t| {
                        t.chars().next().is_some_and(char::is_uppercase)
                            && t.to_lowercase() == w.text
                    })
            })
        })
        .map(|w| (w.start, w.end))
}

/// Whether byte `at` of `text` stands inside a quotation (“...” or "...").
fn quoted(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let curly = before.matches('“').count() > before.matches('”').count();
    let straight = before.matches('"').count() % 2 == 1;
    curly || straight
}

/// Reads `question` in `context`: a self-contained question is returned as it is; a follow-up
/// is rewritten into a self-contained one.
pub fn read(engine: &Engine, context: Option<&Context>, question: &str) -> Reading {
    let alone = Reading {
        text: question.to_string(),
        changes: Vec::new(),
        about: None,
    };
    let Some(ctx) = context.filter(|c| !c.question.trim().is_empty()) else {
        return alone;
    };
    let ws = words(question);
    if ws.is_empty() || ws.len() > MAX_WORDS {
        return alone;
    }
    let named = mentions(engine, question, &ws);
    let prev_ws = words(&ctx.question);
    let prev_named = mentions(engine, &ctx.question, &prev_ws);

    // "What about Hegseth?", "and Russia?": the previous question with another subject.
    if let Some(subject) = new_subject(question) {
        let new_person = engine.person_named(&subject);
        let span = prev_named
            .first()
            .map(|m| (prev_ws[m.first].start, prev_ws[m.last].end))
            .or_else(|| name_span(engine, &ctx.question));
        let base = trim_question(&ctx.question);
        // Nothing to swap the subject for: the question is read as it stands.
        let Some((s, e)) = span.filter(|(_, e)| *e <= base.len()) else {
            return alone;
        };
        return Reading {
            text: format!("{}{}{}?", &base[..s], subject, &base[e..]),
            changes: vec![Change::Subject {
                was: Some(ctx.question[s..e].to_string()),
                now: subject,
            }],
            about: new_person,
        };
    }

    let word = asks(&ws);
    let own = own_words(&ws);
    let lower: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();

    // "Who said that?": who said the quotation just given.
    if matches!(lower.as_slice(), ["who", "said", "that" | "it" | "this"])
        && let Some(q) = &ctx.quote
    {
        return Reading {
            text: format!("Who said “{q}”?"),
            changes: vec![Change::WhoSaid],
            about: None,
        };
    }

    // "Why?", "when was that?", "how many?": the previous topic, asked with another word.
    if own.is_empty()
        && named.is_empty()
        && let Some(word) = word.clone()
    {
        let (aux, rest) = topic(&ctx.question);
        if rest.is_empty() {
            return alone;
        }
        // The follow-up's own auxiliary keeps its tense ("when was that" -> "when was ...").
        let own_aux = ws
            .iter()
            .find(|w| AUXILIARIES.contains(&w.text.as_str()))
            .map(|w| question[w.start..w.end].to_lowercase());
        let aux = match (own_aux, aux) {
            (Some(a), Some(_)) => Some(a),
            (_, a) => a,
        };
        let text = match aux {
            Some(a) => format!("{word} {a} {rest}?"),
            None => format!("{word} {rest}?"),
        };
        let about = prev_named.first().map(|m| m.person);
        return Reading {
            text,
            changes: vec![Change::Asks { word }],
            about,
        };
    }

    // Pronouns: he/she for the previous question's person, they for its people (or the name
    // it was about), it/that for its topic.
    let mut text = String::new();
    let mut last = 0;
    let mut changes = Vec::new();
    let mut about = None;
    let person = ctx.people.first().copied();
    for (i, w) in ws.iter().enumerate() {
        let replacement = if PERSON_PRONOUNS.contains(&w.text.as_str()) {
            match (person, named.is_empty()) {
                (Some(p), true) => {
                    let name = engine.knowledge().people[p].name.clone();
                    about = Some(p);
                    Some(if w.text == "his" || w.text == "hers" {
                        format!("{name}’s")
                    } else {
                        name
                    })
                }
                _ => None,
            }
        } else if GROUP_PRONOUNS.contains(&w.text.as_str()) && named.is_empty() {
            let names: Vec<String> = ctx
                .people
                .iter()
                .map(|&p| engine.knowledge().people[p].name.clone())
                .collect();
            let group = if names.len() >= 2 {
                Some(names.join(" and "))
            } else {
                name_span(engine, &ctx.question).map(|(s, e)| ctx.question[s..e].to_string())
            };
            group.map(|g| {
                if w.text.starts_with("their") {
                    format!("{g}’s")
                } else {
                    g
                }
            })
        } else if THING_PRONOUNS.contains(&w.text.as_str())
            && !own.is_empty()
            && (matches!(w.text.as_str(), "it" | "its")
                || ws
                    .get(i + 1)
                    .is_none_or(|n| AFTER_PRONOUN.contains(&n.text.as_str())))
            // "there" only at the end ("what happened there"), never "is there".
            && (w.text != "there" || i + 1 == ws.len())
        {
            let (_, rest) = topic(&ctx.question);
            (!rest.is_empty()).then_some(rest)
        } else {
            None
        };
        if let Some(r) = replacement {
            text.push_str(&question[last..w.start]);
            text.push_str(&r);
            last = w.end;
            changes.push(Change::Pronoun {
                pronoun: question[w.start..w.end].to_string(),
                means: r,
            });
        }
    }
    if changes.is_empty() {
        return alone;
    }
    text.push_str(&question[last..]);
    Reading {
        text,
        changes,
        about,
    }
}

/// Answers `question` in `context`: reads it, asks the engine the text as read, and returns the
/// answer with the context the next question may lean on.
pub fn ask(engine: &Engine, context: Option<&Context>, question: &str) -> Turn {
    let reading = read(engine, context, question);
    let mut answer = engine.ask(&reading.text);
    answer.question = question.to_string();
    if let Some(p) = reading.about {
        answer = about_only(engine, answer, p, &reading.text);
    }
    let context = context_of(engine, &reading.text, &answer);
    Turn {
        answer,
        reading,
        context,
    }
}

/// Keeps only the citations about `person`; none left means the article doesn't say it of
/// them. A follow-up about Macron is never answered with Hegseth's sentence.
fn about_only(engine: &Engine, mut answer: Answer, person: usize, read_as: &str) -> Answer {
    if answer.outcome != Outcome::Answered {
        return answer;
    }
    let k = engine.knowledge();
    let article = engine.article();
    answer.citations.retain(|c| {
        article
            .sentences
            .iter()
            .position(|s| s.id == c.id)
            .and_then(|i| k.facts.get(i))
            .is_some_and(|f| f.people.contains(&person) || f.speakers.contains(&person))
    });
    if answer.citations.is_empty() {
        let name = &k.people[person].name;
        answer.outcome = Outcome::NotInArticle;
        answer.text = format!("The article doesn't say that about {name}.");
        answer.quote = None;
        answer.suggestions = engine.suggest(read_as);
    }
    answer
}

/// What the next question may lean on after `answer` to the question read as `read_as`.
fn context_of(engine: &Engine, read_as: &str, answer: &Answer) -> Context {
    let ws = words(read_as);
    let mut people: Vec<usize> = Vec::new();
    for m in mentions(engine, read_as, &ws) {
        if !people.contains(&m.person) {
            people.push(m.person);
        }
    }
    let cited = answer.citations.first().map(|c| c.id);
    if people.is_empty() && answer.answered() {
        // "Who is the US defense secretary?" names nobody; its answer does.
        if let Some(p) = engine.person_named(&answer.text) {
            people.push(p);
        } else if let Some(i) =
            cited.and_then(|id| engine.article().sentences.iter().position(|s| s.id == id))
            && let Some(f) = engine.knowledge().facts.get(i)
        {
            people.extend(f.speakers.iter().take(1));
        }
    }
    Context {
        question: read_as.to_string(),
        people,
        asks: asks(&ws).unwrap_or_default(),
        cited,
        quote: answer.quote.as_ref().map(|q| q.text.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// Memory

/// How long contexts last and how many are kept (`[conversation]` in citebot.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Minutes a context lasts after its answer; 0 turns conversations off.
    pub minutes: u64,
    /// The most contexts kept (and, separately, the most answers remembered for replies and
    /// votes); the least recently used go first.
    pub max_contexts: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            minutes: 10,
            max_contexts: 10_000,
        }
    }
}

/// A vote on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    Up,
    Down,
}

impl Vote {
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Up => "up",
            Vote::Down => "down",
        }
    }
}

/// What a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voted {
    /// The person's first vote on this answer.
    New,
    /// The same vote again: nothing changes.
    Again,
    /// A changed vote; the one it replaces.
    Changed(Vote),
    /// The answer is no longer remembered (too old, or from before a restart).
    Unknown,
}

/// The most voters remembered per answer (each may change their vote); beyond it votes still
/// count but are not de-duplicated.
const MAX_VOTERS: usize = 1_000;

/// What is remembered of an answer the bot gave: for a reply to it and votes on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The question as asked.
    pub question: String,
    /// The question as read in its context.
    pub read_as: String,
    pub answered: bool,
    /// The cited sentence and its text.
    pub cited: Option<(SentenceId, String)>,
    pub confidence: f32,
    /// "chat" or "slash".
    pub source: &'static str,
    /// The context a reply to this answer is read in.
    pub context: Context,
    votes: HashMap<u64, Vote>,
}

impl Record {
    pub fn of(turn: &Turn, question: &str, source: &'static str) -> Record {
        let a = &turn.answer;
        Record {
            question: question.to_string(),
            read_as: turn.reading.text.clone(),
            answered: a.answered(),
            cited: a.citations.first().map(|c| (c.id, c.text.clone())),
            confidence: a.confidence,
            source,
            context: turn.context.clone(),
            votes: HashMap::new(),
        }
    }
}

/// A map that keeps at most `cap` entries, dropping the least recently used.
#[derive(Debug)]
struct Lru<K, V> {
    map: HashMap<K, (V, u64)>,
    order: BTreeMap<u64, K>,
    tick: u64,
    cap: usize,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    fn new(cap: usize) -> Lru<K, V> {
        Lru {
            map: HashMap::new(),
            order: BTreeMap::new(),
            tick: 0,
            cap: cap.max(1),
        }
    }

    fn get(&mut self, k: &K) -> Option<&mut V> {
        self.tick += 1;
        let (_, t) = self.map.get_mut(k)?;
        self.order.remove(t);
        *t = self.tick;
        self.order.insert(self.tick, k.clone());
        self.map.get_mut(k).map(|(v, _)| v)
    }

    fn insert(&mut self, k: K, v: V) {
        self.tick += 1;
        if let Some((_, t)) = self.map.insert(k.clone(), (v, self.tick)) {
            self.order.remove(&t);
        }
        self.order.insert(self.tick, k);
        while self.map.len() > self.cap {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.map.remove(&oldest);
        }
    }

    fn remove(&mut self, k: &K) {
        if let Some((_, t)) = self.map.remove(k) {
            self.order.remove(&t);
        }
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

/// Who is talking where: a channel (or direct-message channel) and a person.
pub type Key = (u64, u64);

/// The contexts of everyone talking, one per person per channel, and the answers given.
/// Bounded: at most `max_contexts` of each, whatever the number of people.
#[derive(Debug)]
pub struct Memory {
    ttl: Option<Duration>,
    contexts: Lru<Key, (Context, Instant)>,
    answers: Lru<u64, Record>,
    next_id: u64,
}

impl Memory {
    /// `seed` starts the answer ids (distinct seeds keep ids of different runs apart: buttons
    /// outlive a restart).
    pub fn new(settings: Settings, seed: u64) -> Memory {
        Memory {
            ttl: (settings.minutes > 0).then(|| Duration::from_secs(settings.minutes * 60)),
            contexts: Lru::new(settings.max_contexts),
            answers: Lru::new(settings.max_contexts),
            next_id: seed.max(1),
        }
    }

    /// Whether follow-ups are read in context at all (`conversation.minutes` is not 0).
    pub fn enabled(&self) -> bool {
        self.ttl.is_some()
    }

    /// The context the next question of `who` is read in: that of the answer it replies to,
    /// if any and remembered, else the person's own in that channel unless it expired.
    pub fn context(&mut self, who: Key, reply_to: Option<u64>, now: Instant) -> Option<Context> {
        let ttl = self.ttl?;
        if let Some(id) = reply_to
            && let Some(r) = self.answers.get(&id)
        {
            return Some(r.context.clone());
        }
        let (context, at) = self.contexts.get(&who)?.clone();
        if now.saturating_duration_since(at) > ttl {
            self.contexts.remove(&who);
            return None;
        }
        Some(context)
    }

    /// A new answer id, for the answer's buttons.
    pub fn new_id(&mut self) -> u64 {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        self.next_id
    }

    /// Remembers an answer given to `who` under `id`: its context becomes theirs.
    pub fn remember(&mut self, who: Key, id: u64, record: Record, now: Instant) {
        if self.ttl.is_some() {
            self.contexts.insert(who, (record.context.clone(), now));
        }
        self.answers.insert(id, record);
    }

    /// The answer remembered under `id`.
    pub fn answer(&mut self, id: u64) -> Option<&Record> {
        self.answers.get(&id).map(|r| &*r)
    }

    /// Records `user`'s vote on answer `id`: one vote per person per answer, changeable.
    pub fn vote(&mut self, id: u64, user: u64, vote: Vote) -> Voted {
        let Some(r) = self.answers.get(&id) else {
            return Voted::Unknown;
        };
        match r.votes.get(&user).copied() {
            Some(v) if v == vote => Voted::Again,
            Some(v) => {
                r.votes.insert(user, vote);
                Voted::Changed(v)
            }
            None => {
                if r.votes.len() < MAX_VOTERS {
                    r.votes.insert(user, vote);
                }
                Voted::New
            }
        }
    }

    /// Makes every context `by` older, as if that much time had passed (to test expiry
    /// without waiting).
    pub fn age(&mut self, by: Duration) {
        for ((_, at), _) in self.contexts.map.values_mut() {
            *at = at.checked_sub(by).unwrap_or(*at);
        }
    }

    /// How many contexts are kept.
    pub fn contexts(&self) -> usize {
        self.contexts.len()
    }

    /// How many answers are remembered.
    pub fn answers(&self) -> usize {
        self.answers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_spans_and_drop_possessives() {
        let ws = words("What is Zelensky's plan, U.S. troops?");
        let t: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, ["what", "is", "zelensky", "plan", "u.s", "troops"]);
        assert!(ws[2].possessive);
        assert_eq!(
            &"What is Zelensky's plan, U.S. troops?"[ws[2].start..ws[2].end],
            "Zelensky's"
        );
    }

    #[test]
    fn topics_drop_the_question_word_and_its_auxiliary() {
        assert_eq!(
            topic("what does Russia think about Ukraine joining NATO?"),
            (
                Some("does".to_string()),
                "Russia think about Ukraine joining NATO".to_string()
            )
        );
        assert_eq!(
            topic("How many regions did Russia annex?"),
            (None, "regions did Russia annex".to_string())
        );
    }

    #[test]
    fn new_subjects_are_short_and_not_questions() {
        assert_eq!(
            new_subject("what about Hegseth?").as_deref(),
            Some("Hegseth")
        );
        assert_eq!(new_subject("and Russia?").as_deref(), Some("Russia"));
        assert_eq!(new_subject("Vance too?").as_deref(), Some("Vance"));
        assert_eq!(new_subject("and when did he say it?"), None);
        assert_eq!(new_subject("who is hegseth"), None);
    }

    #[test]
    fn the_memory_keeps_the_most_recent_within_its_cap() {
        let mut m = Memory::new(
            Settings {
                minutes: 10,
                max_contexts: 3,
            },
            1,
        );
        let now = Instant::now();
        let ctx = |q: &str| Context {
            question: q.to_string(),
            ..Context::default()
        };
        for user in 0..5u64 {
            let id = m.new_id();
            let turn = Turn {
                answer: Answer {
                    question: String::new(),
                    outcome: Outcome::Empty,
                    text: String::new(),
                    citations: Vec::new(),
                    quote: None,
                    confidence: 0.0,
                    suggestions: Vec::new(),
                },
                reading: Reading {
                    text: format!("q{user}"),
                    changes: Vec::new(),
                    about: None,
                },
                context: ctx(&format!("q{user}")),
            };
            m.remember((1, user), id, Record::of(&turn, "q", "chat"), now);
        }
        assert_eq!(m.contexts(), 3);
        assert_eq!(m.answers(), 3);
        assert_eq!(m.context((1, 0), None, now), None, "the oldest went first");
        assert_eq!(m.context((1, 4), None, now), Some(ctx("q4")));
        assert_eq!(m.context((2, 4), None, now), None, "another channel");
        let later = now + Duration::from_secs(11 * 60);
        assert_eq!(m.context((1, 4), None, later), None, "expired");
    }
}
