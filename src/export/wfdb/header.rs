//! The `.hea` text: the record line, one signal line per channel, and comments naming the
//! source (WFDB's header(5) layout; numbers written so that they read back exactly).

use std::fmt::Write;
use std::path::Path;

use super::data::Written;
use super::plan::Plan;
use crate::export::ExportError;
use crate::signal::Recording;

/// The record name `--out` gives (its file stem without `.hea`): letters, digits, `_` and
/// `-`, as WFDB and wfdb-python accept them.
pub fn record_name(out: &Path) -> Result<String, ExportError> {
    let file = out.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let name = file.strip_suffix(".hea").unwrap_or(file);
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(name.to_string())
    } else {
        Err(ExportError::Usage(format!(
            "--out {:?}: a WFDB record name is letters, digits, '_' and '-' \
             (the files written are NAME.hea and NAME.dat beside it)",
            out.display().to_string()
        )))
    }
}

/// Units as a header field: WFDB splits fields on spaces and wfdb-python's header grammar
/// takes only word characters and `^ - ? % /` there, so `µ` becomes `u`, `°` becomes `deg`
/// and anything else outside that set `_` (an empty unit is `NU`, "not specified").
fn units(s: &str) -> String {
    let mut w = String::new();
    for c in s.trim().chars() {
        match c {
            'µ' | 'μ' => w.push('u'),
            '°' => w.push_str("deg"),
            c if c.is_ascii_alphanumeric() || "_^-?%/".contains(c) => w.push(c),
            _ => w.push('_'),
        }
    }
    if w.is_empty() {
        "NU".to_string()
    } else {
        w
    }
}

/// Free text for a description or comment: control characters become spaces.
fn line_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

pub fn text(rec: &Recording, name: &str, plan: &Plan, written: &Written) -> String {
    let mut t = String::new();
    let _ = write!(
        t,
        "{name} {} {} {}",
        plan.signals.len(),
        plan.frame_hz,
        written.frames
    );
    if let Some(s) = rec.start {
        let ms = s.subsecond_100ns / 10_000;
        let _ = write!(t, " {}", s.datetime.format("%H:%M:%S"));
        if ms > 0 {
            let _ = write!(t, ".{ms:03}");
        }
        let _ = write!(t, " {}", s.datetime.format("%d/%m/%Y"));
    }
    t.push('\n');
    for (i, s) in plan.signals.iter().enumerate() {
        let c = &rec.channels[s.channel];
        let fmt = match s.samples_per_frame {
            1 => format!("{}", format_code(plan)),
            n => format!("{}x{n}", format_code(plan)),
        };
        let desc = line_text(&c.label);
        let _ = writeln!(
            t,
            "{name}.dat {fmt} {}({})/{} {} 0 {} {} 0 {}",
            s.gain,
            s.baseline,
            units(&c.unit),
            s.bits,
            written.init[i],
            checksum16(written.checksum[i]),
            if desc.is_empty() {
                format!("signal{i}")
            } else {
                desc
            }
        );
    }
    comments(rec, &mut t);
    t
}

/// The format of the one signal file: the widest any signal needs.
fn format_code(plan: &Plan) -> u32 {
    plan.signals.iter().map(|s| s.bits).max().unwrap_or(16)
}

/// WFDB's checksum: the sum of the samples modulo 2^16, as a signed 16-bit number.
fn checksum16(sum: i64) -> i16 {
    sum as i16
}

fn comments(rec: &Recording, t: &mut String) {
    let _ = writeln!(
        t,
        "# written by sigmark {} from {} ({})",
        env!("CARGO_PKG_VERSION"),
        line_text(
            &rec.path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        rec.format
    );
    for (i, c) in rec.channels.iter().enumerate() {
        let (tr, pf) = (line_text(&c.transducer), line_text(&c.prefilter));
        if !tr.is_empty() || !pf.is_empty() {
            let _ = writeln!(t, "# signal {i}: transducer {tr:?} prefilter {pf:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_names_are_checked() {
        assert_eq!(record_name(Path::new("/tmp/x/rec_1.hea")).unwrap(), "rec_1");
        assert_eq!(record_name(Path::new("rec-2")).unwrap(), "rec-2");
        assert!(record_name(Path::new("/tmp/a b")).is_err());
        assert!(record_name(Path::new("/tmp/a.dat")).is_err());
    }

    #[test]
    fn units_keep_to_what_wfdb_python_parses() {
        assert_eq!(units("µV"), "uV");
        assert_eq!(units("a.u."), "a_u_");
        assert_eq!(units(" degC "), "degC");
        assert_eq!(units("°C"), "degC");
        assert_eq!(units(""), "NU");
        assert_eq!(units("mmHg"), "mmHg");
    }

    #[test]
    fn checksums_wrap_to_signed_16_bits() {
        assert_eq!(checksum16(43172), -22364);
        assert_eq!(checksum16(-1), -1);
        assert_eq!(checksum16(65536 + 5), 5);
    }
}
