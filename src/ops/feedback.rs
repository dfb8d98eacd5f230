//! The feedback log: one JSON line per vote on an answer — the question as asked and as read
//! in its context, whether it was answered, the cited sentence, the confidence, the vote and
//! where it came from — for `citebot review`. Who voted is recorded only when the admin opts
//! in.

use super::unanswered::rfc3339;
use crate::conversation::{Record, Vote};
use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

pub struct FeedbackLog {
    file: Mutex<File>,
    include_users: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    /// The answer's id (the same answer voted on twice has the same id).
    answer: String,
    vote: &'a str,
    /// The vote this one replaces, when the person changed their mind.
    #[serde(skip_serializing_if = "Option::is_none")]
    replaces: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    /// `None` when the answer is no longer remembered (too old, or from before a restart).
    question: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_as: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answered: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paragraph: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentence: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cited: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<f32>,
}

/// One vote to record.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub answer: u64,
    pub vote: Vote,
    pub replaces: Option<Vote>,
    pub channel: u64,
    pub user: u64,
    /// What is remembered of the answer, if it still is.
    pub record: Option<&'a Record>,
}

impl FeedbackLog {
    /// Opens (creating or appending to) the log file.
    pub fn open(path: &Path, include_users: bool) -> std::io::Result<FeedbackLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(FeedbackLog {
            file: Mutex::new(file),
            include_users,
        })
    }

    /// Appends one vote; a failure to write is logged, never fatal.
    pub fn record(&self, e: Entry<'_>) {
        let r = e.record;
        let line = Line {
            time: rfc3339(SystemTime::now()),
            answer: e.answer.to_string(),
            vote: e.vote.as_str(),
            replaces: e.replaces.map(Vote::as_str),
            source: r.map(|r| r.source),
            channel: e.channel.to_string(),
            user: self.include_users.then(|| e.user.to_string()),
            question: r.map(|r| r.question.as_str()),
            read_as: r
                .filter(|r| r.read_as != r.question)
                .map(|r| r.read_as.as_str()),
            answered: r.map(|r| r.answered),
            paragraph: r.and_then(|r| r.cited.as_ref()).map(|c| c.0.paragraph),
            sentence: r.and_then(|r| r.cited.as_ref()).map(|c| c.0.sentence),
            cited: r.and_then(|r| r.cited.as_ref()).map(|c| c.1.as_str()),
            confidence: r.map(|r| (r.confidence * 1000.0).round() / 1000.0),
        };
        super::append_json_line(&self.file, &line, "feedback log");
    }
}
