//! Scoring a (question, sentence) pair: a struct of named signals, combined by one function
//! with fitted weights into the probability that the sentence answers the question.
//!
//! Each signal is computed by the matcher (one small function each, tested there); this module
//! owns their names, their combination and the weights. The weights are not set by hand: they
//! are a logistic model fitted by `citebot fit` (see [`crate::fit`]) on labelled question files
//! of several articles, and stored in `src/weights.toml` next to that command, together with
//! the abstention threshold it chose on articles left out of the fit. So the probability is
//! calibrated: "0.8" means that about four in five such answers were right.
//!
//! This module knows nothing about text; it only combines numbers.

use serde::Deserialize;
use std::sync::OnceLock;

/// Declares the signals once: the struct, its names in order, and access by position.
macro_rules! features {
    ($( $(#[doc = $doc:expr])* $name:ident ),* $(,)?) => {
        /// The signals of one (question, sentence) pair. All are 0 when they do not apply.
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct Features {
            $( $(#[doc = $doc])* pub $name: f32, )*
        }

        impl Features {
            /// The signals' names, in the order of [`Features::values`].
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The signals as a vector, in the order of [`Features::NAMES`].
            pub fn values(&self) -> Vec<f32> {
                vec![$(self.$name),*]
            }
        }
    };
}

features! {
    /// BM25 over the question's concepts (stems shared by synonyms).
    lexical,
    /// `lexical` over the best `lexical` of any sentence: 1 for the lexically best one.
    lexical_rel,
    /// Share of the question's weight (concepts, people, unknown words) the sentence accounts for.
    coverage,
    /// Share accounted for only through the sentence before it (an anaphoric sentence).
    context,
    /// Share of the question's weight in words the article never uses (same for every sentence).
    unknown,
    /// `unknown`, each word counted by how far the article's closest word is in meaning (1
    /// minus the cosine): high when nothing in the article is even near what is asked.
    unknown_far,
    /// The heaviest part of the question (a concept, a person, an unknown word) that neither
    /// the sentence nor its context has, over the question's heaviest part: 1 when the most
    /// specific thing asked about is missing.
    missing,
    /// Share of the people the question names that the sentence names (or its context does).
    people,
    /// The question names people and the sentence names none of them.
    people_absent,
    /// A person the question asks about speaks in the sentence (quoted or reported).
    speaker,
    /// The question asks for a kind of answer (a figure, a time, a place, a reason, a person).
    type_asked,
    /// ... and the sentence has one.
    type_present,
    /// A quote request, and the sentence holds a direct quotation.
    quote_match,
    /// A quote request about a topic the sentence mostly lacks.
    topic_missing,
    /// A name the question gives (a place, an organisation) is absent from the sentence.
    name_missing,
    /// A figure the question states (a year, a number, "the 10th century") is absent.
    figure_missing,
    /// The question asks for a kind of quantity (money, an age, a time of day, a length, ...)
    /// that the sentence does not state ("how much did it cost?" and no sum of money).
    measure_missing,
    /// The thing asked about ("the date of ...", "the cost of ...") is absent.
    focus_missing,
    /// The subject of "what did X do" is absent.
    subject_missing,
    /// The subject of the question opens the sentence (what the sentence is about).
    subject_leads,
    /// A definitional question ("what is the MSC?") and the sentence introduces the term.
    definition,
    /// A curated intent chose this sentence.
    intent,
    /// A factual question about no one in particular, and the sentence is a quotation.
    quotation,
    /// Cosine of the question's and the sentence's embeddings (meaning, not words).
    semantic,
    /// `semantic` minus the best `semantic` of any sentence: 0 for the closest in meaning.
    semantic_rel,
    /// Word pieces per word of the question, minus one (at most 2): high for keyboard mash and
    /// noise.
    garble,
}

/// The fitted model: a weight per signal, a bias, and the abstention threshold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// How the weights were made (the command and the question sets), for readers.
    #[serde(default)]
    pub fitted_on: String,
    pub bias: f32,
    /// Below this probability the bot says the article does not say.
    pub threshold: f32,
    /// Weight per signal name; a missing name weighs 0.
    pub weights: std::collections::BTreeMap<String, f32>,
    /// The answer model: bias and weights over [`ANSWER_NAMES`], the best sentence's signals.
    #[serde(default)]
    pub answer_bias: f32,
    #[serde(default)]
    pub answer: std::collections::BTreeMap<String, f32>,
    /// The cascade: the same models fitted without the meaning signals, and the confidence
    /// of theirs at or above which their answer is taken without running the embedding model
    /// (chosen by `citebot fit` so that they agree with the full models on at least 98% of
    /// the questions they take).
    #[serde(default = "never")]
    pub sure: f32,
    #[serde(default)]
    pub fast: Option<Box<Weights>>,
}

fn never() -> f32 {
    1.0
}

/// The signals without the meaning ones, as the fast models of the cascade see them.
pub fn without_meaning(f: &Features) -> Features {
    Features {
        semantic: 0.0,
        semantic_rel: 0.0,
        ..*f
    }
}

/// The answer model's inputs: the best sentence's signals, then `top` (the log-odds of its
/// ranking probability) and `margin` (how far ahead of the second it is, in probability).
pub const ANSWER_NAMES: &[&str] = &[
    "lexical",
    "lexical_rel",
    "coverage",
    "context",
    "unknown",
    "unknown_far",
    "missing",
    "people",
    "people_absent",
    "speaker",
    "type_asked",
    "type_present",
    "quote_match",
    "topic_missing",
    "name_missing",
    "figure_missing",
    "measure_missing",
    "focus_missing",
    "subject_missing",
    "subject_leads",
    "definition",
    "intent",
    "quotation",
    "semantic",
    "semantic_rel",
    "garble",
    "top",
    "margin",
];

/// The best sentence (by the ranking model) and the answer model's inputs for it.
pub fn answer_signals(features: &[Features], w: &Weights) -> (usize, Vec<f32>) {
    let mut probs: Vec<(usize, f32)> = features
        .iter()
        .map(|f| probability(f, w))
        .enumerate()
        .collect();
    probs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let Some(&(best, p)) = probs.first() else {
        return (0, vec![0.0; ANSWER_NAMES.len()]);
    };
    let second = probs.get(1).map_or(0.0, |x| x.1);
    let f = &features[best];
    let by_name: std::collections::HashMap<&str, f32> =
        Features::NAMES.iter().copied().zip(f.values()).collect();
    // Bounded: a probability of 1e-9 is no more telling than one of 1e-4.
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    let x = ANSWER_NAMES
        .iter()
        .map(|n| match *n {
            "top" => (p / (1.0 - p)).ln(),
            "margin" => p - second,
            n => by_name.get(n).copied().unwrap_or(0.0),
        })
        .collect();
    (best, x)
}

/// The best sentence and the confidence that it answers the question: the answer model's
/// probability (the ranking probability itself when no answer model was fitted).
pub fn confidence(features: &[Features], w: &Weights) -> (usize, f32) {
    let (best, x) = answer_signals(features, w);
    if w.answer.is_empty() {
        return (best, features.get(best).map_or(0.0, |f| probability(f, w)));
    }
    let z: f32 = w.answer_bias
        + ANSWER_NAMES
            .iter()
            .zip(&x)
            .map(|(n, v)| w.answer.get(*n).copied().unwrap_or(0.0) * v)
            .sum::<f32>();
    (best, sigmoid(z))
}

impl Weights {
    /// The weights shipped with citebot (`src/weights.toml`).
    pub fn builtin() -> &'static Weights {
        static W: OnceLock<Weights> = OnceLock::new();
        W.get_or_init(|| {
            toml::from_str(include_str!("weights.toml")).expect("src/weights.toml is valid")
        })
    }

    /// The weights in the order of [`Features::NAMES`].
    pub fn vector(&self) -> Vec<f32> {
        Features::NAMES
            .iter()
            .map(|n| self.weights.get(*n).copied().unwrap_or(0.0))
            .collect()
    }

    /// Writes the weights as `src/weights.toml` holds them.
    pub fn to_toml(&self) -> String {
        let mut s =
            "# Fitted by `citebot fit`; do not edit by hand (see src/fit.rs).\n".to_string();
        self.write_toml("", &mut s);
        s
    }

    fn write_toml(&self, prefix: &str, s: &mut String) {
        s.push_str(&format!(
            "fitted_on = {:?}\n# The ranking model's bias, the answer model's bias, the confidence threshold,\n# and the fast models' confidence from which the embedding model is skipped.\nbias = {}\nanswer_bias = {}\nthreshold = {}\nsure = {}\n\n# The ranking model: does this sentence answer the question?\n[{prefix}weights]\n",
            self.fitted_on, self.bias, self.answer_bias, self.threshold, self.sure
        ));
        for name in Features::NAMES {
            let w = self.weights.get(*name).copied().unwrap_or(0.0);
            s.push_str(&format!("{name} = {w}\n"));
        }
        s.push_str(&format!(
            "\n# The answer model: is the best sentence right? Its probability is the confidence.\n[{prefix}answer]\n"
        ));
        for name in ANSWER_NAMES {
            let w = self.answer.get(*name).copied().unwrap_or(0.0);
            s.push_str(&format!("{name} = {w}\n"));
        }
        if let Some(fast) = &self.fast {
            s.push_str(&format!(
                "\n# The cascade's fast models: the same without the meaning signals.\n[{prefix}fast]\n"
            ));
            fast.write_toml(&format!("{prefix}fast."), s);
        }
    }
}

/// Each signal's share of the score (weight times value), in the order of [`Features::NAMES`].
pub fn contributions(f: &Features, w: &Weights) -> Vec<(&'static str, f32)> {
    Features::NAMES
        .iter()
        .zip(f.values())
        .zip(w.vector())
        .map(|((n, v), w)| (*n, v * w))
        .collect()
}

/// The probability that the sentence answers the question: the logistic of the weighted sum.
pub fn probability(f: &Features, w: &Weights) -> f32 {
    let z: f32 = w.bias + contributions(f, w).iter().map(|(_, c)| c).sum::<f32>();
    sigmoid(z)
}

pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_line_up() {
        let f = Features {
            lexical: 1.0,
            garble: 2.0,
            ..Features::default()
        };
        let v = f.values();
        assert_eq!(v.len(), Features::NAMES.len());
        assert_eq!(v[0], 1.0);
        assert_eq!(*v.last().unwrap(), 2.0);
        assert_eq!(*Features::NAMES.last().unwrap(), "garble");
    }

    #[test]
    fn probability_is_the_logistic_of_the_weighted_sum() {
        let w = Weights {
            fitted_on: String::new(),
            bias: -1.0,
            threshold: 0.5,
            weights: [("lexical".to_string(), 2.0)].into_iter().collect(),
            answer_bias: 0.0,
            answer: Default::default(),
            sure: 1.0,
            fast: None,
        };
        let f = Features {
            lexical: 0.5,
            semantic: 9.0,
            ..Features::default()
        };
        assert!((probability(&f, &w) - 0.5).abs() < 1e-6);
        let c = contributions(&f, &w);
        assert_eq!(c[0], ("lexical", 1.0));
        assert!(c.iter().skip(1).all(|(_, v)| *v == 0.0));
    }

    #[test]
    fn shipped_weights_parse_and_name_only_known_signals() {
        let w = Weights::builtin();
        assert!(
            w.weights
                .keys()
                .all(|k| Features::NAMES.contains(&k.as_str()))
        );
        assert!((0.0..1.0).contains(&w.threshold));
        assert!(w.answer.keys().all(|k| ANSWER_NAMES.contains(&k.as_str())));
        let round: Weights = toml::from_str(&w.to_toml()).unwrap();
        assert_eq!(round.vector(), w.vector());
        assert_eq!(round.answer, w.answer);
        assert_eq!(round, *w);
    }
}
