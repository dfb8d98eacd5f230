//! Engine benchmarks: answering one question, and loading the article and building the index.
//! Run with `cargo bench`; the figures for this machine are in README.md.

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
