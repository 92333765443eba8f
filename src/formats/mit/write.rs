//! The encoder. Entries read from a file carry their modifier words as stored and are written
//! back with them, so reading and writing a file gives its bytes again (the 10-bit forms 1023
//! of SUB -1 and CHN 255 included). Entries made by sigmark (no stored modifiers, or stored
//! ones that no longer match the entry) get WFDB's C `putann` choice: SUB when not 0, CHN and
//! NUM when they change, AUX when present, in that order, negative SUB/NUM in the 10-bit
//! two's-complement form `putann` writes (-1 as 1023).
//!
//! Time differences over 1023 go into SKIPs of at most 2^31 - 1 (as wfdb-python and WFDB write
//! them); a negative one into one SKIP; a code-0 word at difference 0 (which would read as the
//! end of the file) as SKIP -1 and difference 1, as WFDB writes it.

use std::io::Write;
use std::path::Path;

use super::codes::{AUX, CHN, NUM, SKIP, SUB};
use super::{Entry, Error, Modifier};

/// Writes `entries` (in order; samples must not decrease except through the SKIP rule) and
/// the end-of-file word.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 4 + 2);
    let (mut t, mut chan, mut num) = (0i64, 0u8, 0i8);
    for e in entries {
        time_words(&mut out, e.sample - t, e.code);
        t = e.sample;
        let mods = if stored_match(e, chan, num) {
            e.modifiers.clone()
        } else {
            chosen(e, chan, num)
        };
        for m in &mods {
            word(&mut out, m.code, m.data);
            if m.code == AUX {
                let aux = e.aux.as_deref().unwrap_or_default();
                let aux = &aux[..aux.len().min(usize::from(m.data & 0xFF))];
                out.extend_from_slice(aux);
                if aux.len() % 2 == 1 {
                    out.push(0);
                }
            }
        }
        chan = e.chan;
        num = e.num;
    }
    word(&mut out, 0, 0);
    out
}

/// Writes the file `path` (through a temporary file renamed into place).
pub fn write_file(path: &Path, entries: &[Entry]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let mut tmp = tempfile::NamedTempFile::new_in(dir.unwrap_or(Path::new("."))).map_err(io)?;
    tmp.write_all(&encode(entries)).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn word(out: &mut Vec<u8>, code: u8, data: u16) {
    let w = (u16::from(code) << 10) | (data & 0x3FF);
    out.extend_from_slice(&w.to_le_bytes());
}

fn skip(out: &mut Vec<u8>, n: i32) {
    word(out, SKIP, 0);
    let v = n as u32;
    out.extend_from_slice(&((v >> 16) as u16).to_le_bytes());
    out.extend_from_slice(&(v as u16).to_le_bytes());
}

fn time_words(out: &mut Vec<u8>, mut sd: i64, code: u8) {
    if sd < 0 {
        while sd < 0 {
            let n = sd.max(i64::from(i32::MIN));
            skip(out, n as i32);
            sd -= n;
        }
    }
    while sd > 1023 {
        let n = sd.min(i64::from(i32::MAX));
        skip(out, n as i32);
        sd -= n;
    }
    if code == 0 && sd == 0 {
        skip(out, -1);
        sd = 1;
    }
    word(out, code, sd as u16);
}

/// The stored modifiers still describe the entry (nobody changed its values since reading),
/// given the channel and number the entries before it leave (a CHN or NUM that was not stored
/// must be carried over, not needed).
fn stored_match(e: &Entry, prev_chan: u8, prev_num: i8) -> bool {
    // Two AUX words on one entry: only the last text is kept, so the words cannot be replayed.
    let auxes = e.modifiers.iter().filter(|m| m.code == AUX).count();
    if e.modifiers.is_empty() || auxes > 1 {
        return false;
    }
    let (mut sub, mut chan, mut num, mut aux_len) = (0i8, None, None, None);
    for m in &e.modifiers {
        let low = (m.data & 0xFF) as u8;
        match m.code {
            SUB => sub = low as i8,
            CHN => chan = Some(low),
            NUM => num = Some(low as i8),
            _ => aux_len = Some(usize::from(low)),
        }
    }
    sub == e.subtype
        && chan.unwrap_or(prev_chan) == e.chan
        && num.unwrap_or(prev_num) == e.num
        && aux_len == e.aux.as_ref().map(Vec::len)
}

fn chosen(e: &Entry, chan: u8, num: i8) -> Vec<Modifier> {
    let mut m = Vec::new();
    let ten = |v: i8| (i16::from(v) as u16) & 0x3FF;
    if e.subtype != 0 {
        m.push(Modifier {
            code: SUB,
            data: ten(e.subtype),
        });
    }
    if e.chan != chan {
        m.push(Modifier {
            code: CHN,
            data: u16::from(e.chan),
        });
    }
    if e.num != num {
        m.push(Modifier {
            code: NUM,
            data: ten(e.num),
        });
    }
    if let Some(a) = &e.aux {
        m.push(Modifier {
            code: AUX,
            data: a.len().min(255) as u16,
        });
    }
    m
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn made_entries_read_back_equal() {
        let mut a = Entry::new(10, 5);
        a.subtype = -1;
        a.chan = 1;
        let mut b = Entry::new(5_000_000_000, 28);
        b.aux = Some(b"(AFIB\0".to_vec());
        b.num = -3;
        let mut c = Entry::new(5_000_000_000, 0);
        c.chan = 1;
        c.num = -3;
        let bytes = encode(&[a.clone(), b.clone(), c.clone()]);
        let f = parse(Path::new("t"), &bytes).unwrap();
        let got: Vec<_> = f
            .entries
            .iter()
            .map(|e| (e.sample, e.code, e.subtype, e.chan, e.num, e.aux.clone()))
            .collect();
        println!("{got:?}");
        let want: Vec<_> = [a, b, c]
            .iter()
            .map(|e| (e.sample, e.code, e.subtype, e.chan, e.num, e.aux.clone()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn an_entry_with_two_aux_words_keeps_its_last_text() {
        // N at 5, AUX "ab", AUX "c" (found by the proptest in tests/mit_annotations/fuzz.rs).
        let b = [5u8, 4, 2, 0xFC, b'a', b'b', 1, 0xFC, b'c', 0, 0, 0];
        let f = parse(Path::new("t"), &b).unwrap();
        let again = parse(Path::new("t"), &encode(&f.entries)).unwrap();
        println!("{:?}\n{:?}", f.entries, again.entries);
        assert_eq!(f.entries[0].aux.as_deref(), Some(&b"c"[..]));
        assert_eq!(again.entries[0].aux, f.entries[0].aux);
    }

    #[test]
    fn a_channel_set_before_the_first_annotation_is_written_on_it() {
        // CHN 5 with no annotation before it, then N at 1 with AUX "x" (stored), then EOF:
        // the N is on channel 5, which its own stored words do not say (found by the proptest).
        let b = [5u8, 0xF8, 1, 4, 1, 0xFC, b'x', 0, 0, 0];
        let f = parse(Path::new("t"), &b).unwrap();
        let again = parse(Path::new("t"), &encode(&f.entries)).unwrap();
        println!("{:?}\n{:?}", f.entries, again.entries);
        assert_eq!((f.entries[0].chan, f.orphan_modifiers), (5, 1));
        assert_eq!(again.entries[0].chan, 5);
    }
}
