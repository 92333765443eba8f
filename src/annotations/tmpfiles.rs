//! Removal of the hidden temporary files a killed sigmark leaves behind.
//!
//! Atomic saves and exports write `.sigmark-*.tmp` beside their target and rename it into
//! place; a SIGKILL between the two leaves the temporary file. The next run in that directory
//! removes those of its own files whose last write is more than [`STALE_AFTER`] ago: opening a
//! reader's store cleans the annotation directory (tables, sidecars and consensus live beside
//! the journal), and an export cleans the directory of each file it writes.
//!
//! Why age and not a pid in the name: the names come from `tempfile` (random, no pid), and a
//! pid can be reused by an unrelated live process. A writer in progress writes its temporary
//! file continuously and renames it within one save, so its modification time is fresh; one a
//! minute old is no longer written. Even if a stalled writer's file were removed, its open
//! handle stays valid and its final rename fails with an error: the target is never damaged.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a temporary file must be untouched before it counts as left behind.
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// Whether `name` is one of sigmark's temporary files.
pub fn is_ours(name: &str) -> bool {
    name.starts_with(".sigmark-") && name.ends_with(".tmp") && name.len() > ".sigmark-.tmp".len()
}

/// Removes sigmark's stale temporary files in the directory of `file`; returns how many.
/// Best effort: a file that cannot be inspected or removed is left alone.
pub fn remove_stale_near(file: &Path) -> usize {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_name().to_str().is_some_and(is_ours) {
            continue;
        }
        // symlink_metadata: a symbolic link with our name is not ours to follow.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_files_of_ours_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let make = |name: &str, age_s: u64| {
            let p = d.path().join(name);
            let f = std::fs::File::create(&p).unwrap();
            f.set_modified(SystemTime::now() - Duration::from_secs(age_s))
                .unwrap();
            p
        };
        let old = make(".sigmark-abc123.tmp", 120);
        let old_hour = make(".sigmark-Xy9Zw1.tmp", 3600);
        let fresh = make(".sigmark-def456.tmp", 5);
        let other = make(".other-abc.tmp", 3600);
        let table = make("rec.r1.events.tsv", 3600);
        let n = remove_stale_near(&table);
        let left: Vec<bool> = [&old, &old_hour, &fresh, &other, &table]
            .iter()
            .map(|p| p.exists())
            .collect();
        println!("removed {n}; exist (old, old hour, fresh, other, table): {left:?}");
        assert_eq!(n, 2);
        assert_eq!(left, vec![false, false, true, true, true]);
    }
}
