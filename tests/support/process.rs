//! The built binary as a child process, against the fake Bot API server.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::fake_bot_api::FakeBotApi;

/// The bot process; killed (SIGKILL) when dropped.
pub struct Bot(pub Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn start_bot(api: &FakeBotApi, data_dir: &Path) -> Bot {
    start_bot_logging(api, data_dir, "info", Stdio::null())
}

pub fn start_bot_logging(api: &FakeBotApi, data_dir: &Path, level: &str, log: Stdio) -> Bot {
    start_bot_with(api, data_dir, level, log, &[])
}

/// Starts the binary with extra environment variables (e.g. `PORUCH_ADMINS`).
pub fn start_bot_with(
    api: &FakeBotApi,
    data_dir: &Path,
    level: &str,
    log: Stdio,
    env: &[(&str, &str)],
) -> Bot {
    let child = Command::new(env!("CARGO_BIN_EXE_poruch"))
        .envs(env.iter().copied())
        .env("TELOXIDE_TOKEN", "123456:TEST-TOKEN")
        .env("TELOXIDE_API_URL", &api.url)
        .env("PORUCH_DATA_DIR", data_dir)
        .env("PORUCH_LOG", level)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the poruch binary starts");
    Bot(child)
}

pub async fn started(api: &FakeBotApi) {
    api.wait_for(0, "the command menu in English", |c| {
        c.method == "setMyCommands" && c.params["language_code"] == "en"
    })
    .await;
    api.wait_for(0, "the webhook check before long polling", |c| {
        c.method == "getWebhookInfo"
    })
    .await;
}

/// Through the running bot: coordinator `admin` invites `staff` to `org`, who joins with a
/// label — the way every binary test gets an organization's staff member.
pub async fn staff_joins(api: &FakeBotApi, admin: i64, staff: i64, org: &str) {
    use super::fake_bot_api::{text_update, user};
    let text =
        |c: &super::fake_bot_api::Call| c.params["text"].as_str().unwrap_or_default().to_string();
    let n = api.calls().len();
    api.push(text_update(
        &user(admin, "en"),
        1,
        &format!("/invite {org}"),
    ));
    let invite = api
        .wait_for(n, "the invitation", |c| text(c).contains("<code>"))
        .await;
    let code = super::invite_code(&text(&invite));
    let member = user(staff, "en");
    let n = api.calls().len();
    api.push(text_update(&member, 1, &format!("/join {code}")));
    api.wait_for(n, "the question for a label", |c| {
        text(c).contains("How should colleagues")
    })
    .await;
    let n = api.calls().len();
    api.push(text_update(&member, 2, "Staff member"));
    api.wait_for(n, "joined", |c| text(c).contains("you are on the team"))
        .await;
}

/// Runs a `poruch` command (no bot token) on a data directory, from the crate's directory.
pub fn poruch(data_dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_poruch"))
        .args(args)
        .env("PORUCH_DATA_DIR", data_dir)
        .env_remove("TELOXIDE_TOKEN")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}
