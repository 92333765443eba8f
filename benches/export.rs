//! Export throughput: a generated tree of 1,000 recordings x 100 events (100,000 rows) to CSV
//! and to Parquet. The full-size run (10,000 x 100 = 1,000,000 rows, with peak memory) is
//! `scripts/bench_export.sh`.

#[path = "support/export_tree.rs"]
mod export_tree;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sigmark::export::{self, OutFormat, Readers};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let tree = dir.path().join("tree");
    export_tree::generate(&tree, 1_000, 100).expect("generating the tree");
    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    for (name, format) in [("csv", OutFormat::Csv), ("parquet", OutFormat::Parquet)] {
        let opts = export::Options {
            inputs: vec![tree.clone()],
            out: dir.path().join(format!("out.{name}")),
            format,
            readers: Readers::All,
            embedded: false,
            jobs: 0,
            strict: false,
            shard: None,
            open: Default::default(),
            keep: None,
        };
        g.bench_function(format!("100k_rows_{name}"), |b| {
            b.iter(|| export::export(&opts, &|_| {}).expect("export"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
