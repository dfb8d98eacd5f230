//! The `citebot` command: parse the subcommand, load the configuration, call the library, map
//! errors to exit codes (0 ok, 1 failure such as an invalid config, 2 usage error or missing
//! token, 3 token rejected by Discord).

use citebot::{Config, Engine, answer, conversation, discord, eval};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
citebot — answers questions about a news article, citing the sentence each answer rests on.

USAGE:
    citebot run [OPTIONS]                connect to Discord and answer there (needs DISCORD_TOKEN)
    citebot ask [OPTIONS] \"QUESTION\"     answer one question
    citebot ask --json [OPTIONS]         answer questions from standard input, one per line,
                                         one JSON object per line
    citebot eval [OPTIONS] FILE          score the engine on a question file (or a SQuAD-style
                                         .jsonl file with --article)
    citebot fit [--sets FILE] [--folds [--misses]] [--write FILE]
                                         fit the scoring weights on the labelled question sets
                                         (default tests/questions/sets.toml); --folds scores
                                         each set with weights fitted on the others
                                         (--misses lists what each fold got wrong)
    citebot check-config [OPTIONS]       validate the configuration and exit 0 (valid) or 1
    citebot healthcheck [OPTIONS]        exit 0 if the running bot's /healthz answers 200
    citebot knowledge [OPTIONS]          show the people and quotes found in the article
    citebot sentences [OPTIONS]          list the citable sentences with their numbers, as
                                         question files cite them
    citebot explain [OPTIONS] \"QUESTION\" show how a question is read and the best sentences;
                                         with --after \"EARLIER QUESTION\" (repeatable), how
                                         the conversation so far changes its reading
    citebot chat [OPTIONS]               a conversation: questions from standard input, one per
                                         line, follow-ups read in the context of the previous
                                         question (\"what did he say?\", \"why?\")
    citebot review [OPTIONS] [LOG...]    group the unanswered questions and down-voted answers
                                         of the logs (default: the configured unanswered and
                                         feedback files) into a question file to label;
                                         --out FILE writes it there instead of standard output

ENVIRONMENT (run):
    DISCORD_TOKEN       the bot token (required; never put it in a config file)
    DISCORD_TOKEN_FILE  a file holding the token, when DISCORD_TOKEN is not set
    DISCORD_API_BASE    send every REST call and the gateway there instead of Discord (tests)
    RUST_LOG            log level, e.g. info (default) or debug
    CITEBOT_HTTP_ADDR   serve /healthz and /metrics there (overrides http.address)
    CITEBOT_CACHE_DIR   where the fitted scorer keeps the article's embeddings between runs
                        (default $XDG_CACHE_HOME/citebot or ~/.cache/citebot; none: off)

OPTIONS:
    --config DIR      configuration directory with citebot.toml (default: $CITEBOT_CONFIG,
                      else the configuration built into the binary)
    --article FILE    answer about another plain-text article (one paragraph per line),
                      without curated knowledge
    --title TITLE     the title citations give for --article (default: the file's name)
    -h, --help        show this help
    -V, --version     show the version
";

/// What the command line asked for.
#[derive(Debug, Default, Clone)]
struct Args {
    command: String,
    config: Option<PathBuf>,
    article: Option<PathBuf>,
    title: Option<String>,
    json: bool,
    folds: bool,
    /// `fit --folds --misses`: list every left-out question the fold got wrong.
    misses: bool,
    sets: Option<PathBuf>,
    write: Option<PathBuf>,
    /// Earlier questions of a conversation (`explain --after`).
    after: Vec<String>,
    /// Where `review` writes its question file.
    out: Option<PathBuf>,
    positional: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut args = Args::default();
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => args.command = "help".into(),
            Short('V') | Long("version") => args.command = "version".into(),
            Long("config") => args.config = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("article") => {
                args.article = Some(parser.value().map_err(|e| e.to_string())?.into())
            }
            Long("title") => {
                args.title = Some(
                    parser
                        .value()
                        .map_err(|e| e.to_string())?
                        .string()
                        .map_err(|e| e.to_string())?,
                )
            }
            Long("json") => args.json = true,
            Long("folds") => args.folds = true,
            Long("misses") => args.misses = true,
            Long("sets") => args.sets = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("write") => args.write = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("after") => args.after.push(
                parser
                    .value()
                    .map_err(|e| e.to_string())?
                    .string()
                    .map_err(|e| e.to_string())?,
            ),
            Long("out") => args.out = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Value(v) => {
                let v = v.to_string_lossy().into_owned();
                if args.command.is_empty() {
                    args.command = v;
                } else {
                    args.positional.push(v);
                }
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("citebot: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match args.command.as_str() {
        "help" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        "version" => {
            println!("citebot {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        "ask" => with_engine(&args, |engine| ask(engine, &args)),
        "run" => run(&args),
        "healthcheck" => healthcheck(&args),
        "eval" => with_engine(&args, |engine| run_eval(engine, &args)),
        "fit" => run_fit(&args),
        "explain" => with_engine(&args, |engine| {
            print!("{}", explain(engine, &args));
            ExitCode::SUCCESS
        }),
        "chat" => chat(&args),
        "review" => review(&args),
        "knowledge" => with_engine(&args, |engine| {
            print!(
                "{}",
                citebot::knowledge::describe(engine.knowledge(), engine.article())
            );
            ExitCode::SUCCESS
        }),
        "sentences" => with_engine(&args, |engine| {
            print!("{}", citebot::article::describe(engine.article()));
            ExitCode::SUCCESS
        }),
        "check-config" => match load(&args) {
            Ok(_) => {
                println!("configuration is valid");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        "" => {
            eprintln!("citebot: no command given\n\n{USAGE}");
            ExitCode::from(2)
        }
        other => {
            eprintln!("citebot: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The bot token from DISCORD_TOKEN, or from the file DISCORD_TOKEN_FILE names.
fn token() -> Result<String, String> {
    if let Ok(t) = std::env::var("DISCORD_TOKEN")
        && !t.trim().is_empty()
    {
        return Ok(t.trim().to_string());
    }
    if let Some(file) = std::env::var_os("DISCORD_TOKEN_FILE") {
        let path = PathBuf::from(file);
        return match std::fs::read_to_string(&path) {
            Ok(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
            Ok(_) => Err(format!("DISCORD_TOKEN_FILE {} is empty", path.display())),
            Err(e) => Err(format!(
                "DISCORD_TOKEN_FILE {} cannot be read: {e}",
                path.display()
            )),
        };
    }
    Err("DISCORD_TOKEN is not set: export DISCORD_TOKEN=<your bot token> (Developer Portal → your application → Bot → Reset Token)".to_string())
}

fn run(args: &Args) -> ExitCode {
    // The token is checked first: a missing one fails at once, before any network.
    let token = match token() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("citebot: {e}");
            return ExitCode::from(2);
        }
    };
    let config = match load_config(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut ops = config.operations.clone();
    match http_address_override() {
        Ok(Some(addr)) => ops.http_address = Some(addr),
        Ok(None) => {}
        Err(e) => {
            eprintln!("citebot: {e}");
            return ExitCode::FAILURE;
        }
    }
    // Logging first, so that building the engine (the embedding cache) is logged too.
    init_logging(ops.log_format);
    let engine = match build(&config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Reload re-reads the same sources the bot started from.
    let sources = args.clone();
    let loader: discord::Loader = Box::new(move || {
        let config = load_config(&sources)?;
        build(&config).map(|e| (e, config.discord))
    });
    let shared = match discord::Shared::new(engine, config.discord.clone(), &ops, Some(loader)) {
        Ok(s) => s,
        Err(e) => {
            let files: Vec<String> = ops
                .unanswered_file
                .iter()
                .chain(&ops.feedback_file)
                .map(|p| p.display().to_string())
                .collect();
            eprintln!(
                "citebot: cannot open the unanswered-question or feedback log ({}): {e}",
                files.join(", ")
            );
            return ExitCode::FAILURE;
        }
    };
    // Answers are computed on a few blocking threads (they take microseconds); a small pool
    // keeps memory flat under a flood instead of a thread per question.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(4)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("citebot: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = discord::Options {
        token,
        api_base: std::env::var("DISCORD_API_BASE")
            .ok()
            .filter(|b| !b.trim().is_empty()),
    };
    let result = runtime.block_on(async move {
        if let Some(addr) = ops.http_address {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(listener) => {
                    tracing::info!(%addr, "serving /healthz and /metrics");
                    tokio::spawn(citebot::ops::server::serve(
                        listener,
                        std::sync::Arc::clone(&shared.metrics),
                    ));
                }
                Err(e) => {
                    return Err(RunFailure::Listen(format!(
                        "cannot listen on {addr} for /healthz and /metrics: {e}"
                    )));
                }
            }
        }
        spawn_reload_on_sighup(std::sync::Arc::clone(&shared));
        discord::run(shared, options, shutdown_signal())
            .await
            .map_err(RunFailure::Discord)
    });
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        // A rejected token has its own exit code, so a service manager does not restart-loop.
        Err(RunFailure::Discord(e @ discord::RunError::Unauthorized)) => {
            eprintln!("citebot: {e}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("citebot: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Why `citebot run` stopped with an error.
#[derive(Debug)]
enum RunFailure {
    Listen(String),
    Discord(discord::RunError),
}

impl std::fmt::Display for RunFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunFailure::Listen(e) => f.write_str(e),
            RunFailure::Discord(e) => write!(f, "{e}"),
        }
    }
}

/// CITEBOT_HTTP_ADDR, when set, replaces `http.address` of the configuration.
fn http_address_override() -> Result<Option<std::net::SocketAddr>, String> {
    match std::env::var("CITEBOT_HTTP_ADDR") {
        Ok(a) if !a.trim().is_empty() => {
            a.trim().parse().map(Some).map_err(|_| {
                format!("CITEBOT_HTTP_ADDR {a:?} is not an address like 127.0.0.1:9090")
            })
        }
        _ => Ok(None),
    }
}

fn init_logging(format: citebot::config::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    // Colour codes only on a terminal: journald, `docker logs` and files show them raw.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        citebot::config::LogFormat::Json => builder.json().init(),
        citebot::config::LogFormat::Text => builder.init(),
    }
}

/// SIGHUP reloads the configuration, article and knowledge.
fn spawn_reload_on_sighup(shared: std::sync::Arc<discord::Shared>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading");
            let _ = shared.reload();
        }
    });
    #[cfg(not(unix))]
    let _ = shared;
}

/// `citebot healthcheck`: exit 0 when the running bot's /healthz answers 200 (for container
/// health checks, which have no curl).
fn healthcheck(args: &Args) -> ExitCode {
    let configured = load_config(args)
        .ok()
        .and_then(|c| c.operations.http_address);
    let addr = match http_address_override() {
        Ok(Some(a)) => a,
        Ok(None) => match configured {
            Some(a) => a,
            None => {
                eprintln!("citebot: no health endpoint: set http.address or CITEBOT_HTTP_ADDR");
                return ExitCode::FAILURE;
            }
        },
        Err(e) => {
            eprintln!("citebot: {e}");
            return ExitCode::FAILURE;
        }
    };
    let healthy = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map(|rt| rt.block_on(citebot::ops::server::check(addr)))
        .unwrap_or(false);
    if healthy {
        println!("healthy");
        ExitCode::SUCCESS
    } else {
        println!("unhealthy");
        ExitCode::FAILURE
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Loads the configuration and builds the engine; every problem is one line on stderr.
fn load(args: &Args) -> Result<Engine, String> {
    build(&load_config(args)?)
}

/// The configuration: --config DIR, else $CITEBOT_CONFIG, else the built-in one; with
/// --article, another article and no curated knowledge.
fn load_config(args: &Args) -> Result<Config, String> {
    let dir = args
        .config
        .clone()
        .or_else(|| std::env::var_os("CITEBOT_CONFIG").map(PathBuf::from));
    let mut config = match &dir {
        Some(dir) => Config::load(dir).map_err(|e| e.to_string())?,
        None => Config::builtin(),
    };
    if let Some(file) = &args.article {
        let bytes =
            std::fs::read(file).map_err(|e| format!("{}: cannot read it: {e}", file.display()))?;
        let text = article_text(bytes)
            .map_err(|why| format!("{}: not a plain-text article: {why}", file.display()))?;
        config = config.with_article(&file.display().to_string(), text, args.title.clone());
    }
    Ok(config)
}

/// The text of an article file: UTF-8 text without NUL bytes (a binary file or another
/// encoding would be cited as garbage).
fn article_text(bytes: Vec<u8>) -> Result<String, &'static str> {
    if bytes.contains(&0) {
        return Err("it holds NUL bytes (a binary file?)");
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text")
}

/// Builds the engine and computes the article's embeddings (fitted scorer), reading and
/// keeping them in the cache directory; the cache never fails a build.
fn build(config: &Config) -> Result<Engine, String> {
    let engine = Engine::new(config).map_err(|e| e.to_string())?;
    let dir = citebot::ops::cache::dir_from_env();
    let outcome = citebot::ops::cache::warm(&engine, dir.as_deref());
    match &outcome {
        citebot::ops::cache::Outcome::NotWritten(e) => tracing::warn!(
            error = %e,
            ?dir,
            "embedding cache not written: the next start embeds the article again"
        ),
        _ => tracing::info!(?outcome, ?dir, "embedding cache"),
    }
    Ok(engine)
}

fn with_engine(args: &Args, f: impl FnOnce(&Engine) -> ExitCode) -> ExitCode {
    match load(args) {
        Ok(engine) => f(&engine),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn ask(engine: &Engine, args: &Args) -> ExitCode {
    let meta = engine.meta();
    if args.positional.is_empty() && !args.json {
        eprintln!(
            "citebot: ask needs a question (or --json to read questions from standard input)\n\n{USAGE}"
        );
        return ExitCode::from(2);
    }
    // Buffered: one write per buffer, not per answer; flushed before returning.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut emit = |question: &str| {
        let a = engine.ask(question);
        let line = if args.json {
            a.to_json() + "\n"
        } else {
            answer::render_text(&a, &meta.title, meta.link.as_deref())
        };
        out.write_all(line.as_bytes()).is_ok()
    };
    if !args.positional.is_empty() {
        emit(&args.positional.join(" "));
        _ = out.flush();
        return ExitCode::SUCCESS;
    }
    // Questions from standard input, one per line; invalid UTF-8 is replaced, not fatal.
    let stdin = std::io::stdin();
    for line in stdin.lock().split(b'\n') {
        let Ok(bytes) = line else { break };
        let text = String::from_utf8_lossy(&bytes);
        if !emit(text.strip_suffix('\r').unwrap_or(&text)) {
            break; // stdout closed (e.g. piped into `head`)
        }
    }
    _ = out.flush();
    ExitCode::SUCCESS
}

fn run_eval(engine: &Engine, args: &Args) -> ExitCode {
    let Some(file) = args.positional.first() else {
        eprintln!("citebot: eval needs a question file\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read(file) {
        Ok(t) => String::from_utf8_lossy(&t).into_owned(),
        Err(e) => {
            eprintln!("{file}: cannot read it: {e}");
            return ExitCode::FAILURE;
        }
    };
    let unlabelled = eval::unlabelled(&text);
    if !unlabelled.is_empty() {
        let lines: Vec<String> = unlabelled.iter().map(ToString::to_string).collect();
        eprintln!(
            "{file}: {} questions are not labelled yet and were skipped (lines {}): replace `?` with the sentences that answer each (PARAGRAPH.SENTENCE, see `citebot sentences`) or `none`",
            unlabelled.len(),
            lines.join(", ")
        );
    }
    let parsed = if file.ends_with(".jsonl") {
        eval::parse_squad(&text, engine.article())
    } else {
        eval::parse(&text)
    };
    match parsed {
        Ok(cases) => {
            print!("{}", eval::run(engine, &cases).render());
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for (line, e) in errors {
                eprintln!("{file}:{line}: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

/// `citebot explain`: the engine's reading of a question; after `--after` questions, first how
/// the conversation so far changes it.
fn explain(engine: &Engine, args: &Args) -> String {
    let question = args.positional.join(" ");
    if args.after.is_empty() {
        return engine.explain(&question);
    }
    let mut context = None;
    for earlier in &args.after {
        context = Some(conversation::ask(engine, context.as_ref(), earlier).context);
    }
    let reading = conversation::read(engine, context.as_ref(), &question);
    let mut out = String::new();
    if let Some(c) = &context {
        out.push_str(&format!("context: {}\n", c.question));
        let people: Vec<&str> = c
            .people
            .iter()
            .map(|&p| engine.knowledge().people[p].name.as_str())
            .collect();
        out.push_str(&format!("context people: {people:?}\n"));
        if let Some(id) = c.cited {
            out.push_str(&format!("context cited: {id}\n"));
        }
    }
    if reading.followed() {
        out.push_str(&format!("read as: {}\n", reading.text));
        for change in &reading.changes {
            out.push_str(&format!("  because {change}\n"));
        }
    } else {
        out.push_str("read as: the question stands alone\n");
    }
    out.push_str(&engine.explain(&reading.text));
    out
}

/// `citebot chat`: a conversation over standard input, one question per line.
fn chat(args: &Args) -> ExitCode {
    let (config, engine) = match load_config(args).and_then(|c| build(&c).map(|e| (c, e))) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let meta = engine.meta();
    let mut memory = conversation::Memory::new(config.operations.conversation, 1);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let stdin = std::io::stdin();
    for line in stdin.lock().split(b'\n') {
        let Ok(bytes) = line else { break };
        let text = String::from_utf8_lossy(&bytes);
        let question = text.strip_suffix('\r').unwrap_or(&text).trim();
        if question.is_empty() {
            continue;
        }
        let now = std::time::Instant::now();
        let context = memory.context((0, 0), None, now);
        let turn = conversation::ask(&engine, context.as_ref(), question);
        let mut shown = String::new();
        if turn.reading.followed() {
            shown.push_str(&format!("(read as: {})\n", turn.reading.text));
        }
        shown.push_str(&answer::render_text(
            &turn.answer,
            &meta.title,
            meta.link.as_deref(),
        ));
        shown.push('\n');
        let id = memory.new_id();
        memory.remember(
            (0, 0),
            id,
            conversation::Record::of(&turn, question, "chat"),
            now,
        );
        if out
            .write_all(shown.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            break; // stdout closed
        }
    }
    ExitCode::SUCCESS
}

/// `citebot review`: the logs grouped into a question file for the admin to label.
fn review(args: &Args) -> ExitCode {
    let files: Vec<PathBuf> = if args.positional.is_empty() {
        let config = match load_config(args) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let ops = config.operations;
        let files: Vec<PathBuf> = ops
            .unanswered_file
            .into_iter()
            .chain(ops.feedback_file)
            .collect();
        if files.is_empty() {
            eprintln!(
                "citebot: no logs to review: set unanswered.file and feedback.file in citebot.toml, or name the log files"
            );
            return ExitCode::from(2);
        }
        files
    } else {
        args.positional.iter().map(PathBuf::from).collect()
    };
    let mut text = String::new();
    for f in &files {
        match std::fs::read(f) {
            Ok(t) => {
                text.push_str(&String::from_utf8_lossy(&t));
                text.push('\n');
            }
            // A log not written yet is an empty one.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                eprintln!("{}: cannot read it: {e}", f.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let review = citebot::review::review(&text);
    let file = review.question_file();
    match &args.out {
        Some(path) => match std::fs::write(path, &file) {
            Ok(()) => {
                println!(
                    "{} questions to label written to {} ({} log lines skipped as unreadable)",
                    review.groups.len(),
                    path.display(),
                    review.skipped
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}: cannot write it: {e}", path.display());
                ExitCode::FAILURE
            }
        },
        None => {
            print!("{file}");
            ExitCode::SUCCESS
        }
    }
}

/// One labelled set, loaded: its engine (built with `weights`) and its questions.
struct LoadedSet {
    name: String,
    config: Config,
    cases: Vec<citebot::eval::Case>,
}

fn load_sets(manifest_path: &std::path::Path) -> Result<Vec<LoadedSet>, String> {
    let read = |p: &std::path::Path| {
        std::fs::read(p)
            .map(|t| String::from_utf8_lossy(&t).into_owned())
            .map_err(|e| format!("{}: cannot read it: {e}", p.display()))
    };
    let manifest: citebot::fit::Manifest = toml::from_str(&read(manifest_path)?)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let dir = manifest_path.parent().unwrap_or(std::path::Path::new("."));
    let mut sets = Vec::new();
    for spec in manifest.set {
        let article = spec.article.as_ref().map(|a| dir.join(a));
        if spec.optional && article.as_ref().is_some_and(|a| !a.exists()) {
            eprintln!(
                "note: set {} skipped: {} is not there",
                spec.name,
                article.unwrap().display()
            );
            continue;
        }
        let mut config = Config::builtin();
        if let Some(a) = &article {
            config = config.with_article(&a.display().to_string(), read(a)?, None);
        }
        // Questions are read as the fitted scorer reads them.
        config.tuning.scorer = citebot::matcher::Scorer::Fitted;
        let engine = build(&config)?;
        let mut cases = Vec::new();
        for q in &spec.questions {
            let p = dir.join(q);
            cases.extend(eval::parse(&read(&p)?).map_err(|e| format!("{}: {e:?}", p.display()))?);
        }
        if let Some(q) = &spec.squad {
            let p = dir.join(q);
            cases.extend(
                eval::parse_squad(&read(&p)?, engine.article())
                    .map_err(|e| format!("{}: {e:?}", p.display()))?,
            );
        }
        sets.push(LoadedSet {
            name: spec.name,
            config,
            cases,
        });
    }
    Ok(sets)
}

fn run_fit(args: &Args) -> ExitCode {
    if args.misses && !args.folds {
        eprintln!("citebot: --misses lists what each fold got wrong, so it needs --folds");
        return ExitCode::from(2);
    }
    let path = args
        .sets
        .clone()
        .unwrap_or_else(|| PathBuf::from("tests/questions/sets.toml"));
    let sets = match load_sets(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let samples: Vec<Vec<citebot::fit::Sample>> = sets
        .iter()
        .map(|s| {
            let engine = Engine::new(&s.config).expect("built once already");
            let mut samples = citebot::fit::samples(&engine, &s.cases);
            samples.extend(citebot::fit::noise_samples(
                &engine,
                citebot::fit::seed_of(&s.name),
            ));
            samples
        })
        .collect();
    let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
    if args.folds {
        println!(
            "left out          answerable  top-1  abstention  false-abst  separation  (threshold)"
        );
        for (i, set) in sets.iter().enumerate() {
            let others: Vec<Vec<citebot::fit::Sample>> = samples
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, s)| s.clone())
                .collect();
            let weights = citebot::fit::fit_sets(&others, "fold");
            let mut config = set.config.clone();
            config.tuning.weights = Some(Box::leak(Box::new(weights.clone())));
            config.tuning.scorer = citebot::matcher::Scorer::Fitted;
            config.tuning.threshold = None;
            let engine = Engine::new(&config).expect("built once already");
            let r = eval::run(&engine, &set.cases);
            // The set's own questions, not the noise added to fit on.
            let left_out: Vec<&citebot::fit::Sample> =
                samples[i].iter().filter(|s| !s.noise).collect();
            println!(
                "{:<17} {:>10}  {:.3}  {:.3}       {:.3}       {:.3}       ({:.3})",
                set.name,
                r.answerable,
                r.top1(),
                r.abstention(),
                r.false_abstention(),
                citebot::fit::separation(&left_out, &weights),
                weights.threshold
            );
            if args.misses {
                print!("{}", r.render());
            }
        }
        return ExitCode::SUCCESS;
    }
    let questions: usize = samples.iter().map(Vec::len).sum();
    let weights = citebot::fit::fit_sets(
        &samples,
        &format!(
            "citebot fit on {} ({questions} questions)",
            names.join(", "),
        ),
    );
    let text = weights.to_toml();
    match &args.write {
        Some(p) => {
            if let Err(e) = std::fs::write(p, &text) {
                eprintln!("{}: cannot write it: {e}", p.display());
                return ExitCode::FAILURE;
            }
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}
