//! One reader's events for one recording, kept so that nothing marked is ever lost:
//!
//! - every edit is appended to `REC.READER.journal.jsonl` and flushed to disk (fsync) before
//!   the caller shows it as done; a failed append is cut back to the last whole line, and a
//!   damaged journal is kept whole as a dated backup before its intact lines are rewritten
//!   (`journal.rs`), so the audit trail is never lost and never joined;
//! - `REC.READER.events.tsv` is rewritten atomically (temporary file, fsync, rename, fsync of
//!   the directory) on save; `REC.READER.events.json` records provenance and the last journal
//!   entry the table includes, so on open every later entry is replayed (replay sets each
//!   event to its state after the entry, so replaying an entry twice changes nothing);
//! - `REC.READER.lock` keeps a second process from writing the same files;
//! - a table that cannot be read is reported with its line and never overwritten.

use std::path::Path;

use super::event::{now, Event};

pub mod atomic;
mod edits;
mod error;
mod events;
#[cfg(test)]
pub(crate) mod full_disk;
pub mod journal;
mod lock;
mod paths;
mod sidecar;
pub mod table;

use edits::Edit;
use error::io;
pub use error::StoreError;
use events::Events;
use journal::Appender;
pub use journal::{Action, Damage, JournalEntry, Recovery};
pub use lock::Lock;
pub use paths::{check_reader, sidecar_of, Paths, SIDECAR_SUFFIX, TABLE_SUFFIX};
pub use sidecar::{Provenance, Sidecar};

/// The events of one reader, in onset order, with undo and redo.
#[derive(Debug)]
pub struct Store {
    pub paths: Paths,
    pub reader: String,
    /// Who the journal attributes edits to: the reader, or the adjudicator for the consensus.
    pub author: String,
    pub provenance: Provenance,
    events: Events,
    /// Each entry is one undo step: one edit, or a group (a batch import) undone at once.
    undo: Vec<Vec<Edit>>,
    redo: Vec<Vec<Edit>>,
    journal: Appender,
    seq: u64,
    saved_seq: u64,
    _lock: Lock,
}

/// The "reader" name of the adjudicated consensus file (`REC.consensus.events.tsv`).
pub const CONSENSUS: &str = "consensus";

pub use atomic::{write_atomic, AtomicFile};
pub use table::{escape, read_table, table_text, table_text_with, unescape, COLUMNS};

impl Store {
    /// Opens (or starts) `reader`'s events: takes the lock, reads the table and the sidecar,
    /// replays the journal entries made after the last save.
    pub fn open(
        paths: Paths,
        reader: &str,
        provenance: Provenance,
    ) -> Result<(Store, Recovery), StoreError> {
        check_reader(reader)?;
        if let Some(dir) = paths.events.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let (lock, stale_lock) = Lock::acquire(&paths.lock, reader)?;
        let mut events = Events::new(if paths.events.is_file() {
            read_table(&paths.events)?
        } else {
            Vec::new()
        });
        let saved_seq = sidecar::saved_seq(&paths.sidecar)?;
        let mut recovery = Recovery {
            stale_lock,
            ..Recovery::default()
        };
        let saved_seq = if saved_seq > journal::MAX_SEQ {
            recovery.impossible_saved_seq = Some(saved_seq);
            0
        } else {
            saved_seq
        };
        let seq = replay(&paths.journal, saved_seq, &mut events, &mut recovery)?;
        super::tmpfiles::remove_stale_near(&paths.journal);
        let journal = Appender::open(&paths.journal)?;
        let store = Store {
            paths,
            reader: reader.to_string(),
            author: reader.to_string(),
            provenance,
            events,
            undo: Vec::new(),
            redo: Vec::new(),
            journal,
            seq,
            saved_seq,
            _lock: lock,
        };
        Ok((store, recovery))
    }

    /// Events in onset order.
    pub fn events(&self) -> &[Event] {
        self.events.as_slice()
    }

    pub fn get(&self, id: &str) -> Option<&Event> {
        self.events.get(id)
    }

    /// A number that changes with every edit (the journal's sequence number).
    pub fn revision(&self) -> u64 {
        self.seq
    }

    pub fn is_dirty(&self) -> bool {
        self.seq > self.saved_seq
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Index of the first event whose onset is at or after `t`.
    pub fn first_at_or_after(&self, t: f64) -> usize {
        self.events.as_slice().partition_point(|e| e.onset < t)
    }

    /// Appends one entry to the journal and makes it durable.
    fn journal(
        &mut self,
        action: Action,
        id: &str,
        before: Option<Event>,
        after: Option<Event>,
    ) -> Result<(), StoreError> {
        // Never wraps: a wrapped number would sort before the save and not be replayed.
        let seq = self
            .seq
            .checked_add(1)
            .filter(|s| *s <= journal::MAX_SEQ)
            .ok_or_else(|| StoreError::Parse {
                path: self.paths.journal.clone(),
                line: 0,
                detail: format!(
                    "the journal's sequence number is at its limit {}; save, then move the journal aside",
                    journal::MAX_SEQ
                ),
            })?;
        let entry = JournalEntry {
            seq,
            time: now(),
            reader: self.author.clone(),
            action,
            id: id.to_string(),
            before,
            after,
            keymap: known(&self.provenance.keymap),
            keymap_version: known(&self.provenance.keymap_version),
            recording_sha256: self.provenance.sha256.clone(),
        };
        let mut line = serde_json::to_string(&entry).map_err(|e| StoreError::Parse {
            path: self.paths.journal.clone(),
            line: 0,
            detail: e.to_string(),
        })?;
        line.push('\n');
        self.journal.append(line.as_bytes())?;
        self.seq = entry.seq;
        Ok(())
    }

    /// Why the last journal append failed, until one succeeds again (the edit it carried was
    /// not made).
    pub fn append_failure(&self) -> Option<&str> {
        self.journal.failure()
    }

    /// Rewrites the table and the sidecar atomically (table first: a crash between the two
    /// leaves an older `journal_seq`, and replaying entries already in the table is harmless).
    pub fn save(&mut self) -> Result<(), StoreError> {
        let consensus = self.reader == CONSENSUS;
        write_atomic(
            &self.paths.events,
            table_text_with(self.events.as_slice(), consensus).as_bytes(),
        )?;
        let side = Sidecar::new(&self.provenance, &self.reader, self.seq, self.events.len());
        side.write(&self.paths.sidecar)?;
        self.saved_seq = self.seq;
        Ok(())
    }
}

/// A provenance text as a journal field: `None` when not known (empty).
fn known(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Replays the journal's entries made after `saved_seq` onto `events`, repairing a damaged
/// journal (backup kept); returns the last sequence number used.
fn replay(
    path: &Path,
    saved_seq: u64,
    events: &mut Events,
    recovery: &mut Recovery,
) -> Result<u64, StoreError> {
    let found = journal::read(path)?;
    let mut seq = saved_seq;
    for entry in &found.entries {
        seq = seq.max(entry.seq);
        if entry.seq > saved_seq {
            events.set(&entry.id, entry.after.clone());
            recovery.replayed += 1;
        }
    }
    recovery.torn_line = found.torn_line;
    recovery.backup = journal::repair(path, &found)?;
    recovery.damaged = found.damaged;
    Ok(seq)
}

/// Reads another reader's table for display (read-only, no lock).
pub fn read_other(
    recording: &Path,
    reader: &str,
    dir: Option<&Path>,
) -> Result<Vec<Event>, StoreError> {
    let p = Paths::new(recording, reader, dir);
    Ok(Events::new(read_table(&p.events)?).into_vec())
}

#[cfg(test)]
mod tests {
    use super::super::event::Certainty;
    use super::lock::hostname;
    use super::*;

    fn ev(onset: f64, label: &str) -> Event {
        Event {
            onset,
            duration: 0.0,
            label: label.into(),
            channel: String::new(),
            certainty: Certainty::Definite,
            note: String::new(),
            reader: "alice".into(),
            id: super::super::event::new_id(),
            created: now(),
            modified: now(),
            ..Default::default()
        }
    }

    fn open(dir: &Path) -> (Store, Recovery) {
        Store::open(
            Paths::new(&dir.join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap()
    }

    #[test]
    fn edits_undo_redo_and_round_trip() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, rec) = open(d.path());
        assert_eq!(rec, Recovery::default());
        let a = ev(2.5, "PVC");
        let mut b = ev(1.25, "AF");
        b.duration = 30.0;
        b.note = "tab\there\nline \\ two".into();
        s.add(a.clone()).unwrap();
        s.add(b.clone()).unwrap();
        assert_eq!(
            s.events().iter().map(|e| e.onset).collect::<Vec<_>>(),
            vec![1.25, 2.5]
        );
        let mut a2 = a.clone();
        a2.onset = 3.0;
        assert!(s.change(a2).unwrap());
        assert_eq!(s.events()[1].onset, 3.0);
        s.undo().unwrap();
        assert_eq!(s.events()[1].onset, 2.5);
        s.redo().unwrap();
        assert_eq!(s.events()[1].onset, 3.0);
        s.delete(&b.id).unwrap();
        s.undo().unwrap();
        assert_eq!(s.events().len(), 2);
        s.save().unwrap();
        let table = read_table(&s.paths.events).unwrap();
        assert_eq!(table, s.events());
        assert_eq!(table[0].note, b.note);
        drop(s);
        let (s, rec) = open(d.path());
        assert_eq!(rec.replayed, 0);
        assert_eq!(s.events(), table.as_slice());
    }

    /// `get` (hash + binary search) agrees with a scan, for every id present and gone.
    fn check_get(s: &Store, gone: &[&str]) {
        for e in s.events() {
            assert_eq!(s.get(&e.id), Some(e), "get({})", e.id);
        }
        for id in gone {
            let scan = s.events().iter().find(|e| e.id == *id);
            assert_eq!(
                s.get(id),
                scan,
                "get({id}) of an id not in {:?}",
                s.events()
            );
        }
    }

    #[test]
    fn get_finds_by_id_after_add_delete_undo_and_change() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, _) = open(d.path());
        let (a, b, c) = (ev(5.0, "PVC"), ev(5.0, "PAC"), ev(1.0, "AF"));
        for e in [&a, &b, &c] {
            s.add(e.clone()).unwrap();
        }
        check_get(&s, &["nope"]);
        s.delete(&b.id).unwrap();
        check_get(&s, &[&b.id]);
        s.undo().unwrap();
        check_get(&s, &[]);
        assert!(s.get(&b.id).is_some());
        let mut moved = a.clone();
        moved.onset = 0.5; // replaces a at a new place in the order
        s.change(moved).unwrap();
        check_get(&s, &[]);
        assert_eq!(s.get(&a.id).map(|e| e.onset), Some(0.5));
        s.undo().unwrap();
        assert_eq!(s.get(&a.id).map(|e| e.onset), Some(5.0));
        s.redo().unwrap();
        s.delete(&c.id).unwrap();
        check_get(&s, &[&c.id]);
        let seen: Vec<f64> = s.events().iter().map(|e| e.onset).collect();
        println!("after the edits: {seen:?}");
        std::mem::forget(s); // unsaved: the journal replays on open
        std::fs::remove_file(d.path().join("rec.alice.lock")).unwrap();
        let (s, rec) = open(d.path());
        assert!(rec.replayed > 0);
        check_get(&s, &[&c.id]);
        assert_eq!(s.get(&a.id).map(|e| e.onset), Some(0.5));
    }

    #[test]
    fn each_journal_entry_carries_the_keymap_and_the_recording_hash_known_then() {
        let d = tempfile::tempdir().unwrap();
        let prov = Provenance {
            keymap: "ecg".into(),
            keymap_version: "3".into(),
            ..Provenance::default()
        };
        let paths = Paths::new(&d.path().join("rec.edf"), "alice", None);
        let (mut s, _) = Store::open(paths, "alice", prov).unwrap();
        s.add(ev(1.0, "PVC")).unwrap();
        s.provenance.sha256 = Some("ab".repeat(32));
        s.add(ev(2.0, "PAC")).unwrap();
        let got = journal::read(&s.paths.journal).unwrap().entries;
        for e in &got {
            println!(
                "{} {:?} {:?} {:?}",
                e.seq, e.keymap, e.keymap_version, e.recording_sha256
            );
        }
        assert_eq!(got[0].keymap.as_deref(), Some("ecg"));
        assert_eq!(got[0].keymap_version.as_deref(), Some("3"));
        assert_eq!(got[0].recording_sha256, None, "not hashed yet");
        assert_eq!(got[1].recording_sha256, Some("ab".repeat(32)));
    }

    #[test]
    fn unsaved_edits_come_back_from_the_journal() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, _) = open(d.path());
        s.add(ev(1.0, "PVC")).unwrap();
        s.save().unwrap();
        s.add(ev(2.0, "PAC")).unwrap();
        let gone = s.events()[0].id.clone();
        s.delete(&gone).unwrap();
        let expect = s.events().to_vec();
        std::mem::forget(s); // a crash: no save, no unlock
        std::fs::remove_file(d.path().join("rec.alice.lock")).unwrap();
        let (s, rec) = open(d.path());
        assert_eq!(rec.replayed, 2);
        assert_eq!(s.events(), expect.as_slice());
    }

    #[test]
    fn a_torn_last_journal_line_is_ignored_and_damage_elsewhere_is_recovered() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, _) = open(d.path());
        s.add(ev(1.0, "PVC")).unwrap();
        let journal = s.paths.journal.clone();
        drop(s);
        let mut text = std::fs::read_to_string(&journal).unwrap();
        text.push_str("{\"seq\":2,\"ti");
        std::fs::write(&journal, &text).unwrap();
        let (s, rec) = open(d.path());
        assert!(rec.torn_line && rec.replayed == 1, "{rec:?}");
        drop(s);
        std::fs::write(&journal, format!("garbage\n{text}\n")).unwrap();
        let (s, rec) = open(d.path());
        println!("{:?}", rec.message());
        assert_eq!(rec.damaged.len(), 2, "{rec:?}"); // line 1 and the torn line 3, now whole
        assert_eq!(rec.damaged[0].line, 1);
        assert_eq!(s.events().len(), 1);
    }

    #[test]
    fn a_bad_table_names_its_line_and_is_not_overwritten() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("rec.alice.events.tsv");
        let text = "onset\tduration\tlabel\n1\t0\tPVC\nsoon\t0\tPAC\n";
        std::fs::write(&p, text).unwrap();
        let e = Store::open(
            Paths::new(&d.path().join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("events.tsv:3:") && e.to_string().contains("soon"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
        assert!(
            !d.path().join("rec.alice.lock").exists(),
            "the lock is released"
        );
    }

    #[test]
    fn the_lock_names_its_holder_and_a_dead_holder_is_taken_over() {
        let d = tempfile::tempdir().unwrap();
        let (s, _) = open(d.path());
        let e = Store::open(
            Paths::new(&d.path().join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("process {}", std::process::id())) && msg.contains(&hostname()),
            "{msg}"
        );
        drop(s);
        // A lock from a process that no longer exists.
        std::fs::write(
            d.path().join("rec.alice.lock"),
            format!("4000000\n{}\nyesterday\n", hostname()),
        )
        .unwrap();
        let (_s, rec) = open(d.path());
        assert!(rec.stale_lock.unwrap().contains("4000000"));
    }

    #[test]
    fn reader_names_must_be_safe_in_file_names() {
        for bad in ["", "../x", "a b", ".hidden", "x/y", "é"] {
            assert!(check_reader(bad).is_err(), "{bad}");
        }
        check_reader("dr.smith_2-a").unwrap();
    }
}
