//! Between MIT entries and sigmark's model: `to_annotations` (a file as a recording's embedded
//! annotations), `from_events` (a reader's events as entries), and the record line's frequency.

use std::path::Path;

use super::codes::{self, NOISE, NOTE, RHYTHM};
use super::{AnnotationFile, Entry};
use crate::signal::Annotation;

/// The entries as sigmark annotations, seconds = sample / ticks, where ticks per second are
/// the file's `## time resolution` when it has one, else `record_fs` (the frame rate).
///
/// - beats and other coded points: a point with the symbol (`N`, `V`, `x`...), followed by the
///   AUX text when there is one (`N 110.6/49.7`);
/// - rhythm changes (`+`): an interval with the AUX text without its trailing NUL (`(AFIB`),
///   from this change to the next one, the last until `end_s`;
/// - signal quality (`~`) with its AUX text when there is one; comments (`"`): the text;
/// - left out: code-0 words, `## ` notes and label definitions at sample 0 (the file's own
///   metadata); kept: other sample-0 NOTEs (`gqrs -r 100`).
///
/// `channel` is the signal the CHN word names (from `signals`, the header's signal names) in
/// files that have CHN words; files without them annotate the record as a whole.
pub fn to_annotations(
    file: &AnnotationFile,
    record_fs: f64,
    end_s: f64,
    signals: &[String],
) -> Vec<Annotation> {
    let ticks = file.fs.unwrap_or(record_fs);
    let secs = |s: i64| if ticks > 0.0 { s as f64 / ticks } else { 0.0 };
    let rhythm_onsets: Vec<f64> = file
        .entries
        .iter()
        .filter(|e| e.code == RHYTHM)
        .map(|e| secs(e.sample))
        .collect();
    let mut next_rhythm = 0usize;
    let mut out = Vec::new();
    for e in &file.entries {
        if e.code == 0 || is_metadata(file, e) {
            continue;
        }
        let onset_s = secs(e.sample);
        let aux = e.aux_text();
        let symbol = file.symbol(e.code).unwrap_or("?");
        let (text, duration_s) = match e.code {
            RHYTHM => {
                next_rhythm += 1;
                let end = rhythm_onsets.get(next_rhythm).copied().unwrap_or(end_s);
                let text = if aux.is_empty() {
                    symbol.to_string()
                } else {
                    aux
                };
                (text, Some((end - onset_s).max(0.0)))
            }
            NOTE if !aux.is_empty() => (aux, None),
            _ if aux.trim().is_empty() => (symbol.to_string(), None),
            _ => (format!("{symbol} {aux}"), None),
        };
        let channel = (file.words.chn > 0)
            .then(|| signals.get(usize::from(e.chan)).cloned())
            .flatten();
        out.push(Annotation {
            onset_s,
            duration_s,
            text,
            channel,
        });
    }
    out
}

/// A sample-0 NOTE that is the file's own metadata: `## ...` or a label definition.
fn is_metadata(file: &AnnotationFile, e: &Entry) -> bool {
    if e.sample != 0 || e.code != NOTE {
        return false;
    }
    let text = e.aux_latin1();
    text.starts_with("## ")
        || file
            .definitions
            .iter()
            .any(|d| text.starts_with(&format!("{} {} {}", d.code, d.symbol, d.description)))
}

/// The frame rate of a WFDB record, from its header (parsed whole by the WFDB reader, so a
/// header the record cannot be opened with is refused here too, with its line and field).
pub fn record_frequency(hea_path: &Path) -> Result<f64, crate::signal::Error> {
    Ok(crate::formats::wfdb::header::read(hea_path)?.fs)
}

/// One of sigmark's events to write.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    pub onset_s: f64,
    pub duration_s: f64,
    pub label: String,
}

/// Events as MIT entries at `fs` ticks per second, sorted by sample (stable):
/// points with a beat label become that beat (`PVC` -> `V`, `PAC` -> `A`, `N`, `F`, `Q`, and
/// every MIT beat symbol); intervals with a rhythm label become `+` with the rhythm AUX
/// (`AF` -> `(AFIB`) at the onset and `+` `(N` at the end (left out when another rhythm starts
/// there); `Noise` becomes `~` at the onset and at the end; everything else a comment
/// (`"`) with the label at the onset, and for intervals `LABEL end` at the end.
pub fn from_events(events: &[EventSpec], fs: f64) -> Vec<Entry> {
    let at = |s: f64| (s * fs).round().max(0.0) as i64;
    let mut out: Vec<Entry> = Vec::new();
    let rhythm_starts: Vec<i64> = events
        .iter()
        .filter(|e| codes::rhythm_for_label(&e.label).is_some())
        .map(|e| at(e.onset_s))
        .collect();
    for ev in events {
        let (on, off) = (at(ev.onset_s), at(ev.onset_s + ev.duration_s.max(0.0)));
        let interval = ev.duration_s > 0.0;
        if let (Some(code), false) = (codes::code_for_label(&ev.label), interval) {
            out.push(Entry::new(on, code));
        } else if let Some(r) = codes::rhythm_for_label(&ev.label).filter(|_| interval) {
            out.push(aux_entry(on, RHYTHM, r));
            if !rhythm_starts.contains(&off) {
                out.push(aux_entry(off, RHYTHM, "(N"));
            }
        } else if ev.label == "Noise" && interval {
            out.push(aux_entry(on, NOISE, "Noise"));
            out.push(Entry::new(off, NOISE));
        } else {
            out.push(aux_entry(on, NOTE, &ev.label));
            if interval {
                out.push(aux_entry(off, NOTE, &format!("{} end", ev.label)));
            }
        }
    }
    out.sort_by_key(|e| e.sample);
    out
}

/// An entry with AUX text (at most 255 bytes, cut at a character boundary).
fn aux_entry(sample: i64, code: u8, text: &str) -> Entry {
    let mut end = text.len().min(255);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut e = Entry::new(sample, code);
    e.aux = Some(text.as_bytes()[..end].to_vec());
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn af_interval_becomes_two_rhythm_changes_and_back() {
        let ev = |o: f64, d: f64, l: &str| EventSpec {
            onset_s: o,
            duration_s: d,
            label: l.into(),
        };
        let entries = from_events(
            &[
                ev(1.0, 0.0, "PVC"),
                ev(2.0, 3.0, "AF"),
                ev(3.0, 0.0, "Spike"),
            ],
            360.0,
        );
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.sample, e.code, e.aux_text()))
            .collect();
        println!("{got:?}");
        assert_eq!(
            got,
            vec![
                (360, 5, String::new()),
                (720, 28, "(AFIB".into()),
                (1080, 22, "Spike".into()),
                (1800, 28, "(N".into())
            ]
        );
    }
}
