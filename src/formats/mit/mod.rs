//! MIT-format annotation files (WFDB `annot(5)`: `.atr`, `.qrs`, `.ecg`, `.wabp`, any
//! annotator name): reading every word type as stored, turning the entries into sigmark's
//! annotations, and writing them back.
//!
//! A file is a sequence of 16-bit little-endian words, 6 bits of code above 10 bits of data:
//! an annotation code (1..=58) with its time difference; `SKIP` (59) followed by a 32-bit
//! interval in PDP-11 order (high 16-bit word first); `NUM`, `SUB`, `CHN` (60..=62) whose low
//! 8 bits modify the annotation before them (signed for NUM and SUB, unsigned for CHN); `AUX`
//! (63) whose data is the length of the text that follows (padded to an even length); the word
//! 0 ends the file. NOTEs at sample 0 carry the `## time resolution: N` note and label
//! definitions (`NN SYMBOL description`, inside `## annotation type definitions` ... `## end of
//! definitions` or bare, as WFDB's C library also accepts them).
//!
//! The reader keeps every entry, also those wfdb-python's `rdann` drops (code-0 words and
//! NOTEs at sample 0), and every modifier word as stored, so the writer can reproduce a file
//! byte for byte.

pub mod codes;
mod convert;
mod read;
mod write;

use std::path::PathBuf;

pub use convert::{from_events, record_frequency, to_annotations, EventSpec};
pub use read::{parse, read_file};
pub use write::{encode, write_file};

/// One annotation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// In ticks of the file's time base (the resolution note, else the record's frame rate).
    pub sample: i64,
    pub code: u8,
    pub subtype: i8,
    pub chan: u8,
    pub num: i8,
    /// AUX bytes exactly as stored (MIT-BIH rhythm strings keep their trailing NUL).
    pub aux: Option<Vec<u8>>,
    /// Byte offset of the annotation word (0 for entries made by sigmark).
    pub offset: u64,
    /// The modifier words that followed, in file order, with their 10-bit data as stored
    /// (empty for entries made by sigmark: the writer then chooses, see `write`).
    pub modifiers: Vec<Modifier>,
}

impl Entry {
    /// An annotation with no modifiers, channel 0, number 0.
    pub fn new(sample: i64, code: u8) -> Entry {
        Entry {
            sample,
            code,
            subtype: 0,
            chan: 0,
            num: 0,
            aux: None,
            offset: 0,
            modifiers: Vec::new(),
        }
    }

    /// The AUX text as wfdb-python returns it: every byte as one Latin-1 character.
    pub fn aux_latin1(&self) -> String {
        self.aux
            .as_deref()
            .map_or_else(String::new, |a| a.iter().map(|&b| char::from(b)).collect())
    }

    /// The AUX text for display: UTF-8 where it is, else Latin-1; trailing NULs removed.
    pub fn aux_text(&self) -> String {
        let bytes = self.aux.as_deref().unwrap_or_default();
        let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |k| k + 1);
        match std::str::from_utf8(&bytes[..end]) {
            Ok(s) => s.to_string(),
            Err(_) => bytes[..end].iter().map(|&b| char::from(b)).collect(),
        }
    }
}

/// A modifier word as stored: its code (NUM, SUB, CHN or AUX) and 10-bit data field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modifier {
    pub code: u8,
    pub data: u16,
}

/// A label the file defines in a sample-0 NOTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub code: u8,
    pub symbol: String,
    pub description: String,
    /// Inside the `## annotation type definitions` block (the only ones wfdb-python reads).
    pub in_block: bool,
}

/// Counts of the words that are not annotations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordCounts {
    pub skip: usize,
    pub num: usize,
    pub sub: usize,
    pub chn: usize,
    pub aux: usize,
    /// NUM, SUB or CHN words whose data uses more than the low 8 bits (1023 for -1 or 255).
    pub ten_bit: usize,
}

/// A whole annotation file.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationFile {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
    pub words: WordCounts,
    /// The file ends with the word 0 (else it simply stops at a word boundary).
    pub eof: bool,
    pub bytes_after_eof: u64,
    /// Modifier words before the first annotation (applied to nothing).
    pub orphan_modifiers: usize,
    /// The `## time resolution: N` note: the ticks per second of the sample numbers.
    pub fs: Option<f64>,
    pub definitions: Vec<Definition>,
}

impl AnnotationFile {
    /// The symbol of `code`: a definition in the file, else the standard table.
    pub fn symbol(&self, code: u8) -> Option<&str> {
        self.definitions
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.symbol.as_str())
            .or_else(|| codes::symbol(code))
    }

    /// The symbol wfdb-python gives `code` (definitions inside the block only).
    pub fn wfdb_symbol(&self, code: u8) -> Option<&str> {
        self.definitions
            .iter()
            .find(|d| d.code == code && d.in_block)
            .map(|d| d.symbol.as_str())
            .or_else(|| codes::symbol(code))
    }

    /// The entries wfdb-python's `rdann` returns: without code-0 words and sample-0 NOTEs.
    pub fn wfdb_entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| !(e.code == 0 || (e.sample == 0 && e.code == codes::NOTE)))
    }
}

/// What can go wrong reading an annotation file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: MIT annotation file, byte {offset}: {detail}", path.display())]
    Format {
        path: PathBuf,
        offset: u64,
        detail: String,
    },
}

impl From<Error> for crate::signal::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io { path, source } => crate::signal::Error::Io { path, source },
            Error::Format {
                path,
                offset,
                detail,
            } => crate::signal::Error::HeaderField {
                path,
                field: "annotation word".into(),
                offset,
                expected: "a valid MIT annotation word".into(),
                found: detail,
            },
        }
    }
}
