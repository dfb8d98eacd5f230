//! The intent matcher: question in, ranked candidate sentences out, each with a confidence in
//! 0..1, or the verdict that the article does not answer it.
//!
//! How a question is read, in order:
//! 1. clean it (Discord mentions, code fences), normalise chat slang, join phrases, correct
//!    typos against the article's own words;
//! 2. decide its kind (who, when, how much, quote, ...), the people it names (through aliases
//!    and roles), and its content concepts (stems shared by synonym groups) — words the article
//!    never uses are kept aside as unknown;
//! 3. score every sentence, by one of two scorers ([`Scorer`]):
//!    - rules: BM25 over concepts, plus people (as mentioned or as speakers), plus the answer
//!      type the kind asks for, plus the curated intents whose pattern matches; confidence is
//!      how much of the question the best sentence accounts for, lowered when the sentence
//!      lacks what the kind asks for;
//!    - fitted: the same evidence as named signals ([`Index::features`], one small function
//!      each) plus the meaning of question and sentence from the embedding model, combined by
//!      the fitted weights of [`crate::score`]; confidence is the fitted probability that the
//!      best sentence answers the question;
//! 4. below the threshold the matcher abstains.
//!
//! The matcher never produces text; it only picks sentences. No I/O, no allocation-heavy work
//! beyond the question itself.

use crate::article::Article;
use crate::embed;
use crate::knowledge::{self, Knowledge};
use crate::measure::{self, Measure};
use crate::score::{self, Features, Weights};
use crate::text;
use crate::vocab::Vocab;
use regex::{Regex, RegexSet};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// What kind of answer a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Who,
    /// "Who said ...?": the answer is a quotation's speaker.
    WhoSaid,
    When,
    Where,
    HowMany,
    Why,
    /// "What did X say?", "give me a quote".
    Quote,
    YesNo,
    /// "What is this article about?"
    About,
    /// "What's the source?"
    Source,
    Other,
}

/// A curated intent, compiled: questions matching one of its patterns are answered by `sentence`.
#[derive(Debug, Clone)]
pub struct Intent {
    pub name: String,
    pub sentence: usize,
}

/// The confidence below which the rules scorer abstains unless configured otherwise.
pub const RULES_THRESHOLD: f32 = 0.5;

/// How sentences are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scorer {
    /// The hand-set rules: tuned on the built-in article's question sets; best there.
    #[default]
    Rules,
    /// The named signals, the sentence-embedding model and the fitted weights of
    /// `src/weights.toml`; measured leave-one-article-out, better on articles nobody tuned for.
    Fitted,
}

/// Settings of the matcher.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Below this confidence the matcher abstains; `None` takes the fitted threshold.
    pub threshold: Option<f32>,
    /// Most sentences cited for one answer.
    pub max_citations: usize,
    /// The scoring weights; `None` takes the fitted ones shipped with citebot.
    pub weights: Option<&'static Weights>,
    pub scorer: Scorer,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            threshold: None,
            max_citations: 3,
            weights: None,
            scorer: Scorer::Rules,
        }
    }
}

/// The search index over one article, built once.
#[derive(Debug, Clone)]
pub struct Index {
    concepts: HashMap<String, u32>,
    idf: Vec<f32>,
    /// Per sentence: (concept, term frequency), and its length in concepts.
    terms: Vec<Vec<(u32, f32)>>,
    /// Per sentence: the concepts and words that follow a figure within three words ("four
    /// Ukrainian regions"), i.e. what its figures count.
    counted: Vec<(Vec<u32>, Vec<String>)>,
    /// Per sentence: the concepts that open it as its likely subject ("However, Russia has
    /// opposed..." -> Russia; not "Russia’s invasion", a possessive).
    leads: Vec<Vec<u32>>,
    /// Per concept: the first sentence that uses it (where the article introduces it).
    first_use: Vec<usize>,
    /// Per sentence: the terms and people of the sentence before it when it refers back to it.
    context: Vec<Vec<(u32, f32)>>,
    context_people: Vec<Vec<usize>>,
    /// Per sentence: the figures it states ([`figures`]), with its context's.
    figures: Vec<Vec<String>>,
    lengths: Vec<f32>,
    avg_len: f32,
    /// Per sentence: its embedding (meaning), by the sentence-embedding model; computed the
    /// first time the fitted scorer needs it, so the rules scorer never pays for it.
    embeddings: std::sync::OnceLock<Vec<embed::Embedding>>,
    /// Content words the article uses in lower case (not only as names), with their concepts,
    /// for matching a question's unknown words by meaning ([`Index::closest_in_meaning`]).
    plain_words: Vec<(String, u32)>,
    /// Their embeddings, computed on first use.
    word_embeddings: std::sync::OnceLock<Vec<embed::Embedding>>,
    /// Per sentence: the kinds of quantity it states ([`measure::stated`]); computed the first
    /// time the fitted scorer needs them, so the rules scorer never pays for them.
    measures: std::sync::OnceLock<Vec<Vec<Measure>>>,
    /// The sentences' texts, for computing `embeddings` and `measures`.
    texts: Vec<String>,
    /// Surface words of the article and of the aliases, for typo correction, by first letter.
    spellings: HashMap<char, Vec<String>>,
    known: HashSet<String>,
    intents: Vec<Intent>,
    intent_set: RegexSet,
    /// The patterns of `intent_set` one by one, to find what a matching pattern covers.
    intent_patterns: Vec<Regex>,
    /// For each intent pattern in `intent_set`, the intent it belongs to.
    intent_of_pattern: Vec<usize>,
    tuning: Tuning,
}

/// What the matcher understood of a question.
#[derive(Debug, Clone)]
pub struct Query {
    pub kind: Kind,
    /// The normalised question (lowercase words joined by spaces), as intents see it.
    pub normalized: String,
    /// People the question names (indexes into `Knowledge::people`).
    pub people: Vec<usize>,
    /// Whether a person was named by role ("the vice president") rather than by name.
    pub by_role: bool,
    /// Known content concepts with their idf weight.
    pub terms: Vec<(u32, f32)>,
    /// Content words the article never uses.
    pub unknown: Vec<String>,
    /// Weight of each unknown word (capitalised ones, likely names, weigh more).
    unknown_weights: Vec<f32>,
    /// The unknown words' weights, each times how far its closest article word is in meaning
    /// (1 minus the cosine, below [`MEANING_MATCH`]; 1 when not measured: names, figures, the
    /// rules scorer).
    unknown_far: f32,
    /// Intents whose pattern matched.
    pub intents: Vec<usize>,
    /// What a "how many X" question counts (the word after "many").
    pub unit: Option<(String, u32)>,
    /// The X of "what is the X of Y", with its concept when the article uses it.
    pub focus: Option<(String, Option<u32>)>,
    /// The subject of "what did X do" ("what did the EU announce" -> EU), when the article
    /// uses the word: an answer should involve it.
    pub subject: Option<u32>,
    /// Asks for a calendar time ("what day", "what year"), not just any time.
    pub calendar: bool,
    /// The kind of quantity it asks for ("how much did it cost": money).
    pub measure: Option<Measure>,
    /// Concepts of the names the question gives that the article also uses ("Crimea").
    pub names: Vec<u32>,
    /// The figures the question states ("the 10th century", "50% containment").
    pub figures: Vec<String>,
}

/// One ranked sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Index into `Article::sentences`.
    pub sentence: usize,
    pub score: f32,
    /// 0..1: how well this sentence answers the question.
    pub confidence: f32,
}

/// Why the matcher abstained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abstention {
    /// Asked what someone said, and the article reports nothing they said.
    NotQuoted(usize),
    /// The thing asked about ("the weather") is a word the article never uses.
    UnknownFocus(String),
    /// No sentence accounts for enough of the question.
    Unsupported,
}

/// The matcher's verdict on a question.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub query: Query,
    /// Set when abstaining.
    pub abstention: Option<Abstention>,
    /// Best first; empty when abstaining.
    pub candidates: Vec<Candidate>,
    /// Confidence of the best sentence (also set when abstaining, for reporting).
    pub confidence: f32,
}

/// The cosine from which a word the article never uses is read as the article's word closest
/// to it in meaning ([`Index::closest_in_meaning`]). Word pairs measured with the model: "ref" /
/// "referee" 0.81, "keeper" / "goalkeeper" 0.80, "ceo" / "executive" 0.73, "land" /
/// "territory" 0.69, "hurt" / "injured" 0.67; and unrelated: "pope" / "president" 0.42,
/// "biden" / "trump" 0.42, "country" / "county" 0.52, "game" / "match" 0.56.
const MEANING_MATCH: f32 = 0.65;
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Weight of a content word the article never uses (about the idf of a word in no sentence).
const UNKNOWN_WEIGHT: f32 = 3.0;
/// Weight of a named person in the question.
const PERSON_WEIGHT: f32 = 2.5;
/// Generic verbs that questions use for whatever the article describes ("how did Europe
/// react?"): when the article never uses them, they count little against an answer.
#[rustfmt::skip]
const LIGHT_WORDS: &[&str] = &[
    "willing", "ready", "able", "event", "events", "succeed", "succeeded", "success", "react",
    "reacted", "reacting", "reaction", "respond", "responded", "response", "handle", "handled",
    "handling", "approach", "deal", "dealing", "treat", "stand", "stands", "doing", "feel", "feels",
    "felt", "plan", "planning", "going", "expect", "expected", "like", "liked", "discuss",
    "discussed", "talk", "talked", "spoke", "speak", "saying", "mean", "meant",
];

/// Longest question text the matcher reads; the rest of a longer message is ignored.
pub const MAX_QUESTION_CHARS: usize = 600;

impl Index {
    /// Builds the index. `intents` pairs each curated intent with its compiled patterns.
    pub fn build(
        article: &Article,
        knowledge: &Knowledge,
        vocab: &Vocab,
        intents: Vec<(Intent, Vec<Regex>)>,
        tuning: Tuning,
    ) -> Index {
        let mut concepts: HashMap<String, u32> = HashMap::new();
        let mut df: Vec<f32> = Vec::new();
        let mut terms = Vec::new();
        let mut lengths = Vec::new();
        let mut known: HashSet<String> = HashSet::new();
        // Each sentence's words, read once for every table below.
        let sentence_words: Vec<Vec<crate::vocab::Word>> = article
            .sentences
            .iter()
            .map(|s| vocab.article_words(&s.text))
            .collect();
        let mut plain_words: Vec<(String, u32)> = Vec::new();
        let mut plain_seen: HashSet<String> = HashSet::new();
        for words in &sentence_words {
            let mut tf: Vec<(u32, f32)> = Vec::new();
            let mut len = 0.0;
            for (j, w) in words.iter().enumerate() {
                known.insert(w.text.clone());
                if vocab.is_stop(&w.text) {
                    continue;
                }
                let c = vocab.concept(&w.text);
                let next = concepts.len() as u32;
                let id = *concepts.entry(c).or_insert(next);
                if id as usize == df.len() {
                    df.push(0.0);
                }
                // Lower case, or capitalised only as a sentence's first word.
                if (!w.capitalised || j == 0)
                    && w.text.chars().count() >= 3
                    && w.text.chars().all(char::is_alphabetic)
                    && plain_seen.insert(w.text.clone())
                {
                    plain_words.push((w.text.clone(), id));
                }
                len += 1.0;
                match tf.iter_mut().find(|(t, _)| *t == id) {
                    Some((_, n)) => *n += 1.0,
                    None => {
                        tf.push((id, 1.0));
                        df[id as usize] += 1.0;
                    }
                }
            }
            terms.push(tf);
            lengths.push(len);
        }
        let back: Vec<bool> = article
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| {
                i > 0
                    && article.sentences[i - 1].id.paragraph == s.id.paragraph
                    && refers_back(&s.text)
            })
            .collect();
        // The words of each section heading, as concepts (a heading's own words may appear in
        // no sentence: "A Distant Dream").
        let mut heading_terms: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        for h in article.headings() {
            let heading = h.text.trim_end_matches(':').to_string();
            let mut ts = Vec::new();
            for w in vocab.article_words(&h.text) {
                known.insert(w.text.clone());
                if vocab.is_stop(&w.text) {
                    continue;
                }
                let next = concepts.len() as u32;
                let id = *concepts.entry(vocab.concept(&w.text)).or_insert(next);
                if id as usize == df.len() {
                    df.push(0.0);
                }
                ts.push((id, 1.0));
            }
            heading_terms.insert(heading, ts);
        }
        // Context: the sentence before an anaphoric sentence, and the section's heading.
        let context = (0..back.len())
            .map(|i| {
                let mut c = if back[i] {
                    terms[i - 1].clone()
                } else {
                    Vec::new()
                };
                if let Some(h) = article.sentences[i]
                    .section
                    .as_ref()
                    .and_then(|s| heading_terms.get(s))
                {
                    c.extend(h.iter().copied());
                }
                c
            })
            .collect();
        let figures = (0..back.len())
            .map(|i| {
                let mut f = figures(&article.sentences[i].text);
                if back[i] {
                    f.extend(figures(&article.sentences[i - 1].text));
                }
                f
            })
            .collect();
        let context_people = (0..back.len())
            .map(|i| {
                if back[i] {
                    knowledge.facts[i - 1].people.clone()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let counted = sentence_words
            .iter()
            .map(|words| {
                let mut concepts_after = Vec::new();
                let mut words_after = Vec::new();
                for (i, w) in words.iter().enumerate() {
                    let figure = w.text.chars().next().is_some_and(|c| c.is_ascii_digit())
                        || (crate::lexicon::NUMBER_WORDS.contains(&w.text.as_str())
                            && w.text != "one");
                    if !figure {
                        continue;
                    }
                    for after in words.iter().skip(i + 1).take(4) {
                        if let Some(&id) = concepts.get(&vocab.concept(&after.text)) {
                            concepts_after.push(id);
                        }
                        words_after.push(after.text.clone());
                    }
                }
                (concepts_after, words_after)
            })
            .collect();
        let leads = article
            .sentences
            .iter()
            .zip(&sentence_words)
            .map(|(s, words)| {
                let mut out = Vec::new();
                for w in words.iter().take(8) {
                    let possessive = s.text[w.end..].starts_with(['’', '\''])
                        || s.text[w.start..w.end].ends_with(['’', '\'']);
                    let opener = matches!(
                        w.text.as_str(),
                        "however"
                            | "meanwhile"
                            | "moreover"
                            | "nevertheless"
                            | "despite"
                            | "following"
                            | "although"
                            | "though"
                            | "after"
                            | "before"
                            | "back"
                            | "for"
                            | "as"
                            | "with"
                            | "since"
                    );
                    if vocab.is_stop(&w.text) || possessive || !w.capitalised || opener {
                        continue;
                    }
                    if let Some(&id) = concepts.get(&vocab.concept(&w.text)) {
                        out.push(id);
                    }
                    // The first name is the subject; the rest is the sentence going on.
                    break;
                }
                out
            })
            .collect();
        let mut first_use = vec![usize::MAX; df.len()];
        for (si, ts) in terms.iter().enumerate() {
            for &(t, _) in ts {
                let slot = &mut first_use[t as usize];
                *slot = (*slot).min(si);
            }
        }
        let n = article.sentences.len() as f32;
        let idf = df
            .iter()
            .map(|&d| ((n - d + 0.5) / (d + 0.5) + 1.0).ln())
            .collect();
        let avg_len = if lengths.is_empty() {
            1.0
        } else {
            lengths.iter().sum::<f32>() / n
        };
        for p in &knowledge.people {
            for a in &p.aliases {
                known.extend(a.iter().cloned());
            }
        }
        let mut spellings: HashMap<char, Vec<String>> = HashMap::new();
        // Short words are corrected only towards the article's own words ("tall" must not
        // become "talk"); longer ones towards the lexicon's too ("anex" -> "annex").
        let lexicon_words = crate::lexicon::SYNONYMS
            .iter()
            .flat_map(|g| g.iter())
            .copied()
            .filter(|w| w.chars().count() >= 5);
        for w in known
            .iter()
            .map(String::as_str)
            .filter(|w| w.chars().count() >= 4)
            .chain(lexicon_words)
            .filter(|w| !vocab.is_stop(w))
        {
            let first = w.chars().next().unwrap_or(' ');
            let bucket = spellings.entry(first).or_default();
            if !bucket.iter().any(|b| b == w) {
                bucket.push(w.to_string());
            }
        }
        // In a fixed order, so that a tie between two corrections is decided the same way in
        // every run (`known` is a set, whose order differs from run to run).
        for bucket in spellings.values_mut() {
            bucket.sort_unstable();
        }
        let mut intent_patterns = Vec::new();
        let mut intent_of_pattern = Vec::new();
        let mut compiled = Vec::new();
        for (i, (intent, regexes)) in intents.into_iter().enumerate() {
            for r in regexes {
                intent_patterns.push(r);
                intent_of_pattern.push(i);
            }
            compiled.push(intent);
        }
        let intent_set = regex::RegexSetBuilder::new(intent_patterns.iter().map(Regex::as_str))
            .dfa_size_limit(64 << 20)
            .build()
            .unwrap_or_else(|_| RegexSet::empty());
        Index {
            concepts,
            idf,
            terms,
            counted,
            leads,
            first_use,
            context,
            context_people,
            figures,
            lengths,
            avg_len,
            embeddings: std::sync::OnceLock::new(),
            measures: std::sync::OnceLock::new(),
            plain_words,
            word_embeddings: std::sync::OnceLock::new(),
            texts: article.sentences.iter().map(|s| s.text.clone()).collect(),
            spellings,
            known,
            intents: compiled,
            intent_set,
            intent_patterns,
            intent_of_pattern,
            tuning,
        }
    }

    pub fn intents(&self) -> &[Intent] {
        &self.intents
    }

    /// The name (stem) of a concept id, for explaining a query.
    pub fn concept_name(&self, id: u32) -> &str {
        self.concepts
            .iter()
            .find(|(_, v)| **v == id)
            .map_or("?", |(k, _)| k.as_str())
    }

    /// The best sentences for `query` (those scoring within a quarter of the best, at most
    /// five), whatever their confidence: what `citebot explain` shows.
    pub fn scores(
        &self,
        query: &Query,
        article: &Article,
        knowledge: &Knowledge,
    ) -> Vec<Candidate> {
        let tuning = Tuning {
            threshold: Some(0.0),
            max_citations: article.sentences.len(),
            ..self.tuning
        };
        let mut r = self.rank_with(query.clone(), article, knowledge, tuning);
        r.candidates.truncate(5);
        r.candidates
    }

    pub fn tuning(&self) -> Tuning {
        self.tuning
    }

    /// Reads a question: kind, people, concepts, unknown words, matching intents.
    pub fn analyze(&self, question: &str, knowledge: &Knowledge, vocab: &Vocab) -> Query {
        let cleaned = clean(question);
        let raw = vocab.question_words(&cleaned);
        let mut words: Vec<String> = Vec::with_capacity(raw.len());
        let mut capitalised: Vec<bool> = Vec::with_capacity(raw.len());
        for (i, w) in raw.iter().enumerate() {
            let fixed = self.correct(&w.text, vocab);
            words.push(fixed);
            capitalised.push(w.capitalised && i > 0);
        }
        // A trailing "back" after wanting or getting ("want Crimea back") means return, not
        // support ("which regions did Russia back?").
        let getting = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "want" | "wants" | "wanted" | "get" | "give" | "take" | "bring" | "win"
            )
        });
        if getting
            && let Some(last) = words.last_mut()
            && last == "back"
        {
            *last = "return".to_string();
        }
        let normalized = words.join(" ");
        let kind = kind_of(&words);

        // People, matched on the words without fillers ("the president of France").
        let kept: Vec<usize> = (0..words.len())
            .filter(|&i| !knowledge::alias_filler(&words[i]))
            .collect();
        let kept_words: Vec<&str> = kept.iter().map(|&i| words[i].as_str()).collect();
        let mut people = Vec::new();
        let mut consumed = vec![false; words.len()];
        let mut by_role = false;
        let mut i = 0;
        while i < kept_words.len() {
            if let Some((p, n)) = knowledge.person_at(&kept_words, i) {
                let surname = knowledge.people[p].surname().to_lowercase();
                if !kept_words[i..i + n].contains(&surname.as_str()) {
                    by_role = true;
                }
                if !people.contains(&p) {
                    people.push(p);
                }
                for &k in &kept[i..i + n] {
                    consumed[k] = true;
                }
                i += n;
            } else {
                i += 1;
            }
        }

        let mut terms: Vec<(u32, f32)> = Vec::new();
        let mut unknown = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if consumed[i] || vocab.is_stop(w) || kind_word(kind, w) {
                continue;
            }
            let concept = vocab.concept(w);
            match self.concepts.get(&concept) {
                Some(&id) => {
                    // Desire verbs are paraphrased freely ("must", "insists", "seeks"): they
                    // weigh half.
                    let soft = if concept == "want" { 0.5 } else { 1.0 };
                    if !terms.iter().any(|(t, _)| *t == id) {
                        terms.push((id, soft * self.idf[id as usize]));
                    }
                }
                None => {
                    let closest = if capitalised[i] {
                        None
                    } else {
                        self.closest_in_meaning(w)
                    };
                    if let Some((id, similarity)) = closest
                        && similarity >= MEANING_MATCH
                    {
                        if !terms.iter().any(|(t, _)| *t == id) {
                            terms.push((id, similarity * self.idf[id as usize]));
                        }
                        continue;
                    }
                    let nearness = closest.map_or(0.0, |(_, c)| c.max(0.0));
                    // A capitalised word the article never uses is likely a name it never
                    // mentions: it weighs more.
                    let weight = if capitalised[i] {
                        1.5
                    } else if LIGHT_WORDS.contains(&w.as_str()) {
                        0.3
                    } else {
                        1.0
                    };
                    unknown.push((w.clone(), weight, nearness));
                }
            }
        }
        if kind == Kind::Who && by_role {
            for t in &mut terms {
                t.1 *= 0.5;
            }
        }
        // "How much of Ukraine ...?" asks for a share.
        if normalized.contains("how much of")
            && let Some(&id) = self.concepts.get(&vocab.concept("percent"))
            && !terms.iter().any(|(t, _)| *t == id)
        {
            terms.push((id, self.idf[id as usize]));
        }
        let mut intents: Vec<usize> = Vec::new();
        if !self.intent_set.is_empty() {
            for p in self.intent_set.matches(&normalized).into_iter() {
                intents.push(self.intent_of_pattern[p]);
                // Words inside the text a curated pattern matched are understood, even when
                // the article never uses them ("what happens next").
                if let Some(m) = self.intent_patterns[p].find(&normalized) {
                    let covered: Vec<&str> = normalized[m.start()..m.end()].split(' ').collect();
                    unknown.retain(|(w, _, _)| !covered.contains(&w.as_str()));
                }
            }
            intents.dedup();
        }
        let focus = focus_word(&normalized).map(|f| {
            let c = self.concepts.get(&vocab.concept(f)).copied();
            (f.to_string(), c)
        });
        let subject = subject_word(&normalized)
            .filter(|w| !vocab.is_stop(w))
            .filter(|w| {
                // Not a word of a person already matched ("what did the vice president say").
                !words.iter().zip(&consumed).any(|(x, c)| *c && x == w)
            })
            .and_then(|w| self.concepts.get(&vocab.concept(w)).copied());
        let calendar = kind == Kind::When
            && words
                .iter()
                .take(5)
                .any(|w| matches!(w.as_str(), "day" | "date" | "year" | "month" | "weekday"));
        let names: Vec<u32> = words
            .iter()
            .zip(&consumed)
            .filter(|(w, c)| !**c && knowledge.names.iter().any(|n| n.eq_ignore_ascii_case(w)))
            .filter_map(|(w, _)| self.concepts.get(&vocab.concept(w)).copied())
            // Only distinctive names: a country the whole article is about is no clue.
            .filter(|&c| self.idf[c as usize] >= 2.0)
            .collect();
        // Only the fitted scorer weighs it: the rules never pay for reading it.
        let measure = (self.tuning.scorer == Scorer::Fitted)
            .then(|| measure::asked(&normalized))
            .flatten();
        Query {
            measure,
            kind,
            focus,
            subject,
            calendar,
            names,
            figures: figures(question),
            normalized,
            people,
            by_role,
            terms,
            unit: words
                .iter()
                .position(|w| w == "many")
                .and_then(|i| words.get(i + 1))
                .map(|u| {
                    let c = self
                        .concepts
                        .get(&vocab.concept(u))
                        .copied()
                        .unwrap_or(u32::MAX);
                    (u.clone(), c)
                }),
            unknown_weights: unknown.iter().map(|(_, w, _)| *w).collect(),
            unknown_far: unknown.iter().map(|(_, w, near)| w * (1.0 - near)).sum(),
            unknown: unknown.into_iter().map(|(w, _, _)| w).collect(),
            intents,
        }
    }

    /// The texts whose meaning the fitted scorer reads for questions: the sentences and the
    /// article's plain words (none with the rules scorer). Their embeddings are worth
    /// keeping between runs.
    pub fn meaning_texts(&self) -> Vec<&str> {
        if self.tuning.scorer != Scorer::Fitted {
            return Vec::new();
        }
        let words = self.plain_words.iter().map(|(w, _)| w.as_str());
        self.texts.iter().map(String::as_str).chain(words).collect()
    }

    /// Computes the embeddings of [`Index::meaning_texts`] now rather than at the first
    /// question that needs them.
    pub fn warm(&self) {
        if self.tuning.scorer == Scorer::Fitted {
            self.sentence_embeddings();
            self.word_embeddings();
            self.sentence_measures();
        }
    }

    fn sentence_measures(&self) -> &[Vec<Measure>] {
        self.measures
            .get_or_init(|| self.texts.iter().map(|t| measure::stated(t)).collect())
    }

    fn sentence_embeddings(&self) -> &[embed::Embedding] {
        self.embeddings.get_or_init(|| {
            let texts: Vec<&str> = self.texts.iter().map(String::as_str).collect();
            embed::model().embed_batch(&texts)
        })
    }

    fn word_embeddings(&self) -> &[embed::Embedding] {
        self.word_embeddings.get_or_init(|| {
            let words: Vec<&str> = self.plain_words.iter().map(|(w, _)| w.as_str()).collect();
            embed::model().embed_batch(&words)
        })
    }

    /// The article's word closest in meaning to a word it never uses ("ref" -> "referee",
    /// "hurt" -> "injured"), with the cosine of the two, when the fitted scorer reads meaning.
    /// The word is read as that one when the cosine reaches [`MEANING_MATCH`]. Only words the
    /// article uses in lower case count: a name it never mentions is not one it does ("biden"
    /// is not "trump").
    fn closest_in_meaning(&self, word: &str) -> Option<(u32, f32)> {
        if self.tuning.scorer != Scorer::Fitted
            || word.chars().count() < 3
            || !word.chars().all(char::is_alphabetic)
            || self.plain_words.is_empty()
        {
            return None;
        }
        let words = self.word_embeddings();
        let q = embed::model().embed(word);
        let (best, cos) = words
            .iter()
            .enumerate()
            .map(|(i, e)| (i, embed::dot(&q, e)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        Some((self.plain_words[best].1, cos))
    }

    /// The closest spelling the article uses for an unknown word, or the word itself.
    fn correct(&self, word: &str, vocab: &Vocab) -> String {
        let len = word.chars().count();
        if len < 4
            || self.known.contains(word)
            || vocab.knows(word)
            || !word.chars().all(char::is_alphabetic)
        {
            return word.to_string();
        }
        // "joinin" -> "joining", "ukraines" -> "ukraine".
        for variant in [format!("{word}g"), word.trim_end_matches('s').to_string()] {
            if variant != word && (self.known.contains(&variant) || vocab.knows(&variant)) {
                return variant;
            }
        }
        // Short words are too often real words of their own ("place" is not "peace"); they
        // are corrected only through the slang table.
        if len < 6 {
            return word.to_string();
        }
        // A word the language model knows whole is a word of its own, not a misspelling of
        // the article's ("country" is not "county", "affect" is not "effect").
        if embed::is_word(word) {
            return word.to_string();
        }
        // One edit (a transposition counts as one); two only between forms of one word
        // ("militarily" -> "military"), as two edits also turn real words into others
        // ("criticize" -> "critical").
        let max = if len >= 9 { 2 } else { 1 };
        let first = word.chars().next().unwrap_or(' ');
        let mut best: Option<(usize, &str)> = None;
        if let Some(bucket) = self.spellings.get(&first) {
            for cand in bucket {
                let d = text::edit_distance(word, cand, max);
                let same_stem = word.chars().take(7).eq(cand.chars().take(7));
                if d <= max && (d < 2 || same_stem) && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, cand));
                }
            }
        }
        best.map_or_else(|| word.to_string(), |(_, w)| w.to_string())
    }

    /// Ranks the article's sentences for a question and decides whether to answer.
    pub fn rank(&self, query: Query, article: &Article, knowledge: &Knowledge) -> Ranking {
        self.rank_with(query, article, knowledge, self.tuning)
    }

    fn rank_with(
        &self,
        query: Query,
        article: &Article,
        knowledge: &Knowledge,
        tuning: Tuning,
    ) -> Ranking {
        if article.sentences.is_empty() {
            return abstained(query, 0.0, Abstention::Unsupported);
        }
        if query.kind == Kind::About {
            let c = Candidate {
                sentence: 0,
                score: 1.0,
                confidence: 0.9,
            };
            return Ranking {
                query,
                abstention: None,
                candidates: vec![c],
                confidence: 0.9,
            };
        }
        if let Some(why) = self.precheck(&query, knowledge) {
            return abstained(query, 0.0, why);
        }
        if tuning.scorer == Scorer::Rules {
            return self.rank_rules(query, article, knowledge, tuning);
        }
        let full = tuning.weights.unwrap_or_else(Weights::builtin);
        let threshold = tuning.threshold.unwrap_or(full.threshold);
        // The cascade: without the embedding model first; when the fast models are sure,
        // their answer stands and the model never runs.
        let mut features = self.plain_features(&query, article, knowledge);
        let mut weights = full;
        let mut confidence = 0.0;
        if let Some(fast) = full.fast.as_deref() {
            confidence = score::confidence(&features, fast).1;
            weights = fast;
        }
        if full.fast.is_none() || confidence < full.sure {
            self.add_meaning(&query, &mut features);
            weights = full;
            confidence = score::confidence(&features, full).1;
        }
        let mut candidates: Vec<Candidate> = features
            .iter()
            .enumerate()
            .map(|(si, f)| {
                let p = score::probability(f, weights);
                Candidate {
                    sentence: si,
                    score: p,
                    confidence: p,
                }
            })
            .collect();
        candidates.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.sentence.cmp(&b.sentence))
        });
        if confidence < threshold {
            return abstained(query, confidence, Abstention::Unsupported);
        }
        // Further citations: sentences nearly as likely to answer as the best one.
        let cut = 0.75 * candidates[0].score;
        let mut kept: Vec<Candidate> = candidates
            .into_iter()
            .take(tuning.max_citations.max(1))
            .filter(|c| c.score >= cut)
            .collect();
        kept[0].confidence = confidence;
        let best = kept[0];
        Ranking {
            confidence: best.confidence,
            query,
            abstention: None,
            candidates: kept,
        }
    }

    /// The hand-set rules this matcher started with: BM25 plus answer-type, people and
    /// intent adjustments, and a confidence that is the share of the question the sentence
    /// accounts for.
    fn rank_rules(
        &self,
        query: Query,
        article: &Article,
        knowledge: &Knowledge,
        tuning: Tuning,
    ) -> Ranking {
        // The empty-article, about-the-article and evidence checks ran in `rank_with`.
        let threshold = tuning.threshold.unwrap_or(RULES_THRESHOLD);

        // The concept of a known focus word ("the date of ..."), which the answer must contain.
        let focus = query.focus.as_ref().and_then(|(_, c)| *c);
        let QuestionWeight {
            total,
            unknown: unknown_total,
            ..
        } = QuestionWeight::of(&query);
        let person_weight = |p: &usize| QuestionWeight::person_weight(&query, p);

        let definitional = query.terms.len() <= 2
            && (["what is ", "what are ", "who is ", "who are "]
                .iter()
                .any(|p| query.normalized.starts_with(p))
                || (query.normalized.starts_with("what ")
                    && query.normalized.split(' ').count() <= 3));
        let mut candidates: Vec<Candidate> = Vec::with_capacity(article.sentences.len());
        for si in 0..article.sentences.len() {
            let facts = &knowledge.facts[si];
            let mut score = 0.0;
            let mut matched = 0.0;
            let len_norm = 1.0 - B + B * self.lengths[si] / self.avg_len;
            for &(t, idf) in &query.terms {
                if let Some(&(_, tf)) = self.terms[si].iter().find(|(c, _)| *c == t) {
                    score += idf * tf * (K1 + 1.0) / (tf + K1 * len_norm);
                    matched += idf;
                }
            }
            // Context: an anaphoric sentence ("It remains unclear whether any of these
            // proposals...") also stands for the words of the sentence before it.
            for &(t, idf) in &query.terms {
                if !self.terms[si].iter().any(|(c, _)| *c == t)
                    && self.context[si].iter().any(|(c, _)| *c == t)
                {
                    score += 0.3 * idf;
                    matched += 0.5 * idf;
                }
            }
            // People: each one the sentence names counts; a sentence naming none of them is
            // about someone else.
            let mut factor = 1.0;
            let mut kind_factor_people: f32 = 1.0;
            let named = query
                .people
                .iter()
                .filter(|p| facts.people.contains(p))
                .count();
            let in_context = query
                .people
                .iter()
                .filter(|p| !facts.people.contains(p) && self.context_people[si].contains(p))
                .count();
            if !query.people.is_empty() {
                if named == 0 && in_context == 0 {
                    factor = 0.4;
                }
                // "What is Zelensky's opinion of Macron?": a sentence with only one of them
                // does not relate the two.
                if query.people.len() > 1
                    && named + in_context < query.people.len()
                    && !matches!(query.kind, Kind::Quote | Kind::WhoSaid)
                {
                    kind_factor_people = 0.8;
                }
                matched += 0.5 * PERSON_WEIGHT * in_context as f32;
                score += 0.5 * PERSON_WEIGHT * in_context as f32;
                let w: f32 = query
                    .people
                    .iter()
                    .filter(|p| facts.people.contains(p))
                    .map(person_weight)
                    .sum();
                matched += w;
                score += w;
                if query.kind != Kind::Who
                    && query.people.iter().any(|p| facts.speakers.contains(p))
                {
                    score += 0.5;
                }
            }
            let mut kind_factor: f32 = kind_factor_people;
            match query.kind {
                Kind::HowMany => {
                    if !facts.has_number {
                        kind_factor = 0.45;
                    } else if let Some(unit) = &query.unit
                        && !self.counts(si, unit)
                    {
                        // "How many people ...": a figure that counts something else.
                        kind_factor = 0.6;
                    } else if query.normalized.starts_with("how big")
                        || query.normalized.starts_with("how large")
                    {
                        // "How big is the army?": a figure of something the question names.
                        let counted = &self.counted[si].0;
                        if query.terms.iter().any(|(t, _)| counted.contains(t)) {
                            score += 1.0;
                        } else {
                            kind_factor = 0.45;
                        }
                    } else {
                        score += 1.0;
                    }
                }
                Kind::When => {
                    // "When will ...?" is not answered by a past date.
                    let future = query.normalized.contains(" will ")
                        || query.normalized.contains("going to")
                        || query.normalized.contains(" next ");
                    if facts.has_time
                        && (!future || facts.has_open_time)
                        && (!query.calendar || facts.has_calendar)
                    {
                        score += 1.0;
                    } else {
                        kind_factor = 0.45;
                    }
                }
                Kind::Where => {
                    // "Where will ... be held?" is not answered by where something was.
                    let future = query.normalized.contains(" will ");
                    if facts.has_place && (!future || facts.future) {
                        score += 1.5;
                    } else {
                        kind_factor = 0.45;
                    }
                }
                Kind::Why if facts.has_reason => score += 1.0,
                Kind::Who => {
                    // "Who is the French president?", "Who is Pete Hegseth?": the sentence
                    // that gives the person's title.
                    let identity = query.by_role || query.terms.is_empty();
                    if identity
                        && query.people.iter().any(|&p| {
                            let described = knowledge.people[p].described();
                            article.sentences[si].text.contains(&described)
                        })
                    {
                        score += 1.5;
                    }
                    // "Who is the NATO chief?": a role no person of the article holds.
                    if query.people.is_empty()
                        && ["who is ", "who was "]
                            .iter()
                            .any(|p| query.normalized.starts_with(p))
                        && !query.normalized.split(' ').any(|w| w.ends_with("ing"))
                    {
                        kind_factor = 0.5;
                    }
                    // "Who did Trump talk to?": someone other than the people asked about.
                    if !identity && facts.people.iter().any(|p| !query.people.contains(p)) {
                        score += 0.8;
                    }
                }
                Kind::Quote | Kind::WhoSaid => {
                    let by_person = query
                        .people
                        .first()
                        .is_some_and(|p| facts.speakers.contains(p));
                    let quoted = !facts.quotes.is_empty();
                    // The person asked about speaks here (quoted or reported); a direct
                    // quotation is a little better. Without a person, a quotation only helps
                    // who-said questions and bare "give me a quote" requests.
                    if by_person {
                        score += if quoted { 1.25 } else { 1.0 };
                    } else if quoted && query.terms.is_empty() {
                        // "Give me a quote": a full quotation rather than a single word.
                        let words = facts
                            .quotes
                            .iter()
                            .map(|&q| knowledge.quotes[q].text.split_whitespace().count())
                            .max()
                            .unwrap_or(0);
                        score += 1.0 + 0.05 * words.min(20) as f32;
                    } else if quoted && query.kind == Kind::WhoSaid {
                        score += 0.5;
                    } else if query.people.is_empty() && query.terms.is_empty() {
                        kind_factor = 0.0;
                    }
                    // "What did Trump say about NATO?": the person must speak here, and the
                    // sentence must be about what was asked (the topic words and any other
                    // person named), not just quote the person on something else.
                    if query.kind == Kind::Quote {
                        if !query.people.is_empty() && !by_person {
                            kind_factor *= 0.5;
                        }
                        // The topic: the words other than the speaker ("the Kremlin").
                        if self.topic_missing(&query, si) {
                            kind_factor *= 0.5;
                        }
                    }
                }
                _ => {}
            }
            // A name the question gives (Crimea, Kremlin) and the sentence lacks: it is about
            // something else.
            if !query.by_role
                && query.names.iter().any(|n| {
                    !self.terms[si].iter().any(|(c, _)| c == n)
                        && !self.context[si].iter().any(|(c, _)| c == n)
                })
            {
                kind_factor *= 0.7;
            }
            if let Some(f) = focus
                && !self.terms[si].iter().any(|(c, _)| *c == f)
            {
                kind_factor *= 0.6;
            }
            if let Some(s) = query.subject {
                if !self.terms[si].iter().any(|(c, _)| *c == s)
                    && !self.context[si].iter().any(|(c, _)| *c == s)
                {
                    kind_factor *= 0.8;
                } else if self.leads[si].contains(&s) {
                    // "What does Russia say about NATO?": Russia is what the sentence is about.
                    score += 0.5;
                }
            }
            // "What is the MSC?": the sentence that introduces a term defines it.
            if definitional {
                for &(t, idf) in &query.terms {
                    if self.first_use.get(t as usize) == Some(&si) {
                        score += 0.4 * idf;
                    }
                }
            }
            // A sentence that is mostly a quotation is someone's words, not the article's
            // account: for a factual question about no one in particular, it ranks a little lower.
            if !facts.quotes.is_empty()
                && query.people.is_empty()
                && !matches!(query.kind, Kind::Quote | Kind::WhoSaid)
            {
                score *= 0.9;
            }
            let mut coverage = if total > 0.0 { matched / total } else { 0.0 };
            for &i in &query.intents {
                if self.intents[i].sentence == si {
                    score += 4.0;
                    // A curated intent vouches for the sentence unless much of the question is
                    // about things the article never mentions.
                    if unknown_total < 0.5 * total || total == 0.0 {
                        coverage = coverage.max(0.85);
                        kind_factor = 1.0;
                    }
                }
            }
            // A quote request with nothing else to go on: any quotation answers it.
            if total == 0.0 && matches!(query.kind, Kind::Quote) && !facts.quotes.is_empty() {
                coverage = 0.7;
            }
            candidates.push(Candidate {
                sentence: si,
                score: score * factor * kind_factor.max(0.3),
                // The people factor ranks but does not lower confidence: "the president" in a
                // sentence may well be the person asked about.
                confidence: (coverage * kind_factor).min(1.0),
            });
        }
        candidates.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.confidence.total_cmp(&a.confidence))
                .then(a.sentence.cmp(&b.sentence))
        });
        // The best-scoring sentence among those that account for enough of the question.
        let Some(best) = candidates
            .iter()
            .copied()
            .find(|c| c.confidence >= threshold && (c.score > 0.0 || total == 0.0))
        else {
            let confidence = candidates.iter().map(|c| c.confidence).fold(0.0, f32::max);
            return abstained(query, confidence, Abstention::Unsupported);
        };
        candidates.retain(|c| c.sentence != best.sentence);
        candidates.insert(0, best);
        let cut = best.score * 0.75;
        let kept: Vec<Candidate> = candidates
            .into_iter()
            .take(tuning.max_citations.max(1))
            .filter(|c| c.score >= cut && c.confidence >= threshold * 0.8)
            .collect();
        Ranking {
            confidence: best.confidence,
            query,
            abstention: None,
            candidates: kept,
        }
    }

    /// The evidence tests that decide a question before any scoring: a quote request about
    /// someone the article never quotes or reports, or never names, or a question whose focus
    /// ("what is the weather in ...") is a word the article never uses.
    pub fn precheck(&self, query: &Query, knowledge: &Knowledge) -> Option<Abstention> {
        if matches!(query.kind, Kind::Quote)
            && let Some(&p) = query.people.first()
            && !knowledge.speaks(p)
        {
            return Some(Abstention::NotQuoted(p));
        }
        if let Some((focus, None)) = &query.focus
            && query.unknown.iter().any(|u| u == focus)
        {
            return Some(Abstention::UnknownFocus(focus.clone()));
        }
        // "What did Biden say?": the one asked about is a word the article never uses.
        if matches!(query.kind, Kind::Quote)
            && query.people.is_empty()
            && let Some(speaker) = subject_word(&query.normalized)
            && query.unknown.iter().any(|u| u == speaker)
        {
            return Some(Abstention::UnknownFocus(speaker.to_string()));
        }
        None
    }

    /// The signals of every sentence for `query`, in article order.
    pub fn features(
        &self,
        query: &Query,
        article: &Article,
        knowledge: &Knowledge,
    ) -> Vec<Features> {
        let mut features = self.plain_features(query, article, knowledge);
        self.add_meaning(query, &mut features);
        features
    }

    /// Fills in the meaning signals (the embedding model) of signals computed without them.
    fn add_meaning(&self, query: &Query, features: &mut [Features]) {
        let semantic = self.semantic(query);
        let best = semantic.iter().copied().fold(-1.0, f32::max);
        for (f, s) in features.iter_mut().zip(semantic) {
            f.semantic = s;
            f.semantic_rel = s - best;
        }
    }

    /// The signals without the meaning ones, which stay 0.
    fn plain_features(
        &self,
        query: &Query,
        article: &Article,
        knowledge: &Knowledge,
    ) -> Vec<Features> {
        let n = article.sentences.len();
        let weight = QuestionWeight::of(query);
        let lexical: Vec<f32> = (0..n).map(|si| self.bm25(query, si)).collect();
        let best_lexical = lexical.iter().copied().fold(0.0, f32::max);
        let definitional = is_definitional(query);
        let garble = garble(&query.normalized, |w| self.known.contains(w));
        (0..n)
            .map(|si| {
                let facts = &knowledge.facts[si];
                let (coverage, context) = self.coverage(query, &weight, si, facts);
                let (people, people_absent) = self.people_signals(query, si, facts);
                let (type_asked, type_present) = self.answer_type(query, article, knowledge, si);
                let quote = matches!(query.kind, Kind::Quote | Kind::WhoSaid);
                Features {
                    lexical: lexical[si],
                    lexical_rel: if best_lexical > 0.0 {
                        lexical[si] / best_lexical
                    } else {
                        0.0
                    },
                    coverage,
                    context,
                    unknown: weight.unknown_share(),
                    unknown_far: weight.unknown_far_share(),
                    missing: self.missing(query, si, facts),
                    people,
                    people_absent,
                    speaker: flag(query.people.iter().any(|p| facts.speakers.contains(p))),
                    type_asked,
                    type_present,
                    quote_match: flag(quote && !facts.quotes.is_empty()),
                    topic_missing: flag(query.kind == Kind::Quote && self.topic_missing(query, si)),
                    name_missing: flag(self.name_missing(query, si)),
                    figure_missing: flag(self.figure_missing(query, si)),
                    measure_missing: flag(
                        query
                            .measure
                            .is_some_and(|m| !self.sentence_measures()[si].contains(&m)),
                    ),
                    focus_missing: flag(self.focus_missing(query, si)),
                    subject_missing: flag(self.subject_missing(query, si)),
                    subject_leads: flag(query.subject.is_some_and(|s| self.leads[si].contains(&s))),
                    definition: if definitional {
                        self.introduces(query, si)
                    } else {
                        0.0
                    },
                    intent: flag(self.intent_vouches(query, &weight, si)),
                    quotation: flag(!facts.quotes.is_empty() && query.people.is_empty() && !quote),
                    semantic: 0.0,
                    semantic_rel: 0.0,
                    garble,
                }
            })
            .collect()
    }

    /// BM25 of the question's concepts in one sentence.
    fn bm25(&self, query: &Query, si: usize) -> f32 {
        let len_norm = 1.0 - B + B * self.lengths[si] / self.avg_len;
        query
            .terms
            .iter()
            .filter_map(|&(t, idf)| {
                let &(_, tf) = self.terms[si].iter().find(|(c, _)| *c == t)?;
                Some(idf * tf * (K1 + 1.0) / (tf + K1 * len_norm))
            })
            .sum()
    }

    /// Cosine of the question with every sentence, by the sentence-embedding model.
    fn semantic(&self, query: &Query) -> Vec<f32> {
        let sentences = self.sentence_embeddings();
        // A question's first words say what it asks; a wall of text is cut so that it costs
        // no more than a long question.
        let words: Vec<&str> = query.normalized.split(' ').take(QUESTION_WORDS).collect();
        let q = embed::model().embed(&words.join(" "));
        sentences.iter().map(|e| embed::dot(&q, e)).collect()
    }

    /// How much of the question's weight the sentence accounts for, and how much of that
    /// only through the sentence before it.
    fn coverage(
        &self,
        query: &Query,
        weight: &QuestionWeight,
        si: usize,
        facts: &knowledge::Facts,
    ) -> (f32, f32) {
        if weight.total == 0.0 {
            return (0.0, 0.0);
        }
        let mut matched = 0.0;
        let mut through_context = 0.0;
        for &(t, idf) in &query.terms {
            if self.terms[si].iter().any(|(c, _)| *c == t) {
                matched += idf;
            } else if self.context[si].iter().any(|(c, _)| *c == t) {
                through_context += 0.5 * idf;
            }
        }
        for p in &query.people {
            if facts.people.contains(p) {
                matched += weight.person(query, p);
            } else if self.context_people[si].contains(p) {
                through_context += 0.5 * weight.person(query, p);
            }
        }
        (
            ((matched + through_context) / weight.total).min(1.0),
            (through_context / weight.total).min(1.0),
        )
    }

    /// The heaviest question part the sentence lacks, relative to the heaviest part.
    fn missing(&self, query: &Query, si: usize, facts: &knowledge::Facts) -> f32 {
        let mut heaviest: f32 = 0.0;
        let mut missing: f32 = 0.0;
        for &(t, idf) in &query.terms {
            heaviest = heaviest.max(idf);
            if !self.has_concept(si, t) {
                missing = missing.max(idf);
            }
        }
        for p in &query.people {
            let w = QuestionWeight::person_weight(query, p);
            heaviest = heaviest.max(w);
            if !facts.people.contains(p) && !self.context_people[si].contains(p) {
                missing = missing.max(w);
            }
        }
        for w in &query.unknown_weights {
            heaviest = heaviest.max(w * UNKNOWN_WEIGHT);
            missing = missing.max(w * UNKNOWN_WEIGHT);
        }
        if heaviest > 0.0 {
            missing / heaviest
        } else {
            0.0
        }
    }

    /// Share of the question's people the sentence (or its context) names, and whether it
    /// names none of them although the question names some.
    fn people_signals(&self, query: &Query, si: usize, facts: &knowledge::Facts) -> (f32, f32) {
        if query.people.is_empty() {
            return (0.0, 0.0);
        }
        let named = query
            .people
            .iter()
            .filter(|p| facts.people.contains(p) || self.context_people[si].contains(p))
            .count();
        (named as f32 / query.people.len() as f32, flag(named == 0))
    }

    /// Whether the question's kind asks for a type of answer, and whether the sentence has it.
    fn answer_type(
        &self,
        query: &Query,
        article: &Article,
        knowledge: &Knowledge,
        si: usize,
    ) -> (f32, f32) {
        let facts = &knowledge.facts[si];
        let present = match query.kind {
            Kind::HowMany => {
                facts.has_number
                    && query.unit.as_ref().is_none_or(|u| self.counts(si, u))
                    && (!(query.normalized.starts_with("how big")
                        || query.normalized.starts_with("how large"))
                        || query
                            .terms
                            .iter()
                            .any(|(t, _)| self.counted[si].0.contains(t)))
            }
            Kind::When => {
                let future = query.normalized.contains(" will ")
                    || query.normalized.contains("going to")
                    || query.normalized.contains(" next ");
                facts.has_time
                    && (!future || facts.has_open_time)
                    && (!query.calendar || facts.has_calendar)
            }
            Kind::Where => {
                let future = query.normalized.contains(" will ");
                facts.has_place && (!future || facts.future)
            }
            Kind::Why => facts.has_reason,
            Kind::Who => {
                // "Who is the French president?": the sentence giving the person's title; "who
                // did Trump talk to?": someone other than the people asked about.
                let identity = query.by_role || query.terms.is_empty();
                if identity {
                    query.people.iter().any(|&p| {
                        article.sentences[si]
                            .text
                            .contains(&knowledge.people[p].described())
                    })
                } else {
                    facts.people.iter().any(|p| !query.people.contains(p))
                }
            }
            Kind::Quote | Kind::WhoSaid => {
                query
                    .people
                    .first()
                    .is_some_and(|p| facts.speakers.contains(p))
                    || (query.people.is_empty() && !facts.quotes.is_empty())
            }
            _ => return (0.0, 0.0),
        };
        (1.0, flag(present))
    }

    /// A quote request whose topic words (other than its subject) the sentence mostly lacks.
    fn topic_missing(&self, query: &Query, si: usize) -> bool {
        let (mut total, mut matched) = (0.0, 0.0);
        for &(t, w) in &query.terms {
            if Some(t) == query.subject {
                continue;
            }
            total += w;
            if self.terms[si].iter().any(|(c, _)| *c == t) {
                matched += w;
            }
        }
        total > 0.0 && matched < 0.5 * total
    }

    fn has_concept(&self, si: usize, concept: u32) -> bool {
        self.terms[si].iter().any(|(c, _)| *c == concept)
            || self.context[si].iter().any(|(c, _)| *c == concept)
    }

    /// A name the question gives (Crimea, Kremlin) that neither the sentence nor its context has.
    fn name_missing(&self, query: &Query, si: usize) -> bool {
        !query.by_role && query.names.iter().any(|&n| !self.has_concept(si, n))
    }

    /// A figure the question states ("in the 10th century") that neither the sentence nor its
    /// context states.
    fn figure_missing(&self, query: &Query, si: usize) -> bool {
        query.figures.iter().any(|f| !self.figures[si].contains(f))
    }

    fn focus_missing(&self, query: &Query, si: usize) -> bool {
        query
            .focus
            .as_ref()
            .and_then(|(_, c)| *c)
            .is_some_and(|f| !self.terms[si].iter().any(|(c, _)| *c == f))
    }

    fn subject_missing(&self, query: &Query, si: usize) -> bool {
        query.subject.is_some_and(|s| !self.has_concept(si, s))
    }

    /// For "what is the MSC?": the idf of the question's terms this sentence introduces.
    fn introduces(&self, query: &Query, si: usize) -> f32 {
        query
            .terms
            .iter()
            .filter(|(t, _)| self.first_use.get(*t as usize) == Some(&si))
            .map(|(_, idf)| idf)
            .sum()
    }

    /// A curated intent chose this sentence, and the question is not mostly about things the
    /// article never mentions.
    fn intent_vouches(&self, query: &Query, weight: &QuestionWeight, si: usize) -> bool {
        query
            .intents
            .iter()
            .any(|&i| self.intents[i].sentence == si)
            && (weight.total == 0.0 || weight.unknown < 0.5 * weight.total)
    }
}

/// The verdict "the article doesn't say", with the best confidence seen and why.
fn abstained(query: Query, confidence: f32, why: Abstention) -> Ranking {
    Ranking {
        query,
        abstention: Some(why),
        candidates: Vec::new(),
        confidence,
    }
}

/// The figures a text states, as digits: "1,200" and "1200" -> "1200", "$2.75" -> "2.75",
/// "10th" -> "10", "50%" -> "50", "the 1100s" -> "1100".
fn figures(text: &str) -> Vec<String> {
    static FIGURE: OnceLock<Regex> = OnceLock::new();
    let re = FIGURE.get_or_init(|| {
        Regex::new(r"[0-9](?:[0-9]|,[0-9]{3})*(?:\.[0-9]+)?").expect("valid figure pattern")
    });
    let mut out: Vec<String> = Vec::new();
    for m in re.find_iter(text).take(64) {
        let f = m.as_str().replace(',', "");
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// 1 for true, 0 for false.
fn flag(b: bool) -> f32 {
    if b { 1.0 } else { 0.0 }
}

/// "What is the MSC?", "who are the houthis": a short question asking what a term means.
fn is_definitional(query: &Query) -> bool {
    query.terms.len() <= 2
        && (["what is ", "what are ", "who is ", "who are "]
            .iter()
            .any(|p| query.normalized.starts_with(p))
            || (query.normalized.starts_with("what ") && query.normalized.split(' ').count() <= 3))
}

/// The most words of a question the embedding model reads.
const QUESTION_WORDS: usize = 40;

/// The most `garble` counts: two pieces per word more than ordinary words have.
const GARBLE_MAX: f32 = 2.0;

/// Word pieces per word of the question, minus one: ordinary words are one piece each, keyboard
/// mash and noise break into many. A word the article uses counts as one piece, however the
/// model splits it: a rare name the article gives ("Oyelaran") is not noise.
fn garble(normalized: &str, in_article: impl Fn(&str) -> bool) -> f32 {
    let words: Vec<&str> = normalized.split_whitespace().collect();
    if words.is_empty() {
        return 0.0;
    }
    let model = embed::model();
    let pieces: usize = words
        .iter()
        .map(|w| {
            if in_article(w) {
                1
            } else {
                model.tokenize(w).len().saturating_sub(2)
            }
        })
        .sum();
    // Bounded, like every signal, so that a fitted weight cannot be pushed past anything it
    // saw when it was fitted (80 letters of mash would otherwise weigh 40).
    (pieces as f32 / words.len() as f32 - 1.0).clamp(0.0, GARBLE_MAX)
}

/// The weight of a question: its concepts, its people and its unknown words.
struct QuestionWeight {
    total: f32,
    unknown: f32,
    /// `unknown`, each word counted by how far its closest article word is in meaning.
    unknown_far: f32,
}

impl QuestionWeight {
    fn of(query: &Query) -> QuestionWeight {
        let unknown = query.unknown_weights.iter().sum::<f32>() * UNKNOWN_WEIGHT;
        let people: f32 = query
            .people
            .iter()
            .map(|p| Self::person_weight(query, p))
            .sum();
        QuestionWeight {
            total: query.terms.iter().map(|(_, w)| w).sum::<f32>() + unknown + people,
            unknown,
            unknown_far: query.unknown_far * UNKNOWN_WEIGHT,
        }
    }

    /// In "What did Trump say about Putin?" only the first person is the speaker; the others
    /// are what they spoke about and weigh less.
    fn person_weight(query: &Query, p: &usize) -> f32 {
        let first = query.people.first() == Some(p);
        if first || !matches!(query.kind, Kind::Quote | Kind::WhoSaid) {
            PERSON_WEIGHT
        } else {
            2.0
        }
    }

    fn person(&self, query: &Query, p: &usize) -> f32 {
        Self::person_weight(query, p)
    }

    fn unknown_share(&self) -> f32 {
        self.share(self.unknown)
    }

    fn unknown_far_share(&self) -> f32 {
        self.share(self.unknown_far)
    }

    fn share(&self, part: f32) -> f32 {
        if self.total > 0.0 {
            part / self.total
        } else {
            0.0
        }
    }
}

impl Index {
    /// Whether one of the sentence's figures counts `unit` ("how many regions" -> "four
    /// Ukrainian regions"): its concept, or the word itself for a stop word like "people".
    fn counts(&self, sentence: usize, unit: &(String, u32)) -> bool {
        let (concepts, words) = &self.counted[sentence];
        concepts.contains(&unit.1) || words.contains(&unit.0)
    }
}

/// Whether a sentence points back at the one before it: a pronoun or demonstrative among its
/// first words, or "these"/"those" anywhere.
fn refers_back(sentence: &str) -> bool {
    let words = text::tokenize(sentence);
    words.iter().take(6).any(|t| {
        matches!(
            t.word.as_str(),
            "it" | "they" | "these" | "those" | "this" | "that" | "such" | "he" | "she"
        )
    }) || words
        .iter()
        .any(|t| matches!(t.word.as_str(), "these" | "those"))
}

/// Removes what Discord adds to a message: user, role and channel mentions, custom emoji,
/// @everyone/@here, code fences, a leading "@botname".
pub fn clean(question: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>|@everyone|@here|```\w*|`|^\s*@\S+")
            .expect("the mention pattern is valid")
    });
    let cut = match question.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((i, _)) => &question[..i],
        None => question,
    };
    re.replace_all(cut, " ").into_owned()
}

fn kind_of(words: &[String]) -> Kind {
    let mut w: Vec<&str> = words.iter().map(String::as_str).collect();
    // "In which parts ...", "By when ...": the question starts after the preposition.
    if w.len() > 1
        && matches!(w[0], "in" | "on" | "at" | "for" | "from" | "to" | "by")
        && matches!(w[1], "which" | "what" | "where" | "when" | "whom")
    {
        w.remove(0);
    }
    let has = |x: &str| w.contains(&x);
    let first = w.first().copied().unwrap_or("");
    let second = w.get(1).copied().unwrap_or("");
    let says = |x: &&str| matches!(*x, "say" | "said" | "says" | "saying");
    let about_article = w
        .iter()
        .any(|x| matches!(*x, "article" | "story" | "piece" | "this" | "it"));
    if w.len() <= 3
        && w.iter().any(|x| {
            matches!(
                *x,
                "tldr" | "summary" | "summarize" | "summarise" | "gist" | "overview"
            )
        })
        || matches!(first, "summarize" | "summarise")
        || (about_article
            && (has("about") || has("summary") || has("summarize") || has("gist") || has("tldr")))
            && !w.iter().any(says)
    {
        return Kind::About;
    }
    if w.iter().any(|x| {
        matches!(
            *x,
            "source" | "sources" | "link" | "url" | "author" | "publisher"
        )
    }) || (first == "who" && (has("wrote") || has("published")))
    {
        return Kind::Source;
    }
    if matches!(first, "who" | "whom") && w.iter().take(4).any(|x| says(x) || *x == "called") {
        return Kind::WhoSaid;
    }
    // "What does the article say about X?" asks about a topic, not for someone's words.
    let article_says = w
        .windows(2)
        .any(|p| matches!(p[0], "article" | "story" | "piece" | "it" | "report") && says(&p[1]));
    if w.iter()
        .any(|x| matches!(*x, "quote" | "quotes" | "quoted"))
        || (w.iter().any(says)
            && !article_says
            && !matches!(first, "when" | "where" | "why" | "how"))
    {
        return Kind::Quote;
    }
    // The question word, first in a sentence or anywhere in a terse one ("crimea annexed when").
    let wh = if matches!(
        first,
        "what" | "which" | "how" | "is" | "are" | "do" | "does" | "did"
    ) {
        first
    } else {
        w.iter()
            .copied()
            .find(|x| matches!(*x, "who" | "when" | "where" | "why"))
            .unwrap_or(first)
    };
    // "What makes peace uncertain?" asks why.
    if first == "what" && matches!(second, "makes" | "made" | "causes" | "caused") {
        return Kind::Why;
    }
    match wh {
        "who" | "whom" | "whose" => return Kind::Who,
        "when" => return Kind::When,
        "where" => return Kind::Where,
        "why" => return Kind::Why,
        _ => {}
    }
    // "how much" / "how many" anywhere ("russia has how much of ukraine?").
    if let Some(i) = w.iter().position(|x| *x == "how")
        && matches!(w.get(i + 1).copied(), Some("many" | "much"))
    {
        return Kind::HowMany;
    }
    if first == "how" {
        return match second {
            "big" | "large" | "far" | "old" | "high" | "tall" => Kind::HowMany,
            "long" | "soon" => Kind::When,
            "come" => Kind::Why,
            _ => Kind::Other,
        };
    }
    // "What is Vance's job?" (not "what role could the military play?").
    if first == "what"
        && w.last().is_some_and(|x| {
            matches!(
                *x,
                "job" | "role" | "title" | "occupation" | "profession" | "post"
            )
        })
    {
        return Kind::Who;
    }
    if matches!(first, "what" | "which") {
        // The noun asked about: the second word, or the third after an adjective
        // ("which Ukrainian peninsula", "which US official").
        let noun = |pred: fn(&str) -> bool| {
            pred(second) || w.get(2).is_some_and(|third| pred(third) && !says(&second))
        };
        if noun(|x| {
            matches!(
                x,
                "region"
                    | "regions"
                    | "city"
                    | "cities"
                    | "peninsula"
                    | "place"
                    | "places"
                    | "part"
                    | "parts"
                    | "area"
                    | "areas"
            )
        }) {
            return Kind::Where;
        }
        if noun(|x| {
            matches!(
                x,
                "official"
                    | "officials"
                    | "leader"
                    | "leaders"
                    | "person"
                    | "politician"
                    | "president"
                    | "presidents"
                    | "minister"
                    | "ministers"
                    | "people"
            )
        }) {
            return Kind::Who;
        }
        if matches!(
            second,
            "percent" | "percentage" | "share" | "proportion" | "fraction" | "%" | "portion"
        ) {
            return Kind::HowMany;
        }
        if matches!(second, "year" | "date" | "month" | "day" | "time")
            || (matches!(second, "is" | "was" | "are")
                && matches!(w.get(2).copied(), Some("the"))
                && matches!(
                    w.get(3).copied(),
                    Some("date" | "year" | "time" | "timeline")
                ))
        {
            return Kind::When;
        }
        if matches!(
            second,
            "region"
                | "regions"
                | "part"
                | "parts"
                | "city"
                | "cities"
                | "area"
                | "areas"
                | "peninsula"
                | "place"
                | "places"
        ) {
            return Kind::Where;
        }
        if matches!(
            second,
            "official" | "officials" | "leader" | "leaders" | "person" | "politician"
        ) {
            return Kind::Who;
        }
    }
    if matches!(
        first,
        "is" | "are"
            | "was"
            | "were"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "can"
            | "could"
            | "has"
            | "have"
            | "should"
    ) {
        return Kind::YesNo;
    }
    Kind::Other
}

/// Words that only say what kind of answer is wanted ("how long", "what year").
fn kind_word(kind: Kind, word: &str) -> bool {
    match kind {
        Kind::When => matches!(word, "long" | "year" | "date" | "time" | "month" | "day"),
        Kind::WhoSaid | Kind::Quote => word == "called",
        Kind::HowMany => matches!(word, "big" | "large" | "far" | "high" | "size" | "tall"),
        Kind::Where => matches!(
            word,
            "part" | "parts" | "area" | "areas" | "place" | "places"
        ),
        Kind::Who => matches!(
            word,
            "job" | "role" | "title" | "occupation" | "profession" | "post"
        ),
        _ => false,
    }
}

/// The subject of "what/how/why did X ..." questions: the word after the auxiliary (and an
/// article).
fn subject_word(normalized: &str) -> Option<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^(?:what|how|why|when|where|which) (?:did|does|do|has|have|will|would|can|could|should) (?:the |a |an )?(\w+) \w+")
            .expect("the subject pattern is valid")
    });
    re.captures(normalized)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// The thing a "what is the X of Y" question asks about, or the last word of a short "what is
/// ..." question ("what is Putin's plan" -> "plan").
fn focus_word(normalized: &str) -> Option<&str> {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (of, short) = RE.get_or_init(|| {
        (
            Regex::new(r"^(?:what|which)(?: is| are| was| were)? (?:the|a|an) (\w+) (?:of|in|for|at|on|about|to)\b")
                .expect("the focus pattern is valid"),
            Regex::new(r"^what(?: is| are| was| were) (?:the |a |an )?(?:\w+ ){1,2}(\w+)$")
                .expect("the focus pattern is valid"),
        )
    });
    of.captures(normalized)
        .or_else(|| short.captures(normalized))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_read_as_digits() {
        assert_eq!(
            figures("A crowd of 61,480 paid $2.75 in the 10th century, the 1100s and 50%."),
            ["61480", "2.75", "10", "1100", "50"]
        );
        assert_eq!(figures("1200 and 1,200 are one figure"), ["1200"]);
        assert!(figures("no figures here, only words").is_empty());
    }

    #[test]
    fn garble_is_high_for_mash_and_not_for_the_article_s_own_rare_words() {
        let none = |_: &str| false;
        assert_eq!(garble("who won the game", none), 0.0);
        assert_eq!(garble("", none), 0.0);
        assert!(garble("xqzjv kpwtrl bvnmq", none) >= 1.0);
        // A rare name splits into several pieces; it is noise only if the article never uses it.
        assert!(garble("who joined oyelaran", none) > 0.0);
        assert_eq!(garble("who joined oyelaran", |w| w == "oyelaran"), 0.0);
    }
}
