//! MIT annotation files: every `annotations.<ext>` entry of every WFDB oracle in the corpus
//! (`$SIGMARK_CORPUS/wfdb`, `mitdb/` included) against sigmark's reader, as wfdb-python's
//! `rdann` sees the file (`wfdb`, after dropping what rdann drops) and as stored (`raw`);
//! reading then writing every file, byte for byte where the corpus README says WFDB's writer
//! is; the record line's frequency; the conversion to sigmark's annotations.
//! All comparisons are exact (integers and strings; fs as stored).

use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::formats::mit::{self, AnnotationFile, Entry};

mod common;

#[path = "mit_annotations/cli.rs"]
mod cli;
#[path = "mit_annotations/fuzz.rs"]
mod fuzz;

pub fn corpus() -> Option<PathBuf> {
    common::reference::corpus_with("wfdb", "mit_annotations")
}

#[derive(Default)]
struct Tally {
    files: usize,
    values: usize,
    failures: Vec<String>,
}

impl Tally {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        self.values += 1;
        if got != want {
            self.failures
                .push(format!("{what}: sigmark {got:?}, oracle {want:?}"));
        }
    }

    fn finish(self, name: &str) {
        println!(
            "{name}: {} annotation files, {} values compared, {} differences",
            self.files,
            self.values,
            self.failures.len()
        );
        for f in self.failures.iter().take(40) {
            println!("  {f}");
        }
        assert!(self.files > 0, "no annotation oracles found");
        assert!(
            self.failures.is_empty(),
            "{} differences",
            self.failures.len()
        );
    }
}

/// Every (annotation file, its oracle entry, the record oracle) in the corpus.
pub fn oracles(dir: &Path) -> Vec<(PathBuf, Value, Value)> {
    let mut found = Vec::new();
    for sub in ["wfdb", "wfdb/mitdb"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut names: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for p in names {
            if !p.to_string_lossy().ends_with(".oracle.json") {
                continue;
            }
            let rec: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            if let Some(anns) = rec["annotations"].as_object() {
                for a in anns.values() {
                    let file = dir.join(a["file"].as_str().unwrap());
                    found.push((file, a.clone(), rec.clone()));
                }
            }
        }
    }
    found
}

fn row(f: &AnnotationFile, e: &Entry) -> Value {
    serde_json::json!({
        "sample": e.sample,
        "symbol": f.wfdb_symbol(e.code),
        "label_store": e.code,
        "subtype": e.subtype,
        "chan": e.chan,
        "num": e.num,
        "aux_note": e.aux_latin1(),
    })
}

fn compare_wfdb(t: &mut Tally, name: &str, f: &AnnotationFile, w: &Value, header_fs: &Value) {
    let kept: Vec<&Entry> = f.wfdb_entries().collect();
    let n = kept.len();
    t.eq(
        &format!("{name} count"),
        n as u64,
        w["count"].as_u64().unwrap(),
    );
    let fs = f.fs.map_or(header_fs.clone(), |v| serde_json::json!(v));
    t.eq(&format!("{name} fs"), fs.as_f64(), w["fs"].as_f64());
    for (key, range) in [
        ("first20", 0..n.min(20)),
        ("last20", n.saturating_sub(20)..n),
    ] {
        let got: Vec<Value> = kept[range].iter().map(|e| row(f, e)).collect();
        let want = w[key].as_array().unwrap();
        t.eq(&format!("{name} {key} length"), got.len(), want.len());
        for (k, (g, o)) in got.iter().zip(want).enumerate() {
            for field in [
                "sample",
                "symbol",
                "label_store",
                "subtype",
                "chan",
                "num",
                "aux_note",
            ] {
                t.eq(&format!("{name} {key}[{k}].{field}"), &g[field], &o[field]);
            }
        }
    }
    let mut symbols = std::collections::BTreeMap::<String, u64>::new();
    let mut aux = std::collections::BTreeMap::<String, u64>::new();
    for e in &kept {
        let s = f.wfdb_symbol(e.code).map_or_else(
            || format!("<no symbol: label_store {}>", e.code),
            str::to_string,
        );
        *symbols.entry(s).or_default() += 1;
        if e.aux.as_ref().is_some_and(|a| !a.is_empty()) {
            *aux.entry(e.aux_latin1()).or_default() += 1;
        }
    }
    let want: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(w["symbol_counts"].clone()).unwrap();
    t.eq(&format!("{name} symbol_counts"), symbols, want);
    if !w["aux_note_counts"].is_null() {
        let want: std::collections::BTreeMap<String, u64> =
            serde_json::from_value(w["aux_note_counts"].clone()).unwrap();
        t.eq(&format!("{name} aux_note_counts"), aux.clone(), want);
    }
    t.eq(
        &format!("{name} aux_note_distinct"),
        aux.len() as u64,
        w["aux_note_distinct"].as_u64().unwrap(),
    );
    let samples: Vec<i64> = kept.iter().map(|e| e.sample).collect();
    t.eq(
        &format!("{name} sample_sum"),
        samples.iter().sum::<i64>(),
        w["sample_sum"].as_i64().unwrap(),
    );
    t.eq(
        &format!("{name} sample_min"),
        samples.iter().min().copied(),
        w["sample_min"].as_i64(),
    );
    t.eq(
        &format!("{name} sample_max"),
        samples.iter().max().copied(),
        w["sample_max"].as_i64(),
    );
    let sub_nonzero = kept.iter().filter(|e| e.subtype != 0).count() as u64;
    t.eq(
        &format!("{name} subtype_nonzero"),
        sub_nonzero,
        w["subtype_nonzero"].as_u64().unwrap(),
    );
    let custom: Vec<(u64, String, String)> = f
        .definitions
        .iter()
        .filter(|d| d.in_block)
        .map(|d| (u64::from(d.code), d.symbol.clone(), d.description.clone()))
        .collect();
    let want: Option<Vec<(u64, String, String)>> =
        serde_json::from_value(w["custom_labels"].clone()).unwrap();
    t.eq(
        &format!("{name} custom_labels"),
        custom,
        want.unwrap_or_default(),
    );
}

fn compare_raw(t: &mut Tally, name: &str, f: &AnnotationFile, r: &Value) {
    t.eq(
        &format!("{name} raw entries"),
        f.entries.len() as u64,
        r["entries"].as_u64().unwrap(),
    );
    let p = &r["pseudo_counts"];
    for (k, got) in [
        ("SKIP", f.words.skip),
        ("NUM", f.words.num),
        ("SUB", f.words.sub),
        ("CHN", f.words.chn),
        ("AUX", f.words.aux),
    ] {
        t.eq(
            &format!("{name} raw {k} words"),
            got as u64,
            p[k].as_u64().unwrap(),
        );
    }
    let ten: u64 = r["pseudo_10bit_values"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum();
    t.eq(
        &format!("{name} raw 10-bit words"),
        f.words.ten_bit as u64,
        ten,
    );
    t.eq(
        &format!("{name} raw eof"),
        f.eof,
        r["eof_marker"].as_bool().unwrap(),
    );
    t.eq(
        &format!("{name} raw bytes after eof"),
        f.bytes_after_eof,
        r["bytes_after_eof"].as_u64().unwrap(),
    );
    t.eq(
        &format!("{name} raw orphans"),
        f.orphan_modifiers as u64,
        r["orphan_modifiers"].as_u64().unwrap(),
    );
    t.eq(
        &format!("{name} raw fs_in_file"),
        f.fs,
        r["fs_in_file"].as_f64(),
    );
    let notes: Vec<String> = f
        .entries
        .iter()
        .filter(|e| e.sample == 0 && e.code == 22)
        .map(Entry::aux_latin1)
        .take(20)
        .collect();
    let want: Vec<String> = serde_json::from_value(r["sample0_notes"].clone()).unwrap();
    t.eq(&format!("{name} raw sample-0 notes"), notes, want);
    let dropped = f.entries.len() - f.wfdb_entries().count();
    t.eq(
        &format!("{name} raw dropped by rdann"),
        dropped as u64,
        r["dropped_by_wfdb_python"].as_u64().unwrap(),
    );
}

#[test]
fn every_corpus_annotation_file_matches_its_oracle() {
    let Some(dir) = corpus() else { return };
    let mut t = Tally::default();
    for (path, oracle, rec) in oracles(&dir) {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let f = match mit::read_file(&path) {
            Ok(f) => f,
            Err(e) => {
                t.failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        t.files += 1;
        if !oracle["wfdb"].is_null() {
            compare_wfdb(&mut t, &name, &f, &oracle["wfdb"], &rec["header"]["fs"]);
        }
        compare_raw(&mut t, &name, &f, &oracle["raw"]);
    }
    t.finish("MIT annotation conformance");
}

/// Reading then writing: the bytes again for every file (those the README lists as
/// byte-identical under wrann, and the others too, since the reader keeps every word); and
/// the entries again.
#[test]
fn reading_then_writing_gives_the_same_bytes() {
    let Some(dir) = corpus() else { return };
    let (mut same, mut total) = (0, 0);
    let mut failures = Vec::new();
    for (path, oracle, _) in oracles(&dir) {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let orig = std::fs::read(&path).unwrap();
        let f = mit::read_file(&path).unwrap();
        let out = mit::encode(&f.entries);
        total += 1;
        let wrann = oracle["wrann"]["byte_identical"].as_bool();
        let first_diff = orig.iter().zip(&out).position(|(a, b)| a != b);
        println!(
            "{name}: {} -> {} bytes, identical {}, wrann identical {:?}, first difference {:?}",
            orig.len(),
            out.len(),
            out == orig,
            wrann,
            first_diff
        );
        if out == orig {
            same += 1;
        } else {
            failures.push(name.clone());
        }
        let back = mit::parse(Path::new(&name), &out).unwrap();
        assert_eq!(back.entries.len(), f.entries.len(), "{name}");
    }
    println!("{same} of {total} files rewritten byte-identically");
    assert!(total > 0);
    assert!(failures.is_empty(), "not identical: {failures:?}");
}

/// Entries rewritten without their stored modifier words (as sigmark writes its own events:
/// WFDB putann's choice) read back equal, and byte for byte except `12726.anI`, whose CHN 255
/// is stored as 1023 (putann writes 255).
#[test]
fn entries_without_stored_words_write_back_equal() {
    let Some(dir) = corpus() else { return };
    let mut n = 0;
    for (path, oracle, _) in oracles(&dir) {
        let f = mit::read_file(&path).unwrap();
        let bare: Vec<Entry> = f
            .entries
            .iter()
            .map(|e| Entry {
                modifiers: Vec::new(),
                ..e.clone()
            })
            .collect();
        let out = mit::encode(&bare);
        let back = mit::parse(&path, &out).unwrap();
        let key = |e: &Entry| (e.sample, e.code, e.subtype, e.chan, e.num, e.aux.clone());
        let a: Vec<_> = f.entries.iter().map(key).collect();
        let b: Vec<_> = back.entries.iter().map(key).collect();
        assert_eq!(a, b, "{}", path.display());
        let orig = std::fs::read(&path).unwrap();
        println!(
            "{}: rewritten from values: {} bytes (original {}), identical {}, wrann identical {:?}",
            path.display(),
            out.len(),
            orig.len(),
            out == orig,
            oracle["wrann"]["byte_identical"].as_bool()
        );
        let ani = path.ends_with("12726.anI");
        assert_eq!(out == orig, !ani, "{}", path.display());
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn record_frequency_comes_from_the_whole_header() {
    let dir = tempfile::tempdir().unwrap();
    for (text, want) in [
        (
            "# c\n\n100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n\
             100.dat 212 200 11 1024 995 -22131 0 V5\n",
            Some(360.0),
        ),
        ("12726 0 250/24000 100\n", Some(250.0)),
        ("mix 0 62.4725/999.56\n", Some(62.4725)),
        ("rec 0\n", Some(250.0)),
        ("rec/1 1 125 100\nseg1 100\n", Some(125.0)),
        // The record line promises two signal lines: the header is refused, with its line.
        ("12726 2 250/24000 100\n", None),
        ("rec x 360\n", None),
        ("rec 1 fast\n", None),
        ("# only\n", None),
    ] {
        let p = dir.path().join("r.hea");
        std::fs::write(&p, text).unwrap();
        let got = mit::record_frequency(&p);
        println!("{text:?} -> {got:?}");
        match want {
            Some(w) => assert_eq!(got.unwrap(), w),
            None => assert!(got.unwrap_err().to_string().contains("line")),
        }
    }
}

#[test]
fn mitdb_201_rhythms_become_intervals_and_beats_points() {
    let Some(dir) = corpus() else { return };
    let rec = dir.join("wfdb/mitdb/201");
    let fs = mit::record_frequency(&rec.with_extension("hea")).unwrap();
    let f = mit::read_file(rec.with_extension("atr")).unwrap();
    let end = 650000.0 / fs;
    let anns = mit::to_annotations(&f, fs, end, &["MLII".into(), "V1".into()]);
    let rhythms: Vec<_> = anns.iter().filter(|a| a.text.starts_with('(')).collect();
    println!(
        "fs {fs}, {} annotations, {} rhythm intervals, first {:?}, last {:?}",
        anns.len(),
        rhythms.len(),
        rhythms.first(),
        rhythms.last()
    );
    assert_eq!(anns.len(), 2039);
    assert_eq!(rhythms.len(), 35);
    for w in rhythms.windows(2) {
        let d = w[0].duration_s.unwrap();
        assert!((w[0].onset_s + d - w[1].onset_s).abs() < 1e-9, "{w:?}");
    }
    let last = rhythms[rhythms.len() - 1];
    assert!((last.onset_s + last.duration_s.unwrap() - end).abs() < 1e-9);
    assert!(rhythms.iter().all(|a| !a.text.contains('\0')));
    assert!(anns.iter().any(|a| a.text == "(AFIB"));
    let beats = anns
        .iter()
        .filter(|a| a.duration_s.is_none() && a.text == "N")
        .count();
    assert_eq!(beats, 1625);
    assert!(
        anns.iter().all(|a| a.channel.is_none()),
        "no CHN words: no channel"
    );

    // gqrsh: sample numbers count 1/500 s although the frame rate is 125.
    let g = mit::read_file(dir.join("wfdb/03700181.gqrsh")).unwrap();
    let anns = mit::to_annotations(&g, 125.0, 1e9, &[]);
    let first = g.wfdb_entries().next().unwrap().sample;
    println!(
        "gqrsh first beat sample {first} -> {:?}",
        anns.iter().find(|a| a.text == "N")
    );
    assert_eq!(
        anns.iter().find(|a| a.text == "N").unwrap().onset_s,
        first as f64 / 500.0
    );
    assert!(
        anns.iter().any(|a| a.text.starts_with("gqrs -H")),
        "the command note is kept"
    );
    assert!(!anns.iter().any(|a| a.text.starts_with("## ")));
}

/// bxb/EC57 classes of the MIT beat symbols, case-sensitive where MIT is (`e` atrial escape:
/// N; `E` ventricular escape: V; `f` paced fusion: Q; `F` fusion: F; `j` N; `J` S).
#[test]
fn mit_beat_symbols_map_to_aami_classes_as_bxb_does() {
    use sigmark::compare::beat::Class;
    let want = [
        ("N", Class::N),
        ("L", Class::N),
        ("R", Class::N),
        ("e", Class::N),
        ("j", Class::N),
        ("A", Class::S),
        ("a", Class::S),
        ("J", Class::S),
        ("S", Class::S),
        ("V", Class::V),
        ("E", Class::V),
        ("F", Class::F),
        ("/", Class::Q),
        ("f", Class::Q),
        ("Q", Class::Q),
        ("PVC", Class::V),
        ("pac", Class::S),
    ];
    for (sym, class) in want {
        println!("{sym:?} -> {:?} (want {class:?})", Class::of(sym));
        assert_eq!(Class::of(sym), Some(class), "{sym}");
    }
    for not_beat in ["+", "~", "x", "|", "\""] {
        assert_eq!(Class::of(not_beat), None, "{not_beat}");
    }
}

/// Files with CHN words name the signal each annotation is on (12726.wqrs: 39 CHN changes);
/// points with AUX text keep it after their symbol (`? QRSw=60.0ms`).
#[test]
fn chn_words_name_the_signal_from_the_header() {
    let Some(dir) = corpus() else { return };
    let f = mit::read_file(dir.join("wfdb/12726.wqrs")).unwrap();
    let names: Vec<String> = ["ABP", "ECG", "Angle"].map(String::from).to_vec();
    let anns = mit::to_annotations(&f, 250.0, 3300.0, &names);
    let mut per = std::collections::BTreeMap::<String, usize>::new();
    for a in &anns {
        *per.entry(format!("{:?}", a.channel)).or_default() += 1;
    }
    let chans: std::collections::BTreeSet<u8> = f.entries.iter().map(|e| e.chan).collect();
    println!(
        "chan values {chans:?}; annotations per channel {per:?}; first {:?}",
        anns[0]
    );
    assert_eq!(anns.len(), f.entries.len());
    for (a, e) in anns.iter().zip(&f.entries) {
        assert_eq!(
            a.channel.as_deref(),
            names.get(usize::from(e.chan)).map(String::as_str)
        );
    }
    assert!(per.len() > 1, "{per:?}");
    let with_aux = f
        .entries
        .iter()
        .position(|e| !e.aux_text().trim().is_empty())
        .unwrap();
    let e = &f.entries[with_aux];
    let want = format!("{} {}", f.symbol(e.code).unwrap(), e.aux_text());
    assert_eq!(anns[with_aux].text, want);
}
