//! In-process timing of "open a recording and read a window of every channel".
//!
//! ```sh
//! cargo run --release --example bench_open -- FILE [--start S] [--window S] [--reps N]
//! ```
//!
//! Each repetition is `sigmark::open(FILE)`, `read_window(ch, start, window)` for every channel,
//! and dropping the recording (which unmaps the file), the same work as pyedflib's
//! `EdfReader(path)` + `readSignal` per channel + `close()`. `--start` defaults to the middle of
//! the recording. Prints one JSON object: median, p10, p90, min and max in microseconds, and the
//! sum of the window's values (for checking against another reader).

use std::error::Error;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    file: PathBuf,
    start_s: Option<f64>,
    window_s: f64,
    reps: usize,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut it = std::env::args().skip(1);
    let mut file = None;
    let mut start_s = None;
    let mut window_s = 10.0;
    let mut reps = 1000usize;
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--start" => start_s = Some(value("--start")?.parse()?),
            "--window" => window_s = value("--window")?.parse()?,
            "--reps" => reps = value("--reps")?.parse()?,
            _ if a.starts_with("--") => return Err(format!("unknown option {a}").into()),
            _ if file.is_none() => file = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}").into()),
        }
    }
    let file = file.ok_or("usage: bench_open FILE [--start S] [--window S] [--reps N]")?;
    if reps == 0 {
        return Err("--reps must be at least 1".into());
    }
    Ok(Args {
        file,
        start_s,
        window_s,
        reps,
    })
}

/// Opens, reads the window of every channel, drops; returns (samples read, their sum).
fn once(args: &Args, start_s: f64) -> Result<(usize, f64), sigmark::Error> {
    let rec = sigmark::open(&args.file)?;
    let mut n = 0;
    let mut sum = 0.0;
    for ch in 0..rec.channels.len() {
        let w = rec.read_window(ch, start_s, args.window_s)?;
        n += w.values.len();
        sum += w.values.iter().sum::<f64>();
    }
    drop(black_box(rec));
    Ok((n, sum))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let (duration_s, channels) = {
        let rec = sigmark::open(&args.file)?;
        (rec.duration_s, rec.channels.len())
    };
    let start_s = args
        .start_s
        .unwrap_or(((duration_s - args.window_s) / 2.0).max(0.0).floor());
    // One untimed run brings the pages of the window into the page cache.
    let (samples, checksum) = once(&args, start_s)?;
    let mut times_us = Vec::with_capacity(args.reps);
    for _ in 0..args.reps {
        let t = Instant::now();
        let r = once(&args, start_s)?;
        times_us.push(t.elapsed().as_secs_f64() * 1e6);
        black_box(r);
    }
    times_us.sort_by(f64::total_cmp);
    let json = serde_json::json!({
        "file": args.file.display().to_string(),
        "duration_s": duration_s,
        "channels": channels,
        "start_s": start_s,
        "window_s": args.window_s,
        "samples": samples,
        "sum": checksum,
        "reps": args.reps,
        "median_us": percentile(&times_us, 0.5),
        "p10_us": percentile(&times_us, 0.1),
        "p90_us": percentile(&times_us, 0.9),
        "min_us": times_us[0],
        "max_us": times_us[times_us.len() - 1],
    });
    println!("{json}");
    Ok(())
}
