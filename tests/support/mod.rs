//! Test support shared by the integration tests.
#![allow(dead_code)]

pub mod app;
pub mod fake_bot_api;
pub mod handlers;
pub mod people;
pub mod process;
pub mod surge;
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

/// A small deterministic generator for tests that kill the bot at random moments: seeded from
/// the clock (or from the environment variable `var`, to replay a failure) and printed.
pub struct Lcg(u64);

impl Lcg {
    pub fn seeded(var: &str) -> Lcg {
        let seed = std::env::var(var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        println!("{var}={seed}");
        Lcg(seed)
    }

    pub fn seed(&self) -> u64 {
        self.0
    }

    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}
