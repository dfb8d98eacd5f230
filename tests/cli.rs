//! The `citebot` command line, run as a user runs it.

use crate::helpers::{citebot, citebot_with, fitted_article, repo, temp_dir};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn ask_prints_the_answer_with_its_citation() {
    let o = citebot(&["ask", "How much of Ukraine does Russia control?"], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("around 20% of Ukraine’s territory\n"),
        "{out}"
    );
    assert!(
        out.contains("paragraph 5, sentence 1 · The Question of Territory"),
        "{out}"
    );
}

#[test]
fn ask_json_prints_one_object_per_input_line_in_order() {
    let input = b"How much of Ukraine does Russia control?\n\nWhat's the weather in Munich?\n\xff\xfe broken utf-8\nWho is the vice president?";
    let o = citebot(&["ask", "--json"], input);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 5);
    let questions: Vec<&str> = lines
        .iter()
        .map(|l| l["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [
            "How much of Ukraine does Russia control?",
            "",
            "What's the weather in Munich?",
            "\u{fffd}\u{fffd} broken utf-8",
            "Who is the vice president?"
        ]
    );
    let first = &lines[0];
    assert_eq!(first["answered"], true);
    assert_eq!(first["answer"], "around 20% of Ukraine’s territory");
    assert_eq!(first["citations"][0]["paragraph"], 5);
    assert_eq!(first["citations"][0]["sentence"], 1);
    assert!(
        first["citations"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Since the onset of conflict")
    );
    let c = first["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&c));
    for l in &lines[1..4] {
        assert_eq!(l["answered"], false, "{l}");
        assert_eq!(l["citations"].as_array().unwrap().len(), 0);
    }
    assert_eq!(lines[4]["citations"][0]["paragraph"], 15);
    // Exactly the documented keys, so the format stays stable.
    let mut keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["answer", "answered", "citations", "confidence", "question"]
    );
}

#[test]
fn eval_scores_a_question_file() {
    let file = repo().join("tests/questions/munich.txt");
    let o = citebot(&["eval", file.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("top-1 accuracy"), "{}", stdout(&o));
}

#[test]
fn another_article_works_without_curated_knowledge() {
    let article = repo().join("tests/articles/harbor-bridge.txt");
    let questions = repo().join("tests/questions/harbor-bridge.txt");
    let o = citebot(
        &[
            "eval",
            "--article",
            article.to_str().unwrap(),
            questions.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let score = |label: &str| -> f64 {
        let line = out.lines().find(|l| l.starts_with(label)).unwrap();
        line.split_whitespace().nth(2).unwrap().parse().unwrap()
    };
    assert!(score("top-1 accuracy") >= 0.85, "{out}");
    assert!(score("correct abstention") >= 0.75, "{out}");

    let o = citebot(
        &[
            "ask",
            "--article",
            article.to_str().unwrap(),
            "--title",
            "Harbor bridge vote",
            "who is the mayor",
        ],
        b"",
    );
    let out = stdout(&o);
    assert!(
        out.contains("paragraph 2, sentence 1 · Harbor bridge vote"),
        "{out}"
    );
}

#[test]
fn check_config_accepts_the_shipped_config_and_rejects_a_broken_one() {
    let o = citebot(
        &[
            "check-config",
            "--config",
            repo().join("config").to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let dir = temp_dir("broken-config");
    std::fs::write(
        dir.join("citebot.toml"),
        "[article]\nfile = \"missing.txt\"\ntitle = \"x\"\n[answer]\nthreshold = 2\n",
    )
    .unwrap();
    let o = citebot(&["check-config", "--config", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("citebot.toml: article.file: cannot read"),
        "{err}"
    );
    assert!(
        err.contains("citebot.toml: answer.threshold: 2 is not between 0 and 1"),
        "{err}"
    );

    let o = citebot(&["ask", "--config", dir.to_str().unwrap(), "hi"], b"");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn run_without_a_token_fails_at_once_with_how_to_set_it() {
    let start = std::time::Instant::now();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .arg("run")
        .env_remove("DISCORD_TOKEN")
        .env_remove("DISCORD_TOKEN_FILE")
        // Would be used if the bot went to the network; it must not get that far.
        .env("DISCORD_API_BASE", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("DISCORD_TOKEN is not set: export DISCORD_TOKEN="),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_with_code_2() {
    assert_eq!(citebot(&[], b"").status.code(), Some(2));
    assert_eq!(citebot(&["frobnicate"], b"").status.code(), Some(2));
    assert_eq!(citebot(&["ask", "--bogus"], b"").status.code(), Some(2));
    assert_eq!(citebot(&["eval"], b"").status.code(), Some(2));
    assert!(citebot(&["--help"], b"").status.success());
}

#[test]
fn fit_misses_without_folds_is_a_usage_error() {
    let o = citebot(&["fit", "--misses"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --folds"));
    assert!(o.stdout.is_empty());
}

#[test]
fn ask_without_a_question_is_a_usage_error() {
    let o = citebot(&["ask"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ask needs a question"));
}

#[test]
fn a_binary_article_is_refused_with_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("citebot-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("article.bin");
    std::fs::write(&file, b"\x7fELF\x02\x01\x01\x00\x00\x00 some bytes\xff\xfe").unwrap();
    let o = citebot(&["ask", "--article", file.to_str().unwrap(), "hi"], b"");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a plain-text article"), "{err}");
    std::fs::write(&file, b"Caf\xe9 au lait. Latin-1 text.\n").unwrap();
    let o = citebot(&["ask", "--article", file.to_str().unwrap(), "hi"], b"");
    assert!(String::from_utf8_lossy(&o.stderr).contains("not UTF-8 text"));
}

#[test]
fn explain_with_the_fitted_scorer_shows_each_signals_share() {
    let dir = fitted_config("fitted-explain");
    let d = dir.to_str().unwrap();
    let o = citebot(
        &["explain", "--config", d, "How much will the bridge cost?"],
        b"",
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("cascade: fast models' confidence"), "{out}");
    assert!(out.contains("1.1 probability"), "{out}");
    assert!(out.contains("type_present 1.00 (+"), "{out}");
    let o = citebot(
        &["ask", "--config", d, "How much will the bridge cost?"],
        b"",
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("$48 million"));
}

/// A config directory with a two-sentence article and the fitted scorer.
fn fitted_config(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("a.txt"),
        "The council voted 7-2 on Tuesday to approve a $48 million bridge.\nMayor Linda Okafor called the vote a turning point.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("citebot.toml"),
        "[article]\nfile = \"a.txt\"\ntitle = \"Bridge\"\n[answer]\nscorer = \"fitted\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_articles_embeddings_are_kept_between_runs() {
    let dir = fitted_config("cache-runs");
    let (d, cache) = (dir.to_str().unwrap(), dir.join("cache"));
    let env = [("CITEBOT_CACHE_DIR", cache.to_str().unwrap())];
    let questions = b"How much will the bridge cost?\nwho is the mayor\nhow tall is the bridge\n";
    let args = ["ask", "--json", "--config", d];
    let first = citebot_with(&args, questions, &env);
    assert!(first.status.success());
    let files: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "one file for one article");
    let file = files[0].path();
    let written = std::fs::read(&file).unwrap();
    // Read back: the same answers, and the file is left as it was.
    let second = citebot_with(&args, questions, &env);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(std::fs::read(&file).unwrap(), written);
    // A damaged file is ignored and replaced.
    std::fs::write(&file, b"not a cache").unwrap();
    let third = citebot_with(&args, questions, &env);
    assert_eq!(third.stdout, first.stdout);
    assert_eq!(std::fs::read(&file).unwrap(), written);
    // A directory that cannot be made costs nothing but the cache.
    let blocked = dir.join("a.txt").join("cache");
    let env = [("CITEBOT_CACHE_DIR", blocked.to_str().unwrap())];
    let fourth = citebot_with(&args, questions, &env);
    assert!(fourth.status.success());
    assert_eq!(fourth.stdout, first.stdout);
    // "none" turns it off, whatever the other variables say.
    let xdg = dir.join("xdg");
    let env = [
        ("CITEBOT_CACHE_DIR", "none"),
        ("XDG_CACHE_HOME", xdg.to_str().unwrap()),
    ];
    assert_eq!(citebot_with(&args, questions, &env).stdout, first.stdout);
    assert!(!xdg.exists());
}

#[test]
fn warming_reads_the_cache_when_it_holds_the_article() {
    use citebot::ops::cache::{Outcome, warm};
    let dir = temp_dir("cache-warm");
    let text = "The ferry carried 300 people across the bay.\nIt sank in a storm.\n";
    let config = fitted_article(text);
    let engine = || citebot::Engine::new(&config).unwrap();
    assert_eq!(warm(&engine(), None), Outcome::Unused);
    assert_eq!(warm(&engine(), Some(&dir)), Outcome::Written);
    assert_eq!(warm(&engine(), Some(&dir)), Outcome::Read);
    // Another article is another file.
    let other = config
        .clone()
        .with_article("b.txt", "The bridge opened.\n".into(), None);
    assert_eq!(
        warm(&citebot::Engine::new(&other).unwrap(), Some(&dir)),
        Outcome::Written
    );
    // The rules scorer reads no meaning: nothing to keep.
    let rules = citebot::Config::builtin().with_article("a.txt", text.to_string(), None);
    let rules = citebot::Engine::new(&rules).unwrap();
    assert!(rules.meaning_texts().is_empty());
    assert_eq!(warm(&rules, Some(&dir)), Outcome::Unused);
    let blocked = dir.join("file");
    std::fs::write(&blocked, b"").unwrap();
    assert!(matches!(
        warm(&engine(), Some(&blocked.join("sub"))),
        Outcome::NotWritten(_)
    ));
}

#[test]
fn the_cache_keeps_only_the_most_recent_files() {
    use citebot::ops::cache::{KEEP, Outcome, warm};
    let dir = temp_dir("cache-prune");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for i in 0..KEEP + 2 {
        let path = dir.join(format!("embeddings-{i:016x}.bin"));
        let file = std::fs::File::create(&path).unwrap();
        file.set_modified(old + std::time::Duration::from_secs(i as u64))
            .unwrap();
    }
    std::fs::write(dir.join("notes.txt"), b"not a cache file").unwrap();
    let engine = citebot::Engine::new(&fitted_article("A short article.\n")).unwrap();
    assert_eq!(warm(&engine, Some(&dir)), Outcome::Written);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let caches: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("embeddings-"))
        .collect();
    assert_eq!(caches.len(), KEEP, "{names:?}");
    // The new file stays, the oldest went, and other files are left alone.
    let new = citebot::ops::cache::file_for(&dir, &engine.meaning_texts());
    assert!(new.exists());
    assert!(!dir.join(format!("embeddings-{:016x}.bin", 0)).exists());
    assert!(
        dir.join(format!("embeddings-{:016x}.bin", KEEP + 1))
            .exists()
    );
    assert!(names.iter().any(|n| n == "notes.txt"));
}
