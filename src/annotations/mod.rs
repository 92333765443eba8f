//! Annotations: the event model, label taxonomies (keymaps/ecg.toml, eeg.toml, rpm.toml) and
//! the per-reader store (events table, provenance sidecar, journal, lock). No terminal here.

pub mod config;
pub mod event;
pub mod reader;
pub mod store;
pub mod taxonomy;
pub mod tmpfiles;

// The store's codecs keep their old paths (`annotations::table`, ...) for the callers.
pub use store::{atomic, journal, table};

pub use event::{Certainty, Event, Source};
pub use store::{Paths, Provenance, Recovery, Store, StoreError};
pub use taxonomy::{LabelDef, LabelKind, Taxonomy, TaxonomyError};
