//! The page: one HTML file, its script and its styles, compiled in. No secret is in them; the
//! script reads its launch parameters from the URL fragment, as Telegram passes them. Every
//! response carries a strict Content-Security-Policy: scripts only from here (and Telegram's
//! optional `telegram-web-app.js`), no inline script, no third-party requests.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::state::WebState;

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The policy every response carries.
pub const CSP: &str = "default-src 'none'; script-src 'self' https://telegram.org; \
    style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; \
    frame-ancestors https://web.telegram.org https://webk.telegram.org https://webz.telegram.org; \
    base-uri 'none'; form-action 'none'";

pub fn routes() -> Router<Arc<WebState>> {
    Router::new()
        .route(
            "/",
            get(|| async { asset(INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Adds the security headers to every response, the API's included.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::SCRIPT;
    use crate::app::directory::Standing;
    use crate::domain::Lang;
    use crate::domain::audit::{ActorRole, AuditAction};
    use crate::domain::monitoring::{BY_CODE, METRICS, ORG_METRICS};
    use crate::i18n::{EN_FTL, UK_FTL, page_keys};

    /// Keys the page builds from a prefix and a code it got from the API.
    fn built_keys() -> Vec<String> {
        let mut keys = Vec::new();
        for s in [
            Standing::Active,
            Standing::ExpiringSoon,
            Standing::Expired,
            Standing::Suspended,
        ] {
            keys.push(format!("dash-standing-{}", s.code()));
        }
        for a in AuditAction::ALL {
            keys.push(format!("dash-action-{}", a.code()));
        }
        for r in [ActorRole::Coordinator, ActorRole::Operator] {
            keys.push(format!("dash-{}", r.code()));
        }
        for l in Lang::ALL {
            keys.push(format!("dash-lang-{}", l.code()));
        }
        for what in ORG_METRICS {
            keys.push(format!("dash-org-{what}"));
        }
        for m in METRICS.iter().chain(BY_CODE.iter()) {
            keys.push(format!("dash-m-{}", m.replace('.', "-")));
        }
        keys
    }

    #[test]
    fn every_text_of_the_page_is_in_both_languages_and_used() {
        let built = built_keys();
        let en: Vec<&str> = EN_FTL
            .lines()
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k))
            .collect();
        for key in page_keys() {
            assert!(en.contains(&key), "{key} is not in locales/en");
            if key.starts_with("field-") || built.iter().any(|b| b == key) {
                continue;
            }
            assert!(
                SCRIPT.contains(&format!("'{key}'")),
                "{key} is in the locale files but the page never asks for it"
            );
        }
        for key in &built {
            assert!(UK_FTL.contains(&format!("\n{key} =")), "{key} is missing");
        }
        // Every literal key the page asks for exists.
        for part in SCRIPT.split("t('dash-").skip(1) {
            let key = format!("dash-{}", part.split('\'').next().unwrap_or_default());
            if key.ends_with('-') {
                continue; // a prefix the page completes with a code (checked above)
            }
            assert!(
                page_keys().contains(&key.as_str()),
                "the page asks for {key}, which no locale has"
            );
        }
    }
}
