//! Configuration: `citebot.toml` (settings) and the curated knowledge file, parsed from raw
//! serde structs into validated types once, at load.
//!
//! Every problem is reported at once, each with the file, the item and what is wrong, so an
//! admin fixes a broken config in one pass. The built-in config (the files under config/ of
//! this repository) is embedded in the binary, so the bot works from any directory.
//! Secrets are never read from here: the Discord token comes from the environment.

use crate::matcher::{Scorer, Tuning};
use regex::Regex;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The name of the settings file in a config directory.
pub const SETTINGS_FILE: &str = "citebot.toml";

const BUILTIN_SETTINGS: &str = include_str!("../config/citebot.toml");
const BUILTIN_ARTICLE: &str = include_str!("../config/munich-security-conference.txt");
const BUILTIN_KNOWLEDGE: &str = include_str!("../config/knowledge.toml");
const BUILTIN_ARTICLE_FILE: &str = "munich-security-conference.txt";
const BUILTIN_KNOWLEDGE_FILE: &str = "knowledge.toml";

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the admin named it.
    pub file: String,
    /// The key or item ("answer.threshold", "intent \"territory-share\"").
    pub item: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.item.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.item, self.message)
        }
    }
}

/// Everything that was wrong, all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError(pub Vec<Problem>);

impl ConfigError {
    pub fn one(file: &str, item: &str, message: impl Into<String>) -> ConfigError {
        ConfigError(vec![Problem {
            file: file.to_string(),
            item: item.to_string(),
            message: message.into(),
        }])
    }
}

/// What the citations name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub title: String,
    pub link: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<String>,
}

/// A curated intent: questions matching one of `patterns` are answered by the one sentence that
/// contains `cite`.
#[derive(Debug, Clone)]
pub struct CuratedIntent {
    pub name: String,
    pub patterns: Vec<Regex>,
    pub cite: String,
}

/// The curated knowledge file, validated (its `cite` phrases are checked against the article
/// when the engine is built).
#[derive(Debug, Clone, Default)]
pub struct Curated {
    /// The file it came from, for error messages.
    pub file: String,
    pub synonyms: Vec<Vec<String>>,
    /// Expressions of several words read as one word ("land swap" -> "landswap").
    pub phrases: Vec<(String, String)>,
    pub aliases: Vec<(String, Vec<String>)>,
    pub intents: Vec<CuratedIntent>,
    pub suggestions: Vec<String>,
}

/// Which gateway shards this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shards {
    /// One shard: fine up to about 2,500 guilds.
    Single,
    /// As many as Discord recommends, all in this process.
    Auto,
    /// Shards `first..=last` of `total`: several processes (or machines) split the guilds.
    Range { first: u32, last: u32, total: u32 },
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Running the service: logs, the health and metrics endpoint, the unanswered-question log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operations {
    pub log_format: LogFormat,
    /// Where `/healthz` and `/metrics` are served; off when `None`.
    pub http_address: Option<std::net::SocketAddr>,
    /// A JSONL file that collects the questions the bot could not answer; off when `None`.
    pub unanswered_file: Option<PathBuf>,
    /// Whether that log records who asked (off by default).
    pub unanswered_user_ids: bool,
    /// A JSONL file that collects the votes on answers; off when `None`.
    pub feedback_file: Option<PathBuf>,
    /// Whether that log records who voted (off by default).
    pub feedback_user_ids: bool,
    /// How long follow-up contexts last and how many are kept.
    pub conversation: crate::conversation::Settings,
}

impl Default for Operations {
    fn default() -> Operations {
        Operations {
            log_format: LogFormat::Text,
            http_address: None,
            unanswered_file: None,
            unanswered_user_ids: false,
            feedback_file: None,
            feedback_user_ids: false,
            conversation: crate::conversation::Settings::default(),
        }
    }
}

/// How the bot behaves on Discord.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordSettings {
    /// Register slash commands in this guild only (instant; for development). Globally when
    /// unset.
    pub dev_guild: Option<u64>,
    /// Answer messages that mention the bot.
    pub answer_mentions: bool,
    /// Answer direct messages.
    pub answer_dms: bool,
    /// Channels where every message is a question (needs the Message Content intent).
    pub answer_channels: Vec<u64>,
    /// A prefix that marks a question anywhere, e.g. "!ask" (needs the Message Content intent).
    pub prefix: Option<String>,
    /// Questions one user may ask per `cooldown_seconds`; 0 turns the cooldown off.
    pub cooldown_questions: u32,
    pub cooldown_seconds: u64,
    /// Users who may run owner-only commands (/reload).
    pub owners: Vec<u64>,
    pub shards: Shards,
}

impl Default for DiscordSettings {
    fn default() -> DiscordSettings {
        DiscordSettings {
            dev_guild: None,
            answer_mentions: true,
            answer_dms: true,
            answer_channels: Vec::new(),
            prefix: None,
            cooldown_questions: 5,
            cooldown_seconds: 60,
            owners: Vec::new(),
            shards: Shards::Single,
        }
    }
}

impl DiscordSettings {
    /// Whether the bot must read every message's content (the privileged intent).
    pub fn needs_message_content(&self) -> bool {
        !self.answer_channels.is_empty() || self.prefix.is_some()
    }
}

/// A loaded, valid configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The article file's name, for messages.
    pub article_file: String,
    pub article_text: String,
    pub meta: Meta,
    pub curated: Curated,
    pub tuning: Tuning,
    pub discord: DiscordSettings,
    pub operations: Operations,
    /// The directory it was loaded from (`None` for the built-in configuration).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    article: RawArticle,
    #[serde(default)]
    answer: RawAnswer,
    #[serde(default)]
    discord: RawDiscord,
    #[serde(default)]
    http: RawHttp,
    #[serde(default)]
    logging: RawLogging,
    #[serde(default)]
    unanswered: RawUnanswered,
    #[serde(default)]
    conversation: RawConversation,
    #[serde(default)]
    feedback: RawUnanswered,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversation {
    minutes: Option<i64>,
    max_contexts: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    address: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogging {
    format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnanswered {
    file: Option<String>,
    include_user_ids: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawShards {
    Named(String),
    Range { total: i64, first: i64, last: i64 },
}

/// Every key `citebot.toml` may have, by table ("" is the top level).
const SETTINGS_KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "article",
            "answer",
            "discord",
            "http",
            "logging",
            "unanswered",
            "conversation",
            "feedback",
        ],
    ),
    (
        "article",
        &[
            "file",
            "knowledge",
            "title",
            "link",
            "publisher",
            "published",
        ],
    ),
    ("answer", &["threshold", "max_citations", "scorer"]),
    (
        "discord",
        &[
            "dev_guild",
            "answer_mentions",
            "answer_dms",
            "answer_channels",
            "prefix",
            "cooldown_questions",
            "cooldown_seconds",
            "owners",
            "shards",
        ],
    ),
    ("discord.shards", &["total", "first", "last"]),
    ("http", &["address"]),
    ("logging", &["format"]),
    ("unanswered", &["file", "include_user_ids"]),
    ("conversation", &["minutes", "max_contexts"]),
    ("feedback", &["file", "include_user_ids"]),
];

/// Every key of `table` (and its sub-tables) that the settings do not know, all at once.
fn unknown_keys(table: &toml::Table, path: &str, out: &mut Vec<(String, String)>) {
    let Some((_, known)) = SETTINGS_KEYS.iter().find(|(p, _)| *p == path) else {
        return;
    };
    for (key, value) in table {
        let item = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if !known.contains(&key.as_str()) {
            out.push((
                item,
                format!("unknown key (expected one of: {})", known.join(", ")),
            ));
        } else if let toml::Value::Table(t) = value {
            unknown_keys(t, &item, out);
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiscord {
    dev_guild: Option<Snowflake>,
    answer_mentions: Option<bool>,
    answer_dms: Option<bool>,
    #[serde(default)]
    answer_channels: Vec<Snowflake>,
    prefix: Option<String>,
    cooldown_questions: Option<i64>,
    cooldown_seconds: Option<i64>,
    #[serde(default)]
    owners: Vec<Snowflake>,
    shards: Option<RawShards>,
}

/// A Discord id, written as a number or as a string of digits.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Snowflake {
    Number(i64),
    Text(String),
}

impl Snowflake {
    fn parse(&self) -> Result<u64, String> {
        match self {
            Snowflake::Number(n) if *n > 0 => Ok(*n as u64),
            Snowflake::Text(s) => s
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{s:?} is not a Discord id")),
            Snowflake::Number(n) => Err(format!("{n} is not a Discord id")),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    file: String,
    knowledge: Option<String>,
    title: String,
    link: Option<String>,
    publisher: Option<String>,
    published: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    threshold: Option<f64>,
    max_citations: Option<i64>,
    scorer: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCurated {
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    #[serde(default)]
    phrases: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    aliases: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    intent: Vec<RawIntent>,
    #[serde(default)]
    suggestions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    name: String,
    patterns: Vec<String>,
    cite: String,
}

impl Config {
    /// The configuration built into the binary (the repository's config/ directory).
    pub fn builtin() -> Config {
        Config::from_parts(SETTINGS_FILE, BUILTIN_SETTINGS, |name| match name {
            BUILTIN_ARTICLE_FILE => Ok(BUILTIN_ARTICLE.to_string()),
            BUILTIN_KNOWLEDGE_FILE => Ok(BUILTIN_KNOWLEDGE.to_string()),
            other => Err(format!("{other} is not built in")),
        })
        .expect("the built-in configuration is valid (tested)")
    }

    /// Loads `citebot.toml` and the files it names from `dir`.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let settings_path = dir.join(SETTINGS_FILE);
        let label = settings_path.display().to_string();
        let settings = std::fs::read_to_string(&settings_path)
            .map_err(|e| ConfigError::one(&label, "", format!("cannot read it: {e}")))?;
        let mut config = Config::from_parts(&label, &settings, |name| {
            let path: PathBuf = dir.join(name);
            std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        })?;
        config.dir = Some(dir.to_path_buf());
        Ok(config)
    }

    /// Parses settings text; `read` fetches the files it names (relative to the config dir).
    pub fn from_parts(
        label: &str,
        settings: &str,
        read: impl Fn(&str) -> Result<String, String>,
    ) -> Result<Config, ConfigError> {
        // Unknown keys first, all of them, so a typo is reported with every other one.
        let table: toml::Table = toml::from_str(settings)
            .map_err(|e| ConfigError::one(label, "", toml_message(&e, settings)))?;
        let mut unknown = Vec::new();
        unknown_keys(&table, "", &mut unknown);
        if !unknown.is_empty() {
            return Err(ConfigError(
                unknown
                    .into_iter()
                    .map(|(item, message)| Problem {
                        file: label.to_string(),
                        item,
                        message,
                    })
                    .collect(),
            ));
        }
        let raw: RawSettings = toml::from_str(settings)
            .map_err(|e| ConfigError::one(label, &toml_item(&e), toml_message(&e, settings)))?;
        let mut problems = Vec::new();
        let mut problem = |item: &str, message: String| {
            problems.push(Problem {
                file: label.to_string(),
                item: item.to_string(),
                message,
            })
        };
        let article_text = match read(&raw.article.file) {
            Ok(t) if t.trim().is_empty() => {
                problem("article.file", format!("{:?} is empty", raw.article.file));
                String::new()
            }
            Ok(t) => t,
            Err(e) => {
                problem("article.file", e);
                String::new()
            }
        };
        if raw.article.title.trim().is_empty() {
            problem("article.title", "must not be empty".into());
        }
        let threshold = raw.answer.threshold.unwrap_or(0.5);
        if raw.answer.threshold.is_some() && !(0.0..=1.0).contains(&threshold) {
            problem(
                "answer.threshold",
                format!("{threshold} is not between 0 and 1"),
            );
        }
        let scorer = match raw.answer.scorer.as_deref() {
            None | Some("rules") => Scorer::Rules,
            Some("fitted") => Scorer::Fitted,
            Some(other) => {
                problem(
                    "answer.scorer",
                    format!("{other:?} is not \"rules\" or \"fitted\""),
                );
                Scorer::Rules
            }
        };
        let max_citations = raw.answer.max_citations.unwrap_or(3);
        if !(1..=10).contains(&max_citations) {
            problem(
                "answer.max_citations",
                format!("{max_citations} is not between 1 and 10"),
            );
        }
        let d = &raw.discord;
        let dev_guild = match d.dev_guild.as_ref().map(Snowflake::parse) {
            Some(Ok(id)) => Some(id),
            Some(Err(e)) => {
                problem("discord.dev_guild", e);
                None
            }
            None => None,
        };
        let mut answer_channels = Vec::new();
        for (i, c) in d.answer_channels.iter().enumerate() {
            match c.parse() {
                Ok(id) => answer_channels.push(id),
                Err(e) => problem(&format!("discord.answer_channels[{i}]"), e),
            }
        }
        let prefix = d.prefix.clone().filter(|p| !p.is_empty());
        if let Some(p) = &prefix
            && (p.chars().count() > 32 || p.chars().any(char::is_whitespace))
        {
            problem(
                "discord.prefix",
                format!("{p:?} must be at most 32 characters without spaces"),
            );
        }
        let cooldown_questions = d.cooldown_questions.unwrap_or(5);
        if !(0..=1000).contains(&cooldown_questions) {
            problem(
                "discord.cooldown_questions",
                format!("{cooldown_questions} is not between 0 and 1000"),
            );
        }
        let cooldown_seconds = d.cooldown_seconds.unwrap_or(60);
        if !(1..=86_400).contains(&cooldown_seconds) {
            problem(
                "discord.cooldown_seconds",
                format!("{cooldown_seconds} is not between 1 and 86400"),
            );
        }
        let mut owners = Vec::new();
        for (i, o) in d.owners.iter().enumerate() {
            match o.parse() {
                Ok(id) => owners.push(id),
                Err(e) => problem(&format!("discord.owners[{i}]"), e),
            }
        }
        let shards = match &d.shards {
            None => Shards::Single,
            Some(RawShards::Named(s)) if s == "auto" => Shards::Auto,
            Some(RawShards::Named(s)) if s == "single" => Shards::Single,
            Some(RawShards::Named(s)) => {
                problem(
                    "discord.shards",
                    format!("{s:?} is not \"auto\", \"single\" or {{ total, first, last }}"),
                );
                Shards::Single
            }
            Some(RawShards::Range { total, first, last }) => {
                let (total, first, last) = (*total, *first, *last);
                if total < 1 || first < 0 || last < first || last >= total || total > 100_000 {
                    problem(
                        "discord.shards",
                        format!(
                            "first = {first}, last = {last}, total = {total}: need 0 <= first <= last < total"
                        ),
                    );
                    Shards::Single
                } else {
                    Shards::Range {
                        first: first as u32,
                        last: last as u32,
                        total: total as u32,
                    }
                }
            }
        };
        let log_format = match raw.logging.format.as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                problem(
                    "logging.format",
                    format!("{other:?} is not \"text\" or \"json\""),
                );
                LogFormat::Text
            }
        };
        let http_address = match raw.http.address.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => match a.parse::<std::net::SocketAddr>() {
                Ok(addr) => Some(addr),
                Err(_) => {
                    problem(
                        "http.address",
                        format!("{a:?} is not an address like \"127.0.0.1:9090\""),
                    );
                    None
                }
            },
        };
        let defaults = crate::conversation::Settings::default();
        let minutes = raw.conversation.minutes.unwrap_or(defaults.minutes as i64);
        if !(0..=1440).contains(&minutes) {
            problem(
                "conversation.minutes",
                format!("{minutes} is not between 0 and 1440"),
            );
        }
        let max_contexts = raw
            .conversation
            .max_contexts
            .unwrap_or(defaults.max_contexts as i64);
        if !(1..=1_000_000).contains(&max_contexts) {
            problem(
                "conversation.max_contexts",
                format!("{max_contexts} is not between 1 and 1000000"),
            );
        }
        let operations = Operations {
            log_format,
            http_address,
            unanswered_file: raw
                .unanswered
                .file
                .clone()
                .filter(|f| !f.is_empty())
                .map(|f| base_dir(label).join(f)),
            unanswered_user_ids: raw.unanswered.include_user_ids.unwrap_or(false),
            feedback_file: raw
                .feedback
                .file
                .clone()
                .filter(|f| !f.is_empty())
                .map(|f| base_dir(label).join(f)),
            feedback_user_ids: raw.feedback.include_user_ids.unwrap_or(false),
            conversation: crate::conversation::Settings {
                minutes: minutes.clamp(0, 1440) as u64,
                max_contexts: max_contexts.clamp(1, 1_000_000) as usize,
            },
        };
        let discord = DiscordSettings {
            dev_guild,
            answer_mentions: d.answer_mentions.unwrap_or(true),
            answer_dms: d.answer_dms.unwrap_or(true),
            answer_channels,
            prefix,
            cooldown_questions: cooldown_questions.clamp(0, 1000) as u32,
            cooldown_seconds: cooldown_seconds.clamp(1, 86_400) as u64,
            owners,
            shards,
        };
        let mut curated = Curated::default();
        if let Some(file) = &raw.article.knowledge {
            match read(file) {
                Ok(text) => match Curated::parse(file, &text) {
                    Ok(c) => curated = c,
                    Err(ConfigError(more)) => problems.extend(more),
                },
                Err(e) => problem("article.knowledge", e),
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        let opt = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        Ok(Config {
            article_file: raw.article.file,
            article_text,
            meta: Meta {
                title: raw.article.title.trim().to_string(),
                link: opt(raw.article.link),
                publisher: opt(raw.article.publisher),
                published: opt(raw.article.published),
            },
            curated,
            tuning: Tuning {
                threshold: raw.answer.threshold.map(|t| t as f32),
                max_citations: max_citations as usize,
                weights: None,
                scorer,
            },
            discord,
            operations,
            dir: None,
        })
    }

    /// Replaces the article with another plain-text file, with no curated knowledge (it was
    /// written for the other article). The title is the file's name unless one is given.
    pub fn with_article(mut self, file: &str, text: String, title: Option<String>) -> Config {
        let name = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
            .unwrap_or_else(|| file.to_string());
        self.article_file = file.to_string();
        self.article_text = text;
        self.meta = Meta {
            title: title.unwrap_or(name),
            link: None,
            publisher: None,
            published: None,
        };
        self.curated = Curated::default();
        self
    }
}

impl Curated {
    /// Parses a curated knowledge file, compiling every intent pattern.
    pub fn parse(file: &str, text: &str) -> Result<Curated, ConfigError> {
        let raw: RawCurated = toml::from_str(text)
            .map_err(|e| ConfigError::one(file, &toml_item(&e), toml_message(&e, text)))?;
        let mut problems = Vec::new();
        let mut problem = |item: String, message: String| {
            problems.push(Problem {
                file: file.to_string(),
                item,
                message,
            })
        };
        for (i, group) in raw.synonyms.iter().enumerate() {
            if group.len() < 2 {
                problem(
                    format!("synonyms[{i}]"),
                    "a synonym group needs at least two words".into(),
                );
            }
        }
        for (from, to) in &raw.phrases {
            if from.split_whitespace().count() < 2 || to.trim().is_empty() {
                problem(
                    format!("phrases.{from:?}"),
                    "a phrase is several words read as one word".into(),
                );
            }
        }
        let mut intents = Vec::new();
        for (i, intent) in raw.intent.iter().enumerate() {
            let item = format!("intent {:?}", intent.name);
            if intent.name.trim().is_empty() {
                problem(format!("intent[{i}].name"), "must not be empty".into());
            }
            if intent.patterns.is_empty() {
                problem(item.clone(), "has no patterns".into());
            }
            if intent.cite.trim().is_empty() {
                problem(item.clone(), "cite must not be empty".into());
            }
            let mut patterns = Vec::new();
            for p in &intent.patterns {
                match regex::RegexBuilder::new(p).size_limit(1 << 20).build() {
                    Ok(r) => patterns.push(r),
                    Err(e) => problem(
                        item.clone(),
                        format!("invalid pattern {p:?}: {}", first_line(&e.to_string())),
                    ),
                }
            }
            intents.push(CuratedIntent {
                name: intent.name.clone(),
                patterns,
                cite: intent.cite.clone(),
            });
        }
        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        Ok(Curated {
            file: file.to_string(),
            synonyms: raw
                .synonyms
                .into_iter()
                .map(|g| g.into_iter().map(|w| w.to_lowercase()).collect())
                .collect(),
            phrases: raw
                .phrases
                .into_iter()
                .map(|(a, b)| (a.to_lowercase(), b.to_lowercase()))
                .collect(),
            aliases: raw.aliases.into_iter().collect(),
            intents,
            suggestions: raw.suggestions,
        })
    }
}

fn toml_item(e: &toml::de::Error) -> String {
    let m = e.message();
    // serde's unknown-field message names the key: "unknown field `x`, expected ...".
    if let Some(rest) = m.strip_prefix("unknown field `")
        && let Some(end) = rest.find('`')
    {
        return rest[..end].to_string();
    }
    String::new()
}

fn toml_message(e: &toml::de::Error, text: &str) -> String {
    let line = e
        .span()
        .map(|s| {
            let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
            format!(" (line {line})")
        })
        .unwrap_or_default();
    format!("{}{line}", first_line(e.message()))
}

/// The directory of a settings file's label (relative paths in it start there).
fn base_dir(label: &str) -> PathBuf {
    Path::new(label)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
