//! Loading tables from files (with the recording check), and the directory form: every
//! recording of a folder that has all the named readers' tables, with "gross" (pooled counts)
//! and "average" (mean of per-recording statistics) summaries, as WFDB's sumstats gives.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::input::{self, Table};
use super::locate;
use super::report::{BeatJson, EpochJson, EventJson, Report};
use super::{choose_modes, compare, BeatResult, CompareError, Comparison, EpochResult};
use super::{EventResult, Settings};

/// Extensions of recordings looked for beside the tables in the directory form.
pub const RECORDING_EXTENSIONS: [&str; 8] =
    ["edf", "bdf", "rec", "h5", "hdf5", "nwb", "snirf", "set"];

/// Reads the tables; with a recording, checks each table's provenance against its SHA-256
/// and uses its duration.
pub fn compare_files(
    tables: &[PathBuf],
    recording: Option<&Path>,
    settings: &Settings,
) -> Result<Comparison, CompareError> {
    let tables = tables
        .iter()
        .map(|p| input::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    compare_tables(&tables, recording, settings)
}

/// As [`compare_files`], for tables already read. Without a recording, the one the tables'
/// provenance files name is used when it lies beside them ([`locate`]).
pub fn compare_tables(
    tables: &[Table],
    recording: Option<&Path>,
    settings: &Settings,
) -> Result<Comparison, CompareError> {
    let mut notes = Vec::new();
    let (duration, used, source) = match recording {
        Some(rec) => {
            let sha = input::sha256_file(rec)?;
            for t in tables {
                notes.extend(input::check_provenance(&t.path, rec, &sha)?);
            }
            let source = format!("the recording {}", rec.display());
            (
                Some(crate::open(rec)?.duration_s),
                Some(rec.to_path_buf()),
                Some(source),
            )
        }
        None => match locate::from_sidecars(tables, &mut notes) {
            Some(l) => (
                Some(l.duration_s),
                Some(l.recording.clone()),
                Some(l.source()),
            ),
            None => (None, None, None),
        },
    };
    let mut c = compare(tables, duration, settings)?;
    c.recording = used;
    if let Some(source) = source {
        c.duration_source = source;
    }
    c.notes.extend(notes);
    Ok(c)
}

/// One recording of a directory: its stem, its readers' tables and the recording if found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub stem: String,
    pub tables: Vec<PathBuf>,
    pub recording: Option<PathBuf>,
}

/// The recordings in `dir` with a table `STEM.READER.events.tsv` for every reader, by stem.
pub fn discover(dir: &Path, readers: &[String]) -> Result<Vec<Found>, CompareError> {
    let io = |source| CompareError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let Some(first) = readers.first() else {
        return Ok(Vec::new());
    };
    let suffix = format!(".{first}.events.tsv");
    let mut out = Vec::new();
    for name in &names {
        let Some(stem) = name.strip_suffix(&suffix) else {
            continue;
        };
        let tables: Vec<PathBuf> = readers
            .iter()
            .map(|r| dir.join(format!("{stem}.{r}.events.tsv")))
            .collect();
        if !tables.iter().all(|t| t.is_file()) {
            continue;
        }
        let recording = names
            .iter()
            .filter_map(|n| n.strip_prefix(stem)?.strip_prefix('.').map(|ext| (n, ext)))
            .find(|(_, ext)| RECORDING_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
            .map(|(n, _)| dir.join(n));
        out.push(Found {
            stem: stem.to_string(),
            tables,
            recording,
        });
    }
    Ok(out)
}

/// Every recording's comparison.
#[derive(Debug, Clone)]
pub struct Batch {
    pub directory: PathBuf,
    pub readers: Vec<String>,
    pub rows: Vec<(String, Comparison)>,
}

/// Compares every recording found; without `settings.modes`, the modes are chosen once from
/// all the tables, so that every row has the same columns.
pub fn run(dir: &Path, readers: &[String], settings: &Settings) -> Result<Batch, CompareError> {
    let found = discover(dir, readers)?;
    let loaded = found
        .iter()
        .map(|f| {
            let tables = f
                .tables
                .iter()
                .map(|p| input::read(p))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((f, tables))
        })
        .collect::<Result<Vec<_>, CompareError>>()?;
    let mut settings = settings.clone();
    if settings.modes.is_empty() {
        let marks = loaded
            .iter()
            .flat_map(|(_, t)| t.iter().flat_map(|t| &t.marks));
        settings.modes = choose_modes(marks, readers.len());
    }
    let mut rows = Vec::new();
    for (f, tables) in &loaded {
        let mut c = compare_tables(tables, f.recording.as_deref(), &settings)?;
        match &f.recording {
            Some(rec) => {
                c.duration_source = format!("the recording {}, beside the tables", rec.display())
            }
            None if c.recording.is_none() => c.notes.push(
                "no recording beside the tables; the duration is the latest event end".into(),
            ),
            None => {}
        }
        rows.push((f.stem.clone(), c));
    }
    Ok(Batch {
        directory: dir.to_path_buf(),
        readers: readers.to_vec(),
        rows,
    })
}

/// Pooled counts of every recording (sumstats' "gross").
#[derive(Debug, Clone, Default)]
pub struct Gross {
    pub duration_s: f64,
    pub event: Option<EventResult>,
    pub beat: Option<BeatResult>,
    pub epoch: Option<EpochResult>,
}

fn pool<T: Clone>(acc: &mut Option<T>, x: Option<&T>, add: impl Fn(&mut T, &T)) {
    match (acc.as_mut(), x) {
        (Some(a), Some(x)) => add(a, x),
        (None, Some(x)) => *acc = Some(x.clone()),
        _ => {}
    }
}

impl Batch {
    pub fn gross(&self) -> Gross {
        let mut g = Gross::default();
        for (_, c) in &self.rows {
            g.duration_s += c.duration_s;
            pool(&mut g.event, c.event.as_ref(), EventResult::add);
            pool(&mut g.beat, c.beat.as_ref(), |a, b| a.add(b));
            pool(&mut g.epoch, c.epoch.as_ref(), EpochResult::add);
        }
        g
    }

    pub fn average(&self) -> Average {
        let comps: Vec<&Comparison> = self.rows.iter().map(|(_, c)| c).collect();
        Average::new(&comps)
    }
}

/// Mean of the values that are defined.
pub fn mean(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    pub sensitivity: Option<f64>,
    pub ppv: Option<f64>,
    pub f1: Option<f64>,
    pub fp_per_24h: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reversed {
    pub overall: Stats,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventAverage {
    pub overall: Stats,
    pub reversed: Reversed,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassAverage {
    pub sensitivity: Option<f64>,
    pub ppv: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fpr: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BeatAverage {
    pub qrs: Stats,
    pub veb: ClassAverage,
    pub sveb: ClassAverage,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EpochAverage {
    pub kappa: Option<f64>,
    pub percent_agreement: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleiss_kappa: Option<f64>,
}

/// The mean of each statistic over the recordings where it is defined (sumstats' "average").
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Average {
    pub recordings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventAverage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beat: Option<BeatAverage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<EpochAverage>,
}

fn stats<'a>(items: impl Iterator<Item = (super::Counts, f64)> + Clone + 'a) -> Stats {
    Stats {
        sensitivity: mean(items.clone().map(|(c, _)| c.sensitivity())),
        ppv: mean(items.clone().map(|(c, _)| c.ppv())),
        f1: mean(items.clone().map(|(c, _)| c.f1())),
        fp_per_24h: mean(items.map(|(c, d)| c.fp_per_24h(d))),
    }
}

impl Average {
    pub fn new(comps: &[&Comparison]) -> Average {
        let events: Vec<&EventResult> = comps.iter().filter_map(|c| c.event.as_ref()).collect();
        let beats: Vec<&BeatResult> = comps.iter().filter_map(|c| c.beat.as_ref()).collect();
        let epochs: Vec<&EpochResult> = comps.iter().filter_map(|c| c.epoch.as_ref()).collect();
        let event = (!events.is_empty()).then(|| EventAverage {
            overall: stats(events.iter().map(|e| (e.overall(false), e.duration_s))),
            reversed: Reversed {
                overall: stats(events.iter().map(|e| (e.overall(true), e.duration_s))),
            },
        });
        let beat = (!beats.is_empty()).then(|| BeatAverage {
            qrs: stats(beats.iter().map(|b| (b.qrs(), b.scored_s()))),
            veb: ClassAverage {
                sensitivity: mean(beats.iter().map(|b| b.veb().sensitivity())),
                ppv: mean(beats.iter().map(|b| b.veb().ppv())),
                fpr: mean(beats.iter().map(|b| b.veb().fpr())),
            },
            sveb: ClassAverage {
                sensitivity: mean(beats.iter().map(|b| b.sveb().sensitivity())),
                ppv: mean(beats.iter().map(|b| b.sveb().ppv())),
                fpr: None,
            },
        });
        let epoch = (!epochs.is_empty()).then(|| EpochAverage {
            kappa: mean(epochs.iter().map(|e| e.kappa())),
            percent_agreement: mean(epochs.iter().map(|e| e.percent_agreement())),
            fleiss_kappa: mean(epochs.iter().map(|e| e.fleiss_kappa())),
        });
        Average {
            recordings: comps.len(),
            event,
            beat,
            epoch,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GrossJson {
    pub recordings: usize,
    pub duration_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beat: Option<BeatJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<EpochJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowJson {
    pub recording: String,
    #[serde(flatten)]
    pub report: Report,
}

/// The directory form as JSON: `{"directory", "readers", "recordings": [...], "gross",
/// "average"}`.
#[derive(Debug, Clone, Serialize)]
pub struct BatchJson {
    pub directory: String,
    pub readers: Vec<String>,
    pub recordings: Vec<RowJson>,
    pub gross: GrossJson,
    pub average: Average,
}

impl BatchJson {
    pub fn new(b: &Batch) -> BatchJson {
        let g = b.gross();
        BatchJson {
            directory: b.directory.display().to_string(),
            readers: b.readers.clone(),
            recordings: b
                .rows
                .iter()
                .map(|(stem, c)| RowJson {
                    recording: stem.clone(),
                    report: Report::new(c),
                })
                .collect(),
            gross: GrossJson {
                recordings: b.rows.len(),
                duration_s: g.duration_s,
                event: g.event.as_ref().map(EventJson::new),
                beat: g.beat.as_ref().map(BeatJson::new),
                epoch: g.epoch.as_ref().map(EpochJson::new),
            },
            average: b.average(),
        }
    }
}
