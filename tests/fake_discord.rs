//! A fake Discord on 127.0.0.1: the REST API v10 routes and the gateway websocket that the
//! bot uses, over plain http:// and ws://. It enforces what Discord enforces (message and
//! embed limits with 400 / code 50035, the 3-second interaction deadline, one callback per
//! interaction, the Message Content intent rule, command name rules) and records everything.
//! Anything it did not expect — an unknown route, a limit broken, a reply that could ping
//! @everyone, a role or a user — is recorded as a problem, and tests assert there are none.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Message as Ws;

pub const TOKEN: &str = "fake-token.for-tests-only";
pub const BOT_ID: u64 = 900_000_000_000_000_001;
pub const APP_ID: u64 = 900_000_000_000_000_002;
pub const GUILD_ID: u64 = 900_000_000_000_000_003;
pub const ROLE_ID: u64 = 900_000_000_000_000_004;
/// How long waits in tests may take before failing.
pub const PATIENCE: Duration = Duration::from_secs(15);

const MESSAGE_CONTENT: u64 = 1 << 15;

/// One REST request as the fake received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// The status the fake answered with.
    pub status: u16,
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    problems: Vec<String>,
    identify: Option<Value>,
    identifies: usize,
    /// Interaction id -> (created, answered).
    interactions: HashMap<String, (Instant, bool)>,
    next_id: u64,
    seq: u64,
    /// How long channel message posts take to answer (a slow Discord).
    message_delay: Duration,
    /// Requests as they arrive (method and path), before any delay.
    arrivals: Vec<(String, String)>,
    /// When each request arrived, in the same order.
    arrival_times: Vec<Instant>,
    /// When a reply to a question (message id or interaction id) arrived.
    replied_at: HashMap<String, Instant>,
    /// When a question was dispatched.
    asked_at: HashMap<String, Instant>,
    /// Faults to answer matching requests with: (method, path fragment, fault, times left).
    faults: Vec<(String, String, Fault, usize)>,
    /// While set, gateway connections are accepted and closed at once (Discord unreachable).
    refuse_gateway: bool,
    resumes: usize,
    /// The connected session's outbox, once it is ready (READY or RESUMED sent).
    gateway: Option<mpsc::UnboundedSender<Value>>,
    /// Every dispatch sent or queued, for replay on RESUME.
    history: Vec<Value>,
    /// Dispatches queued while no session was ready.
    pending: Vec<Value>,
}

/// Ways a gateway session breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayFault {
    /// A close frame with this code.
    Close(u16),
    /// The TCP connection reset, no close frame.
    Abort,
    /// Op 7: Discord asks the client to reconnect (and resume).
    Reconnect,
    /// Op 9: the session is invalid; `true` if it may be resumed.
    InvalidSession(bool),
}

/// A failure the fake answers with instead of doing what was asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// 429 with this `retry_after` (seconds), for the route or for everything.
    RateLimited { retry_after: f64, global: bool },
    /// A server error with this status (500, 502...).
    Status(u16),
}

/// The running fake. Dropping it leaves its tasks to end with the test's runtime.
pub struct FakeDiscord {
    pub base: String,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        FakeDiscord::start_with(false).await
    }

    /// A fake whose REST API answers 401 to everything.
    pub async fn start_rejecting() -> FakeDiscord {
        FakeDiscord::start_with(true).await
    }

    async fn start_with(reject_token: bool) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", rest.local_addr().unwrap());
        let ws_url = format!("ws://{}", ws.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            next_id: 1_000,
            ..State::default()
        }));
        let changed = Arc::new(Notify::new());
        {
            let (state, changed, ws_url) = (state.clone(), changed.clone(), ws_url.clone());
            tokio::spawn(async move {
                while let Ok((stream, _)) = rest.accept().await {
                    let (state, changed, ws_url) = (state.clone(), changed.clone(), ws_url.clone());
                    tokio::spawn(serve_rest(stream, state, changed, ws_url, reject_token));
                }
            });
        }
        {
            let (state, changed) = (state.clone(), changed.clone());
            tokio::spawn(async move {
                while let Ok((stream, _)) = ws.accept().await {
                    let (state, changed) = (state.clone(), changed.clone());
                    tokio::spawn(serve_gateway(stream, state, changed));
                }
            });
        }
        FakeDiscord {
            base,
            state,
            changed,
        }
    }

    /// Makes posting a channel message take `d`, like a slow Discord.
    pub fn delay_messages(&self, d: Duration) {
        self.state.lock().unwrap().message_delay = d;
    }

    /// Answers the next `times` requests whose method is `method` and whose path contains
    /// `fragment` with `fault`.
    pub fn inject(&self, method: &str, fragment: &str, fault: Fault, times: usize) {
        self.state.lock().unwrap().faults.push((
            method.to_string(),
            fragment.to_string(),
            fault,
            times,
        ));
    }

    /// How many questions have had a reply arrive.
    pub fn replied(&self) -> usize {
        self.state.lock().unwrap().replied_at.len()
    }

    /// The time from dispatch to reply of each question dispatched after `since`.
    pub fn latencies_after(&self, since: Instant) -> Vec<Duration> {
        let st = self.state.lock().unwrap();
        st.replied_at
            .iter()
            .filter_map(|(id, t)| {
                let asked = st.asked_at.get(id).filter(|a| **a >= since)?;
                Some(t.saturating_duration_since(*asked))
            })
            .collect()
    }

    /// When each request to a path containing `fragment` arrived.
    pub fn arrival_times(&self, fragment: &str) -> Vec<Instant> {
        let st = self.state.lock().unwrap();
        st.arrivals
            .iter()
            .zip(&st.arrival_times)
            .filter(|((_, p), _)| p.contains(fragment))
            .map(|(_, t)| *t)
            .collect()
    }

    /// REST requests that have arrived so far, answered or not.
    pub fn arrivals(&self) -> Vec<(String, String)> {
        self.state.lock().unwrap().arrivals.clone()
    }

    /// Closes the bot's gateway connection (close code 4000, which allows a resume) and, while
    /// `refuse`, turns every new one away before the websocket handshake.
    pub fn drop_gateway(&self, refuse: bool) {
        self.state.lock().unwrap().refuse_gateway = refuse;
        self.gateway_fault(GatewayFault::Close(4000));
    }

    /// Lets gateway connections in again.
    pub fn allow_gateway(&self) {
        self.state.lock().unwrap().refuse_gateway = false;
    }

    /// How many times the bot identified, and resumed.
    pub fn sessions(&self) -> (usize, usize) {
        let st = self.state.lock().unwrap();
        (st.identifies, st.resumes)
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Everything that broke a rule or was not expected.
    pub fn problems(&self) -> Vec<String> {
        self.state.lock().unwrap().problems.clone()
    }

    /// The IDENTIFY payload the bot sent.
    pub fn identify(&self) -> Option<Value> {
        self.state.lock().unwrap().identify.clone()
    }

    /// Waits until `n` requests match `f`, then returns them; panics after [`PATIENCE`].
    pub async fn wait_for(&self, n: usize, f: impl Fn(&Request) -> bool) -> Vec<Request> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let notified = self.changed.notified();
            let found: Vec<Request> = self.requests().into_iter().filter(|r| f(r)).collect();
            if found.len() >= n {
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "waited {PATIENCE:?} for {n} matching requests, saw {}: {:#?}\nproblems: {:#?}",
                    found.len(),
                    self.requests(),
                    self.problems()
                );
            }
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// Waits until the bot is connected (READY sent) and has registered its commands.
    pub async fn wait_ready(&self) -> Vec<Request> {
        self.wait_for(1, |r| r.method == "PUT" && r.path.ends_with("/commands"))
            .await
    }

    /// Sends a dispatch event to the connected bot.
    /// Sends a dispatch event to the bot; while no session is ready it waits in a queue, sent
    /// after the next READY or replayed on RESUME, as Discord does.
    pub fn dispatch(&self, event: &str, data: Value) {
        let mut st = self.state.lock().unwrap();
        if event == "INTERACTION_CREATE" {
            let id = data["id"].as_str().unwrap().to_string();
            st.interactions.insert(id, (Instant::now(), false));
        }
        if let Some(id) = data["id"].as_str() {
            st.asked_at.insert(id.to_string(), Instant::now());
        }
        st.seq += 1;
        let payload = json!({"op": 0, "t": event, "s": st.seq, "d": data});
        st.history.push(payload.clone());
        let sent = st
            .gateway
            .as_ref()
            .is_some_and(|tx| tx.send(payload.clone()).is_ok());
        if !sent {
            st.pending.push(payload);
        }
    }

    /// Breaks the bot's gateway session in one of the ways Discord's can break.
    pub fn gateway_fault(&self, fault: GatewayFault) {
        // From now on dispatches wait for the next session, as nothing more is sent on this one.
        let mut st = self.state.lock().unwrap();
        if let Some(tx) = st.gateway.take() {
            let _ = tx.send(json!({"fault": format!("{fault:?}")}));
        }
    }

    /// Sends a guild or direct message from a user; applies the Message Content intent rule.
    pub fn send_message(&self, m: Value) {
        let mut m = m;
        let intents = self
            .identify()
            .and_then(|i| i["intents"].as_u64())
            .unwrap_or(0);
        let mentions_bot = m["mentions"].as_array().is_some_and(|a| {
            a.iter()
                .any(|u| u["id"].as_str().and_then(|s| s.parse::<u64>().ok()) == Some(BOT_ID))
        });
        if m.get("guild_id").is_some() && intents & MESSAGE_CONTENT == 0 && !mentions_bot {
            m["content"] = json!("");
        }
        self.dispatch("MESSAGE_CREATE", m);
    }

    /// A fresh snowflake.
    pub fn id(&self) -> String {
        let mut st = self.state.lock().unwrap();
        st.next_id += 1;
        (900_000_000_000_100_000 + st.next_id).to_string()
    }

    /// Fails the test if anything unexpected happened.
    pub fn assert_clean(&self) {
        let p = self.problems();
        assert!(p.is_empty(), "the fake Discord saw problems: {p:#?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: payloads as Discord sends them, with every field serenity requires.

/// A mix of questions for load: answered and not, a quote, a hostile mention.
pub const MIXED_QUESTIONS: &[&str] = &[
    "how much of ukraine does russia control",
    "what did zelensky say about nato",
    "who is the vice president",
    "when did russia annex crimea",
    "what's the weather in munich",
    "give me a quote from hegseth",
    "how many regions did russia annex",
    "@everyone what did macron say",
];

pub fn user(id: &str, name: &str, bot: bool) -> Value {
    json!({"id": id, "username": name, "discriminator": "0", "global_name": name, "avatar": null, "bot": bot})
}

pub fn ready() -> Value {
    json!({
        "v": 10,
        "user": user(&BOT_ID.to_string(), "citebot", true),
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": "fake-session",
        "resume_gateway_url": "ws://127.0.0.1:1",
        "shard": [0, 1],
        "application": {"id": APP_ID.to_string(), "flags": 0},
    })
}

pub fn guild() -> Value {
    json!({
        "id": GUILD_ID.to_string(), "name": "Test Server", "icon": null, "splash": null,
        "discovery_splash": null, "owner_id": "1", "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [{
            "id": GUILD_ID.to_string(), "name": "@everyone", "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false, "icon": null, "unicode_emoji": null, "position": 0,
            "permissions": "0", "managed": false, "mentionable": false, "flags": 0
        }],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
        "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
        "max_members": 100, "vanity_url_code": null, "description": null, "banner": null,
        "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "nsfw_level": 0, "premium_progress_bar_enabled": false, "stickers": [],
        "joined_at": "2026-01-01T00:00:00.000000+00:00", "large": false, "member_count": 2,
        "members": [], "channels": [], "threads": [], "presences": [], "voice_states": [],
        "stage_instances": [], "guild_scheduled_events": [], "unavailable": false
    })
}

/// A MESSAGE_CREATE payload. `guild` false makes it a direct message.
pub fn message(
    fake: &FakeDiscord,
    channel: &str,
    guild: bool,
    author: &Value,
    content: &str,
    mentions: &[Value],
) -> Value {
    let mut m = json!({
        "id": fake.id(), "channel_id": channel, "author": author, "content": content,
        "timestamp": "2026-01-01T00:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": mentions, "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "type": 0, "flags": 0
    });
    if guild {
        m["guild_id"] = json!(GUILD_ID.to_string());
        m["member"] = json!({"roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0});
    }
    m
}

/// A MESSAGE_CREATE that replies to one of the bot's messages: `sent` is the body the bot
/// posted, which Discord repeats as `referenced_message` (components included).
pub fn reply(
    fake: &FakeDiscord,
    channel: &str,
    author: &Value,
    content: &str,
    mentions: &[Value],
    sent_id: &str,
    sent: &Value,
) -> Value {
    let mut m = message(fake, channel, true, author, content, mentions);
    let mut referenced = sent_message(sent_id.to_string(), channel, sent);
    referenced["guild_id"] = json!(GUILD_ID.to_string());
    m["type"] = json!(19);
    m["message_reference"] =
        json!({"message_id": sent_id, "channel_id": channel, "guild_id": GUILD_ID.to_string()});
    m["referenced_message"] = referenced;
    m
}

fn interaction_base(
    fake: &FakeDiscord,
    kind: u8,
    channel: &str,
    who: &Value,
    data: Value,
) -> Value {
    json!({
        "id": fake.id(), "application_id": APP_ID.to_string(), "type": kind, "data": data,
        "guild_id": GUILD_ID.to_string(), "channel": {"id": channel, "type": 0}, "channel_id": channel,
        "member": {"user": who, "roles": [], "deaf": false, "mute": false, "flags": 0,
                   "joined_at": "2026-01-01T00:00:00.000000+00:00", "permissions": "0"},
        "token": format!("itoken-{}", fake.id()), "version": 1, "locale": "en-US",
        "guild_locale": "en-US", "entitlements": [], "authorizing_integration_owners": {},
        "attachment_size_limit": 10485760, "app_permissions": "0"
    })
}

/// A slash command invocation (type 2) with string options.
pub fn command(
    fake: &FakeDiscord,
    channel: &str,
    who: &Value,
    name: &str,
    options: &[(&str, &str)],
) -> Value {
    let opts: Vec<Value> = options
        .iter()
        .map(|(n, v)| json!({"name": n, "type": 3, "value": v}))
        .collect();
    interaction_base(
        fake,
        2,
        channel,
        who,
        json!({"id": fake.id(), "name": name, "type": 1, "options": opts}),
    )
}

/// An autocomplete request (type 4) with `focused` being typed.
pub fn autocomplete(
    fake: &FakeDiscord,
    channel: &str,
    who: &Value,
    name: &str,
    focused: &str,
    typed: &str,
) -> Value {
    let opts = json!([{"name": focused, "type": 3, "value": typed, "focused": true}]);
    interaction_base(
        fake,
        4,
        channel,
        who,
        json!({"id": fake.id(), "name": name, "type": 1, "options": opts}),
    )
}

/// A button click (type 3) on a message the bot sent.
pub fn click(fake: &FakeDiscord, channel: &str, who: &Value, custom_id: &str) -> Value {
    let mut i = interaction_base(
        fake,
        3,
        channel,
        who,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    i["message"] = message(
        fake,
        channel,
        true,
        &user(&BOT_ID.to_string(), "citebot", true),
        "",
        &[],
    );
    i
}

// ---------------------------------------------------------------------------------------------
// REST

async fn serve_rest(
    stream: TcpStream,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    ws_url: String,
    reject: bool,
) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers: HashMap<String, String> = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await.unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let path = target.split('?').next().unwrap_or("").to_string();
        let authorized =
            headers.get("authorization").map(String::as_str) == Some(&format!("Bot {TOKEN}"));
        let (delay, fault) = {
            let mut st = state.lock().unwrap();
            st.arrivals.push((method.clone(), path.clone()));
            st.arrival_times.push(Instant::now());
            let question = body["message_reference"]["message_id"]
                .as_str()
                .map(str::to_string)
                .or_else(|| {
                    path.strip_prefix("/api/v10/interactions/")
                        .and_then(|rest| rest.split('/').next())
                        .map(str::to_string)
                });
            if let Some(q) = question {
                st.replied_at.entry(q).or_insert_with(Instant::now);
            }
            let fault = st
                .faults
                .iter_mut()
                .find(|(m, f, _, left)| *left > 0 && *m == method && path.contains(f.as_str()))
                .map(|entry| {
                    entry.3 -= 1;
                    entry.2
                });
            (st.message_delay, fault)
        };
        changed.notify_waiters();
        if method == "POST" && path.ends_with("/messages") && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let (status, answer) = if reject || !authorized {
            (401, json!({"message": "401: Unauthorized", "code": 0}))
        } else if let Some(fault) = fault {
            match fault {
                Fault::RateLimited {
                    retry_after,
                    global,
                } => (
                    429,
                    json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global}),
                ),
                Fault::Status(s) => (s, json!({"message": "Internal Server Error", "code": 0})),
            }
        } else {
            route(&method, &path, &body, &state, &ws_url)
        };
        state.lock().unwrap().requests.push(Request {
            method: method.clone(),
            path: path.clone(),
            body,
            status,
        });
        changed.notify_waiters();
        let reason = match status {
            200 => "OK",
            204 => "No Content",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            _ => "Other",
        };
        let text = if status == 204 {
            String::new()
        } else {
            answer.to_string()
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        );
        if write.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn problem(state: &Arc<Mutex<State>>, p: String) {
    state.lock().unwrap().problems.push(p);
}

fn invalid_form(state: &Arc<Mutex<State>>, what: String) -> (u16, Value) {
    problem(state, format!("400 50035: {what}"));
    (
        400,
        json!({"message": "Invalid Form Body", "code": 50035, "errors": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": what}]}}),
    )
}

fn route(
    method: &str,
    path: &str,
    body: &Value,
    state: &Arc<Mutex<State>>,
    ws_url: &str,
) -> (u16, Value) {
    let p: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let next_id = || {
        let mut st = state.lock().unwrap();
        st.next_id += 1;
        (900_000_000_000_200_000 + st.next_id).to_string()
    };
    match (method, p.as_slice()) {
        ("GET", ["users", "@me"]) => (200, user(&BOT_ID.to_string(), "citebot", true)),
        ("GET", ["gateway"]) => (200, json!({"url": ws_url})),
        ("GET", ["gateway", "bot"]) => (
            200,
            json!({"url": ws_url, "shards": 1, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}),
        ),
        ("PUT", ["applications", app, "commands"])
        | ("PUT", ["applications", app, "guilds", _, "commands"]) => {
            if *app != APP_ID.to_string() {
                problem(
                    state,
                    format!("commands registered for unknown application {app}"),
                );
            }
            let mut out = Vec::new();
            for c in body.as_array().cloned().unwrap_or_default() {
                if let Err(e) = check_command(&c) {
                    return invalid_form(state, e);
                }
                let mut c = c.clone();
                c["id"] = json!(next_id());
                c["application_id"] = json!(APP_ID.to_string());
                c["version"] = json!("1");
                c["type"] = json!(1);
                c["default_member_permissions"] = Value::Null;
                out.push(c);
            }
            (200, Value::Array(out))
        }
        ("POST", ["channels", channel, "messages"]) => {
            if let Err(e) = check_message(body) {
                return invalid_form(state, e);
            }
            check_pings(state, body);
            (200, sent_message(next_id(), channel, body))
        }
        ("POST", ["channels", _, "typing"]) => (204, Value::Null),
        ("POST", ["interactions", id, _token, "callback"]) => {
            let entry = state.lock().unwrap().interactions.get(*id).copied();
            match entry {
                None => {
                    problem(state, format!("callback for unknown interaction {id}"));
                    (
                        404,
                        json!({"message": "Unknown interaction", "code": 10062}),
                    )
                }
                Some((_, true)) => {
                    problem(state, format!("second callback for interaction {id}"));
                    (
                        400,
                        json!({"message": "Interaction has already been acknowledged.", "code": 40060}),
                    )
                }
                Some((created, false)) if created.elapsed() > Duration::from_secs(3) => {
                    problem(
                        state,
                        format!("interaction {id} answered after {:?}", created.elapsed()),
                    );
                    (
                        404,
                        json!({"message": "Unknown interaction", "code": 10062}),
                    )
                }
                Some(_) => {
                    let data = &body["data"];
                    if body["type"] == 8 {
                        if let Err(e) = check_choices(data) {
                            return invalid_form(state, e);
                        }
                    } else if body["type"] == 4 {
                        if let Err(e) = check_message(data) {
                            return invalid_form(state, e);
                        }
                        check_pings(state, data);
                    }
                    state
                        .lock()
                        .unwrap()
                        .interactions
                        .insert(id.to_string(), (Instant::now(), true));
                    (204, Value::Null)
                }
            }
        }
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) | ("POST", ["webhooks", _, _]) => {
            if let Err(e) = check_message(body) {
                return invalid_form(state, e);
            }
            check_pings(state, body);
            (200, sent_message(next_id(), "0", body))
        }
        _ => {
            problem(state, format!("unexpected request {method} {path}"));
            (404, json!({"message": "404: Not Found", "code": 0}))
        }
    }
}

fn sent_message(id: String, channel: &str, body: &Value) -> Value {
    json!({
        "id": id, "channel_id": channel, "author": user(&BOT_ID.to_string(), "citebot", true),
        "content": body["content"].as_str().unwrap_or(""), "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": body["embeds"].as_array().cloned().unwrap_or_default(),
        "pinned": false, "type": 0, "flags": 0, "components": body["components"].as_array().cloned().unwrap_or_default()
    })
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Discord's message limits.
fn check_message(m: &Value) -> Result<(), String> {
    let content = chars(&m["content"]);
    let embeds = m["embeds"].as_array().cloned().unwrap_or_default();
    if content > 2000 {
        return Err(format!("content has {content} characters (max 2000)"));
    }
    if content == 0 && embeds.is_empty() && m["components"].as_array().is_none_or(|c| c.is_empty())
    {
        return Err("message is empty".into());
    }
    if embeds.len() > 10 {
        return Err(format!("{} embeds (max 10)", embeds.len()));
    }
    let mut total = 0;
    for e in &embeds {
        let title = chars(&e["title"]);
        let description = chars(&e["description"]);
        let footer = chars(&e["footer"]["text"]);
        let author = chars(&e["author"]["name"]);
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        if title > 256 || description > 4096 || footer > 2048 || author > 256 || fields.len() > 25 {
            return Err(format!(
                "embed over a limit: title {title}, description {description}, footer {footer}, fields {}",
                fields.len()
            ));
        }
        total += title + description + footer + author;
        for f in &fields {
            let (n, v) = (chars(&f["name"]), chars(&f["value"]));
            if n == 0 || n > 256 || v == 0 || v > 1024 {
                return Err(format!("embed field name {n} / value {v} characters"));
            }
            total += n + v;
        }
    }
    if total > 6000 {
        return Err(format!("embeds have {total} characters in all (max 6000)"));
    }
    for row in m["components"].as_array().cloned().unwrap_or_default() {
        let buttons = row["components"].as_array().cloned().unwrap_or_default();
        if buttons.len() > 5 {
            return Err("more than 5 buttons in a row".into());
        }
        for b in buttons {
            if chars(&b["label"]) > 80 || chars(&b["custom_id"]) > 100 {
                return Err("button label or custom id too long".into());
            }
        }
    }
    Ok(())
}

/// Records a reply that would ping: text with @everyone/@here or a role/user mention, sent
/// without allowed_mentions that forbid it.
fn check_pings(state: &Arc<Mutex<State>>, m: &Value) {
    let text = m.to_string();
    let pingable = text.contains("@everyone") || text.contains("@here") || text.contains("<@");
    let am = &m["allowed_mentions"];
    let parse: Vec<&str> = am["parse"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let locked = am.is_object()
        && parse.is_empty()
        && am["roles"].as_array().is_none_or(|r| r.is_empty())
        && am["users"].as_array().is_none_or(|u| u.is_empty());
    if pingable && !locked {
        problem(state, format!("a reply could ping: {text}"));
    }
    if !am.is_object() {
        problem(state, format!("a reply without allowed_mentions: {text}"));
    }
}

fn check_command(c: &Value) -> Result<(), String> {
    let name = c["name"].as_str().unwrap_or("");
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_');
    if !ok {
        return Err(format!("command name {name:?}"));
    }
    let d = chars(&c["description"]);
    if d == 0 || d > 100 {
        return Err(format!("command {name} description has {d} characters"));
    }
    let opts = c["options"].as_array().cloned().unwrap_or_default();
    if opts.len() > 25 {
        return Err(format!("command {name} has {} options", opts.len()));
    }
    let mut optional_seen = false;
    for o in &opts {
        let d = chars(&o["description"]);
        if d == 0 || d > 100 {
            return Err(format!(
                "option {} description has {d} characters",
                o["name"]
            ));
        }
        let required = o["required"].as_bool().unwrap_or(false);
        if required && optional_seen {
            return Err(format!(
                "required option {} after an optional one",
                o["name"]
            ));
        }
        optional_seen |= !required;
    }
    Ok(())
}

fn check_choices(data: &Value) -> Result<(), String> {
    let choices = data["choices"].as_array().cloned().unwrap_or_default();
    if choices.len() > 25 {
        return Err(format!("{} autocomplete choices (max 25)", choices.len()));
    }
    for c in choices {
        let (n, v) = (chars(&c["name"]), chars(&c["value"]));
        if n == 0 || n > 100 || v > 100 {
            return Err(format!("choice name {n} / value {v} characters"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Gateway

async fn serve_gateway(stream: TcpStream, state: Arc<Mutex<State>>, changed: Arc<Notify>) {
    // Dropping the socket resets the connection (a TCP abort) unless a close frame was sent.
    // A zero linger makes the drop an immediate reset; it does not block.
    #[allow(deprecated)]
    let _ = stream.set_linger(Some(Duration::ZERO));
    if state.lock().unwrap().refuse_gateway {
        return; // closed before the websocket handshake, like an unreachable Discord
    }
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
    if sink.send(Ws::Text(hello.to_string())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(v) if v.get("fault").is_some() => {
                    let fault = v["fault"].as_str().unwrap_or("").to_string();
                    let close = |code: u16, reason: &str| Ws::Close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                        code: code.into(),
                        reason: reason.to_string().into(),
                    }));
                    state.lock().unwrap().gateway = None;
                    match fault.as_str() {
                        "Abort" => return,
                        "Reconnect" => {
                            let _ = sink.send(Ws::Text(json!({"op": 7, "d": null}).to_string())).await;
                        }
                        "InvalidSession(true)" => {
                            let _ = sink.send(Ws::Text(json!({"op": 9, "d": true}).to_string())).await;
                        }
                        "InvalidSession(false)" => {
                            let _ = sink.send(Ws::Text(json!({"op": 9, "d": false}).to_string())).await;
                        }
                        other => {
                            let code = other.trim_start_matches("Close(").trim_end_matches(')').parse().unwrap_or(4000);
                            let _ = sink.send(close(code, "Unknown error.")).await;
                            let _ = sink.flush().await;
                            return;
                        }
                    }
                }
                Some(v) => {
                    if sink.send(Ws::Text(v.to_string())).await.is_err() {
                        return;
                    }
                }
                None => return,
            },
            frame = source.next() => {
                let Some(Ok(frame)) = frame else { return };
                let Ws::Text(text) = frame else {
                    if let Ws::Close(_) = frame { return; }
                    continue;
                };
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                match v["op"].as_u64() {
                    Some(1) => {
                        let _ = tx.send(json!({"op": 11}));
                    }
                    Some(2) => {
                        let token_ok = v["d"]["token"].as_str() == Some(&format!("Bot {TOKEN}")) || v["d"]["token"].as_str() == Some(TOKEN);
                        if !token_ok {
                            problem(&state, "IDENTIFY with a wrong token".into());
                            let _ = sink.send(Ws::Close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                                code: 4004.into(),
                                reason: "Authentication failed.".into(),
                            }))).await;
                            return;
                        }
                        {
                            let mut st = state.lock().unwrap();
                            st.identify = Some(v["d"].clone());
                            st.identifies += 1;
                            for (t, d) in [("READY", ready()), ("GUILD_CREATE", guild())] {
                                st.seq += 1;
                                let payload = json!({"op": 0, "t": t, "s": st.seq, "d": d});
                                st.history.push(payload.clone());
                                let _ = tx.send(payload);
                            }
                            // What was dispatched while no session was ready.
                            for p in std::mem::take(&mut st.pending) {
                                let _ = tx.send(p);
                            }
                            st.gateway = Some(tx.clone());
                        }
                        changed.notify_waiters();
                    }
                    Some(6) => {
                        // RESUME: replay what the session missed since its last sequence number,
                        // then RESUMED.
                        let after = v["d"]["seq"].as_u64().unwrap_or(0);
                        let mut st = state.lock().unwrap();
                        st.resumes += 1;
                        for p in st.history.iter().filter(|p| p["s"].as_u64().unwrap_or(0) > after) {
                            let _ = tx.send(p.clone());
                        }
                        st.pending.clear();
                        st.seq += 1;
                        let _ = tx.send(json!({"op": 0, "t": "RESUMED", "s": st.seq, "d": {}}));
                        st.gateway = Some(tx.clone());
                        drop(st);
                        changed.notify_waiters();
                    }
                    Some(op) => problem(&state, format!("unexpected gateway op {op}: {text}")),
                    None => problem(&state, format!("unreadable gateway frame: {text}")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serenity::all::{Guild, Interaction, Message, Ready, User};

    /// The fixtures deserialize into serenity's own types: a fixture missing a required field
    /// would otherwise become an "unknown event" that never reaches the handler.
    #[tokio::test]
    async fn fixtures_are_valid_serenity_payloads() {
        let fake = FakeDiscord::start().await;
        let _: Ready = serde_json::from_value(ready()).expect("READY");
        let _: Guild = serde_json::from_value(guild()).expect("GUILD_CREATE");
        let u = user("5", "ann", false);
        let _: User = serde_json::from_value(u.clone()).expect("user");
        let _: Message = serde_json::from_value(message(&fake, "7", true, &u, "hi", &[]))
            .expect("guild message");
        let _: Message = serde_json::from_value(message(&fake, "7", false, &u, "hi", &[]))
            .expect("direct message");
        let sent = json!({"content": "x", "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "👍", "custom_id": "citebot:vote:up:5"}]}]});
        let r: Message =
            serde_json::from_value(reply(&fake, "7", &u, "why?", &[], "99", &sent)).expect("reply");
        assert_eq!(r.referenced_message.unwrap().components.len(), 1);
        for i in [
            command(&fake, "7", &u, "ask", &[("question", "who?")]),
            autocomplete(&fake, "7", &u, "ask", "question", "wh"),
            click(&fake, "7", &u, "citebot:paragraph:5"),
        ] {
            let parsed: Interaction =
                serde_json::from_value(i.clone()).unwrap_or_else(|e| panic!("{e}: {i}"));
            assert!(matches!(
                parsed,
                Interaction::Command(_) | Interaction::Autocomplete(_) | Interaction::Component(_)
            ));
        }
    }

    #[test]
    fn limits_are_checked_like_discord() {
        assert!(check_message(&json!({"content": "x".repeat(2000)})).is_ok());
        assert!(check_message(&json!({"content": "x".repeat(2001)})).is_err());
        assert!(check_message(&json!({"content": ""})).is_err());
        assert!(check_message(&json!({"embeds": [{"description": "x".repeat(4097)}]})).is_err());
        assert!(check_message(&json!({"embeds": [{"description": "x".repeat(4000), "fields": [{"name": "a", "value": "x".repeat(1000)}, {"name": "b", "value": "x".repeat(1001)}]}]})).is_err());
        assert!(check_command(&json!({"name": "Ask", "description": "d"})).is_err());
        assert!(check_choices(&json!({"choices": (0..26).map(|i| json!({"name": i.to_string(), "value": "v"})).collect::<Vec<_>>()})).is_err());
    }
}
