//! `deid_hdf5` on identifying text in HDF5 attributes (version 1 and version 2 object
//! headers, fixed- and variable-length strings) and in EEGLAB `.set` fields (MATLAB char
//! arrays, compact, in version 1 headers): the copy reopens (hdf5-reader verifies every v2
//! header checksum), the rewritten values read back cleared or scrubbed, the channels are
//! bit-identical, and no byte of the copy holds a planted token (as ASCII/UTF-8, lowercased,
//! or as UTF-16LE).

use std::path::Path;

use hdf5_writer::{AttributeBuilder, DatasetBuilder, Hdf5Builder, WriteOptions};
use sigmark::deid::hdf5::deid_hdf5;
use sigmark::deid::{Plan, Shift};

mod common;

fn plan() -> Plan {
    Plan {
        shift: Some(Shift::days(40)),
        ..Plan::default()
    }
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Every spelling of each token found in `bytes`, with its count.
fn leaks(bytes: &[u8], tokens: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens {
        for form in [t.to_string(), t.to_lowercase()] {
            for (how, needle) in [
                ("utf-8", form.as_bytes().to_vec()),
                ("utf-16", utf16(&form)),
            ] {
                let n = count(bytes, &needle);
                println!("  {form:?} as {how}: {n} found");
                if n > 0 {
                    out.push(format!("{form:?} ({how}) x{n}"));
                }
            }
        }
    }
    out
}

fn channel_bits(path: &Path) -> Vec<Vec<u64>> {
    let rec = sigmark::open(path).unwrap();
    (0..rec.channels.len())
        .map(|ch| {
            let n = rec.channels[ch].samples as usize;
            let v = rec.read_samples(ch, 0, n).unwrap();
            v.iter().map(|x| x.to_bits()).collect()
        })
        .collect()
}

/// The strings of attribute `name` of the group or dataset `object`.
fn attr(path: &Path, object: &str, name: &str) -> Vec<String> {
    let f = hdf5_reader::Hdf5File::open(path).unwrap();
    let a = match (object, f.dataset(object)) {
        ("/", _) => f.root_group().unwrap().attributes().unwrap(),
        (_, Ok(d)) => d.attributes(),
        (_, Err(_)) => f.group(object).unwrap().attributes().unwrap(),
    };
    let a = a.iter().find(|a| a.name == name).unwrap();
    a.read_strings()
        .unwrap_or_else(|_| vec![a.read_string().unwrap()])
}

#[test]
fn a_subject_id_attribute_is_cleared_in_v1_and_v2_headers() {
    let Some(root) = common::reference::corpus_with("h5py", "deid_hdf5_attrs") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // small_default: v1 object headers; small_v110 and small_latest: v2 (OHDR, checksummed).
    for name in ["small_default.h5", "small_v110.h5", "small_latest.h5"] {
        let src = root.join("h5py").join(name);
        let out = tmp.path().join(name);
        let o = deid_hdf5(&src, &out, &plan()).unwrap();
        println!("{name}: {:?}", o.report.changes);
        let bytes = std::fs::read(&out).unwrap();
        let found = leaks(&bytes, &["P-0042"]);
        assert!(found.is_empty(), "{name}: {found:?} left in the copy");
        let id = attr(&out, "/signals", "subject_id");
        println!("  subject_id reads {id:?}");
        assert_eq!(id[0].trim_end_matches(['\0', ' ']), "X", "{name}");
        let label = attr(&out, "/signals/ECG_II", "label");
        assert_eq!(
            label,
            attr(&src, "/signals/ECG_II", "label"),
            "{name}: a harmless label changed"
        );
        assert_eq!(channel_bits(&src), channel_bits(&out), "{name}: channels");
    }
}

/// A version 2 file with identifying text in root, group and dataset attributes.
fn planted(path: &Path) {
    let data: Vec<f32> = (0..100).map(|k| k as f32).collect();
    let notes = [
        "seen by Dr Moreau",
        "Jane Doe, visit of 2021-03-04 at 10:11",
    ];
    let bytes = Hdf5Builder::new()
        .attribute(AttributeBuilder::fixed_string("patient_name", "Jane Doe"))
        .attribute(AttributeBuilder::fixed_string("namespace", "core"))
        .attribute(AttributeBuilder::vlen_strings("notes", &notes).unwrap())
        .group_attribute(
            "general",
            AttributeBuilder::fixed_string("experimenter", "Moreau"),
        )
        .group_attribute(
            "general",
            AttributeBuilder::fixed_string(
                "description",
                "Doe recorded on 2021-03-04 at 10:11, all well",
            ),
        )
        .dataset(
            DatasetBuilder::typed_data::<f32>("general/signal", vec![100u64], &data)
                .unwrap()
                .attribute(AttributeBuilder::vlen_strings("label", &["JANE DOE lead"]).unwrap())
                .attribute(AttributeBuilder::fixed_string("unit", "volts"))
                .attribute(AttributeBuilder::scalar("sampling_rate", 100.0f64).unwrap()),
        )
        .into_plan()
        .unwrap()
        .encode(WriteOptions::default())
        .unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn planted_attributes_lose_every_token_and_the_checksums_stay_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("planted.h5");
    planted(&src);
    let before = std::fs::read(&src).unwrap();
    assert!(
        count(&before, b"OHDR") > 0,
        "expected version 2 object headers"
    );
    assert!(!leaks(&before, &["Jane", "Doe", "Moreau", "2021-03-04"]).is_empty());
    let out = tmp.path().join("out.h5");
    let o = deid_hdf5(&src, &out, &plan()).unwrap();
    println!("{:?} {:?}", o.report.changes, o.ids);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len(), before.len());
    let found = leaks(&bytes, &["Jane", "Doe", "Moreau", "2021-03-04", "10:11"]);
    assert!(found.is_empty(), "left in the copy: {found:?}");
    // hdf5-reader checks each v2 header chunk's checksum when it parses the header.
    let name = attr(&out, "/", "patient_name");
    let notes = attr(&out, "/", "notes");
    let desc = attr(&out, "/general", "description");
    let label = attr(&out, "/general/signal", "label");
    println!("  {name:?} {notes:?} {desc:?} {label:?}");
    assert_eq!(name[0].trim_end_matches('\0'), "X");
    assert_eq!(notes[0], "seen by Dr [name]");
    assert!(
        desc[0].starts_with("[name] recorded on 2021-04-13"),
        "{desc:?}"
    );
    assert_eq!(attr(&out, "/", "namespace"), attr(&src, "/", "namespace"));
    assert_eq!(channel_bits(&src), channel_bits(&out));
}

/// Replaces the one UTF-16LE occurrence of `old` in `bytes` by `new` (space-padded).
fn plant_utf16(bytes: &mut [u8], old: &str, new: &str) {
    let (o, mut n) = (utf16(old), utf16(new));
    assert!(n.len() <= o.len(), "{new:?} longer than {old:?}");
    n.extend(utf16(" ").repeat((o.len() - n.len()) / 2));
    let at: Vec<usize> = (0..bytes.len() - o.len())
        .filter(|&i| bytes[i..i + o.len()] == o[..])
        .collect();
    assert_eq!(at.len(), 1, "{old:?} found at {at:?}");
    bytes[at[0]..at[0] + o.len()].copy_from_slice(&n);
}

#[test]
fn eeglab_fields_are_cleared_or_scrubbed_with_channels_and_onsets_intact() {
    let Some(root) = common::reference::corpus_with("hdf5", "deid_hdf5_attrs") else {
        return;
    };
    let corpus = root.join("hdf5/eeglab_biosemi271ch_mat73.set");
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("planted.set");
    let mut bytes = std::fs::read(&corpus).unwrap();
    let filename = hdf5_reader::Hdf5File::open(&corpus)
        .unwrap()
        .dataset("/EEG/filename")
        .unwrap()
        .read_raw_bytes()
        .unwrap();
    let filename = String::from_utf16_lossy(
        &filename
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    );
    println!("corpus filename {filename:?}");
    plant_utf16(
        &mut bytes,
        &filename,
        "C:\\Patients\\Doe_Jane\\Doe_Jane_night1.bdf",
    );
    plant_utf16(&mut bytes, "BDF file", "Moreau");
    plant_utf16(&mut bytes, "RSVPChairs", "Jane: ok");
    std::fs::write(&src, &bytes).unwrap();
    let out = tmp.path().join("out.set");
    let o = deid_hdf5(&src, &out, &plan()).unwrap();
    println!("{:?}\n{:?}", o.report.changes, o.ids);
    let copy = std::fs::read(&out).unwrap();
    let found = leaks(&copy, &["Jane", "Doe", "Moreau", "Patients"]);
    assert!(found.is_empty(), "left in the copy: {found:?}");
    let f = hdf5_reader::Hdf5File::open(&out).unwrap();
    for (field, want) in [
        ("/EEG/subject", "X"),
        ("/EEG/setname", "X"),
        ("/EEG/filename", "X"),
        ("/EEG/comments", "[name]: ok"),
    ] {
        let raw = f.dataset(field).unwrap().read_raw_bytes().unwrap();
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let got = String::from_utf16_lossy(&units);
        println!("  {field}: {got:?}");
        assert_eq!(got.trim_end(), want, "{field}");
    }
    assert_eq!(channel_bits(&src), channel_bits(&out), "channels");
    let (a, b) = (sigmark::open(&src).unwrap(), sigmark::open(&out).unwrap());
    let onsets = |r: &sigmark::Recording| -> Vec<(u64, Option<u64>)> {
        r.annotations
            .iter()
            .map(|x| (x.onset_s.to_bits(), x.duration_s.map(f64::to_bits)))
            .collect()
    };
    println!("  {} events", a.annotations.len());
    assert!(!a.annotations.is_empty());
    assert_eq!(onsets(&a), onsets(&b), "event onsets");
}

#[test]
fn a_char_array_stored_chunked_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("chunked.set");
    let units: Vec<u16> = "Jane Doe".encode_utf16().collect();
    let bytes = Hdf5Builder::new()
        .dataset(
            DatasetBuilder::typed_data::<u16>("EEG/subject", vec![8u64, 1], &units)
                .unwrap()
                .chunked(vec![4u64, 1])
                .attribute(AttributeBuilder::fixed_string("MATLAB_class", "char")),
        )
        .dataset(DatasetBuilder::typed_data::<f32>("EEG/data", vec![4u64, 1], &[0.0; 4]).unwrap())
        .into_plan()
        .unwrap()
        .encode(WriteOptions::default())
        .unwrap();
    std::fs::write(&src, bytes).unwrap();
    let out = tmp.path().join("out.set");
    let e = deid_hdf5(&src, &out, &plan()).unwrap_err().to_string();
    println!("{e}");
    assert!(e.contains("/EEG/subject") && e.contains("chunked"), "{e}");
    assert!(!out.exists(), "a copy was written");
}
