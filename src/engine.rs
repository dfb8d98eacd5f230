//! The engine: owns the article, its knowledge and the matcher index, built once from a
//! [`Config`]; `ask(&str) -> Answer` is the one call every front end (command line, Discord)
//! makes.
//!
//! Building can fail (a curated intent citing no sentence, an alias for a person the article
//! never names); once built, the engine cannot fail: every question gets an [`Answer`], and
//! "not in the article" is an answer.

use crate::answer::{self, Answer, Citation, Outcome, QuoteRef};
use crate::article::Article;
use crate::article::SentenceId;
use crate::config::{Config, ConfigError, Meta, Problem};
use crate::knowledge::{self, Knowledge};
use crate::matcher::{Abstention, Index, Intent, Kind, Scorer};
use crate::score::{self, Weights};
use crate::vocab::Vocab;

/// How many questions to suggest when the article does not answer one.
const SUGGESTIONS: usize = 3;

/// A quotation with its citation, for listing quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteCard {
    pub quote: QuoteRef,
    pub citation: Citation,
}

/// A section of the article: its heading (none for the opening) and its sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: Option<String>,
    pub sentences: Vec<Citation>,
}

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
    /// Questions offered by autocomplete: the suggestions, then generated ones.
    completions: Vec<String>,
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
        let vocab = Vocab::new(&curated.synonyms, &curated.phrases);
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
        let mut completions = suggestions.clone();
        for c in generated_questions(&article, &knowledge) {
            if !completions.contains(&c) {
                completions.push(c);
            }
        }
        Ok(Engine {
            article,
            knowledge,
            vocab,
            index,
            meta: config.meta.clone(),
            suggestions,
            suggestion_concepts,
            completions,
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
        // "Who wrote it?": only the publisher, when configured, answers that.
        let author = [
            "wrote",
            "written",
            "author",
            "writer",
            "journalist",
            "reporter",
        ]
        .iter()
        .any(|w| query.normalized.split(' ').any(|x| x == *w));
        if query.kind == Kind::Source && author && self.meta.publisher.is_none() {
            return Answer {
                question: question.to_string(),
                outcome: Outcome::NotInArticle,
                text: "The article doesn't name its author.".to_string(),
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

    /// The citation of one sentence.
    fn citation(&self, sentence: usize) -> Citation {
        let s = &self.article.sentences[sentence];
        Citation {
            id: s.id,
            text: s.text.clone(),
            section: s.section.clone(),
        }
    }

    /// The answer made of one sentence a person picked from the "did you mean" choices.
    pub fn answer_sentence(&self, question: &str, id: SentenceId) -> Option<Answer> {
        let i = self.article.sentences.iter().position(|s| s.id == id)?;
        Some(Answer {
            question: question.to_string(),
            outcome: Outcome::Picked,
            text: self.article.sentences[i].text.clone(),
            citations: vec![self.citation(i)],
            quote: None,
            confidence: 1.0,
            suggestions: Vec::new(),
        })
    }

    /// Names of the people the article quotes, in order of first quotation.
    pub fn speakers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for q in &self.knowledge.quotes {
            if let Some(p) = q.speaker {
                let name = self.knowledge.people[p].name.clone();
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// Quotations, optionally only those of `speaker` (any alias: "Zelensky", "the French
    /// president") and about `topic` (best match first). An unknown speaker gives none.
    pub fn quotes(&self, speaker: Option<&str>, topic: Option<&str>) -> Vec<QuoteCard> {
        let person = match speaker.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => {
                let words = knowledge::alias_words(name, &self.vocab);
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                match (0..words.len()).find_map(|i| self.knowledge.person_at(&words, i)) {
                    Some((p, _)) => Some(p),
                    None => return Vec::new(),
                }
            }
            None => None,
        };
        let topic_concepts = topic.map(|t| concepts(&self.vocab, t)).unwrap_or_default();
        let mut cards: Vec<(usize, QuoteCard)> = Vec::new();
        for q in &self.knowledge.quotes {
            if person.is_some() && q.speaker != person {
                continue;
            }
            let sentence_concepts = concepts(&self.vocab, &self.article.sentences[q.sentence].text);
            let overlap = topic_concepts
                .iter()
                .filter(|c| sentence_concepts.contains(c))
                .count();
            if !topic_concepts.is_empty() && overlap == 0 {
                continue;
            }
            let sentence = &self.article.sentences[q.sentence].text;
            cards.push((
                overlap,
                QuoteCard {
                    quote: QuoteRef {
                        text: q.text.clone(),
                        speaker: q.speaker.map(|p| {
                            let person = &self.knowledge.people[p];
                            if sentence.contains(&person.described()) {
                                person.described()
                            } else {
                                person.name.clone()
                            }
                        }),
                    },
                    citation: self.citation(q.sentence),
                },
            ));
        }
        cards.sort_by_key(|c| std::cmp::Reverse(c.0));
        cards.into_iter().map(|(_, c)| c).collect()
    }

    /// The article's sections: the opening (no heading), then one per heading.
    pub fn sections(&self) -> Vec<Section> {
        let mut out: Vec<Section> = Vec::new();
        for (i, s) in self.article.sentences.iter().enumerate() {
            if out.last().is_none_or(|sec| sec.heading != s.section) {
                out.push(Section {
                    heading: s.section.clone(),
                    sentences: Vec::new(),
                });
            }
            if let Some(last) = out.last_mut() {
                last.sentences.push(self.citation(i));
            }
        }
        out
    }

    /// The section a topic is about ("territory", "nato"): the heading's words count double.
    /// Without a topic, or when no section matches, `None`.
    pub fn section_about(&self, topic: &str) -> Option<Section> {
        let wanted = concepts(&self.vocab, topic);
        if wanted.is_empty() {
            return None;
        }
        let score = |sec: &Section| {
            let heading = sec
                .heading
                .as_deref()
                .map(|h| concepts(&self.vocab, h))
                .unwrap_or_default();
            let body: Vec<String> = sec
                .sentences
                .iter()
                .flat_map(|c| concepts(&self.vocab, &c.text))
                .collect();
            wanted
                .iter()
                .map(|w| 2 * usize::from(heading.contains(w)) + usize::from(body.contains(w)))
                .sum::<usize>()
        };
        let sections = self.sections();
        let best = sections.iter().map(score).max()?;
        if best == 0 {
            return None;
        }
        sections.into_iter().find(|s| score(s) == best)
    }

    /// Questions for autocomplete that contain every word typed so far (as word prefixes),
    /// at most `limit`, each at most `max_chars` long.
    pub fn complete(&self, typed: &str, limit: usize, max_chars: usize) -> Vec<String> {
        let typed = typed.to_lowercase();
        let parts: Vec<&str> = typed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        self.completions
            .iter()
            .filter(|c| c.chars().count() <= max_chars)
            .filter(|c| {
                let lower = c.to_lowercase();
                let words: Vec<&str> = lower
                    .split(|ch: char| !ch.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                parts.iter().all(|p| words.iter().any(|w| w.starts_with(p)))
            })
            .take(limit)
            .cloned()
            .collect()
    }

    /// The texts whose meaning the fitted scorer reads for every question (the sentences and
    /// the article's plain words; none with the rules scorer): their embeddings are worth
    /// keeping between runs (see [`crate::embed::encode_cache`]).
    pub fn meaning_texts(&self) -> Vec<&str> {
        self.index.meaning_texts()
    }

    /// Computes the embeddings of [`Engine::meaning_texts`] now (taking those already in the
    /// embedding cache), so that no question waits for them.
    pub fn warm(&self) {
        self.index.warm();
    }

    /// The scoring signals of every sentence for a question, or `None` when a rule decides
    /// it before any scoring (an empty question, a question about the source, a quote request
    /// about someone never quoted, a question about a thing the article never mentions).
    pub fn features(&self, question: &str) -> Option<Vec<crate::score::Features>> {
        let query = self.index.analyze(question, &self.knowledge, &self.vocab);
        if query.normalized.chars().all(|c| !c.is_alphanumeric())
            || matches!(query.kind, Kind::Source | Kind::About)
            || self.index.precheck(&query, &self.knowledge).is_some()
        {
            return None;
        }
        Some(self.index.features(&query, &self.article, &self.knowledge))
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
        if let Some(why) = self.index.precheck(&q, &self.knowledge) {
            out.push_str(&format!("decided before scoring: {why:?}\n"));
            return out;
        }
        if self.index.tuning().scorer == Scorer::Rules {
            for c in self.index.scores(&q, &self.article, &self.knowledge) {
                let s = &self.article.sentences[c.sentence];
                out.push_str(&format!(
                    "{} score {:.2} confidence {:.2}: {}\n",
                    s.id, c.score, c.confidence, s.text
                ));
            }
            return out;
        }
        let weights = self.index.tuning().weights.unwrap_or_else(Weights::builtin);
        let threshold = self.index.tuning().threshold.unwrap_or(weights.threshold);
        let features = self.index.features(&q, &self.article, &self.knowledge);
        let mut ranked: Vec<(usize, f32)> = features
            .iter()
            .map(|f| score::probability(f, weights))
            .enumerate()
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        if let Some(fast) = weights.fast.as_deref() {
            let plain: Vec<score::Features> = features.iter().map(score::without_meaning).collect();
            let (top, sure) = score::confidence(&plain, fast);
            let verdict = if sure >= weights.sure {
                format!(
                    "sure enough: {} is the answer, the embedding model is not run; the full models below agree on nearly all such questions",
                    self.article.sentences[top].id
                )
            } else {
                "not sure: the full models below decide".to_string()
            };
            out.push_str(&format!(
                "cascade: fast models' confidence {sure:.3} (sure from {:.2}): {verdict}\n",
                weights.sure
            ));
        }
        let (_, confidence) = score::confidence(&features, weights);
        out.push_str(&format!(
            "confidence: {confidence:.3} that the best sentence answers it; threshold {threshold:.3} (below it: the article doesn't say)\n"
        ));
        for &(si, p) in ranked.iter().take(3) {
            let s = &self.article.sentences[si];
            out.push_str(&format!("{} probability {p:.3}: {}\n", s.id, s.text));
            let mut parts: Vec<String> = score::contributions(&features[si], weights)
                .into_iter()
                .zip(features[si].values())
                .filter(|((_, c), v)| *c != 0.0 || *v != 0.0)
                .map(|((n, c), v)| format!("{n} {v:.2} ({c:+.2})"))
                .collect();
            parts.push(format!("bias ({:+.2})", weights.bias));
            out.push_str(&format!("    {}\n", parts.join(", ")));
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

    /// The person a phrase names as a whole ("Macron", "the French president"), if any: for
    /// reading follow-up questions (`conversation`).
    pub fn person_named(&self, phrase: &str) -> Option<usize> {
        let words = knowledge::alias_words(phrase, &self.vocab);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match self.knowledge.person_at(&words, 0) {
            Some((p, n)) if n > 0 && n == words.len() => Some(p),
            _ => None,
        }
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

/// Questions for autocomplete generated from the knowledge: who each person is, what each
/// said, who said each quotation, what each section says.
fn generated_questions(article: &Article, k: &Knowledge) -> Vec<String> {
    let mut out = Vec::new();
    for p in &k.people {
        out.push(format!("Who is {}?", p.name));
    }
    for (i, p) in k.people.iter().enumerate() {
        if k.speaks(i) {
            out.push(format!("What did {} say?", p.surname()));
        }
    }
    for q in &k.quotes {
        if q.speaker.is_some() && q.text.split_whitespace().count() >= 3 {
            out.push(format!(
                "Who said “{}”?",
                q.text.trim_end_matches(['.', ','])
            ));
        }
    }
    for h in article.headings() {
        out.push(format!(
            "What does the article say about {}?",
            h.text.trim_end_matches([':', '?', '.'])
        ));
    }
    out
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
