//! SNIRF (fNIRS): `/nirs/dataN/dataTimeSeries` (time x channels) with its `time` (one time per
//! sample, or `[start, spacing]`) and `measurementListK` channel descriptions; `/nirs/auxN`
//! auxiliary channels (accelerometers...) on their own time bases; `/nirs/stimN` events.

use super::iso8601;
use super::storage::{Axes, Signal};
use super::timebase::{self, TimeBase};
use super::values::{is_string, scalar_f64, shape_text, small_f64s, strings, Cx};
use super::{pick_rate, Found};
use crate::formats::{Error, OpenOptions};
use crate::signal::{Annotation, Format};

/// The `/nirs` group (`/nirs1` in files with several).
pub fn root(cx: &Cx) -> Option<String> {
    ["/nirs", "/nirs1"]
        .into_iter()
        .find(|p| cx.group(&format!("{p}/data1")).is_some())
        .map(str::to_string)
}

/// Members of `group` named `prefix` + a number, in numeric order (`data10` after `data9`).
fn numbered(cx: &Cx, group: &str, prefix: &str) -> Result<Vec<(u64, String)>, Error> {
    let Some(g) = cx.group(group) else {
        return Ok(Vec::new());
    };
    let (groups, datasets) = g
        .member_names()
        .map_err(cx.err(format!("listing {group}")))?;
    let mut out: Vec<(u64, String)> = groups
        .into_iter()
        .chain(datasets)
        .filter_map(|n| {
            let k = n.strip_prefix(prefix)?.parse::<u64>().ok()?;
            Some((k, format!("{group}/{n}")))
        })
        .collect();
    out.sort();
    Ok(out)
}

fn number(cx: &Cx, path: &str) -> Result<Option<f64>, Error> {
    match cx.dataset(path) {
        Some(d) => scalar_f64(cx, &d, path),
        None => Ok(None),
    }
}

fn text(cx: &Cx, path: &str) -> Result<Option<String>, Error> {
    match cx.dataset(path).filter(|d| is_string(d.dtype())) {
        Some(d) => Ok(strings(cx, &d, path)?.into_iter().next()),
        None => Ok(None),
    }
}

fn texts(cx: &Cx, path: &str) -> Result<Vec<String>, Error> {
    match cx.dataset(path).filter(|d| is_string(d.dtype())) {
        Some(d) => strings(cx, &d, path),
        None => Ok(Vec::new()),
    }
}

/// What `--dataset` selects: every data block (`None`), one block, or nothing SNIRF-specific.
fn selected_block(root: &str, dataset: Option<&str>) -> Option<Option<String>> {
    let Some(d) = dataset else {
        return Some(None);
    };
    let d = format!("/{}", d.trim_matches('/'));
    if d == root {
        return Some(None);
    }
    let rest = d.strip_prefix(root)?.strip_prefix("/data")?;
    let num = rest.strip_suffix("/dataTimeSeries").unwrap_or(rest);
    num.parse::<u64>()
        .ok()
        .map(|_| Some(format!("{root}/data{num}")))
}

pub fn open(cx: &Cx, options: &OpenOptions) -> Result<Option<Found>, Error> {
    let Some(root) = root(cx) else {
        return Ok(None);
    };
    let Some(only) = selected_block(&root, options.dataset.as_deref()) else {
        return Ok(None);
    };
    let mut found = Found::new(Format::Snirf);
    let tags = format!("{root}/metaDataTags");
    let unit_s = match text(cx, &format!("{tags}/TimeUnit"))?.as_deref() {
        None | Some("s") => 1.0,
        Some("ms") => 1e-3,
        Some("us") => 1e-6,
        Some(other) => {
            found.notes.push(format!(
                "TimeUnit {other:?} is not s, ms or us; times taken as seconds"
            ));
            1.0
        }
    };
    let probe = Probe {
        wavelengths: match cx.dataset(&format!("{root}/probe/wavelengths")) {
            Some(d) => small_f64s(cx, &d, &format!("{root}/probe/wavelengths"))?,
            None => Vec::new(),
        },
        sources: texts(cx, &format!("{root}/probe/sourceLabels"))?,
        detectors: texts(cx, &format!("{root}/probe/detectorLabels"))?,
    };
    let blocks: Vec<String> = match &only {
        Some(b) => vec![b.clone()],
        None => numbered(cx, &root, "data")?
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
    };
    let mut t0 = None;
    for block in &blocks {
        let tb = data_block(cx, options, block, unit_s, &probe, &mut found)?;
        t0 = t0.or(Some(tb.t0));
    }
    let t0 = t0.unwrap_or(0.0);
    if t0 != 0.0 {
        found.notes.push(format!(
            "the first sample is at t = {t0} s of the file's time axis; times here count from it"
        ));
    }
    if only.is_none() {
        for (_, aux) in numbered(cx, &root, "aux")? {
            aux_channel(cx, options, &aux, unit_s, t0, &mut found)?;
        }
    }
    for (_, stim) in numbered(cx, &root, "stim")? {
        stims(cx, &stim, unit_s, t0, &mut found)?;
    }
    found
        .annotations
        .sort_by(|a, b| a.onset_s.total_cmp(&b.onset_s));
    if let Some(date) = text(cx, &format!("{tags}/MeasurementDate"))? {
        let time = text(cx, &format!("{tags}/MeasurementTime"))?;
        let parsed = iso8601::parse_parts(&date, time.as_deref());
        let written = match &time {
            Some(t) => format!("{date} {t}"),
            None => date.clone(),
        };
        found.start = iso8601::start_or_note(
            &format!("{tags}/MeasurementDate and MeasurementTime"),
            &written,
            parsed,
            &mut found.notes,
        )
        .and_then(|s| shift(s, t0));
    }
    Ok(Some(found))
}

/// `s` moved by `secs` (the file's time of the first sample); `None` when out of range.
fn shift(s: crate::signal::StartTime, secs: f64) -> Option<crate::signal::StartTime> {
    let offset = (secs * 1e7).round();
    if offset.is_nan() || offset.abs() >= 1e18 {
        return None;
    }
    let total = i64::from(s.subsecond_100ns) + offset as i64;
    let whole = chrono::TimeDelta::try_seconds(total.div_euclid(10_000_000))?;
    Some(crate::signal::StartTime::new(
        s.datetime.checked_add_signed(whole)?,
        total.rem_euclid(10_000_000) as u32,
    ))
}

struct Probe {
    wavelengths: Vec<f64>,
    sources: Vec<String>,
    detectors: Vec<String>,
}

/// One entry of a measurement list.
#[derive(Default)]
struct Measurement {
    source: Option<f64>,
    detector: Option<f64>,
    wavelength: Option<f64>,
    data_type: Option<f64>,
    type_label: Option<String>,
    unit: Option<String>,
}

impl Measurement {
    fn label(&self, probe: &Probe) -> String {
        let name = |idx: Option<f64>, labels: &[String], prefix: &str| match idx {
            Some(i) if i >= 1.0 => labels
                .get(i as usize - 1)
                .cloned()
                .unwrap_or_else(|| format!("{prefix}{i}")),
            _ => format!("{prefix}?"),
        };
        let s = name(self.source, &probe.sources, "S");
        let d = name(self.detector, &probe.detectors, "D");
        let wl = self
            .wavelength
            .filter(|&w| w >= 1.0)
            .and_then(|w| probe.wavelengths.get(w as usize - 1));
        // dataType 99999 is processed data (HbO, HbR...): its label says what it is.
        let kind = match (self.data_type, wl, &self.type_label) {
            (Some(t), _, Some(l)) if t >= 99999.0 => l.clone(),
            (_, Some(w), _) => format!("{w}"),
            (_, None, Some(l)) => l.clone(),
            _ => String::new(),
        };
        format!("{s}_{d} {kind}").trim_end().to_string()
    }
}

fn measurements(cx: &Cx, block: &str) -> Result<Vec<Measurement>, Error> {
    let mut out = Vec::new();
    for (_, m) in numbered(cx, block, "measurementList")? {
        if cx.group(&m).is_none() {
            continue;
        }
        out.push(Measurement {
            source: number(cx, &format!("{m}/sourceIndex"))?,
            detector: number(cx, &format!("{m}/detectorIndex"))?,
            wavelength: number(cx, &format!("{m}/wavelengthIndex"))?,
            data_type: number(cx, &format!("{m}/dataType"))?,
            type_label: text(cx, &format!("{m}/dataTypeLabel"))?,
            unit: text(cx, &format!("{m}/dataUnit"))?,
        });
    }
    if out.is_empty() {
        // SNIRF 1.1's `measurementLists`: one array per field.
        let m = format!("{block}/measurementLists");
        if cx.group(&m).is_some() {
            let col = |f: &str| -> Result<Vec<f64>, Error> {
                let p = format!("{m}/{f}");
                match cx.dataset(&p) {
                    Some(d) => small_f64s(cx, &d, &p),
                    None => Ok(Vec::new()),
                }
            };
            let (src, det, wl, ty) = (
                col("sourceIndex")?,
                col("detectorIndex")?,
                col("wavelengthIndex")?,
                col("dataType")?,
            );
            let labels = texts(cx, &format!("{m}/dataTypeLabel"))?;
            for i in 0..src.len().max(det.len()) {
                out.push(Measurement {
                    source: src.get(i).copied(),
                    detector: det.get(i).copied(),
                    wavelength: wl.get(i).copied(),
                    data_type: ty.get(i).copied(),
                    type_label: labels.get(i).cloned(),
                    unit: None,
                });
            }
        }
    }
    Ok(out)
}

/// Reads one `dataN` block; returns its time base.
fn data_block(
    cx: &Cx,
    options: &OpenOptions,
    block: &str,
    unit_s: f64,
    probe: &Probe,
    found: &mut Found,
) -> Result<TimeBase, Error> {
    let path = format!("{block}/dataTimeSeries");
    let ds = cx.dataset(&path).ok_or_else(|| {
        cx.missing(
            format!("dataset {path}"),
            "a SNIRF data block needs its dataTimeSeries",
        )
    })?;
    let list = measurements(cx, block)?;
    let k = list.len() as u64;
    let time_path = format!("{block}/time");
    let time_len = cx.dataset(&time_path).and_then(|d| d.num_elements().ok());
    let axes = match ds.shape() {
        &[_] => Axes::Vector,
        // The spec stores time x channels; the time vector's length or the measurement
        // count settles files written the other way round.
        &[a, b] if Some(b) == time_len && Some(a) != time_len => Axes::Rows { channels: a },
        &[a, b] if time_len == Some(2) && a == k && b != k => Axes::Rows { channels: a },
        &[_, b] => Axes::Columns { channels: b },
        s => return Err(cx.fail(format!("{path} has shape {s:?}; expected time x channels"))),
    };
    let signal = Signal::new(cx, ds, &path, axes)?;
    let tb = timebase::read(cx, &time_path, signal.samples, true, unit_s)?;
    let (from_file, why) = match &tb {
        Ok(t) => (Some((t.rate_hz, time_path.clone())), String::new()),
        Err(why) => (None, why.clone()),
    };
    let rate = pick_rate(cx, options, from_file, &path, &why, &mut found.notes)?;
    if let Ok(TimeBase {
        irregular: Some(dev),
        ..
    }) = tb
    {
        found.notes.push(format!(
            "{time_path} is not evenly spaced (an interval deviates {:.1}% from the mean); rate is the mean",
            dev * 100.0
        ));
    }
    let channels = axes.channels();
    if k != channels {
        found.notes.push(format!(
            "{block} has {k} measurement lists for {channels} channels; channels numbered instead"
        ));
    }
    found.notes.push(format!(
        "signals: {path} ({} {})",
        shape_text(signal.dataset.shape()),
        signal.num.name()
    ));
    for i in 0..channels {
        let m = list.get(i as usize).filter(|_| k == channels);
        let label = m.map_or_else(
            || format!("{}[{i}]", block.rsplit('/').next().unwrap_or("data")),
            |m| m.label(probe),
        );
        let unit = m.and_then(|m| m.unit.clone()).unwrap_or_default();
        found.push(label, unit, rate, &signal, i);
    }
    Ok(tb.unwrap_or(TimeBase {
        t0: 0.0,
        rate_hz: rate,
        irregular: None,
    }))
}

/// One `auxN` channel. A channel whose time base is unusable is skipped with a note unless
/// `--rate` supplies one.
fn aux_channel(
    cx: &Cx,
    options: &OpenOptions,
    aux: &str,
    unit_s: f64,
    t0: f64,
    found: &mut Found,
) -> Result<(), Error> {
    let path = format!("{aux}/dataTimeSeries");
    let Some(ds) = cx.dataset(&path) else {
        return Ok(());
    };
    let axes = match ds.shape() {
        &[_] => Axes::Vector,
        &[_, 1] => Axes::Columns { channels: 1 },
        &[1, _] => Axes::Rows { channels: 1 },
        s => {
            found
                .notes
                .push(format!("{path} has shape {s:?}; auxiliary channel skipped"));
            return Ok(());
        }
    };
    let name = text(cx, &format!("{aux}/name"))?
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| aux.rsplit('/').next().unwrap_or("aux").to_string());
    let signal = Signal::new(cx, ds, &path, axes)?;
    let time_path = format!("{aux}/time");
    let tb = timebase::read(cx, &time_path, signal.samples, true, unit_s)?;
    let rate = match &tb {
        Ok(t) => {
            if (t.t0 - t0).abs() > 1e-9 {
                found.notes.push(format!(
                    "{aux} ({name}) starts at t = {} s, not with the data; its samples are shown from 0",
                    t.t0
                ));
            }
            t.rate_hz
        }
        Err(why) => match options.rate_hz {
            Some(_) => pick_rate(cx, options, None, &path, why, &mut found.notes)?,
            None => {
                found.notes.push(format!(
                    "{aux} ({name}) skipped: {why}; pass --rate HZ to read it at a given rate"
                ));
                return Ok(());
            }
        },
    };
    let unit = text(cx, &format!("{aux}/dataUnit"))?.unwrap_or_default();
    found.push(name, unit, rate, &signal, 0);
    Ok(())
}

/// `stimN/data`: rows of [onset, duration, amplitude, ...], named by `stimN/name`.
fn stims(cx: &Cx, stim: &str, unit_s: f64, t0: f64, found: &mut Found) -> Result<(), Error> {
    let path = format!("{stim}/data");
    let Some(ds) = cx.dataset(&path) else {
        return Ok(());
    };
    let cols = match ds.shape() {
        &[n] if n >= 3 => n as usize,
        &[_, c] if c >= 3 => c as usize,
        &[] | &[0] | &[_, 0] | &[0, _] => return Ok(()),
        s => {
            found.notes.push(format!(
                "{path} has shape {s:?}, not rows of [onset, duration, amplitude]; not read"
            ));
            return Ok(());
        }
    };
    let name = text(cx, &format!("{stim}/name"))?
        .unwrap_or_else(|| stim.rsplit('/').next().unwrap_or("stim").to_string());
    let values = small_f64s(cx, &ds, &path)?;
    for row in values.chunks_exact(cols) {
        let (onset, duration, amplitude) = (row[0], row[1], row[2]);
        let text = if amplitude == 1.0 {
            name.clone()
        } else {
            format!("{name} (amplitude {amplitude})")
        };
        found.annotations.push(Annotation {
            onset_s: onset * unit_s - t0,
            duration_s: Some(duration * unit_s),
            text,
            channel: None,
        });
    }
    Ok(())
}
