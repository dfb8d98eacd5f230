//! Answers: a ranked sentence becomes a short answer (a span of the cited sentence where one
//! fits), the verbatim cited sentence, the quotation and its speaker for quote questions, the
//! citation, and a confidence level. Also the plain-text and JSON renderings of an answer.
//!
//! Every string in an answer is either a span of the article or fixed wording of the bot
//! ("The article doesn't say"); nothing here writes what the article says.

use crate::article::{Article, SentenceId};
use crate::knowledge::Knowledge;
use crate::lexicon;
use crate::matcher::{Kind, Query};
use crate::text;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// How sure the bot is, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    High,
    Medium,
    Low,
}

impl Level {
    pub fn of(confidence: f32) -> Level {
        if confidence >= 0.75 {
            Level::High
        } else if confidence >= 0.55 {
            Level::Medium
        } else {
            Level::Low
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
        }
    }
}

/// Where a cited sentence stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    pub id: SentenceId,
    /// The sentence, verbatim.
    pub text: String,
    /// The heading of its section, if any.
    pub section: Option<String>,
}

/// A quotation from the article with its speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteRef {
    pub text: String,
    /// The speaker as the article describes them ("U.S. Defense Secretary Pete Hegseth").
    pub speaker: Option<String>,
}

/// What kind of reply this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered from the article, with citations.
    Answered,
    /// The sentence a person picked from the bot's "did you mean" choices.
    Picked,
    /// The question is about the article itself (its title and link).
    Source,
    /// The article does not answer it.
    NotInArticle,
    /// Nothing to answer (empty, only mentions or symbols).
    Empty,
}

/// The engine's answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question: String,
    pub outcome: Outcome,
    /// The short answer, or the polite reason for not answering.
    pub text: String,
    /// Best first; empty unless answered.
    pub citations: Vec<Citation>,
    pub quote: Option<QuoteRef>,
    /// 0..1.
    pub confidence: f32,
    /// Questions the article can answer, offered when this one was not answered.
    pub suggestions: Vec<String>,
}

impl Answer {
    pub fn answered(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Answered | Outcome::Picked | Outcome::Source
        )
    }

    pub fn level(&self) -> Level {
        Level::of(self.confidence)
    }

    /// The stable JSON line of `citebot ask --json`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct JsonCitation<'a> {
            paragraph: usize,
            sentence: usize,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct JsonAnswer<'a> {
            question: &'a str,
            answered: bool,
            answer: &'a str,
            confidence: f32,
            citations: Vec<JsonCitation<'a>>,
        }
        let json = JsonAnswer {
            question: &self.question,
            answered: self.answered(),
            answer: &self.text,
            confidence: (self.confidence * 1000.0).round() / 1000.0,
            citations: self
                .citations
                .iter()
                .map(|c| JsonCitation {
                    paragraph: c.id.paragraph,
                    sentence: c.id.sentence,
                    text: &c.text,
                })
                .collect(),
        };
        serde_json::to_string(&json).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Chooses the short answer for `sentence` given what the question asks.
pub fn short_answer(
    query: &Query,
    article: &Article,
    knowledge: &Knowledge,
    sentence: usize,
) -> (String, Option<QuoteRef>) {
    let s = &article.sentences[sentence];
    let facts = &knowledge.facts[sentence];
    let quote = facts
        .quotes
        .iter()
        .map(|&q| &knowledge.quotes[q])
        .find(|q| q.speaker.is_some_and(|p| query.people.contains(&p)))
        .or_else(|| {
            // Otherwise the fullest quotation of the sentence ("great" says little).
            facts
                .quotes
                .iter()
                .map(|&q| &knowledge.quotes[q])
                .max_by_key(|q| q.text.split_whitespace().count())
        });
    let quote_ref = quote.map(|q| QuoteRef {
        text: q.text.clone(),
        speaker: q.speaker.map(|p| described_in(knowledge, p, &s.text)),
    });
    let person_answer = |exclude_asked: bool| {
        facts
            .speakers
            .iter()
            .chain(&facts.people)
            .find(|p| !exclude_asked || !query.people.contains(p))
            .map(|&p| described_in(knowledge, p, &s.text))
    };
    let short = match query.kind {
        Kind::WhoSaid => quote
            .and_then(|q| q.speaker)
            .map(|p| described_in(knowledge, p, &s.text))
            .or_else(|| person_answer(false)),
        Kind::Quote => quote_ref.as_ref().map(|q| match &q.speaker {
            Some(sp) => format!("“{}” — {sp}", q.text),
            None => format!("“{}”", q.text),
        }),
        Kind::Who if query.by_role || !query.people.is_empty() => query
            .people
            .first()
            .map(|&p| described_in(knowledge, p, &s.text)),
        Kind::Who => person_answer(true),
        Kind::HowMany => number_span(&s.text, figure_wanted(query)),
        Kind::When => time_span(&s.text),
        _ => None,
    };
    let quote_ref = match query.kind {
        Kind::Quote | Kind::WhoSaid => quote_ref,
        _ => None,
    };
    (short.unwrap_or_else(|| s.text.clone()), quote_ref)
}

/// The person's title and name as the article writes them, if that exact phrase is in the
/// sentence; else the name as the article writes it anywhere.
fn described_in(knowledge: &Knowledge, person: usize, sentence: &str) -> String {
    let p = &knowledge.people[person];
    let described = p.described();
    if sentence.contains(&described) {
        described
    } else {
        p.name.clone()
    }
}

/// Which of a sentence's figures a how-much/how-many question wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// An amount of money ("how much will it cost", "how much did they pay").
    Money,
    /// A count of this word ("how many people" -> "people").
    Of(String),
    /// The first figure.
    Any,
}

/// What figure the question asks for, from its words: money words ask for an amount of money,
/// "how many X" for a count of X.
fn figure_wanted(query: &Query) -> Figure {
    const MONEY: &[&str] = &[
        "cost", "costs", "price", "pay", "paid", "spend", "spent", "worth", "money", "budget",
        "fund", "funding", "salary", "earn", "earns", "fee", "fees", "fare", "fares", "dollars",
        "euros", "pounds", "prize", "owe", "raise", "raised",
    ];
    if (query.normalized.starts_with("how much") || query.normalized.contains(" how much "))
        && query.normalized.split(' ').any(|w| MONEY.contains(&w))
    {
        return Figure::Money;
    }
    match &query.unit {
        Some((word, _)) => Figure::Of(word.clone()),
        None => Figure::Any,
    }
}

/// A figure with what it counts: "around 20% of Ukraine’s territory", "four Ukrainian regions";
/// the one the question wants when the sentence has several, else the first.
pub fn number_span(sentence: &str, want: Figure) -> Option<String> {
    const HEDGES: &[&str] = &[
        "around",
        "about",
        "roughly",
        "nearly",
        "almost",
        "over",
        "some",
        "approximately",
        "just",
        "least",
        "than",
    ];
    const BREAKS: &[&str] = &[
        "and", "when", "while", "which", "that", "as", "but", "in", "since", "after", "before",
        "because", "with", "to",
    ];
    let tokens = text::tokenize(sentence);
    let is_number = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_digit())
            || (lexicon::NUMBER_WORDS.contains(&w) && w != "one")
    };
    let is_currency = |w: &str| matches!(w, "$" | "€" | "£");
    let numbers: Vec<usize> = (0..tokens.len())
        .filter(|&i| is_number(&tokens[i].word))
        .collect();
    let first = *numbers.first()?;
    let wanted = |i: usize| match &want {
        Figure::Money => {
            (i > 0 && is_currency(&tokens[i - 1].word))
                || tokens[i + 1..]
                    .iter()
                    .take(3)
                    .any(|t| matches!(t.word.as_str(), "dollars" | "euros" | "pounds" | "cents"))
        }
        Figure::Of(word) => {
            let stem = text::stem(word);
            tokens[i + 1..]
                .iter()
                .take(3)
                .any(|t| text::stem(&t.word) == stem)
        }
        Figure::Any => true,
    };
    let i = numbers
        .iter()
        .copied()
        .find(|&i| wanted(i))
        .unwrap_or(first);
    // A year is a time, not a figure.
    if tokens[i].word.len() == 4
        && tokens[i]
            .word
            .parse::<u32>()
            .is_ok_and(|y| (1900..2100).contains(&y))
    {
        return None;
    }
    let mut start = i;
    if start > 0 && is_currency(&tokens[start - 1].word) {
        start -= 1;
    }
    while start > 0 && HEDGES.contains(&tokens[start - 1].word.as_str()) {
        start -= 1;
    }
    let mut end = i;
    let mut words = 0;
    while end + 1 < tokens.len() && words < 4 {
        let next = &tokens[end + 1];
        let gap = &sentence[tokens[end].end..next.start];
        // "1,200" is one figure: a comma between digits followed by three more.
        let digits = |w: &str| w.chars().all(|c| c.is_ascii_digit());
        let thousands = (gap == "," || gap == ".")
            && digits(&tokens[end].word)
            && next.word.len() == 3
            && digits(&next.word);
        if !thousands
            && (gap.contains([',', ';', '.', '(', ')', '“', '”', '"'])
                || BREAKS.contains(&next.word.as_str()))
        {
            break;
        }
        end += 1;
        if !thousands && next.word != "%" && next.word != "of" {
            words += 1;
        }
    }
    Some(sentence[tokens[start].start..tokens[end].end].to_string())
}

/// A time expression: "three years ago", "Back in October", "in 2014", or the clause that
/// holds a year.
pub fn time_span(sentence: &str) -> Option<String> {
    static RE: OnceLock<Vec<Regex>> = OnceLock::new();
    let res = RE.get_or_init(|| {
        let months = "January|February|March|April|May|June|July|August|September|October|November|December";
        [
            r"(?i)\b(?:\w+\s+)?(?:days|weeks|months|years|decades)\s+ago\b".to_string(),
            format!(r"(?:\b[Bb]ack\s+)?\b(?:in|on|since|by|until|from|In|On|Since|By)\s+(?:early\s+|late\s+|mid-)?(?:{months})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?"),
            r"\b(?:in|since|by|until|from|In|Since|By)\s+(?:19|20)\d\d\b".to_string(),
            r"[^,.;]*\b(?:19|20)\d\d\b[^,.;]*".to_string(),
            r"(?i)\bno timeline[^,.;]*".to_string(),
        ]
        .iter()
        .map(|p| Regex::new(p).expect("time patterns are valid"))
        .collect()
    });
    res.iter().find_map(|re| {
        re.find(sentence)
            .map(|m| m.as_str().trim().to_string())
            .filter(|m| m.split_whitespace().count() <= 14)
    })
}

/// The plain-text rendering of `citebot ask`.
pub fn render_text(answer: &Answer, title: &str, link: Option<&str>) -> String {
    let mut out = String::new();
    match answer.outcome {
        Outcome::Answered | Outcome::Picked => {
            // The short answer, unless it is the whole cited sentence anyway.
            if answer
                .citations
                .first()
                .is_none_or(|c| c.text != answer.text)
            {
                out.push_str(&answer.text);
                out.push('\n');
            }
            if let Some(q) = &answer.quote
                && answer.text
                    != format!("“{}” — {}", q.text, q.speaker.clone().unwrap_or_default())
            {
                match &q.speaker {
                    Some(s) => out.push_str(&format!("Quote: “{}” — {s}\n", q.text)),
                    None => out.push_str(&format!("Quote: “{}”\n", q.text)),
                }
            }
            for (i, c) in answer.citations.iter().enumerate() {
                if i == 1 {
                    out.push_str("See also:\n");
                }
                out.push_str(&format!("  > {}\n", c.text));
                out.push_str(&format!("    — {}\n", cite_line(c, title, link)));
            }
            out.push_str(&format!(
                "Confidence: {} ({:.2})\n",
                answer.level().as_str(),
                answer.confidence
            ));
        }
        Outcome::Source => {
            out.push_str(&answer.text);
            out.push('\n');
        }
        Outcome::NotInArticle | Outcome::Empty => {
            out.push_str(&answer.text);
            out.push('\n');
            if !answer.suggestions.is_empty() {
                out.push_str("Questions I can answer:\n");
                for s in &answer.suggestions {
                    out.push_str(&format!("  - {s}\n"));
                }
            }
        }
    }
    out
}

/// "paragraph 5, sentence 1 · The Question of Territory · Title (link)".
pub fn cite_line(c: &Citation, title: &str, link: Option<&str>) -> String {
    let mut s = format!("paragraph {}, sentence {}", c.id.paragraph, c.id.sentence);
    if let Some(section) = &c.section {
        s.push_str(&format!(" · {section}"));
    }
    s.push_str(&format!(" · {title}"));
    if let Some(link) = link {
        s.push_str(&format!(" ({link})"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_spans_keep_what_the_figure_counts() {
        assert_eq!(
            number_span("Russia has taken control of around 20% of Ukraine’s territory, primarily in the east.", Figure::Any).as_deref(),
            Some("around 20% of Ukraine’s territory")
        );
        assert_eq!(
            number_span("Russia, however, has formally annexed four Ukrainian regions and seeks recognition.", Figure::Any).as_deref(),
            Some("four Ukrainian regions")
        );
        assert_eq!(number_span("No figures here.", Figure::Any), None);
    }

    #[test]
    fn number_spans_pick_the_figure_the_question_wants() {
        let s = "The council voted 7-2 on Tuesday to approve a $48 million bridge.";
        assert_eq!(
            number_span(s, Figure::Any).as_deref(),
            Some("7-2 on Tuesday")
        );
        assert_eq!(
            number_span(s, Figure::Money).as_deref(),
            Some("$48 million bridge")
        );
        let s = "Officials said 3 roads closed and about 1,200 residents left their homes.";
        assert_eq!(
            number_span(s, Figure::Of("residents".into())).as_deref(),
            Some("about 1,200 residents left their homes")
        );
        // Nothing of the kind wanted: the first figure.
        assert_eq!(
            number_span(s, Figure::Money).as_deref(),
            Some("3 roads closed")
        );
    }

    #[test]
    fn time_spans_find_relative_and_calendar_times() {
        assert_eq!(
            time_span("The conflict escalated into full-scale war three years ago when Russia launched a large-scale invasion.").as_deref(),
            Some("three years ago")
        );
        assert_eq!(
            time_span("Back in October, Zelensky outlined a plan.").as_deref(),
            Some("Back in October")
        );
        assert_eq!(
            time_span("Following the 2014 ousting of a pro-Russian Ukrainian president, Russia annexed Crimea.").as_deref(),
            Some("Following the 2014 ousting of a pro-Russian Ukrainian president")
        );
    }
}
