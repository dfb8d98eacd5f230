//! The unanswered-question log: one JSON line per question the bot could not answer, with the
//! channel and time (and who asked only when the admin opts in), for improving the curated
//! intents.

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct UnansweredLog {
    file: Mutex<File>,
    include_users: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    source: &'a str,
    channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    question: &'a str,
    /// The question as read in the context of the asker's previous one, when that changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    read_as: Option<&'a str>,
}

impl UnansweredLog {
    /// Opens (creating or appending to) the log file.
    pub fn open(path: &Path, include_users: bool) -> std::io::Result<UnansweredLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(UnansweredLog {
            file: Mutex::new(file),
            include_users,
        })
    }

    /// Appends one question; a failure to write is logged, never fatal.
    pub fn record(
        &self,
        source: &str,
        channel: u64,
        user: u64,
        question: &str,
        read_as: Option<&str>,
    ) {
        let line = Line {
            time: rfc3339(SystemTime::now()),
            source,
            channel: channel.to_string(),
            user: self.include_users.then(|| user.to_string()),
            question,
            read_as: read_as.filter(|r| *r != question),
        };
        super::append_json_line(&self.file, &line, "unanswered-question log");
    }
}

/// UTC time as RFC 3339 ("2026-11-26T23:05:10Z").
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_795_734_310)),
            "2026-11-26T23:05:10Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }
}
