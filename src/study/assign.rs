//! The assignment of readers to recordings: each recording to `reads` distinct readers, reader
//! loads within one of each other, reproducible from the study's seed, and each reader's
//! reading order shuffled on its own (so readers do not read in the same order).
//!
//! `study init` is [`extend`] onto an empty study; `study add` is [`extend`] onto the study as
//! it is: every recording goes to the `reads` least loaded readers (ties broken by a seeded
//! draw), which keeps loads within one of each other whenever they were before, and nothing
//! already assigned or ordered is touched.
//!
//! The random source is the crate's own SplitMix64 (`synth::rng`), the one the demo recordings
//! are made with, for the same reason: a study's `study.toml` must come out byte for byte the
//! same from the same inputs and seed on every sigmark build, which a dependency that changed
//! its algorithm or its sampling between versions could break.

use std::collections::{BTreeMap, BTreeSet};

use super::{Assignment, StudyFile};
use crate::synth::rng::Rng;

/// Why the assignment cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("no readers to assign recordings to")]
    NoReaders,
    #[error("{reads} reads per recording need at least {reads} readers; there are {readers}")]
    TooFewReaders { reads: usize, readers: usize },
    #[error("reads per recording must be at least 1")]
    NoReads,
    #[error("recording {0} is already in the study")]
    Present(String),
}

/// Assigns the recordings `new` (paths relative to the study directory, not yet in `file`) to
/// readers and appends each reader's share, shuffled, to the end of their order. Existing
/// assignments and orders are left exactly as they were; `recordings` stays sorted by path.
pub fn extend(file: &mut StudyFile, new: &[String]) -> Result<(), AssignError> {
    check(file, new)?;
    let mut new: Vec<&String> = new.iter().collect();
    new.sort();
    let mut rng = round_rng(file.seed, file.recordings.len());
    let mut loads = loads(file);
    let mut shares: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for path in new {
        let chosen = least_loaded(&loads, file.reads, &mut rng);
        for &r in &chosen {
            loads[r] += 1;
            shares.entry(r).or_default().push(path.clone());
        }
        file.recordings.push(Assignment {
            path: path.clone(),
            readers: chosen.iter().map(|&r| file.readers[r].clone()).collect(),
        });
    }
    file.recordings.sort_by(|a, b| a.path.cmp(&b.path));
    // One stream per reader, forked in reader order whether or not the reader got any: a
    // reader's order depends only on the seed, the round and their own share.
    for (r, name) in file.readers.iter().enumerate() {
        let mut own = rng.fork();
        let Some(mut share) = shares.remove(&r) else {
            continue;
        };
        shuffle(&mut share, &mut own);
        file.order.entry(name.clone()).or_default().extend(share);
    }
    Ok(())
}

/// Each reader's number of assigned recordings, by position in `file.readers`.
pub fn loads(file: &StudyFile) -> Vec<usize> {
    file.readers
        .iter()
        .map(|r| {
            file.recordings
                .iter()
                .filter(|a| a.readers.contains(r))
                .count()
        })
        .collect()
}

fn check(file: &StudyFile, new: &[String]) -> Result<(), AssignError> {
    if file.readers.is_empty() {
        return Err(AssignError::NoReaders);
    }
    if file.reads == 0 {
        return Err(AssignError::NoReads);
    }
    if file.reads > file.readers.len() {
        return Err(AssignError::TooFewReaders {
            reads: file.reads,
            readers: file.readers.len(),
        });
    }
    let present: BTreeSet<&str> = file.recordings.iter().map(|a| a.path.as_str()).collect();
    let mut seen = BTreeSet::new();
    match new
        .iter()
        .find(|p| present.contains(p.as_str()) || !seen.insert(p.as_str()))
    {
        Some(p) => Err(AssignError::Present(p.clone())),
        None => Ok(()),
    }
}

/// The stream of one `extend` call: the seed mixed with how many recordings the study already
/// had, so that each `study add` draws afresh while staying reproducible.
fn round_rng(seed: u64, existing: usize) -> Rng {
    let mut mix = Rng::new(seed ^ (existing as u64).rotate_left(32));
    mix.fork()
}

/// `reads` distinct readers of the lowest loads, ties broken at random; in reader order.
fn least_loaded(loads: &[usize], reads: usize, rng: &mut Rng) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..loads.len()).collect();
    shuffle(&mut idx, rng);
    idx.sort_by_key(|&r| loads[r]);
    let mut chosen = idx[..reads].to_vec();
    chosen.sort_unstable();
    chosen
}

/// Fisher-Yates.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, below(rng, i + 1));
    }
}

/// Uniform in `0..n` (`n > 0`), by rejection so that no value is favoured.
fn below(rng: &mut Rng, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let x = rng.next_u64();
        if x < zone {
            return (x % n) as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_covers_its_range_evenly() {
        let mut rng = Rng::new(3);
        let mut counts = [0usize; 7];
        for _ in 0..70_000 {
            counts[below(&mut rng, 7)] += 1;
        }
        println!("{counts:?}");
        assert!(counts.iter().all(|&c| (9_000..11_000).contains(&c)));
    }
}
