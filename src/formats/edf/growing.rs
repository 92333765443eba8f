//! EDF/BDF(+) files that are still being written. A writer that has not closed the file puts
//! -1 in the number-of-records field (EDF+ specification, rule 10: "-1 ... only while
//! recording"), or keeps appending records past the count it last wrote into the header. In
//! both cases the records to read are the complete ones the file holds now,
//! (size - header) / record size; a partly written last record is left out until it is whole.
//! `Header::open_for_writing` says so, and `sigmark info` reports it.

/// How many records a file still being written holds, and the note that says so.
pub struct Count {
    pub records: u64,
    pub note: String,
}

/// The tail after the complete records, as the notes describe it.
fn tail(partial: u64) -> String {
    if partial > 0 {
        format!(" ({partial} bytes of an incomplete record after them are not read until it is complete)")
    } else {
        String::new()
    }
}

/// A count of -1: the complete records in the file, or the reason there are none.
pub fn unknown_count(data: u64, record_bytes: u64) -> Result<Count, String> {
    let (whole, partial) = (data / record_bytes, data % record_bytes);
    if whole == 0 {
        return Err(format!(
            "the record count is -1 (unknown) and the {data} data bytes hold no complete {record_bytes}-byte record"
        ));
    }
    Ok(Count {
        records: whole,
        note: format!(
            "the number of data records is -1 (file open for writing: not closed by its writer); {whole} records found from the file size{}",
            tail(partial)
        ),
    })
}

/// A file holding more complete records than its header declares: it grew after the header
/// was written. `None` when not one whole record lies beyond the declared ones (then the
/// bytes after them are not a record, and the header and the file disagree).
pub fn grown(declared: u64, data: u64, record_bytes: u64) -> Option<Count> {
    let (whole, partial) = (data / record_bytes, data % record_bytes);
    (whole > declared).then(|| Count {
        records: whole,
        note: format!(
            "the header declares {declared} data records but the file holds {whole} complete ones (file open for writing: it grew after its header was written); {whole} records read{}",
            tail(partial)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_complete_records_and_leaves_the_partial_one_out() {
        let c = unknown_count(250, 100).map(|c| (c.records, c.note));
        println!("{c:?}");
        let (n, note) = c.unwrap();
        assert_eq!(n, 2);
        assert!(note.contains("50 bytes of an incomplete record"), "{note}");
        assert!(unknown_count(99, 100).is_err());
        let g = grown(2, 420, 100).map(|c| c.records);
        println!("grown {g:?}");
        assert_eq!(g, Some(4));
        assert!(
            grown(4, 420, 100).is_none(),
            "no whole record beyond the count"
        );
    }
}
