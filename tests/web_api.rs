//! The dashboard's API, in process: every endpoint for every role (coordinator, staff of the
//! organization, staff of another, nobody, forged, stale and missing initData), and what a
//! change does — it is checked like the directory file, reaches search at once, is audited
//! and announced to the team.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use poruch::app::App;
use poruch::app::notice::NoticeKind;
use poruch::domain::RegionChoice;
use poruch::domain::audit::AuditAction;
use poruch::i18n::I18n;
use poruch::storage::AuditFilter;
use poruch::web::auth::Secret;
use poruch::web::{WebState, router};
use serde_json::{Value, json};
use support::app::{COORDINATOR, app, joins, notices, today};
use tower::ServiceExt;

const TOKEN: &str = "123456:TEST-TOKEN";
const ORG: &str = "demo-rivnist-dnipro";
const OTHER_ORG: &str = "demo-shchyt-kyiv";
const STAFF: i64 = 700_001;
const OTHER_STAFF: i64 = 700_002;
const NOBODY: i64 = 700_003;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Coordinator,
    Staff,
    OtherStaff,
    Nobody,
    Forged,
    Stale,
    Missing,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn init_data(secret: &Secret, user: i64, auth_date: i64) -> String {
    let user = json!({ "id": user, "first_name": "Test", "language_code": "uk" }).to_string();
    secret.sign(&[
        ("query_id", "AAHtest"),
        ("user", &user),
        ("auth_date", &auth_date.to_string()),
    ])
}

fn header_for(who: Who) -> Option<String> {
    let secret = Secret::from_token(TOKEN);
    let data = match who {
        Who::Coordinator => init_data(&secret, COORDINATOR, now()),
        Who::Staff => init_data(&secret, STAFF, now()),
        Who::OtherStaff => init_data(&secret, OTHER_STAFF, now()),
        Who::Nobody => init_data(&secret, NOBODY, now()),
        Who::Forged => init_data(&Secret::from_token("999:OTHER-BOT"), COORDINATOR, now()),
        Who::Stale => init_data(&secret, COORDINATOR, now() - 2 * 3600),
        Who::Missing => return None,
    };
    Some(format!("tma {data}"))
}

struct Web {
    app: App,
    router: axum::Router,
}

async fn web() -> Web {
    let app = app();
    joins(&app, ORG, STAFF).await;
    joins(&app, OTHER_ORG, OTHER_STAFF).await;
    notices(&app);
    let state = Arc::new(WebState {
        app: app.clone(),
        i18n: Arc::new(I18n::load().unwrap()),
        secret: Secret::from_token(TOKEN),
        bot_username: Some("poruch_test_bot".into()),
    });
    Web {
        app,
        router: router(state),
    }
}

impl Web {
    async fn call(
        &self,
        who: Who,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(h) = header_for(who) {
            req = req.header("authorization", h);
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .unwrap();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }

    async fn form(&self, org: &str) -> (Value, String) {
        let (status, detail) = self
            .call(Who::Coordinator, "GET", &format!("/api/orgs/{org}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        (
            detail["form"].clone(),
            detail["version"].as_str().unwrap().to_string(),
        )
    }
}

const ALL: [Who; 7] = [
    Who::Forged,
    Who::Stale,
    Who::Missing,
    Who::Nobody,
    Who::OtherStaff,
    Who::Staff,
    Who::Coordinator,
];

/// What each role gets: (coordinator, staff of ORG, staff of another org, nobody).
/// Forged, stale and missing initData get 401 everywhere but the public texts.
struct Row {
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
    expect: [u16; 4],
}

fn expected(row: &Row, who: Who) -> u16 {
    match who {
        Who::Coordinator => row.expect[0],
        Who::Staff => row.expect[1],
        Who::OtherStaff => row.expect[2],
        Who::Nobody => row.expect[3],
        Who::Forged | Who::Stale | Who::Missing => 401,
    }
}

#[tokio::test]
async fn every_endpoint_checks_initdata_and_the_role_on_every_request() {
    let w = web().await;
    let (form, version) = w.form(ORG).await;
    let new_org = {
        let mut f = form.clone();
        f["id"] = json!("nova-orhanizatsiya");
        f
    };
    let rows = vec![
        Row {
            method: "GET",
            path: "/api/me",
            body: None,
            expect: [200, 200, 200, 403],
        },
        Row {
            method: "GET",
            path: "/api/orgs",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "GET",
            path: "/api/orgs/demo-rivnist-dnipro",
            body: None,
            expect: [200, 200, 403, 403],
        },
        Row {
            method: "PUT",
            path: "/api/orgs/demo-rivnist-dnipro",
            body: Some(json!({ "form": form, "version": version })),
            expect: [200, 200, 403, 403],
        },
        Row {
            method: "POST",
            path: "/api/orgs",
            body: Some(json!({ "form": new_org })),
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "POST",
            path: "/api/orgs/demo-rivnist-dnipro/vet",
            body: Some(json!({})),
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "POST",
            path: "/api/orgs/demo-rivnist-dnipro/suspend",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "POST",
            path: "/api/orgs/demo-rivnist-dnipro/reactivate",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "GET",
            path: "/api/orgs/demo-rivnist-dnipro/staff",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "POST",
            path: "/api/orgs/demo-rivnist-dnipro/invitations",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "DELETE",
            path: "/api/orgs/demo-rivnist-dnipro/invitations/00000000000000000000000000000000",
            body: None,
            expect: [404, 403, 403, 403],
        },
        Row {
            method: "POST",
            path: "/api/orgs/demo-rivnist-dnipro/staff/00000000000000000000000000000000/revoke",
            body: None,
            expect: [404, 403, 403, 403],
        },
        Row {
            method: "GET",
            path: "/api/directory.toml",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "GET",
            path: "/api/audit",
            body: None,
            expect: [200, 403, 403, 403],
        },
        Row {
            method: "GET",
            path: "/api/audit.csv",
            body: None,
            expect: [200, 403, 403, 403],
        },
    ];
    let mut wrong = Vec::new();
    // Everyone else first: the coordinator's calls change the organization.
    for who in ALL {
        for row in &rows {
            let (status, body) = w.call(who, row.method, row.path, row.body.clone()).await;
            let want = expected(row, who);
            if status.as_u16() != want {
                wrong.push(format!(
                    "{who:?} {} {} → {status} (want {want}): {body}",
                    row.method, row.path
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Public, the same for everyone: the page, its texts and the health check.
    for who in ALL {
        let (status, health) = w.call(who, "GET", "/health", None).await;
        assert_eq!(
            (status, health),
            (StatusCode::OK, Value::String("ok".into()))
        );
        let (status, _) = w.call(who, "GET", "/api/texts/en", None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, page) = w.call(who, "GET", "/", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.as_str().unwrap().contains("app.js"));
    }
    // Refused launches are counted as security events (by kind, never who).
    assert!(w.app.store.counter("security_events").unwrap() >= 2);
}

#[tokio::test]
async fn the_page_and_the_api_carry_a_strict_content_security_policy() {
    let w = web().await;
    for path in ["/", "/app.js", "/app.css", "/api/me"] {
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        let res = w.router.clone().oneshot(req).await.unwrap();
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self' https://telegram.org"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(res.headers().get("set-cookie").is_none());
    }
}

#[tokio::test]
async fn a_coordinators_phone_change_reaches_search_at_once_and_is_audited_and_announced() {
    let w = web().await;
    let (mut form, version) = w.form(ORG).await;
    form["contacts"]["phone"] = json!("+380 44 123 45 67");
    let (status, body) = w
        .call(
            Who::Coordinator,
            "PUT",
            "/api/orgs/demo-rivnist-dnipro",
            Some(json!({ "form": form, "version": version })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["fields"], json!(["phone"]));

    // The bot's directory has it now: search, cards and routing use this index.
    let directory = w.app.directory();
    let org = directory.find(ORG).unwrap();
    assert_eq!(org.contacts.phone.as_deref(), Some("+380 44 123 45 67"));
    assert_eq!(w.app.store.organization(ORG).unwrap().unwrap(), *org);

    // The team is told which field changed, never its value.
    let told: Vec<_> = notices(&w.app)
        .into_iter()
        .filter(|n| n.to == STAFF)
        .collect();
    assert_eq!(told.len(), 1);
    assert!(matches!(
        &told[0].kind,
        NoticeKind::OrgChanged { org, action: AuditAction::OrgEdited, fields } if org == ORG && fields == &["phone"]
    ));

    // The audit log has who (a keyed hash, never the Telegram id), what and which field.
    let (log, _) = w
        .app
        .store
        .audit_entries(&AuditFilter::default(), 0, 10)
        .unwrap();
    let edit = log
        .iter()
        .find(|e| e.action == AuditAction::OrgEdited)
        .unwrap();
    assert_eq!(edit.org.as_deref(), Some(ORG));
    assert_eq!(edit.fields, ["phone"]);
    assert!(!edit.actor.contains(&COORDINATOR.to_string()));
    assert_eq!(edit.actor.len(), 32);

    // The same form again is now stale: nothing is overwritten unseen.
    let (status, body) = w
        .call(
            Who::Coordinator,
            "PUT",
            "/api/orgs/demo-rivnist-dnipro",
            Some(json!({ "form": form, "version": version })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "changed");
}

#[tokio::test]
async fn a_form_with_mistakes_is_refused_field_by_field_and_changes_nothing() {
    let w = web().await;
    let before = w.app.directory().find(ORG).unwrap().clone();
    let (mut form, version) = w.form(ORG).await;
    form["contacts"]["phone"] = json!("call me");
    form["name"]["uk"] = json!("");
    form["topics"] = json!(["no-such-topic"]);
    let (status, body) = w
        .call(
            Who::Coordinator,
            "PUT",
            "/api/orgs/demo-rivnist-dnipro",
            Some(json!({ "form": form, "version": version })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["error"] == true)
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for field in ["contacts.phone", "name.uk", "topics"] {
        assert!(
            fields.iter().any(|f| f.starts_with(field)),
            "{field} not in {fields:?}"
        );
    }
    assert_eq!(w.app.directory().find(ORG).unwrap(), &before);
    assert_eq!(w.app.store.organization(ORG).unwrap().unwrap(), before);
}

#[tokio::test]
async fn staff_change_hours_at_once_but_not_the_phone() {
    let w = web().await;
    let (status, detail) = w
        .call(Who::Staff, "GET", "/api/orgs/demo-rivnist-dnipro", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["editable"], "own");
    let version = detail["version"].as_str().unwrap().to_string();

    let mut form = detail["form"].clone();
    form["hours"] = json!({ "uk": "Пн–Пт, 9:00–18:00", "en": "Mon–Fri, 9:00–18:00" });
    let (status, body) = w
        .call(
            Who::Staff,
            "PUT",
            "/api/orgs/demo-rivnist-dnipro",
            Some(json!({ "form": form, "version": version })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(w.app.directory().find(ORG).unwrap().hours.is_some());

    let (_, detail) = w
        .call(Who::Staff, "GET", "/api/orgs/demo-rivnist-dnipro", None)
        .await;
    let mut form = detail["form"].clone();
    form["contacts"]["phone"] = json!("+380 67 000 00 00");
    let (status, body) = w
        .call(
            Who::Staff,
            "PUT",
            "/api/orgs/demo-rivnist-dnipro",
            Some(json!({ "form": form, "version": detail["version"] })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "not-yours");
    assert_eq!(body["fields"], json!(["phone"]));
    assert_ne!(
        w.app
            .directory()
            .find(ORG)
            .unwrap()
            .contacts
            .phone
            .as_deref(),
        Some("+380 67 000 00 00")
    );
}

#[tokio::test]
async fn suspended_organizations_leave_search_and_come_back_when_reactivated() {
    let w = web().await;
    let in_search = |app: &App| {
        let d = app.directory();
        d.by_topic_and_region(
            "sexual-harassment",
            &RegionChoice::Region("UA-12".into()),
            today(),
        )
        .iter()
        .any(|o| o.id == ORG)
    };
    assert!(in_search(&w.app));
    let (status, _) = w
        .call(
            Who::Coordinator,
            "POST",
            "/api/orgs/demo-rivnist-dnipro/suspend",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!in_search(&w.app));
    let (_, list) = w
        .call(
            Who::Coordinator,
            "GET",
            "/api/orgs?standing=suspended",
            None,
        )
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], ORG);
    let (status, _) = w
        .call(
            Who::Coordinator,
            "POST",
            "/api/orgs/demo-rivnist-dnipro/reactivate",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(in_search(&w.app));
}

#[tokio::test]
async fn a_new_organization_is_found_at_once_and_the_directory_downloads_as_the_file_format() {
    let w = web().await;
    let (mut form, _) = w.form(ORG).await;
    form["id"] = json!("pravo-zhytomyr");
    form["name"] = json!({ "uk": "Право поруч", "en": "Law Nearby" });
    form["regions"] = json!(["UA-18"]);
    let (status, body) = w
        .call(
            Who::Coordinator,
            "POST",
            "/api/orgs",
            Some(json!({ "form": form })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let org = w.app.directory().find("pravo-zhytomyr").cloned().unwrap();
    assert!(!org.demo);
    assert_eq!(org.vetting.vetted_on, today());
    assert!(org.is_visible(today()));
    let (status, body) = w
        .call(
            Who::Coordinator,
            "POST",
            "/api/orgs",
            Some(json!({ "form": form })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, toml) = w
        .call(Who::Coordinator, "GET", "/api/directory.toml", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let taxonomy = w.app.directory().taxonomy().clone();
    let (orgs, report) = poruch::datafile::parse_organizations(
        toml.as_str().unwrap(),
        "download",
        &taxonomy,
        today(),
    );
    assert!(!report.has_errors(), "{report}");
    assert!(orgs.unwrap().iter().any(|o| o.id == "pravo-zhytomyr"));
}

#[tokio::test]
async fn staff_are_listed_invited_and_removed_from_the_dashboard() {
    let w = web().await;
    let (_, team) = w
        .call(
            Who::Coordinator,
            "GET",
            "/api/orgs/demo-rivnist-dnipro/staff",
            None,
        )
        .await;
    let members = team["members"].as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["label"], format!("Member {STAFF}"));

    let (status, invited) = w
        .call(
            Who::Coordinator,
            "POST",
            "/api/orgs/demo-rivnist-dnipro/invitations",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let code = invited["code"].as_str().unwrap();
    assert_eq!(
        invited["link"],
        format!("https://t.me/poruch_test_bot?start=join-{code}")
    );
    let (_, team) = w
        .call(
            Who::Coordinator,
            "GET",
            "/api/orgs/demo-rivnist-dnipro/staff",
            None,
        )
        .await;
    let pending = team["invitations"].as_array().unwrap();
    assert_eq!(pending.len(), 1);
    let invite = pending[0]["id"].as_str().unwrap();
    assert!(!invite.contains(code), "the code itself is never kept");
    let (status, _) = w
        .call(
            Who::Coordinator,
            "DELETE",
            &format!("/api/orgs/demo-rivnist-dnipro/invitations/{invite}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(w.app.store.invite_for(code, w.app.now()).unwrap(), None);

    let member = members[0]["id"].as_str().unwrap();
    let (status, _) = w
        .call(
            Who::Coordinator,
            "POST",
            &format!("/api/orgs/demo-rivnist-dnipro/staff/{member}/revoke"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Revoked: the next request of theirs has no role.
    let (status, _) = w.call(Who::Staff, "GET", "/api/me", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, log) = w
        .call(
            Who::Coordinator,
            "GET",
            "/api/audit?org=demo-rivnist-dnipro",
            None,
        )
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "staff-removed",
        "invite-cancelled",
        "staff-invited",
        "staff-joined",
    ] {
        assert!(actions.contains(&a), "{a} not in {actions:?}");
    }
    let (_, csv) = w
        .call(Who::Coordinator, "GET", "/api/audit.csv", None)
        .await;
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("time_utc,role,who,action,organization,fields\n"));
    assert!(!csv.contains(&STAFF.to_string()) && !csv.contains(&COORDINATOR.to_string()));
}

#[tokio::test]
async fn a_staff_proposal_waits_for_a_coordinator_and_is_applied_onto_the_current_card() {
    let w = web().await;
    let (_, detail) = w
        .call(Who::Staff, "GET", "/api/orgs/demo-rivnist-dnipro", None)
        .await;
    let mut form = detail["form"].clone();
    form["contacts"]["phone"] = json!("+380 67 000 00 00");
    let (status, body) = w
        .call(
            Who::Staff,
            "POST",
            "/api/orgs/demo-rivnist-dnipro/proposal",
            Some(json!({ "form": form, "version": detail["version"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_ne!(
        w.app
            .directory()
            .find(ORG)
            .unwrap()
            .contacts
            .phone
            .as_deref(),
        Some("+380 67 000 00 00"),
        "nothing changes before approval"
    );
    let told: Vec<_> = notices(&w.app)
        .into_iter()
        .filter(|n| n.to == COORDINATOR)
        .collect();
    assert!(told.iter().any(|n| matches!(&n.kind,
        NoticeKind::OrgChanged { action: AuditAction::ChangeProposed, fields, .. } if fields == &["phone"])));

    // Meanwhile the coordinator changes the hours; approving keeps them.
    let (mut current, version) = w.form(ORG).await;
    current["hours"] = json!({ "uk": "Щодня", "en": "Daily" });
    let (status, _) = w
        .call(
            Who::Coordinator,
            "PUT",
            "/api/orgs/demo-rivnist-dnipro",
            Some(json!({ "form": current, "version": version })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = w
        .call(Who::Coordinator, "GET", "/api/proposals", None)
        .await;
    assert_eq!(list["items"][0]["changes"][0]["field"], "phone");
    assert_eq!(list["items"][0]["changes"][0]["after"], "+380 67 000 00 00");
    let (status, _) = w
        .call(
            Who::Coordinator,
            "POST",
            "/api/orgs/demo-rivnist-dnipro/proposal/approve",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let org = w.app.directory().find(ORG).cloned().unwrap();
    assert_eq!(org.contacts.phone.as_deref(), Some("+380 67 000 00 00"));
    assert_eq!(org.hours.as_ref().map(|h| h.uk.as_str()), Some("Щодня"));
    let (_, list) = w
        .call(Who::Coordinator, "GET", "/api/proposals", None)
        .await;
    assert_eq!(list["items"], json!([]));
    let staff_told: Vec<_> = notices(&w.app)
        .into_iter()
        .filter(|n| n.to == STAFF)
        .collect();
    assert!(staff_told.iter().any(|n| matches!(
        &n.kind,
        NoticeKind::OrgChanged {
            action: AuditAction::ChangeApproved,
            ..
        }
    )));
}
