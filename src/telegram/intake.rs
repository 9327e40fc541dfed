//! Where updates come in — long polling or a webhook — at least once, and handled once.
//!
//! An update is confirmed to Telegram only after it was handled: in polling, the next
//! `getUpdates` offset moves past a batch only when every update of it was handled; a webhook
//! request is answered 200 only after its update was handled. Its id is recorded as handled
//! only after its effects (see `storage/updates.rs`), so a crash makes Telegram deliver again
//! what was under way, and what was already done is skipped. A chat's updates are handled one
//! at a time, in order; different chats at once.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::dispatching::UpdateHandler;
use teloxide::dispatching::dialogue::ErasedStorage;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Me, Update, UpdateKind};

use super::context::{BotContext, BotError};
use super::dialogue::State;
use super::handlers;

/// The kinds of update the handler tree uses; Telegram sends no others.
pub const ALLOWED: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MyChatMember,
];

/// How long one `getUpdates` waits for something to arrive. It must end before the HTTP
/// client gives up on a request — teloxide's client allows 17 seconds in all and does not
/// lengthen that for a long poll — or every quiet poll fails, and the pause after each failure
/// (doubling to 30 seconds) would keep the next person waiting before their message is even
/// fetched.
const POLL_SECONDS: u32 = 10;
const HTTP_CLIENT_TIMEOUT_SECONDS: u32 = 17;
const _: () = assert!(POLL_SECONDS + 5 <= HTTP_CLIENT_TIMEOUT_SECONDS);

/// Handles updates one chat at a time, records them as handled, and counts those under way.
pub struct Intake {
    handler: UpdateHandler<BotError>,
    deps: DependencyMap,
    ctx: Arc<BotContext>,
    bot_id: u64,
    /// One lane per chat with an update under way (removed when its last update is done, so
    /// the map is as large as the chats being served at this moment).
    lanes: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    under_way: AtomicUsize,
}

impl Intake {
    /// `handler` is the handler tree (`telegram::schema()`).
    pub fn new(
        handler: UpdateHandler<BotError>,
        bot: Bot,
        me: Me,
        ctx: Arc<BotContext>,
        storage: Arc<ErasedStorage<State>>,
    ) -> Arc<Intake> {
        let bot_id = me.id.0;
        Arc::new(Intake {
            handler,
            deps: dptree::deps![bot, me, ctx.clone(), storage],
            ctx,
            bot_id,
            lanes: Mutex::new(HashMap::new()),
            under_way: AtomicUsize::new(0),
        })
    }

    /// How many updates are being handled now.
    pub fn under_way(&self) -> usize {
        self.under_way.load(Ordering::SeqCst)
    }

    /// Handles one update, after the ones of its chat that came before it. Returns when it
    /// was handled (or skipped as a repeat) and recorded.
    pub async fn handle(&self, update: Update) {
        self.under_way.fetch_add(1, Ordering::SeqCst);
        let lane_key = lane_of(&update);
        let lane = {
            let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
            lanes.entry(lane_key).or_default().clone()
        };
        {
            let _turn = lane.lock().await;
            let id = update.id.0;
            if self.ctx.already_handled(self.bot_id, id) {
                tracing::info!("a repeated update was skipped");
            } else if matches!(update.kind, UpdateKind::Error(_)) {
                // Never logged as it came: it may carry a message and ids.
                tracing::warn!("an unreadable update was skipped");
                self.ctx.mark_handled(self.bot_id, id);
            } else {
                self.dispatch(update).await;
                self.ctx.mark_handled(self.bot_id, id);
            }
        }
        {
            let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
            // Only the map and this call hold it: nobody else waits in this lane.
            if Arc::strong_count(&lane) == 2 {
                lanes.remove(&lane_key);
            }
        }
        self.under_way.fetch_sub(1, Ordering::SeqCst);
    }

    async fn dispatch(&self, update: Update) {
        let mut deps = self.deps.clone();
        deps.insert(update);
        match self.handler.dispatch(deps).await {
            ControlFlow::Break(Ok(())) | ControlFlow::Continue(_) => {}
            ControlFlow::Break(Err(e)) => Arc::new(handlers::LogErrors).handle_error(e).await,
        }
    }
}

/// The chat an update belongs to (its sender's private chat for a button press); updates of
/// neither kind share lane 0.
fn lane_of(update: &Update) -> i64 {
    update
        .chat()
        .map(|c| c.id.0)
        .or_else(|| update.from().map(|u| u.id.0 as i64))
        .unwrap_or(0)
}

/// Long polling until the application stops. A webhook left from webhook mode is deleted
/// first (Telegram refuses `getUpdates` while one is set). Each batch is handled completely —
/// chats at once, each chat in order — before its offset is confirmed.
pub async fn poll(bot: Bot, intake: Arc<Intake>) {
    let app = intake.ctx.app.clone();
    let mut pause = Duration::from_secs(1);
    loop {
        let info = tokio::select! {
            info = bot.get_webhook_info() => info,
            _ = stopping(&app) => return,
        };
        match info {
            Ok(info) if info.url.is_some() => match bot.delete_webhook().await {
                Ok(_) => {
                    tracing::info!("the webhook was deleted: back to long polling");
                    break;
                }
                Err(e) => tracing::warn!(
                    error = handlers::error_kind(&e),
                    "cannot delete the webhook"
                ),
            },
            Ok(_) => break,
            Err(e) => tracing::warn!(
                error = handlers::error_kind(&e),
                "cannot ask Telegram about a webhook"
            ),
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stopping(&app) => return,
        }
        pause = (pause * 2).min(Duration::from_secs(30));
    }
    let mut offset: Option<i32> = None;
    let mut pause = Duration::from_secs(1);
    while !app.is_stopping() {
        let mut request = bot
            .get_updates()
            .timeout(POLL_SECONDS)
            .allowed_updates(ALLOWED);
        if let Some(offset) = offset {
            request = request.offset(offset);
        }
        let batch = tokio::select! {
            batch = request.send() => batch,
            // Whatever that call would have returned stays unconfirmed: Telegram keeps it.
            _ = stopping(&app) => break,
        };
        let updates = match batch {
            Ok(updates) => {
                pause = Duration::from_secs(1);
                updates
            }
            Err(e) => {
                tracing::warn!(
                    error = handlers::error_kind(&e),
                    "getUpdates failed; trying again"
                );
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stopping(&app) => break,
                }
                pause = (pause * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        let Some(last) = updates.iter().map(|u| u.id.0).max() else {
            continue;
        };
        handle_batch(&intake, updates).await;
        offset = Some(last.saturating_add(1) as i32);
    }
    // Confirm the last batch handled, so a restart does not ask for it again.
    if let Some(offset) = offset {
        let _ = bot.get_updates().offset(offset).timeout(0).limit(1).await;
    }
}

/// One batch: each chat's updates in order, chats at once; returns when all are handled.
async fn handle_batch(intake: &Arc<Intake>, updates: Vec<Update>) {
    let mut lanes: Vec<(i64, Vec<Update>)> = Vec::new();
    for update in updates {
        let key = lane_of(&update);
        match lanes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(update),
            None => lanes.push((key, vec![update])),
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (_, list) in lanes {
        let intake = intake.clone();
        tasks.spawn(async move {
            for update in list {
                intake.handle(update).await;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

/// Resolves when the application is stopping.
pub async fn stopping(app: &crate::app::App) {
    while !app.is_stopping() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
