//! EEGLAB `.set` (MATLAB v7.3) fields. MATLAB stores a char array as a uint16 dataset (one
//! UTF-16 code unit each, mostly compact: inside its object header) and a cell or struct
//! array field as object references into `/#refs#`. Rewritten, at the same number of code
//! units (space-padded):
//! - `EEG.subject` cleared (`X`), and its words scrubbed from every other text;
//! - `EEG.session` cleared when it is text (a session number is kept: it is an ordinal of the
//!   study design, not an identifier);
//! - `EEG.setname`, `EEG.filename`, `EEG.filepath` cleared (they often spell the patient's
//!   name, which nothing else in the file gives), and their words (of each path component,
//!   without its extension) scrubbed from every other text;
//! - `EEG.comments`, `EEG.history`, `EEG.group`, `EEG.condition`, `EEG.datfile`, every char
//!   value under `EEG.etc` (through cells; a field named like `subject` cleared), and every
//!   char value of `EEG.event`, `EEG.urevent`, `EEG.eventdescription` (types, labels, tags)
//!   scrubbed. Event latencies and durations are numbers and are never touched.
//!
//! A MATLAB char matrix of several rows, or a char array stored chunked, is refused when it
//! must change.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use hdf5_reader::{ByteOrder, Dataset, Datatype, Hdf5File};

use super::ohdr::Checked;
use super::slots::{self, Slot};
use super::{Item, Place, Rule};
use crate::deid::DeidError;

const FIELDS: [(&str, Rule); 10] = [
    ("subject", Rule::Id),
    ("session", Rule::Clear),
    ("setname", Rule::Id),
    ("filename", Rule::Id),
    ("filepath", Rule::Id),
    ("comments", Rule::Text),
    ("history", Rule::Text),
    ("group", Rule::Text),
    ("condition", Rule::Text),
    ("datfile", Rule::Text),
];

/// Groups whose char values (at any depth, through cells) are scrubbed.
const TREES: [&str; 4] = ["etc", "event", "urevent", "eventdescription"];

/// References are followed this deep (a cell of structs of cells).
const MAX_DEPTH: usize = 4;

struct Walk<'a> {
    path: &'a Path,
    file: &'a Hdf5File,
    refs: HashMap<u64, (String, Dataset)>,
    out: Vec<Item>,
    /// Reference targets already expanded: each once, so references that point back at
    /// themselves (a damaged or crafted file) cannot multiply the walk.
    expanded: HashSet<u64>,
    /// Groups and values visited, bounded by [`MAX_VISITS`] (hard links can form cycles).
    visits: usize,
}

/// The most groups and values one walk visits before it refuses the file.
const MAX_VISITS: usize = 1_000_000;

/// The EEGLAB fields of `file` to rewrite (none when it has no `/EEG` group).
pub fn items(path: &Path, file: &Hdf5File) -> Result<Vec<Item>, DeidError> {
    if file.group("/EEG").is_err() {
        return Ok(Vec::new());
    }
    let mut w = Walk {
        path,
        file,
        refs: HashMap::new(),
        out: Vec::new(),
        expanded: HashSet::new(),
        visits: 0,
    };
    if let Ok(g) = file.group("/#refs#") {
        let (_, sets) = g
            .members()
            .map_err(|e| w.fail("/#refs#", format!("listing: {e}")))?;
        for d in sets {
            w.refs
                .insert(d.address(), (format!("/#refs#/{}", d.name()), d));
        }
    }
    for (name, rule) in FIELDS {
        let p = format!("/EEG/{name}");
        if let Ok(ds) = file.dataset(&p) {
            w.value(&ds, &p, rule, 0)?;
        }
    }
    for tree in TREES {
        w.tree(&format!("/EEG/{tree}"), 0)?;
    }
    Ok(w.out)
}

impl Walk<'_> {
    fn fail(&self, name: &str, what: String) -> DeidError {
        DeidError::invalid(self.path, format!("{name}: {what}"))
    }

    /// Counts a visit; a file whose walk never ends (hard-link cycles) is refused.
    fn visit(&mut self, p: &str) -> Result<(), DeidError> {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            return Err(self.fail(
                p,
                format!("more than {MAX_VISITS} objects to visit (links in a cycle?)"),
            ));
        }
        Ok(())
    }

    /// Every dataset under `p` (a group or a dataset), scrubbed; `subject` fields cleared.
    fn tree(&mut self, p: &str, depth: usize) -> Result<(), DeidError> {
        self.visit(p)?;
        if let Ok(ds) = self.file.dataset(p) {
            return self.value(&ds, p, rule_of(p), 0);
        }
        let Ok(g) = self.file.group(p) else {
            return Ok(());
        };
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let (groups, sets) = g
            .members()
            .map_err(|e| self.fail(p, format!("listing: {e}")))?;
        for d in sets {
            let q = format!("{p}/{}", d.name());
            self.value(&d, &q, rule_of(&q), 0)?;
        }
        for s in groups {
            self.tree(&format!("{p}/{}", s.name()), depth + 1)?;
        }
        Ok(())
    }

    /// The char values of `ds` (itself, or the targets of its references).
    fn value(&mut self, ds: &Dataset, p: &str, rule: Rule, depth: usize) -> Result<(), DeidError> {
        self.visit(p)?;
        let attrs = ds.attributes();
        let has = |n: &str| attrs.iter().any(|a| a.name == n);
        if has("MATLAB_empty") {
            return Ok(());
        }
        if matches!(ds.dtype(), Datatype::Reference { .. }) {
            return self.references(ds, p, rule, depth);
        }
        let class = attrs
            .iter()
            .find(|a| a.name == "MATLAB_class")
            .and_then(|a| a.read_string().ok());
        if class.as_deref() != Some("char") {
            return Ok(());
        }
        let Datatype::FixedPoint {
            size: 2,
            signed: false,
            byte_order: ByteOrder::LittleEndian,
        } = ds.dtype()
        else {
            return Err(self.fail(
                p,
                format!(
                    "a char array of type {:?}, expected little-endian uint16",
                    ds.dtype()
                ),
            ));
        };
        let raw = ds
            .read_raw_bytes()
            .map_err(|e| self.fail(p, format!("reading: {e}")))?;
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let rows = ds.shape().iter().filter(|&&n| n > 1).count();
        self.out.push(Item {
            name: p.to_string(),
            rule,
            old: vec![String::from_utf16_lossy(&units)],
            place: Place::Chars {
                addr: ds.address(),
                units: units.len(),
                matrix: rows > 1,
            },
        });
        Ok(())
    }

    fn references(
        &mut self,
        ds: &Dataset,
        p: &str,
        rule: Rule,
        depth: usize,
    ) -> Result<(), DeidError> {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let raw = ds
            .read_raw_bytes()
            .map_err(|e| self.fail(p, format!("reading its references: {e}")))?;
        let addrs = hdf5_reader::reference::read_object_references(
            &raw,
            self.file.superblock().offset_size,
        )
        .map_err(|e| self.fail(p, format!("decoding its references: {e}")))?;
        for (k, a) in addrs.iter().enumerate() {
            if !self.expanded.insert(*a) {
                continue;
            }
            let Some((_, target)) = self.refs.get(a).cloned() else {
                continue;
            };
            self.value(&target, &format!("{p}{{{}}}", k + 1), rule, depth + 1)?;
        }
        Ok(())
    }
}

fn rule_of(p: &str) -> Rule {
    let last = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
    if last.contains("subject") || last.contains("patient") {
        Rule::Id
    } else {
        Rule::Text
    }
}

/// The slot of a char array of `units` code units whose object header is at `addr`.
pub fn locate(
    path: &Path,
    file: &Hdf5File,
    addr: u64,
    units: usize,
    matrix: bool,
    name: &str,
) -> Result<(Vec<Slot>, Vec<Checked>), DeidError> {
    let fail = |w: String| DeidError::invalid(path, format!("{name}: {w}"));
    if matrix {
        return Err(fail(
            "a MATLAB char matrix of several rows; not rewritten in place".into(),
        ));
    }
    let d = slots::data(file, addr).map_err(fail)?;
    if d.size != units * 2 {
        return Err(fail(format!(
            "its data hold {} bytes for {units} code units",
            d.size
        )));
    }
    Ok((
        vec![Slot::Utf16 {
            offset: d.offset,
            units,
        }],
        d.checked,
    ))
}
