//! The chunk decoders sigmark gives `hdf5-reader` (its DEFLATE and sigmark's LZF), counted:
//! the number of chunks decompressed is what a read costs, and the tests check that a pass
//! over a dataset decompresses each chunk once.

use std::sync::atomic::{AtomicU64, Ordering};

use hdf5_reader::filters::{deflate, FILTER_DEFLATE};
use hdf5_reader::messages::filter_pipeline::FilterDescription;
use hdf5_reader::FilterRegistry;

use super::lzf;

/// Largest decoded chunk sigmark accepts (the reader refuses larger chunks before decoding).
pub const MAX_CHUNK_BYTES: usize = hdf5_reader::DEFAULT_MAX_CHUNK_BYTES;

/// Chunks decompressed by this process, every file together.
static DECODES: AtomicU64 = AtomicU64::new(0);

/// Chunks decompressed so far (DEFLATE and LZF), for tests and measurements.
pub fn chunk_decodes() -> u64 {
    DECODES.load(Ordering::Relaxed)
}

fn count() {
    DECODES.fetch_add(1, Ordering::Relaxed);
}

/// The reader's own DEFLATE decoder, bounded as its built-in use is bounded.
fn inflate(
    _desc: &FilterDescription,
    data: &[u8],
    _element_size: usize,
) -> hdf5_reader::error::Result<Vec<u8>> {
    count();
    deflate::decompress_with_limit(data, MAX_CHUNK_BYTES + 1)
}

fn unlzf(
    desc: &FilterDescription,
    data: &[u8],
    element_size: usize,
) -> hdf5_reader::error::Result<Vec<u8>> {
    count();
    lzf::filter(desc, data, element_size)
}

/// The built-in filters, with DEFLATE counted, plus LZF.
pub fn registry() -> FilterRegistry {
    let mut r = FilterRegistry::new();
    r.register(FILTER_DEFLATE, Box::new(inflate));
    r.register(lzf::FILTER_LZF, Box::new(unlzf));
    r
}
