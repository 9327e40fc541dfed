//! Logging: `tracing` to stderr, filtered by `PORUCH_LOG`. Dependencies (teloxide, sled,
//! reqwest) log through the `log` crate, and some of their messages carry whole updates —
//! message text and Telegram ids (teloxide's "Cannot parse an update … Value: {json}"). Their
//! warnings and errors are forwarded with only the fixed text before the first detail, so an
//! operator sees that something failed and where, never what a user wrote.

use tracing_subscriber::EnvFilter;

/// The fixed part of a dependency's log message: the text before its first argument.
pub fn redact(message: &str) -> &str {
    let end = message
        .find([':', '\n', '{', '(', '"', '\''])
        .unwrap_or(message.len());
    let head = message[..end].trim();
    match head.char_indices().nth(80) {
        Some((cut, _)) => &head[..cut],
        None => head,
    }
}

struct RedactingBridge;

impl log::Log for RedactingBridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        let summary = redact(&message);
        let source = record.target();
        match record.level() {
            log::Level::Error => tracing::error!(source, "{summary} (details withheld)"),
            _ => tracing::warn!(source, "{summary} (details withheld)"),
        }
    }

    fn flush(&self) {}
}

/// Installs the subscriber and the bridge. `filter` is `PORUCH_LOG`'s value, if set; `json`
/// (`PORUCH_LOG_FORMAT=json`) writes one JSON object a line, for log collectors.
pub fn init(filter: Option<&str>, json: bool) {
    let filter = filter
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // Not `.init()`: with tracing-subscriber's `tracing-log` feature it would install a bridge
    // that forwards dependencies' messages whole, and then ours could not be installed.
    let _ = if json {
        tracing::subscriber::set_global_default(builder.json().finish())
    } else {
        tracing::subscriber::set_global_default(builder.finish())
    };
    if log::set_boxed_logger(Box::new(RedactingBridge)).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn only_the_fixed_text_of_a_dependency_message_is_kept() {
        assert_eq!(
            redact(
                "Cannot parse an update.\nError: Error(\"x\")\nValue: {\"message\":{\"text\":\"мене б'ють\"}}"
            ),
            "Cannot parse an update."
        );
        assert_eq!(
            redact("Unhandled update: Update { id: 5, kind: Message(..) }"),
            "Unhandled update"
        );
        assert_eq!(
            redact("An error from the update listener: Network(reqwest::Error { .. })"),
            "An error from the update listener"
        );
        assert_eq!(
            redact("dialogue.get_or_default() failed: Io"),
            "dialogue.get_or_default"
        );
        assert_eq!(redact(&"x".repeat(200)).len(), 80);
    }
}
