//! Conversations in the core: how a follow-up is read in its context (no Discord), the bound on
//! the memory of contexts, and the command line's `chat`, `explain --after`, `review` and
//! `eval` of a reviewed file.

use crate::helpers::{citebot, engine, temp_dir};
use citebot::conversation::{self, Context, Memory, Record, Settings, Vote, Voted};
use std::time::Instant;

/// Asks `questions` in one conversation and checks each one's reading and top citation
/// ("none" when it is not answered).
fn check(questions: &[(&str, &str, &str)]) {
    let e = engine();
    let mut context: Option<Context> = None;
    for (question, read_as, cites) in questions {
        let turn = conversation::ask(e, context.as_ref(), question);
        assert_eq!(turn.reading.text, *read_as, "{question:?} read as");
        let got = turn
            .answer
            .citations
            .first()
            .map(|c| c.id.to_string())
            .unwrap_or_else(|| "none".to_string());
        assert_eq!(got, *cites, "{question:?} (read as {read_as:?}) cites");
        assert_eq!(
            turn.answer.question, *question,
            "the answer keeps the question as asked"
        );
        context = Some(turn.context);
    }
}

#[test]
fn a_pronoun_becomes_the_person_of_the_previous_question_or_its_answer() {
    check(&[
        (
            "who is the US defense secretary?",
            "who is the US defense secretary?",
            "12.1",
        ),
        (
            "what did he say about sending troops?",
            "what did Pete Hegseth say about sending troops?",
            "15.1",
        ),
    ]);
    check(&[
        (
            "who is the french president?",
            "who is the french president?",
            "3.1",
        ),
        (
            "what did he warn about?",
            "what did Emmanuel Macron warn about?",
            "3.1",
        ),
    ]);
}

#[test]
fn a_follow_up_about_a_person_is_answered_about_them_or_not_at_all() {
    // Regression: "what did he say about sending troops?" after a question about Macron was
    // answered with Hegseth's sentence, the one whose words matched.
    check(&[
        ("what did Macron say?", "what did Macron say?", "3.1"),
        (
            "what did he say about sending troops?",
            "what did Emmanuel Macron say about sending troops?",
            "none",
        ),
    ]);
}

#[test]
fn an_ellipsis_takes_the_previous_topic() {
    check(&[
        (
            "what is Zelensky's victory plan?",
            "what is Zelensky's victory plan?",
            "16.1",
        ),
        (
            "when was that?",
            "when was Zelensky's victory plan?",
            "16.1",
        ),
    ]);
    check(&[
        (
            "what does Russia think about Ukraine's NATO ambitions?",
            "what does Russia think about Ukraine's NATO ambitions?",
            "11.1",
        ),
        (
            "why?",
            "why does Russia think about Ukraine's NATO ambitions?",
            "11.1",
        ),
    ]);
}

#[test]
fn what_about_swaps_the_subject_and_who_said_that_names_the_quotation() {
    check(&[
        (
            "what did Macron say about sending troops?",
            "what did Macron say about sending troops?",
            "none",
        ),
        (
            "what about Hegseth?",
            "what did Hegseth say about sending troops?",
            "15.1",
        ),
    ]);
    check(&[
        (
            "what did Zelensky say about NATO?",
            "what did Zelensky say about NATO?",
            "11.2",
        ),
        (
            "who said that?",
            "Who said “the cheapest option for everyone”?",
            "11.2",
        ),
    ]);
}

#[test]
fn a_self_contained_question_replaces_the_context() {
    check(&[
        ("what did Macron say?", "what did Macron say?", "3.1"),
        (
            "how much of ukraine does russia control?",
            "how much of ukraine does russia control?",
            "5.1",
        ),
        // "he" now has no one to stand for: the previous question named nobody.
        (
            "when did Russia annex Crimea?",
            "when did Russia annex Crimea?",
            "5.2",
        ),
    ]);
    let e = engine();
    let turn = conversation::ask(e, None, "what did Macron say?");
    let read = conversation::read(e, Some(&turn.context), "what did Hegseth say about NATO?");
    assert!(!read.followed(), "{read:?}");
    assert_eq!(read.text, "what did Hegseth say about NATO?");
}

#[test]
fn hostile_follow_ups_never_panic() {
    let e = engine();
    let turn = conversation::ask(e, None, "what did Macron say?");
    let long = "he ".repeat(5000);
    for q in [
        "",
        "?",
        "he",
        "and",
        "what about",
        "and @everyone?",
        "why “",
        "who said that",
        long.as_str(),
        "his his his 's ’s",
        "and \u{0}\u{200b}?",
    ] {
        let t = conversation::ask(e, Some(&turn.context), q);
        assert!(!t.answer.text.contains("@everyone") || q.contains("@everyone"));
    }
}

#[test]
fn the_memory_stays_within_its_cap_under_a_flood_of_100000_people() {
    let mut memory = Memory::new(
        Settings {
            minutes: 10,
            max_contexts: 1000,
        },
        1,
    );
    let e = engine();
    let turn = conversation::ask(e, None, "who is the US defense secretary?");
    let now = Instant::now();
    for person in 0..100_000u64 {
        let id = memory.new_id();
        memory.remember((7, person), id, Record::of(&turn, "q", "chat"), now);
        assert!(memory.contexts() <= 1000 && memory.answers() <= 1000);
    }
    assert_eq!(memory.contexts(), 1000);
    assert_eq!(memory.answers(), 1000);
    // The most recent people keep their context; the first were let go.
    assert!(memory.context((7, 99_999), None, now).is_some());
    assert!(memory.context((7, 0), None, now).is_none());
}

#[test]
fn votes_are_one_per_person_per_answer_and_may_change() {
    let mut memory = Memory::new(Settings::default(), 1);
    let e = engine();
    let turn = conversation::ask(e, None, "who is vance");
    let id = memory.new_id();
    memory.remember(
        (1, 1),
        id,
        Record::of(&turn, "who is vance", "chat"),
        Instant::now(),
    );
    assert_eq!(memory.vote(id, 5, Vote::Down), Voted::New);
    assert_eq!(memory.vote(id, 5, Vote::Down), Voted::Again);
    assert_eq!(memory.vote(id, 5, Vote::Up), Voted::Changed(Vote::Down));
    assert_eq!(memory.vote(id, 6, Vote::Up), Voted::New);
    assert_eq!(memory.vote(id + 1, 5, Vote::Up), Voted::Unknown);
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn chat_follows_the_conversation_from_a_pipe() {
    let out = citebot(
        &["chat"],
        b"what did Macron say?\nwhat did he say about sending troops?\nwho is the US defense secretary?\nwhat did he say about sending troops?\n",
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(
            "(read as: what did Emmanuel Macron say about sending troops?)\nThe article doesn't say"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "(read as: what did Pete Hegseth say about sending troops?)\n  > Hegseth insisted"
        ),
        "{text}"
    );
}

#[test]
fn explain_after_shows_how_the_context_changed_the_reading() {
    let out = citebot(
        &[
            "explain",
            "--after",
            "what did Macron say?",
            "what did he say about sending troops?",
        ],
        b"",
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("context: what did Macron say?\ncontext people: [\"Emmanuel Macron\"]\ncontext cited: 3.1\nread as: what did Emmanuel Macron say about sending troops?\n  because “he” is Emmanuel Macron\nnormalized: "),
        "{text}"
    );
    // Without --after, explain is what it always was.
    let plain = stdout(&citebot(&["explain", "who is vance"], b""));
    assert!(plain.starts_with("normalized: "), "{plain}");
}

#[test]
fn review_groups_the_logs_into_a_question_file_that_eval_reports_as_unlabelled() {
    let dir = temp_dir("review");
    let unanswered = dir.join("unanswered.jsonl");
    let feedback = dir.join("feedback.jsonl");
    std::fs::write(
        &unanswered,
        concat!(
            r#"{"time":"2026-01-01T00:00:00Z","source":"chat","channel":"1","question":"what's the weather in munich?"}"#, "\n",
            r#"{"time":"2026-01-01T00:00:01Z","source":"chat","channel":"1","question":"whats the weather in Munich"}"#, "\n",
            r#"{"time":"2026-01-01T00:00:02Z","source":"slash","channel":"1","question":"why?","read_as":"why did Trump call Putin?"}"#, "\n",
            "a line that is not JSON\n",
        ),
    )
    .unwrap();
    std::fs::write(
        &feedback,
        concat!(
            r#"{"time":"2026-01-01T00:00:03Z","answer":"7","vote":"down","source":"chat","channel":"1","question":"what did he say about troops?","read_as":"what did Pete Hegseth say about troops?","answered":true,"paragraph":15,"sentence":1,"cited":"Hegseth insisted that President Trump is uniquely positioned.","confidence":0.8}"#, "\n",
            r#"{"time":"2026-01-01T00:00:04Z","answer":"8","vote":"up","source":"chat","channel":"1","question":"who is vance","answered":true,"paragraph":14,"sentence":2,"cited":"x","confidence":1.0}"#, "\n",
        ),
    )
    .unwrap();
    let out = citebot(
        &[
            "review",
            unanswered.to_str().unwrap(),
            feedback.to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = stdout(&out);
    expect_test::expect![[r#"
        # Questions from real traffic, to label (written by `citebot review`).
        # Replace each `?` with the sentences that answer the question (PARAGRAPH.SENTENCE,
        # see `citebot sentences`), or `none` when the article does not answer it; then
        # `citebot eval FILE` scores the bot on them. Lines still `=> ?` are skipped.

        # unanswered 2×
        # also asked as: “whats the weather in Munich”
        # the bot did not answer
        what's the weather in munich? => ?

        # unanswered 1×
        # also asked as: “why?”
        # the bot did not answer
        why did Trump call Putin? => ?

        # down-voted 1×
        # also asked as: “what did he say about troops?”
        # the bot answered 15.1 (1 down): Hegseth insisted that President Trump is uniquely positioned.
        what did Pete Hegseth say about troops? => ?
    "#]]
    .assert_eq(&file);

    // The admin labels one; eval scores it and names the lines still to label.
    let labelled = file.replacen(
        "what's the weather in munich? => ?",
        "what's the weather in munich? => none",
        1,
    );
    let questions = dir.join("to-label.txt");
    std::fs::write(&questions, labelled).unwrap();
    let out = citebot(&["eval", questions.to_str().unwrap()], b"");
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("correct abstention 1.000  (1/1 unanswerable)"),
        "{}",
        stdout(&out)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 questions are not labelled yet and were skipped (lines 14, 19)"),
        "{err}"
    );

    // --out writes the file and says so.
    let written = dir.join("review.txt");
    let out = citebot(
        &[
            "review",
            "--out",
            written.to_str().unwrap(),
            unanswered.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success());
    assert!(
        stdout(&out).starts_with("2 questions to label written to"),
        "{}",
        stdout(&out)
    );
    assert!(
        std::fs::read_to_string(&written)
            .unwrap()
            .contains("why did Trump call Putin? => ?")
    );
}
