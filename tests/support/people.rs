//! People in the handler tests: users in their own private chats, joining organizations,
//! pressing buttons; and the notices queued for them, taken out of the outbox and checked
//! against the Bot API rules.
#![allow(unused_imports)]

use super::handlers::*;
use super::telegram_rules::Spec;
use poruch::storage::OutboxMessage;
use teloxide_tests::MockPrivateChat;

/// Makes `staff` a member of `org` through the bot, in `lang`.
pub async fn join(w: &World, org: &str, staff: i64, lang: &str) {
    let code = w.store.create_invite(org, w.ctx.now()).unwrap();
    let mut bot = bot_with(w, says(staff, lang, &format!("/join {code}")));
    bot.dispatch().await;
}

pub fn person(id: i64, lang: &str) -> User {
    MockUser::new().id(id as u64).language_code(lang).build()
}

/// A message from someone in their own private chat.
pub fn says(id: i64, lang: &str, text: &str) -> MockMessageText {
    MockMessageText::new()
        .text(text)
        .from(person(id, lang))
        .chat(MockPrivateChat::new().id(id).build())
}

/// A button pressed by someone, on a message in their own private chat.
pub fn presses(id: i64, lang: &str, data: &str) -> MockCallbackQuery {
    MockCallbackQuery::new()
        .data(data)
        .from(person(id, lang))
        .message(
            MockMessageText::new()
                .chat(MockPrivateChat::new().id(id).build())
                .build(),
        )
}

/// Takes every queued notice for a chat out of the outbox, checking each against the rules.
pub fn take_queued(w: &World, chat: i64) -> Vec<OutboxMessage> {
    let spec = Spec::load();
    let mut out = Vec::new();
    for pending in w.store.due(i64::MAX, usize::MAX).unwrap() {
        if pending.message.chat_id != chat {
            continue;
        }
        let m = &pending.message;
        let mut body = json!({"chat_id": chat, "text": m.html, "parse_mode": "HTML", "protect_content": m.protect_content});
        if let Some(k) = &m.keyboard_json {
            body["reply_markup"] = serde_json::from_str(k).unwrap();
        }
        if m.copy_from.is_none() {
            spec.check("sendMessage", &body)
                .unwrap_or_else(|e| panic!("{e:?}: {}", m.html));
        }
        w.store.outbox_done(pending.id).unwrap();
        out.push(pending.message);
    }
    out
}

/// The callback data of a queued notice's buttons.
pub fn notice_buttons(m: &OutboxMessage) -> Vec<(String, String)> {
    let Some(k) = &m.keyboard_json else {
        return Vec::new();
    };
    let markup: teloxide::types::InlineKeyboardMarkup = serde_json::from_str(k).unwrap();
    markup
        .inline_keyboard
        .into_iter()
        .flatten()
        .filter_map(|b| match b.kind {
            InlineKeyboardButtonKind::CallbackData(d) => Some((b.text, d)),
            _ => None,
        })
        .collect()
}

/// The data of the button whose label contains `label`.
pub fn button_with(buttons: &[(String, String)], label: &str) -> String {
    buttons
        .iter()
        .find(|(l, _)| l.contains(label))
        .map(|(_, d)| d.clone())
        .unwrap_or_else(|| panic!("no button {label:?} in {buttons:?}"))
}
