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

/// Through the one atomic writer (temporary file, fsync, rename), so a reader never sees a
/// half-written recording, an interrupted run leaves the old file intact, and a replaced file
/// keeps its mode and group.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = crate::annotations::atomic::AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}
