//! Telegram Mini App `initData`: checked exactly as Telegram documents it before anything in it
//! is believed. The secret is HMAC-SHA256 of the bot token keyed with "WebAppData"; the hash is
//! HMAC-SHA256 of the data-check string (every field but `hash`, URL-decoded, sorted by key,
//! `key=value` joined by newlines) keyed with that secret, compared in constant time; and
//! `auth_date` is at most an hour old.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How old a launch may be: an hour.
pub const MAX_AGE_SECONDS: i64 = 3600;

/// Why `initData` was not accepted. The page is told only that it was not; logs get the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no initData")]
    Missing,
    #[error("initData is malformed")]
    Malformed,
    #[error("initData's signature does not match")]
    Forged,
    #[error("initData is too old")]
    Stale,
}

impl AuthError {
    pub fn kind(self) -> &'static str {
        match self {
            AuthError::Missing => "missing",
            AuthError::Malformed => "malformed",
            AuthError::Forged => "forged",
            AuthError::Stale => "stale",
        }
    }
}

/// Who opened the Mini App, as Telegram signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub user_id: i64,
    /// The Telegram client's language (`user.language_code`), if it sent one.
    pub language_code: Option<String>,
    pub auth_date: i64,
}

#[derive(Deserialize)]
struct User {
    id: i64,
    #[serde(default)]
    language_code: Option<String>,
}

/// The key every hash is made with: HMAC-SHA256 of the bot token, keyed with "WebAppData".
/// Computed once at start; the token itself is not kept by the web server.
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl Secret {
    pub fn from_token(token: &str) -> Secret {
        let mut out = [0u8; 32];
        // HMAC accepts a key of any length; the error case cannot happen.
        if let Ok(mut mac) = HmacSha256::new_from_slice(b"WebAppData") {
            mac.update(token.as_bytes());
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        Secret(out)
    }

    fn mac(&self) -> Option<HmacSha256> {
        HmacSha256::new_from_slice(&self.0).ok()
    }

    /// Signs fields as Telegram does (for tests, and the page's own test launches).
    pub fn sign(&self, fields: &[(&str, &str)]) -> String {
        let mut mac = match self.mac() {
            Some(m) => m,
            None => return String::new(),
        };
        mac.update(check_string(fields.iter().map(|(k, v)| (*k, *v))).as_bytes());
        let hash = hex(&mac.finalize().into_bytes());
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            query.append_pair(k, v);
        }
        query.append_pair("hash", &hash);
        query.finish()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn check_string<'a>(fields: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = fields.filter(|(k, _)| *k != "hash").collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks `initData` (the query string Telegram passes as `tgWebAppData`) at `now` (Unix
/// seconds) and says who it was signed for.
pub fn verify(init_data: &str, secret: &Secret, now: i64) -> Result<Launch, AuthError> {
    if init_data.trim().is_empty() {
        return Err(AuthError::Missing);
    }
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(init_data.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    if !fields.iter().all(|(k, _)| seen.insert(k.as_str())) {
        return Err(AuthError::Malformed);
    }
    let hash = fields
        .iter()
        .find(|(k, _)| k == "hash")
        .and_then(|(_, v)| unhex(v))
        .ok_or(AuthError::Malformed)?;
    let mut mac = secret.mac().ok_or(AuthError::Malformed)?;
    mac.update(check_string(fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))).as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&hash).map_err(|_| AuthError::Forged)?;

    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let auth_date: i64 = field("auth_date")
        .and_then(|d| d.parse().ok())
        .ok_or(AuthError::Malformed)?;
    if now - auth_date > MAX_AGE_SECONDS || auth_date - now > 60 {
        return Err(AuthError::Stale);
    }
    let user: User = field("user")
        .and_then(|u| serde_json::from_str(u).ok())
        .ok_or(AuthError::Malformed)?;
    Ok(Launch {
        user_id: user.id,
        language_code: user.language_code,
        auth_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000;

    fn signed(secret: &Secret, user: &str, auth_date: i64) -> String {
        let date = auth_date.to_string();
        secret.sign(&[("query_id", "AAH1"), ("user", user), ("auth_date", &date)])
    }

    #[test]
    fn a_launch_signed_with_the_bots_token_is_accepted() {
        let secret = Secret::from_token("123456:TEST-TOKEN");
        let data = signed(
            &secret,
            r#"{"id":42,"first_name":"Олена","language_code":"uk"}"#,
            NOW - 10,
        );
        let launch = verify(&data, &secret, NOW).unwrap();
        assert_eq!(launch.user_id, 42);
        assert_eq!(launch.language_code.as_deref(), Some("uk"));
    }

    #[test]
    fn the_documented_algorithm_gives_the_hash_telegram_would() {
        // Computed by hand from the documentation's two steps, not by `sign`.
        let token = "123456:TEST-TOKEN";
        let mut k = HmacSha256::new_from_slice(b"WebAppData").unwrap();
        k.update(token.as_bytes());
        let key = k.finalize().into_bytes();
        let dcs = "auth_date=1790000000\nuser={\"id\":7}";
        let mut m = HmacSha256::new_from_slice(&key).unwrap();
        m.update(dcs.as_bytes());
        let hash = hex(&m.finalize().into_bytes());
        let data = format!("user=%7B%22id%22%3A7%7D&auth_date=1790000000&hash={hash}");
        let launch = verify(&data, &Secret::from_token(token), NOW).unwrap();
        assert_eq!(launch.user_id, 7);
    }

    #[test]
    fn another_bots_token_a_changed_field_or_no_hash_is_refused() {
        let secret = Secret::from_token("123456:TEST-TOKEN");
        let other = Secret::from_token("654321:OTHER");
        let data = signed(&other, r#"{"id":42}"#, NOW);
        assert_eq!(verify(&data, &secret, NOW), Err(AuthError::Forged));

        let data = signed(&secret, r#"{"id":42}"#, NOW).replace("42", "43");
        assert_eq!(verify(&data, &secret, NOW), Err(AuthError::Forged));

        assert_eq!(
            verify("user=%7B%22id%22%3A42%7D&auth_date=1", &secret, NOW),
            Err(AuthError::Malformed)
        );
        assert_eq!(verify("", &secret, NOW), Err(AuthError::Missing));
        let twice = format!("{}&user=x", signed(&secret, r#"{"id":42}"#, NOW));
        assert_eq!(verify(&twice, &secret, NOW), Err(AuthError::Malformed));
    }

    #[test]
    fn a_launch_older_than_an_hour_is_stale() {
        let secret = Secret::from_token("123456:TEST-TOKEN");
        let data = signed(&secret, r#"{"id":42}"#, NOW - MAX_AGE_SECONDS - 1);
        assert_eq!(verify(&data, &secret, NOW), Err(AuthError::Stale));
        let data = signed(&secret, r#"{"id":42}"#, NOW - MAX_AGE_SECONDS);
        assert!(verify(&data, &secret, NOW).is_ok());
    }
}
