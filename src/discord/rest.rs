//! The reply path: the REST calls that answer people (channel messages, interaction callbacks,
//! typing), sent by our own client so that rate limits are honoured the same way against
//! Discord and against a test server.
//!
//! serenity's rate limiter does not follow a base-URL override, and its errors drop the
//! `retry_after` of a 429; so replies go through here instead: a 429 waits exactly what Discord
//! asks (per route, or for everything when it is global) and is never retried early; an
//! exhausted bucket (`X-RateLimit-Remaining: 0`) waits for its reset before the next call;
//! 5xx answers and timeouts are retried a bounded number of times with a growing pause.

use crate::ops::Metrics;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many times one reply is attempted in all.
const ATTEMPTS: u32 = 5;
/// The longest a reply waits for a rate limit before giving up.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// Why a reply was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    #[error("Discord answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the request failed: {0}")]
    Transport(String),
    #[error("gave up after waiting for rate limits")]
    RateLimited,
}

/// A reply client for one bot.
pub struct Rest {
    client: reqwest::Client,
    /// "https://discord.com" or the override; paths start with /api/v10.
    base: String,
    authorization: String,
    /// Route -> not before (an exhausted bucket or a 429 on that route).
    routes: Mutex<HashMap<String, Instant>>,
    /// Not before, for every route (a global 429).
    global: Mutex<Option<Instant>>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest").field("base", &self.base).finish()
    }
}

impl Rest {
    pub fn new(base: &str, token: &str, metrics: Arc<Metrics>) -> Rest {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!(
                "DiscordBot (https://github.com/citebot, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build()
            .unwrap_or_default();
        let token = token.trim();
        Rest {
            client,
            base: base.trim_end_matches('/').to_string(),
            authorization: if token.starts_with("Bot ") {
                token.to_string()
            } else {
                format!("Bot {token}")
            },
            routes: Mutex::new(HashMap::new()),
            global: Mutex::new(None),
            metrics,
        }
    }

    /// POSTs `body` as JSON to `path` (after /api/v10); `route` names its rate-limit bucket.
    pub async fn post(
        &self,
        route: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<(), RestError> {
        self.send(reqwest::Method::POST, route, path, body).await
    }

    /// PATCHes `body` as JSON to `path`, like [`Rest::post`].
    pub async fn patch(
        &self,
        route: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<(), RestError> {
        self.send(reqwest::Method::PATCH, route, path, body).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        route: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<(), RestError> {
        let body = serde_json::to_vec(body).map_err(|e| RestError::Transport(e.to_string()))?;
        let url = format!("{}/api/v10{path}", self.base);
        let started = Instant::now();
        let mut pause = Duration::from_millis(250);
        let mut last = RestError::RateLimited;
        for attempt in 1..=ATTEMPTS {
            self.wait_turn(route).await;
            let sent = self
                .client
                .request(method.clone(), &url)
                .header("authorization", &self.authorization)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    // Timeouts and connection failures: retried with a growing pause.
                    tracing::warn!(route, attempt, error = %without_url(&e), "request failed");
                    last = RestError::Transport(without_url(&e));
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    continue;
                }
            };
            let status = response.status().as_u16();
            self.note_bucket(route, response.headers());
            if (200..300).contains(&status) {
                return Ok(());
            }
            let header_retry = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<f64>().ok());
            let text = response.text().await.unwrap_or_default();
            if status == 429 {
                self.metrics.rate_limited();
                let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let secs = json["retry_after"]
                    .as_f64()
                    .or(header_retry)
                    .unwrap_or(1.0)
                    .max(0.0);
                let wait = Duration::from_secs_f64(secs);
                let until = Instant::now() + wait;
                if json["global"].as_bool() == Some(true) {
                    *self.global.lock().unwrap_or_else(|p| p.into_inner()) = Some(until);
                } else {
                    self.block_route(route, until);
                }
                tracing::warn!(route, attempt, retry_after = secs, "rate limited");
                if started.elapsed() + wait > MAX_WAIT {
                    return Err(RestError::RateLimited);
                }
                last = RestError::RateLimited;
                continue;
            }
            last = RestError::Status {
                status,
                body: text.chars().take(300).collect(),
            };
            if status >= 500 {
                tracing::warn!(route, attempt, status, "Discord failed; retrying");
                tokio::time::sleep(pause).await;
                pause *= 2;
                continue;
            }
            // Other 4xx: retrying would not help.
            return Err(last);
        }
        Err(last)
    }

    /// Waits until neither the route nor the whole API is rate limited.
    async fn wait_turn(&self, route: &str) {
        loop {
            let global = *self.global.lock().unwrap_or_else(|p| p.into_inner());
            let local = self
                .routes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(route)
                .copied();
            let until = global.into_iter().chain(local).max();
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t.into()).await,
                _ => return,
            }
        }
    }

    fn block_route(&self, route: &str, until: Instant) {
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let entry = routes.entry(route.to_string()).or_insert(until);
        *entry = (*entry).max(until);
        // Forget buckets long reset, so the map stays small.
        if routes.len() > 1000 {
            let now = Instant::now();
            routes.retain(|_, t| *t > now);
        }
    }

    /// An exhausted bucket: no call on this route until it resets.
    fn note_bucket(&self, route: &str, headers: &reqwest::header::HeaderMap) {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<f64>().ok())
        };
        if get("x-ratelimit-remaining") == Some(0.0)
            && let Some(reset) = get("x-ratelimit-reset-after")
        {
            self.block_route(
                route,
                Instant::now() + Duration::from_secs_f64(reset.max(0.0)),
            );
        }
    }
}

/// A reqwest error's text without its URL: interaction URLs carry a token.
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(url.as_str(), "<url>");
    }
    s
}
