//! `sigmark synth --out DIR`: writes the deterministic demo recordings and their truth tables.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write into (created if missing); existing demo files are replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let files = crate::synth::demo_files()?;
    fs::create_dir_all(&args.out)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in &files {
        let path = args.out.join(&f.name);
        write_atomically(&path, &f.bytes)?;
        writeln!(
            out,
            "wrote {} ({} bytes)",
            crate::text::sanitize(&path.display().to_string()),
            f.bytes.len()
        )?;
    }
    Ok(())
}

/// Writes to a temporary file in the same directory, then renames it over `path`, so a reader
/// never sees a half-written recording and an interrupted run leaves the old file intact.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: the error that matters is the one being returned.
        let _ = fs::remove_file(&tmp);
    }
    result
}
