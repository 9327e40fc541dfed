//! Configuration read from the environment, in one place (README lists every variable).

use std::path::PathBuf;

/// Where the store lives.
pub const DATA_DIR_VAR: &str = "PORUCH_DATA_DIR";
pub const DEFAULT_DATA_DIR: &str = "./poruch-data";
/// The key file that seals private fields (default: poruch.key in the data directory).
pub const KEY_FILE_VAR: &str = "PORUCH_KEY_FILE";
/// The bot token from @BotFather (read by teloxide).
pub const TOKEN_VAR: &str = "TELOXIDE_TOKEN";
/// Another Bot API server, e.g. a local one or a test double (read by teloxide).
pub const API_URL_VAR: &str = "TELOXIDE_API_URL";
/// Log filter in `tracing` syntax, e.g. `info` or `poruch=debug`.
pub const LOG_VAR: &str = "PORUCH_LOG";
/// `json` for one JSON object a line (log collectors); anything else is plain text.
pub const LOG_FORMAT_VAR: &str = "PORUCH_LOG_FORMAT";

/// Today's date (UTC), for vetting expiry.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The token, if set and not blank.
pub fn token() -> Option<String> {
    std::env::var(TOKEN_VAR)
        .ok()
        .filter(|t| !t.trim().is_empty())
}

/// The Bot API URL if one is set; an error names the variable if it is not a URL.
pub fn api_url() -> Result<Option<url::Url>, String> {
    match std::env::var(API_URL_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_api_url(v.trim()).map(Some),
        _ => Ok(None),
    }
}

/// A Bot API URL: https, or plain http only to this machine (a local Bot API server) — the
/// token and every message travel in it.
pub fn parse_api_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("{API_URL_VAR} is not a URL: {e}"))?;
    let local = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if local => Ok(url),
        _ => Err(format!(
            "{API_URL_VAR} must be https:// (plain http only to this machine)"
        )),
    }
}

pub fn default_data_dir() -> PathBuf {
    PathBuf::from(DEFAULT_DATA_DIR)
}

/// Coordinators' Telegram user ids, comma-separated.
pub const ADMINS_VAR: &str = "PORUCH_ADMINS";

/// The admins from `PORUCH_ADMINS`; an error names the entry that is not a user id.
pub fn admins() -> Result<std::collections::HashSet<i64>, String> {
    let raw = std::env::var(ADMINS_VAR).unwrap_or_default();
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>().map_err(|_| {
                format!(
                    "{ADMINS_VAR} must list Telegram user ids separated by commas; {s:?} is not one"
                )
            })
        })
        .collect()
}

/// Days a finished request (closed, withdrawn, declined everywhere) is kept.
pub const RETENTION_VAR: &str = "PORUCH_RETENTION_DAYS";
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// The retention period from `PORUCH_RETENTION_DAYS` (1 to 3650 days; default 30).
pub fn retention_days() -> Result<u32, String> {
    match std::env::var(RETENTION_VAR) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .ok_or_else(|| {
                format!("{RETENTION_VAR} must be a number of days from 1 to 3650, not {v:?}")
            }),
        _ => Ok(DEFAULT_RETENTION_DAYS),
    }
}

/// Days an expert request waits for an offer before the adviser and coordinators are told.
pub const OFFER_DAYS_VAR: &str = "PORUCH_OFFER_DAYS";
pub const DEFAULT_OFFER_DAYS: u32 = 7;

/// Ratings an organization needs before its average shows on its card; 0 turns it off.
pub const MIN_RATINGS_VAR: &str = "PORUCH_MIN_RATINGS";
pub const DEFAULT_MIN_RATINGS: u32 = 3;

fn number(var: &str, default: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32, String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| range.contains(d))
            .ok_or_else(|| {
                format!(
                    "{var} must be a number from {} to {}, not {v:?}",
                    range.start(),
                    range.end()
                )
            }),
        _ => Ok(default),
    }
}

/// `PORUCH_OFFER_DAYS` (1 to 365; default 7).
pub fn offer_days() -> Result<u32, String> {
    number(OFFER_DAYS_VAR, DEFAULT_OFFER_DAYS, 1..=365)
}

/// `PORUCH_MIN_RATINGS` (0 = never show averages, up to 1000; default 3).
pub fn min_ratings() -> Result<u32, String> {
    number(MIN_RATINGS_VAR, DEFAULT_MIN_RATINGS, 0..=1000)
}

/// Where the dashboard's web server listens (e.g. `127.0.0.1:8080`); off when unset.
pub const WEB_ADDR_VAR: &str = "PORUCH_WEB_ADDR";
/// The HTTPS address Telegram opens for the dashboard (the reverse proxy in front of
/// `PORUCH_WEB_ADDR`), e.g. `https://poruch.example.org/`.
pub const PUBLIC_URL_VAR: &str = "PORUCH_PUBLIC_URL";

/// The dashboard's listen address, if set; an error names the variable.
pub fn web_addr() -> Result<Option<std::net::SocketAddr>, String> {
    match std::env::var(WEB_ADDR_VAR) {
        Ok(v) if !v.trim().is_empty() => v.trim().parse().map(Some).map_err(|_| {
            format!("{WEB_ADDR_VAR} must be an address and port like 127.0.0.1:8080, not {v:?}")
        }),
        _ => Ok(None),
    }
}

/// The dashboard's public address, if set: https only (Telegram opens nothing else).
pub fn public_url() -> Result<Option<url::Url>, String> {
    match std::env::var(PUBLIC_URL_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_public_url(v.trim()).map(Some),
        _ => Ok(None),
    }
}

pub fn parse_public_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("{PUBLIC_URL_VAR} is not a URL: {e}"))?;
    if url.scheme() != "https" {
        return Err(format!(
            "{PUBLIC_URL_VAR} must be https:// — Telegram opens Mini Apps only over HTTPS"
        ));
    }
    Ok(url)
}

/// Where scheduled backups and the /forget journal go (off when unset).
pub const BACKUP_DIR_VAR: &str = "PORUCH_BACKUP_DIR";
/// How many scheduled backups are kept.
pub const BACKUP_KEEP_VAR: &str = "PORUCH_BACKUP_KEEP";

pub fn backup_dir() -> Option<PathBuf> {
    std::env::var(BACKUP_DIR_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| PathBuf::from(v.trim()))
}

/// Scheduled backups kept: 1–365, default 7.
pub fn backup_keep() -> Result<usize, String> {
    match std::env::var(BACKUP_KEEP_VAR) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=365).contains(n))
            .ok_or_else(|| format!("{BACKUP_KEEP_VAR} must be a number from 1 to 365, not {v:?}")),
        _ => Ok(7),
    }
}

/// The HTTPS address Telegram posts updates to (webhook mode; long polling when unset). It
/// must reach `PORUCH_WEB_ADDR`, usually through a reverse proxy that keeps the path.
pub const WEBHOOK_URL_VAR: &str = "PORUCH_WEBHOOK_URL";

pub fn webhook_url() -> Result<Option<url::Url>, String> {
    match std::env::var(WEBHOOK_URL_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_webhook_url(v.trim()).map(Some),
        _ => Ok(None),
    }
}

/// A webhook address as Telegram accepts it: https, on port 443, 80, 88 or 8443.
pub fn parse_webhook_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("{WEBHOOK_URL_VAR} is not a URL: {e}"))?;
    if url.scheme() != "https" {
        return Err(format!(
            "{WEBHOOK_URL_VAR} must be https:// — Telegram posts updates only over HTTPS"
        ));
    }
    if !matches!(url.port_or_known_default(), Some(443 | 80 | 88 | 8443)) {
        return Err(format!(
            "{WEBHOOK_URL_VAR} must use port 443, 80, 88 or 8443 — the ports Telegram posts to"
        ));
    }
    Ok(url)
}

/// The store's page cache in MB (sled's cache; the process needs some 40 MB beside it).
pub const CACHE_MB_VAR: &str = "PORUCH_CACHE_MB";

/// The cache size: 8–65536 MB, default `storage::DEFAULT_CACHE_MB`.
pub fn cache_mb() -> Result<u64, String> {
    match std::env::var(CACHE_MB_VAR) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (8..=65_536).contains(n))
            .ok_or_else(|| {
                format!("{CACHE_MB_VAR} must be a number of megabytes from 8 to 65536, not {v:?}")
            }),
        _ => Ok(crate::storage::DEFAULT_CACHE_MB),
    }
}

/// How Poruch paces what it sends: `telegram` (the default: Telegram's limits), `off`
/// (lifted: benchmarks of Poruch's own cost against a test server), or the four numbers
/// `overall=30,chat=1,burst=3,group=20` (messages a second overall, a second in a private
/// chat, a private chat's burst, a minute in a group).
pub const RATE_LIMITS_VAR: &str = "PORUCH_RATE_LIMITS";

pub fn rate_limits() -> Result<Option<crate::telegram::pacing::Limits>, String> {
    match std::env::var(RATE_LIMITS_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_rate_limits(v.trim()),
        _ => Ok(Some(crate::telegram::pacing::Limits::TELEGRAM)),
    }
}

pub fn parse_rate_limits(text: &str) -> Result<Option<crate::telegram::pacing::Limits>, String> {
    let mut limits = crate::telegram::pacing::Limits::TELEGRAM;
    match text {
        "telegram" => return Ok(Some(limits)),
        "off" => return Ok(None),
        _ => {}
    }
    let refuse = || {
        format!(
            "{RATE_LIMITS_VAR} must be telegram, off, or like overall=30,chat=1,burst=3,group=20 (whole numbers from 1), not {text:?}"
        )
    };
    for pair in text.split(',') {
        let (name, value) = pair.split_once('=').ok_or_else(refuse)?;
        let value: u32 = value
            .trim()
            .parse()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(refuse)?;
        match name.trim() {
            "overall" => limits.overall_per_sec = value,
            "chat" => limits.chat_per_sec = value,
            "burst" => limits.chat_burst = value,
            "group" => limits.group_per_min = value,
            _ => return Err(refuse()),
        }
    }
    Ok(Some(limits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_are_telegrams_unless_lifted_or_given() {
        use crate::telegram::pacing::Limits;
        assert_eq!(parse_rate_limits("telegram"), Ok(Some(Limits::TELEGRAM)));
        assert_eq!(parse_rate_limits("off"), Ok(None));
        let given = parse_rate_limits("overall=10, burst=5").ok().flatten();
        assert_eq!(
            given.map(|l| (l.overall_per_sec, l.chat_burst, l.chat_per_sec)),
            Some((10, 5, 1))
        );
        assert!(parse_rate_limits("overall=0").is_err());
        assert!(parse_rate_limits("fast").is_err());
        assert!(parse_rate_limits("speed=3").is_err());
    }

    #[test]
    fn a_webhook_is_https_on_a_port_telegram_posts_to() {
        assert!(parse_webhook_url("https://bot.example.org/telegram").is_ok());
        assert!(parse_webhook_url("https://bot.example.org:8443/t").is_ok());
        assert!(parse_webhook_url("http://bot.example.org/telegram").is_err());
        assert!(parse_webhook_url("https://bot.example.org:8080/telegram").is_err());
        assert!(parse_webhook_url("bot.example.org").is_err());
    }

    #[test]
    fn the_bot_api_is_reached_over_https_or_on_this_machine_only() {
        assert!(parse_api_url("https://api.telegram.org").is_ok());
        assert!(parse_api_url("http://127.0.0.1:8081").is_ok());
        assert!(parse_api_url("http://localhost:8081").is_ok());
        assert!(parse_api_url("http://[::1]:8081").is_ok());
        assert!(parse_api_url("http://bot-api.example.org").is_err());
        assert!(parse_api_url("ftp://127.0.0.1").is_err());
        assert!(parse_api_url("not a url").is_err());
    }

    #[test]
    fn the_dashboard_is_opened_over_https_only() {
        assert!(parse_public_url("https://poruch.example.org/").is_ok());
        assert!(parse_public_url("http://poruch.example.org/").is_err());
        assert!(parse_public_url("poruch.example.org").is_err());
    }
}
