//! Reviewing real traffic: the unanswered-question log and the feedback log, read together,
//! near-duplicate questions grouped, the most frequent unanswered and down-voted ones listed
//! with what the bot answered — written as a question file in the `citebot eval` format whose
//! expected answers (`=> ?`) the admin fills in. Labelled, the file is a test set made of what
//! people really ask.
//!
//! Pure: it reads the logs' text and returns text; the command line reads and writes the files.
//! A log line it cannot read is counted and skipped, never fatal.

use serde_json::Value;

/// What was said of one question (as read in context) across the logs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// The question to label: the most frequent wording, as read in context.
    pub question: String,
    /// Other wordings, as asked, with how often each came.
    pub variants: Vec<(String, usize)>,
    /// Times it was not answered (unanswered log).
    pub unanswered: usize,
    /// Down-votes and up-votes on its answers (a changed vote moves from one to the other).
    pub down: i64,
    pub up: i64,
    /// What the bot answered: the cited sentence ("14.1") and its text, with the down-votes on
    /// it.
    pub answers: Vec<(String, String, i64)>,
    /// The words compared to find near-duplicates.
    words: Vec<String>,
}

impl Group {
    /// How much this group needs the admin: unanswered asks and net down-votes.
    pub fn weight(&self) -> i64 {
        self.unanswered as i64 + self.down.max(0)
    }
}

/// The groups worth labelling, most needed first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Review {
    pub groups: Vec<Group>,
    /// Lines that were not a log entry (blank lines aside).
    pub skipped: usize,
}

/// How alike two questions' words must be (shared words over all words) to count as one.
const SAME_QUESTION: f64 = 0.6;
/// The most groups listed.
const MAX_GROUPS: usize = 200;

/// Words that do not make two questions different ("hey bot, what's ..." vs "what is ...").
const NOISE: &[&str] = &[
    "the", "a", "an", "hey", "hi", "please", "pls", "bot", "citebot", "s", "is", "does", "do",
    "did", "was", "are", "so", "and", "ok", "okay", "um", "uh", "rn", "u",
];

fn key_words(question: &str) -> Vec<String> {
    let mut out: Vec<String> = question
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NOISE.contains(w))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count();
    let all = a.len() + b.len() - shared;
    shared as f64 / all.max(1) as f64
}

/// Groups the entries of the logs' text (both logs' lines, in any order).
pub fn review(logs: &str) -> Review {
    let mut review = Review::default();
    let mut groups: Vec<Group> = Vec::new();
    for line in logs.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            review.skipped += 1;
            continue;
        };
        let asked = v["question"].as_str().unwrap_or("").trim();
        let read_as = v["read_as"].as_str().map(str::trim).unwrap_or(asked);
        if read_as.is_empty() {
            review.skipped += 1;
            continue;
        }
        let words = key_words(read_as);
        let i = match groups
            .iter()
            .position(|g| similarity(&g.words, &words) >= SAME_QUESTION)
        {
            Some(i) => i,
            None => {
                groups.push(Group {
                    question: read_as.to_string(),
                    words,
                    ..Group::default()
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        match g.variants.iter_mut().find(|(q, _)| q == read_as) {
            Some((_, n)) => *n += 1,
            None => g.variants.push((read_as.to_string(), 1)),
        }
        if asked != read_as && !asked.is_empty() {
            match g.variants.iter_mut().find(|(q, _)| q == asked) {
                Some(_) => {}
                None => g.variants.push((asked.to_string(), 0)),
            }
        }
        match v["vote"].as_str() {
            None => g.unanswered += 1,
            Some(vote) => {
                let sign = |s: &str| match s {
                    "down" => (1, 0),
                    "up" => (0, 1),
                    _ => (0, 0),
                };
                let (d, u) = sign(vote);
                let (rd, ru) = v["replaces"].as_str().map(sign).unwrap_or((0, 0));
                g.down += d - rd;
                g.up += u - ru;
                if v["answered"].as_bool() == Some(false) {
                    g.unanswered += usize::from(d == 1 && rd == 0);
                } else if let (Some(p), Some(s)) = (v["paragraph"].as_u64(), v["sentence"].as_u64())
                {
                    let id = format!("{p}.{s}");
                    let text = v["cited"].as_str().unwrap_or("").to_string();
                    match g.answers.iter_mut().find(|(a, _, _)| *a == id) {
                        Some((_, _, n)) => *n += d - rd,
                        None => g.answers.push((id, text, d - rd)),
                    }
                }
            }
        }
    }
    for g in &mut groups {
        // The wording asked most often (as read) is the one to label.
        // (the first of equals: `rev` because `max_by_key` keeps the last).
        if let Some((q, _)) = g.variants.iter().rev().max_by_key(|(_, n)| *n) {
            g.question = q.clone();
        }
    }
    let mut wanted: Vec<(usize, Group)> = groups
        .into_iter()
        .enumerate()
        .filter(|(_, g)| g.weight() > 0)
        .collect();
    wanted.sort_by_key(|(i, g)| (std::cmp::Reverse(g.weight()), *i));
    review.groups = wanted
        .into_iter()
        .take(MAX_GROUPS)
        .map(|(_, g)| g)
        .collect();
    review
}

impl Review {
    /// The question file: a header saying how to label it, then each group with what was
    /// asked and answered as comments and its question as `QUESTION => ?`.
    pub fn question_file(&self) -> String {
        let mut out = String::from(
            "# Questions from real traffic, to label (written by `citebot review`).\n\
             # Replace each `?` with the sentences that answer the question (PARAGRAPH.SENTENCE,\n\
             # see `citebot sentences`), or `none` when the article does not answer it; then\n\
             # `citebot eval FILE` scores the bot on them. Lines still `=> ?` are skipped.\n",
        );
        if self.groups.is_empty() {
            out.push_str(
                "# Nothing to review: no unanswered or down-voted questions in the logs.\n",
            );
        }
        for g in &self.groups {
            out.push('\n');
            let mut counts = Vec::new();
            if g.unanswered > 0 {
                counts.push(format!("unanswered {}×", g.unanswered));
            }
            if g.down > 0 {
                counts.push(format!("down-voted {}×", g.down));
            }
            if g.up > 0 {
                counts.push(format!("up-voted {}×", g.up));
            }
            out.push_str(&format!("# {}\n", counts.join(", ")));
            let others: Vec<String> = g
                .variants
                .iter()
                .filter(|(q, _)| *q != g.question)
                .take(5)
                .map(|(q, _)| format!("“{}”", one_line(q)))
                .collect();
            if !others.is_empty() {
                out.push_str(&format!("# also asked as: {}\n", others.join(", ")));
            }
            for (id, text, down) in &g.answers {
                out.push_str(&format!(
                    "# the bot answered {id} ({down} down): {}\n",
                    one_line(text)
                ));
            }
            if g.unanswered > 0 {
                out.push_str("# the bot did not answer\n");
            }
            // `=>` inside a question would end it early in the eval format.
            out.push_str(&format!(
                "{} => ?\n",
                one_line(&g.question).replace("=>", "->")
            ));
        }
        out
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_group_and_votes_count_once_per_change() {
        let logs = r#"{"time":"t","source":"chat","channel":"1","question":"what did hegseth say about troops?"}
{"time":"t","source":"chat","channel":"1","question":"What did Hegseth say about troops"}
not json
{"time":"t","source":"slash","channel":"1","question":"why?","read_as":"why does Russia oppose NATO?","vote":"down","answered":true,"paragraph":10,"sentence":1,"cited":"However, Russia has fiercely opposed."}
{"time":"t","source":"slash","channel":"1","question":"why?","read_as":"why does Russia oppose NATO?","vote":"up","replaces":"down","answered":true,"paragraph":10,"sentence":1,"cited":"However, Russia has fiercely opposed."}
{"time":"t","source":"chat","channel":"1","question":"who is vance","vote":"up","answered":true,"paragraph":14,"sentence":2,"cited":"x"}
"#;
        let r = review(logs);
        assert_eq!(r.skipped, 1);
        assert_eq!(r.groups.len(), 1, "{r:#?}");
        assert_eq!(r.groups[0].unanswered, 2);
        assert_eq!(r.groups[0].question, "what did hegseth say about troops?");
    }
}
