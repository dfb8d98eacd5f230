//! Running the service: health and metrics over HTTP, clean shutdown during a burst, reload,
//! the unanswered-question log, the token file, JSON logs — with the real adapter and the fake
//! Discord.

use crate::discord::{CHANNEL, description, settings, start_shared};
use crate::fake_discord::{self as fake, FakeDiscord};
use crate::helpers::temp_dir;
use citebot::config::{DiscordSettings, Operations};
use citebot::discord::{Loader, Shared};
use citebot::{Config, Engine};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// GET `path` from the endpoint at `addr`: (status, body).
async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Polls `/healthz` until it answers `want`.
async fn wait_health(addr: std::net::SocketAddr, want: u16) {
    let deadline = Instant::now() + fake::PATIENCE;
    loop {
        if get(addr, "/healthz").await.0 == want {
            return;
        }
        assert!(Instant::now() < deadline, "/healthz never answered {want}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn serve_ops(shared: &Arc<Shared>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(citebot::ops::server::serve(
        listener,
        Arc::clone(&shared.metrics),
    ));
    addr
}

fn builtin_shared(ops: &Operations) -> Arc<Shared> {
    Shared::new(
        Engine::new(&Config::builtin()).unwrap(),
        settings(),
        ops,
        None,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_follows_the_gateway_and_metrics_count_questions() {
    let shared = builtin_shared(&Operations::default());
    let addr = serve_ops(&shared).await;
    assert_eq!(
        get(addr, "/healthz").await.0,
        503,
        "not connected before the bot starts"
    );
    let bot = start_shared(Arc::clone(&shared)).await;
    wait_health(addr, 200).await;

    let ann = bot.user("ann");
    bot.dm(&ann, "who is the vice president");
    bot.dm(&ann, "what's the weather in munich");
    bot.wait_replies(CHANNEL, 2).await;
    let r = bot
        .slash(&ann, "ask", &[("question", "when did russia annex crimea")])
        .await;
    assert_eq!(r["type"], 4);
    // The counters move once the replies are delivered.
    let deadline = Instant::now() + fake::PATIENCE;
    let metrics = loop {
        let (status, body) = get(addr, "/metrics").await;
        assert_eq!(status, 200);
        let want = [
            "citebot_questions_total{outcome=\"answered\",source=\"slash\"} 1\n",
            "citebot_questions_total{outcome=\"answered\",source=\"chat\"} 1\n",
            "citebot_questions_total{outcome=\"abstained\",source=\"chat\"} 1\n",
        ];
        if want.iter().all(|w| body.contains(w)) {
            break body;
        }
        assert!(Instant::now() < deadline, "{body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        metrics.contains("citebot_questions_total{outcome=\"answered\",source=\"chat\"} 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("citebot_questions_total{outcome=\"abstained\",source=\"chat\"} 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("citebot_answer_latency_seconds_count 3\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("citebot_gateway_connected{shard=\"0\"} 1\n"),
        "{metrics}"
    );
    assert_eq!(get(addr, "/nope").await.0, 404);

    // The gateway drops and Discord stays unreachable: unhealthy. Then it comes back.
    bot.fake.drop_gateway(true);
    wait_health(addr, 503).await;
    bot.fake.allow_gateway();
    wait_health(addr, 200).await;
    // It reconnected once: by resuming or, after its resume attempts were turned away, by
    // identifying anew.
    let (identified, resumed) = bot.fake.sessions();
    assert_eq!(
        identified + resumed,
        2,
        "{identified} identifies, {resumed} resumes"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_a_burst_finishes_every_reply_in_flight() {
    let bot = start_shared(builtin_shared(&Operations::default())).await;
    bot.fake.delay_messages(Duration::from_millis(800));
    for i in 0..10 {
        let who = bot.user(&format!("user{i}"));
        bot.dm(&who, "how many regions did russia annex");
    }
    let path = format!("/api/v10/channels/{CHANNEL}/messages");
    let deadline = Instant::now() + fake::PATIENCE;
    while bot
        .fake
        .arrivals()
        .iter()
        .filter(|(m, p)| m == "POST" && *p == path)
        .count()
        < 10
    {
        assert!(Instant::now() < deadline, "the burst did not arrive");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Stop while all ten replies are still on their way.
    let replies_before = bot.replies(CHANNEL).len();
    assert!(replies_before < 10, "the replies should still be in flight");
    let shared = Arc::clone(&bot.shared);
    let requests = bot.finish_returning_fake().await;
    let delivered = requests
        .iter()
        .filter(|r| r.path == path && r.status == 200)
        .count();
    assert_eq!(delivered, 10, "every reply in flight was delivered");
    assert_eq!(
        shared.metrics.questions(citebot::ops::Outcome::Answered),
        10
    );
}

/// A configuration directory holding `article` as the article.
fn config_dir(name: &str, article: &str, extra: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("article.txt"), article).unwrap();
    std::fs::write(
        dir.join("citebot.toml"),
        format!("[article]\nfile = \"article.txt\"\ntitle = \"Port Alden news\"\n{extra}"),
    )
    .unwrap();
    dir
}

fn loader_for(dir: &Path) -> Loader {
    let dir = dir.to_path_buf();
    Box::new(move || {
        let config = Config::load(&dir).map_err(|e| e.to_string())?;
        let engine = Engine::new(&config).map_err(|e| e.to_string())?;
        Ok((engine, config.discord))
    })
}

const ARTICLE_V1: &str = "Mayor Jane Doe said the bridge will open in March.\n";
const ARTICLE_V2: &str = "Mayor John Roe said the bridge will open in May.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_in_a_good_article_and_keeps_the_old_one_on_a_broken_one() {
    let dir = config_dir(
        "reload",
        ARTICLE_V1,
        "[discord]\nowners = [\"12345\"]\ncooldown_questions = 0\n",
    );
    let config = Config::load(&dir).unwrap();
    let shared = Shared::new(
        Engine::new(&config).unwrap(),
        DiscordSettings {
            dev_guild: Some(fake::GUILD_ID),
            ..config.discord.clone()
        },
        &Operations::default(),
        Some(loader_for(&dir)),
    )
    .unwrap();
    let bot = start_shared(shared).await;
    let owner = fake::user("12345", "owner", false);
    let r = bot
        .slash(&owner, "ask", &[("question", "who is the mayor?")])
        .await;
    assert!(description(&r["data"]).contains("Jane Doe"), "{r}");

    std::fs::write(dir.join("article.txt"), ARTICLE_V2).unwrap();
    assert!(bot.shared.reload().is_ok());
    let r = bot
        .slash(&owner, "ask", &[("question", "who is the mayor?")])
        .await;
    assert!(description(&r["data"]).contains("John Roe"), "{r}");

    // A broken article: reload fails, says why, and the bot keeps answering from the last good one.
    std::fs::write(dir.join("article.txt"), "   \n").unwrap();
    let r = bot.slash(&owner, "reload", &[]).await;
    let said = r["data"]["content"].as_str().unwrap().to_string();
    assert!(
        said.starts_with("Reload failed; still running the previous version."),
        "{said}"
    );
    assert!(said.contains("\"article.txt\" is empty"), "{said}");
    let r = bot
        .slash(&owner, "ask", &[("question", "who is the mayor?")])
        .await;
    assert!(description(&r["data"]).contains("John Roe"), "{r}");

    // /reload is for owners only.
    let stranger = bot.user("stranger");
    let r = bot.slash(&stranger, "reload", &[]).await;
    assert_eq!(r["data"]["content"], "Only the bot's owners can reload it.");
    assert_eq!(r["data"]["flags"], 64);
    std::fs::write(dir.join("article.txt"), ARTICLE_V1).unwrap();
    let r = bot.slash(&owner, "reload", &[]).await;
    assert_eq!(
        r["data"]["content"],
        "Reloaded: the article has 1 sentences."
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_questions_are_logged_without_user_ids() {
    let dir = temp_dir("unanswered");
    let file = dir.join("unanswered.jsonl");
    let ops = Operations {
        unanswered_file: Some(file.clone()),
        ..Operations::default()
    };
    let bot = start_shared(builtin_shared(&ops)).await;
    let ann = bot.user("ann");
    bot.dm(&ann, "what is the gdp of russia");
    bot.dm(&ann, "who is the vice president");
    bot.wait_replies(CHANNEL, 2).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["question"], "what is the gdp of russia");
    assert_eq!(lines[0]["source"], "chat");
    assert_eq!(lines[0]["channel"], CHANNEL);
    assert!(lines[0]["time"].as_str().unwrap().ends_with('Z'));
    assert!(lines[0].get("user").is_none());
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reads_the_token_file_serves_health_logs_json_and_reloads_on_sighup() {
    let fake = FakeDiscord::start().await;
    let dir = config_dir(
        "binary",
        ARTICLE_V1,
        "[logging]\nformat = \"json\"\n[discord]\ncooldown_questions = 0\n",
    );
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{}\n", fake::TOKEN)).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr = format!("127.0.0.1:{port}");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["run", "--config", dir.to_str().unwrap()])
        .env_remove("DISCORD_TOKEN")
        .env("DISCORD_TOKEN_FILE", &token_file)
        .env("DISCORD_API_BASE", &fake.base)
        .env("CITEBOT_HTTP_ADDR", &addr)
        .env("RUST_LOG", "trace")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Trace logs are plentiful: read them as they come so the bot never blocks on a full pipe.
    let mut stderr = child.stderr.take().unwrap();
    let log_reader = tokio::spawn(async move {
        let mut log = Vec::new();
        let _ = stderr.read_to_end(&mut log).await;
        String::from_utf8_lossy(&log).into_owned()
    });
    fake.wait_ready().await;
    wait_health(addr.parse().unwrap(), 200).await;
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_citebot"))
        .args(["healthcheck"])
        .env("CITEBOT_HTTP_ADDR", &addr)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let pid = child.id().unwrap().to_string();
    let ask = |q: &str| {
        let ann = fake::user(&fake.id(), "ann", false);
        fake.send_message(fake::message(&fake, CHANNEL, false, &ann, q, &[]));
    };
    let path = format!("/api/v10/channels/{CHANNEL}/messages");
    ask("who is the mayor");
    let r = fake.wait_for(1, |r| r.path == path).await;
    assert!(description(&r[0].body).contains("Jane Doe"));
    std::fs::write(dir.join("article.txt"), ARTICLE_V2).unwrap();
    assert!(
        std::process::Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    // The reload is asynchronous: ask until the new article answers.
    let deadline = Instant::now() + fake::PATIENCE;
    let mut n = 1;
    loop {
        ask("who is the mayor");
        n += 1;
        let r = fake.wait_for(n, |r| r.path == path).await;
        if description(&r[n - 1].body).contains("John Roe") {
            break;
        }
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(fake::PATIENCE, child.wait())
        .await
        .unwrap()
        .unwrap();
    let log = log_reader.await.unwrap();
    assert!(status.success(), "{log}");
    assert!(!log.contains(fake::TOKEN), "the token was logged");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}"))
        })
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "configuration reloaded"),
        "{log}"
    );
    // Both builds, at start-up and at the reload, say what the embedding cache did.
    let cache_lines = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "embedding cache")
        .count();
    assert_eq!(cache_lines, 2, "{log}");
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_auto_and_a_range_identify_as_their_shards() {
    use citebot::config::Shards;
    for (shards, want) in [
        (Shards::Auto, serde_json::json!([0, 1])),
        (
            Shards::Range {
                first: 1,
                last: 1,
                total: 2,
            },
            serde_json::json!([1, 2]),
        ),
    ] {
        let s = DiscordSettings {
            shards,
            ..settings()
        };
        let shared = Shared::new(
            Engine::new(&Config::builtin()).unwrap(),
            s,
            &Operations::default(),
            None,
        )
        .unwrap();
        let bot = start_shared(shared).await;
        let identify = bot.fake.identify().unwrap();
        assert_eq!(identify["shard"], want, "{shards:?}");
        if shards == Shards::Auto {
            assert!(
                bot.fake
                    .requests()
                    .iter()
                    .any(|r| r.path == "/api/v10/gateway/bot"),
                "auto asks Discord how many shards"
            );
        }
        bot.finish().await;
    }
}
