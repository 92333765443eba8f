//! sigmark: the engine of a terminal annotator for physiological signals.
//!
//! Formats, signal model, DSP, annotations, comparison and export never touch a terminal; only
//! `tui` (the viewer) imports ratatui and crossterm, and the `sigmark` binary is a thin layer.

pub mod annotations;
pub mod cli;
pub mod compare;
pub mod deid;
pub mod dsp;
pub mod export;
pub mod formats;
pub mod jobs;
pub mod signal;
pub mod snapshot;
pub mod study;
pub mod synth;
pub mod text;
pub mod tui;

pub use formats::{open, open_with, Error, OpenOptions};
pub use signal::{Annotation, Channel, Format, Recording};
