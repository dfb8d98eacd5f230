//! The engine: owns the article, its knowledge and the matcher index, built once from a
//! [`Config`]; `ask(&str) -> Answer` is the one call every front end (command line, Discord)
//! makes.
//!
//! Building can fail (a curated intent citing no sentence, an alias for a person the article
//! never names); once built, the engine cannot fail: every question gets an [`Answer`], and
//! "not in the article" is an answer.

use crate::answer::{self, Answer, Citation, Outcome};
use crate::article::Article;
use crate::config::{Config, ConfigError, Meta, Problem};
use crate::knowledge::{self, Knowledge};
use crate::matcher::{Abstention, Index, Intent, Kind};
use crate::vocab::Vocab;

/// How many questions to suggest when the article does not answer one.
const SUGGESTIONS: usize = 3;

#[derive(Debug, Clone)]
pub struct Engine {
    article: Article,
    knowledge: Knowledge,
    vocab: Vocab,
    index: Index,
    meta: Meta,
    suggestions: Vec<String>,
    /// The content concepts of each suggestion, to rank them against a question.
    suggestion_concepts: Vec<Vec<String>>,
}

impl Engine {
    /// Builds the engine, checking the curated knowledge against the article.
    pub fn new(config: &Config) -> Result<Engine, ConfigError> {
        let article = Article::parse(&config.article_text);
        let curated = &config.curated;
        let mut problems = Vec::new();
        let mut problem = |item: String, message: String| {
            problems.push(Problem {
                file: curated.file.clone(),
                item,
                message,
            })
        };
        if article.sentences.is_empty() {
            return Err(ConfigError::one(
                &config.article_file,
                "",
                "has no sentences to cite (expected plain text, one paragraph per line)",
            ));
        }
        let vocab = Vocab::new(&curated.synonyms);
        let knowledge = match knowledge::extract(&article, &vocab, &curated.aliases) {
            Ok(k) => k,
            Err(errors) => {
                for (name, message) in errors {
                    problem(format!("aliases.{name:?}"), message);
                }
                Knowledge::default()
            }
        };
        let mut intents = Vec::new();
        for intent in &curated.intents {
            let hits: Vec<usize> = article
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    crate::text::fold_quotes(&s.text)
                        .contains(&crate::text::fold_quotes(&intent.cite))
                })
                .map(|(i, _)| i)
                .collect();
            match hits.as_slice() {
                [one] => intents.push((
                    Intent {
                        name: intent.name.clone(),
                        sentence: *one,
                    },
                    intent.patterns.clone(),
                )),
                [] => problem(
                    format!("intent {:?}", intent.name),
                    format!("cite {:?} is in no sentence of the article", intent.cite),
                ),
                many => problem(
                    format!("intent {:?}", intent.name),
                    format!(
                        "cite {:?} is in {} sentences; quote more of the one you mean",
                        intent.cite,
                        many.len()
                    ),
                ),
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        let index = Index::build(&article, &knowledge, &vocab, intents, config.tuning);
        let mut suggestions = curated.suggestions.clone();
        suggestions.extend(automatic_suggestions(&knowledge));
        suggestions.dedup();
        let suggestion_concepts = suggestions.iter().map(|s| concepts(&vocab, s)).collect();
        Ok(Engine {
            article,
            knowledge,
            vocab,
            index,
            meta: config.meta.clone(),
            suggestions,
            suggestion_concepts,
        })
    }

    pub fn article(&self) -> &Article {
        &self.article
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Example questions the article can answer (curated first, then generated ones).
    pub fn suggestions(&self) -> &[String] {
        &self.suggestions
    }

    /// Answers one question. Never fails and never panics on any input.
    pub fn ask(&self, question: &str) -> Answer {
        let query = self.index.analyze(question, &self.knowledge, &self.vocab);
        let empty = query.normalized.chars().all(|c| !c.is_alphanumeric());
        if empty {
            return Answer {
                question: question.to_string(),
                outcome: Outcome::Empty,
                text: format!(
                    "Ask me a question about “{}” and I'll answer with a citation from it.",
                    self.meta.title
                ),
                citations: Vec::new(),
                quote: None,
                confidence: 0.0,
                suggestions: self.suggest(question),
            };
        }
        if query.kind == Kind::Source {
            return Answer {
                question: question.to_string(),
                outcome: Outcome::Source,
                text: self.source_text(),
                citations: Vec::new(),
                quote: None,
                confidence: 1.0,
                suggestions: Vec::new(),
            };
        }
        let ranking = self.index.rank(query, &self.article, &self.knowledge);
        let Some(best) = ranking.candidates.first() else {
            let text = match &ranking.abstention {
                Some(Abstention::NotQuoted(p)) => format!(
                    "The article doesn't report anything {} said.",
                    self.knowledge.people[*p].name
                ),
                Some(Abstention::UnknownFocus(w)) => {
                    format!("The article doesn't say anything about “{w}”.")
                }
                _ => "The article doesn't say.".to_string(),
            };
            return Answer {
                question: question.to_string(),
                outcome: Outcome::NotInArticle,
                text,
                citations: Vec::new(),
                quote: None,
                confidence: ranking.confidence,
                suggestions: self.suggest(question),
            };
        };
        let (text, quote) = answer::short_answer(
            &ranking.query,
            &self.article,
            &self.knowledge,
            best.sentence,
        );
        let citations = ranking
            .candidates
            .iter()
            .map(|c| {
                let s = &self.article.sentences[c.sentence];
                Citation {
                    id: s.id,
                    text: s.text.clone(),
                    section: s.section.clone(),
                }
            })
            .collect();
        Answer {
            question: question.to_string(),
            outcome: Outcome::Answered,
            text,
            citations,
            quote,
            confidence: ranking.confidence,
            suggestions: Vec::new(),
        }
    }

    /// How the matcher reads a question and scores the best sentences: for tuning the curated
    /// knowledge of a new article (`citebot explain`).
    pub fn explain(&self, question: &str) -> String {
        let q = self.index.analyze(question, &self.knowledge, &self.vocab);
        let mut out = format!("normalized: {}\nkind: {:?}\n", q.normalized, q.kind);
        let people: Vec<&str> = q
            .people
            .iter()
            .map(|&p| self.knowledge.people[p].name.as_str())
            .collect();
        out.push_str(&format!("people: {people:?}\n"));
        let terms: Vec<String> = q
            .terms
            .iter()
            .map(|(t, w)| format!("{}:{w:.2}", self.index.concept_name(*t)))
            .collect();
        out.push_str(&format!(
            "terms: {}\nunknown: {:?}\n",
            terms.join(" "),
            q.unknown
        ));
        let intents: Vec<&str> = q
            .intents
            .iter()
            .map(|&i| self.index.intents()[i].name.as_str())
            .collect();
        out.push_str(&format!("intents: {intents:?}\n"));
        for c in self.index.scores(&q, &self.article, &self.knowledge) {
            let s = &self.article.sentences[c.sentence];
            out.push_str(&format!(
                "{} score {:.2} confidence {:.2}: {}\n",
                s.id, c.score, c.confidence, s.text
            ));
        }
        out
    }

    /// The article's title, link and publication details, and how citations are numbered.
    pub fn source_text(&self) -> String {
        let m = &self.meta;
        let mut s = format!("“{}”", m.title);
        if let Some(p) = &m.publisher {
            s.push_str(&format!(", {p}"));
        }
        if let Some(d) = &m.published {
            s.push_str(&format!(", {d}"));
        }
        if let Some(l) = &m.link {
            s.push_str(&format!(" — {l}"));
        }
        s.push_str(
            ". Citations give the paragraph (counting every non-blank line of the article, headings included) and the sentence within it.",
        );
        s
    }

    /// Up to three questions the article can answer, those sharing words with `question` first.
    pub fn suggest(&self, question: &str) -> Vec<String> {
        let asked = concepts(&self.vocab, question);
        let mut scored: Vec<(usize, usize, &String)> = self
            .suggestions
            .iter()
            .zip(&self.suggestion_concepts)
            .enumerate()
            .map(|(i, (s, cs))| (cs.iter().filter(|c| asked.contains(c)).count(), i, s))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, _, s)| s.clone())
            .collect()
    }
}

/// The content concepts of a question (at most its first 40 words: enough to rank suggestions).
fn concepts(vocab: &Vocab, text: &str) -> Vec<String> {
    let text = crate::matcher::clean(text);
    vocab
        .question_words(&text)
        .iter()
        .filter(|w| !vocab.is_stop(&w.text))
        .take(40)
        .map(|w| vocab.concept(&w.text))
        .collect()
}

/// Questions generated from the knowledge: what each quoted person said, who each person is.
fn automatic_suggestions(k: &Knowledge) -> Vec<String> {
    let mut out = vec!["What is this article about?".to_string()];
    for (i, p) in k.people.iter().enumerate() {
        if k.quotes.iter().any(|q| q.speaker == Some(i)) {
            out.push(format!("What did {} say?", p.surname()));
        }
    }
    out
}
