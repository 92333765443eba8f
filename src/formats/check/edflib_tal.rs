//! The TAL checks EDFlib 1.17 makes when it opens an EDF+/BDF+ file (`edflib_get_annotations`
//! with READ_ALL_ANNOTATIONS, as pyedflib calls it): every record's annotation signals must end
//! in a NUL, the first TAL of the first annotation signal must keep the record's time (the first
//! below 1 s, each next exactly one record duration later in EDF+C), and every TAL must be
//! well formed. Reimplemented from that behaviour; the error numbers are EDFlib's.

use super::edflib::{long_time, Hdr};

/// `Err(description)` for the first TAL EDFlib refuses.
pub fn annotations(h: &Hdr, all: &[u8]) -> Result<(), String> {
    let mut elapsed = 0i64;
    for rec in 0..usize::try_from(h.records).unwrap_or(0) {
        let start = h.header_len + rec * h.record_size;
        let Some(record) = all.get(start..start + h.record_size) else {
            return Err(format!(
                "record {} cannot be read (file read error)",
                rec + 1
            ));
        };
        for (r, &(off, len)) in h.annot.iter().enumerate() {
            let sig = &record[off..off + len];
            let at = |e: u32| {
                format!(
                    "record {}, annotation signal {}: EDFlib error {e}",
                    rec + 1,
                    r + 1
                )
            };
            if sig.last() != Some(&0) {
                return Err(at(5) + " (the signal does not end with a NUL byte)");
            }
            if r == 0 {
                elapsed =
                    timekeeping(sig, rec, elapsed, h).map_err(|e| at(e) + " (time-keeping TAL)")?;
            }
            tals(sig).map_err(|e| at(e) + " (malformed TAL)")?;
        }
    }
    Ok(())
}

fn timekeeping(sig: &[u8], rec: usize, elapsed: i64, h: &Hdr) -> Result<i64, u32> {
    let end = sig.len().saturating_sub(2);
    let Some(k) = sig[..end].iter().position(|&c| c == 20) else {
        return Err(1);
    };
    if sig[k + 1] != 20 {
        return Err(6);
    }
    let onset = c_str(&sig[..k]);
    if !is_onset(onset) {
        return Err(36);
    }
    let t = long_time(&String::from_utf8_lossy(onset));
    if rec > 0 {
        let step = t.wrapping_sub(elapsed);
        if (h.discontinuous && step < h.duration_100ns)
            || (!h.discontinuous && step != h.duration_100ns)
        {
            return Err(if h.discontinuous { 4 } else { 3 });
        }
    } else if t >= 10_000_000 {
        return Err(2);
    }
    Ok(t)
}

/// The bytes up to the first NUL (EDFlib's strings are NUL-terminated).
fn c_str(b: &[u8]) -> &[u8] {
    b.iter().position(|&c| c == 0).map_or(b, |z| &b[..z])
}

#[derive(Default)]
struct Tal {
    n: usize,
    onset: bool,
    duration: bool,
    duration_start: bool,
    annots: usize,
}

fn tals(sig: &[u8]) -> Result<(), u32> {
    let mut t = Tal::default();
    let mut zero = 0;
    let mut scratch: Vec<u8> = Vec::new();
    for (k, &c) in sig.iter().enumerate() {
        if c == 0 {
            if zero == 0 {
                if k > 0 && sig[k - 1] != 20 {
                    return Err(33);
                }
                t = Tal::default();
                scratch.clear();
            }
            zero += 1;
            continue;
        }
        if zero > 1 {
            return Err(34);
        }
        zero = 0;
        scratch.truncate(t.n);
        if c == 20 || c == 21 {
            if c == 21 {
                if t.duration || t.duration_start || t.onset || t.annots > 0 {
                    return Err(35);
                }
                t.duration_start = true;
            }
            if c == 20 && t.onset && !t.duration_start {
                t.annots += 1;
                t.n = 0;
                continue;
            }
            if !t.onset {
                if !is_onset(&scratch[..t.n]) {
                    return Err(36);
                }
                t.onset = true;
                t.n = 0;
                continue;
            }
            if t.duration_start {
                if !is_duration(&scratch[..t.n]) {
                    return Err(37);
                }
                t.duration = true;
                t.duration_start = false;
                t.n = 0;
                continue;
            }
        }
        scratch.push(c);
        t.n += 1;
    }
    Ok(())
}

/// EDFlib's `edflib_is_onset_number`: `+` or `-`, digits with at most one inner dot.
fn is_onset(s: &[u8]) -> bool {
    s.len() >= 2 && matches!(s[0], b'+' | b'-') && s[1] != b'.' && is_duration(&s[1..])
}

/// EDFlib's `edflib_is_duration_number`: digits with at most one dot, not first or last.
fn is_duration(s: &[u8]) -> bool {
    !s.is_empty()
        && s[0] != b'.'
        && s[s.len() - 1] != b'.'
        && s.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && s.iter().filter(|&&c| c == b'.').count() <= 1
}
