//! `REC.READER.lock`: keeps a second process from writing one reader's files, and says who
//! holds it.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{io, now, StoreError};

/// The lock file, removed when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub(super) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether process `pid` runs on this machine. Without /proc (not Linux) a lock is assumed
/// live: better a message to remove it by hand than two writers.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    // A zombie (killed, not yet reaped by its parent) holds nothing: its state in
    // /proc/PID/stat, after the command name in parentheses, is 'Z'.
    match std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

impl Lock {
    /// Takes the lock, or says who holds it. A lock left by a dead process on this host is
    /// taken over (and `stale` says so).
    pub fn acquire(path: &Path, reader: &str) -> Result<(Lock, Option<String>), StoreError> {
        let host = hostname();
        let mut stale = None;
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    let body = format!("{}\n{}\n{}\n", std::process::id(), host, now());
                    f.write_all(body.as_bytes())
                        .and_then(|_| f.sync_all())
                        .map_err(io(path))?;
                    return Ok((
                        Lock {
                            path: path.to_path_buf(),
                        },
                        stale,
                    ));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(path).unwrap_or_default();
                    let mut lines = text.lines();
                    let pid = lines.next().and_then(|p| p.trim().parse::<u32>().ok());
                    let holder = lines.next().unwrap_or("").trim().to_string();
                    let since = lines.next().unwrap_or("").trim().to_string();
                    let dead = match pid {
                        Some(p) => holder == host && !process_alive(p),
                        // Half-written by a process that died while taking it.
                        None => text.trim().is_empty() || text.len() < 3,
                    };
                    if dead {
                        stale = Some(format!(
                            "took over a stale lock left by process {} on {holder}",
                            pid.map_or("?".into(), |p| p.to_string())
                        ));
                        std::fs::remove_file(path).map_err(io(path))?;
                        continue;
                    }
                    return Err(StoreError::Locked {
                        path: path.to_path_buf(),
                        reader: reader.to_string(),
                        pid: pid.unwrap_or(0),
                        host: crate::text::sanitize(&holder),
                        since: crate::text::sanitize(&since),
                    });
                }
                Err(e) => return Err(io(path)(e)),
            }
        }
        Err(StoreError::Parse {
            path: path.to_path_buf(),
            line: 0,
            detail: "could not take the lock".into(),
        })
    }
}
