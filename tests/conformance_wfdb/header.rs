//! Every header field wfdb-python's `rdheader` returns against sigmark's header parser.

use std::path::Path;

use serde_json::Value;
use sigmark::formats::wfdb::header::{self, BaseTime, Header, SignalSpec};

use super::Tally;

fn num(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |x| serde_json::json!(x))
}

fn int<T: Into<i64>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, |x| Value::from(x.into()))
}

fn time(t: Option<BaseTime>) -> Value {
    t.map_or(Value::Null, |t| {
        let mut s = format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
        if t.micros > 0 {
            s.push_str(&format!(".{:06}", t.micros));
        }
        Value::from(s)
    })
}

/// Numbers compare as f64 (the oracle writes fs 360 as an integer and gains as floats).
fn equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn record_fields(h: &Header) -> Vec<(&'static str, Value)> {
    vec![
        ("record_name", Value::from(h.record_name.clone())),
        ("n_sig", Value::from(h.n_sig)),
        ("fs", serde_json::json!(h.fs)),
        ("counter_freq", num(h.counter_freq)),
        ("base_counter", num(h.base_counter)),
        ("sig_len", h.sig_len.map_or(Value::Null, Value::from)),
        ("base_time", time(h.base_time)),
        (
            "base_date",
            h.base_date.map_or(Value::Null, |(y, m, d)| {
                Value::from(format!("{y:04}-{m:02}-{d:02}"))
            }),
        ),
    ]
}

fn signal_fields(s: &SignalSpec) -> Vec<(&'static str, Value)> {
    vec![
        ("file_name", Value::from(s.file_name.clone())),
        ("fmt", Value::from(s.fmt.to_string())),
        ("samps_per_frame", Value::from(s.samps_per_frame)),
        ("skew", s.skew.map_or(Value::Null, Value::from)),
        (
            "byte_offset",
            s.byte_offset.map_or(Value::Null, Value::from),
        ),
        ("adc_gain", serde_json::json!(s.adc_gain)),
        ("baseline", Value::from(s.baseline)),
        ("units", Value::from(s.units.clone())),
        ("adc_res", int(s.adc_res)),
        ("adc_zero", int(s.adc_zero)),
        ("init_value", int(s.init_value)),
        ("checksum", int(s.checksum)),
        ("block_size", s.block_size.map_or(Value::Null, Value::from)),
        (
            "sig_name",
            s.sig_name.clone().map_or(Value::Null, Value::from),
        ),
    ]
}

pub fn check(t: &mut Tally, name: &str, hea: &Path, want: &Value) {
    let h = match header::read(hea) {
        Ok(h) => h,
        Err(e) => {
            t.failures
                .push(format!("{name}: header did not parse: {e}"));
            return;
        }
    };
    for (k, got) in record_fields(&h) {
        t.check(equal(&got, &want[k]), || {
            format!("{name}: header {k} {got} vs {}", want[k])
        });
    }
    let comments = Value::from(h.comments.clone());
    t.check(comments == want["comments"], || {
        format!("{name}: comments {comments} vs {}", want["comments"])
    });
    if let Some(n_seg) = want["n_seg"].as_u64() {
        t.check(h.n_seg == Some(n_seg as usize), || {
            format!("{name}: n_seg {:?} vs {n_seg}", h.n_seg)
        });
        let names: Vec<&str> = h.segments.iter().map(|s| s.name.as_str()).collect();
        let lens: Vec<u64> = h.segments.iter().map(|s| s.len).collect();
        t.check(Value::from(names.clone()) == want["seg_name"], || {
            format!("{name}: seg_name {names:?}")
        });
        t.check(Value::from(lens.clone()) == want["seg_len"], || {
            format!("{name}: seg_len {lens:?}")
        });
        return;
    }
    let sigs = want["signals"].as_array().map_or(&[][..], |v| v.as_slice());
    t.check(sigs.len() == h.signals.len(), || {
        format!("{name}: {} signal lines vs {}", h.signals.len(), sigs.len())
    });
    for (i, (s, w)) in h.signals.iter().zip(sigs).enumerate() {
        for (k, got) in signal_fields(s) {
            t.check(equal(&got, &w[k]), || {
                format!("{name}: signal {i} {k} {got} vs {}", w[k])
            });
        }
    }
}
