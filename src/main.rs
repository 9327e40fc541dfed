//! The `poruch` command line: parses arguments and wires the layers together.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use poruch::app::{App, Clock, Config};
use poruch::directory_cli::{self, SearchArgs};
use poruch::report_cli;
use poruch::storage::crypto::CryptoError;
use poruch::storage::{Store, StoreError, StoreLocation};
use poruch::telegram::{self, BotContext};
use poruch::{config, datafile, i18n::I18n, startup};

/// Small allocations dominate a reply (strings, JSON, keyboards); mimalloc handles them with
/// about a quarter less CPU than the system allocator (measured: README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option numbers (`mi_option_t` in the v3 `mimalloc.h` that libmimalloc-sys
/// builds; it names only the options its v2 and v3 share).
const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Freed memory goes back to the system at once and arenas are committed as they are used,
/// rather than mimalloc's defaults (purged after a delay, arenas committed up front): the
/// soak's resident memory levels off about a quarter lower at no measured cost in speed
/// (README, Performance). `MIMALLOC_PURGE_DELAY` and `MIMALLOC_ARENA_EAGER_COMMIT` in the
/// environment still win. It must run before the first allocation — mimalloc reads the
/// commit option when it makes its first arena, and Rust's runtime allocates before `main` —
/// so on Linux it runs as a constructor of the executable, as the C runtime starts.
extern "C" fn return_freed_memory() {
    // SAFETY: setters of two integers in mimalloc's option table, valid at any time and for
    // any value; they neither allocate nor touch Rust state.
    unsafe {
        libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set_default(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static RETURN_FREED_MEMORY: extern "C" fn() = return_freed_memory;

/// Poruch: find vetted civil society organizations in Ukraine's security and defence sector.
#[derive(Parser)]
#[command(name = "poruch", version, about)]
struct Cli {
    /// Where the store lives.
    #[arg(long, global = true, env = config::DATA_DIR_VAR, default_value = config::DEFAULT_DATA_DIR)]
    data_dir: PathBuf,
    /// The key that seals private fields (created with mode 0600 on first start).
    /// Default: poruch.key inside the data directory.
    #[arg(long, global = true, env = config::KEY_FILE_VAR)]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot (the default). Needs TELOXIDE_TOKEN.
    Run,
    /// Write a backup of the store to PATH (asks the running bot when it holds the store).
    Backup { path: PathBuf },
    /// Fill an empty data directory from a backup (the bot stopped; the key file in place),
    /// then replay the /forget journal found beside the backup (or given).
    Restore {
        path: PathBuf,
        /// The /forget journal (default: forget.journal beside the backup).
        #[arg(long)]
        journal: Option<PathBuf>,
    },
    /// For monitoring: the store opens and reads, the key matches, Telegram is reachable.
    Check,
    /// Manage the directory of organizations.
    Directory {
        #[command(subcommand)]
        action: DirectoryAction,
    },
    /// The monitoring figures by month, with the bot stopped (CSV or JSON on stdout).
    Report {
        /// The first month, e.g. 2026-01.
        #[arg(long)]
        from: String,
        /// The last month, e.g. 2026-12.
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: report_cli::Format,
    },
    /// The audit log, with the bot stopped.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// The whole log as CSV on stdout.
    Export,
}

#[derive(Subcommand)]
enum DirectoryAction {
    /// List every problem of a directory file (default: data/organizations.toml).
    Validate { path: Option<PathBuf> },
    /// Replace the stored directory with a file's (or an HSDS package's); any error changes
    /// nothing.
    Import {
        path: PathBuf,
        /// `hsds`: PATH is a directory holding an Open Referral HSDS 3.0 tabular package.
        #[arg(long, value_enum, default_value = "toml")]
        format: directory_cli::Format,
    },
    /// Write the stored directory to a file in the same format (or an HSDS package).
    Export {
        path: PathBuf,
        /// `hsds`: write an Open Referral HSDS 3.0 tabular package into the directory PATH.
        #[arg(long, value_enum, default_value = "toml")]
        format: directory_cli::Format,
    },
    /// Search the stored directory as the bot does.
    Search {
        #[arg(long)]
        topic: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        text: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    #[cfg(not(target_os = "linux"))]
    return_freed_memory();
    // Everything the process writes (the store, a key, an export) is for its user only.
    poruch::storage::private_files();
    poruch::logging::init(
        std::env::var(config::LOG_VAR).ok().as_deref(),
        std::env::var(config::LOG_FORMAT_VAR).is_ok_and(|f| f.trim() == "json"),
    );
    match try_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("poruch: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let today = config::today();
    let cache_mb = match config::cache_mb() {
        Ok(mb) => mb,
        Err(e) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let store_at = StoreLocation::new(cli.data_dir, cli.key_file).with_cache_mb(cache_mb);
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => run_bot(store_at),
        Command::Backup { path } => Ok(poruch::backup_cli::backup(&store_at, &path)),
        Command::Restore { path, journal } => Ok(poruch::backup_cli::restore(
            &store_at,
            &path,
            journal.as_deref(),
        )),
        Command::Check => {
            let api_url = match config::api_url() {
                Ok(url) => url,
                Err(e) => {
                    eprintln!("poruch: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            Ok(poruch::backup_cli::check(
                &store_at,
                config::token().as_deref(),
                api_url,
            ))
        }
        Command::Report { from, to, format } => {
            Ok(report_cli::report(&store_at, &from, &to, format))
        }
        Command::Audit {
            action: AuditAction::Export,
        } => Ok(report_cli::audit_export(&store_at)),
        Command::Directory { action } => Ok(match action {
            DirectoryAction::Validate { path } => directory_cli::validate(
                &path.unwrap_or_else(|| PathBuf::from(directory_cli::DEFAULT_FILE)),
                today,
            ),
            DirectoryAction::Import { path, format } => match format {
                directory_cli::Format::Toml => directory_cli::import(&store_at, &path, today),
                directory_cli::Format::Hsds => directory_cli::import_hsds(&store_at, &path, today),
            },
            DirectoryAction::Export { path, format } => match format {
                directory_cli::Format::Toml => directory_cli::export(&store_at, &path),
                directory_cli::Format::Hsds => directory_cli::export_hsds(&store_at, &path),
            },
            DirectoryAction::Search {
                topic,
                region,
                text,
                json,
            } => directory_cli::search(
                &store_at,
                &SearchArgs {
                    topic,
                    region,
                    text,
                    json,
                },
                today,
            ),
        }),
    }
}

fn run_bot(store_at: StoreLocation) -> anyhow::Result<ExitCode> {
    let Some(token) = config::token() else {
        eprintln!(
            "poruch: {} is not set. Create a bot with @BotFather in Telegram and run: {}=<token> cargo run --release",
            config::TOKEN_VAR,
            config::TOKEN_VAR
        );
        return Ok(ExitCode::from(2));
    };
    let api_url = match config::api_url() {
        Ok(url) => url,
        Err(e) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let admins = match config::admins() {
        Ok(admins) => admins,
        Err(e) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let retention_days = match config::retention_days() {
        Ok(days) => days,
        Err(e) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let (offer_days, min_ratings) = match (config::offer_days(), config::min_ratings()) {
        (Ok(days), Ok(min)) => (days, min),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let (web_addr, public_url, webhook_url, rate_limits) = match (
        config::web_addr(),
        config::public_url(),
        config::webhook_url(),
        config::rate_limits(),
    ) {
        (Ok(addr), Ok(url), Ok(hook), Ok(limits)) => (addr, url, hook, limits),
        (Err(e), _, _, _) | (_, Err(e), _, _) | (_, _, Err(e), _) | (_, _, _, Err(e)) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if webhook_url.is_some() && web_addr.is_none() {
        eprintln!(
            "poruch: {} needs the web server: set {} (Telegram's posts reach it through your proxy)",
            config::WEBHOOK_URL_VAR,
            config::WEB_ADDR_VAR
        );
        return Ok(ExitCode::from(2));
    }
    let i18n = I18n::load().context("loading the locales")?;
    let hotlines = datafile::hotlines()
        .map_err(|r| anyhow::anyhow!("shipped hotlines are invalid: {:?}", r.problems))?;
    let store = match Store::open_at(&store_at) {
        Ok(store) => store,
        // Each says in one line what is wrong and what to do.
        Err(
            e @ (StoreError::Locked(_)
            | StoreError::Exposed { .. }
            | StoreError::WrongKey(_)
            | StoreError::Lost(_)
            | StoreError::Crypto(
                CryptoError::KeyMissing(_) | CryptoError::KeyExposed(_) | CryptoError::BadKey(_),
            )),
        ) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            eprintln!(
                "poruch: the store in {} does not open ({}); if it is damaged, restore the last backup into an empty directory: poruch restore <backup file>",
                store_at.dir.display(),
                e.kind()
            );
            return Ok(ExitCode::from(2));
        }
    };
    // The start-up integrity check: schema and key were checked by opening; every tree reads.
    if let Err((tree, e)) = store.check_every_tree() {
        eprintln!(
            "poruch: the store in {} is damaged ({tree}: {}); restore the last backup into an empty directory: poruch restore <backup file>",
            store_at.dir.display(),
            e.kind()
        );
        return Ok(ExitCode::from(2));
    }
    let backup_keep = match config::backup_keep() {
        Ok(keep) => keep,
        Err(e) => {
            eprintln!("poruch: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let backups = config::backup_dir().map(|dir| poruch::app::backups::Plan {
        dir,
        keep: backup_keep,
    });
    let store = match &backups {
        Some(plan) => {
            store.with_forget_journal(plan.dir.join(poruch::storage::journal::JOURNAL_FILE))
        }
        None => store,
    };
    let taxonomy = startup::taxonomy()?;
    let materials = datafile::materials(&taxonomy)
        .map_err(|r| anyhow::anyhow!("shipped materials are invalid: {:?}", r.problems))?;
    let index = startup::load_index(&store, taxonomy, config::today())?;
    tracing::info!(organizations = index.len(), "directory loaded");
    let secret = poruch::web::auth::Secret::from_token(&token);
    let mut bot = teloxide::Bot::new(token);
    if let Some(url) = api_url {
        bot = bot.set_api_url(url);
    }
    let config = Config {
        retention_days,
        offer_days,
        min_ratings,
        admins,
    };
    let ctx = BotContext {
        app: App::new(store, index, materials, config, Clock::System),
        i18n: Arc::new(i18n),
        hotlines: Arc::new(hotlines),
        dashboard: public_url.clone(),
        outgoing: poruch::telegram::outgoing::Outgoing::new(poruch::telegram::pacing::Pacer::new(
            rate_limits,
        )),
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let socket = poruch::control::socket_in(&store_at.dir);
    runtime.block_on(async move {
        let control = {
            let app = ctx.app.clone();
            tokio::spawn(async move {
                if let Err(e) = poruch::control::serve(app, socket).await {
                    tracing::error!(error = %e.kind(), "the control socket is not served");
                }
            })
        };
        let scheduled =
            backups.map(|plan| tokio::spawn(poruch::app::backups::run(ctx.app.clone(), plan)));
        let web = match web_addr {
            Some(addr) => Some(dashboard(addr, &bot, &ctx, secret).await?),
            None => None,
        };
        let mode = match webhook_url {
            Some(url) => telegram::Mode::Webhook { url },
            None => telegram::Mode::Polling,
        };
        let ran = telegram::run(bot, ctx, mode, web)
            .await
            .context("running the bot");
        control.abort();
        if let Some(scheduled) = scheduled {
            scheduled.abort();
        }
        ran
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The web server's listener and the dashboard, served beside the bot in the same process
/// (sled allows one).
async fn dashboard(
    addr: std::net::SocketAddr,
    bot: &teloxide::Bot,
    ctx: &BotContext,
    secret: poruch::web::auth::Secret,
) -> anyhow::Result<telegram::Web> {
    use teloxide::prelude::Requester;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr} ({})", config::WEB_ADDR_VAR))?;
    let bot_username = bot.get_me().await.ok().and_then(|me| me.username.clone());
    let state = Arc::new(poruch::web::WebState {
        app: ctx.app.clone(),
        i18n: ctx.i18n.clone(),
        secret,
        bot_username,
    });
    tracing::info!("web server listening");
    Ok(telegram::Web {
        listener,
        router: poruch::web::router(state),
    })
}
