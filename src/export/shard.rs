//! `--shard K/N`: a deterministic share of the recordings, chosen by a stable hash of the
//! recording's relative path (64-bit FNV-1a: the same on every machine, Rust version and run,
//! unlike std's `DefaultHasher`), and `--merge`, which interleaves shard tables back into the
//! table a single run writes: shards hold whole recordings, each sorted by recording, so a
//! k-way merge on the `recording` column restores the single run's order.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

mod parquet_merge;

use super::sink::{csv_reader, csv_writer, Pending};
use super::{ExportError, OutFormat};

/// Shard K of N (K from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: give K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n) = (
            k.trim().parse::<u64>().map_err(|_| bad())?,
            n.trim().parse::<u64>().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// Whether this shard exports the recording at `rel`.
    pub fn holds(&self, rel: &str) -> bool {
        fnv1a64(rel.as_bytes()) % self.n == self.k - 1
    }
}

/// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The layout of a shard table, from its content: Parquet's magic, a JSON object, else the
/// header line's delimiter (tab for TSV).
pub fn detect(path: &Path) -> Result<OutFormat, ExportError> {
    let mut head = [0u8; 4];
    let mut f = File::open(path).map_err(|e| ExportError::io(path, e))?;
    let n = f.read(&mut head).map_err(|e| ExportError::io(path, e))?;
    if &head[..n] == b"PAR1" {
        return Ok(OutFormat::Parquet);
    }
    if head[..n].first() == Some(&b'{') {
        return Ok(OutFormat::Jsonl);
    }
    if head.starts_with(b"reco") {
        let mut line = String::new();
        BufReader::new(File::open(path).map_err(|e| ExportError::io(path, e))?)
            .read_line(&mut line)
            .map_err(|e| ExportError::io(path, e))?;
        return Ok(if line.contains('\t') {
            OutFormat::Tsv
        } else {
            OutFormat::Csv
        });
    }
    Err(ExportError::Usage(format!(
        "{}: not a table written by `sigmark export` (CSV, TSV, JSON Lines or Parquet)",
        path.display()
    )))
}

/// One shard being read: the recording of its next row, and a way to move that row out.
trait Cursor {
    fn key(&self) -> Option<&str>;
    /// Writes rows while their recording is `key`, within what is buffered.
    fn emit_run(&mut self, key: &str) -> Result<(), ExportError>;
}

/// Merges shard tables of one layout into `out`; the layout is taken from the shards.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<OutFormat, ExportError> {
    let Some(first) = shards.first() else {
        return Err(ExportError::Usage(
            "--merge needs at least one shard table".into(),
        ));
    };
    let format = detect(first)?;
    for s in shards {
        let f = detect(s)?;
        if f != format {
            return Err(ExportError::Usage(format!(
                "{} is {f:?} but {} is {format:?}: merge shards of one format",
                s.display(),
                first.display()
            )));
        }
    }
    match format {
        OutFormat::Parquet => parquet_merge::merge(shards, out)?,
        OutFormat::Jsonl => merge_lines(shards, out)?,
        _ => merge_csv(format, shards, out)?,
    }
    Ok(format)
}

/// The k-way merge: always takes the shard whose next recording sorts first (byte order, as
/// the single run sorts). A recording met in two shards means the shards overlap.
fn run_merge(names: &[PathBuf], cursors: &mut [Box<dyn Cursor + '_>]) -> Result<(), ExportError> {
    let mut seen: Option<(String, usize)> = None;
    loop {
        let mut best: Option<(usize, &str)> = None;
        for (i, c) in cursors.iter().enumerate() {
            if let Some(k) = c.key() {
                if best.is_none_or(|(_, b)| k < b) {
                    best = Some((i, k));
                }
            }
        }
        let Some((i, key)) = best else { return Ok(()) };
        let key = key.to_string();
        if let Some((prev, j)) = &seen {
            if *prev == key && *j != i {
                return Err(ExportError::Usage(format!(
                    "recording {key:?} is in both {} and {}: were the shards made with the same N?",
                    names[*j].display(),
                    names[i].display()
                )));
            }
        }
        cursors[i].emit_run(&key)?;
        seen = Some((key, i));
    }
}

fn merge_csv(format: OutFormat, shards: &[PathBuf], out: &Path) -> Result<(), ExportError> {
    let (file, pending) = Pending::create(out)?;
    let writer =
        std::cell::RefCell::new(csv_writer(format, BufWriter::with_capacity(1 << 20, file)));
    let mut readers = Vec::new();
    let mut header: Option<(csv::ByteRecord, &Path)> = None;
    for s in shards {
        let f = File::open(s).map_err(|e| ExportError::io(s, e))?;
        let mut rd = csv_reader(format, BufReader::with_capacity(1 << 20, f));
        let mut h = csv::ByteRecord::new();
        let got = rd
            .read_byte_record(&mut h)
            .map_err(|e| ExportError::io(s, e.into()))?;
        match &header {
            _ if !got => continue,
            Some((prev, first)) if *prev != h => {
                return Err(ExportError::Usage(format!(
                    "{}: its header differs from that of {} (is one of them damaged?)",
                    s.display(),
                    first.display()
                )))
            }
            Some(_) => {}
            None => header = Some((h, s)),
        }
        readers.push((s.clone(), rd));
    }
    if let Some((h, _)) = &header {
        writer
            .borrow_mut()
            .write_byte_record(h)
            .map_err(|e| ExportError::io(out, e.into()))?;
    }
    let names: Vec<PathBuf> = readers.iter().map(|(p, _)| p.clone()).collect();
    let mut cursors: Vec<Box<dyn Cursor + '_>> = Vec::new();
    for (path, rd) in readers {
        cursors.push(Box::new(CsvCursor::new(path, rd, &writer, out)?));
    }
    run_merge(&names, &mut cursors)?;
    drop(cursors);
    let mut buf = writer
        .into_inner()
        .into_inner()
        .map_err(|e| ExportError::io(out, e.into_error()))?;
    buf.flush().map_err(|e| ExportError::io(out, e))?;
    drop(buf);
    pending.commit()
}

struct CsvCursor<'w, R: Read> {
    path: PathBuf,
    out: PathBuf,
    rd: csv::Reader<R>,
    rec: csv::ByteRecord,
    key: Option<String>,
    writer: &'w std::cell::RefCell<csv::Writer<BufWriter<File>>>,
}

impl<'w, R: Read> CsvCursor<'w, R> {
    fn new(
        path: PathBuf,
        rd: csv::Reader<R>,
        writer: &'w std::cell::RefCell<csv::Writer<BufWriter<File>>>,
        out: &Path,
    ) -> Result<Self, ExportError> {
        let mut c = CsvCursor {
            path,
            out: out.to_path_buf(),
            rd,
            rec: csv::ByteRecord::new(),
            key: None,
            writer,
        };
        c.advance()?;
        Ok(c)
    }

    fn advance(&mut self) -> Result<(), ExportError> {
        let more = self
            .rd
            .read_byte_record(&mut self.rec)
            .map_err(|e| ExportError::io(&self.path, e.into()))?;
        self.key = if more {
            Some(String::from_utf8_lossy(self.rec.get(0).unwrap_or_default()).into_owned())
        } else {
            None
        };
        Ok(())
    }
}

impl<R: Read> Cursor for CsvCursor<'_, R> {
    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    fn emit_run(&mut self, key: &str) -> Result<(), ExportError> {
        while self.key.as_deref() == Some(key) {
            self.writer
                .borrow_mut()
                .write_byte_record(&self.rec)
                .map_err(|e| ExportError::io(&self.out, e.into()))?;
            self.advance()?;
        }
        Ok(())
    }
}

fn merge_lines(shards: &[PathBuf], out: &Path) -> Result<(), ExportError> {
    let (file, pending) = Pending::create(out)?;
    let writer = std::cell::RefCell::new(BufWriter::with_capacity(1 << 20, file));
    let mut cursors: Vec<Box<dyn Cursor + '_>> = Vec::new();
    for s in shards {
        let f = File::open(s).map_err(|e| ExportError::io(s, e))?;
        let mut c = LineCursor {
            path: s.clone(),
            rd: BufReader::with_capacity(1 << 20, f),
            line: String::new(),
            number: 0,
            key: None,
            writer: &writer,
            out: out.to_path_buf(),
        };
        c.advance()?;
        cursors.push(Box::new(c));
    }
    run_merge(shards, &mut cursors)?;
    drop(cursors);
    let mut w = writer.into_inner();
    w.flush().map_err(|e| ExportError::io(out, e))?;
    drop(w);
    pending.commit()
}

struct LineCursor<'w> {
    path: PathBuf,
    rd: BufReader<File>,
    line: String,
    /// 1-based number of `line` in the shard.
    number: usize,
    key: Option<String>,
    writer: &'w std::cell::RefCell<BufWriter<File>>,
    out: PathBuf,
}

#[derive(serde::Deserialize)]
struct JustRecording {
    recording: String,
}

impl LineCursor<'_> {
    fn advance(&mut self) -> Result<(), ExportError> {
        self.line.clear();
        self.number += 1;
        let at = |e: &dyn std::fmt::Display| {
            ExportError::Usage(format!("{}:{}: {e}", self.path.display(), self.number))
        };
        let n = self.rd.read_line(&mut self.line).map_err(|e| at(&e))?;
        self.key = if n == 0 {
            None
        } else {
            let r: JustRecording = serde_json::from_str(&self.line)
                .map_err(|e| at(&format!("not an exported JSON line: {e}")))?;
            Some(r.recording)
        };
        Ok(())
    }
}

impl Cursor for LineCursor<'_> {
    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    fn emit_run(&mut self, key: &str) -> Result<(), ExportError> {
        while self.key.as_deref() == Some(key) {
            self.writer
                .borrow_mut()
                .write_all(self.line.as_bytes())
                .map_err(|e| ExportError::io(&self.out, e))?;
            self.advance()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn shards_partition_the_paths() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { k, n: 3 }).collect();
        for i in 0..100 {
            let p = format!("sub-{i}/rec.edf");
            assert_eq!(shards.iter().filter(|s| s.holds(&p)).count(), 1);
        }
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { k: 2, n: 3 }));
    }
}
