//! 10,000 mutated annotation files (from the corpus ones, or a made one without the corpus):
//! the reader returns entries or an error naming a byte, never panics or hangs; what it reads
//! it writes back to bytes that read the same again.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use sigmark::formats::mit::{self, Entry};

fn bases() -> &'static Vec<Vec<u8>> {
    static B: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    B.get_or_init(|| {
        let mut v: Vec<Vec<u8>> = crate::corpus()
            .map(|dir| {
                crate::oracles(&dir)
                    .into_iter()
                    .map(|(p, _, _)| std::fs::read(p).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let mut e = Entry::new(3000, 28);
        e.aux = Some(b"(AFIB\0".to_vec());
        let mut s = Entry::new(4000, 5);
        s.subtype = -1;
        s.chan = 255;
        v.push(mit::encode(&[
            Entry::new(10, 1),
            e,
            s,
            Entry::new(1 << 33, 1),
        ]));
        v
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Word(usize, u16),
    Cut(usize),
    Splice(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        3 => (any::<usize>(), any::<u16>()).prop_map(|(p, w)| Mutation::Word(p, w)),
        1 => any::<usize>().prop_map(Mutation::Cut),
        1 => (any::<usize>(), any::<usize>(), 0usize..64).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let n = bytes.len();
    match *m {
        Mutation::Set(p, b) => bytes[p % n] = b,
        Mutation::Word(p, w) => {
            let at = (p % n) & !1;
            for (k, b) in w.to_le_bytes().iter().enumerate() {
                if let Some(x) = bytes.get_mut(at + k) {
                    *x = *b;
                }
            }
        }
        Mutation::Cut(p) => bytes.truncate(p % (n + 1)),
        Mutation::Splice(a, b, len) => {
            let (a, b) = (a % n, b % n);
            let piece: Vec<u8> = bytes[a..(a + len).min(n)].to_vec();
            bytes.splice(b..b, piece);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_annotation_files_never_panic(k in any::<usize>(), ms in proptest::collection::vec(mutation(), 1..8)) {
        let base = bases();
        let mut bytes = base[k % base.len()].clone();
        for m in &ms {
            apply(&mut bytes, m);
        }
        match mit::parse(Path::new("fuzz.atr"), &bytes) {
            Ok(f) => {
                let again = mit::parse(Path::new("again.atr"), &mit::encode(&f.entries));
                let again = again.map_err(|e| TestCaseError::fail(format!("rewritten file refused: {e}")))?;
                let key = |e: &Entry| (e.sample, e.code, e.subtype, e.chan, e.num, e.aux.clone());
                prop_assert_eq!(
                    f.entries.iter().map(key).collect::<Vec<_>>(),
                    again.entries.iter().map(key).collect::<Vec<_>>()
                );
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains("fuzz.atr") && text.contains("byte"), "{}", text);
            }
        }
    }
}
