//! Engine benchmarks: answering one question with each scorer, embedding one question, and
//! loading the article and building the index; then the distribution of per-question times
//! of the fitted scorer over the built-in article's question files (median, p90, p99), which
//! criterion's averages do not show. Run with `cargo bench --bench engine` (on one core:
//! `taskset -c 1 cargo bench --bench engine`); the figures for this machine are in README.md.

use citebot::matcher::Scorer;
use citebot::{Config, Engine};
use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::time::{Duration, Instant};

const QUESTIONS: &[&str] = &[
    "How much of Ukraine does Russia control?",
    "what did zelenksy say about nato",
    "Who is the US defense secretary?",
    "When did Russia annex Crimea?",
    "What's the weather in Munich?",
    "Give me a quote from Zelensky",
];

fn bench(c: &mut Criterion) {
    let config = Config::builtin();
    let engine = Engine::new(&config).expect("valid");
    c.bench_function("ask (one question, mixed set)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % QUESTIONS.len();
            black_box(engine.ask(black_box(QUESTIONS[i])))
        })
    });
    for q in QUESTIONS {
        c.bench_function(&format!("ask {q:?}"), |b| {
            b.iter(|| black_box(engine.ask(black_box(q))))
        });
    }
    c.bench_function("load article and build index", |b| {
        b.iter(|| black_box(Engine::new(black_box(&config)).expect("valid")))
    });

    // The fitted scorer runs the embedding model on every new question: vary the question so
    // the embedding cache does not answer it.
    let mut fitted = config.clone();
    fitted.tuning.scorer = Scorer::Fitted;
    fitted.tuning.threshold = None;
    let engine = Engine::new(&fitted).expect("valid");
    let mut n = 0u64;
    c.bench_function("ask, fitted scorer (one new question, mixed set)", |b| {
        b.iter(|| {
            n += 1;
            let q = format!("{} {n}", QUESTIONS[n as usize % QUESTIONS.len()]);
            black_box(engine.ask(black_box(&q)))
        })
    });
    let spam = "what did zelensky say about nato and the plan for peace talks ".repeat(160);
    c.bench_function("ask, fitted scorer, 10,000 characters of spam", |b| {
        b.iter(|| {
            n += 1;
            black_box(engine.ask(black_box(&format!("{n} {spam}"))))
        })
    });
    let model = citebot::embed::model();
    c.bench_function("embed one question (12 word pieces)", |b| {
        let ids = model.tokenize("How much of Ukraine does Russia control right now?");
        assert_eq!(ids.len(), 12);
        b.iter(|| black_box(model.embed_ids(black_box(&ids))))
    });
    // The article's words, as the meaning match embeds them: in batches, against one by one.
    let article = citebot::Config::builtin().article_text;
    let mut words: Vec<String> = article
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    let words: Vec<&str> = words.iter().take(64).map(String::as_str).collect();
    // New texts every time, so that the embedding cache does not answer them.
    let mut n = 0u64;
    c.bench_function("embed 64 new words, in batches", |b| {
        b.iter(|| {
            n += 1;
            let texts: Vec<String> = words.iter().map(|w| format!("{w} {n}")).collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            black_box(model.embed_batch(black_box(&texts)))
        })
    });
    c.bench_function("embed 64 new words, one by one", |b| {
        b.iter(|| {
            n += 1;
            for w in &words {
                black_box(model.embed_ids(&model.tokenize(black_box(&format!("{w} {n}")))));
            }
        })
    });
}

/// The questions of the built-in article's question files, without their labels.
fn builtin_questions() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/questions");
    let mut questions = Vec::new();
    for file in [
        "munich.txt",
        "munich-holdout.txt",
        "munich-adversarial.txt",
        "munich-unseen.txt",
    ] {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).expect("question file");
        questions.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| l.split(" => ").next().unwrap_or(l).trim().to_string()),
        );
    }
    questions
}

/// The time of each question of [`builtin_questions`], each asked once of a warmed fitted
/// engine (a question asked before is answered from the embedding cache, as in the bot), and
/// their median, p90, p99 and largest.
fn per_question_times() {
    let mut config = Config::builtin();
    config.tuning.scorer = Scorer::Fitted;
    config.tuning.threshold = None;
    let engine = Engine::new(&config).expect("valid");
    engine.warm();
    let questions = builtin_questions();
    let mut times: Vec<Duration> = questions
        .iter()
        .map(|q| {
            let start = Instant::now();
            black_box(engine.ask(black_box(q)));
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "per question, fitted scorer, {} built-in questions: median {:.2?}, p90 {:.2?}, p99 {:.2?}, largest {:.2?}",
        times.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        times[times.len() - 1]
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    per_question_times();
}
