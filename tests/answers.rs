//! Answers to representative questions, one per kind, compared as rendered for people.
//! Regenerate after an intended change with `UPDATE_EXPECT=1 cargo test`, then review the diff.

use crate::helpers::{check, fitted_article};
use expect_test::expect;

#[test]
fn how_much_answers_with_the_figure_and_its_sentence() {
    check(
        "How much of Ukraine does Russia control?",
        expect![[r#"
        around 20% of Ukraine’s territory
          > Since the onset of conflict, Russia has taken control of around 20% of Ukraine’s territory, primarily in the eastern and southern regions.
            — paragraph 5, sentence 1 · The Question of Territory · Ukraine's future dominates the Munich Security Conference
        Confidence: high (1.00)
    "#]],
    );
}

#[test]
fn how_many_answers_with_a_count() {
    check(
        "how many regions did russia formally annex",
        expect![[r#"
        four Ukrainian regions
          > Russia, however, has formally annexed four Ukrainian regions and seeks international recognition of those territories as part of Russia.
            — paragraph 8, sentence 1 · The Question of Territory · Ukraine's future dominates the Munich Security Conference
        Confidence: high (1.00)
    "#]],
    );
}

#[test]
fn when_answers_with_the_time_phrase() {
    check(
        "When did Russia annex Crimea?",
        expect![[r#"
        Following the 2014 ousting of a pro-Russian Ukrainian president
          > Following the 2014 ousting of a pro-Russian Ukrainian president, Russia annexed Crimea and backed separatist forces in Donetsk and Luhansk.
            — paragraph 5, sentence 2 · The Question of Territory · Ukraine's future dominates the Munich Security Conference
        Confidence: high (1.00)
    "#]],
    );
}

#[test]
fn who_by_role_answers_with_the_person_as_the_article_names_them() {
    check(
        "who's the us defense secretary",
        expect![[r#"
        U.S. Defense Secretary Pete Hegseth
          > While NATO leaders have expressed support for Ukraine’s eventual membership, U.S. Defense Secretary Pete Hegseth poured cold water on the idea, stating that NATO membership as part of a peace deal is unlikely.
            — paragraph 12, sentence 1 · NATO Membership: A Distant Dream? · Ukraine's future dominates the Munich Security Conference
        Confidence: high (1.00)
    "#]],
    );
}

#[test]
fn quote_request_gives_the_quotation_and_its_speaker() {
    check(
        "What did the vice president say?",
        expect![[r#"
        “The president is not walking into this blindly” — U.S. Vice President J.D. Vance
          > “The president is not walking into this blindly,” U.S. Vice President J.D. Vance said, hinting that military options remain on the table.
            — paragraph 15, sentence 2 · Security Guarantees and Future Arrangements · Ukraine's future dominates the Munich Security Conference
        Confidence: high (1.00)
    "#]],
    );
}

#[test]
fn who_said_answers_with_the_speaker() {
    check(
        "who said the cheapest option for everyone",
        expect![[r#"
        Volodymyr Zelensky
        Quote: “the cheapest option for everyone” — Volodymyr Zelensky
          > Zelensky urged Europe to unite in support of Ukraine’s NATO bid, calling it “the cheapest option for everyone” to maintain regional security.
            — paragraph 11, sentence 2 · NATO Membership: A Distant Dream? · Ukraine's future dominates the Munich Security Conference
        Confidence: high (1.00)
    "#]],
    );
}

#[test]
fn article_summary_cites_the_lead() {
    check(
        "tldr?",
        expect![[r#"
          > The future of Ukraine dominated discussions at the Munich Security Conference (MSC), just days after a surprising phone call between U.S. President Donald Trump and Russian President Vladimir Putin sparked renewed hope for peace negotiations in the ongoing Ukraine war.
            — paragraph 1, sentence 1 · Ukraine's future dominates the Munich Security Conference
        Confidence: high (0.90)
    "#]],
    );
}

#[test]
fn source_question_names_the_article() {
    check(
        "what's the source?",
        expect![[r#"
        “Ukraine's future dominates the Munich Security Conference”. Citations give the paragraph (counting every non-blank line of the article, headings included) and the sentence within it.
    "#]],
    );
}

#[test]
fn unanswerable_question_says_so_and_suggests_questions() {
    check(
        "What's the weather in Munich?",
        expect![[r#"
        The article doesn't say anything about “weather”.
        Questions I can answer:
          - How much of Ukraine does Russia control?
          - What did Zelensky say about NATO?
          - Is Ukraine going to join NATO?
    "#]],
    );
}

#[test]
fn person_the_article_never_quotes_is_not_given_words() {
    check(
        "What did Putin say at the conference?",
        expect![[r#"
        The article doesn't report anything Vladimir Putin said.
        Questions I can answer:
          - What did Trump say about his call with Putin?
          - How much of Ukraine does Russia control?
          - What did Zelensky say about NATO?
    "#]],
    );
}

#[test]
fn someone_the_article_never_names_is_not_given_words() {
    check(
        "what did biden say about the talks?",
        expect![[r#"
            The article doesn't say anything about “biden”.
            Questions I can answer:
              - Has a timeline for peace talks been announced?
              - How much of Ukraine does Russia control?
              - What did Zelensky say about NATO?
        "#]],
    );
}

#[test]
fn the_author_is_not_invented() {
    check(
        "who wrote this article?",
        expect![[r#"
        The article doesn't name its author.
        Questions I can answer:
          - How much of Ukraine does Russia control?
          - What did Zelensky say about NATO?
          - Is Ukraine going to join NATO?
    "#]],
    );
}

#[test]
fn a_bare_quote_request_gets_a_full_quotation() {
    check(
        "give me a quote",
        expect![[r#"
        “The United States does not believe that NATO membership for Ukraine is a realistic outcome of a negotiated settlement” — Pete Hegseth
          > “The United States does not believe that NATO membership for Ukraine is a realistic outcome of a negotiated settlement,” Hegseth said.
            — paragraph 12, sentence 2 · NATO Membership: A Distant Dream? · Ukraine's future dominates the Munich Security Conference
        Confidence: medium (0.70)
    "#]],
    );
}

#[test]
fn chat_contractions_read_like_the_full_words() {
    check(
        "whats the weather in munich",
        expect![[r#"
        The article doesn't say anything about “weather”.
        Questions I can answer:
          - How much of Ukraine does Russia control?
          - What did Zelensky say about NATO?
          - Is Ukraine going to join NATO?
    "#]],
    );
}

#[test]
fn a_figure_the_question_states_must_be_in_the_sentence() {
    let engine = crate::helpers::engine();
    let features = engine
        .features("What happened to Crimea in 2014?")
        .expect("scored");
    let at = |text: &str| {
        let i = engine
            .article()
            .sentences
            .iter()
            .position(|s| s.text.contains(text))
            .expect("a sentence of the article");
        features[i].figure_missing
    };
    assert_eq!(at("Following the 2014 ousting"), 0.0);
    assert_eq!(at("around 20% of Ukraine"), 1.0);
    // Without a figure in the question, no sentence lacks one.
    let plain = engine.features("What happened to Crimea?").expect("scored");
    assert!(plain.iter().all(|f| f.figure_missing == 0.0));
}

#[test]
fn a_quantity_the_question_asks_for_must_be_stated_in_the_sentence() {
    let text = "The new stadium cost $450 million to build.\nA crowd of 41,000 watched the opening match.\nKick-off was at 7:30 p.m.\n";
    // The fitted scorer's signal: the rules never read it.
    let engine = citebot::Engine::new(&fitted_article(text)).unwrap();
    let missing = |question: &str| -> Vec<f32> {
        let features = engine.features(question).expect("scored");
        features.iter().map(|f| f.measure_missing).collect()
    };
    // Money: only the first sentence states a sum; a crowd's size is a figure, not a price.
    assert_eq!(missing("how much did the stadium cost?"), [0.0, 1.0, 1.0]);
    assert_eq!(missing("what time did the match kick off"), [1.0, 1.0, 0.0]);
    // A plain count asks for no kind of quantity, so no sentence lacks one.
    assert_eq!(missing("how many people watched?"), [0.0, 0.0, 0.0]);
}
