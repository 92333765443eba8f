//! sigmark: the engine of a terminal annotator for physiological signals.
//!
//! The library never touches a terminal: formats, signal model, DSP, annotations, comparison
//! and export live here; the `sigmark` binary is a thin layer over it.

pub mod cli;
pub mod dsp;
pub mod formats;
pub mod signal;
pub mod synth;
pub mod text;

pub use formats::{open, open_with, Error, OpenOptions};
pub use signal::{Annotation, Channel, Format, Recording};
