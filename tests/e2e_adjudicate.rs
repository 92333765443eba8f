//! End to end, adjudication on the real binary in tmux: decide, decide the same item again,
//! jump with `g` and decide the disagreement under the cursor, restart; the consensus table
//! keeps only the latest decision per item and the status line shows its progress once.
//! tmux is required (`.ci/run` installs it).

mod common;

use common::adjudication::two_readers;
use common::tmux::{status, Tmux};
use sigmark::annotations::store::read_table;

/// The status line says "resolved N of 4" exactly once.
fn resolved(s: &str, n: usize) -> bool {
    let st = status(s);
    st.matches("resolved ").count() == 1 && st.contains(&format!("resolved {n} of 4"))
}

#[test]
fn re_deciding_replaces_and_a_jump_decides_the_item_under_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let cmd = format!(
        "env NO_COLOR=1 XDG_CONFIG_HOME={d} XDG_DATA_HOME={d} HOME={d} {bin} open {rec} --reader carol --keymap ecg --compare alice bob --pair-tolerance 1",
        d = dir.path().display(),
        bin = common::cli::bin(),
        rec = rec.display()
    );
    let tmux = Tmux::new("adj");
    tmux.start("a", &cmd);
    let s = tmux.wait("a", "resolved 0 of 4 once", |s| resolved(s, 0));
    println!("start: {}", status(&s));
    // At 100 s (A PVC / B PAC): take A, then go back and take B instead.
    tmux.keys("a", &["M-a"]);
    tmux.wait("a", "A decided", |s| resolved(s, 1) && s.contains("only A"));
    tmux.keys("a", &["D"]);
    tmux.wait("a", "back at the label item", |s| s.contains("decided: A"));
    tmux.keys("a", &["M-b"]);
    let s = tmux.wait("a", "B replaces A", |s| {
        resolved(s, 1) && s.contains("B; next: only A")
    });
    println!("re-decided: {}", status(&s));
    // Jump to the only-B PVC at 400 s (the current item is the only-A VT) and accept it.
    tmux.keys("a", &["g", "400", "Enter"]);
    tmux.wait("a", "the jump", |s| status(s).contains("0:06:40"));
    tmux.keys("a", &["M-b"]);
    let s = tmux.wait("a", "the item under the cursor decided", |s| resolved(s, 2));
    println!("after the jump: {}", status(&s));
    tmux.keys("a", &["C-s"]);
    tmux.keys("a", &["q"]);
    let t0 = std::time::Instant::now();
    while tmux.alive("a") && t0.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let table = read_table(&dir.path().join("holter.consensus.events.tsv")).unwrap();
    let rows: Vec<(String, String)> = table
        .iter()
        .map(|e| (e.id.clone(), e.source.to_string()))
        .collect();
    println!("consensus: {rows:?}");
    let want = |id: &str, src: &str| (id.to_string(), src.to_string());
    assert_eq!(
        rows,
        vec![want("a1", "both"), want("b2", "B"), want("b5", "B")]
    );
}
