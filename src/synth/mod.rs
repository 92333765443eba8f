//! Deterministic synthetic demo recordings for `sigmark synth`, each with the ground truth of
//! what was generated.
//!
//! - `demo_ecg.edf`: 10 min, 4-lead ECG, EDF+C (ectopic beats, atrial fibrillation, a pause).
//! - `demo_eeg.bdf`: 3 min, 19-channel 10-20 EEG, BDF+C (blinks, muscle, an evolving seizure).
//! - `demo_monitoring.h5`: 15 min of SpO2, heart rate, respiration and accelerometry, HDF5
//!   (apneas with desaturations).
//!
//! Each comes with `NAME.truth.events.tsv`. Every random number comes from the crate's own
//! SplitMix64 with fixed seeds, so the same build writes the same bytes on every run; the
//! committed copies under `recordings/` are checked against a fresh run by `tests/synth.rs`.

pub mod ecg;
mod edf_out;
pub mod eeg;
pub mod events;
pub mod monitoring;
pub mod noise;
pub mod rng;

use std::io;

use events::TruthEvent;

/// A generated recording and the events it contains.
pub struct Demo {
    pub recording: Vec<u8>,
    pub truth: Vec<TruthEvent>,
}

/// One file to write: its name (no directory) and its bytes.
pub struct DemoFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Every demo file, recordings and truth tables, in a fixed order. The three recordings are
/// generated in parallel; each has its own seed, so the order of work does not matter.
pub fn demo_files() -> io::Result<Vec<DemoFile>> {
    let ((ecg, eeg), monitoring) =
        rayon::join(|| rayon::join(ecg::demo, eeg::demo), monitoring::demo);
    let mut files = Vec::new();
    for (stem, ext, demo) in [
        ("demo_ecg", "edf", ecg?),
        ("demo_eeg", "bdf", eeg?),
        ("demo_monitoring", "h5", monitoring?),
    ] {
        files.push(DemoFile {
            name: format!("{stem}.{ext}"),
            bytes: demo.recording,
        });
        files.push(DemoFile {
            name: format!("{stem}.truth.events.tsv"),
            bytes: events::to_tsv(&demo.truth).into_bytes(),
        });
    }
    Ok(files)
}
