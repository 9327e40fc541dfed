//! The dashboard's menu button: when the dashboard has a public address, coordinators' and
//! staff's chats get a menu button that opens it (`setChatMenuButton` per chat; nobody
//! else's chat changes).

use teloxide::prelude::*;
use teloxide::types::{ChatId, MenuButton, WebAppInfo};

use super::BotContext;
use crate::app::directory::{self, Role};
use crate::domain::Lang;
use crate::i18n::Msg;

/// Gives one chat the dashboard's menu button, if the dashboard is served and this person
/// is a coordinator or staff. Best effort: a failure is logged by kind and changes nothing.
pub async fn offer(bot: &Bot, ctx: &BotContext, chat: ChatId, lang: Lang) {
    let Some(url) = ctx.dashboard.clone() else {
        return;
    };
    match directory::role(&ctx.app, chat.0) {
        Ok(Role::Nobody) | Err(_) => return,
        Ok(_) => {}
    }
    let button = MenuButton::WebApp {
        text: ctx.i18n.text(lang, Msg::BtnDashboard),
        web_app: WebAppInfo { url },
    };
    if let Err(e) = bot
        .set_chat_menu_button()
        .chat_id(chat)
        .menu_button(button)
        .await
    {
        tracing::warn!(
            error = super::handlers::error_kind(&e),
            "cannot set the dashboard's menu button"
        );
    }
}

/// At start: every coordinator's and staff member's chat gets the button.
pub async fn offer_to_everyone(bot: &Bot, ctx: &BotContext) {
    if ctx.dashboard.is_none() {
        return;
    }
    let mut chats: Vec<i64> = ctx.app.config.admins.iter().copied().collect();
    for org in ctx.app.directory().organizations() {
        match ctx.app.store.staff_chats(&org.id) {
            Ok(staff) => chats.extend(staff),
            Err(e) => tracing::warn!(error = e.kind(), "cannot read a team for the menu button"),
        }
    }
    chats.sort_unstable();
    chats.dedup();
    for chat in chats {
        let lang = ctx.app.language_or_default(chat);
        offer(bot, ctx, ChatId(chat), lang).await;
    }
}
