//! Scoring the engine on a question file, so a self-hoster can check a new article's curated
//! intents and a developer can see what a change does to answer quality.
//!
//! The file format, one question per line:
//! ```text
//! # a comment
//! How much of Ukraine does Russia control? => 5.1
//! Give me a quote from Zelensky => 7.2 11.2 14.2
//! What's the weather in Munich? => none
//! ```
//! The citations after `=>` are the acceptable sentences (`PARAGRAPH.SENTENCE`); any one of
//! them as the top citation counts as correct. `none` means the bot must abstain. `?` marks a
//! question not labelled yet (as `citebot review` writes them): it is skipped, and
//! [`unlabelled`] lists such lines.

use crate::article::SentenceId;
use crate::engine::Engine;

/// One question of a question file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// 1-based line number in the file.
    pub line: usize,
    pub question: String,
    /// Acceptable citations; empty when the article does not answer the question.
    pub expect: Vec<SentenceId>,
}

/// Parses a question file. Returns every malformed line as (line number, problem).
pub fn parse(text: &str) -> Result<Vec<Case>, Vec<(usize, String)>> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((q, e)) = line.rsplit_once("=>") else {
            errors.push((
                n,
                "expected `QUESTION => CITATIONS` or `QUESTION => none`".into(),
            ));
            continue;
        };
        let e = e.trim();
        if e == "?" {
            continue;
        }
        let mut expect = Vec::new();
        if e != "none" {
            for part in e.split_whitespace() {
                match parse_id(part) {
                    Some(id) => expect.push(id),
                    None => errors.push((n, format!("{part:?} is not PARAGRAPH.SENTENCE"))),
                }
            }
            if expect.is_empty() {
                errors.push((n, "no citations (write `none` for unanswerable)".into()));
            }
        }
        cases.push(Case {
            line: n,
            question: q.trim_end().to_string(),
            expect,
        });
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(errors)
    }
}

/// Reads a SQuAD-style JSON-lines question file about `article` (one object per line:
/// `question`, `paragraph` (1-based line), `answerable`, `answers` as `[[char_start, text], ...]`
/// within that paragraph). An answerable question's acceptable citations are the sentences of
/// its paragraph that overlap a gold answer span, as the SQuAD scorer counts them.
pub fn parse_squad(
    text: &str,
    article: &crate::article::Article,
) -> Result<Vec<Case>, Vec<(usize, String)>> {
    #[derive(serde::Deserialize)]
    struct Raw {
        question: String,
        paragraph: usize,
        answerable: bool,
        #[serde(default)]
        answers: Vec<(usize, String)>,
    }
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: Raw = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                errors.push((i + 1, e.to_string()));
                continue;
            }
        };
        let mut expect = Vec::new();
        if raw.answerable {
            let para = article
                .paragraph(raw.paragraph)
                .map(|p| p.text.as_str())
                .unwrap_or("");
            let mut from = 0;
            for s in article
                .sentences
                .iter()
                .filter(|s| s.id.paragraph == raw.paragraph)
            {
                // Character offsets, as the scorer uses them.
                let Some(b) = para[from..].find(&s.text).map(|b| b + from) else {
                    continue;
                };
                from = b + s.text.len();
                let start = para[..b].chars().count();
                let end = start + s.text.chars().count();
                if raw
                    .answers
                    .iter()
                    .any(|(a, t)| *a < end && a + t.chars().count() > start)
                {
                    expect.push(s.id);
                }
            }
            if expect.is_empty() {
                errors.push((i + 1, "no sentence holds the gold answer".into()));
            }
        }
        cases.push(Case {
            line: i + 1,
            question: raw.question,
            expect,
        });
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(errors)
    }
}

/// The line numbers of questions not labelled yet (`QUESTION => ?`).
pub fn unlabelled(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#'))
        .filter(|(_, l)| l.rsplit_once("=>").is_some_and(|(_, e)| e.trim() == "?"))
        .map(|(i, _)| i + 1)
        .collect()
}

fn parse_id(s: &str) -> Option<SentenceId> {
    let (p, s) = s.split_once('.')?;
    Some(SentenceId {
        paragraph: p.parse().ok()?,
        sentence: s.parse().ok()?,
    })
}

/// What went wrong with one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// Answered with the wrong sentence.
    Wrong { got: SentenceId },
    /// Abstained on an answerable question.
    FalseAbstention,
    /// Answered a question the article does not answer.
    ShouldAbstain { got: Option<SentenceId> },
}

/// The scores of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub answerable: usize,
    pub correct: usize,
    pub false_abstentions: usize,
    pub unanswerable: usize,
    pub abstained: usize,
    pub misses: Vec<(Case, Miss)>,
}

impl Report {
    /// Share of answerable questions whose top citation is acceptable.
    pub fn top1(&self) -> f64 {
        ratio(self.correct, self.answerable)
    }

    /// Share of unanswerable questions the engine abstained on.
    pub fn abstention(&self) -> f64 {
        ratio(self.abstained, self.unanswerable)
    }

    /// Share of answerable questions the engine wrongly abstained on.
    pub fn false_abstention(&self) -> f64 {
        ratio(self.false_abstentions, self.answerable)
    }

    /// A human-readable report with every miss.
    pub fn render(&self) -> String {
        let mut out = format!(
            "top-1 accuracy    {:.3}  ({}/{} answerable)\ncorrect abstention {:.3}  ({}/{} unanswerable)\nfalse abstention  {:.3}  ({}/{} answerable)\n",
            self.top1(),
            self.correct,
            self.answerable,
            self.abstention(),
            self.abstained,
            self.unanswerable,
            self.false_abstention(),
            self.false_abstentions,
            self.answerable
        );
        if !self.misses.is_empty() {
            out.push_str("\nmisses:\n");
        }
        for (case, miss) in &self.misses {
            let want = if case.expect.is_empty() {
                "none".to_string()
            } else {
                case.expect
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let got = match miss {
                Miss::Wrong { got } => got.to_string(),
                Miss::FalseAbstention => "abstained".to_string(),
                Miss::ShouldAbstain { got: Some(g) } => g.to_string(),
                Miss::ShouldAbstain { got: None } => "answered without citation".to_string(),
            };
            out.push_str(&format!(
                "  line {}: {:?}: want {want}, got {got}\n",
                case.line, case.question
            ));
        }
        out
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Asks every question and scores the answers.
pub fn run(engine: &Engine, cases: &[Case]) -> Report {
    let mut r = Report::default();
    for case in cases {
        let answer = engine.ask(&case.question);
        let top = answer.citations.first().map(|c| c.id);
        if case.expect.is_empty() {
            r.unanswerable += 1;
            if answer.answered() {
                r.misses
                    .push((case.clone(), Miss::ShouldAbstain { got: top }));
            } else {
                r.abstained += 1;
            }
        } else {
            r.answerable += 1;
            match top {
                Some(id) if case.expect.contains(&id) => r.correct += 1,
                Some(id) => r.misses.push((case.clone(), Miss::Wrong { got: id })),
                None => {
                    r.false_abstentions += 1;
                    r.misses.push((case.clone(), Miss::FalseAbstention));
                }
            }
        }
    }
    r
}
