//! NWB 2.x: TimeSeries (ElectricalSeries...) under `/acquisition`, each with `data` (time first),
//! `starting_time` + its `rate` attribute or `timestamps`, and `conversion`/`offset`/`unit` on
//! `data` (physical = data * conversion + offset). ElectricalSeries name their channels through
//! `electrodes`, row indices into `/general/extracellular_ephys/electrodes`.

use hdf5_reader::Dataset;

use super::iso8601;
use super::storage::{Axes, Signal};
use super::timebase;
use super::values::{
    attr_f64, attr_string, find_attr, is_string, scalar_f64, shape_text, small_f64s, strings, Cx,
};
use super::{pick_rate, Found};
use crate::formats::{Error, OpenOptions};
use crate::signal::Format;

const ELECTRODES: &str = "/general/extracellular_ephys/electrodes";
/// Columns of the electrodes table that name a channel, best first.
const LABEL_COLUMNS: &[&str] = &["label", "channel_name", "name", "location"];

pub fn detect(cx: &Cx) -> bool {
    let Ok(root) = cx.file.root_group() else {
        return false;
    };
    let attrs = root.attributes().unwrap_or_default();
    find_attr(&attrs, &["nwb_version"]).is_some()
        || find_attr(&attrs, &["neurodata_type"])
            .and_then(attr_string)
            .is_some_and(|t| t == "NWBFile")
}

/// TimeSeries groups: children of /acquisition with `data`, and one level below (containers
/// such as LFP hold their series).
fn series(cx: &Cx) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let Some(acq) = cx.group("/acquisition") else {
        return Ok(out);
    };
    let (groups, _) = acq.member_names().map_err(cx.err("listing /acquisition"))?;
    for g in groups {
        let p = format!("/acquisition/{g}");
        if cx.dataset(&format!("{p}/data")).is_some() {
            out.push(p);
        } else if let Some(sub) = cx.group(&p) {
            let (inner, _) = sub.member_names().map_err(cx.err(format!("listing {p}")))?;
            for i in inner {
                let q = format!("{p}/{i}");
                if cx.dataset(&format!("{q}/data")).is_some() {
                    out.push(q);
                }
            }
        }
    }
    Ok(out)
}

pub fn open(cx: &Cx, options: &OpenOptions) -> Result<Option<Found>, Error> {
    if !detect(cx) {
        return Ok(None);
    }
    let list = match &options.dataset {
        Some(d) => {
            let d = format!("/{}", d.trim_matches('/'));
            let g = d.strip_suffix("/data").unwrap_or(&d).to_string();
            if cx.dataset(&format!("{g}/data")).is_none() {
                return Ok(None);
            }
            vec![g]
        }
        None => series(cx)?,
    };
    if list.is_empty() {
        return Ok(None);
    }
    let mut found = Found::new(Format::Nwb);
    let mut first_error = None;
    let mut read = 0;
    for s in &list {
        match one_series(cx, options, s, &mut found) {
            Ok(()) => read += 1,
            Err(e @ Error::Missing { .. }) if list.len() > 1 => {
                found.notes.push(format!("{s} skipped: {e}"));
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    if read == 0 {
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    if let Some(d) = cx.dataset("/session_start_time") {
        if let Some(s) = strings(cx, &d, "/session_start_time")?.first() {
            found.start = iso8601::start_or_note(
                "/session_start_time",
                s,
                iso8601::parse(s),
                &mut found.notes,
            );
        }
    }
    Ok(Some(found))
}

fn one_series(cx: &Cx, options: &OpenOptions, g: &str, found: &mut Found) -> Result<(), Error> {
    let path = format!("{g}/data");
    let name = g.rsplit('/').next().unwrap_or(g).to_string();
    let Some(ds) = cx.dataset(&path) else {
        return Ok(());
    };
    let Some(axes) = series_axes(&path, ds.shape(), &mut found.notes) else {
        return Ok(());
    };
    let scaling = Scaling::of(&ds);
    let signal = Signal::new(cx, ds, &path, axes)?;
    let timing = timing(cx, g, signal.samples, &mut found.notes)?;
    let rate = pick_rate(
        cx,
        options,
        timing.from_file,
        g,
        &timing.why,
        &mut found.notes,
    )?;
    if timing.t0 != 0.0 {
        found.notes.push(format!(
            "{g} starts {} s after the session start; its samples are shown from 0",
            timing.t0
        ));
    }
    let channels = axes.channels();
    let per_channel = channel_conversion(cx, g, channels)?;
    let labels = labels(cx, g, channels, found)?;
    found.notes.push(scaling.note(&path, &signal));
    for i in 0..channels {
        let label = channel_label(labels.as_deref(), axes, &name, i);
        let scale = scaling.conversion * per_channel.as_ref().map_or(1.0, |c| c[i as usize]);
        let (unit, offset) = (scaling.unit.clone(), scaling.offset);
        found.push_scaled(label, unit, rate, &signal, i, scale, offset);
    }
    Ok(())
}

/// The electrodes' label, else the series name (with the column index for 2-D data).
fn channel_label(labels: Option<&[String]>, axes: Axes, name: &str, i: u64) -> String {
    match (labels, axes) {
        (Some(l), _) => l[i as usize].clone(),
        (None, Axes::Vector) => name.to_string(),
        (None, _) => format!("{name}[{i}]"),
    }
}

/// 1-D data is one channel, 2-D is time x channels; anything else is skipped with a note.
fn series_axes(path: &str, shape: &[u64], notes: &mut Vec<String>) -> Option<Axes> {
    match shape {
        &[_] => Some(Axes::Vector),
        &[_, c] => Some(Axes::Columns { channels: c }),
        s => {
            notes.push(format!(
                "{path} has shape {s:?}; sigmark reads 1-D and 2-D TimeSeries data"
            ));
            None
        }
    }
}

/// `conversion`, `offset` and `unit` of a TimeSeries' `data` (physical = data * conversion +
/// offset).
struct Scaling {
    conversion: f64,
    offset: f64,
    unit: String,
}

impl Scaling {
    fn of(ds: &Dataset) -> Scaling {
        let attrs = ds.attributes();
        let get = |n: &str| find_attr(&attrs, &[n]).and_then(attr_f64);
        Scaling {
            conversion: get("conversion").unwrap_or(1.0),
            offset: get("offset").unwrap_or(0.0),
            unit: find_attr(&attrs, &["unit"])
                .and_then(attr_string)
                .unwrap_or_default(),
        }
    }

    /// The note saying where the signals come from and how they are scaled.
    fn note(&self, path: &str, signal: &Signal) -> String {
        let (conversion, offset, unit) = (self.conversion, self.offset, &self.unit);
        format!(
            "signals: {path} ({} {}, {unit}{})",
            shape_text(signal.dataset.shape()),
            signal.num.name(),
            if (conversion, offset) == (1.0, 0.0) {
                String::new()
            } else {
                format!(", physical = data * {conversion} + {offset}")
            }
        )
    }
}

/// Where a series' rate comes from: the rate read from the file and its source, why there is
/// none when there is none, and the series' start after the session start.
struct Timing {
    from_file: Option<(f64, String)>,
    why: String,
    t0: f64,
}

/// The timing of series `g`: `starting_time` with its `rate` attribute, else `timestamps`.
fn timing(cx: &Cx, g: &str, samples: u64, notes: &mut Vec<String>) -> Result<Timing, Error> {
    let st_path = format!("{g}/starting_time");
    let ts_path = format!("{g}/timestamps");
    if let Some(st) = cx.dataset(&st_path) {
        let rate = find_attr(&st.attributes(), &["rate"]).and_then(attr_f64);
        return Ok(Timing {
            t0: scalar_f64(cx, &st, &st_path)?.unwrap_or(0.0),
            why: format!("{st_path} has no numeric rate attribute"),
            from_file: rate.map(|r| (r, format!("attribute rate of {st_path}"))),
        });
    }
    if cx.dataset(&ts_path).is_some() {
        return from_timestamps(cx, &ts_path, samples, notes);
    }
    Ok(Timing {
        from_file: None,
        why: format!("{g} has neither starting_time nor timestamps"),
        t0: 0.0,
    })
}

/// The mean rate and first time of `timestamps`, noting when they are not evenly spaced.
fn from_timestamps(
    cx: &Cx,
    ts_path: &str,
    samples: u64,
    notes: &mut Vec<String>,
) -> Result<Timing, Error> {
    Ok(match timebase::read(cx, ts_path, samples, false, 1.0)? {
        Ok(tb) => {
            if let Some(dev) = tb.irregular {
                notes.push(format!(
                    "{ts_path} is not evenly spaced (an interval deviates {:.1}% from the mean); rate is the mean",
                    dev * 100.0
                ));
            }
            Timing {
                from_file: Some((tb.rate_hz, ts_path.to_string())),
                why: String::new(),
                t0: tb.t0,
            }
        }
        Err(why) => Timing {
            from_file: None,
            why,
            t0: 0.0,
        },
    })
}

/// ElectricalSeries' optional per-channel gain (`channel_conversion`).
fn channel_conversion(cx: &Cx, g: &str, channels: u64) -> Result<Option<Vec<f64>>, Error> {
    let p = format!("{g}/channel_conversion");
    let Some(d) = cx.dataset(&p) else {
        return Ok(None);
    };
    let v = small_f64s(cx, &d, &p)?;
    Ok((v.len() as u64 == channels).then_some(v))
}

/// Channel labels from the electrodes table rows the series refers to.
fn labels(
    cx: &Cx,
    g: &str,
    channels: u64,
    found: &mut Found,
) -> Result<Option<Vec<String>>, Error> {
    let p = format!("{g}/electrodes");
    let Some(d) = cx.dataset(&p) else {
        return Ok(None);
    };
    let rows = match small_f64s(cx, &d, &p) {
        Ok(r) => r,
        Err(e) => {
            found.notes.push(format!("{p} not read: {e}"));
            return Ok(None);
        }
    };
    if rows.len() as u64 != channels {
        found.notes.push(format!(
            "{p} lists {} electrodes for {channels} channels; channels numbered instead",
            rows.len()
        ));
        return Ok(None);
    }
    for col in LABEL_COLUMNS {
        let cp = format!("{ELECTRODES}/{col}");
        let Some(c) = cx.dataset(&cp).filter(|c| is_string(c.dtype())) else {
            continue;
        };
        let names = strings(cx, &c, &cp)?;
        let picked: Option<Vec<String>> = rows
            .iter()
            .map(|&r| {
                (r >= 0.0 && r.fract() == 0.0)
                    .then(|| names.get(r as usize).cloned())
                    .flatten()
            })
            .collect();
        match picked {
            Some(l) => return Ok(Some(l)),
            None => found.notes.push(format!(
                "{p} refers to rows outside {cp} ({} rows)",
                names.len()
            )),
        }
    }
    Ok(None)
}
