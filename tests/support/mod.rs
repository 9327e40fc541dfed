//! Test support shared by the integration tests.
#![allow(dead_code)]

pub mod fake_bot_api;
pub mod handlers;
pub mod process;
pub mod telegram_rules;
