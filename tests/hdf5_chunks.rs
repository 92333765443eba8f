//! Chunk decodes of HDF5 reads (issue 11, item 22), counted by sigmark's decoders: `--stats`
//! decodes each chunk once, a window decodes only the chunks it overlaps, and a scroll within
//! them decodes nothing again. The layout is the repro's (`hdf5_chunk_amplification`): a
//! channels x samples float64 matrix, gzip-compressed, one chunk per channel along a time
//! span longer than a stats block.
//!
//! The decode counter is global to the process, so the tests take turns (`TURN`).

use std::sync::Mutex;

use hdf5_writer::{
    AttributeBuilder, DatasetBuilder, FilterDescription, Hdf5Builder, WriteOptions, FILTER_DEFLATE,
};
use sigmark::dsp::{Derivation, Pyramid, BASE};
use sigmark::formats::hdf5::{chunk_decodes, open_with_chunk_cache, open_with_origins};
use sigmark::{OpenOptions, Recording};

static TURN: Mutex<()> = Mutex::new(());

const CHANNELS: u64 = 3;
const SAMPLES: u64 = 800_000;
/// Longer than a stats block of the old reader (2^20 / 3 samples), shorter than the dataset.
const CHUNK: u64 = 400_000;
const CHUNKS: u64 = CHANNELS * SAMPLES.div_ceil(CHUNK);

fn value(ch: u64, k: u64) -> f64 {
    (ch * 1000 + k % 7) as f64 - 0.5
}

fn file() -> tempfile::NamedTempFile {
    file_with(CHUNK, value)
}

/// The repro's layout with chunks of `chunk` samples and sample `k` of channel `ch` `value`.
fn file_with(chunk: u64, value: fn(u64, u64) -> f64) -> tempfile::NamedTempFile {
    let data: Vec<f64> = (0..CHANNELS * SAMPLES)
        .map(|i| value(i / SAMPLES, i % SAMPLES))
        .collect();
    let deflate = FilterDescription {
        id: FILTER_DEFLATE,
        name: None,
        client_data: vec![1],
    };
    let bytes = Hdf5Builder::new()
        .dataset(
            DatasetBuilder::typed_data::<f64>("data", vec![CHANNELS, SAMPLES], &data)
                .unwrap()
                .chunked(vec![1, chunk])
                .filter(deflate)
                .attribute(AttributeBuilder::scalar("sampling_rate", 1000.0f64).unwrap()),
        )
        .into_plan()
        .unwrap()
        .encode(WriteOptions::default())
        .unwrap();
    let f = tempfile::Builder::new().suffix(".h5").tempfile().unwrap();
    std::fs::write(f.path(), bytes).unwrap();
    f
}

fn open(f: &tempfile::NamedTempFile, cache_bytes: Option<usize>) -> Recording {
    let options = OpenOptions::default();
    match cache_bytes {
        Some(b) => open_with_chunk_cache(f.path(), &options, b),
        None => open_with_origins(f.path(), &options),
    }
    .unwrap()
    .0
}

/// Decodes made by `f`, with what it returned.
fn decodes<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = chunk_decodes();
    let out = f();
    (chunk_decodes() - before, out)
}

#[test]
fn stats_decode_each_chunk_once() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let f = file();
    // No cache: a chunk read twice is decoded twice, so the count is the work done.
    let rec = open(&f, Some(0));
    assert_eq!(rec.channels.len() as u64, CHANNELS);
    let (n, stats) = decodes(|| rec.all_stats().unwrap());
    println!("all_stats: {n} decodes for {CHUNKS} chunks");
    assert_eq!(n, CHUNKS, "all_stats decodes each chunk once");
    for (ch, s) in stats.iter().enumerate() {
        let ch = ch as u64;
        let want: f64 = (0..SAMPLES).map(|k| value(ch, k)).sum();
        println!("channel {ch}: n {} sum {} (want {want})", s.n, s.sum);
        assert_eq!((s.n, s.sum), (SAMPLES, want));
        assert_eq!((s.min, s.max), (value(ch, 0), value(ch, 6)));
    }
    let (n, one) = decodes(|| rec.channel_stats(1).unwrap());
    let per_channel = SAMPLES.div_ceil(CHUNK);
    println!("channel_stats(1): {n} decodes for {per_channel} chunks");
    assert_eq!(n, per_channel, "one channel's stats decode its chunks once");
    assert_eq!(one.sum, stats[1].sum);
}

#[test]
fn windows_decode_what_they_overlap_once() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let f = file();
    let rec = open(&f, None);
    // 10 s at 10 s: inside the first chunk of channel 1.
    let (n, w) = decodes(|| rec.read_window(1, 10.0, 10.0).unwrap());
    println!("first window: {n} decodes, {} values", w.values.len());
    assert_eq!(n, 1, "a window inside one chunk decodes that chunk");
    assert_eq!(w.values[0], value(1, w.first_sample));
    // Scrolling within the chunk decodes nothing again.
    let (n, w) = decodes(|| rec.read_window(1, 11.0, 10.0).unwrap());
    println!("scrolled window: {n} decodes");
    assert_eq!(n, 0, "the decoded chunk is cached");
    assert_eq!(w.values[3], value(1, w.first_sample + 3));
    // Across the chunk boundary of channel 2 (400 s): its two chunks, no others.
    let (n, w) = decodes(|| rec.read_window(2, 395.0, 10.0).unwrap());
    println!("window across a boundary: {n} decodes");
    assert_eq!(n, 2);
    assert_eq!(
        w.values.last().copied(),
        Some(value(2, w.first_sample + w.values.len() as u64 - 1))
    );
}

/// A chunk larger than the reader's chunk cache (here 3.2 MB against 1 MiB, in the repro
/// 200 MB against 64 MiB) was decoded whole again by every window read in it. The first
/// window now keeps the samples around it from that same decode: scrolling by a page and
/// back decodes nothing, a window far away decodes its chunk once, and the values are the
/// file's.
#[test]
fn windows_in_chunks_larger_than_the_cache_decode_once() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let f = file_with(CHUNK, scrambled);
    let rec = open(&f, Some(1 << 20));
    let check = |w: &sigmark::signal::Window, ch: u64| {
        let wrong = (0..w.values.len())
            .filter(|&i| w.values[i] != scrambled(ch, w.first_sample + i as u64))
            .count();
        println!(
            "  channel {ch} from sample {}: {wrong} of {} values differ from the file's",
            w.first_sample,
            w.values.len()
        );
        assert_eq!(wrong, 0);
    };
    let (n, w) = decodes(|| rec.read_window(1, 100.0, 10.0).unwrap());
    println!("first window: {n} decodes");
    assert_eq!(n, 1, "a window inside one chunk decodes that chunk");
    check(&w, 1);
    for start in [110.0, 90.0, 100.0, 140.0, 60.0] {
        let (n, w) = decodes(|| rec.read_window(1, start, 10.0).unwrap());
        println!("window at {start} s: {n} decodes");
        assert_eq!(n, 0, "a window near the first is kept");
        check(&w, 1);
    }
    let (n, w) = decodes(|| rec.read_window(1, 300.0, 10.0).unwrap());
    println!("window at 300 s: {n} decodes");
    assert_eq!(n, 1, "a window far away decodes its chunk once");
    check(&w, 1);
    let (n, w) = decodes(|| rec.read_window(2, 100.0, 10.0).unwrap());
    println!("other channel at 100 s: {n} decodes");
    assert_eq!(n, 1, "another channel's chunk is its own");
    check(&w, 2);
}

/// Values that differ from block to block, so a block appended at the wrong sample shows.
fn scrambled(ch: u64, k: u64) -> f64 {
    ((k * 7919 + ch * 13) % 10_007) as f64 - 5000.0
}

/// Level-0 extremes of samples `first..first + BASE` of `f`, for derivation values `f`.
fn block(f: impl Fn(u64) -> f64, first: u64) -> (f32, f32) {
    let (lo, hi) = (first..(first + BASE as u64).min(SAMPLES))
        .map(f)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    (lo as f32, hi as f32)
}

/// The pyramid builder reads in the file's order: channel after channel over whole chunks,
/// each decoded once, not a slice of every channel per step (which decoded each chunk once
/// per step: 48 decodes of these 9 chunks measured, and ~1,500 x 16 of the repro's 200 MB chunks).
/// Chunks of 300,001 samples are not whole blocks, so the blocks spanning two chunks check
/// that nothing is lost or shifted between reads.
#[test]
fn pyramid_decodes_each_chunk_once() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let chunk = 300_001;
    let chunks = CHANNELS * SAMPLES.div_ceil(chunk);
    let f = file_with(chunk, scrambled);
    let rec = open(&f, Some(0));
    let mut derivations = Derivation::as_recorded(&rec);
    let (n, p) = decodes(|| Pyramid::build(&rec, derivations.clone()).unwrap());
    println!("pyramid of {CHANNELS} channels: {n} decodes for {chunks} chunks");
    assert_eq!(n, chunks, "the pyramid build decodes each chunk once");
    assert!(p.is_complete());
    derivations.push(Derivation::difference(&rec, "0-2", 0, 2).unwrap());
    let (n, p) = decodes(|| Pyramid::build(&rec, derivations).unwrap());
    println!("with a bipolar derivation: {n} decodes");
    assert_eq!(n, chunks + 2 * SAMPLES.div_ceil(chunk));
    let lanes: Vec<Box<dyn Fn(u64) -> f64>> = vec![
        Box::new(|k| scrambled(0, k)),
        Box::new(|k| scrambled(1, k)),
        Box::new(|k| scrambled(2, k)),
        Box::new(|k| scrambled(0, k) - scrambled(2, k)),
    ];
    let mut out = vec![(0.0, 0.0); SAMPLES.div_ceil(BASE as u64) as usize];
    for (d, f) in lanes.iter().enumerate() {
        p.envelope(d, 0.0, BASE as f64, &mut out);
        let wrong: Vec<usize> = (0..out.len())
            .filter(|&i| out[i] != block(f, (i * BASE) as u64))
            .collect();
        println!(
            "derivation {d}: {} of {} blocks differ",
            wrong.len(),
            out.len()
        );
        assert!(
            wrong.is_empty(),
            "first differing blocks {:?}",
            &wrong[..wrong.len().min(5)]
        );
    }
}

/// The repro itself, timed (`SIGMARK_MULTICHUNK=/path/multichunk.h5 cargo test --release
/// --test hdf5_chunks -- --ignored --nocapture`): the pyramid build for at most
/// `SIGMARK_BUILD_S` seconds (default 120), its progress and chunk decodes.
#[test]
#[ignore]
fn repro_pyramid_build_time() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let Ok(path) = std::env::var("SIGMARK_MULTICHUNK") else {
        println!("SIGMARK_MULTICHUNK not set: nothing measured");
        return;
    };
    let limit: u64 = std::env::var("SIGMARK_BUILD_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let t0 = std::time::Instant::now();
    let rec = sigmark::open(&path).unwrap();
    let shared = sigmark::dsp::SharedPyramid::new(&rec, Derivation::as_recorded(&rec)).unwrap();
    let (progress, cancel) = (AtomicU64::new(0), AtomicBool::new(false));
    let before = chunk_decodes();
    std::thread::scope(|s| {
        s.spawn(|| {
            while t0.elapsed().as_secs() < limit && !shared.read().is_complete() {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            cancel.store(true, Ordering::Relaxed);
        });
        shared.build(&rec, &progress, &cancel).unwrap();
    });
    let (done, total) = shared.read().progress();
    println!(
        "{:.1} s: {done} of {total} samples ({:.2}%), {} chunk decodes, complete: {}",
        t0.elapsed().as_secs_f64(),
        100.0 * done as f64 / total as f64,
        chunk_decodes() - before,
        shared.read().is_complete()
    );
}
