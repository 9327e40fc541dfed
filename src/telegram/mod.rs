//! The Telegram adapter: turns updates into use-case calls (`crate::app`) and outcomes into
//! screens, keeps each chat's dialogue state, issues the buttons' tokens, and delivers the
//! outbox. No use case lives here. The handler tree lives in `schema()` so tests can drive it
//! with teloxide_tests.

pub mod actions;
pub mod callback;
pub mod commands;
pub mod context;
pub mod courier;
pub mod dialogue;
pub mod handlers;
pub mod html;
pub mod outbox_worker;
pub mod render;
pub mod send;
pub mod tokens;

use std::sync::Arc;

use teloxide::dispatching::dialogue::{self as teloxide_dialogue, ErasedStorage};
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;

pub use commands::Command;
pub use context::{BotContext, BotError, HandlerResult, PoruchDialogue};
pub use dialogue::State;

/// The whole handler tree. `/urgent` and the urgent button are served before the dialogue is
/// loaded, so they answer even when the store cannot be read.
pub fn schema() -> UpdateHandler<BotError> {
    let urgent = dptree::entry()
        .branch(
            Update::filter_message()
                .filter_command::<Command>()
                .filter(|cmd: Command| cmd == Command::Urgent)
                .endpoint(handlers::urgent_message),
        )
        .branch(
            Update::filter_callback_query()
                .filter(|q: CallbackQuery| callback::is_urgent(q.data.as_deref()))
                .endpoint(handlers::urgent_callback),
        );

    let messages = Update::filter_message()
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(handlers::commands::command),
        )
        .endpoint(handlers::messages::message);

    let callbacks = Update::filter_callback_query().endpoint(handlers::callbacks::callback);

    // Poruch works in private chats only: in a group, a search or a card could be seen by
    // the very people a user wants to keep it from.
    dptree::entry()
        .filter(|update: Update| update.chat().is_none_or(|c| c.is_private()))
        // Telegram may deliver an update twice (after a crash): the second has no effect.
        .filter(
            |update: Update, ctx: Arc<BotContext>, me: teloxide::types::Me| {
                ctx.first_time(me.id.0, update.id.0)
            },
        )
        // The person's own messages are remembered too: /forget deletes them from the chat.
        .inspect(|update: Update, ctx: Arc<BotContext>| {
            if let teloxide::types::UpdateKind::Message(m) = &update.kind {
                ctx.remember_message(m.chat.id, m.id);
                // Whoever writes can be reached again, even if they once blocked the bot.
                if let Err(e) = ctx.app.store.mark_reachable(m.chat.id.0) {
                    tracing::warn!(error = %e, "cannot update a chat's reachability");
                }
            }
        })
        .branch(urgent)
        .branch(
            teloxide_dialogue::enter::<Update, ErasedStorage<State>, State, _>()
                .branch(messages)
                .branch(callbacks),
        )
}

/// Registers the command menu in both languages (Ukrainian is also the default).
pub async fn register_commands(bot: &Bot, ctx: &BotContext) -> Result<(), teloxide::RequestError> {
    use crate::domain::Lang;
    bot.set_my_commands(commands::menu(&ctx.i18n, Lang::Uk))
        .await?;
    for lang in Lang::ALL {
        bot.set_my_commands(commands::menu(&ctx.i18n, lang))
            .language_code(lang.code())
            .await?;
    }
    Ok(())
}

/// Runs the bot with long polling until Ctrl-C or SIGTERM, with the outbox worker and the
/// background work beside it.
pub async fn run(bot: Bot, ctx: BotContext) -> Result<(), teloxide::RequestError> {
    register_commands(&bot, &ctx).await?;
    let storage = dialogue::storage::erased(ctx.app.store.clone());
    let ctx = Arc::new(ctx);
    // The outbox is delivered on its own Throttled bot; handlers keep the plain one.
    let throttled = teloxide::adaptors::Throttle::new_spawn(
        bot.clone(),
        teloxide::adaptors::throttle::Limits::default(),
    );
    let worker = tokio::spawn(outbox_worker::run(throttled, ctx.clone()));
    let timers = tokio::spawn(crate::app::timers::run(ctx.app.clone()));
    tracing::info!("bot started");
    Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![ctx, storage])
        .default_handler(|_| async {})
        .error_handler(Arc::new(handlers::LogErrors))
        .enable_ctrlc_handler()
        .build()
        .dispatch()
        .await;
    worker.abort();
    timers.abort();
    tracing::info!("bot stopped");
    Ok(())
}
