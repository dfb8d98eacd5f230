//! The working vocabulary: the general lexicon compiled into lookup tables, plus the synonym
//! groups of the curated knowledge file. It turns text into normalised words and words into
//! concepts (a stem shared by a synonym group), the same way for the article and for questions.
//!
//! Built once at load; read-only afterwards.

use crate::lexicon;
use crate::text::{self, Token};
use std::collections::{HashMap, HashSet};

/// A normalised word with its byte span in the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub capitalised: bool,
}

#[derive(Debug, Clone)]
pub struct Vocab {
    stop: HashSet<&'static str>,
    slang: HashMap<&'static str, &'static str>,
    phrases: HashMap<String, String>,
    /// stem -> the canonical stem of its synonym group.
    groups: HashMap<String, String>,
    /// Word -> the word whose concept it takes: the lexicon's word-level overrides and
    /// irregular past forms ("won" -> "win").
    word_concepts: HashMap<&'static str, &'static str>,
}

impl Vocab {
    /// Builds the vocabulary from the general lexicon plus `extra` synonym groups (each group's
    /// words are made to share one concept; a group that touches a built-in group joins it).
    pub fn new(extra: &[Vec<String>], extra_phrases: &[(String, String)]) -> Vocab {
        let mut groups = HashMap::new();
        for group in lexicon::SYNONYMS {
            let canon = text::stem(group[0]);
            for w in group.iter() {
                groups.entry(text::stem(w)).or_insert_with(|| canon.clone());
            }
        }
        for group in extra {
            let stems: Vec<String> = group
                .iter()
                .map(|w| text::stem(&w.to_lowercase()))
                .collect();
            let Some(first) = stems.first() else { continue };
            let canon = stems
                .iter()
                .find_map(|s| groups.get(s).cloned())
                .unwrap_or_else(|| first.clone());
            for s in stems {
                groups.insert(s, canon.clone());
            }
        }
        Vocab {
            word_concepts: lexicon::IRREGULAR
                .iter()
                .chain(lexicon::WORD_CONCEPTS)
                .copied()
                .collect(),
            stop: lexicon::STOP_WORDS.iter().copied().collect(),
            slang: lexicon::SLANG.iter().copied().collect(),
            phrases: lexicon::PHRASES
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .chain(extra_phrases.iter().cloned())
                .collect(),
            groups,
        }
    }

    pub fn is_stop(&self, word: &str) -> bool {
        self.stop.contains(word)
    }

    /// Whether the lexicon knows this word in any role (stop word, slang, synonym).
    pub fn knows(&self, word: &str) -> bool {
        self.stop.contains(word)
            || self.slang.contains_key(word)
            || self.groups.contains_key(&text::stem(word))
    }

    /// The concept a word stands for: its stem, or its synonym group's stem.
    pub fn concept(&self, word: &str) -> String {
        let word = self.word_concepts.get(word).copied().unwrap_or(word);
        let s = text::stem(word);
        match self.groups.get(&s) {
            Some(c) => c.clone(),
            None => s,
        }
    }

    /// Words of article text: tokens with multi-word expressions joined.
    pub fn article_words(&self, text: &str) -> Vec<Word> {
        self.phrase_join(text::tokenize(text).into_iter().map(word).collect())
    }

    /// Words of a chat question: tokens with slang expanded and multi-word expressions joined.
    pub fn question_words(&self, text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        for t in text::tokenize(text) {
            match self.slang.get(t.word.as_str()) {
                Some(rep) if !t.dotted => {
                    for r in rep.split(' ') {
                        out.push(Word {
                            text: r.to_string(),
                            start: t.start,
                            end: t.end,
                            capitalised: t.capitalised,
                        });
                    }
                }
                _ => out.push(word(t)),
            }
        }
        self.phrase_join(out)
    }

    /// Replaces two- and three-word expressions by their single-word forms.
    pub fn phrase_join(&self, words: Vec<Word>) -> Vec<Word> {
        let mut out: Vec<Word> = Vec::with_capacity(words.len());
        let mut i = 0;
        'outer: while i < words.len() {
            for n in [4usize, 3, 2] {
                if i + n <= words.len() {
                    let key = words[i..i + n]
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if let Some(rep) = self.phrases.get(&key) {
                        for r in rep.split(' ') {
                            out.push(Word {
                                text: r.to_string(),
                                start: words[i].start,
                                end: words[i + n - 1].end,
                                capitalised: words[i].capitalised,
                            });
                        }
                        i += n;
                        continue 'outer;
                    }
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }
}

fn word(t: Token) -> Word {
    Word {
        text: t.word,
        start: t.start,
        end: t.end,
        capitalised: t.capitalised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: Vec<Word>) -> Vec<String> {
        words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn slang_and_phrases_are_normalised() {
        let v = Vocab::new(&[], &[("land swap".into(), "landswap".into())]);
        assert_eq!(
            texts(v.question_words("wat did the VP say abt the land swap")),
            [
                "what",
                "did",
                "the",
                "vice",
                "president",
                "say",
                "about",
                "the",
                "landswap"
            ]
        );
        assert_eq!(
            texts(v.article_words("The United States does not")),
            ["the", "us", "does", "not"]
        );
    }

    #[test]
    fn synonyms_share_a_concept_and_extra_groups_join_them() {
        let v = Vocab::new(&[vec!["capital".into(), "kyiv".into()]], &[]);
        assert_eq!(v.concept("land"), v.concept("territory"));
        assert_eq!(v.concept("joining"), v.concept("membership"));
        assert_eq!(v.concept("capital"), v.concept("kyiv"));
        assert_ne!(v.concept("weather"), v.concept("territory"));
    }
}
