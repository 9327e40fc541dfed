//! A local fake Telegram Bot API server, strict like the real one (see `telegram_rules`).
//! It serves long polling (`getUpdates`) from updates a test pushes, records every call the
//! bot makes, and answers like Telegram: a Message for sends and edits, `true` for the rest,
//! and `{"ok": false, ...}` with the right status for anything Telegram would refuse.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::telegram_rules::Spec;

/// One call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    /// The error Telegram would have answered, if any.
    pub refused: Option<String>,
    /// The result returned (a Message for sends and edits).
    pub result: Value,
}

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    next_update_id: i64,
    next_message_id: i64,
    calls: Vec<Call>,
    /// Errors to answer to the next sends to a chat, as Telegram would (429, 403, ...).
    scripted: std::collections::HashMap<i64, std::collections::VecDeque<Value>>,
    /// Chats whose accepted calls are also streamed to a watcher (for benchmarks).
    watchers: std::collections::HashMap<i64, tokio::sync::mpsc::UnboundedSender<Call>>,
    /// The webhook set with `setWebhook` (Telegram then refuses `getUpdates`).
    webhook: Option<String>,
    /// Telegram's rate limits, when enforced.
    limits: Option<RateLimits>,
    /// Accepted calls are only streamed to watchers, not kept (a long benchmark).
    forget_calls: bool,
    pace: Pace,
    /// The longest a `getUpdates` is held open, in seconds: 2 unless a test asks for
    /// Telegram's own 50 (`hold_polls_as_telegram`).
    longest_poll: Option<u64>,
}

/// Telegram's rate limits as the fake enforces them: messages a second overall, a private
/// chat's burst and then messages a second, messages a minute in a group.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub overall_per_sec: usize,
    pub chat_burst: f64,
    pub chat_per_sec: f64,
    pub group_per_min: usize,
}

impl RateLimits {
    pub const TELEGRAM: RateLimits = RateLimits {
        overall_per_sec: 30,
        chat_burst: 3.0,
        chat_per_sec: 1.0,
        group_per_min: 20,
    };
}

/// What the limits have counted.
#[derive(Default)]
struct Pace {
    /// When the last second's messages were accepted, all chats together.
    recent: std::collections::VecDeque<Instant>,
    /// Private chats: tokens and when they were last refilled.
    buckets: std::collections::HashMap<i64, (f64, Instant)>,
    /// Groups: when the last minute's messages were accepted.
    groups: std::collections::HashMap<i64, std::collections::VecDeque<Instant>>,
}

/// The methods Telegram counts as messages (chat actions, callback answers and deletions
/// are not).
fn counts_as_message(method: &str) -> bool {
    let m = method.to_ascii_lowercase();
    (m.starts_with("send") && m != "sendchataction")
        || m.starts_with("edit")
        || m == "copymessage"
        || m == "forwardmessage"
}

impl Pace {
    /// Counts a message to `chat` now, or says in how many seconds it would be accepted.
    fn admit(&mut self, limits: RateLimits, chat: i64, now: Instant) -> Result<(), u64> {
        let second = Duration::from_secs(1);
        while self.recent.front().is_some_and(|&t| now - t >= second) {
            self.recent.pop_front();
        }
        if self.recent.len() >= limits.overall_per_sec {
            let free = self.recent.front().map_or(now, |&t| t + second);
            return Err(seconds_until(free, now));
        }
        if chat < 0 {
            let minute = Duration::from_secs(60);
            let sent = self.groups.entry(chat).or_default();
            while sent.front().is_some_and(|&t| now - t >= minute) {
                sent.pop_front();
            }
            if sent.len() >= limits.group_per_min {
                let free = sent.front().map_or(now, |&t| t + minute);
                return Err(seconds_until(free, now));
            }
            sent.push_back(now);
        } else {
            let (tokens, at) = self.buckets.entry(chat).or_insert((limits.chat_burst, now));
            *tokens =
                (*tokens + (now - *at).as_secs_f64() * limits.chat_per_sec).min(limits.chat_burst);
            *at = now;
            if *tokens < 1.0 {
                let wait = (1.0 - *tokens) / limits.chat_per_sec;
                return Err(seconds_until(now + Duration::from_secs_f64(wait), now));
            }
            *tokens -= 1.0;
        }
        self.recent.push_back(now);
        Ok(())
    }
}

/// Telegram's `retry_after`: whole seconds, at least one.
fn seconds_until(at: Instant, now: Instant) -> u64 {
    (at.saturating_duration_since(now).as_secs_f64().ceil() as u64).max(1)
}

#[derive(Clone)]
pub struct FakeBotApi {
    inner: Arc<Mutex<Inner>>,
    notify: Arc<Notify>,
    spec: Arc<Spec>,
    pub url: String,
}

pub const BOT_ID: i64 = 7_000_000_001;

impl FakeBotApi {
    pub async fn start() -> FakeBotApi {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let url = format!("http://{}/", listener.local_addr().expect("local address"));
        let api = FakeBotApi {
            inner: Arc::new(Mutex::new(Inner {
                next_update_id: 1,
                next_message_id: 1000,
                ..Inner::default()
            })),
            notify: Arc::new(Notify::new()),
            spec: Arc::new(Spec::load()),
            url,
        };
        let server = api.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let server = server.clone();
                tokio::spawn(async move { server.serve(stream).await });
            }
        });
        api
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues an update (its `update_id` is filled in) and returns that id.
    pub fn push(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.lock();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            update["update_id"] = json!(id);
            inner.updates.push(update);
            id
        };
        self.notify.notify_waiters();
        id
    }

    /// Answers the next `sendMessage` to `chat_id` with an error: `code` and `description`,
    /// and `retry_after` seconds for a 429.
    pub fn fail_next_send(
        &self,
        chat_id: i64,
        code: u16,
        description: &str,
        retry_after: Option<u64>,
    ) {
        let mut error = json!({"ok": false, "error_code": code, "description": description});
        if let Some(after) = retry_after {
            error["parameters"] = json!({"retry_after": after});
        }
        self.lock()
            .scripted
            .entry(chat_id)
            .or_default()
            .push_back(error);
    }

    /// Enforces Telegram's rate limits from now on: a message over them is answered 429 with
    /// `retry_after`, as Telegram does.
    pub fn enforce_limits(&self, limits: RateLimits) {
        self.lock().limits = Some(limits);
    }

    /// Holds a `getUpdates` open as long as its `timeout` asks (up to 50 seconds), as
    /// Telegram does; by default a poll is cut at 2 seconds so that tests move quickly.
    pub fn hold_polls_as_telegram(&self) {
        self.lock().longest_poll = Some(50);
    }

    /// Keeps no accepted call from now on (they still go to watchers): a benchmark of a
    /// million updates would otherwise hold every message in memory.
    pub fn forget_calls(&self) {
        self.lock().forget_calls = true;
    }

    /// Stops streaming a chat's calls.
    pub fn unwatch_chat(&self, chat: i64) {
        self.lock().watchers.remove(&chat);
    }

    /// The calls answered 429 Too Many Requests.
    pub fn rate_limited(&self) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.refused.as_deref().is_some_and(is_rate_limited))
            .collect()
    }

    /// Sets a webhook as a bot in webhook mode would have left it.
    pub fn set_webhook(&self, url: &str) {
        self.lock().webhook = Some(url.to_string());
    }

    /// The webhook set now, if any.
    pub fn webhook(&self) -> Option<String> {
        self.lock().webhook.clone()
    }

    /// Streams every accepted call to `chat` from now on.
    pub fn watch_chat(&self, chat: i64) -> tokio::sync::mpsc::UnboundedReceiver<Call> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        self.lock().watchers.insert(chat, tx);
        rx
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Every call Telegram would have refused as wrong (a 429 is not: it is a "later").
    pub fn refusals(&self) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.refused.as_deref().is_some_and(|r| !is_rate_limited(r)))
            .collect()
    }

    /// Waits until a call after the first `after` calls satisfies `pred`, and returns it.
    pub async fn wait_for(&self, after: usize, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // A call answered 429 did not happen for the person; its repetition will.
            if let Some(call) = self
                .calls()
                .into_iter()
                .skip(after)
                .filter(|c| !c.refused.as_deref().is_some_and(is_rate_limited))
                .find(|c| pred(c))
            {
                return call;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; calls: {:#?}",
                self.calls()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn serve(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream);
        loop {
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).await.unwrap_or(0) == 0 {
                return;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_string();
            let mut length = 0usize;
            let mut content_type = String::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    match name.trim().to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        "content-type" => content_type = value.trim().to_string(),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0u8; length];
            if reader.read_exact(&mut body).await.is_err() {
                return;
            }
            let (status, response) = self.handle(&path, &content_type, &body).await;
            let reason = if status == 200 { "OK" } else { "Error" };
            let payload = response.to_string();
            let head = format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                payload.len()
            );
            // One write: a head and a body written apart meet Nagle's algorithm and the
            // client's delayed ACK, and every answer would wait 40 ms.
            let stream = reader.get_mut();
            if stream
                .write_all(format!("{head}{payload}").as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    }

    async fn handle(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
        let raw = path.rsplit('/').next().unwrap_or("");
        let method = self.spec.canonical(raw).unwrap_or_else(|| raw.to_string());
        let params: Value = if body.is_empty() {
            json!({})
        } else if content_type.starts_with("application/json") {
            serde_json::from_slice(body).unwrap_or(Value::Null)
        } else if content_type.starts_with("multipart/form-data") {
            multipart_fields(content_type, body)
        } else {
            Value::Null
        };
        if !path.starts_with("/bot") || params.is_null() {
            return (
                400,
                json!({"ok": false, "error_code": 400, "description": "Bad Request: unreadable request"}),
            );
        }
        if let Err(refusal) = self.spec.check(&method, &params) {
            self.lock().calls.push(Call {
                method,
                params,
                refused: Some(refusal.description.clone()),
                result: Value::Null,
            });
            let error = json!({"ok": false, "error_code": refusal.code, "description": refusal.description});
            return (refusal.code, error);
        }
        if counts_as_message(&method) {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            let limited = {
                let mut inner = self.lock();
                match inner.limits {
                    Some(limits) => inner.pace.admit(limits, chat, Instant::now()).err(),
                    None => None,
                }
            };
            if let Some(after) = limited {
                let description = format!("Too Many Requests: retry after {after}");
                self.lock().calls.push(Call {
                    method,
                    params,
                    refused: Some(description.clone()),
                    result: Value::Null,
                });
                let error = json!({"ok": false, "error_code": 429, "description": description,
                    "parameters": {"retry_after": after}});
                return (429, error);
            }
        }
        if method == "sendMessage" {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            let scripted = self
                .lock()
                .scripted
                .get_mut(&chat)
                .and_then(|q| q.pop_front());
            if let Some(error) = scripted {
                let code = error["error_code"].as_u64().unwrap_or(400) as u16;
                let refused = error["description"].as_str().map(String::from);
                self.lock().calls.push(Call {
                    method,
                    params,
                    refused,
                    result: Value::Null,
                });
                return (code, error);
            }
        }
        if method.eq_ignore_ascii_case("getUpdates") {
            if self.lock().webhook.is_some() {
                let description = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
                self.lock().calls.push(Call {
                    method,
                    params,
                    refused: Some(description.into()),
                    result: Value::Null,
                });
                return (
                    409,
                    json!({"ok": false, "error_code": 409, "description": description}),
                );
            }
            return (
                200,
                json!({"ok": true, "result": self.updates(&params).await}),
            );
        }
        let result = self.result_of(&method, &params);
        let call = Call {
            method,
            params,
            refused: None,
            result: result.clone(),
        };
        let mut inner = self.lock();
        if let Some(watcher) = call.params["chat_id"]
            .as_i64()
            .and_then(|chat| inner.watchers.get(&chat))
        {
            let _ = watcher.send(call.clone());
        }
        if !inner.forget_calls {
            inner.calls.push(call);
        }
        (200, json!({"ok": true, "result": result}))
    }

    async fn updates(&self, params: &Value) -> Value {
        let offset = params.get("offset").and_then(Value::as_i64).unwrap_or(0);
        let timeout = params
            .get("timeout")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .min(self.lock().longest_poll.unwrap_or(2));
        let deadline = Instant::now() + Duration::from_secs(timeout);
        loop {
            let notified = self.notify.notified();
            {
                let mut inner = self.lock();
                // Telegram forgets updates below the offset: they were confirmed.
                inner
                    .updates
                    .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                if !inner.updates.is_empty() {
                    return Value::Array(inner.updates.clone());
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || tokio::time::timeout(left, notified).await.is_err() {
                return json!([]);
            }
        }
    }

    fn result_of(&self, method: &str, params: &Value) -> Value {
        match method.to_ascii_lowercase().as_str() {
            "getme" => json!({
                "id": BOT_ID, "is_bot": true, "first_name": "Poruch", "username": "poruch_test_bot",
                "can_join_groups": false, "can_read_all_group_messages": false,
                "supports_inline_queries": false, "can_connect_to_business": false, "has_main_web_app": false
            }),
            "getwebhookinfo" => {
                let url = self.lock().webhook.clone().unwrap_or_default();
                json!({"url": url, "has_custom_certificate": false, "pending_update_count": 0})
            }
            "setwebhook" => {
                self.lock().webhook = params["url"].as_str().map(String::from);
                json!(true)
            }
            "deletewebhook" => {
                self.lock().webhook = None;
                json!(true)
            }
            "copymessage" => {
                let mut inner = self.lock();
                inner.next_message_id += 1;
                json!({"message_id": inner.next_message_id})
            }
            "sendmessage" | "editmessagetext" => {
                let chat_id = params["chat_id"].as_i64().unwrap_or(0);
                let message_id = match params.get("message_id").and_then(Value::as_i64) {
                    Some(id) => id,
                    None => {
                        let mut inner = self.lock();
                        inner.next_message_id += 1;
                        inner.next_message_id
                    }
                };
                let mut message = json!({
                    "message_id": message_id,
                    "date": 1_760_000_000,
                    "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                    "from": {"id": BOT_ID, "is_bot": true, "first_name": "Poruch", "username": "poruch_test_bot"},
                    "text": super::telegram_rules::visible_html(params["text"].as_str().unwrap_or_default()).unwrap_or_default(),
                });
                if let Some(markup) = params.get("reply_markup") {
                    message["reply_markup"] = markup.clone();
                }
                message
            }
            _ => json!(true),
        }
    }
}

fn is_rate_limited(refusal: &str) -> bool {
    refusal.starts_with("Too Many Requests")
}

/// The fields of a `multipart/form-data` body (teloxide sends `setWebhook` so, for its
/// certificate) as JSON: arrays and objects parsed, `true`/`false` as booleans, the rest as
/// text. `Null` if the body is not multipart.
fn multipart_fields(content_type: &str, body: &[u8]) -> Value {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
    else {
        return Value::Null;
    };
    let boundary = format!("--{}", boundary.trim_matches('"'));
    let body = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in body.split(boundary.as_str()) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("name="))
            .next()
        else {
            continue;
        };
        let name = name.trim().trim_matches('"').to_string();
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let value = match value {
            "true" => json!(true),
            "false" => json!(false),
            v if v.starts_with('[') || v.starts_with('{') => {
                serde_json::from_str(v).unwrap_or_else(|_| json!(v))
            }
            v => json!(v),
        };
        fields.insert(name, value);
    }
    Value::Object(fields)
}

/// A Telegram user for updates.
pub fn user(id: i64, language: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": "Test", "language_code": language})
}

/// A private text message from a user (commands get their entity, as Telegram sends them).
pub fn text_update(from: &Value, message_id: i64, text: &str) -> Value {
    let mut message = json!({
        "message_id": message_id,
        "date": 1_760_000_000,
        "chat": {"id": from["id"], "type": "private", "first_name": "Test"},
        "from": from,
        "text": text,
    });
    if text.starts_with('/') {
        let len = text
            .split_whitespace()
            .next()
            .unwrap_or(text)
            .encode_utf16()
            .count();
        message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
    }
    json!({"message": message})
}

/// A message of the bot in someone's private chat, for their button presses when the test does
/// not keep the real one.
pub fn bot_message(chat: i64) -> Value {
    json!({
        "message_id": 1, "date": 1_760_000_000, "text": "…",
        "chat": {"id": chat, "type": "private", "first_name": "Test"},
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "Poruch"},
    })
}

/// A press on a button of a message the bot sent.
pub fn press(from: &Value, id: &str, message: &Value, data: &str) -> Value {
    json!({"callback_query": {"id": id, "from": from, "chat_instance": "ci", "message": message, "data": data}})
}

/// The callback data of the button labelled `label` (exactly or as a prefix) in a call's markup.
pub fn button(call: &Call, label: &str) -> Option<String> {
    call.params["reply_markup"]["inline_keyboard"]
        .as_array()?
        .iter()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .find(|b| {
            b["text"]
                .as_str()
                .is_some_and(|t| t == label || t.starts_with(label) || t.contains(label))
        })
        .and_then(|b| b["callback_data"].as_str().map(String::from))
}
