//! `sigmark repair IN --out OUT [--json]`: a conformant copy of an EDF/BDF file, where the
//! repair is well defined (the rules: `formats::check::repair`). IN is never written; OUT is
//! written through a temporary file in its directory and renamed into place.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::CliError;
use crate::formats::check::repair::{plan, Plan};
use crate::formats::check::{check_edf, file::looks_like_edf, header_len};
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to repair (never modified).
    pub input: PathBuf,
    /// Where to write the repaired copy (must not be IN).
    #[arg(long)]
    pub out: PathBuf,
    /// Print the changes as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &Args) -> Result<(), CliError> {
    if same_file(&a.input, &a.out) {
        return Err(CliError::Usage(format!(
            "--out {} is the input file; repair never writes its input",
            sanitize(&a.out.display().to_string())
        )));
    }
    let io = |e: std::io::Error| crate::formats::Error::io(&a.input, e);
    let mut f = File::open(&a.input).map_err(io)?;
    let file_len = f.metadata().map_err(io)?.len();
    let head = read_header(&mut f).map_err(io)?;
    if !looks_like_edf(&head) {
        return Err(CliError::Check(format!(
            "{}: not an EDF/BDF file; nothing repaired",
            sanitize(&a.input.display().to_string())
        )));
    }
    // SAFETY: read-only map of the input, which repair never writes; a concurrent truncation
    // by another process may fault reads, the documented risk of every memory-mapped reader.
    let map = unsafe { memmap2::Mmap::map(&f) }.map_err(io)?;
    let p = plan(&head, file_len, Some(&map)).map_err(|e| {
        CliError::Check(format!(
            "{}: repair refused: {}",
            sanitize(&a.input.display().to_string()),
            sanitize(&e.to_string())
        ))
    })?;
    write_copy(&mut f, &p, &a.out)?;
    report(a, &p)
}

fn report(a: &Args, p: &Plan) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    if a.json {
        let doc = serde_json::json!({
            "input": a.input.display().to_string(),
            "output": a.out.display().to_string(),
            "changes": p.changes,
            "remaining": p.remaining,
            "edflib_refuses": check_edf(&p.header, p.header.len() as u64 + p.data_len, None).edflib_refuses,
        });
        crate::text::write_json_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
        writeln!(out)?;
        return Ok(());
    }
    for c in &p.changes {
        writeln!(
            out,
            "byte {:>7}  {}: {:?} -> {:?}  ({})",
            c.offset,
            sanitize(&c.field),
            sanitize(&c.old),
            sanitize(&c.new),
            c.why
        )?;
    }
    for f in &p.remaining {
        writeln!(
            out,
            "left as is (no well-defined repair): byte {} {}: {}",
            f.offset,
            sanitize(&f.field),
            sanitize(&f.message)
        )?;
    }
    let what = if p.changes.is_empty() {
        "no changes needed; copied".to_string()
    } else {
        format!("{} change(s)", p.changes.len())
    };
    writeln!(
        out,
        "wrote {} ({what})",
        sanitize(&a.out.display().to_string())
    )?;
    Ok(())
}

/// The header bytes (256, then 256 per declared signal, bounded).
fn read_header(f: &mut File) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    Read::by_ref(f).take(256).read_to_end(&mut head)?;
    let want = header_len(&head) as u64;
    if head.len() == 256 && want > 256 {
        Read::by_ref(f).take(want - 256).read_to_end(&mut head)?;
    }
    Ok(head)
}

fn write_copy(input: &mut File, p: &Plan, out: &Path) -> Result<(), CliError> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&p.header)?;
    input.seek(SeekFrom::Start(p.header.len() as u64))?;
    let copied = std::io::copy(&mut Read::by_ref(input).take(p.data_len), &mut tmp)?;
    if copied != p.data_len {
        return Err(CliError::Check(format!(
            "the input changed while it was copied ({copied} of {} data bytes)",
            p.data_len
        )));
    }
    tmp.as_file().sync_all()?;
    tmp.persist(out).map_err(|e| CliError::Output(e.error))?;
    Ok(())
}

/// Whether `a` and `b` name the same file (an OUT that does not exist yet is compared by its
/// canonical directory and name).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        // Hard links and bind mounts: the same inode on the same device.
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    let canon = |p: &Path| -> Option<PathBuf> {
        std::fs::canonicalize(p).ok().or_else(|| {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
        })
    };
    matches!((canon(a), canon(b)), (Some(x), Some(y)) if x == y)
}
