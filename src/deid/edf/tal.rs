//! Scrubbing the annotation texts of one record's annotation signal in place.
//!
//! A TAL is `+onset[\x15duration]\x14text\x14...\x14\x00` (EDF+ section 2.2.2). Onsets and
//! durations are kept byte for byte, so is the first text of the record's time-keeping TAL
//! (section 2.2.4) and with it the sub-second start. The scrubbed TALs must fit in the bytes
//! the signal has in the record: a text that grew takes short placeholders (`X`), and if it
//! still does not fit, it is cut; it keeps at least one character, so no annotation is lost.

use crate::deid::scrub::Scrubber;
use crate::formats::edf::tal::{self, TalError};

/// What scrubbing one slot did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlotStats {
    /// Replacements (names, dates, times).
    pub replaced: usize,
    /// Texts that were changed.
    pub texts: usize,
    /// Texts whose placeholders were shortened to fit.
    pub shortened: usize,
    /// Texts cut to fit.
    pub cut: usize,
}

impl SlotStats {
    pub fn add(&mut self, o: SlotStats) {
        self.replaced += o.replaced;
        self.texts += o.texts;
        self.shortened += o.shortened;
        self.cut += o.cut;
    }
}

/// One text of a TAL: its bytes as stored, and when scrubbed, the new text.
struct Text<'a> {
    old: &'a [u8],
    new: Option<String>,
}

struct RawTal<'a> {
    head: &'a [u8],
    texts: Vec<Text<'a>>,
}

/// Scrubs the TAL texts of `slot`; `keeping` says it is the record's first annotation signal,
/// whose first TAL keeps its time-keeping text. Unchanged slots are left as they are.
pub fn scrub_slot(
    slot: &mut [u8],
    keeping: bool,
    scrubber: &Scrubber,
) -> Result<SlotStats, TalError> {
    tal::parse(slot)?;
    let mut tals = split(slot);
    let mut stats = SlotStats::default();
    for (t, raw) in tals.iter_mut().enumerate() {
        let skip = usize::from(keeping && t == 0);
        for text in raw
            .texts
            .iter_mut()
            .skip(skip)
            .filter(|x| !x.old.is_empty())
        {
            let s = scrubber.scrub(&tal::decode_text(text.old));
            if s.replaced > 0 {
                stats.replaced += s.replaced;
                stats.texts += 1;
                text.new = Some(s.text);
            }
        }
    }
    if stats.texts == 0 {
        return Ok(stats);
    }
    fit(&mut tals, slot.len(), scrubber, &mut stats);
    fit_last_resort(&mut tals, slot.len(), &mut stats);
    let bytes = join(&tals);
    slot[..bytes.len()].copy_from_slice(&bytes);
    slot[bytes.len()..].fill(0);
    Ok(stats)
}

/// The TALs of a slot, which `tal::parse` has accepted.
fn split(slot: &[u8]) -> Vec<RawTal<'_>> {
    slot.split(|&b| b == 0)
        .filter(|c| !c.is_empty())
        .map(|chunk| {
            let body = &chunk[..chunk.len() - 1];
            let mut parts = body.split(|&b| b == 0x14);
            let head = parts.next().unwrap_or_default();
            RawTal {
                head,
                texts: parts.map(|old| Text { old, new: None }).collect(),
            }
        })
        .collect()
}

fn join(tals: &[RawTal<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for t in tals {
        out.extend_from_slice(t.head);
        for x in &t.texts {
            out.push(0x14);
            out.extend_from_slice(x.new.as_ref().map_or(x.old, |s| s.as_bytes()));
        }
        out.extend_from_slice(b"\x14\x00");
    }
    out
}

fn joined_len(tals: &[RawTal<'_>]) -> usize {
    tals.iter()
        .map(|t| {
            let texts: usize = t
                .texts
                .iter()
                .map(|x| 1 + x.new.as_ref().map_or(x.old.len(), String::len))
                .sum();
            t.head.len() + texts + 2
        })
        .sum()
}

/// Shortens the scrubbed texts until the TALs fit in `room` bytes: first short placeholders,
/// then, from the last text back, cuts. Heads and unchanged texts are never touched, and every
/// changed text can shrink to one character, so the result always fits: the original held at
/// least one byte per text and at least one NUL per TAL.
fn fit(tals: &mut [RawTal<'_>], room: usize, scrubber: &Scrubber, stats: &mut SlotStats) {
    if joined_len(tals) <= room {
        return;
    }
    for x in tals.iter_mut().flat_map(|t| t.texts.iter_mut()) {
        if x.new.as_ref().is_some_and(|n| n.len() > x.old.len()) {
            x.new = Some(scrubber.scrub_short(&tal::decode_text(x.old), "X").text);
            stats.shortened += 1;
        }
    }
    let mut over = joined_len(tals).saturating_sub(room);
    let changed = tals
        .iter_mut()
        .flat_map(|t| t.texts.iter_mut())
        .filter_map(|x| x.new.as_mut());
    let mut changed: Vec<&mut String> = changed.collect();
    for n in changed.iter_mut().rev() {
        if over == 0 {
            break;
        }
        let keep = n.len().saturating_sub(over).max(1);
        let cut_at = (1..=keep)
            .rev()
            .find(|&k| n.is_char_boundary(k))
            .unwrap_or(n.len());
        over = over.saturating_sub(n.len() - cut_at);
        n.truncate(cut_at);
        stats.cut += 1;
    }
}

/// The last resort of [`fit`]: every changed text becomes `X` (one byte, as short as any text
/// the slot held), when cutting on a character boundary still left a multi-byte character.
fn fit_last_resort(tals: &mut [RawTal<'_>], room: usize, stats: &mut SlotStats) {
    if joined_len(tals) <= room {
        return;
    }
    for n in tals
        .iter_mut()
        .flat_map(|t| t.texts.iter_mut())
        .filter_map(|x| x.new.as_mut())
    {
        *n = "X".to_string();
        stats.cut += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deid::{Identifiers, Shift};

    fn scrubber() -> Scrubber {
        let mut ids = Identifiers::default();
        ids.add_name("Jane_Li");
        Scrubber::new(ids, Some(Shift::days(1)))
    }

    fn run(bytes: &[u8], room: usize) -> (Vec<u8>, SlotStats) {
        let mut slot = bytes.to_vec();
        slot.resize(room, 0);
        let stats = scrub_slot(&mut slot, true, &scrubber()).unwrap();
        let shown = String::from_utf8_lossy(&slot).replace('\0', ".");
        println!(
            "{:?} -> {shown:?} {stats:?}",
            String::from_utf8_lossy(bytes)
        );
        let back = tal::parse(&slot).unwrap();
        let before = tal::parse(bytes).unwrap();
        assert_eq!(back.len(), before.len(), "no TAL lost");
        for (a, b) in back.iter().zip(&before) {
            assert_eq!(
                (a.onset_100ns, a.duration_100ns),
                (b.onset_100ns, b.duration_100ns)
            );
            assert_eq!(a.texts.len(), b.texts.len());
        }
        (slot, stats)
    }

    #[test]
    fn texts_are_scrubbed_and_onsets_and_time_keeping_kept() {
        let b = b"+0.25\x14\x14Jane at 22:30\x14\x00+3\x1530\x14called Li\x14\x00";
        let (slot, st) = run(b, 80);
        let want = b"+0.25\x14\x14[name] at [time]\x14\x00+3\x1530\x14called [name]\x14\x00";
        assert_eq!(&slot[..want.len()], want);
        assert!(slot[want.len()..].iter().all(|&b| b == 0));
        assert_eq!((st.replaced, st.texts, st.shortened, st.cut), (3, 2, 0, 0));
    }

    #[test]
    fn untouched_slots_stay_byte_for_byte() {
        let b = b"+0\x14\x14\x00\x00+1\x14Lights off\x14\x00\x00\x00";
        let (slot, st) = run(b, b.len());
        assert_eq!(slot, b);
        assert_eq!(st, SlotStats::default());
    }

    #[test]
    fn a_text_that_grew_takes_short_placeholders_then_is_cut() {
        let b = b"+0\x14\x14\x00+1\x14Li Li\x14\x00";
        let (slot, st) = run(b, b.len());
        assert_eq!(&slot[..b.len()], b"+0\x14\x14\x00+1\x14X X\x14\x00\x00\x00");
        assert_eq!((st.shortened, st.cut), (1, 0));
        let b = b"+0\x14\x14\x00+1\x14Li\x14\x00";
        let (slot, st) = run(b, b.len());
        assert_eq!(&slot[..], b"+0\x14\x14\x00+1\x14X\x14\x00\x00");
        let b = b"+0\x14\x14\x00+1\x14Jane 22:30\x14\x00";
        let (_, st2) = run(b, b.len());
        assert_eq!((st.cut, st2.cut), (0, 0));
    }

    #[test]
    fn unparseable_bytes_are_an_error_with_the_offset() {
        let mut slot = b"+0\x14\x14\x00+1\x14Jane".to_vec();
        let e = scrub_slot(&mut slot, true, &scrubber()).unwrap_err();
        assert_eq!(e.offset, 5);
    }
}
