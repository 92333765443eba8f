//! The recording's SHA-256 as a job: read in 1 MiB blocks, counting bytes, stopping when
//! cancelled (a day-long file takes about a second).

use std::io::Read;
use std::path::Path;
use std::sync::atomic::Ordering;

use sha2::Digest;

use super::Context;

/// The lowercase hex SHA-256 of `path`; the error names the file.
pub fn sha256(path: &Path, ctx: &Context) -> Result<String, String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut f = std::fs::File::open(path).map_err(fail)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if ctx.is_cancelled() {
            return Err(format!("{}: hashing cancelled", path.display()));
        }
        match f.read(&mut buf).map_err(fail)? {
            0 => break,
            n => {
                h.update(&buf[..n]);
                ctx.progress().fetch_add(n as u64, Ordering::Relaxed);
            }
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
