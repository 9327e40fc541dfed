//! Test support shared by the integration tests.
#![allow(dead_code)]

pub mod app;
pub mod fake_bot_api;
pub mod handlers;
pub mod people;
pub mod process;
pub mod telegram_rules;

/// The buttons of a help request for legal help on sexual harassment in Dnipropetrovsk oblast,
/// described by nothing, anonymous, sent — which only demo-rivnist-dnipro can take.
pub const LEGAL_HELP_IN_DNIPRO: [&str; 6] = [
    "1:dt:sexual-harassment",
    "1:dr:UA-12",
    "1:dk:legal",
    "1:dd",
    "1:dcb",
    "1:ds",
];

/// A temporary directory only its user can read: a data directory others can read is refused.
pub fn tempdir() -> tempfile::TempDir {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir().expect("a temporary directory")
}

/// The code inside <code>…</code> of an invitation message.
pub fn invite_code(text: &str) -> String {
    text.split("<code>")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .unwrap_or_default()
        .to_string()
}
