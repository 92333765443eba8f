//! Annotations: the event model, label taxonomies (keymaps/ecg.toml, eeg.toml, rpm.toml) and
//! the per-reader store (events table, provenance sidecar, journal, lock). No terminal here.

pub mod atomic;
pub mod event;
pub mod journal;
pub mod reader;
pub mod store;
pub mod table;
pub mod taxonomy;
pub mod tmpfiles;

pub use event::{Certainty, Event};
pub use store::{Paths, Provenance, Recovery, Store, StoreError};
pub use taxonomy::{LabelDef, LabelKind, Taxonomy, TaxonomyError};
