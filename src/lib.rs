//! citebot answers questions about a news article and backs every answer with a citation: the
//! verbatim sentence it rests on and where that sentence stands in the article.
//!
//! ```
//! use citebot::{Config, Engine};
//!
//! let engine = Engine::new(&Config::builtin()).expect("the built-in config is valid");
//! let answer = engine.ask("How much of Ukraine does Russia control?");
//! assert_eq!(answer.text, "around 20% of Ukraine’s territory");
//! assert_eq!(answer.citations[0].id.to_string(), "5.1"); // paragraph 5, sentence 1
//! ```
//!
//! # Layout
//!
//! The modules in reading order, each owning one thing:
//!
//! - [`text`]: characters to comparable words — tokens, stems, edit distance.
//! - [`embed`]: the sentence-embedding model (all-MiniLM-L6-v2, weights compiled in from
//!   `model/`): text to a unit vector of its meaning.
//! - [`lexicon`]: general English word knowledge as data (stop words, slang, synonyms, titles,
//!   countries, number and time words). Nothing about any particular article.
//! - [`vocab`]: the lexicon plus the curated synonyms compiled into lookup tables; text to
//!   normalised words, words to concepts.
//! - [`article`]: the article model — paragraphs, headings, related links, sentences with
//!   stable numbers.
//! - [`knowledge`]: what is extracted automatically from the article — people with titles and
//!   aliases, quotations with speakers, figures, times and places per sentence.
//! - [`measure`]: kinds of quantity (money, age, time of day, length, ...) — which one a
//!   question asks for and which ones a sentence states.
//! - [`score`]: the named signals of a (question, sentence) pair and the one fitted function
//!   that combines them into a probability; the weights live in `src/weights.toml`.
//! - [`matcher`]: the intent matcher — question to ranked sentences with a confidence, or
//!   abstention.
//! - [`answer`]: a ranked sentence to an answer — short span, citation, confidence level — and
//!   its text and JSON renderings.
//! - [`config`]: `citebot.toml` and the curated knowledge file, parsed into validated types.
//! - [`engine`]: owns all of the above, built once; `Engine::ask` is what every front end calls.
//! - [`conversation`]: follow-up questions read in the context of the one before ("what did he
//!   say?", "why?", "what about Hegseth?") by rewriting them into self-contained questions for
//!   `Engine::ask`; the bounded memory of contexts per person and channel, of answers given
//!   (for replies and votes).
//! - [`eval`]: scoring the engine on a question file.
//! - [`fit`]: fitting the scoring weights on labelled question sets, and leave-one-set-out
//!   figures.
//! - [`review`]: the unanswered-question and feedback logs grouped into a question file for the
//!   admin to label.
//! - [`ops`]: running the service — metrics, health, the HTTP endpoint for them, the
//!   unanswered-question log, the feedback (votes) log.
//! - [`discord`]: the Discord adapter — serenity events in, engine calls, embeds out. The only
//!   module that imports serenity or tokio.
//!
//! # Architecture invariants
//!
//! - The core (every module above `discord`) is synchronous and pure: no async, no network, no Discord
//!   types. Files are read only by `config`, once, at load; the embedding model's weights are
//!   compiled into the binary. The one process-wide state is [`embed`]'s cache of embeddings
//!   (bounded, and only ever a copy of what the model computes).
//! - [`conversation`] uses only the engine's public behaviour (`ask`, the people it can name,
//!   the knowledge and the article), never the matcher's internals; it has no clock of its own
//!   (callers pass the time), and its memory is capped in count.
//! - Once an [`engine::Engine`] is built it cannot fail: every question gets an answer, and
//!   "the article doesn't say" is an answer.
//! - Answers are grounded: a cited sentence is verbatim article text; a short answer is a span
//!   of the cited sentence or of the article's own naming of a person. The curated file may
//!   choose which sentence answers a kind of question, never what the article says.
//! - Headings and "Also Read" lines are never cited.

pub mod text;

pub mod embed;

pub mod lexicon;

pub mod vocab;

pub mod article;

pub mod knowledge;

pub mod measure;

pub mod score;

pub mod matcher;

pub mod answer;

pub mod config;

pub mod engine;

pub mod conversation;

pub mod eval;

pub mod fit;

pub mod review;

pub mod ops;

pub mod discord;

pub use answer::Answer;
pub use config::Config;
pub use engine::Engine;
