//! Opaque buttons: a button that acts on a request, a referral, a question or a material
//! carries only an opaque token, which the store maps to the action and to the one person it
//! was issued to. Issued when a screen or a notice is rendered; redeemed when pressed.

use teloxide::types::InlineKeyboardButton;

use super::callback::Callback;
use super::context::BotContext;
use crate::app::act::Act;
use crate::storage::{StoreError, TokenRefusal};

/// A button carrying the token for `act`, usable only by `user`; `None` if its data
/// could not be encoded (it is then left out rather than refused by Telegram).
pub fn button(
    ctx: &BotContext,
    user: i64,
    label: String,
    act: &Act,
) -> Result<Option<InlineKeyboardButton>, StoreError> {
    let token = ctx
        .app
        .store
        .issue_token(user, &act.encode(), ctx.app.now())?;
    Ok(Callback::Token(token)
        .encode()
        .ok()
        .map(|data| InlineKeyboardButton::callback(label, data)))
}

/// The action behind a token, if `user` may press it now; else why not (forged, replayed,
/// stale), as a security event's kind.
pub fn redeem(
    ctx: &BotContext,
    user: i64,
    token: &str,
) -> Result<Result<Act, &'static str>, StoreError> {
    Ok(
        match ctx.app.store.redeem_token(token, user, ctx.app.now())? {
            Err(refusal) => Err(refusal.code()),
            Ok(text) => Act::decode(&text).ok_or(TokenRefusal::Unknown.code()),
        },
    )
}
