//! Signal processing for display: the min/max decimation pyramid that makes zoomed-out views of
//! day-long recordings cheap, zero-phase display filters, channel-type guessing and montages
//! (derivations built from recorded channels); and the frequency views (`spectrum`: Welch
//! PSD, band powers, spectrogram) and the R-peak detector (`beats`).
//!
//! Nothing here touches a terminal; the UI calls these functions and draws what they return.
//! Everything takes sample indices of one derivation; mapping time to samples (and around the
//! gaps of EDF+D files) is the caller's job through `Recording::sample_at_or_after`.
//!
//! Drawing one lane of `cols` dot columns over samples `first..first + cols * spc`:
//! - `spc >= BASE as f64` (zoomed out): `SharedPyramid::envelope`; while the background build
//!   runs, `Coverage::pending` columns are NaN and the UI shows progress for them.
//! - otherwise (zoomed in, at most `BASE * cols` samples): `Derivation::read` the window plus
//!   `FilterSpec::margin_samples` on each side, `FilterSpec::apply`, then `raw_envelope` with
//!   `first` shifted by the margin. Same `(min, max)` columns, same drawing code.
//!
//! The pyramid holds unfiltered values and filters apply to raw windows only: a pyramid of
//! filtered values would have to be rebuilt over the whole file at every filter change, and at
//! pyramid zoom levels (over 128 samples per column) the filters' passbands are finer than a
//! column anyway, except for baseline wander, which the zoomed-out envelope then shows.

pub mod beats;
mod biquad;
pub mod channel_type;
mod derivation;
mod electrode;
mod envelope;
mod error;
pub mod filter;
pub mod montage;
pub mod paper;
pub mod pyramid;
pub mod spectrum;

pub use channel_type::{dominant, ChannelKind};
pub use derivation::{Derivation, Shape};
pub use electrode::electrode_name;
pub use envelope::{raw_envelope, Coverage, EMPTY};
pub use error::Error;
pub use filter::FilterSpec;
pub use montage::{Montage, MontageKind};
pub use pyramid::{BuildOutcome, Pyramid, SharedPyramid, BASE};
