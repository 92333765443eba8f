//! LZF decompression (liblzf's format) for h5py's LZF filter, HDF5 filter id 32000.
//!
//! The compressed bytes come from the file, so every read of the input and every write or
//! back-reference into the output is checked; a hostile stream yields an error, never a panic
//! or an out-of-bounds access.

use hdf5_reader::messages::filter_pipeline::FilterDescription;

/// HDF5 filter id h5py registers LZF under.
pub const FILTER_LZF: u16 = 32000;

/// A back-reference of 3 input bytes yields at most 264 output bytes; a literal run yields at
/// most one byte per input byte. No valid stream expands by more than this factor.
const MAX_EXPANSION: usize = 88;

/// Largest chunk the filter will produce, whatever the file claims (h5py's chunks are far
/// smaller; HDF5's own chunk size limit is 4 GiB, which nobody should allocate on trust).
pub const MAX_OUTPUT: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LzfError {
    /// The stream ends inside a literal run or a back-reference.
    Truncated { at: usize },
    /// A back-reference points before the start of the output.
    BadReference {
        at: usize,
        distance: usize,
        produced: usize,
    },
    /// The stream decodes to more bytes than allowed.
    TooLong { limit: usize },
}

impl std::fmt::Display for LzfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LzfError::Truncated { at } => {
                write!(f, "LZF stream ends inside the token at byte {at}")
            }
            LzfError::BadReference {
                at,
                distance,
                produced,
            } => write!(
                f,
                "LZF back-reference at byte {at} reaches {distance} bytes back, but only {produced} bytes were decoded"
            ),
            LzfError::TooLong { limit } => {
                write!(f, "LZF stream decodes to more than {limit} bytes")
            }
        }
    }
}

/// Decodes a complete LZF stream into at most `limit` bytes.
pub fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, LzfError> {
    let cap = limit.min(input.len().saturating_mul(MAX_EXPANSION));
    let mut out: Vec<u8> = Vec::with_capacity(cap);
    let mut ip = 0usize;
    while ip < input.len() {
        let token_at = ip;
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < 32 {
            let len = ctrl + 1;
            let lit = input
                .get(ip..ip + len)
                .ok_or(LzfError::Truncated { at: token_at })?;
            if out.len() + len > limit {
                return Err(LzfError::TooLong { limit });
            }
            out.extend_from_slice(lit);
            ip += len;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += usize::from(*input.get(ip).ok_or(LzfError::Truncated { at: token_at })?);
                ip += 1;
            }
            let low = usize::from(*input.get(ip).ok_or(LzfError::Truncated { at: token_at })?);
            ip += 1;
            let distance = ((ctrl & 0x1f) << 8) + low + 1;
            let len = len + 2;
            if distance > out.len() {
                return Err(LzfError::BadReference {
                    at: token_at,
                    distance,
                    produced: out.len(),
                });
            }
            if out.len() + len > limit {
                return Err(LzfError::TooLong { limit });
            }
            // Source and destination may overlap (a run repeats its own output), so copy
            // byte by byte from the growing buffer.
            let start = out.len() - distance;
            for k in 0..len {
                let b = out[start + k];
                out.push(b);
            }
        }
    }
    Ok(out)
}

/// The filter function for `FilterRegistry`: h5py stores the uncompressed chunk size in client
/// data element 2 (0 or absent when unknown).
pub fn filter(
    desc: &FilterDescription,
    data: &[u8],
    _element_size: usize,
) -> hdf5_reader::error::Result<Vec<u8>> {
    let expected = desc
        .client_data
        .get(2)
        .copied()
        .filter(|&n| n > 0)
        .map(|n| n as usize);
    let limit = expected.map_or(MAX_OUTPUT, |n| n.min(MAX_OUTPUT));
    let out = decompress(data, limit)
        .map_err(|e| hdf5_reader::error::Error::DecompressionError(e.to_string()))?;
    if let Some(n) = expected {
        if out.len() != n {
            return Err(hdf5_reader::error::Error::DecompressionError(format!(
                "LZF chunk decodes to {} bytes, the filter parameters say {n}",
                out.len()
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A straightforward LZF compressor (literal runs plus greedy matches), enough to produce
    /// valid streams with both back-reference forms for the round trip tests.
    fn compress(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut lit: Vec<u8> = Vec::new();
        let flush = |lit: &mut Vec<u8>, out: &mut Vec<u8>| {
            for run in lit.chunks(32) {
                out.push((run.len() - 1) as u8);
                out.extend_from_slice(run);
            }
            lit.clear();
        };
        let mut i = 0;
        while i < input.len() {
            let mut best = (0usize, 0usize);
            for d in 1..=i.min(8192) {
                let mut l = 0;
                while i + l < input.len() && l < 264 && input[i + l - d] == input[i + l] {
                    l += 1;
                }
                if l > best.1 {
                    best = (d, l);
                }
            }
            if best.1 >= 3 {
                flush(&mut lit, &mut out);
                let (d, l) = (best.0 - 1, best.1 - 2);
                if l < 7 {
                    out.push(((l << 5) | (d >> 8)) as u8);
                } else {
                    out.push(((7 << 5) | (d >> 8)) as u8);
                    out.push((l - 7) as u8);
                }
                out.push((d & 0xff) as u8);
                i += best.1;
            } else {
                lit.push(input[i]);
                i += 1;
            }
        }
        flush(&mut lit, &mut out);
        out
    }

    #[test]
    fn literal_only() {
        let data = b"\x04hello";
        assert_eq!(decompress(data, 100).unwrap(), b"hello");
    }

    #[test]
    fn short_and_long_back_references() {
        // "abc" then a 3-byte match at distance 3 (short form), then a 30-byte run of 'z'
        // (literal 'z' + long-form reference at distance 1).
        let mut s = b"\x02abc".to_vec();
        s.extend_from_slice(&[(1 << 5), 2]); // len 1+2 = 3, distance 3
        s.extend_from_slice(b"\x00z");
        s.extend_from_slice(&[(7 << 5), 29 - 9, 0]); // len 7+20+2 = 29, distance 1
        let out = decompress(&s, 1000).unwrap();
        let mut want = b"abcabcz".to_vec();
        want.extend(std::iter::repeat_n(b'z', 29));
        assert_eq!(out, want);
    }

    #[test]
    fn round_trip() {
        let mut data = Vec::new();
        for k in 0..5000u32 {
            data.extend_from_slice(&((k / 7) as i16).to_le_bytes());
            if k % 100 == 0 {
                data.extend_from_slice(&[0u8; 300]);
            }
        }
        let c = compress(&data);
        assert!(c.len() < data.len());
        assert_eq!(decompress(&c, data.len()).unwrap(), data);
        assert_eq!(
            decompress(&c, data.len() - 1),
            Err(LzfError::TooLong {
                limit: data.len() - 1
            })
        );
    }

    #[test]
    fn empty_input_is_empty_output() {
        assert_eq!(decompress(&[], 10).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn truncated_literal() {
        assert_eq!(
            decompress(b"\x05abc", 100),
            Err(LzfError::Truncated { at: 0 })
        );
    }

    #[test]
    fn truncated_reference() {
        assert_eq!(
            decompress(b"\x00a\x20", 100),
            Err(LzfError::Truncated { at: 2 })
        );
        assert_eq!(
            decompress(b"\x00a\xe0\x05", 100),
            Err(LzfError::Truncated { at: 2 })
        );
    }

    #[test]
    fn reference_before_start() {
        assert_eq!(
            decompress(b"\x00a\x20\x05", 100),
            Err(LzfError::BadReference {
                at: 2,
                distance: 6,
                produced: 1
            })
        );
        assert!(matches!(
            decompress(b"\x20\x00", 100),
            Err(LzfError::BadReference { .. })
        ));
    }

    #[test]
    fn output_limit_is_enforced() {
        assert_eq!(
            decompress(b"\x04hello", 4),
            Err(LzfError::TooLong { limit: 4 })
        );
        // A maximal run from 3 bytes must stop at the limit, not allocate past it.
        assert_eq!(
            decompress(b"\x00a\xe0\xff\x00", 10),
            Err(LzfError::TooLong { limit: 10 })
        );
    }

    #[test]
    fn corrupted_streams_never_panic() {
        let mut data = Vec::new();
        for k in 0..2000u32 {
            data.extend_from_slice(&(k % 37).to_le_bytes());
        }
        let good = compress(&data);
        // Deterministic pseudo-random corruption: flip, truncate, and splice bytes.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let mut bad = good.clone();
            match next() % 3 {
                0 => {
                    let i = (next() as usize) % bad.len();
                    bad[i] ^= (next() as u8) | 1;
                }
                1 => bad.truncate((next() as usize) % bad.len()),
                _ => {
                    let i = (next() as usize) % bad.len();
                    let j = (next() as usize) % bad.len();
                    bad.swap(i, j);
                }
            }
            if let Ok(out) = decompress(&bad, data.len()) {
                assert!(out.len() <= data.len());
            }
        }
        for _ in 0..500 {
            let len = (next() % 200) as usize;
            let junk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let _ = decompress(&junk, 1 << 16);
        }
    }

    #[test]
    fn filter_checks_declared_size() {
        let c = compress(b"abcabcabcabc");
        let desc = |n: u32| FilterDescription {
            id: FILTER_LZF,
            name: None,
            client_data: vec![4, 261, n],
        };
        assert_eq!(filter(&desc(12), &c, 1).unwrap(), b"abcabcabcabc");
        assert!(filter(&desc(13), &c, 1).is_err());
        assert!(filter(&desc(11), &c, 1).is_err());
        assert_eq!(filter(&desc(0), &c, 1).unwrap(), b"abcabcabcabc");
    }
}
