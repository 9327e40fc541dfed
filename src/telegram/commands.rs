//! The bot's commands and their localized menu.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::domain::Lang;
use crate::i18n::{I18n, Msg};

/// Commands. Descriptions shown by Telegram come from the locale files, not from here.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Find,
    /// Ask an organization for help, confidentially.
    Request,
    /// Ask organizations for a trainer, lecturer or expert.
    Expert,
    /// Browse materials by topic.
    Materials,
    /// Staff: publish a material (a document or a link).
    Material,
    /// The requester's own requests.
    My,
    Urgent,
    Language,
    Privacy,
    Help,
    Cancel,
    /// Delete everything the bot keeps about the user (after confirmation).
    Forget,
    /// The quick exit: clear the chat's last 48 hours, keep the requests (after confirmation).
    Hide,
    /// Coordinators only: `/invite ORG_ID` makes a one-time code to join an organization.
    Invite(String),
    /// `/join CODE` (or the `join-CODE` start link) makes the user staff of an organization.
    Join(String),
    /// Coordinators only: counts without content (security events, unplaced requests, ...).
    Stats,
    /// Coordinators only: `/staff ORG_ID` lists an organization's team, with Remove buttons.
    Staff(String),
    /// Staff: leave the organization's team (after a confirmation).
    Leave,
    /// Staff: the organization's open referrals.
    Inbox,
    /// Staff: no new referrals for the organization until `/resume`.
    Pause,
    Resume,
    /// Coordinators and staff: a button that opens the dashboard (a Telegram Mini App).
    Dashboard,
}

/// The command menu for `set_my_commands` in one language.
pub fn menu(i18n: &I18n, lang: Lang) -> Vec<BotCommand> {
    let names = [
        "start",
        "find",
        "request",
        "expert",
        "materials",
        "my",
        "urgent",
        "language",
        "privacy",
        "help",
        "cancel",
        "hide",
        "forget",
    ];
    names
        .iter()
        .zip(Msg::COMMAND_DESCRIPTIONS)
        .map(|(name, msg)| BotCommand::new(*name, i18n.text(lang, msg)))
        .collect()
}
