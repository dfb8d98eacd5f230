//! Text primitives shared by the article model, the knowledge extractor and the matcher:
//! normalising words, splitting text into tokens, stemming, edit distance, and a stable hash.
//!
//! Everything here is pure and allocation-light. This module knows nothing about sentences,
//! people or questions; it only turns characters into comparable words.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// A word of the text, lowercased and cleaned, with its byte span in the original string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lowercased word: letters and digits, dotted initials collapsed ("U.S." -> "us"),
    /// possessive "'s" removed, "%" kept as its own token.
    pub word: String,
    /// Byte range of the token in the text it came from.
    pub start: usize,
    pub end: usize,
    /// Whether the original started with an uppercase letter (a hint for names).
    pub capitalised: bool,
    /// Whether the original was written in dotted capitals ("U.S.", "J.D.").
    pub dotted: bool,
}

/// Splits `text` into word tokens.
///
/// Apostrophes (straight and curly) inside a word are handled: a trailing possessive `'s` is
/// dropped ("Ukraine’s" -> "ukraine"), other contractions are joined ("isn't" -> "isnt").
/// Hyphenated words give one token per part ("counter-offensives" -> "counter", "offensives").
/// A `%` sign becomes a token of its own so that "20%" reads as "20" and "%".
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (start, c) = bytes[i];
        if matches!(c, '%' | '$' | '€' | '£') {
            tokens.push(Token {
                word: c.to_string(),
                start,
                end: start + c.len_utf8(),
                capitalised: false,
                dotted: false,
            });
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            i += 1;
            continue;
        }
        // Dotted initials: a letter followed by '.', repeated at least twice ("U.S.", "J.D.").
        if let Some((len, word)) = dotted_initials(&bytes[i..]) {
            let end = if i + len < bytes.len() {
                bytes[i + len].0
            } else {
                text.len()
            };
            tokens.push(Token {
                word,
                start,
                end,
                capitalised: true,
                dotted: true,
            });
            i += len;
            continue;
        }
        let mut word = String::new();
        let mut j = i;
        while j < bytes.len() {
            let ch = bytes[j].1;
            if ch.is_alphanumeric() {
                word.extend(ch.to_lowercase());
                j += 1;
            } else if is_apostrophe(ch)
                && j + 1 < bytes.len()
                && bytes[j + 1].1.is_alphabetic()
                && !word.is_empty()
            {
                // Possessive 's at the end of a word is dropped; other contractions are joined.
                let next = bytes[j + 1].1;
                let after = bytes.get(j + 2).map(|b| b.1);
                if (next == 's' || next == 'S') && after.is_none_or(|a| !a.is_alphanumeric()) {
                    j += 2;
                    break;
                }
                j += 1;
            } else {
                break;
            }
        }
        let end = if j < bytes.len() {
            bytes[j].0
        } else {
            text.len()
        };
        // "pro-Russian" is one word, not "pro" and "Russian".
        if let Some(prev) = tokens.last_mut()
            && matches!(prev.word.as_str(), "pro" | "anti")
            && text[prev.end..start] == *"-"
        {
            prev.word.push_str(&word);
            prev.end = end;
            i = j;
            continue;
        }
        tokens.push(Token {
            word,
            start,
            end,
            capitalised: c.is_uppercase(),
            dotted: false,
        });
        i = j;
    }
    tokens
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ')
}

/// Recognises "U.S." / "J.D." / "u.s" at the start of `chars`: returns the number of chars
/// consumed and the collapsed lowercase word.
fn dotted_initials(chars: &[(usize, char)]) -> Option<(usize, String)> {
    let mut word = String::new();
    let mut i = 0;
    while i + 1 < chars.len() && chars[i].1.is_alphabetic() && chars[i + 1].1 == '.' {
        // The letter must stand alone (not the end of a longer word).
        if i == 0 || chars[i - 1].1 == '.' {
            word.extend(chars[i].1.to_lowercase());
            i += 2;
        } else {
            break;
        }
    }
    if word.chars().count() >= 2 {
        Some((i, word))
    } else {
        None
    }
}

/// Stems an English word with the Snowball (Porter 2) stemmer.
pub fn stem(word: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER
        .get_or_init(|| Stemmer::create(Algorithm::English))
        .stem(word)
        .into_owned()
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up
/// early and returning `max + 1` once the distance is known to exceed `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(max + 1)
}

/// Folds typographic quotes and apostrophes to their ASCII forms, for comparing user text
/// (typed with straight quotes) against article text (typeset with curly ones).
pub fn fold_quotes(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '“' | '”' | '„' | '«' | '»' => '"',
            '’' | '‘' | 'ʼ' => '\'',
            other => other,
        })
        .collect()
}

/// FNV-1a's starting value, for [`fnv1a`] from scratch.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over `bytes`, continuing from `hash` ([`FNV_OFFSET`] to start): a hash that is the
/// same in every run and build (noise seeds, cache file names, the model's fingerprint).
pub fn fnv1a(hash: u64, bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(hash, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn tokens_handle_initials_possessives_percent_and_hyphens() {
        assert_eq!(
            words("U.S. Vice President J.D. Vance said Ukraine’s 20% counter-offensives"),
            [
                "us",
                "vice",
                "president",
                "jd",
                "vance",
                "said",
                "ukraine",
                "20",
                "%",
                "counter",
                "offensives"
            ]
        );
        assert_eq!(words("isn't it, what's"), ["isnt", "it", "what"]);
        assert_eq!(words("the U.S.-EU plan"), ["the", "us", "eu", "plan"]);
        assert_eq!(words("a pro-Russian leader"), ["a", "prorussian", "leader"]);
    }

    #[test]
    fn token_spans_point_into_the_original() {
        let text = "Ukraine’s U.S. ally";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
        let t = &tokenize(text)[1];
        assert_eq!(&text[t.start..t.end], "U.S.");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("zelenksy", "zelensky", 2), 1);
        assert_eq!(edit_distance("hegset", "hegseth", 2), 1);
        assert_eq!(edit_distance("weather", "whether", 1), 2);
        assert_eq!(edit_distance("abc", "abcdef", 2), 3);
    }

    #[test]
    fn fnv1a_is_the_published_hash_and_continues() {
        // Reference values of 64-bit FNV-1a.
        assert_eq!(fnv1a(FNV_OFFSET, *b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(FNV_OFFSET, *b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            fnv1a(fnv1a(FNV_OFFSET, *b"ab"), *b"c"),
            fnv1a(FNV_OFFSET, *b"abc")
        );
    }
}
