//! Who may be a reader. sigmark writes some reader files itself: the adjudicated `consensus`,
//! the recording's `embedded` annotations on export, and its detectors (`sigmark-detect`). A
//! human reader with one of those names would overwrite them, or be taken for them in a
//! comparison, so the name is refused wherever it comes from (`--reader`, `$SIGMARK_READER`,
//! the configuration file, the OS account).

/// Names sigmark gives its own event tables.
pub const RESERVED: [&str; 2] = [super::store::CONSENSUS, "embedded"];

/// Prefix of the readers sigmark's own tools write (`sigmark-detect`).
pub const TOOL_PREFIX: &str = "sigmark-";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReaderError {
    #[error("reader {name:?} (from {from}) is a name sigmark writes itself ({}, or a name starting {TOOL_PREFIX:?}); choose another name for the human reader", RESERVED.join(", "))]
    Reserved { name: String, from: String },
}

/// Refuses a human reader's name that sigmark uses for its own tables. Compared without case:
/// `Consensus.events.tsv` is the same file as `consensus.events.tsv` on macOS and Windows.
/// `source` says where the name came from, for the message.
pub fn check_human_reader(name: &str, source: &str) -> Result<(), ReaderError> {
    let lower = name.trim().to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) || lower.starts_with(TOOL_PREFIX) {
        return Err(ReaderError::Reserved {
            name: name.to_string(),
            from: source.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmarks_own_names_are_refused() {
        for name in [
            "consensus",
            "Consensus",
            "embedded",
            "sigmark-detect",
            "SIGMARK-x",
        ] {
            let r = check_human_reader(name, "--reader");
            println!("{name}: {r:?}");
            assert!(r.is_err());
        }
        let msg = check_human_reader("consensus", "$SIGMARK_READER")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("$SIGMARK_READER") && msg.contains("consensus"));
        for name in ["kim", "dr.lee", "sigmark", "consensus2", "embedded_lab"] {
            assert_eq!(check_human_reader(name, "--reader"), Ok(()), "{name}");
        }
    }
}
