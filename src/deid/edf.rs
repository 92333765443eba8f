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
use std::io::Write;
use std::path::{Path, PathBuf};

use memmap2::{Mmap, MmapOptions};
use sha2::{Digest, Sha256};

use super::scrub::Scrubber;
use super::{DeidError, FileReport, Outcome, Plan};
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
    let edit = fields::rewrite(&h, plan).map_err(|e| DeidError::invalid(src, e))?;
    let scrubber = Scrubber::new(edit.ids.clone(), plan.shift);
    let mut report = FileReport {
        source: src.to_path_buf(),
        output: out.to_path_buf(),
        fields_cleared: edit.fields_cleared,
        changes: edit.changes.clone(),
        ..FileReport::default()
    };
    let copy = Copy {
        src,
        map: &map,
        h: &h,
        slots: slots(&h),
        scrubber: &scrubber,
    };
    let (stats, sha256) = if plan.dry_run {
        (copy.scan()?, None)
    } else {
        check_output(src, out)?;
        let (stats, sha) = copy.write(out, &header_bytes(&map, &h, &edit))?;
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
        (Some(dir), Some(name)) => dir_of(dir).canonicalize().ok().map(|d| d.join(name)),
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

fn dir_of(dir: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    }
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
struct Copy<'a> {
    src: &'a Path,
    map: &'a Mmap,
    h: &'a Header,
    slots: Vec<(usize, usize)>,
    scrubber: &'a Scrubber,
}

impl Copy<'_> {
    fn records_per_chunk(&self) -> u64 {
        (CHUNK_BYTES / self.h.record_bytes.max(1)).max(1)
    }

    /// Scrubs the annotation signals of the records in `buf`, the first being `first`.
    fn scrub(&self, buf: &mut [u8], first: u64, stats: &mut SlotStats) -> Result<(), DeidError> {
        if self.slots.is_empty() {
            return Ok(());
        }
        let rb = self.h.record_bytes as usize;
        for (k, rec) in buf.chunks_exact_mut(rb).enumerate() {
            for (i, &(off, len)) in self.slots.iter().enumerate() {
                let st = tal::scrub_slot(&mut rec[off..off + len], i == 0, self.scrubber)
                    .map_err(|e| {
                        let r = first + k as u64;
                        let at = self.h.header_bytes + r * self.h.record_bytes + (off + e.offset) as u64;
                        DeidError::invalid(
                            self.src,
                            format!("data record {r}, byte {at}: annotation list not readable, so it cannot be scrubbed: {}", e.detail),
                        )
                    })?;
                stats.add(st);
            }
        }
        Ok(())
    }

    /// The byte range of records `first..first + n` in the source.
    fn range(&self, first: u64, n: u64) -> std::ops::Range<usize> {
        let a = self.h.header_bytes + first * self.h.record_bytes;
        a as usize..(a + n * self.h.record_bytes) as usize
    }

    /// A dry run: the annotation texts scrubbed in a scratch buffer, nothing written.
    fn scan(&self) -> Result<SlotStats, DeidError> {
        let mut stats = SlotStats::default();
        let step = self.records_per_chunk();
        let mut buf = Vec::new();
        let mut first = 0;
        while first < self.h.records && !self.slots.is_empty() {
            let n = step.min(self.h.records - first);
            buf.clear();
            buf.extend_from_slice(&self.map[self.range(first, n)]);
            self.scrub(&mut buf, first, &mut stats)?;
            first += n;
        }
        Ok(stats)
    }

    /// Writes header and records to a temporary file beside `out`, hashing what is written,
    /// then syncs it and renames it to `out` (refusing to replace a file that appeared since).
    fn write(&self, out: &Path, header: &[u8]) -> Result<(SlotStats, String), DeidError> {
        let dir = dir_of(out.parent().unwrap_or(Path::new(".")));
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| DeidError::io(&dir, e))?;
        let mut sha = Sha256::new();
        let mut put = |bytes: &[u8], f: &mut File| {
            sha.update(bytes);
            f.write_all(bytes).map_err(|e| DeidError::io(out, e))
        };
        put(header, tmp.as_file_mut())?;
        let mut stats = SlotStats::default();
        let step = self.records_per_chunk();
        let mut buf = Vec::new();
        let mut first = 0;
        while first < self.h.records {
            let n = step.min(self.h.records - first);
            buf.clear();
            buf.extend_from_slice(&self.map[self.range(first, n)]);
            self.scrub(&mut buf, first, &mut stats)?;
            put(&buf, tmp.as_file_mut())?;
            first += n;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| DeidError::io(out, e))?;
        tmp.persist_noclobber(out)
            .map_err(|e| DeidError::io(out, e.error))?;
        Ok((stats, format!("{:x}", sha.finalize())))
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
