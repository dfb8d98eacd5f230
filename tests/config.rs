//! Broken configurations: each one fails with a message naming the file, the item and the
//! problem, and every problem of a file is reported at once.

use citebot::config::Curated;
use citebot::{Config, Engine};

const ARTICLE: &str = "Alpha Beta said the plan works. Gamma Delta disagreed.\n";

/// Loads settings text with `files` as the config directory's other files, then builds the engine.
fn load(settings: &str, files: &[(&str, &str)]) -> Result<Engine, String> {
    let config = Config::from_parts("citebot.toml", settings, |name| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| format!("cannot read {name}: not found"))
    })
    .map_err(|e| e.to_string())?;
    Engine::new(&config).map_err(|e| e.to_string())
}

fn settings(extra: &str) -> String {
    format!("[article]\nfile = \"a.txt\"\ntitle = \"T\"\n{extra}")
}

/// (name, citebot.toml text, the other files, the message the load must start with)
type Case<'a> = (&'a str, String, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn broken_configurations_give_exact_messages() {
    let table: &[Case] = &[
        (
            "missing article file",
            settings(""),
            &[],
            "citebot.toml: article.file: cannot read a.txt: not found",
        ),
        (
            "empty article",
            settings(""),
            &[("a.txt", "  \n")],
            "citebot.toml: article.file: \"a.txt\" is empty",
        ),
        (
            "unknown keys, all reported at once",
            settings("colour = \"red\"\n[answer]\nthreshhold = 0.4\n[extra]\n"),
            &[("a.txt", ARTICLE)],
            "citebot.toml: answer.threshhold: unknown key (expected one of: threshold, max_citations, scorer)\ncitebot.toml: article.colour: unknown key (expected one of: file, knowledge, title, link, publisher, published)\ncitebot.toml: extra: unknown key (expected one of: article, answer, discord, http, logging, unanswered, conversation, feedback)",
        ),
        (
            "not TOML",
            "[article\nfile = 1\n".to_string(),
            &[],
            "citebot.toml: unclosed table, expected `]` (line 1)",
        ),
        (
            "bad operations and discord values, all reported",
            settings(
                "[http]\naddress = \"localhost\"\n[logging]\nformat = \"xml\"\n[discord]\nshards = { total = 2, first = 1, last = 2 }\nprefix = \"! ask\"\ndev_guild = \"abc\"\ncooldown_seconds = 0\n",
            ),
            &[("a.txt", ARTICLE)],
            "citebot.toml: discord.dev_guild: \"abc\" is not a Discord id\ncitebot.toml: discord.prefix: \"! ask\" must be at most 32 characters without spaces\ncitebot.toml: discord.cooldown_seconds: 0 is not between 1 and 86400\ncitebot.toml: discord.shards: first = 1, last = 2, total = 2: need 0 <= first <= last < total\ncitebot.toml: logging.format: \"xml\" is not \"text\" or \"json\"\ncitebot.toml: http.address: \"localhost\" is not an address like \"127.0.0.1:9090\"",
        ),
        (
            "threshold out of range and bad citations count, both reported",
            settings("[answer]\nthreshold = 1.5\nmax_citations = 0\n"),
            &[("a.txt", ARTICLE)],
            "citebot.toml: answer.threshold: 1.5 is not between 0 and 1\ncitebot.toml: answer.max_citations: 0 is not between 1 and 10",
        ),
        (
            "an unknown scorer",
            settings("[answer]\nscorer = \"neural\"\n"),
            &[("a.txt", ARTICLE)],
            "citebot.toml: answer.scorer: \"neural\" is not \"rules\" or \"fitted\"",
        ),
        (
            "a phrase of one word",
            settings("knowledge = \"k.toml\"\n"),
            &[
                ("a.txt", ARTICLE),
                ("k.toml", "[phrases]\nswap = \"landswap\"\n"),
            ],
            "k.toml: phrases.\"swap\": a phrase is several words read as one word",
        ),
        (
            "missing title",
            "[article]\nfile = \"a.txt\"\n".to_string(),
            &[("a.txt", ARTICLE)],
            "citebot.toml: missing field `title` (line 1)",
        ),
        (
            "invalid regex in an intent",
            settings("knowledge = \"k.toml\"\n"),
            &[
                ("a.txt", ARTICLE),
                (
                    "k.toml",
                    "[[intent]]\nname = \"plan\"\npatterns = [\"(unclosed\"]\ncite = \"the plan works\"\n",
                ),
            ],
            "k.toml: intent \"plan\": invalid pattern \"(unclosed\": regex parse error:",
        ),
        (
            "intent citing text that is in no sentence",
            settings("knowledge = \"k.toml\"\n"),
            &[
                ("a.txt", ARTICLE),
                (
                    "k.toml",
                    "[[intent]]\nname = \"plan\"\npatterns = [\"plan\"]\ncite = \"the plan failed\"\n",
                ),
            ],
            "k.toml: intent \"plan\": cite \"the plan failed\" is in no sentence of the article",
        ),
        (
            "alias for a person the article never names",
            settings("knowledge = \"k.toml\"\n"),
            &[
                ("a.txt", ARTICLE),
                ("k.toml", "[aliases]\n\"Omega\" = [\"the boss\"]\n"),
            ],
            "k.toml: aliases.\"Omega\": \"Omega\" is not a person the article names",
        ),
        (
            "conversation keys out of range",
            settings("[conversation]\nminutes = -1\nmax_contexts = 0\n"),
            &[("a.txt", ARTICLE)],
            "citebot.toml: conversation.minutes: -1 is not between 0 and 1440\ncitebot.toml: conversation.max_contexts: 0 is not between 1 and 1000000",
        ),
        (
            "a feedback key misspelt",
            settings("[feedback]\nfiel = \"f.jsonl\"\n"),
            &[("a.txt", ARTICLE)],
            "citebot.toml: feedback.fiel: unknown key (expected one of: file, include_user_ids)",
        ),
        (
            "one-word synonym group",
            settings("knowledge = \"k.toml\"\n"),
            &[("a.txt", ARTICLE), ("k.toml", "synonyms = [[\"alone\"]]\n")],
            "k.toml: synonyms[0]: a synonym group needs at least two words",
        ),
    ];
    for (name, settings, files, want) in table {
        let got = load(settings, files)
            .err()
            .unwrap_or_else(|| panic!("{name}: loaded"));
        assert!(got.starts_with(want), "{name}:\n got: {got}\nwant: {want}");
    }
}

#[test]
fn a_valid_small_configuration_loads() {
    let engine = load(&settings(""), &[("a.txt", ARTICLE)]).expect("valid");
    assert_eq!(engine.meta().title, "T");
    assert_eq!(engine.article().sentences.len(), 2);
}

#[test]
fn the_shipped_knowledge_file_parses() {
    let text = include_str!("../config/knowledge.toml");
    let curated = Curated::parse("knowledge.toml", text).expect("valid");
    assert!(!curated.intents.is_empty());
}
