//! Helpers shared by every test module.

use citebot::{Config, Engine, answer};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The engine over the built-in configuration, built once for the whole test binary.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&Config::builtin()).expect("built-in config is valid"))
}

/// The built-in settings over `text` as the article (no curated knowledge), with the fitted
/// scorer.
pub fn fitted_article(text: &str) -> Config {
    let mut config = Config::builtin().with_article("a.txt", text.to_string(), None);
    config.tuning.scorer = citebot::matcher::Scorer::Fitted;
    config
}

/// Asks the built-in engine and compares the plain-text rendering with `expect`.
pub fn check(question: &str, expect: expect_test::Expect) {
    let e = engine();
    let a = e.ask(question);
    let meta = e.meta();
    expect.assert_eq(&answer::render_text(&a, &meta.title, meta.link.as_deref()));
}

/// The repository's directory (for config/ and tests/ files).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `citebot` binary with `args` and `stdin`, without CITEBOT_CONFIG leaking in
/// and with its embedding cache under the target directory.
pub fn citebot(args: &[&str], stdin: &[u8]) -> Output {
    citebot_with(args, stdin, &[])
}

/// [`citebot`] with more environment variables.
pub fn citebot_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("embedding-cache");
    let mut child = Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(args)
        .env_remove("CITEBOT_CONFIG")
        .env("CITEBOT_CACHE_DIR", cache)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the citebot binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("stdin accepts the input");
    child.wait_with_output().expect("citebot finishes")
}

/// A fresh temporary directory under the target directory, removed by the caller's test end.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temporary directory can be made");
    dir
}
