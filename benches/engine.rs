//! Engine benchmarks: answering one question with each scorer, embedding one question, and
//! loading the article and building the index. Run with `cargo bench --bench engine`; the
//! figures for this machine are in README.md.

use citebot::matcher::Scorer;
use citebot::{Config, Engine};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

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
    c.bench_function("embed 64 words, in batches", |b| {
        b.iter(|| black_box(model.embed_batch(black_box(&words))))
    });
    c.bench_function("embed 64 words, one by one", |b| {
        b.iter(|| {
            for w in &words {
                black_box(model.embed_ids(&model.tokenize(black_box(w))));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
