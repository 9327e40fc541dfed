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
pub mod intake;
pub mod menu_button;
pub mod outbox_worker;
pub mod outgoing;
pub mod pacing;
pub mod render;
pub mod send;
pub mod tokens;
pub mod webhook;

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
                // Commands are parsed once, later; only what may be /urgent is parsed here.
                .filter(|msg: Message| msg.text().is_some_and(|t| t.starts_with("/urgent")))
                .filter_command::<Command>()
                .filter(|cmd: Command| cmd == Command::Urgent)
                .endpoint(handlers::urgent_message),
        )
        .branch(
            Update::filter_callback_query()
                .filter(|q: CallbackQuery| callback::is_urgent(q.data.as_deref()))
                .endpoint(handlers::urgent_callback),
        );

    // One handler per kind of update: a message (a command is parsed once, there) and a
    // button press. Each step of a handler tree clones the update; a flat tree clones little.
    let messages = Update::filter_message().endpoint(handlers::messages::route);
    let callbacks = Update::filter_callback_query().endpoint(handlers::callbacks::callback);

    // Added to a group or a channel: leave it (a search or a card there could be seen by the
    // very people a user wants to keep it from).
    let groups = Update::filter_my_chat_member()
        .filter(|m: teloxide::types::ChatMemberUpdated| {
            !m.chat.is_private() && m.new_chat_member.is_present()
        })
        .endpoint(handlers::leave_group);

    dptree::entry().branch(groups).branch(
        dptree::entry()
            // Private chats only; the person's own messages are remembered for /forget
            // (see `BotContext::admit`).
            .filter(|update: Update, ctx: Arc<BotContext>| ctx.admit(&update))
            .branch(urgent)
            .branch(
                teloxide_dialogue::enter::<Update, ErasedStorage<State>, State, _>()
                    .branch(messages)
                    .branch(callbacks),
            ),
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

/// How long a stop may take: SIGTERM's grace (systemd waits 90 s by default; we promise 10).
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(9);

/// SIGTERM (what systemd sends) or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// How updates arrive.
pub enum Mode {
    /// Long polling (the default): the bot asks Telegram.
    Polling,
    /// Telegram posts updates to this HTTPS address, which reaches the web server.
    Webhook { url: url::Url },
}

/// The web server: where it listens and what it serves (the dashboard).
pub struct Web {
    pub listener: tokio::net::TcpListener,
    pub router: axum::Router,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("Telegram: {0}")]
    Telegram(#[from] teloxide::RequestError),
    #[error(transparent)]
    Store(#[from] crate::storage::StoreError),
    #[error("webhook mode needs the web server: set PORUCH_WEB_ADDR")]
    WebhookWithoutServer,
}

/// Runs the bot until SIGTERM or SIGINT: updates by long polling or a webhook (see
/// `intake`), the web server if there is one, the outbox worker and the background work
/// beside them. Stopping: no new updates are taken, the updates under way are handled, the
/// outbox stops between messages, the store is flushed — within 10 seconds.
pub async fn run(bot: Bot, ctx: BotContext, mode: Mode, web: Option<Web>) -> Result<(), RunError> {
    if matches!(mode, Mode::Webhook { .. }) && web.is_none() {
        return Err(RunError::WebhookWithoutServer);
    }
    register_commands(&bot, &ctx).await?;
    let me = bot.get_me().await?;
    let storage = dialogue::storage::erased(ctx.app.store.clone());
    let ctx = Arc::new(ctx);
    let app = ctx.app.clone();
    let intake = intake::Intake::new(schema(), bot.clone(), me, ctx.clone(), storage);
    let secret = match mode {
        Mode::Webhook { .. } => Some(app.store.webhook_secret()?),
        Mode::Polling => None,
    };
    let server = web.map(|web| {
        let mut router = web.router;
        if let (Mode::Webhook { url }, Some(secret)) = (&mode, &secret) {
            router = router.merge(webhook::router(
                intake.clone(),
                app.clone(),
                secret.clone(),
                url.path(),
            ));
        }
        let app = app.clone();
        tokio::spawn(async move {
            // Graceful: requests under way (a webhook's update) are answered first.
            let stopped = async move { intake::stopping(&app).await };
            let serving = axum::serve(web.listener, router).with_graceful_shutdown(stopped);
            if let Err(e) = serving.await {
                tracing::error!(error = %e.kind(), "the web server stopped");
            }
        })
    });
    // Replies and the outbox share one pacing (`ctx.outgoing`).
    let worker = tokio::spawn(outbox_worker::run(bot.clone(), ctx.clone()));
    let buttons = {
        let (bot, ctx) = (bot.clone(), ctx.clone());
        tokio::spawn(async move { menu_button::offer_to_everyone(&bot, &ctx).await })
    };
    let timers = tokio::spawn(crate::app::timers::run(app.clone()));
    let stopper = {
        let app = app.clone();
        tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping: no new updates; finishing what is under way");
            app.stop();
        })
    };
    // Whatever happens, the process ends within STOP_WITHIN of the signal, store flushed.
    let watchdog = {
        let app = app.clone();
        tokio::spawn(async move {
            intake::stopping(&app).await;
            tokio::time::sleep(STOP_WITHIN).await;
            tracing::warn!("stopping took too long; flushing and exiting");
            let _ = app.store.flush_blocking();
            std::process::exit(0);
        })
    };
    let taking = match mode {
        Mode::Polling => {
            tracing::info!("bot started: long polling");
            intake::poll(bot.clone(), intake.clone()).await;
            Ok(())
        }
        Mode::Webhook { url } => {
            match webhook::register(&bot, url, secret.as_deref().unwrap_or_default()).await {
                Ok(()) => {
                    tracing::info!("bot started: webhook");
                    intake::stopping(&app).await;
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
    };
    app.stop();
    if let Some(server) = server {
        let _ = server.await;
    }
    while intake.under_way() > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let outbox = worker.abort_handle();
    if tokio::time::timeout(std::time::Duration::from_secs(6), worker)
        .await
        .is_err()
    {
        tracing::warn!("the outbox did not stop in time");
        outbox.abort();
    }
    timers.abort();
    buttons.abort();
    stopper.abort();
    if let Err(e) = app.store.flush().await {
        tracing::error!(error = e.kind(), "the last flush failed");
    }
    watchdog.abort();
    tracing::info!("bot stopped");
    taking?;
    Ok(())
}
