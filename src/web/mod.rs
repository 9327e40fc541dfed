//! The dashboard: a Telegram Mini App served by the bot's own process (sled allows one
//! process). An adapter beside `telegram`: it turns HTTP requests into use-case calls
//! (`crate::app`) and outcomes into JSON; the page (`assets/`) draws them.
//!
//! Every API request carries the Mini App's `initData` (header `Authorization: tma …`),
//! checked before anything else is read (`auth`); the role is looked up again on every
//! request (`app::directory::role`). The page itself holds no secret and is served with a
//! strict Content-Security-Policy.

mod api;
pub mod auth;
mod charts;
mod page;
mod state;

pub use state::WebState;

use std::sync::Arc;

use axum::Router;

/// The page and the API.
pub fn router(state: Arc<WebState>) -> Router {
    Router::new()
        .merge(page::routes())
        .route("/health", axum::routing::get(health))
        .nest("/api", api::routes())
        .layer(axum::middleware::map_response(page::security_headers))
        .with_state(state)
}

/// For monitoring: 200 when the store answers, 503 otherwise; says nothing else.
async fn health(
    axum::extract::State(state): axum::extract::State<Arc<WebState>>,
) -> (axum::http::StatusCode, &'static str) {
    match state.app.store.schema_version() {
        Ok(Some(_)) => (axum::http::StatusCode::OK, "ok"),
        _ => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
    }
}
