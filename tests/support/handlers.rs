//! Driving the handler tree with teloxide_tests: a world (store, context, dialogue storage),
//! mock users and buttons, and every text the bot sent, checked against the Bot API rules.
// Re-exports for the test files; each uses some of them.
#![allow(unused_imports)]

pub use std::sync::Arc;

pub use chrono::NaiveDate;
pub use futures_util::future::BoxFuture;
pub use serde_json::json;
pub use teloxide::dispatching::dialogue::{ErasedStorage, Storage};
pub use teloxide::dptree::deps;
pub use teloxide::types::{ChatId, InlineKeyboardButtonKind, ReplyMarkup, User};
pub use teloxide_tests::{
    MockBot, MockCallbackQuery, MockGroupChat, MockMessagePhoto, MockMessageSticker,
    MockMessageText, MockMessageVoice, MockUser, Responses,
};

use super::telegram_rules::Spec;
pub use poruch::app::{App, Clock, Config};
pub use poruch::domain::Lang;
pub use poruch::i18n::I18n;
pub use poruch::storage::Store;
pub use poruch::telegram::dialogue::storage as dialogue_storage;
pub use poruch::telegram::{BotContext, State, schema};
pub use poruch::{datafile, startup};

/// The coordinator of these tests (PORUCH_ADMINS).
pub const ADMIN: i64 = 555_000_111;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// The world's context on another day (for deadlines, reminders and retention).
pub fn on_day(w: &World, day: NaiveDate) -> BotContext {
    BotContext {
        app: w.ctx.app.on_day(day),
        ..(*w.ctx).clone()
    }
}

pub struct World {
    pub store: Store,
    pub ctx: Arc<BotContext>,
    pub storage: Arc<ErasedStorage<State>>,
}

pub fn world() -> World {
    let store = Store::temporary().unwrap();
    let taxonomy = startup::taxonomy().unwrap();
    let materials = datafile::materials(&taxonomy).unwrap();
    let index = startup::load_index(&store, taxonomy, today()).unwrap();
    let config = Config {
        retention_days: 30,
        offer_days: 7,
        min_ratings: 3,
        admins: std::collections::HashSet::from([ADMIN]),
    };
    let ctx = Arc::new(BotContext {
        app: App::new(
            store.clone(),
            index,
            materials,
            config,
            Clock::Fixed(today()),
        ),
        i18n: Arc::new(I18n::load().unwrap()),
        hotlines: Arc::new(datafile::hotlines().unwrap()),
        dashboard: None,
        outgoing: poruch::telegram::outgoing::Outgoing::lifted(),
    });
    let storage = dialogue_storage::erased(store.clone());
    World {
        store,
        ctx,
        storage,
    }
}

pub fn user(lang: &str) -> User {
    MockUser::new().language_code(lang).build()
}

pub fn text(lang: &str, text: &str) -> MockMessageText {
    MockMessageText::new().text(text).from(user(lang))
}

pub fn press(lang: &str, data: &str) -> MockCallbackQuery {
    MockCallbackQuery::new().data(data).from(user(lang))
}

pub fn bot_with<T: teloxide_tests::IntoUpdate>(
    w: &World,
    update: T,
) -> MockBot<Box<dyn std::error::Error + Send + Sync>, teloxide_tests::mock_bot::DistributionKey> {
    // Each mock bot numbers its updates from 42 again, as a new bot token would: forget the
    // ids the last one used, or its updates would be dropped as duplicates.
    w.store.clear_seen_updates().unwrap();
    let mut bot = MockBot::new(update, schema());
    bot.dependencies(deps![w.ctx.clone(), w.storage.clone()]);
    bot
}

/// Every text the bot sent or edited in, in order, after checking each against the rules.
pub fn texts(responses: &Responses) -> Vec<String> {
    let spec = Spec::load();
    let mut out = Vec::new();
    for sent in &responses.sent_messages_text {
        let params = serde_json::to_value(&sent.bot_request.reply_markup).unwrap();
        let mut body = json!({"chat_id": 1, "text": sent.bot_request.text, "parse_mode": "HTML"});
        if !params.is_null() {
            body["reply_markup"] = params;
        }
        spec.check("sendMessage", &body)
            .unwrap_or_else(|e| panic!("{e:?}: {}", sent.bot_request.text));
        out.push(sent.bot_request.text.clone());
    }
    for edited in &responses.edited_messages_text {
        let mut body = json!({"chat_id": 1, "message_id": 1, "text": edited.bot_request.text, "parse_mode": "HTML"});
        if let Some(markup) = &edited.bot_request.reply_markup {
            body["reply_markup"] = serde_json::to_value(markup).unwrap();
        }
        spec.check("editMessageText", &body)
            .unwrap_or_else(|e| panic!("{e:?}: {}", edited.bot_request.text));
        out.push(edited.bot_request.text.clone());
    }
    out
}

pub fn last_text(responses: &Responses) -> String {
    texts(responses).last().cloned().unwrap_or_default()
}

/// The callback data of every button the bot's last message or edit carried.
pub fn buttons(responses: &Responses) -> Vec<(String, String)> {
    let markup = responses
        .edited_messages_text
        .last()
        .and_then(|e| e.bot_request.reply_markup.clone())
        .or_else(|| {
            responses
                .sent_messages_text
                .last()
                .and_then(|s| s.bot_request.reply_markup.clone())
        });
    let Some(ReplyMarkup::InlineKeyboard(markup)) = markup else {
        return Vec::new();
    };
    markup
        .inline_keyboard
        .into_iter()
        .flatten()
        .filter_map(|b| match b.kind {
            InlineKeyboardButtonKind::CallbackData(data) => Some((b.text, data)),
            _ => None,
        })
        .collect()
}

pub fn has_button(responses: &Responses, data: &str) -> bool {
    buttons(responses).iter().any(|(_, d)| d == data)
}
