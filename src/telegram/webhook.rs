//! Webhook mode: Telegram POSTs each update to the path of `PORUCH_WEBHOOK_URL`, on the same
//! web server as the dashboard. A request is refused unless it carries the secret token the
//! bot registered (`X-Telegram-Bot-Api-Secret-Token`, compared in constant time) — checked
//! before the body is read. The answer (200) is given only after the update was handled, so
//! an update under way when the process dies is delivered again.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use subtle::ConstantTimeEq;
use teloxide::prelude::*;
use teloxide::types::Update;

use super::intake::{ALLOWED, Intake};

/// Telegram's header with the secret token.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The largest update read; Telegram's are far smaller.
const BODY_LIMIT: usize = 1 << 20;

struct Hook {
    intake: Arc<Intake>,
    secret: String,
    app: crate::app::App,
}

/// The route Telegram posts updates to.
pub fn router(
    intake: Arc<Intake>,
    app: crate::app::App,
    secret: String,
    path: &str,
) -> axum::Router {
    let hook = Arc::new(Hook {
        intake,
        secret,
        app,
    });
    axum::Router::new()
        .route(path, axum::routing::post(receive))
        .with_state(hook)
}

async fn receive(State(hook): State<Arc<Hook>>, request: Request) -> StatusCode {
    let given = request
        .headers()
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(given.ct_eq(hook.secret.as_bytes())) {
        tracing::warn!("a webhook request without the right secret token was refused");
        return StatusCode::UNAUTHORIZED;
    }
    // Stopping: Telegram keeps the update and sends it again (to the restarted bot).
    if hook.app.is_stopping() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE;
    };
    match serde_json::from_slice::<Update>(&body) {
        Ok(update) => {
            hook.intake.handle(update).await;
            StatusCode::OK
        }
        // Sending it again would not make it readable.
        Err(_) => {
            tracing::warn!("an unreadable update was skipped");
            StatusCode::OK
        }
    }
}

/// Registers the webhook with Telegram (the same secret token each time, from the store).
pub async fn register(
    bot: &Bot,
    url: url::Url,
    secret: &str,
) -> Result<(), teloxide::RequestError> {
    bot.set_webhook(url)
        .secret_token(secret.to_string())
        .allowed_updates(ALLOWED)
        .await?;
    Ok(())
}
