//! Fitting the scoring weights (`citebot fit`): a logistic model over the matcher's named
//! signals, learned from labelled question files of several articles, and the abstention
//! threshold that keeps false abstention at most [`FALSE_ABSTENTION`] on them.
//!
//! Every (question, sentence) pair of every set is one example: positive when the sentence is
//! one of the question's acceptable citations, negative otherwise (all of an unanswerable
//! question's pairs are negative). The fit is Newton's method on the L2-regularised log-loss,
//! which converges in a few steps for a model this small and gives the same weights every run.
//!
//! Generality is measured leave-one-set-out ([`folds`]): fit on every set but one, choose the
//! threshold on those, and score the one left out; these are the figures README reports.
//!
//! The sets are listed in `tests/questions/sets.toml` ([`Manifest`]). Reading the files is the
//! command line's job; this module computes.

use crate::Engine;
use crate::eval::Case;
use crate::score::{self, Features, Weights};
use serde::Deserialize;

/// The false abstention the threshold allows on the sets it is chosen on.
pub const FALSE_ABSTENTION: f64 = 0.05;
/// L2 regularisation of the weights (not the bias).
const L2: f64 = 1.0;
const NEWTON_STEPS: usize = 30;

/// `tests/questions/sets.toml`: the labelled question sets, paths relative to that file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub set: Vec<SetSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetSpec {
    pub name: String,
    /// A plain-text article answered without curated knowledge; absent: the built-in article
    /// with its curated knowledge.
    #[serde(default)]
    pub article: Option<String>,
    /// Question files in `citebot eval` format.
    #[serde(default)]
    pub questions: Vec<String>,
    /// A SQuAD-style JSON-lines question file (gold answers as character spans).
    #[serde(default)]
    pub squad: Option<String>,
    /// Whether the set may be missing (data that lives outside the repository).
    #[serde(default)]
    pub optional: bool,
}

/// One question's signals for every sentence, and its acceptable sentences (indexes into
/// the article's sentences; empty when it is unanswerable).
#[derive(Debug, Clone)]
pub struct Sample {
    pub features: Vec<Features>,
    pub gold: Vec<usize>,
}

/// The samples of a set: questions the engine decides by a rule before scoring (a quote
/// request about someone never quoted, "who wrote this?") are left out.
pub fn samples(engine: &Engine, cases: &[Case]) -> Vec<Sample> {
    cases
        .iter()
        .filter_map(|case| {
            let features = engine.features(&case.question)?;
            let gold = case
                .expect
                .iter()
                .filter_map(|id| engine.article().sentences.iter().position(|s| s.id == *id))
                .collect();
            Some(Sample { features, gold })
        })
        .collect()
}

/// Fits the weights on `samples` and chooses the threshold on them: first the ranking model
/// over every (question, sentence) pair, then the answer model over each question's best
/// sentence (is it right?), whose probability is the confidence the threshold applies to.
pub fn fit(samples: &[&Sample], fitted_on: &str) -> Weights {
    let mut full = fit_models(samples, fitted_on);
    let fast_samples: Vec<Sample> = samples
        .iter()
        .map(|s| Sample {
            features: s.features.iter().map(score::without_meaning).collect(),
            gold: s.gold.clone(),
        })
        .collect();
    let fast_refs: Vec<&Sample> = fast_samples.iter().collect();
    let fast = fit_models(&fast_refs, "the same, without the meaning signals");
    full.sure = sure_level(samples, &fast_refs, &full, &fast);
    full.fast = Some(Box::new(fast));
    full
}

/// The lowest fast-model confidence (in steps of 0.01 from 0.5) at or above which the fast
/// models agree with the full ones (same sentence, both answering) on at least 98% of the
/// questions they would take; 1 (never) when none does.
fn sure_level(
    full_samples: &[&Sample],
    fast_samples: &[&Sample],
    full: &Weights,
    fast: &Weights,
) -> f32 {
    let decisions: Vec<(f32, bool)> = full_samples
        .iter()
        .zip(fast_samples)
        .map(|(a, b)| {
            let (top_full, conf_full) = score::confidence(&a.features, full);
            let (top_fast, conf_fast) = score::confidence(&b.features, fast);
            let agree = top_full == top_fast && conf_full >= full.threshold;
            (conf_fast, agree)
        })
        .collect();
    for step in 50..100 {
        let level = step as f32 / 100.0;
        let taken: Vec<bool> = decisions
            .iter()
            .filter(|(c, _)| *c >= level)
            .map(|(_, a)| *a)
            .collect();
        if !taken.is_empty()
            && taken.iter().filter(|a| **a).count() as f64 >= 0.98 * taken.len() as f64
        {
            return level;
        }
    }
    1.0
}

/// Fits the ranking and answer models and the threshold.
fn fit_models(samples: &[&Sample], fitted_on: &str) -> Weights {
    let pairs: Vec<(Vec<f64>, f64)> = samples
        .iter()
        .flat_map(|s| {
            s.features.iter().enumerate().map(|(i, f)| {
                let x = f.values().iter().map(|&v| v as f64).collect();
                (x, if s.gold.contains(&i) { 1.0 } else { 0.0 })
            })
        })
        .collect();
    let (rank, rank_bias) = logistic(&pairs);
    let mut weights = Weights {
        fitted_on: fitted_on.to_string(),
        bias: round(rank_bias),
        threshold: 0.5,
        weights: Features::NAMES
            .iter()
            .zip(&rank)
            .map(|(n, v)| (n.to_string(), round(*v)))
            .collect(),
        answer_bias: 0.0,
        answer: Default::default(),
        sure: 1.0,
        fast: None,
    };
    let tops: Vec<(Vec<f64>, f64)> = samples
        .iter()
        .map(|s| {
            let (best, x) = score::answer_signals(&s.features, &weights);
            let x = x.iter().map(|&v| v as f64).collect();
            (x, if s.gold.contains(&best) { 1.0 } else { 0.0 })
        })
        .collect();
    let (answer, answer_bias) = logistic(&tops);
    weights.answer_bias = round(answer_bias);
    weights.answer = score::ANSWER_NAMES
        .iter()
        .zip(&answer)
        .map(|(n, v)| (n.to_string(), round(*v)))
        .collect();
    weights.threshold = threshold(samples, &weights);
    weights
}

/// L2-regularised logistic regression by Newton's method: the weights and the bias.
fn logistic(rows: &[(Vec<f64>, f64)]) -> (Vec<f64>, f64) {
    let d = rows.first().map_or(0, |(x, _)| x.len()) + 1; // the bias last
    let mut w = vec![0.0f64; d];
    for _ in 0..NEWTON_STEPS {
        let mut grad = vec![0.0f64; d];
        let mut hess = vec![vec![0.0f64; d]; d];
        for (x, y) in rows {
            let xb = |i: usize| if i + 1 == d { 1.0 } else { x[i] };
            let z: f64 = (0..d).map(|i| xb(i) * w[i]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = p * (1.0 - p);
            for i in 0..d {
                let xi = xb(i);
                if xi == 0.0 {
                    continue;
                }
                grad[i] += (p - y) * xi;
                for (j, h) in hess[i].iter_mut().enumerate() {
                    *h += r * xi * xb(j);
                }
            }
        }
        for i in 0..d - 1 {
            grad[i] += L2 * w[i];
            hess[i][i] += L2;
        }
        hess[d - 1][d - 1] += 1e-6;
        let step = solve(hess, grad);
        let mut moved = 0.0f64;
        for (wi, si) in w.iter_mut().zip(&step) {
            *wi -= si;
            moved = moved.max(si.abs());
        }
        if moved < 1e-7 {
            break;
        }
    }
    let bias = w.pop().unwrap_or(0.0);
    (w, bias)
}

fn round(v: f64) -> f32 {
    ((v * 1e4).round() / 1e4) as f32
}

/// The highest threshold on the confidence that abstains on at most [`FALSE_ABSTENTION`] of
/// the answerable questions.
pub fn threshold(samples: &[&Sample], weights: &Weights) -> f32 {
    let mut best: Vec<f32> = samples
        .iter()
        .filter(|s| !s.gold.is_empty())
        .map(|s| score::confidence(&s.features, weights).1)
        .collect();
    if best.is_empty() {
        return 0.5;
    }
    best.sort_by(f32::total_cmp);
    let k = (FALSE_ABSTENTION * best.len() as f64).floor() as usize;
    // Just under the k-th lowest best probability, so that one is kept.
    let t = best[k.min(best.len() - 1)] - 1e-4;
    ((t * 1e4).floor() / 1e4).clamp(0.01, 0.99)
}

#[cfg(test)]
/// The best sentence of a sample and the confidence in it.
fn top(s: &Sample, weights: &Weights) -> (usize, f32) {
    score::confidence(&s.features, weights)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, p);
        b.swap(c, p);
        let pivot = a[c][c];
        if pivot.abs() < 1e-12 {
            continue;
        }
        for r in c + 1..n {
            let f = a[r][c] / pivot;
            if f != 0.0 {
                let pivot_row = a[c].clone();
                for (x, p) in a[r][c..].iter_mut().zip(&pivot_row[c..]) {
                    *x -= f * p;
                }
                b[r] -= f * b[c];
            }
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c].abs() < 1e-12 {
            0.0
        } else {
            (b[c] - s) / a[c][c]
        };
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[(f32, bool)]) -> Sample {
        Sample {
            features: values
                .iter()
                .map(|&(v, _)| Features {
                    coverage: v,
                    ..Features::default()
                })
                .collect(),
            gold: values
                .iter()
                .enumerate()
                .filter(|(_, (_, g))| *g)
                .map(|(i, _)| i)
                .collect(),
        }
    }

    #[test]
    fn solve_inverts_a_small_system() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]);
        assert!(
            (x[0] - 0.8).abs() < 1e-9 && (x[1] - 1.4).abs() < 1e-9,
            "{x:?}"
        );
    }

    #[test]
    fn fit_learns_that_the_signal_separates_answers() {
        let samples: Vec<Sample> = (0..40)
            .map(|i| {
                let v = 0.5 + (i % 5) as f32 * 0.1;
                sample(&[(v, true), (0.1, false), (0.2, false)])
            })
            .chain((0..10).map(|_| sample(&[(0.15, false), (0.1, false)])))
            .collect();
        let refs: Vec<&Sample> = samples.iter().collect();
        let w = fit(&refs, "test");
        assert!(w.weights["coverage"] > 1.0, "{w:?}");
        assert!(w.bias < 0.0);
        // Every answerable sample's best sentence is above the threshold, the noise below.
        for s in &samples {
            let (i, p) = top(s, &w);
            if s.gold.is_empty() {
                assert!(p < w.threshold, "{p} {}", w.threshold);
            } else {
                assert_eq!(i, 0);
            }
        }
    }

    #[test]
    fn threshold_keeps_all_but_the_allowed_share() {
        let w = Weights {
            fitted_on: String::new(),
            bias: 0.0,
            threshold: 0.5,
            weights: [("coverage".to_string(), 1.0)].into_iter().collect(),
            answer_bias: 0.0,
            answer: [("top".to_string(), 1.0)].into_iter().collect(),
            sure: 1.0,
            fast: None,
        };
        let samples: Vec<Sample> = (1..=100)
            .map(|i| sample(&[(i as f32 / 100.0, true)]))
            .collect();
        let refs: Vec<&Sample> = samples.iter().collect();
        let t = threshold(&refs, &w);
        let abstained = samples.iter().filter(|s| top(s, &w).1 < t).count();
        assert_eq!(abstained, 5);
    }
}
