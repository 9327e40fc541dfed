//! Poruch: a Telegram bot that finds vetted civil society organizations for people in
//! Ukraine's security and defence sector. See ARCHITECTURE.md for the map of the layers.

pub mod app;
#[cfg(unix)]
pub mod backup_cli;
pub mod config;
#[cfg(unix)]
pub mod control;
pub mod datafile;
pub mod directory_cli;
pub mod domain;
pub mod i18n;
pub mod logging;
pub mod report_cli;
pub mod startup;
pub mod storage;
pub mod telegram;
pub mod web;
