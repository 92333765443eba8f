//! Generic layouts, found by walking the file: a 2-D numeric dataset (channels x samples or
//! samples x channels), or a group of 1-D datasets with one channel each.
//!
//! Choice among several: `--dataset` when given; else the one candidate whose sampling rate the
//! file states; else the only candidate; else an error listing the candidates.

use std::collections::HashSet;

use hdf5_reader::group::Group;
use hdf5_reader::{Attribute, Dataset};

use super::meta::{
    missing_rate_why, names_of, own_rate, rate_of, units_of, LABEL_NAMES, NAME_NAMES, RATE_NAMES,
};
use super::storage::{Axes, Signal};
use super::values::{attr_strings, base_name, find_attr, join, parent_of, shape_text, Cx, Num};
use super::{pick_rate, Found};
use crate::formats::{Error, OpenOptions};
use crate::signal::Format;

/// 1-D datasets with these names are time axes, not channels.
const TIME_NAMES: &[&str] = &["time", "times", "timestamps", "t"];

/// Bounds on the walk: a hostile file can link groups into cycles or nest them deeply.
const MAX_OBJECTS: usize = 200_000;
const MAX_DEPTH: usize = 64;

enum Kind {
    /// A 2-D dataset.
    Matrix(Dataset),
    /// A 1-D dataset named by `--dataset`.
    Vector(Dataset),
    /// A group's 1-D datasets, with their paths.
    Members(Vec<(String, Dataset)>),
}

struct Candidate {
    path: String,
    kind: Kind,
    /// True when the file states a sampling rate for every channel.
    rated: bool,
}

impl Candidate {
    fn describe(&self) -> String {
        match &self.kind {
            Kind::Matrix(ds) | Kind::Vector(ds) => format!(
                "{} [{} {}]",
                self.path,
                shape_text(ds.shape()),
                Num::of(ds.dtype()).map_or("?", |n| n.name())
            ),
            Kind::Members(m) => format!("{} [group of {} 1-D datasets]", self.path, m.len()),
        }
    }
}

pub fn open(cx: &Cx, options: &OpenOptions, format: Format) -> Result<Found, Error> {
    let chosen = match &options.dataset {
        Some(p) => named(cx, p)?,
        None => choose(cx, walk(cx)?)?,
    };
    let mut found = Found::new(format);
    if options.dataset.is_some() {
        found
            .notes
            .push(format!("signals from --dataset {}", chosen.path));
    }
    match chosen.kind {
        Kind::Matrix(ds) => matrix(cx, options, &chosen.path, ds, &mut found)?,
        Kind::Vector(ds) => {
            let group = parent_of(&chosen.path).to_string();
            let group_attrs = cx
                .group(&group)
                .and_then(|g| g.attributes().ok())
                .unwrap_or_default();
            member(cx, options, &chosen.path, ds, &group_attrs, &mut found)?;
        }
        Kind::Members(members) => {
            let group_attrs = cx
                .group(&chosen.path)
                .and_then(|g| g.attributes().ok())
                .unwrap_or_default();
            for (p, ds) in order(members, &group_attrs) {
                member(cx, options, &p, ds, &group_attrs, &mut found)?;
            }
        }
    }
    Ok(found)
}

/// The candidate `--dataset PATH` names: a dataset, or a group of 1-D datasets.
fn named(cx: &Cx, path: &str) -> Result<Candidate, Error> {
    let path = format!("/{}", path.trim_matches('/'));
    if let Some(ds) = cx.dataset(&path) {
        let kind = match ds.ndim() {
            1 => Kind::Vector(ds),
            2 => Kind::Matrix(ds),
            n => {
                return Err(cx.fail(format!(
                    "--dataset {path} has {n} dimensions ({}); sigmark reads 1-D and 2-D datasets",
                    shape_text(ds.shape())
                )))
            }
        };
        return Ok(Candidate {
            path,
            kind,
            rated: false,
        });
    }
    if let Some(g) = cx.group(&path) {
        let (_, datasets) = g.members().map_err(cx.err(format!("listing {path}")))?;
        let members: Vec<_> = datasets
            .into_iter()
            .filter(is_channel_vector)
            .map(|d| (join(&path, d.name()), d))
            .collect();
        if members.is_empty() {
            return Err(cx.missing(
                format!("signal data in --dataset {path}"),
                "the group holds no 1-D numeric datasets; name a dataset instead",
            ));
        }
        return Ok(Candidate {
            path,
            kind: Kind::Members(members),
            rated: false,
        });
    }
    let listing = walk(cx)
        .map(|c| list(&c))
        .unwrap_or_else(|e| format!("(the file could not be listed: {e})"));
    Err(cx.missing(
        format!("dataset {path} (from --dataset)"),
        format!("the file has no dataset or group at that path; candidates: {listing}"),
    ))
}

fn list(c: &[Candidate]) -> String {
    if c.is_empty() {
        return "none".into();
    }
    c.iter()
        .map(Candidate::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

fn choose(cx: &Cx, mut cands: Vec<Candidate>) -> Result<Candidate, Error> {
    let rated = cands.iter().filter(|c| c.rated).count();
    if rated == 1 {
        if let Some(i) = cands.iter().position(|c| c.rated) {
            return Ok(cands.swap_remove(i));
        }
    }
    if rated > 1 {
        let listed: Vec<Candidate> = cands.into_iter().filter(|c| c.rated).collect();
        return Err(cx.missing(
            "the choice of signal dataset",
            format!(
                "{} candidates state a sampling rate: {}; pass --dataset PATH",
                listed.len(),
                list(&listed)
            ),
        ));
    }
    match cands.len() {
        0 => Err(cx.missing(
            "signal data",
            "the file has no 1-D or 2-D numeric dataset",
        )),
        1 => Ok(cands.swap_remove(0)),
        n => Err(cx.missing(
            "the choice of signal dataset",
            format!(
                "{n} candidates and none states a sampling rate: {}; pass --dataset PATH (and --rate HZ)",
                list(&cands)
            ),
        )),
    }
}

fn is_channel_vector(d: &Dataset) -> bool {
    d.ndim() == 1
        && d.shape().first().is_some_and(|&n| n >= 2)
        && Num::of(d.dtype()).is_some()
        && !TIME_NAMES.iter().any(|t| d.name().eq_ignore_ascii_case(t))
}

/// Every group and numeric dataset, depth first, as candidates.
fn walk(cx: &Cx) -> Result<Vec<Candidate>, Error> {
    let root = cx
        .file
        .root_group()
        .map_err(cx.err("reading the root group"))?;
    let mut seen = HashSet::new();
    let mut stack: Vec<(Group, String, usize)> = vec![(root, "/".to_string(), 0)];
    let mut out = Vec::new();
    let mut objects = 0usize;
    while let Some((g, path, depth)) = stack.pop() {
        if !seen.insert(g.address()) || depth > MAX_DEPTH {
            continue;
        }
        let (groups, datasets) = g.members().map_err(cx.err(format!("listing {path}")))?;
        objects += groups.len() + datasets.len();
        if objects > MAX_OBJECTS {
            return Err(cx.fail(format!(
                "more than {MAX_OBJECTS} objects; name the signals with --dataset PATH"
            )));
        }
        let attrs = g.attributes().unwrap_or_default();
        // The same sources `rate_of` reads, from what the listing already holds.
        let group_rated = own_rate(&attrs).is_some()
            || datasets.iter().any(|d| {
                RATE_NAMES.iter().any(|n| d.name().eq_ignore_ascii_case(n))
                    && Num::of(d.dtype()).is_some()
                    && d.num_elements().is_ok_and(|n| n == 1)
            });
        let mut members = Vec::new();
        for d in datasets {
            let p = join(&path, d.name());
            if d.ndim() == 2 && Num::of(d.dtype()).is_some() && d.shape().iter().all(|&n| n > 0) {
                let rated = group_rated || own_rate(&d.attributes()).is_some();
                out.push(Candidate {
                    path: p,
                    kind: Kind::Matrix(d),
                    rated,
                });
            } else if is_channel_vector(&d) {
                members.push((p, d));
            }
        }
        if !members.is_empty() {
            let rated = members.iter().all(|(_, d)| {
                own_rate(&d.attributes())
                    .or_else(|| own_rate(&attrs))
                    .is_some()
            });
            out.push(Candidate {
                path: path.clone(),
                kind: Kind::Members(members),
                rated,
            });
        }
        for sub in groups.into_iter().rev() {
            let p = join(&path, sub.name());
            stack.push((sub, p, depth + 1));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Layout (a): one 2-D dataset.
fn matrix(
    cx: &Cx,
    options: &OpenOptions,
    path: &str,
    ds: Dataset,
    found: &mut Found,
) -> Result<(), Error> {
    let (r, c) = match ds.shape() {
        &[r, c] => (r, c),
        s => return Err(cx.fail(format!("{path} has shape {s:?}, expected 2-D"))),
    };
    let names = names_of(cx, &ds, path)?;
    let (rows_are_channels, why) = match &names {
        Some((n, src)) if n.len() as u64 == r && r != c => {
            (true, format!("{} names in {src}", n.len()))
        }
        Some((n, src)) if n.len() as u64 == c && r != c => {
            (false, format!("{} names in {src}", n.len()))
        }
        _ if r == c => (true, "square, rows taken as channels".to_string()),
        _ => (r < c, "the shorter axis is channels".to_string()),
    };
    if let Some((n, src)) = &names {
        if n.len() as u64 != r && n.len() as u64 != c {
            found.notes.push(format!(
                "{} channel names in {src} match neither axis of {path} ({}); not used",
                n.len(),
                shape_text(ds.shape())
            ));
        }
    }
    let (axes, channels) = if rows_are_channels {
        (Axes::Rows { channels: r }, r)
    } else {
        (Axes::Columns { channels: c }, c)
    };
    let signal = Signal::new(cx, ds, path, axes)?;
    let ds = &signal.dataset;
    let rate = rate_of(cx, ds, path)?;
    let rate = pick_rate(
        cx,
        options,
        rate,
        path,
        &missing_rate_why(),
        &mut found.notes,
    )?;
    let parent_attrs = cx
        .group(parent_of(path))
        .and_then(|g| g.attributes().ok())
        .unwrap_or_default();
    let units = units_of(&ds.attributes(), &parent_attrs);
    let labels = names
        .map(|(n, _)| n)
        .filter(|n| n.len() as u64 == channels)
        .unwrap_or_else(|| {
            (0..channels)
                .map(|i| format!("{}[{i}]", base_name(path)))
                .collect()
        });
    found.notes.push(format!(
        "signals: {path} ({} {}, {} are channels: {why})",
        shape_text(ds.shape()),
        Num::of(ds.dtype()).map_or("?", |n| n.name()),
        if rows_are_channels { "rows" } else { "columns" }
    ));
    for (i, label) in labels.into_iter().enumerate() {
        let unit = match units.as_slice() {
            [u] => u.clone(),
            v if v.len() as u64 == channels => v[i].clone(),
            _ => String::new(),
        };
        found.push(label, unit, rate, &signal, i as u64);
    }
    Ok(())
}

/// Orders a group's datasets by the group's channel-name list where it names them, then by name.
fn order(mut members: Vec<(String, Dataset)>, group_attrs: &[Attribute]) -> Vec<(String, Dataset)> {
    let listed = find_attr(group_attrs, NAME_NAMES)
        .and_then(attr_strings)
        .unwrap_or_default();
    members.sort_by(|(a, _), (b, _)| {
        let rank = |p: &str| {
            listed
                .iter()
                .position(|n| n == base_name(p))
                .unwrap_or(usize::MAX)
        };
        rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
    });
    members
}

/// Layout (b): one channel per 1-D dataset, each with its own rate, unit and label.
fn member(
    cx: &Cx,
    options: &OpenOptions,
    path: &str,
    ds: Dataset,
    group_attrs: &[Attribute],
    found: &mut Found,
) -> Result<(), Error> {
    let attrs = ds.attributes();
    let rate = own_rate(&attrs)
        .map(|(r, s)| (r, format!("{s} of {path}")))
        .or_else(|| own_rate(group_attrs).map(|(r, s)| (r, format!("{s} of {}", parent_of(path)))));
    let rate = pick_rate(
        cx,
        options,
        rate,
        path,
        &format!(
            "no attribute {} on the dataset or its group",
            RATE_NAMES.join("/")
        ),
        &mut found.notes,
    )?;
    let label = find_attr(&attrs, LABEL_NAMES)
        .and_then(super::values::attr_string)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| base_name(path).to_string());
    let unit = units_of(&attrs, group_attrs)
        .into_iter()
        .next()
        .unwrap_or_default();
    let signal = Signal::new(cx, ds, path, Axes::Vector)?;
    found.push(label, unit, rate, &signal, 0);
    Ok(())
}
