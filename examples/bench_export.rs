//! `cargo run --release --example bench_export -- DIR csv|parquet [RECORDINGS EVENTS]`: exports
//! a generated tree (10,000 recordings x 100 events by default, generated into DIR once) and
//! prints the time, rows per second and this process's peak memory (VmHWM). Run by
//! `scripts/bench_export.sh`, one process per format so each peak is its own.

#[path = "../benches/support/export_tree.rs"]
mod export_tree;

use std::path::PathBuf;
use std::time::Instant;

use sigmark::export::{self, OutFormat, Readers};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: bench_export DIR csv|parquet [RECORDINGS EVENTS]")?,
    );
    let format = match args.next().as_deref() {
        Some("parquet") => OutFormat::Parquet,
        Some("jsonl") => OutFormat::Jsonl,
        Some("tsv") => OutFormat::Tsv,
        _ => OutFormat::Csv,
    };
    let recordings: usize = args.next().map_or(Ok(10_000), |s| s.parse())?;
    let events: usize = args.next().map_or(Ok(100), |s| s.parse())?;
    let tree = dir.join("tree");
    let t = Instant::now();
    export_tree::generate(&tree, recordings, events)?;
    eprintln!("tree ready in {:.1} s", t.elapsed().as_secs_f64());
    let out = dir.join(format!("out.{}", format!("{format:?}").to_lowercase()));
    let opts = export::Options {
        inputs: vec![tree],
        out: out.clone(),
        format,
        readers: Readers::All,
        embedded: false,
        jobs: 0,
        strict: false,
        shard: None,
        open: Default::default(),
        keep: None,
    };
    let t = Instant::now();
    let summary = export::export(&opts, &|_| {})?;
    let secs = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&out)?.len();
    println!(
        "{format:?}: {} rows in {secs:.2} s = {:.0} rows/s; {} MB written; peak RSS {}; {}",
        summary.events,
        summary.events as f64 / secs,
        size / 1_000_000,
        peak_rss(),
        summary
    );
    Ok(())
}

/// VmHWM from /proc/self/status (Linux), the peak resident set size.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
