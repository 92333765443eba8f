//! Monitoring channels to HDF5 bytes, in the generic layout sigmark reads: a group `/signals`
//! of 1-D float datasets, each with `sampling_rate` (float64), `units` and `label` (strings),
//! as h5py writes them in the corpus file `small_default.h5`.
//!
//! Datasets are contiguous and unfiltered: deflate output depends on the compressor's version,
//! and the committed demo file must stay byte-identical.

use std::io;

use hdf5_writer::{AttributeBuilder, DatasetBuilder, Hdf5Builder, WriteOptions};

/// One channel: its dataset name under `/signals`, its metadata and its samples.
pub struct Channel {
    pub name: &'static str,
    pub label: &'static str,
    pub units: &'static str,
    pub rate_hz: f64,
    pub values: Vec<f32>,
}

/// The file's description, stored as a root attribute.
const DESCRIPTION: &str = "Synthetic bedside monitoring demo made by sigmark synth";

pub fn encode(channels: &[Channel]) -> io::Result<Vec<u8>> {
    let names: Vec<&str> = channels.iter().map(|c| c.name).collect();
    let mut builder = Hdf5Builder::new()
        .attribute(AttributeBuilder::fixed_string("description", DESCRIPTION))
        .group_attribute(
            "signals",
            AttributeBuilder::vlen_strings("channel_names", &names).map_err(h5)?,
        );
    for c in channels {
        builder = builder.dataset(dataset(c)?);
    }
    builder
        .into_plan()
        .and_then(|plan| plan.encode(WriteOptions::default()))
        .map_err(h5)
}

fn dataset(c: &Channel) -> io::Result<DatasetBuilder> {
    let path = format!("signals/{}", c.name);
    Ok(
        DatasetBuilder::typed_data(path, vec![c.values.len() as u64], &c.values)
            .map_err(h5)?
            .attribute(AttributeBuilder::scalar("sampling_rate", c.rate_hz).map_err(h5)?)
            .attribute(AttributeBuilder::fixed_string("units", c.units))
            .attribute(AttributeBuilder::fixed_string("label", c.label)),
    )
}

fn h5(e: hdf5_writer::Error) -> io::Error {
    io::Error::other(format!("HDF5 encoding: {e}"))
}
