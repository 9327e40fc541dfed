//! People in the handler tests: users in their own private chats, joining organizations,
//! pressing buttons; and the notices queued for them, taken out of the outbox and checked
//! against the Bot API rules.
#![allow(unused_imports)]

use super::handlers::*;
use super::telegram_rules::Spec;
use poruch::app::notice::Notice;
use poruch::domain::Timestamp;
use poruch::storage::OutboxBody;
use poruch::telegram::courier;
use teloxide_tests::MockPrivateChat;

/// One message as the outbox worker would send it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub chat_id: i64,
    pub html: String,
    pub keyboard_json: Option<String>,
    pub protect_content: bool,
    pub copy_from: Option<(i64, i32)>,
}

/// Makes `staff` a member of `org` through the bot, in `lang`.
pub async fn join(w: &World, org: &str, staff: i64, lang: &str) {
    let code = w.store.create_invite(org, w.ctx.app.now()).unwrap();
    let mut bot = bot_with(w, says(staff, lang, &format!("/join {code}")));
    bot.dispatch().await;
    bot.update(says(staff, lang, &format!("Member {staff}")));
    bot.dispatch().await;
    assert_eq!(
        w.store.staff_org(staff).unwrap().as_deref(),
        Some(org),
        "joined: {:?}",
        texts(&bot.get_responses())
    );
    // The announcements of the join (to colleagues and coordinators) are tested on their own.
    for pending in w.store.due(Timestamp::NEVER, usize::MAX).unwrap() {
        if let OutboxBody::Notice(encoded) = &pending.entry.body
            && matches!(
                Notice::decode(encoded).map(|n| n.kind),
                Some(poruch::app::notice::NoticeKind::StaffJoined { .. })
            )
        {
            w.store.outbox_done(pending.id).unwrap();
        }
    }
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

/// Takes every queued notice for a chat out of the outbox, rendered as the worker would
/// render it (in the recipient's language, with their buttons), checking each message against
/// the rules.
pub fn take_queued(w: &World, chat: i64) -> Vec<Delivered> {
    let spec = Spec::load();
    let mut out = Vec::new();
    for pending in w.store.due(Timestamp::NEVER, usize::MAX).unwrap() {
        if pending.entry.chat_id != chat {
            continue;
        }
        let rendered = match &pending.entry.body {
            OutboxBody::Rendered(r) => r.clone(),
            OutboxBody::Notice(encoded) => {
                let notice = Notice::decode(encoded).expect("a notice this version reads");
                courier::render(&w.ctx, &notice).unwrap()
            }
        };
        let last = rendered.parts.len().saturating_sub(1);
        for (i, html) in rendered.parts.iter().enumerate() {
            let m = Delivered {
                chat_id: chat,
                html: html.clone(),
                keyboard_json: if i == last {
                    rendered.keyboard.clone()
                } else {
                    None
                },
                protect_content: rendered.protect_content,
                copy_from: rendered.copy_from,
            };
            let mut body = json!({"chat_id": chat, "text": m.html, "parse_mode": "HTML", "protect_content": m.protect_content});
            if let Some(k) = &m.keyboard_json {
                body["reply_markup"] = serde_json::from_str(k).unwrap();
            }
            if m.copy_from.is_none() {
                spec.check("sendMessage", &body)
                    .unwrap_or_else(|e| panic!("{e:?}: {}", m.html));
            }
            out.push(m);
        }
        w.store.outbox_done(pending.id).unwrap();
    }
    out
}

/// The callback data of a queued notice's buttons.
pub fn notice_buttons(m: &Delivered) -> Vec<(String, String)> {
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
