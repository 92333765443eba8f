//! The decoder: every word of the file in one pass, bounded by the file's size.

use std::path::Path;

use super::codes::{AUX, CHN, MAX_CODE, NOTE, NUM, SKIP, SUB};
use super::{AnnotationFile, Definition, Entry, Error, Modifier, WordCounts};

/// Sample numbers beyond this are refused: 2^40 ticks is 34 years at 1 kHz (`huge.qrs`, WFDB's
/// own test of SKIPs, reaches 10^10). Keeps seconds exact in f64 and sums far from overflow.
pub const MAX_SAMPLE: i64 = 1 << 40;

/// Reads and decodes an annotation file.
pub fn read_file(path: impl AsRef<Path>) -> Result<AnnotationFile, Error> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

struct Decoder<'a> {
    path: &'a Path,
    b: &'a [u8],
    i: usize,
    t: i64,
    chan: u8,
    num: i8,
    file: AnnotationFile,
}

impl Decoder<'_> {
    fn err(&self, offset: usize, detail: String) -> Error {
        Error::Format {
            path: self.path.to_path_buf(),
            offset: offset as u64,
            detail,
        }
    }

    fn word(&self, at: usize) -> Option<u16> {
        let lo = *self.b.get(at)?;
        let hi = *self.b.get(at + 1)?;
        Some(u16::from(lo) | (u16::from(hi) << 8))
    }

    /// SKIP: the interval in the next two words, high word first, signed 32-bit.
    fn skip(&mut self, at: usize) -> Result<(), Error> {
        let (Some(hi), Some(lo)) = (self.word(self.i), self.word(self.i + 2)) else {
            return Err(self.err(
                at,
                format!(
                    "SKIP needs a 4-byte interval after it, but the file ends at byte {}",
                    self.b.len()
                ),
            ));
        };
        self.i += 4;
        let v = ((u32::from(hi) << 16) | u32::from(lo)) as i32;
        let t = self.t + i64::from(v);
        if t.abs() > MAX_SAMPLE {
            return Err(self.err(
                at,
                format!("SKIP of {v} takes the time to sample {t}, beyond any plausible recording (limit 2^40)"),
            ));
        }
        self.t = t;
        self.file.words.skip += 1;
        Ok(())
    }

    fn modifier(&mut self, at: usize, code: u8, data: u16) -> Result<(), Error> {
        let low = (data & 0xFF) as u8;
        let mut aux = None;
        match code {
            NUM => {
                self.num = low as i8;
                self.file.words.num += 1;
            }
            SUB => self.file.words.sub += 1,
            CHN => {
                self.chan = low;
                self.file.words.chn += 1;
            }
            _ => {
                let n = usize::from(low);
                let Some(text) = self.b.get(self.i..self.i + n) else {
                    return Err(self.err(
                        at,
                        format!(
                            "AUX of {n} bytes is unterminated: the file ends at byte {}",
                            self.b.len()
                        ),
                    ));
                };
                aux = Some(text.to_vec());
                self.i += n + (n & 1);
                self.file.words.aux += 1;
            }
        }
        if code != AUX && data > 0xFF {
            self.file.words.ten_bit += 1;
        }
        let Some(e) = self.file.entries.last_mut() else {
            self.file.orphan_modifiers += 1;
            return Ok(());
        };
        match code {
            NUM => e.num = low as i8,
            SUB => e.subtype = low as i8,
            CHN => e.chan = low,
            _ => e.aux = aux,
        }
        e.modifiers.push(Modifier { code, data });
        Ok(())
    }

    fn annotation(&mut self, at: usize, code: u8, data: u16) -> Result<(), Error> {
        if code > MAX_CODE {
            return Err(self.err(at, format!("code {code} is not an annotation code")));
        }
        self.t += i64::from(data);
        if self.t < 0 || self.t > MAX_SAMPLE {
            return Err(self.err(
                at,
                format!(
                    "annotation code {code} at sample {}: expected a sample in 0..=2^40",
                    self.t
                ),
            ));
        }
        self.file.entries.push(Entry {
            sample: self.t,
            code,
            subtype: 0,
            chan: self.chan,
            num: self.num,
            aux: None,
            offset: at as u64,
            modifiers: Vec::new(),
        });
        Ok(())
    }

    fn run(&mut self) -> Result<(), Error> {
        while self.i < self.b.len() {
            let at = self.i;
            let Some(w) = self.word(at) else {
                return Err(self.err(at, "a lone byte at the end: words are 2 bytes".into()));
            };
            self.i += 2;
            let (code, data) = ((w >> 10) as u8, w & 0x3FF);
            match code {
                0 if data == 0 => {
                    self.file.eof = true;
                    self.file.bytes_after_eof = (self.b.len() - self.i) as u64;
                    return Ok(());
                }
                SKIP => self.skip(at)?,
                NUM | SUB | CHN | AUX => self.modifier(at, code, data)?,
                _ => self.annotation(at, code, data)?,
            }
        }
        Ok(())
    }
}

/// Decodes the bytes of an annotation file (`path` names it in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<AnnotationFile, Error> {
    let mut d = Decoder {
        path,
        b: bytes,
        i: 0,
        t: 0,
        chan: 0,
        num: 0,
        file: AnnotationFile {
            path: path.to_path_buf(),
            entries: Vec::new(),
            words: WordCounts::default(),
            eof: false,
            bytes_after_eof: 0,
            orphan_modifiers: 0,
            fs: None,
            definitions: Vec::new(),
        },
    };
    d.run()?;
    let mut file = d.file;
    read_notes(&mut file);
    check_codes(&file)?;
    Ok(file)
}

/// The time resolution and label definitions of the sample-0 NOTEs.
fn read_notes(file: &mut AnnotationFile) {
    let notes: Vec<String> = file
        .entries
        .iter()
        .filter(|e| e.sample == 0 && e.code == NOTE)
        .map(|e| e.aux_latin1())
        .collect();
    let mut in_block = false;
    for n in &notes {
        if let Some(rest) = n.strip_prefix("## time resolution: ") {
            if file.fs.is_none() {
                file.fs = resolution(rest);
            }
        } else if n == "## annotation type definitions" {
            in_block = true;
        } else if n == "## end of definitions" {
            in_block = false;
        } else if let Some(d) = definition(n, in_block) {
            if !file.definitions.iter().any(|x| x.code == d.code) {
                file.definitions.push(d);
            }
        }
    }
}

/// The number at the start of `## time resolution: N` (digits, optionally `.` and digits).
fn resolution(rest: &str) -> Option<f64> {
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end]
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f > 0.0)
}

/// `NN SYMBOL description` (the description up to its first newline, as wfdb-python reads it).
fn definition(note: &str, in_block: bool) -> Option<Definition> {
    let (num, rest) = note.split_once(' ')?;
    let code: u8 = num.parse().ok().filter(|c| (1..=MAX_CODE).contains(c))?;
    let (symbol, description) = rest.split_once(' ')?;
    let description = description.split('\n').next().unwrap_or_default();
    if symbol.is_empty() || symbol.contains(char::is_whitespace) || description.is_empty() {
        return None;
    }
    Some(Definition {
        code,
        symbol: symbol.to_string(),
        description: description.to_string(),
        in_block,
    })
}

/// Refuses annotations with a code that is neither standard nor defined by the file.
fn check_codes(file: &AnnotationFile) -> Result<(), Error> {
    for e in &file.entries {
        if e.code != 0 && file.symbol(e.code).is_none() {
            return Err(Error::Format {
                path: file.path.clone(),
                offset: e.offset,
                detail: format!(
                    "annotation code {} at sample {} is not a standard MIT code and the file \
                     defines no label for it (expected 1..=41 or a code from a sample-0 \
                     definition NOTE)",
                    e.code, e.sample
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[u16]) -> Vec<u8> {
        ws.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn modifiers_apply_to_the_annotation_before_them() {
        // N at 5, SUB 1023 (-1), CHN 1023 (255), NUM 3, then N at 7 (chan and num carry).
        let b = words(&[
            (1 << 10) | 5,
            (61 << 10) | 1023,
            (62 << 10) | 1023,
            (60 << 10) | 3,
            (1 << 10) | 2,
            0,
        ]);
        let f = parse(Path::new("t.atr"), &b).unwrap();
        println!("{:?}", f.entries);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(
            (f.entries[0].subtype, f.entries[0].chan, f.entries[0].num),
            (-1, 255, 3)
        );
        assert_eq!(
            (f.entries[1].sample, f.entries[1].subtype, f.entries[1].chan),
            (7, 0, 255)
        );
        assert_eq!(f.words.ten_bit, 2);
        assert!(f.eof);
    }

    #[test]
    fn truncations_name_their_byte() {
        for (b, want) in [
            (words(&[1 << 10, 59 << 10, 0]), "SKIP needs"),
            (words(&[1 << 10, (63 << 10) | 9, 0x4141]), "unterminated"),
            (vec![0x01, 0x04, 0x00], "lone byte"),
            (words(&[50 << 10 | 1, 0]), "not a standard"),
        ] {
            let e = parse(Path::new("t.atr"), &b).unwrap_err().to_string();
            println!("{e}");
            assert!(e.contains(want) && e.contains("byte"), "{e}");
        }
    }
}
