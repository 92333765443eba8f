//! De-identifying EDF, EDF+, BDF and BDF+: the patient and recording fields cleared, the start
//! date shifted (header and EDF+ `Startdate` alike), the annotation texts scrubbed; every other
//! byte, and so every sample, every onset and the sub-second start, copied unchanged.
//!
//! The header is parsed by the reader's own parser (lenient files open as in sigmark); the
//! data records are streamed in chunks of whole records, so memory stays bounded whatever the
//! size of the file, and the copy is hashed as it is written.

mod fields;
mod tal;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use memmap2::{Mmap, MmapOptions};
use sha2::{Digest, Sha256};

use super::scrub::Scrubber;
use super::{dir_of, DeidError, FileReport, Outcome, Plan};
use crate::formats::edf::{read_header, Flavour, Header};

pub use fields::{edf_date, format_edf_date, start_date, UNKNOWN_DATE};
pub use tal::SlotStats;

/// Bytes copied at a time (whole records, at least one).
const CHUNK_BYTES: u64 = 4 << 20;

/// Writes a de-identified copy of the EDF-family file `src` to `out` (atomically; the output
/// must not exist). On a dry run nothing is written and `sha256` is `None`.
pub fn deid_edf(src: &Path, out: &Path, plan: &Plan) -> Result<Outcome, DeidError> {
    let file = File::open(src).map_err(|e| DeidError::io(src, e))?;
    // SAFETY: read-only map of a file opened read-only, as the readers map recordings; a
    // writer truncating it meanwhile is what `open_for_writing` refuses below.
    let map = unsafe { MmapOptions::new().map(&file) }.map_err(|e| DeidError::io(src, e))?;
    let h = read_header(src, &map).map_err(|e| DeidError::invalid(src, e.to_string()))?;
    if h.open_for_writing {
        return Err(refused(src, "the recording is still being written (its record count is -1 or the file grows); de-identify it once it is complete"));
    }
    if undeclared_annotations(&h) {
        return Err(refused(src, "a signal is labelled as annotations but the reserved field does not declare EDF+/BDF+, so its texts cannot be read as TALs and would be copied unscrubbed; declare the file EDF+ (`sigmark repair`) or remove the signal"));
    }
    let edit = fields::rewrite(&h, plan).map_err(|e| DeidError::invalid(src, e))?;
    let scrubber = Scrubber::new(edit.ids.clone(), plan.shift);
    let mut report = FileReport {
        source: src.to_path_buf(),
        output: out.to_path_buf(),
        fields_cleared: edit.fields_cleared,
        changes: edit.changes.clone(),
        ..FileReport::default()
    };
    let records = Records {
        src,
        map: &map,
        h: &h,
        slots: slots(&h),
        scrubber: &scrubber,
    };
    let (stats, sha256) = if plan.dry_run {
        (records.scan()?, None)
    } else {
        check_output(src, out)?;
        let (stats, sha) = records.write(out, &header_bytes(&map, &h, &edit))?;
        (stats, Some(sha))
    };
    describe(&mut report, stats, trailing(&map, &h));
    Ok(Outcome {
        report,
        ids: edit.ids,
        sha256,
    })
}

fn refused(path: &Path, why: &str) -> DeidError {
    DeidError::Refused {
        path: path.to_path_buf(),
        why: why.to_string(),
    }
}

/// The output may be neither the source (same canonical path) nor an existing file.
fn check_output(src: &Path, out: &Path) -> Result<(), DeidError> {
    let canon_src = src.canonicalize().map_err(|e| DeidError::io(src, e))?;
    let canon_out = match (out.parent(), out.file_name()) {
        (Some(_), Some(name)) => dir_of(out).canonicalize().ok().map(|d| d.join(name)),
        _ => None,
    };
    if canon_out.as_deref() == Some(canon_src.as_path())
        || out.canonicalize().ok() == Some(canon_src)
    {
        return Err(refused(
            out,
            "is the source recording; a source is never written",
        ));
    }
    if out.exists() {
        return Err(refused(
            out,
            "exists; de-identified copies never replace a file",
        ));
    }
    Ok(())
}

/// The header with the patient, recording and startdate fields replaced; every other byte
/// (version, starttime, sizes, reserved `EDF+C`/`EDF+D`, signal headers) as in the source.
fn header_bytes(map: &[u8], h: &Header, e: &fields::Edit) -> Vec<u8> {
    let mut out = map[..h.header_bytes as usize].to_vec();
    put(&mut out[8..88], &e.patient);
    put(&mut out[88..168], &e.recording);
    put(&mut out[168..176], &e.startdate);
    out
}

/// Left-justified and space-padded; cut on a character boundary to the field width.
fn put(field: &mut [u8], text: &str) {
    let mut n = text.len().min(field.len());
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    field[..n].copy_from_slice(&text.as_bytes()[..n]);
    field[n..].fill(b' ');
}

/// Where each annotation signal sits in a record: (offset, length) in bytes, the first being
/// the one whose first TAL keeps time (EDF+ section 2.2.4). None in plain EDF/BDF.
/// A plain EDF/BDF holding an `EDF Annotations`/`BDF Annotations` signal: read as samples,
/// though it most likely holds annotation texts.
fn undeclared_annotations(h: &Header) -> bool {
    h.flavour == Flavour::Plain
        && h.signals
            .iter()
            .any(|s| matches!(s.label.trim(), "EDF Annotations" | "BDF Annotations"))
}

fn slots(h: &Header) -> Vec<(usize, usize)> {
    if h.flavour == Flavour::Plain {
        return Vec::new();
    }
    let bps = h.bytes_per_sample() as usize;
    let mut at = 0;
    let mut out = Vec::new();
    for s in &h.signals {
        let len = s.samples_per_record as usize * bps;
        if s.annotation {
            out.push((at, len));
        }
        at += len;
    }
    out
}

/// Bytes after the last complete record (a truncated file's partial record), not copied.
fn trailing(map: &[u8], h: &Header) -> u64 {
    (map.len() as u64).saturating_sub(h.header_bytes + h.records * h.record_bytes)
}

fn describe(r: &mut FileReport, st: SlotStats, trailing: u64) {
    r.texts_replaced = st.replaced;
    if st.texts > 0 {
        r.changes.push(format!(
            "annotation texts: {} replacement(s) in {} text(s)",
            st.replaced, st.texts
        ));
    }
    if st.shortened > 0 {
        r.changes.push(format!(
            "annotation texts: {} with placeholders shortened to X to fit their record",
            st.shortened
        ));
    }
    if st.cut > 0 {
        r.changes.push(format!(
            "annotation texts: {} cut to fit their record",
            st.cut
        ));
    }
    if trailing > 0 {
        r.changes.push(format!(
            "{trailing} byte(s) of an incomplete last record not copied"
        ));
    }
}

/// One pass over the data records.
struct Records<'a> {
    src: &'a Path,
    map: &'a Mmap,
    h: &'a Header,
    slots: Vec<(usize, usize)>,
    scrubber: &'a Scrubber,
}

impl Records<'_> {
    /// The scrubbed annotation signals of records `first..first + n` that changed: (offset in
    /// the file, new bytes). Each slot is scrubbed in a small scratch copy.
    fn patches(
        &self,
        first: u64,
        n: u64,
        stats: &mut SlotStats,
    ) -> Result<Vec<(u64, Vec<u8>)>, DeidError> {
        let mut out = Vec::new();
        let mut scratch = Vec::new();
        for r in first..first + n {
            let rec_at = self.h.header_bytes + r * self.h.record_bytes;
            for (i, &(off, len)) in self.slots.iter().enumerate() {
                let at = rec_at + off as u64;
                scratch.clear();
                scratch.extend_from_slice(&self.map[at as usize..at as usize + len]);
                let st = tal::scrub_slot(&mut scratch, i == 0, self.scrubber).map_err(|e| {
                    DeidError::invalid(
                        self.src,
                        format!(
                            "data record {r}, byte {}: annotation list not readable, so it cannot be scrubbed: {}",
                            at + e.offset as u64,
                            e.detail
                        ),
                    )
                })?;
                if st.texts > 0 {
                    out.push((at, scratch.clone()));
                }
                stats.add(st);
            }
        }
        Ok(out)
    }

    /// Every record, in chunks, with the patches of each chunk.
    fn each_chunk(
        &self,
        mut f: impl FnMut(u64, u64, Vec<(u64, Vec<u8>)>) -> Result<(), DeidError>,
    ) -> Result<SlotStats, DeidError> {
        let step = (CHUNK_BYTES / self.h.record_bytes.max(1)).max(1);
        let mut stats = SlotStats::default();
        let mut first = 0;
        while first < self.h.records {
            let n = step.min(self.h.records - first);
            let patches = if self.slots.is_empty() {
                Vec::new()
            } else {
                self.patches(first, n, &mut stats)?
            };
            f(first, n, patches)?;
            first += n;
        }
        Ok(stats)
    }

    /// A dry run: the annotation texts scrubbed in scratch copies, nothing written.
    fn scan(&self) -> Result<SlotStats, DeidError> {
        self.each_chunk(|_, _, _| Ok(()))
    }

    /// Writes header and records to a temporary file beside `out`, hashing what is written,
    /// then syncs it and renames it to `out` (refusing to replace a file that appeared since).
    /// Unchanged bytes go from file to file in the kernel (`std::io::copy` uses
    /// `copy_file_range` on Linux), so the copy runs near the speed of `cp`; a second thread
    /// hashes them from the map meanwhile.
    fn write(&self, out: &Path, header: &[u8]) -> Result<(SlotStats, String), DeidError> {
        let dir = dir_of(out);
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| DeidError::io(dir, e))?;
        let file = tmp.as_file_mut();
        let (stats, sha) = std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(256);
            let src = File::open(self.src).map_err(|e| DeidError::io(self.src, e))?;
            let hashed = src.try_clone().map_err(|e| DeidError::io(self.src, e))?;
            // The hash runs beside the copy: the kernel copies while this thread reads the same
            // bytes through a bounded buffer (not the map, whose pages would all stay resident).
            let hasher = scope.spawn(move || hash_pieces(&hashed, rx));
            let mut w = Writer {
                src,
                out: file,
                path: out,
                tx,
                pos: 0,
            };
            w.bytes(header.to_vec())?;
            let mut done = self.h.header_bytes;
            let stats = self.each_chunk(|first, n, patches| {
                for (at, bytes) in patches {
                    w.copy(done, at)?;
                    done = at + bytes.len() as u64;
                    w.bytes(bytes)?;
                }
                let end = self.h.header_bytes + (first + n) * self.h.record_bytes;
                w.copy(done, end)?;
                done = end;
                Ok(())
            })?;
            drop(w);
            let sha = hasher
                .join()
                .map_err(|_| std::io::Error::other("the hashing thread failed"))
                .and_then(|r| r)
                .map_err(|e| DeidError::io(self.src, e))?;
            Ok::<_, DeidError>((stats, sha))
        })?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| DeidError::io(out, e))?;
        tmp.persist_noclobber(out)
            .map_err(|e| DeidError::io(out, e.error))?;
        Ok((stats, sha))
    }
}

/// A piece of the output, for the hash: source bytes (a range of the map) or new bytes.
enum Piece {
    Source(std::ops::Range<usize>),
    Bytes(Vec<u8>),
}

/// SHA-256 of the output's pieces: source ranges read in 256 KiB pieces (small enough to
/// stay in cache between the read and the hash), new bytes as sent.
fn hash_pieces(src: &File, rx: std::sync::mpsc::Receiver<Piece>) -> std::io::Result<String> {
    use std::os::unix::fs::FileExt;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    for piece in rx {
        match piece {
            Piece::Source(r) => {
                let mut at = r.start as u64;
                while at < r.end as u64 {
                    let n = ((r.end as u64 - at) as usize).min(buf.len());
                    src.read_exact_at(&mut buf[..n], at)?;
                    sha.update(&buf[..n]);
                    at += n as u64;
                }
            }
            Piece::Bytes(b) => sha.update(&b),
        }
    }
    Ok(format!("{:x}", sha.finalize()))
}

/// Asks the kernel to start writing `len` bytes at `at` of `file` back to disk now, so the
/// final fsync finds little left to do (the copy and the disk work overlap). Only a hint:
/// failure changes nothing, the fsync still makes the file durable.
fn start_writeback(file: &File, at: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(at), Ok(len)) = (libc::off64_t::try_from(at), libc::off64_t::try_from(len)) else {
            return;
        };
        // SAFETY: a valid open descriptor and plain integers; the call only schedules I/O.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), at, len, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, at, len);
}

/// The output being written; every piece also goes to the hashing thread.
struct Writer<'a> {
    src: File,
    out: &'a mut File,
    path: &'a Path,
    tx: std::sync::mpsc::SyncSender<Piece>,
    /// Bytes written so far (the output offset).
    pos: u64,
}

impl Writer<'_> {
    fn hash(&self, piece: Piece) -> Result<(), DeidError> {
        self.tx.send(piece).map_err(|_| {
            DeidError::io(
                self.path,
                std::io::Error::other("the hashing thread stopped"),
            )
        })
    }

    fn bytes(&mut self, b: Vec<u8>) -> Result<(), DeidError> {
        self.out
            .write_all(&b)
            .map_err(|e| DeidError::io(self.path, e))?;
        self.pos += b.len() as u64;
        self.hash(Piece::Bytes(b))
    }

    /// Source bytes `from..to`, unchanged.
    fn copy(&mut self, from: u64, to: u64) -> Result<(), DeidError> {
        if to <= from {
            return Ok(());
        }
        let err = |e| DeidError::io(self.path, e);
        self.src.seek(SeekFrom::Start(from)).map_err(err)?;
        let n = std::io::copy(&mut (&self.src).take(to - from), self.out).map_err(err)?;
        if n != to - from {
            let e = std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the source became shorter while it was copied",
            );
            return Err(err(e));
        }
        start_writeback(self.out, self.pos, n);
        self.pos += n;
        self.hash(Piece::Source(from as usize..to as usize))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::formats::edf::writer::{self, FileSpec, Plus, SignalSpec};

    /// A one-record EDF+C with the given header fields, for the header tests.
    pub fn edf_plus_header(patient: &str, recording: &str, startdate: &str) -> Vec<u8> {
        let spec = FileSpec {
            bdf: false,
            plus: Some(Plus::Continuous),
            patient: patient.into(),
            recording: recording.into(),
            start: chrono::NaiveDate::from_ymd_opt(2023, 4, 5)
                .and_then(|d| d.and_hms_opt(22, 30, 0))
                .unwrap(),
            start_offset_100ns: 0,
            records: 1,
            record_duration_100ns: 10_000_000,
            record_onsets_100ns: Vec::new(),
            signals: vec![SignalSpec {
                label: "EEG".into(),
                transducer: String::new(),
                unit: "uV".into(),
                physical_min: -100.0,
                physical_max: 100.0,
                digital_min: -32768,
                digital_max: 32767,
                prefilter: String::new(),
                samples_per_record: 4,
            }],
            annotations: Vec::new(),
        };
        let mut bytes = Vec::new();
        writer::write(&mut bytes, &spec, |_, _| {}).unwrap();
        bytes[168..176].copy_from_slice(startdate.as_bytes());
        bytes
    }
}
