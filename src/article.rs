//! The article model: paragraphs, section headings, related links, and sentences with stable
//! numbers that citations show.
//!
//! Input is plain text with one paragraph per line. Paragraph numbers count the non-blank
//! lines of the file from 1, headings included, so "paragraph 5" is the fifth non-blank line
//! whatever its kind; sentence numbers count from 1 within their paragraph. Headings become
//! the section of the sentences below them and are never cited; a closing "Also Read: ..."
//! style line is kept as a related link, not as article content.
//!
//! This module does no I/O and knows nothing about questions.

/// Where a sentence stands: paragraph and sentence number, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SentenceId {
    pub paragraph: usize,
    pub sentence: usize,
}

impl std::fmt::Display for SentenceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.paragraph, self.sentence)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphKind {
    /// Article content: split into citable sentences.
    Body,
    /// A section heading: a topic for the sentences below it, never cited.
    Heading,
    /// A pointer to another story ("Also Read: ..."): shown as a related link, never cited.
    Related,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub number: usize,
    pub kind: ParagraphKind,
    pub text: String,
}

/// One citable sentence, verbatim.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub id: SentenceId,
    /// The sentence exactly as the article has it.
    pub text: String,
    /// The heading of the section it stands in, if any.
    pub section: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub paragraphs: Vec<Paragraph>,
    /// All body sentences in reading order.
    pub sentences: Vec<Sentence>,
}

impl Article {
    /// Parses an article: one paragraph per non-blank line.
    pub fn parse(text: &str) -> Article {
        let mut paragraphs = Vec::new();
        let mut sentences = Vec::new();
        let mut section: Option<String> = None;
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let number = i + 1;
            let kind = classify(line, i == lines.len() - 1);
            match kind {
                ParagraphKind::Heading => section = Some(line.trim_end_matches(':').to_string()),
                ParagraphKind::Related => {}
                ParagraphKind::Body => {
                    for (s, text) in split_sentences(line).into_iter().enumerate() {
                        sentences.push(Sentence {
                            id: SentenceId {
                                paragraph: number,
                                sentence: s + 1,
                            },
                            text: text.to_string(),
                            section: section.clone(),
                        });
                    }
                }
            }
            paragraphs.push(Paragraph {
                number,
                kind,
                text: line.to_string(),
            });
        }
        Article {
            paragraphs,
            sentences,
        }
    }

    pub fn sentence(&self, id: SentenceId) -> Option<&Sentence> {
        self.sentences.iter().find(|s| s.id == id)
    }

    pub fn paragraph(&self, number: usize) -> Option<&Paragraph> {
        number.checked_sub(1).and_then(|i| self.paragraphs.get(i))
    }

    /// Section headings in order.
    pub fn headings(&self) -> impl Iterator<Item = &Paragraph> {
        self.paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Heading)
    }

    /// Related-story lines ("Also Read: ..."), without their lead-in.
    pub fn related(&self) -> impl Iterator<Item = &str> {
        self.paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Related)
            .map(|p| strip_related_lead(&p.text))
    }
}

const RELATED_LEADS: &[&str] = &[
    "also read",
    "read also",
    "read more",
    "related",
    "see also",
    "recommended",
    "more on this",
];

fn strip_related_lead(line: &str) -> &str {
    match line.split_once(':') {
        Some((lead, rest)) if RELATED_LEADS.contains(&lead.trim().to_lowercase().as_str()) => {
            rest.trim()
        }
        _ => line,
    }
}

fn classify(line: &str, _last: bool) -> ParagraphKind {
    if let Some((lead, _)) = line.split_once(':')
        && RELATED_LEADS.contains(&lead.trim().to_lowercase().as_str())
    {
        return ParagraphKind::Related;
    }
    if is_heading(line) {
        ParagraphKind::Heading
    } else {
        ParagraphKind::Body
    }
}

/// A heading is a short line in title case that does not end like a sentence of prose.
fn is_heading(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words.len() > 12 {
        return false;
    }
    let last = line.chars().last().unwrap_or('.');
    if matches!(last, '.' | '"' | '”' | '’' | '\'' | ',' | ';') {
        return false;
    }
    if split_sentences(line).len() > 1 {
        return false;
    }
    // Title case: most words longer than three letters start with a capital.
    let long: Vec<&&str> = words
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 3)
        .collect();
    let capitalised = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    !long.is_empty() && capitalised * 10 >= long.len() * 7
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gen", "gov", "st", "jr", "sr", "inc", "ltd",
    "co", "corp", "vs", "etc", "lt", "col", "capt", "sgt", "rev", "no", "jan", "feb", "mar", "apr",
    "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "est", "fig", "e.g", "i.e",
];

const CLOSERS: &[char] = &['"', '”', '’', '\'', ')', ']', '»'];
const OPENERS: &[char] = &['"', '“', '‘', '\'', '(', '[', '«'];

/// Splits a paragraph into sentences, verbatim and trimmed.
///
/// A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets after it) when
/// the next word starts with a capital, a digit or an opening quote. Initials ("U.S.", "J.D."),
/// single capitals ("J. Smith"), decimals ("2.5"), and common abbreviations ("Mr.", "Dr.") do
/// not end a sentence; neither does punctuation inside a quotation that the sentence goes on
/// after ("“great,” expressing ...").
pub fn split_sentences(paragraph: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
                j += 1;
            }
            while j < chars.len() && CLOSERS.contains(&chars[j].1) {
                j += 1;
            }
            let at_end = j >= chars.len();
            let boundary = at_end
                || (chars[j].1.is_whitespace() && starts_sentence(&chars[j..]))
                    && !(c == '.' && is_abbreviation(paragraph, &chars, i));
            if boundary {
                let end = if at_end { paragraph.len() } else { chars[j].0 };
                let piece = paragraph[start..end].trim();
                if !piece.is_empty() {
                    out.push(piece);
                }
                start = end;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn starts_sentence(after: &[(usize, char)]) -> bool {
    let next = after.iter().map(|&(_, c)| c).find(|c| !c.is_whitespace());
    match next {
        Some(c) => c.is_uppercase() || c.is_ascii_digit() || OPENERS.contains(&c),
        None => true,
    }
}

/// Whether the period at `chars[dot]` closes an abbreviation or an initial.
fn is_abbreviation(text: &str, chars: &[(usize, char)], dot: usize) -> bool {
    // The word before the period.
    let mut k = dot;
    while k > 0 && (chars[k - 1].1.is_alphanumeric() || chars[k - 1].1 == '.') {
        k -= 1;
    }
    let word = &text[chars[k].0..chars[dot].0];
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return true; // "J. Smith", or the last letter of "U.S."
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 1) {
        return true; // "U.S", "e.g"
    }
    ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Lists every paragraph as question files and citations number it: each body sentence on a
/// line of its own behind its `PARAGRAPH.SENTENCE` number; headings and related links marked
/// as such, since they are never cited.
pub fn describe(article: &Article) -> String {
    let mut out = String::new();
    for p in &article.paragraphs {
        match p.kind {
            ParagraphKind::Heading => {
                out.push_str(&format!("{}   (heading) {}\n", p.number, p.text))
            }
            ParagraphKind::Related => {
                out.push_str(&format!("{}   (related) {}\n", p.number, p.text))
            }
            ParagraphKind::Body => {
                for s in article
                    .sentences
                    .iter()
                    .filter(|s| s.id.paragraph == p.number)
                {
                    out.push_str(&format!("{} {}\n", s.id, s.text));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_numbers_sentences_and_marks_headings() {
        let a = Article::parse("One here. Two there.\nA Heading Line\nThree.\n");
        assert_eq!(
            describe(&a),
            "1.1 One here.\n1.2 Two there.\n2   (heading) A Heading Line\n3.1 Three.\n"
        );
    }

    #[test]
    fn splitting_survives_initials_percent_and_quotes() {
        let p = "President Trump described the phone conversation as “great,” expressing optimism about the possibility of ending what he called a “horrible, very bloody war.” However, Ukraine’s President Volodymyr Zelensky issued a stern warning.";
        let s = split_sentences(p);
        assert_eq!(s.len(), 2);
        assert!(s[0].ends_with("bloody war.”"));
        assert!(s[1].starts_with("However,"));

        let p = "“The president is not walking into this blindly,” U.S. Vice President J.D. Vance said, hinting. Russia has taken around 20% of it. Dr. Smith agreed.";
        assert_eq!(
            split_sentences(p),
            [
                "“The president is not walking into this blindly,” U.S. Vice President J.D. Vance said, hinting.",
                "Russia has taken around 20% of it.",
                "Dr. Smith agreed."
            ]
        );
    }

    #[test]
    fn questions_and_exclamations_inside_quotes_continue_when_lowercase_follows() {
        assert_eq!(
            split_sentences("“Why now?” he asked. Nobody knew! Really."),
            ["“Why now?” he asked.", "Nobody knew!", "Really."]
        );
    }

    #[test]
    fn headings_and_related_lines_are_recognised() {
        let a = Article::parse(
            "First para. Two.\nThe Question of Territory\nBody text here.\nNATO Membership: A Distant Dream?\n\nAlso Read: Something Else Happens In Munich\n",
        );
        let kinds: Vec<ParagraphKind> = a.paragraphs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParagraphKind::Body,
                ParagraphKind::Heading,
                ParagraphKind::Body,
                ParagraphKind::Heading,
                ParagraphKind::Related
            ]
        );
        assert_eq!(a.sentences.len(), 3);
        assert_eq!(
            a.sentences[2].id,
            SentenceId {
                paragraph: 3,
                sentence: 1
            }
        );
        assert_eq!(
            a.sentences[2].section.as_deref(),
            Some("The Question of Territory")
        );
        assert_eq!(
            a.related().collect::<Vec<_>>(),
            ["Something Else Happens In Munich"]
        );
    }
}
