//! Corpus conformance for HDF5 recordings (generic h5py layouts, NWB, SNIRF, EEGLAB v7.3): every
//! HDF5 file in the corpus against its `hdf5-oracle/1` JSON (h5py's view of every dataset).
//!
//! For each dataset sigmark exposes as signals, the channels read through
//! `Recording::read_samples` are put back into the stored C order and compared with the oracle:
//! - shape, dtype, element count: exact;
//! - first16/last16, min, max: exact (float32 and integer values convert to f64 exactly);
//! - sum and sum of squares: 1e-9 relative to sqrt(n * sumsq), which bounds the sum of |v|
//!   (the oracle's fsum against a compensated sum; channels that cancel keep absolute error);
//! - `all_stats` and `channel_stats` against the same sums;
//! - channel counts against the channel axis, rates against the file's own metadata as the
//!   oracle records it (1e-12 relative);
//! - windows (`read_window`) against the slice of a full read.
//!
//! Datasets sigmark does not pick by itself are opened with `--dataset PATH --rate 100`, so the
//! generic reader is checked on every numeric 1-D/2-D dataset of the h5py layout files too (LZF,
//! gzip+shuffle, unlimited, HDF5 2.0 `latest` layouts).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::formats::hdf5::{open_with_origins, Origin};
use sigmark::formats::{probe, Container};
use sigmark::{OpenOptions, Recording};

const SUM_REL: f64 = 1e-9;
const RATE_REL: f64 = 1e-12;
const RATE_NAMES: &[&str] = &["sampling_rate", "srate", "fs", "rate", "sample_rate"];

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("corpus not found at {} (set SIGMARK_CORPUS)", dir.display());
    }
    eprintln!(
        "conformance_hdf5: corpus not found at {}, skipped",
        dir.display()
    );
    None
}

/// Every file under `dir` whose content is HDF5 (by signature, as `sigmark` probes it).
fn hdf5_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            hdf5_files(&p, out);
        } else if !p.to_string_lossy().ends_with(".json")
            && matches!(probe(&p), Ok(Container::Hdf5))
        {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Tally {
    files: usize,
    datasets: usize,
    /// Checks made (each compares one value or one list of values).
    values: usize,
    /// Samples read through sigmark and compared in the oracle's stats.
    samples: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.values += 1;
        if !ok {
            self.failures.push(what());
        }
    }
}

fn close(a: f64, b: f64, rel: f64, scale: f64) -> bool {
    a == b || (a - b).abs() <= rel * scale.max(a.abs()).max(b.abs())
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_default()
}

/// Compensated sum, as close to the oracle's fsum as the comparison needs.
fn fsum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for v in values {
        let t = s + v;
        c += if s.abs() >= v.abs() {
            (s - t) + v
        } else {
            (v - t) + s
        };
        s = t;
    }
    s + c
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

fn join(parent: &str, name: &str) -> String {
    format!("{}/{name}", parent.trim_end_matches('/'))
}

struct Oracle {
    objects: HashMap<String, Value>,
}

impl Oracle {
    fn load(path: &Path) -> Option<Oracle> {
        let text = std::fs::read_to_string(format!("{}.oracle.json", path.display())).ok()?;
        let json: Value = serde_json::from_str(&text).ok()?;
        assert_eq!(json["schema"], "hdf5-oracle/1", "{}", path.display());
        let mut objects = HashMap::new();
        for o in json["objects"].as_array()? {
            objects.insert(o["path"].as_str()?.to_string(), o.clone());
        }
        Some(Oracle { objects })
    }

    fn get(&self, path: &str) -> Option<&Value> {
        self.objects.get(path)
    }

    fn attr(&self, path: &str, name: &str) -> Option<f64> {
        self.get(path)?["attrs"][name].as_f64()
    }

    /// A one-element numeric dataset's value.
    fn scalar(&self, path: &str) -> Option<f64> {
        let s = &self.get(path)?["stats"];
        (s["n"].as_u64() == Some(1)).then(|| num(&s["first16"][0]))
    }

    /// The sampling rate the file states for dataset `path` with `samples` samples, found the
    /// way each format stores it (`generic`: only attributes and scalar datasets, as the
    /// generic reader looks for them).
    fn rate(&self, path: &str, samples: u64, generic: bool) -> Option<f64> {
        let p = parent(path);
        for n in RATE_NAMES {
            if let Some(r) = self.attr(path, n).or_else(|| self.attr(p, n)) {
                return Some(r);
            }
            if let Some(r) = self.scalar(&join(p, n)) {
                return Some(r);
            }
        }
        if generic {
            return None;
        }
        if let Some(r) = self.attr(&join(p, "starting_time"), "rate") {
            return Some(r);
        }
        for t in ["time", "timestamps"] {
            let Some(o) = self.get(&join(p, t)) else {
                continue;
            };
            let s = &o["stats"];
            let n = s["n"].as_u64()?;
            let first = num(&s["first16"][0]);
            if n == samples && n >= 2 {
                let last = num(s["last16"].as_array()?.last()?);
                return Some((n - 1) as f64 / (last - first));
            }
            if n == 2 {
                return Some(1.0 / num(&s["first16"][1]));
            }
        }
        None
    }
}

/// Checks every signal dataset of `rec` against the oracle; `forced_rate` is the `--rate` given.
fn check_recording(
    t: &mut Tally,
    name: &str,
    rec: &Recording,
    origins: &[Origin],
    oracle: &Oracle,
    forced_rate: Option<f64>,
) {
    t.check(origins.len() == rec.channels.len(), || {
        format!(
            "{name}: {} origins for {} channels",
            origins.len(),
            rec.channels.len()
        )
    });
    let mut by_dataset: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (ch, o) in origins.iter().enumerate() {
        by_dataset.entry(o.dataset.as_str()).or_default().push(ch);
    }
    let all = rec.all_stats();
    t.check(all.is_ok(), || {
        format!("{name}: all_stats failed: {:?}", all.as_ref().err())
    });
    let all = all.unwrap_or_default();
    for (ds, chans) in by_dataset {
        t.datasets += 1;
        let what = format!("{name} {ds}");
        let Some(obj) = oracle.get(ds) else {
            t.check(false, || format!("{what}: not in the oracle"));
            continue;
        };
        let o = &origins[chans[0]];
        let shape: Vec<u64> = obj["shape"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        t.check(o.shape == shape, || {
            format!("{what}: shape {:?}, oracle {shape:?}", o.shape)
        });
        t.check(obj["dtype"] == o.dtype, || {
            format!("{what}: dtype {}, oracle {}", o.dtype, obj["dtype"])
        });
        let width = o
            .channel_axis
            .map_or(1, |a| shape.get(a).copied().unwrap_or(0));
        t.check(chans.len() as u64 == width, || {
            format!(
                "{what}: {} channels, the channel axis holds {width}",
                chans.len()
            )
        });
        let mut idx: Vec<u64> = chans.iter().map(|&c| origins[c].index).collect();
        idx.sort();
        if idx != (0..width).collect::<Vec<_>>() {
            t.check(false, || format!("{what}: channel indices {idx:?}"));
            continue;
        }
        let samples = rec.channels[chans[0]].samples;
        let expected_rate = oracle
            .rate(ds, samples, forced_rate.is_some())
            .or(forced_rate);
        let mut columns: Vec<Vec<f64>> = vec![Vec::new(); width as usize];
        for &ch in &chans {
            let c = &rec.channels[ch];
            let origin = &origins[ch];
            t.check(c.samples == samples, || {
                format!("{what}: channel {ch} length differs")
            });
            t.check(
                expected_rate.is_some_and(|r| close(c.rate_hz, r, RATE_REL, 0.0)),
                || {
                    format!(
                        "{what}: channel {ch} rate {} Hz, file says {expected_rate:?}",
                        c.rate_hz
                    )
                },
            );
            let v = match rec.read_samples(ch, 0, c.samples as usize) {
                Ok(v) => v,
                Err(e) => {
                    t.check(false, || format!("{what}: channel {ch}: {e}"));
                    continue;
                }
            };
            check_windows(t, &what, rec, ch, &v);
            check_stats(t, &what, rec, ch, &v, all.get(ch));
            let stored = v
                .iter()
                .map(|x| (x - origin.offset) / origin.scale)
                .collect();
            columns[origin.index as usize] = stored;
        }
        // Back to the C order of the stored array.
        let flat: Vec<f64> = match o.channel_axis {
            None | Some(0) => columns.concat(),
            Some(_) => (0..samples as usize)
                .flat_map(|k| {
                    columns
                        .iter()
                        .map(move |c| c.get(k).copied().unwrap_or(f64::NAN))
                })
                .collect(),
        };
        t.samples += flat.len();
        let s = &obj["stats"];
        t.check(s["n"].as_u64() == Some(flat.len() as u64), || {
            format!("{what}: {} values, oracle n = {}", flat.len(), s["n"])
        });
        let first = nums(&s["first16"]);
        let last = nums(&s["last16"]);
        t.check(
            flat.iter().take(16).copied().eq(first.iter().copied()),
            || {
                format!(
                    "{what}: first16 {:?}, oracle {first:?}",
                    &flat[..flat.len().min(16)]
                )
            },
        );
        t.check(
            flat[flat.len().saturating_sub(16)..]
                .iter()
                .copied()
                .eq(last.iter().copied()),
            || format!("{what}: last16 differ"),
        );
        let sum = fsum(flat.iter().copied());
        let sumsq = fsum(flat.iter().map(|v| v * v));
        let scale = (flat.len() as f64 * num(&s["sumsq"])).sqrt();
        t.check(close(sum, num(&s["sum"]), SUM_REL, scale), || {
            format!("{what}: sum {sum}, oracle {}", s["sum"])
        });
        t.check(close(sumsq, num(&s["sumsq"]), SUM_REL, 0.0), || {
            format!("{what}: sumsq {sumsq}, oracle {}", s["sumsq"])
        });
        let min = flat.iter().copied().fold(f64::INFINITY, f64::min);
        let max = flat.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        t.check(min == num(&s["min"]) && max == num(&s["max"]), || {
            format!(
                "{what}: min/max {min}/{max}, oracle {}/{}",
                s["min"], s["max"]
            )
        });
        let all_sum = fsum(chans.iter().filter_map(|&c| all.get(c)).map(|x| x.sum));
        t.check(close(all_sum, num(&s["sum"]), SUM_REL, scale), || {
            format!("{what}: all_stats sum {all_sum}, oracle {}", s["sum"])
        });
    }
}

fn check_stats(
    t: &mut Tally,
    what: &str,
    rec: &Recording,
    ch: usize,
    v: &[f64],
    all: Option<&sigmark::signal::ChannelStats>,
) {
    let sum = fsum(v.iter().copied());
    let sumsq = fsum(v.iter().map(|x| x * x));
    let scale = (v.len() as f64 * sumsq).sqrt();
    let one = rec.channel_stats(ch);
    for (src, s) in [("channel_stats", one.ok()), ("all_stats", all.copied())] {
        let ok = s.is_some_and(|s| {
            s.n == v.len() as u64
                && close(s.sum, sum, SUM_REL, scale)
                && close(s.sum_sq, sumsq, SUM_REL, 0.0)
                && s.min == v.iter().copied().fold(f64::INFINITY, f64::min)
                && s.max == v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        });
        t.check(ok, || {
            format!("{what}: channel {ch}: {src} {s:?} vs the samples")
        });
    }
}

/// Windows at the start, in the middle, and running past the end equal slices of the full read.
fn check_windows(t: &mut Tally, what: &str, rec: &Recording, ch: usize, full: &[f64]) {
    let c = &rec.channels[ch];
    let dur = c.duration_s();
    for (start, len) in [
        (0.0, 1.0),
        (dur / 3.0, dur / 4.0),
        (dur - 0.5, 10.0),
        (dur * 0.7, 0.0),
    ] {
        match rec.read_window(ch, start, len) {
            Ok(w) => {
                let a = w.first_sample as usize;
                let ok = a <= full.len()
                    && a + w.values.len() <= full.len()
                    && w.values == full[a..a + w.values.len()]
                    && rec.sample_time(ch, w.first_sample) >= start - 1e-9
                    && (a == 0 || rec.sample_time(ch, w.first_sample - 1) < start);
                t.check(ok, || {
                    format!("{what}: channel {ch}: window at {start} s differs")
                });
            }
            Err(e) => t.check(false, || {
                format!("{what}: channel {ch}: window at {start} s: {e}")
            }),
        }
    }
}

/// File-specific expectations the oracle states less directly: labels and annotations.
fn check_metadata(t: &mut Tally, name: &str, rec: &Recording, oracle: &Oracle) {
    if let Some(loc) = oracle.get("/general/extracellular_ephys/electrodes/location") {
        let want: Vec<&str> = loc["values"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let got: Vec<&str> = rec
            .channels
            .iter()
            .take(want.len())
            .map(|c| c.label.as_str())
            .collect();
        t.check(got == want, || {
            format!("{name}: NWB labels {got:?}, electrodes {want:?}")
        });
    }
    if let Some(labels) = oracle.get("/EEG/chanlocs/labels") {
        for (i, target) in labels["references"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let chars = target
                .as_str()
                .and_then(|p| oracle.get(p))
                .map(|o| nums(&o["stats"]["first16"]))
                .unwrap_or_default();
            let want: String = chars.iter().map(|&c| char::from(c as u8)).collect();
            let got = rec.channels.get(i).map_or("", |c| c.label.as_str());
            t.check(got == want, || {
                format!("{name}: EEGLAB label {i} {got:?}, oracle {want:?}")
            });
        }
    }
    // SNIRF stimuli: every [onset, duration, amplitude] row, onsets from the first sample.
    let t0 = oracle
        .get("/nirs/data1/time")
        .map_or(0.0, |o| num(&o["stats"]["first16"][0]));
    let mut stim_rows = 0;
    for (path, o) in &oracle.objects {
        if !(path.starts_with("/nirs/stim") && path.ends_with("/data")) {
            continue;
        }
        let v = nums(&o["stats"]["first16"]);
        for row in v.chunks_exact(3) {
            stim_rows += 1;
            let found = rec
                .annotations
                .iter()
                .any(|a| (a.onset_s - (row[0] - t0)).abs() < 1e-12 && a.duration_s == Some(row[1]));
            t.check(found, || {
                format!("{name}: no annotation for {path} row {row:?}")
            });
        }
    }
    if stim_rows > 0 {
        t.check(rec.annotations.len() == stim_rows, || {
            format!(
                "{name}: {} annotations for {stim_rows} stimulus rows",
                rec.annotations.len()
            )
        });
    }
    if oracle.get("/EEG/event/latency").is_some() {
        t.check(rec.annotations.len() == 6, || {
            format!(
                "{name}: {} EEGLAB events, expected 6",
                rec.annotations.len()
            )
        });
    }
}

#[test]
fn hdf5_corpus_matches_oracles() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    hdf5_files(&dir, &mut files);
    assert!(!files.is_empty(), "no HDF5 files under {}", dir.display());
    let mut t = Tally::default();
    for path in &files {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let Some(oracle) = Oracle::load(path) else {
            t.check(false, || format!("{name}: no readable oracle"));
            continue;
        };
        t.files += 1;
        let (rec, origins) = match open_with_origins(path, &OpenOptions::default()) {
            Ok(r) => r,
            Err(e) => {
                t.check(false, || format!("{name}: {e}"));
                continue;
            }
        };
        check_recording(&mut t, &name, &rec, &origins, &oracle, None);
        check_metadata(&mut t, &name, &rec, &oracle);
        let mut covered: Vec<String> = origins.iter().map(|o| o.dataset.clone()).collect();
        // Every other numeric 1-D/2-D dataset of some size, through --dataset and --rate.
        let mut others: Vec<&String> = oracle.objects.keys().collect();
        others.sort();
        for ds in others {
            let obj = &oracle.objects[ds];
            let rank = obj["shape"].as_array().map_or(0, Vec::len);
            let n = obj["stats"]["n"].as_u64().unwrap_or(0);
            if covered.contains(ds)
                || !(1..=2).contains(&rank)
                || n < 64
                || ds.starts_with("/#refs#")
            {
                continue;
            }
            let options = OpenOptions {
                dataset: Some(ds.clone()),
                rate_hz: Some(100.0),
                ..Default::default()
            };
            match open_with_origins(path, &options) {
                Ok((rec, origins)) => {
                    check_recording(
                        &mut t,
                        &format!("{name} --dataset"),
                        &rec,
                        &origins,
                        &oracle,
                        Some(100.0),
                    );
                    covered.extend(origins.iter().map(|o| o.dataset.clone()));
                }
                Err(e) => t.check(false, || format!("{name} --dataset {ds}: {e}")),
            }
        }
    }
    println!(
        "conformance_hdf5: {} files, {} signal datasets, {} samples read, {} values compared",
        t.files, t.datasets, t.samples, t.values
    );
    assert!(
        t.failures.is_empty(),
        "{} failures:\n{}",
        t.failures.len(),
        t.failures.join("\n")
    );
}

// --- --dataset / --rate on files written here ------------------------------------------------

mod generated {
    use hdf5_writer::{
        AttributeBuilder, DatasetBuilder, FilterDescription, Hdf5Builder, WriteOptions,
        FILTER_DEFLATE, FILTER_SHUFFLE,
    };
    use sigmark::formats::hdf5::open_with_origins;
    use sigmark::{Error, OpenOptions, Recording};

    fn write(b: Hdf5Builder) -> tempfile::NamedTempFile {
        let bytes = b
            .into_plan()
            .unwrap()
            .encode(WriteOptions::default())
            .unwrap();
        let f = tempfile::Builder::new().suffix(".h5").tempfile().unwrap();
        std::fs::write(f.path(), bytes).unwrap();
        f
    }

    fn open(
        f: &tempfile::NamedTempFile,
        dataset: Option<&str>,
        rate: Option<f64>,
    ) -> Result<Recording, Error> {
        let options = OpenOptions {
            dataset: dataset.map(str::to_string),
            rate_hz: rate,
            ..Default::default()
        };
        open_with_origins(f.path(), &options).map(|(r, _)| r)
    }

    fn err(r: Result<Recording, Error>) -> String {
        match r {
            Ok(rec) => panic!("expected an error, opened {} channels", rec.channels.len()),
            Err(e) => e.to_string(),
        }
    }

    /// Row-major ramp whose every value says where it sits.
    fn ramp(rows: usize, cols: usize) -> Vec<f32> {
        (0..rows * cols)
            .map(|k| (k / cols) as f32 * 1000.0 + (k % cols) as f32)
            .collect()
    }

    /// Two 2-D datasets, neither stating a rate.
    fn unrated() -> tempfile::NamedTempFile {
        write(
            Hdf5Builder::new()
                .dataset(
                    DatasetBuilder::typed_data::<f32>("data/raw", vec![3u64, 500], &ramp(3, 500))
                        .unwrap(),
                )
                .dataset(
                    DatasetBuilder::typed_data::<f32>("other/x", vec![2u64, 50], &ramp(2, 50))
                        .unwrap(),
                ),
        )
    }

    #[test]
    fn several_candidates_without_rate_ask_for_dataset() {
        let f = unrated();
        let e = err(open(&f, None, None));
        assert!(e.contains("the choice of signal dataset is missing"), "{e}");
        assert!(
            e.contains("/data/raw [3 x 500 float32]") && e.contains("/other/x [2 x 50 float32]"),
            "{e}"
        );
        assert!(e.ends_with("pass --dataset PATH (and --rate HZ)"), "{e}");
        // --rate alone does not settle which dataset.
        assert!(err(open(&f, None, Some(100.0))).contains("--dataset PATH"));
    }

    #[test]
    fn missing_rate_names_the_dataset_and_the_flag() {
        let f = unrated();
        let e = err(open(&f, Some("/data/raw"), None));
        let want = "sampling rate of /data/raw is missing: no attribute sampling_rate/srate/fs/rate/sample_rate/sampling_frequency";
        assert!(e.contains(want), "{e}");
        assert!(e.ends_with("; pass --rate HZ"), "{e}");
        let e = err(open(&f, Some("/data/raw"), Some(0.0)));
        assert!(e.contains("a usable --rate (got 0) is missing"), "{e}");
        let e = err(open(&f, Some("/nope"), Some(10.0)));
        assert!(
            e.contains("dataset /nope (from --dataset) is missing"),
            "{e}"
        );
        assert!(
            e.contains("candidates: /data/raw [3 x 500 float32], /other/x [2 x 50 float32]"),
            "{e}"
        );
    }

    #[test]
    fn dataset_and_rate_open_the_matrix() {
        let f = unrated();
        let rec = open(&f, Some("data/raw"), Some(250.0)).unwrap();
        assert_eq!(rec.channels.len(), 3);
        for (i, c) in rec.channels.iter().enumerate() {
            assert_eq!(c.label, format!("raw[{i}]"));
            assert_eq!(
                (c.rate_hz, c.samples, c.samples_per_record),
                (250.0, 500, 500)
            );
            assert_eq!((c.physical_min, c.digital_max), (None, None));
        }
        assert_eq!(
            (rec.records, rec.duration_s, rec.record_duration_s),
            (1, 2.0, 2.0)
        );
        let v = rec.read_samples(2, 10, 3).unwrap();
        assert_eq!(v, vec![2010.0, 2011.0, 2012.0]);
        let w = rec.read_window(1, 1.0, 0.02).unwrap();
        assert_eq!(w.first_sample, 250);
        assert_eq!(
            w.values,
            (250..255).map(|k| 1000.0 + k as f64).collect::<Vec<_>>()
        );
        assert!(rec.read_samples(0, 499, 2).is_err());
    }

    /// A samples x channels matrix named by an attribute and rated by a sibling scalar, and a
    /// group of 1-D channels with their own rates: two rated candidates.
    fn rated() -> tempfile::NamedTempFile {
        let eeg: Vec<i16> = (0..500 * 3)
            .map(|k| ((k % 3) * 100 + k / 3) as i16)
            .collect();
        let ecg: Vec<f32> = (0..1000).map(|k| k as f32 * 0.5).collect();
        let resp: Vec<f64> = (0..100).map(|k| -(k as f64)).collect();
        let deflate = FilterDescription {
            id: FILTER_DEFLATE,
            name: None,
            client_data: vec![4],
        };
        let shuffle = FilterDescription {
            id: FILTER_SHUFFLE,
            name: None,
            client_data: vec![],
        };
        write(
            Hdf5Builder::new()
                .dataset(
                    DatasetBuilder::typed_data::<i16>("eeg/data", vec![500u64, 3], &eeg)
                        .unwrap()
                        .attribute(
                            AttributeBuilder::fixed_string_vector(
                                "channel_names",
                                &["Fz", "Cz", "Pz"],
                            )
                            .unwrap(),
                        )
                        .attribute(AttributeBuilder::fixed_string("units", "uV")),
                )
                .dataset(
                    DatasetBuilder::typed_data::<f64>("eeg/srate", Vec::<u64>::new(), &[128.0])
                        .unwrap(),
                )
                .dataset(
                    DatasetBuilder::typed_data::<f32>("signals/ECG", vec![1000u64], &ecg)
                        .unwrap()
                        .chunked(vec![128u64])
                        .filter(shuffle)
                        .filter(deflate)
                        .attribute(AttributeBuilder::scalar("sampling_rate", 250.0f64).unwrap())
                        .attribute(AttributeBuilder::fixed_string("units", "mV"))
                        .attribute(AttributeBuilder::fixed_string("label", "ECG II")),
                )
                .dataset(
                    DatasetBuilder::typed_data::<f64>("signals/Resp", vec![100u64], &resp)
                        .unwrap()
                        .attribute(AttributeBuilder::scalar("fs", 25i32).unwrap()),
                ),
        )
    }

    #[test]
    fn several_rated_candidates_are_listed() {
        let f = rated();
        let e = err(open(&f, None, None));
        assert!(e.contains("2 candidates state a sampling rate: /eeg/data [500 x 3 int16], /signals [group of 2 1-D datasets]; pass --dataset PATH"), "{e}");
    }

    #[test]
    fn names_orient_the_matrix_and_a_sibling_gives_the_rate() {
        let f = rated();
        let rec = open(&f, Some("/eeg/data"), Some(99.0)).unwrap();
        let labels: Vec<&str> = rec.channels.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Fz", "Cz", "Pz"]);
        assert!(rec
            .channels
            .iter()
            .all(|c| c.rate_hz == 128.0 && c.unit == "uV" && c.samples == 500));
        assert!(
            rec.notes.iter().any(|n| n.contains("--rate 99 not used")),
            "{:?}",
            rec.notes
        );
        assert_eq!(
            rec.read_samples(1, 0, 3).unwrap(),
            vec![100.0, 101.0, 102.0]
        );
        let s = rec.all_stats().unwrap();
        assert_eq!(s[2].sum, (0..500).map(|k| 200.0 + k as f64).sum::<f64>());
    }

    #[test]
    fn a_group_of_vectors_has_a_rate_per_channel() {
        let f = rated();
        let rec = open(&f, Some("/signals"), None).unwrap();
        let c: Vec<(&str, &str, f64, u64)> = rec
            .channels
            .iter()
            .map(|c| (c.label.as_str(), c.unit.as_str(), c.rate_hz, c.samples))
            .collect();
        assert_eq!(c, [("ECG II", "mV", 250.0, 1000), ("Resp", "", 25.0, 100)]);
        assert_eq!(rec.duration_s, 4.0);
        let w = rec.read_window(0, 2.0, 0.5).unwrap();
        assert_eq!(w.first_sample, 500);
        assert_eq!(w.values.len(), 125);
        assert_eq!(w.values[0], 250.0);
        let w = rec.read_window(1, 2.0, 0.5).unwrap();
        assert_eq!(
            (w.first_sample, w.values.clone()),
            (50, (50..63).map(|k| -(k as f64)).collect())
        );
        let one = open(&f, Some("/signals/Resp"), None).unwrap();
        assert_eq!(one.channels.len(), 1);
        assert_eq!(one.channels[0].rate_hz, 25.0);
    }
}

/// Damaged copies of the corpus files: opening and reading them must fail with an error (or
/// read wrong values, for old-format files without checksums), never panic.
#[test]
fn damaged_corpus_files_never_panic() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    hdf5_files(&dir, &mut files);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut opened, mut refused, mut tried) = (0, 0, 0);
    for path in &files {
        let good = std::fs::read(path).unwrap();
        for round in 0..60 {
            let mut bad = good.clone();
            // Metadata sits mostly near the start and the end; hit both, plus anywhere.
            for _ in 0..1 + next() % 4 {
                let at = match next() % 3 {
                    0 => (next() % 4096) as usize,
                    1 => bad.len().saturating_sub(1 + (next() % 8192) as usize),
                    _ => (next() as usize) % bad.len(),
                }
                .min(bad.len() - 1);
                bad[at] = next() as u8;
            }
            if round % 10 == 9 {
                bad.truncate((next() as usize) % bad.len());
            }
            let f = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(f.path(), &bad).unwrap();
            tried += 1;
            let result = std::panic::catch_unwind(|| {
                let Ok((rec, _)) = open_with_origins(f.path(), &OpenOptions::default()) else {
                    return false;
                };
                for ch in 0..rec.channels.len() {
                    let n = rec.channels[ch].samples.min(1 << 16) as usize;
                    let _ = rec.read_samples(ch, 0, n);
                    let _ = rec.read_window(ch, 0.5, 2.0);
                }
                let _ = rec.all_stats();
                true
            });
            match result {
                Ok(true) => opened += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!(
                    "{} damaged (round {round}) made sigmark panic",
                    path.display()
                ),
            }
        }
    }
    println!("damaged files: {tried} tried, {opened} opened, {refused} refused, no panic");
}
