//! Writing files that must survive a crash whole (backups, the /forget journal).

use std::io::Write;
use std::path::Path;

/// Writes a file whole: beside the target, synced, then renamed over it (mode 0600 by the
/// process's umask), so a crash leaves the old file or the new one, never half of one.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_file_with(path, |file| file.write_all(bytes))
}

/// `write_file` with the contents written by `fill` as they come (a backup streamed to disk).
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    {
        let mut file = std::fs::File::create(&tmp)?;
        if let Err(e) = fill(&mut file) {
            drop(file);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
