//! The local control socket. sled lets one process open the store, so while the bot runs
//! `poruch backup` and `poruch check` ask it over a Unix socket in the data directory, which
//! only the bot's user can open (the directory is 0700; the socket is made under umask 077).
//!
//! A request is one line: `backup` or `check`. The answer: `ok <length>\n` and that many bytes
//! (a backup file, or the check's JSON), or `error <what failed>\n` — never a record's text.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

use crate::app::App;

/// The socket's name in the data directory.
pub const SOCKET: &str = "control.sock";

pub fn socket_in(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

/// What `check` reports about the store (nothing private).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct StoreCheck {
    pub schema_version: u32,
    pub records: u64,
}

/// Serves the socket until the application stops. A socket file left by a killed process
/// is replaced (this process holds the store's lock, so no other bot uses it).
pub async fn serve(app: App, path: PathBuf) -> std::io::Result<()> {
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopping(&app) => break,
        };
        let Ok((stream, _)) = accepted else { continue };
        let app = app.clone();
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        tokio::spawn(async move {
            if let Err(e) = answer(app, stream, &dir).await {
                tracing::warn!(error = %e.kind(), "a control request failed");
            }
        });
    }
    let _ = std::fs::remove_file(&path);
    Ok(())
}

async fn stopping(app: &App) {
    while !app.is_stopping() {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// An answer: a few bytes, or a file (a backup) sent as it is read.
enum Answer {
    Bytes(Vec<u8>),
    File(std::fs::File, u64),
}

/// A backup taken into an unnamed file in `dir` (streamed, never whole in memory), rewound.
fn backup_file(
    store: &crate::storage::Store,
    now: crate::domain::Timestamp,
    dir: &Path,
) -> Result<(std::fs::File, u64), &'static str> {
    use std::io::Seek;
    let mut file = tempfile::tempfile_in(dir).map_err(|_| "cannot make the backup's file")?;
    let (header, writes_held) = store.backup_to(now, &mut file, dir).map_err(|e| e.kind())?;
    tracing::info!(
        records = header.records,
        writes_held_ms = writes_held.as_millis() as u64,
        "backup taken"
    );
    let length = file
        .stream_position()
        .map_err(|_| "cannot read the backup's file")?;
    file.rewind().map_err(|_| "cannot read the backup's file")?;
    Ok((file, length))
}

async fn answer(
    app: App,
    stream: tokio::net::UnixStream,
    socket_dir: &Path,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    // A request is a word: a longer line is not read further.
    tokio::io::BufReader::new(read.take(64))
        .read_line(&mut line)
        .await?;
    let store = app.store.clone();
    let now = app.now();
    // The directory the socket is in: the data directory, where a backup's spool goes.
    let dir = socket_dir.to_path_buf();
    let result: Result<Answer, &'static str> = match line.trim() {
        "backup" => {
            tracing::info!("a backup was asked for on the control socket");
            match tokio::task::spawn_blocking(move || backup_file(&store, now, &dir)).await {
                Ok(Ok((file, length))) => Ok(Answer::File(file, length)),
                Ok(Err(what)) => Err(what),
                Err(_) => Err("the backup stopped"),
            }
        }
        "check" => match tokio::task::spawn_blocking(move || check_store(&store)).await {
            Ok(Ok(check)) => serde_json::to_vec(&check)
                .map(Answer::Bytes)
                .map_err(|_| "cannot answer"),
            Ok(Err(what)) => Err(what),
            Err(_) => Err("the check stopped"),
        },
        _ => Err("unknown request (backup, check)"),
    };
    match result {
        Ok(Answer::Bytes(bytes)) => {
            write
                .write_all(format!("ok {}\n", bytes.len()).as_bytes())
                .await?;
            write.write_all(&bytes).await?;
        }
        Ok(Answer::File(file, length)) => {
            write.write_all(format!("ok {length}\n").as_bytes()).await?;
            tokio::io::copy(&mut tokio::fs::File::from_std(file), &mut write).await?;
        }
        Err(what) => {
            write
                .write_all(format!("error {what}\n").as_bytes())
                .await?
        }
    }
    write.shutdown().await
}

/// The store's part of `poruch check`: schema version, and every tree readable.
pub fn check_store(store: &crate::storage::Store) -> Result<StoreCheck, &'static str> {
    let schema_version = store
        .schema_version()
        .map_err(|e| e.kind())?
        .ok_or("the store has no schema version")?;
    let records = store
        .check_every_tree()
        .map_err(|_| "a tree of the store cannot be read")?;
    Ok(StoreCheck {
        schema_version,
        records,
    })
}

/// Asks the running bot (blocking): the answer's bytes, or what failed.
pub fn ask(socket: &Path, request: &str) -> Result<Vec<u8>, String> {
    let mut stream = std::os::unix::net::UnixStream::connect(socket)
        .map_err(|e| format!("cannot reach the running bot at {}: {e}", socket.display()))?;
    stream
        .write_all(format!("{request}\n").as_bytes())
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    reader.read_line(&mut head).map_err(|e| e.to_string())?;
    let head = head.trim_end();
    if let Some(what) = head.strip_prefix("error ") {
        return Err(format!("the running bot answered: {what}"));
    }
    let length: usize = head
        .strip_prefix("ok ")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| "the running bot gave no answer".to_string())?;
    let mut bytes = Vec::with_capacity(length);
    reader
        .take(length as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() != length {
        return Err("the running bot's answer was cut short".into());
    }
    Ok(bytes)
}
