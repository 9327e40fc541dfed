//! The dashboard's API: JSON in and out. Each handler's first extractor is `Caller`, which
//! checks `initData` before the request's path, query or body is looked at, and looks the
//! role up again; each handler then asks the use case, which checks the role once more.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{self, AuthError};
use super::charts;
use super::state::WebState;
use crate::app::access::Refusal;
use crate::app::audit;
use crate::app::coordination::{self, Invited, Removed};
use crate::app::directory::{self, ListQuery, NotSaved, OrgRow, Role, Standing};
use crate::app::monitoring;
use crate::datafile::{self, RawOrganization, Severity};
use crate::domain::audit::AuditAction;
use crate::domain::{Lang, Organization, Vetting, VettingStatus};
use crate::i18n::Msg;
use crate::storage::AuditFilter;

type Shared = State<Arc<WebState>>;

pub fn routes() -> Router<Arc<WebState>> {
    Router::new()
        .route("/texts/{lang}", get(texts))
        .route("/me", get(me))
        .route("/orgs", get(list).post(create))
        .route("/orgs/{id}", get(detail).put(save))
        .route("/orgs/{id}/vet", post(vet))
        .route("/orgs/{id}/suspend", post(suspend))
        .route("/orgs/{id}/reactivate", post(reactivate))
        .route("/orgs/{id}/proposal", post(propose))
        .route("/orgs/{id}/proposal/approve", post(approve))
        .route("/orgs/{id}/proposal/reject", post(reject))
        .route("/proposals", get(proposals))
        .route("/orgs/{id}/staff", get(staff))
        .route("/orgs/{id}/staff/{member}/revoke", post(revoke))
        .route("/orgs/{id}/invitations", post(invite))
        .route("/orgs/{id}/invitations/{invite}", delete(cancel_invite))
        .route("/directory.toml", get(export))
        .route("/monitoring", get(monitoring_json))
        .route("/monitoring.csv", get(monitoring_csv))
        .route("/charts/{name}", get(chart))
        .route("/audit", get(audit))
        .route("/audit.csv", get(audit_csv))
}

/// An answer that is not a success: a status and a code the page turns into words.
pub struct Failure {
    status: StatusCode,
    body: Value,
}

impl Failure {
    fn new(status: StatusCode, code: &str) -> Failure {
        Failure {
            status,
            body: json!({ "error": code }),
        }
    }

    fn with(status: StatusCode, body: Value) -> Failure {
        Failure { status, body }
    }

    fn internal(kind: &'static str) -> Failure {
        tracing::warn!(error = kind, "a dashboard request failed");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    fn refused(refusal: Refusal) -> Failure {
        match refusal {
            Refusal::Gone => Failure::new(StatusCode::NOT_FOUND, "not-found"),
            _ => Failure::new(StatusCode::FORBIDDEN, "forbidden"),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<crate::app::AppError> for Failure {
    fn from(e: crate::app::AppError) -> Failure {
        Failure::internal(e.kind())
    }
}

impl From<crate::storage::StoreError> for Failure {
    fn from(e: crate::storage::StoreError) -> Failure {
        Failure::internal(e.kind())
    }
}

type Answer = Result<Response, Failure>;

/// Who is asking, as Telegram signed it, and their role now.
pub struct Caller {
    who: i64,
    lang: Lang,
    role: Role,
}

impl Caller {
    fn coordinator(&self) -> Result<(), Failure> {
        match self.role {
            Role::Coordinator => Ok(()),
            _ => Err(Failure::new(StatusCode::FORBIDDEN, "forbidden")),
        }
    }
}

/// `initData` from `Authorization: tma <initData>`, or, for downloads the browser fetches by
/// itself, from the `tma` query parameter.
fn init_data(parts: &Parts) -> String {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(data) = value.strip_prefix("tma ")
    {
        return data.to_string();
    }
    parts
        .uri
        .query()
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "tma")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}

impl FromRequestParts<Arc<WebState>> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<WebState>,
    ) -> Result<Caller, Failure> {
        let launch = match auth::verify(&init_data(parts), &state.secret, state.now_secs()) {
            Ok(launch) => launch,
            Err(e) => {
                if e != AuthError::Missing {
                    state.app.security_event("dashboard-auth");
                }
                let code = if e == AuthError::Stale {
                    "stale"
                } else {
                    "auth"
                };
                return Err(Failure::new(StatusCode::UNAUTHORIZED, code));
            }
        };
        let who = launch.user_id;
        let role = directory::role(&state.app, who)?;
        if role == Role::Nobody {
            return Err(Failure::new(StatusCode::FORBIDDEN, "nobody"));
        }
        let lang = match state.app.language(who)? {
            Some(lang) => lang,
            None => Lang::from_client(launch.language_code.as_deref()),
        };
        Ok(Caller { who, lang, role })
    }
}

/// The page's texts in a language, before anyone is identified (to say that the launch was
/// not accepted in the person's language). Public: they are the same for everyone.
async fn texts(State(state): Shared, Path(lang): Path<String>) -> Answer {
    let lang = Lang::from_code(&lang).unwrap_or(Lang::Uk);
    ok(json!(state.i18n.page_texts(lang)))
}

fn ok(body: Value) -> Answer {
    Ok(Json(body).into_response())
}

fn text(i18n: &crate::i18n::I18n, lang: Lang, msg: Msg) -> String {
    i18n.text(lang, msg)
}

async fn me(caller: Caller, State(state): Shared) -> Answer {
    let i18n = &state.i18n;
    let lang = caller.lang;
    let directory = state.app.directory();
    let taxonomy = directory.taxonomy();
    let (role, org) = match &caller.role {
        Role::Coordinator => ("coordinator", None),
        Role::Staff(org) => ("staff", Some(org.clone())),
        Role::Nobody => ("nobody", None),
    };
    let services: Vec<Value> = crate::domain::Service::ALL
        .iter()
        .map(|s| json!({ "code": s.code(), "name": text(i18n, lang, Msg::service(*s)) }))
        .collect();
    let audiences: Vec<Value> = crate::domain::Audience::ALL
        .iter()
        .filter_map(|a| {
            let msg = Msg::by_key(&format!("audience-{}", a.code()))?;
            Some(json!({ "code": a.code(), "name": text(i18n, lang, msg) }))
        })
        .collect();
    let topics: Vec<Value> = taxonomy
        .topics
        .iter()
        .map(|t| json!({ "code": t.code, "name": t.name.get(lang) }))
        .collect();
    let regions: Vec<Value> = taxonomy
        .regions
        .iter()
        .map(|r| json!({ "code": r.code, "name": r.name.get(lang) }))
        .collect();
    let actions: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
    let named = |code: &str, msg: Msg| json!({ "code": code, "name": text(i18n, lang, msg) });
    let kinds: Vec<Value> = crate::domain::HelpKind::ALL
        .iter()
        .map(|k| named(k.code(), Msg::kind(*k)))
        .collect();
    let outcomes: Vec<Value> = crate::domain::Outcome::ALL
        .iter()
        .map(|o| named(o.code(), Msg::outcome(*o)))
        .collect();
    let needs: Vec<Value> = crate::domain::expert::NeedKind::ALL
        .iter()
        .map(|n| named(n.code(), Msg::need(*n)))
        .collect();
    let expert_audiences: Vec<Value> = crate::domain::expert::ExpertAudience::ALL
        .iter()
        .map(|a| named(a.code(), Msg::expert_audience(*a)))
        .collect();
    ok(json!({
        "role": role,
        "org": org,
        "lang": lang.code(),
        "texts": i18n.page_texts(lang),
        "topics": topics,
        "regions": regions,
        "services": services,
        "audiences": audiences,
        "actions": actions,
        "kinds": kinds,
        "outcomes": outcomes,
        "needs": needs,
        "expert_audiences": expert_audiences,
        "invitations": state.bot_username.is_some(),
    }))
}

fn row_json(row: &OrgRow, lang: Lang) -> Value {
    let o = &row.org;
    json!({
        "id": o.id,
        "name": o.name.get(lang),
        "standing": row.standing.code(),
        "expires_on": o.vetting.expires_on.to_string(),
        "vetted_on": o.vetting.vetted_on.to_string(),
        "topics": o.topics,
        "regions": match &o.regions {
            crate::domain::RegionScope::National => vec!["national".to_string()],
            crate::domain::RegionScope::Regions(r) => r.clone(),
        },
        "staff": row.staff,
        "open_referrals": row.open_referrals,
        "paused": row.paused,
        "demo": o.demo,
        "women_led": o.women_led,
    })
}

#[derive(Deserialize, Default)]
struct ListParams {
    q: Option<String>,
    standing: Option<String>,
    topic: Option<String>,
    region: Option<String>,
    page: Option<usize>,
}

async fn list(caller: Caller, State(state): Shared, Query(p): Query<ListParams>) -> Answer {
    caller.coordinator()?;
    let query = ListQuery {
        text: p.q,
        standing: p.standing.as_deref().and_then(Standing::from_code),
        topic: p.topic.filter(|t| !t.is_empty()),
        region: p.region.filter(|r| !r.is_empty()),
        page: p.page.unwrap_or(0),
    };
    let page = directory::list(&state.app, caller.who, &query)?.map_err(Failure::refused)?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|r| row_json(r, caller.lang))
        .collect();
    ok(json!({
        "items": items,
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
    }))
}

/// A short fingerprint of an organization as stored: the form sends it back, and a save
/// over a version someone else changed meanwhile is refused.
fn version(org: &Organization) -> String {
    let form = datafile::organization_form(org);
    let bytes = serde_json::to_vec(&form).unwrap_or_default();
    blake3::hash(&bytes).to_hex()[..16].to_string()
}

async fn detail(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    let row = directory::get(&state.app, caller.who, &id)?.map_err(Failure::refused)?;
    let directory = state.app.directory();
    let rating = None;
    let card = crate::telegram::render::search::card(
        &state.i18n,
        caller.lang,
        directory.taxonomy(),
        &row.org,
        rating,
    );
    let months = crate::domain::monitoring::last_months(state.app.today(), 6);
    let figures: Vec<Value> = monitoring::organization(&state.app, caller.who, &id, &months)?
        .map_err(Failure::refused)?
        .into_iter()
        .map(|(what, cells)| json!({ "what": what, "months": cells }))
        .collect();
    ok(json!({
        "months": months,
        "figures": figures,
        "row": row_json(&row, caller.lang),
        "form": datafile::organization_form(&row.org),
        "version": version(&row.org),
        "card": card.text,
        "editable": match caller.role {
            Role::Coordinator => "all",
            _ => "own",
        },
    }))
}

fn problems_json(problems: &[datafile::Problem]) -> Vec<Value> {
    problems
        .iter()
        .map(|p| {
            json!({
                "field": p.field,
                "message": p.message,
                "error": p.severity == Severity::Error,
            })
        })
        .collect()
}

fn checked(
    state: &WebState,
    form: &RawOrganization,
) -> Result<(Organization, Vec<Value>), Failure> {
    let directory = state.app.directory();
    let (org, problems) = datafile::check_form(form, directory.taxonomy(), state.app.today());
    match org {
        Some(org) => Ok((org, problems_json(&problems))),
        None => Err(Failure::with(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": "invalid", "problems": problems_json(&problems) }),
        )),
    }
}

fn saved(result: Result<directory::Saved, NotSaved>, warnings: Vec<Value>) -> Answer {
    match result {
        Ok(s) => {
            ok(json!({ "ok": true, "id": s.org.id, "fields": s.fields, "warnings": warnings }))
        }
        Err(NotSaved::Refused(r)) => Err(Failure::refused(r)),
        Err(NotSaved::IdTaken) => Err(Failure::new(StatusCode::CONFLICT, "id-taken")),
        Err(NotSaved::ChangedMeanwhile) => Err(Failure::new(StatusCode::CONFLICT, "changed")),
        Err(NotSaved::NoChange) => ok(json!({ "ok": true, "fields": [], "warnings": warnings })),
        Err(NotSaved::NotYours(fields)) => Err(Failure::with(
            StatusCode::FORBIDDEN,
            json!({ "error": "not-yours", "fields": fields }),
        )),
    }
}

#[derive(Deserialize)]
struct CreateBody {
    form: RawOrganization,
}

async fn create(caller: Caller, State(state): Shared, Json(body): Json<CreateBody>) -> Answer {
    caller.coordinator()?;
    let mut form = body.form;
    let today = state.app.today();
    let until = form
        .expires_on()
        .filter(|d| *d > today)
        .unwrap_or_else(|| directory::default_expiry(today));
    form.set_vetting(&Vetting {
        vetted_by: "coordinator".into(),
        vetted_on: today,
        expires_on: until,
        status: VettingStatus::Active,
    });
    form.set_demo(false);
    let (org, warnings) = checked(&state, &form)?;
    let result = directory::create(&state.app, caller.who, org).await?;
    saved(result.into_inner(), warnings)
}

#[derive(Deserialize)]
struct SaveBody {
    form: RawOrganization,
    version: String,
}

async fn save(
    caller: Caller,
    State(state): Shared,
    Path(id): Path<String>,
    Json(body): Json<SaveBody>,
) -> Answer {
    match &caller.role {
        Role::Coordinator => {}
        Role::Staff(org) if *org == id => {}
        _ => return Err(Failure::new(StatusCode::FORBIDDEN, "forbidden")),
    }
    let (stored, org, warnings) = edited(&state, &id, body)?;
    let result = match caller.role {
        Role::Coordinator => directory::edit(&state.app, caller.who, org, &stored).await?,
        _ => directory::edit_own(&state.app, caller.who, org, &stored).await?,
    };
    saved(result.into_inner(), warnings)
}

/// The organization as stored and as the form changes it (checked by the file's rules, with
/// the stored vetting): refused if the form was filled from another version or names another
/// organization.
fn edited(
    state: &WebState,
    id: &str,
    body: SaveBody,
) -> Result<(Organization, Organization, Vec<Value>), Failure> {
    let Some(stored) = state.app.store.organization(id)? else {
        return Err(Failure::new(StatusCode::NOT_FOUND, "not-found"));
    };
    if body.version != version(&stored) {
        return Err(Failure::new(StatusCode::CONFLICT, "changed"));
    }
    if body.form.id() != id {
        return Err(Failure::new(StatusCode::BAD_REQUEST, "id-mismatch"));
    }
    let mut form = body.form;
    form.set_vetting(&stored.vetting);
    form.set_demo(stored.demo);
    let (org, warnings) = checked(state, &form)?;
    Ok((stored, org, warnings))
}

/// A staff member sends changes a coordinator must approve.
async fn propose(
    caller: Caller,
    State(state): Shared,
    Path(id): Path<String>,
    Json(body): Json<SaveBody>,
) -> Answer {
    match &caller.role {
        Role::Staff(org) if *org == id => {}
        _ => return Err(Failure::new(StatusCode::FORBIDDEN, "forbidden")),
    }
    let (stored, org, _) = edited(&state, &id, body)?;
    match directory::propose(&state.app, caller.who, org, &stored)
        .await?
        .into_inner()
    {
        Ok(fields) => ok(json!({ "ok": true, "fields": fields })),
        Err(e) => saved(Err(e), Vec::new()),
    }
}

/// The value of one field of an organization's form, as text for the page.
fn field_value(form: &Value, field: &str) -> Value {
    match field {
        "phone" | "email" | "website" | "telegram" => form["contacts"][field].clone(),
        "online" => form["online"].clone(),
        other => form[other].clone(),
    }
}

async fn proposals(caller: Caller, State(state): Shared) -> Answer {
    caller.coordinator()?;
    let list = directory::proposals(&state.app, caller.who)?.map_err(Failure::refused)?;
    let items: Vec<Value> = list
        .iter()
        .map(|p| {
            let before = json!(datafile::organization_form(&p.base));
            let after = json!(datafile::organization_form(&p.proposed));
            let changes: Vec<Value> = crate::domain::organization::changed_fields(&p.base, &p.proposed)
                .into_iter()
                .map(|f| json!({ "field": f, "before": field_value(&before, f), "after": field_value(&after, f) }))
                .collect();
            json!({
                "org": p.base.id,
                "name": p.base.name.get(caller.lang),
                "at": p.at.secs(),
                "changes": changes,
            })
        })
        .collect();
    ok(json!({ "items": items }))
}

async fn decide(caller: Caller, state: &WebState, id: &str, approve: bool) -> Answer {
    caller.coordinator()?;
    match directory::decide_proposal(&state.app, caller.who, id, approve)
        .await?
        .into_inner()
    {
        Ok(fields) => ok(json!({ "ok": true, "fields": fields })),
        Err(e) => saved(Err(e), Vec::new()),
    }
}

async fn approve(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    decide(caller, &state, &id, true).await
}

async fn reject(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    decide(caller, &state, &id, false).await
}

#[derive(Deserialize, Default)]
struct VetBody {
    until: Option<String>,
}

async fn vet(
    caller: Caller,
    State(state): Shared,
    Path(id): Path<String>,
    body: Option<Json<VetBody>>,
) -> Answer {
    caller.coordinator()?;
    let until = match body
        .and_then(|Json(b)| b.until)
        .filter(|u| !u.trim().is_empty())
    {
        None => None,
        Some(text) => match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(d) if d > state.app.today() => Some(d),
            _ => return Err(Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "bad-date")),
        },
    };
    let result = directory::vet(&state.app, caller.who, &id, until).await?;
    saved(result.into_inner(), Vec::new())
}

async fn suspend(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    caller.coordinator()?;
    let result = directory::set_suspended(&state.app, caller.who, &id, true).await?;
    saved(result.into_inner(), Vec::new())
}

async fn reactivate(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    caller.coordinator()?;
    let result = directory::set_suspended(&state.app, caller.who, &id, false).await?;
    saved(result.into_inner(), Vec::new())
}

async fn staff(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    caller.coordinator()?;
    if state.app.directory().find(&id).is_none() {
        return Err(Failure::new(StatusCode::NOT_FOUND, "not-found"));
    }
    let members = coordination::staff(&state.app, caller.who, &id)?.map_err(Failure::refused)?;
    let invitations =
        coordination::invitations(&state.app, caller.who, &id)?.map_err(Failure::refused)?;
    let members: Vec<Value> = members
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "label": m.label,
                "joined_on": m.joined_on.to_string(),
                "last_active": m.last_active.to_string(),
            })
        })
        .collect();
    let invitations: Vec<Value> = invitations
        .iter()
        .map(|i| json!({ "id": i.id, "expires_at": i.expires_at.secs() }))
        .collect();
    ok(json!({ "members": members, "invitations": invitations }))
}

async fn revoke(
    caller: Caller,
    State(state): Shared,
    Path((id, member)): Path<(String, String)>,
) -> Answer {
    caller.coordinator()?;
    match coordination::revoke(&state.app, caller.who, &id, &member)
        .await?
        .into_inner()
    {
        Removed::Done { .. } => ok(json!({ "ok": true })),
        Removed::NotMember => Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
        Removed::Refused(r) => Err(Failure::refused(r)),
    }
}

async fn invite(caller: Caller, State(state): Shared, Path(id): Path<String>) -> Answer {
    caller.coordinator()?;
    match coordination::invite(&state.app, caller.who, &id)
        .await?
        .into_inner()
    {
        Invited::Code { code, .. } => {
            let link = state
                .bot_username
                .as_ref()
                .map(|bot| format!("https://t.me/{bot}?start=join-{code}"));
            ok(json!({ "code": code, "link": link }))
        }
        Invited::UnknownOrg => Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
        Invited::Refused(r) => Err(Failure::refused(r)),
    }
}

async fn cancel_invite(
    caller: Caller,
    State(state): Shared,
    Path((id, invite)): Path<(String, String)>,
) -> Answer {
    caller.coordinator()?;
    match coordination::cancel_invitation(&state.app, caller.who, &id, &invite)
        .await?
        .into_inner()
    {
        Ok(true) => ok(json!({ "ok": true })),
        Ok(false) => Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
        Err(r) => Err(Failure::refused(r)),
    }
}

fn download(name: &str, kind: &'static str, body: String) -> Answer {
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn export(caller: Caller, State(state): Shared) -> Answer {
    caller.coordinator()?;
    let orgs = directory::export(&state.app, caller.who)
        .await?
        .map_err(Failure::refused)?;
    let text = datafile::export_organizations(&orgs)
        .map_err(|_| Failure::internal("the directory does not serialize"))?;
    download(
        "organizations.toml",
        "application/toml; charset=utf-8",
        text,
    )
}

#[derive(Deserialize, Default)]
struct AuditParams {
    org: Option<String>,
    action: Option<String>,
    page: Option<usize>,
}

pub const AUDIT_PAGE: usize = 50;

fn audit_filter(p: &AuditParams) -> AuditFilter {
    AuditFilter {
        org: p.org.clone().filter(|o| !o.is_empty()),
        action: p.action.as_deref().and_then(AuditAction::from_code),
    }
}

async fn audit(caller: Caller, State(state): Shared, Query(p): Query<AuditParams>) -> Answer {
    caller.coordinator()?;
    let page = p.page.unwrap_or(0);
    let log = audit::read(
        &state.app,
        caller.who,
        &audit_filter(&p),
        page * AUDIT_PAGE,
        AUDIT_PAGE,
    )?
    .map_err(Failure::refused)?;
    let items: Vec<Value> = log
        .entries
        .iter()
        .map(|l| {
            let e = &l.entry;
            json!({
                "at": e.at.secs(),
                "role": e.role.code(),
                "who": l.label,
                "action": e.action.code(),
                "org": e.org,
                "fields": e.fields,
            })
        })
        .collect();
    ok(json!({ "items": items, "page": page, "more": log.more }))
}

async fn audit_csv(caller: Caller, State(state): Shared, Query(p): Query<AuditParams>) -> Answer {
    caller.coordinator()?;
    let log = audit::read(&state.app, caller.who, &audit_filter(&p), 0, usize::MAX)?
        .map_err(Failure::refused)?;
    download("audit.csv", "text/csv; charset=utf-8", audit::csv(&log))
}

#[derive(Deserialize, Default)]
struct PeriodParams {
    from: Option<String>,
    to: Option<String>,
}

/// The months asked for, by default the last twelve up to this one.
fn months_of(state: &WebState, p: &PeriodParams) -> Result<Vec<String>, Failure> {
    let year = crate::domain::monitoring::last_months(state.app.today(), 12);
    let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let from = given(&p.from)
        .or_else(|| year.first().cloned())
        .unwrap_or_default();
    let to = given(&p.to)
        .or_else(|| year.last().cloned())
        .unwrap_or_default();
    monitoring::period(&from, &to)
        .map_err(|_| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "bad-period"))
}

/// The report for the period asked for (coordinators).
fn report_of(
    caller: &Caller,
    state: &WebState,
    p: &PeriodParams,
) -> Result<monitoring::Report, Failure> {
    caller.coordinator()?;
    let months = months_of(state, p)?;
    monitoring::report(&state.app, caller.who, &months)?.map_err(Failure::refused)
}

async fn monitoring_json(
    caller: Caller,
    State(state): Shared,
    Query(p): Query<PeriodParams>,
) -> Answer {
    let report = report_of(&caller, &state, &p)?;
    ok(monitoring::json(&report))
}

async fn monitoring_csv(
    caller: Caller,
    State(state): Shared,
    Query(p): Query<PeriodParams>,
) -> Answer {
    let report = report_of(&caller, &state, &p)?;
    monitoring::exported(&state.app, caller.who).await?;
    download(
        "poruch-monitoring.csv",
        "text/csv; charset=utf-8",
        monitoring::csv(&report),
    )
}

/// The width the page shows a chart at, in pixels.
#[derive(Deserialize, Default)]
struct ChartParams {
    w: Option<String>,
}

async fn chart(
    caller: Caller,
    State(state): Shared,
    Path(name): Path<String>,
    Query(p): Query<PeriodParams>,
    Query(shown): Query<ChartParams>,
) -> Answer {
    let report = report_of(&caller, &state, &p)?;
    let size = charts::Size::shown_at(shown.w.as_deref());
    let texts = state.i18n.page_texts(caller.lang);
    let t = |k: &str| texts.get(k).cloned().unwrap_or_default();
    let svg = match name.as_str() {
        "requests.svg" => charts::requests(
            &report.table,
            &t("dash-chart-requests"),
            &t("dash-m-help-submitted"),
            &t("dash-m-expert-submitted"),
            size,
        ),
        "answers.svg" => charts::answers(
            &report.table,
            &t("dash-chart-answers"),
            &t("dash-m-help-first_answer_h-median"),
            size,
        ),
        _ => return Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
    }
    .map_err(|_| Failure::internal("a chart could not be drawn"))?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}
