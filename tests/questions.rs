//! The quality bars on the question set written for the built-in article.

use crate::helpers::{engine, fitted_article, repo};
use citebot::article::{ParagraphKind, split_sentences};
use citebot::eval;

/// Scores the built-in engine on a question file and checks the bars.
fn check_set(file: &str, min_questions: usize, top1: f64, abstention: f64, false_abstention: f64) {
    let text = std::fs::read_to_string(repo().join("tests/questions").join(file)).unwrap();
    let cases = eval::parse(&text).expect("the question file is well formed");
    assert!(
        cases.len() >= min_questions,
        "{file} has only {} questions",
        cases.len()
    );
    let report = eval::run(engine(), &cases);
    let summary = report.render();
    assert!(
        report.top1() >= top1,
        "{file}: top-1 below {top1}:\n{summary}"
    );
    assert!(
        report.abstention() >= abstention,
        "{file}: abstention below {abstention}:\n{summary}"
    );
    assert!(
        report.false_abstention() <= false_abstention,
        "{file}: false abstention above {false_abstention}:\n{summary}"
    );
}

#[test]
fn question_set_meets_the_quality_bars() {
    check_set("munich.txt", 150, 0.95, 0.95, 0.05);
}

/// The later batches were written after the engine's first version; a few of their misses were
/// studied, so they guard against regressions with slightly lower bars rather than being a true
/// held-out set.
#[test]
fn later_question_batches_stay_above_their_bars() {
    check_set("munich-holdout.txt", 150, 0.90, 0.90, 0.05);
}

/// Unanswerable questions that borrow the article's words: the hardest abstentions.
#[test]
fn adversarial_unanswerable_questions_mostly_abstain() {
    check_set("munich-adversarial.txt", 25, 1.0, 0.70, 0.0);
}

#[test]
fn every_suggested_question_is_answered() {
    let e = engine();
    assert!(e.suggestions().len() >= 5);
    for s in e.suggestions() {
        let a = e.ask(s);
        assert!(a.answered(), "suggestion {s:?} is not answered: {}", a.text);
    }
}

#[test]
fn every_autocomplete_question_is_answered() {
    let e = engine();
    let all = e.complete("", usize::MAX, 100);
    assert!(all.len() >= 20, "{all:?}");
    let unanswered: Vec<&String> = all.iter().filter(|q| !e.ask(q).answered()).collect();
    assert!(
        unanswered.is_empty(),
        "autocomplete offers questions it cannot answer: {unanswered:#?}"
    );
}

#[test]
fn every_citation_is_one_verbatim_sentence_of_a_body_paragraph() {
    let e = engine();
    let text = std::fs::read_to_string(repo().join("tests/questions/munich.txt")).unwrap();
    let article =
        std::fs::read_to_string(repo().join("config/munich-security-conference.txt")).unwrap();
    let lines: Vec<&str> = article.lines().filter(|l| !l.trim().is_empty()).collect();
    for case in eval::parse(&text).unwrap() {
        for c in e.ask(&case.question).citations {
            let paragraph = e.article().paragraph(c.id.paragraph).unwrap();
            assert_eq!(
                paragraph.kind,
                ParagraphKind::Body,
                "{:?} cites a {:?}",
                case.question,
                paragraph.kind
            );
            assert!(
                lines[c.id.paragraph - 1].contains(&c.text),
                "{:?}: not verbatim",
                case.question
            );
            let sentences = split_sentences(lines[c.id.paragraph - 1]);
            assert_eq!(
                sentences[c.id.sentence - 1],
                c.text,
                "{:?}: not one whole sentence",
                case.question
            );
        }
    }
}

#[test]
fn malformed_question_files_name_the_line() {
    let errors = eval::parse("ok question => 5.1\nno arrow here\nbad => 5\n").unwrap_err();
    assert_eq!(
        errors,
        [
            (
                2,
                "expected `QUESTION => CITATIONS` or `QUESTION => none`".to_string()
            ),
            (3, "\"5\" is not PARAGRAPH.SENTENCE".to_string()),
            (
                3,
                "no citations (write `none` for unanswerable)".to_string()
            ),
        ]
    );
}

/// Scores an engine for `article` (no curated knowledge) with the fitted scorer on its set.
fn fitted_report(article: &str, questions: &str) -> eval::Report {
    let dir = repo().join("tests");
    let text = std::fs::read_to_string(dir.join("articles").join(article)).unwrap();
    let mut config = citebot::Config::builtin().with_article(article, text.clone(), None);
    config.tuning.scorer = citebot::matcher::Scorer::Fitted;
    config.tuning.threshold = None;
    let engine = citebot::Engine::new(&config).unwrap();
    let q = std::fs::read_to_string(dir.join("questions").join(questions)).unwrap();
    let cases = eval::parse(&q).unwrap();
    let report = eval::run(&engine, &cases);
    for case in &cases {
        for c in engine.ask(&case.question).citations {
            assert!(
                text.contains(&c.text),
                "{:?} cites text not in the article",
                case.question
            );
        }
    }
    report
}

/// The fitted scorer on an article with no curated knowledge, the case it exists for; the
/// weights were fitted on this set among others, so this guards against regressions of the
/// signals and the fitting, it is not a measure of generality (README reports that,
/// leave-one-article-out).
#[test]
fn fitted_scorer_answers_an_uncurated_article() {
    let r = fitted_report("wildfire.txt", "wildfire.txt");
    let summary = r.render();
    // Measured when the weights were fitted: 0.769 / 0.320 / 0.185.
    assert!(r.top1() >= 0.75, "{summary}");
    assert!(r.false_abstention() <= 0.20, "{summary}");
    assert!(r.abstention() >= 0.30, "{summary}");
}

/// The fitted scorer against the rules on the same uncurated article: the reason it exists.
#[test]
fn fitted_scorer_refuses_fewer_answerable_questions_than_the_rules_on_a_new_article() {
    let fitted = fitted_report("plant-closure.txt", "plant-closure.txt");
    let dir = repo().join("tests");
    let text = std::fs::read_to_string(dir.join("articles/plant-closure.txt")).unwrap();
    let rules =
        citebot::Engine::new(&citebot::Config::builtin().with_article("a", text, None)).unwrap();
    let q = std::fs::read_to_string(dir.join("questions/plant-closure.txt")).unwrap();
    let rules = eval::run(&rules, &eval::parse(&q).unwrap());
    assert!(
        fitted.top1() > rules.top1() + 0.1,
        "fitted {}\nrules {}",
        fitted.render(),
        rules.render()
    );
    assert!(fitted.false_abstention() < rules.false_abstention());
}

/// Spelling correction mends misspellings, not real words: "country" is not a typo of the
/// article's "County", while "setlements" is one of "settlements".
#[test]
fn real_words_are_not_corrected_into_other_words_of_the_article() {
    let text = "The first settlements were in County Wexford, in the southeast of Ireland.\n";
    let config = citebot::Config::builtin().with_article("a.txt", text.to_string(), None);
    let engine = citebot::Engine::new(&config).unwrap();
    let country = engine.explain("In what country is Wexford?");
    assert!(country.contains("unknown: [\"country\"]"), "{country}");
    let typo = engine.explain("where were the first setlements?");
    assert!(typo.contains("unknown: []"), "{typo}");
    assert!(typo.contains("settlement"), "{typo}");
}

/// With the fitted scorer, a word the article never uses is read as the article's word
/// closest in meaning ("ref" as "referee"); a name the article never mentions is not read as
/// one it does, and the rules scorer reads words as written.
#[test]
fn unknown_words_meet_the_article_word_closest_in_meaning() {
    let text = "Referee Paul Dekker awarded a penalty after Trump watched the replay.\n";
    let mut config = fitted_article(text);
    let fitted = citebot::Engine::new(&config).unwrap();
    let ref_ = fitted.explain("who was the ref");
    assert!(
        ref_.contains("unknown: []") && ref_.contains("refere"),
        "{ref_}"
    );
    let name = fitted.explain("what did biden watch");
    assert!(name.contains("unknown: [\"biden\"]"), "{name}");
    config.tuning.scorer = citebot::matcher::Scorer::Rules;
    let rules = citebot::Engine::new(&config)
        .unwrap()
        .explain("who was the ref");
    assert!(rules.contains("unknown: [\"ref\"]"), "{rules}");
}

/// A word the article never uses counts as far from it (`unknown_far`) by how far the
/// article's closest word is in meaning: a capitalised name, never measured, counts in full;
/// a plain word counts less, as some article word is near it.
#[test]
fn unknown_words_count_as_far_as_the_closest_article_word_in_meaning() {
    let text = "Referee Paul Dekker awarded a penalty after Trump watched the replay.\n";
    let engine = citebot::Engine::new(&fitted_article(text)).unwrap();
    let signal = |explained: &str, name: &str| -> f32 {
        let at = explained
            .find(&format!(" {name} "))
            .unwrap_or_else(|| panic!("no {name} in {explained}"));
        let rest = &explained[at + name.len() + 2..];
        rest.split(' ').next().unwrap().parse().unwrap()
    };
    let name = engine.explain("What did Biden watch?");
    assert!(name.contains("unknown: [\"biden\"]"), "{name}");
    assert_eq!(signal(&name, "unknown"), signal(&name, "unknown_far"));
    let plain = engine.explain("what did the referee eat");
    assert!(plain.contains("unknown: [\"eat\"]"), "{plain}");
    let (unknown, far) = (signal(&plain, "unknown"), signal(&plain, "unknown_far"));
    assert!(far > 0.0 && far < unknown, "{plain}");
}
