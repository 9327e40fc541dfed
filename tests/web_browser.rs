//! The dashboard in a real browser (Debian's chromium, driven by chromedriver over WebDriver)
//! against the built binary and the strict fake Bot API: a coordinator opens it with a signed
//! `#tgWebAppData=…`, sees the directory, changes an organization's phone and the bot's card
//! shows the new phone; a staff member sees only their organization; forged or stale launch
//! data shows nothing but a clear message. Each page is saved as a screenshot in
//! `target/screenshots/` (phone and wide windows, both languages) for a person to look at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use poruch::web::auth::Secret;
use serde_json::{Value, json};
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{FakeBotApi, bot_message, press, text_update, user};
use support::process::{start_bot_with, started};

const TOKEN: &str = "123456:TEST-TOKEN";
const COORDINATOR: i64 = 555_000_111;
const STAFF: i64 = 555_000_222;
const ORG: &str = "demo-rivnist-dnipro";
const PHONE: &str = "+380 56 765 43 21";
const PHONE_WIDTH: u32 = 390;
const PHONE_HEIGHT: u32 = 844;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_port(port: u16, what: &str) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not start listening on {port}");
}

/// chromedriver, killed when dropped.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn driver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian's chromium-driver; .ci/run installs it)");
    wait_for_port(port, "chromedriver").await;
    Driver(child, port)
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a chromium session")
}

fn signed(user_id: i64, lang: &str, age_secs: i64, token: &str) -> String {
    let user = json!({ "id": user_id, "first_name": "Test", "language_code": lang }).to_string();
    let auth_date = (chrono::Utc::now().timestamp() - age_secs).to_string();
    Secret::from_token(token).sign(&[("user", &user), ("auth_date", &auth_date)])
}

/// The URL Telegram would open: the launch parameters in the fragment.
fn launch_url(port: u16, init_data: &str) -> String {
    let mut fragment = url::form_urlencoded::Serializer::new(String::new());
    fragment.append_pair("tgWebAppData", init_data);
    fragment.append_pair("tgWebAppVersion", "8.0");
    format!("http://127.0.0.1:{port}/#{}", fragment.finish())
}

/// Opens `url` as a fresh page load. A blank page first makes even a change of
/// the fragment alone load the page again, with no navigation left in flight.
async fn launch(c: &Client, url: &str) {
    c.goto("about:blank").await.unwrap();
    c.goto(url).await.unwrap();
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shoot(client: &Client, name: &str) {
    // Let fonts and layout settle.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn find(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

async fn text_of(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.unwrap()
}

/// What a script run in the page returns.
async fn script(client: &Client, body: &str) -> serde_json::Value {
    client.execute(body, vec![]).await.unwrap()
}

/// Whether every tab lies wholly inside the window.
async fn tabs_fit(client: &Client) -> bool {
    script(
        client,
        "return [...document.querySelectorAll('.tab')].every((t) => {
           const r = t.getBoundingClientRect();
           return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
         });",
    )
    .await
        == json!(true)
}

/// Each chart's drawn width against the width it is shown at, once both charts are in.
async fn chart_widths(client: &Client) -> Vec<(i64, i64)> {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("img.chart + img.chart"))
        .await
        .unwrap();
    let pairs = script(
        client,
        "return [...document.querySelectorAll('img.chart')]
           .map((i) => [i.naturalWidth, Math.round(i.getBoundingClientRect().width)]);",
    )
    .await;
    serde_json::from_value(pairs).unwrap()
}

/// Waits until the directory says how many it found (the search runs as one types).
async fn wait_until_found(client: &Client, expect: &str) {
    for _ in 0..100 {
        if let Ok(found) = client.find(Locator::Css("#found")).await
            && found.text().await.is_ok_and(|t| t == expect)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the list never said {expect:?}");
}

struct Setup {
    api: FakeBotApi,
    _dir: tempfile::TempDir,
    _bot: support::process::Bot,
    web: u16,
    _driver: Driver,
    _profile: tempfile::TempDir,
    client: Client,
}

async fn setup() -> Setup {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let web = free_port();
    let bot = start_bot_with(
        &api,
        dir.path(),
        "info",
        Stdio::null(),
        &[
            ("PORUCH_WEB_ADDR", &format!("127.0.0.1:{web}")),
            ("PORUCH_PUBLIC_URL", "https://poruch.example.org/"),
            ("PORUCH_ADMINS", &COORDINATOR.to_string()),
        ],
    );
    started(&api).await;
    wait_for_port(web, "the dashboard").await;
    let driver = driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    Setup {
        api,
        _dir: dir,
        _bot: bot,
        web,
        _driver: driver,
        _profile: profile,
        client,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_changes_a_phone_in_the_dashboard_and_the_bot_shows_it() {
    let s = setup().await;
    let c = &s.client;
    c.set_window_size(PHONE_WIDTH, PHONE_HEIGHT).await.unwrap();
    launch(c, &launch_url(s.web, &signed(COORDINATOR, "uk", 5, TOKEN))).await;
    find(c, "#list .row").await;
    assert!(text_of(c, "#found").await.starts_with("Знайдено"));
    assert_eq!(text_of(c, "#tab-directory").await, "Довідник");
    shoot(c, "directory-uk-phone").await;

    // Search narrows the list; the organization opens from it.
    find(c, "#search")
        .await
        .send_keys("Рівність")
        .await
        .unwrap();
    wait_until_found(c, "Знайдено: 1").await;
    let row = find(c, &format!("button.row[data-id='{ORG}']")).await;
    row.click().await.unwrap();
    let phone = find(c, "#f-phone").await;
    shoot(c, "organization-uk-phone").await;
    phone.clear().await.unwrap();
    phone.send_keys(PHONE).await.unwrap();
    find(c, "#save").await.click().await.unwrap();
    let saved = text_of(c, "#notice .notice.ok").await;
    assert!(saved.contains("Збережено"), "{saved}");
    assert!(text_of(c, "#card").await.contains(PHONE));

    // The bot's card has it, without a restart.
    let someone = user(900_001, "uk");
    let n = s.api.calls().len();
    s.api.push(press(
        &someone,
        "card",
        &bot_message(900_001),
        &format!("1:o:{ORG}"),
    ));
    let card = s
        .api
        .wait_for(n, "the organization's card", |call| {
            (call.method == "sendMessage" || call.method == "editMessageText")
                && call.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("Рівність") || t.contains(PHONE))
        })
        .await;
    assert!(
        card.params["text"].as_str().unwrap().contains(PHONE),
        "{}",
        card.params["text"]
    );

    // A mistake is shown at its field, and nothing is saved.
    let phone = find(c, "#f-phone").await;
    phone.clear().await.unwrap();
    phone.send_keys("call me").await.unwrap();
    find(c, "#save").await.click().await.unwrap();
    let problem = text_of(c, "#problem-phone").await;
    assert!(!problem.is_empty());
    shoot(c, "organization-problem-uk-phone").await;

    // Six people ask for help in the bot; the monitoring counts them (and never fewer than 5).
    for id in 910_001..910_007_i64 {
        let me = user(id, "uk");
        s.api.push(text_update(&me, 1, "/request"));
        for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
            s.api
                .push(press(&me, &format!("{id}-{k}"), &bot_message(id), data));
        }
    }
    for id in 910_001..910_007_i64 {
        s.api
            .wait_for(0, "a reference code", |call| {
                call.params["chat_id"] == json!(id)
                    && call.params["text"]
                        .as_str()
                        .is_some_and(|t| t.contains("R-"))
            })
            .await;
    }
    find(c, "#tab-monitoring").await.click().await.unwrap();
    find(c, "#figures tr[data-metric='help.submitted']").await;
    find(c, "img.chart").await;
    let row = text_of(c, "#figures tr[data-metric='help.submitted']").await;
    assert!(row.contains('6'), "{row}");
    let crsv = c
        .find_all(Locator::Css("#figures tr[data-metric^='help.topic.']"))
        .await
        .unwrap();
    assert!(!crsv.is_empty());
    // On a phone: every tab on the screen, the months named in Ukrainian, and the charts
    // drawn at the width they are shown at (within a border's width), so their text is
    // not shrunk.
    assert!(tabs_fit(c).await, "a tab runs off a 390-pixel screen");
    let month = text_of(c, "#from option:checked").await;
    assert!(
        month.chars().any(|ch| ('а'..='я').contains(&ch))
            && !month.chars().any(|ch| ch.is_ascii_alphabetic()),
        "{month}"
    );
    for (drawn, shown) in chart_widths(c).await {
        assert!(
            (drawn - shown).abs() <= 2 && shown < 400,
            "drawn {drawn}, shown {shown}"
        );
    }
    shoot(c, "monitoring-uk-phone").await;

    // The change log has the change, with the field's name and not its value.
    find(c, "#tab-audit").await.click().await.unwrap();
    let entry = text_of(c, "ul.log li.entry").await;
    assert!(
        entry.contains("змінено картку") && entry.contains("телефон"),
        "{entry}"
    );
    assert!(!entry.contains(PHONE));
    shoot(c, "audit-uk-phone").await;

    // The same pages in English on a wide window.
    c.set_window_size(1280, 900).await.unwrap();
    launch(c, &launch_url(s.web, &signed(COORDINATOR, "en", 5, TOKEN))).await;
    find(c, "#list .row").await;
    assert_eq!(text_of(c, "#tab-directory").await, "Directory");
    shoot(c, "directory-en-wide").await;
    find(c, &format!("button.row[data-id='{ORG}']"))
        .await
        .click()
        .await
        .unwrap();
    find(c, "#team-body h3").await;
    shoot(c, "organization-en-wide").await;
    find(c, "#tab-audit").await.click().await.unwrap();
    find(c, "ul.log li.entry").await;
    shoot(c, "audit-en-wide").await;
    find(c, "#tab-monitoring").await.click().await.unwrap();
    find(c, "img.chart").await;
    assert!(tabs_fit(c).await);
    let month = text_of(c, "#from option:checked").await;
    assert!(
        month.chars().any(|ch| ch.is_ascii_alphabetic())
            && month.chars().any(|ch| ch.is_ascii_digit()),
        "{month}"
    );
    for (drawn, shown) in chart_widths(c).await {
        assert_eq!(drawn, 720, "wide: drawn at its widest, shown at {shown}");
    }
    // Another period is picked from the list and the figures follow it.
    let earlier = script(
        c,
        "return document.querySelector('#from option:nth-child(3)').value;",
    )
    .await;
    let earlier = earlier.as_str().unwrap().to_string();
    find(c, "#from")
        .await
        .select_by_value(&earlier)
        .await
        .unwrap();
    let mut first = String::new();
    for _ in 0..100 {
        first = text_of(c, "#figures thead th:nth-child(2)").await;
        if first == earlier {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(first, earlier, "the table starts at the month picked");
    shoot(c, "monitoring-en-wide").await;
    c.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_see_only_their_organization_and_bad_launches_see_only_a_message() {
    let s = setup().await;
    let c = &s.client;
    c.set_window_size(PHONE_WIDTH, PHONE_HEIGHT).await.unwrap();

    // The coordinator makes an invitation in the dashboard; a staff member joins in the bot.
    launch(c, &launch_url(s.web, &signed(COORDINATOR, "uk", 5, TOKEN))).await;
    find(c, &format!("button.row[data-id='{ORG}']"))
        .await
        .click()
        .await
        .unwrap();
    find(c, "#new-invitation").await.click().await.unwrap();
    let command = text_of(c, "#invitation-command").await;
    assert!(command.starts_with("/join "), "{command}");
    shoot(c, "team-invitation-uk-phone").await;
    let member = user(STAFF, "uk");
    let n = s.api.calls().len();
    s.api.push(text_update(&member, 10, &command));
    s.api
        .wait_for(n, "the question for a label", |call| {
            // In her chat: a notice to someone else may go out at the same moment.
            call.method == "sendMessage" && call.params["chat_id"] == json!(STAFF)
        })
        .await;
    let n = s.api.calls().len();
    s.api.push(text_update(&member, 11, "Олена, юристка"));
    s.api
        .wait_for(n, "the welcome to the team", |call| {
            call.method == "sendMessage" && call.params["chat_id"] == json!(STAFF)
        })
        .await;

    // /dashboard answers with a web_app button and gives the chat the menu button.
    let n = s.api.calls().len();
    s.api.push(text_update(&member, 12, "/dashboard"));
    let answer = s
        .api
        .wait_for(n, "the dashboard button", |call| {
            // In her chat: a notice to someone else may go out at the same moment.
            call.method == "sendMessage" && call.params["chat_id"] == json!(STAFF)
        })
        .await;
    let button: &Value = &answer.params["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(button["web_app"]["url"], "https://poruch.example.org/");
    let menu = s
        .api
        .wait_for(n, "the menu button", |call| {
            call.method == "setChatMenuButton"
        })
        .await;
    assert_eq!(menu.params["chat_id"], json!(STAFF));
    assert!(menu.refused.is_none(), "{:?}", menu.refused);

    // The staff member's dashboard: their organization only, no directory, no log.
    launch(c, &launch_url(s.web, &signed(STAFF, "uk", 5, TOKEN))).await;
    find(c, "#org-form").await;
    assert_eq!(text_of(c, "#tab-my").await, "Моя організація");
    assert!(c.find(Locator::Css("#tab-directory")).await.is_err());
    assert!(c.find(Locator::Css("#tab-audit")).await.is_err());
    assert!(c.find(Locator::Css("#vet")).await.is_err());
    shoot(c, "my-organization-uk-phone").await;

    // Hours change at once; a new phone waits for a coordinator's approval.
    let phone = find(c, "#f-phone").await;
    phone.clear().await.unwrap();
    phone.send_keys(PHONE).await.unwrap();
    find(c, "#save").await.click().await.unwrap();
    find(c, "#propose").await.click().await.unwrap();
    let sent = text_of(c, "#notice .notice.ok").await;
    assert!(sent.contains("Надіслано координаторам"), "{sent}");
    assert!(
        !text_of(c, "#card").await.contains(PHONE),
        "not before approval"
    );

    // The coordinator sees it on the directory and approves it; the bot's card has it.
    launch(c, &launch_url(s.web, &signed(COORDINATOR, "uk", 5, TOKEN))).await;
    let proposal = text_of(c, &format!(".proposal[data-org='{ORG}']")).await;
    assert!(
        proposal.contains("Телефон") && proposal.contains(PHONE),
        "{proposal}"
    );
    shoot(c, "proposal-uk-phone").await;
    find(c, ".proposal .approve").await.click().await.unwrap();
    let approved = text_of(c, "#notice .notice.ok").await;
    assert!(approved.contains("схвалено"), "{approved}");
    let someone = user(900_002, "uk");
    let n = s.api.calls().len();
    s.api.push(press(
        &someone,
        "card2",
        &bot_message(900_002),
        &format!("1:o:{ORG}"),
    ));
    let card = s
        .api
        .wait_for(n, "the organization's card", |call| {
            call.method == "sendMessage" || call.method == "editMessageText"
        })
        .await;
    assert!(
        card.params["text"].as_str().unwrap().contains(PHONE),
        "{}",
        card.params["text"]
    );
    let told = s
        .api
        .wait_for(0, "the team told of the approval", |call| {
            call.method == "sendMessage"
                && call.params["chat_id"] == json!(STAFF)
                && call.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("схвалили"))
        })
        .await;
    assert!(told.refused.is_none());

    // Forged and stale launches: nothing but a clear message.
    for (name, data, expect) in [
        (
            "forged",
            signed(COORDINATOR, "uk", 5, "999:SOMEONE-ELSE"),
            "Не вдалося підтвердити",
        ),
        (
            "stale",
            signed(COORDINATOR, "uk", 2 * 3600, TOKEN),
            "минуло більше години",
        ),
    ] {
        launch(c, &launch_url(s.web, &data)).await;
        let message = text_of(c, "#fatal").await;
        assert!(message.contains(expect), "{name}: {message}");
        assert!(
            c.find(Locator::Css("#list")).await.is_err(),
            "{name} shows no directory"
        );
        shoot(c, &format!("{name}-uk-phone")).await;
    }
    launch(c, &format!("http://127.0.0.1:{}/", s.web)).await;
    assert!(text_of(c, "#fatal").await.contains("/dashboard"));
    c.clone().close().await.unwrap();
}
