//! A group-shared annotation directory (setgid, umask 002) used by two real Unix accounts
//! through the release binary's viewer under tmux: user 1 saves reader r1's table; user 2
//! saves reader r2's, then adjudicates r1 against r2 and saves the consensus; user 1 re-saves
//! r1 and then adjudicates into (replaces) the consensus user 2 made. Every file keeps the
//! directory's group, new files are 0664 and a replaced file keeps its mode; the contents are
//! what was marked.
//!
//! Needs root and `SIGMARK_USERS=USER1,USER2` (two accounts sharing a group, e.g.
//! `sigmark-r1,sigmark-r2` in `sigmark-lab`; the first group they share is used). Without
//! them it prints that it skipped, except under `CI`, where it fails.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{status, Tmux};
use sigmark::annotations::store::read_table;

fn is_root() -> bool {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        == Some("0")
}

/// `id FLAG USER` as numbers.
fn ids(flag: &str, user: &str) -> Vec<u32> {
    let out = Command::new("id").arg(flag).arg(user).output().unwrap();
    assert!(out.status.success(), "id {flag} {user}: no such account?");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

fn users() -> Option<(String, String)> {
    let why = match std::env::var("SIGMARK_USERS") {
        Ok(v) if is_root() => match v.split_once(',') {
            Some((a, b)) if !a.is_empty() && !b.is_empty() => {
                return Some((a.trim().into(), b.trim().into()))
            }
            _ => format!("SIGMARK_USERS={v:?} does not name two accounts (USER1,USER2)"),
        },
        Ok(_) => "not running as root (needed to run the viewer as two accounts)".into(),
        Err(_) => "SIGMARK_USERS is not set".into(),
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "shared_dir: {why}; CI must create the accounts (see README)"
    );
    println!("shared_dir: SKIPPED: {why}");
    None
}

struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    dir: PathBuf,
    gid: u32,
    tmux: Tmux,
    users: [String; 2],
}

impl Drop for Setup {
    /// A failed step must not leave viewers running as the test accounts: the tmux server goes
    /// first (its Drop), then anything still running as either account is killed.
    fn drop(&mut self) {
        let _ = self.tmux.run(&["kill-server"]);
        for u in &self.users {
            let _ = std::process::Command::new("pkill")
                .args(["-KILL", "-u", u])
                .status();
        }
    }
}

impl Setup {
    fn new(u1: &str, u2: &str) -> Setup {
        let g2 = ids("-G", u2);
        let gid = *ids("-G", u1)
            .iter()
            .find(|g| g2.contains(g))
            .unwrap_or_else(|| panic!("{u1} and {u2} share no group"));
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        set_mode(&root, 0o755);
        let dir = root.join("ann");
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::chown(&dir, None, Some(gid)).unwrap();
        set_mode(&dir, 0o2775);
        // The binary and the recording where both accounts can reach them.
        let bin = root.join("sigmark");
        std::fs::copy(common::cli::bin(), &bin).unwrap();
        set_mode(&bin, 0o755);
        let rec = root.join("rec.edf");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
            &rec,
        )
        .unwrap();
        set_mode(&rec, 0o644);
        for u in [u1, u2] {
            let home = root.join(format!("home-{u}"));
            std::fs::create_dir(&home).unwrap();
            std::os::unix::fs::chown(&home, Some(ids("-u", u)[0]), None).unwrap();
        }
        Setup {
            _tmp: tmp,
            root,
            dir,
            gid,
            tmux: Tmux::new("shared"),
            users: [u1.to_string(), u2.to_string()],
        }
    }

    /// Runs the viewer as `user` with umask 002 and `args`, does `keys` (each step waits for
    /// its screen text), saves, quits, and waits for the process to end.
    fn session(&self, user: &str, args: &str, steps: &[(Vec<&str>, String)]) {
        let r = self.root.display();
        let h = format!("{r}/home-{user}");
        let cmd = format!(
            "runuser -u {user} -- env NO_COLOR=1 HOME={h} XDG_CONFIG_HOME={h} XDG_DATA_HOME={h} \
             sh -c 'umask 002; exec {r}/sigmark open {r}/rec.edf --keymap ecg --annotations {d} {args}'",
            d = self.dir.display()
        );
        println!("{cmd}");
        let name = "s";
        self.tmux.start(name, &cmd);
        self.tmux
            .wait(name, "the viewer", |s| status(s).contains("rec.edf"));
        for (keys, expect) in steps {
            self.tmux.keys(name, keys);
            self.tmux
                .wait(name, expect, |s| s.contains(expect.as_str()));
        }
        self.tmux.keys(name, &["C-s"]);
        self.tmux
            .wait(name, "the save", |s| status(s).contains("saved"));
        self.tmux.keys(name, &["q"]);
        let t0 = Instant::now();
        while self.tmux.alive(name) {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "did not quit:\n{}",
                self.tmux.screen(name)
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("rec.{name}"))
    }

    /// Mode, group and owner of `name`, printed and checked.
    fn check(&self, name: &str, mode: u32, owner: &str) {
        let m = std::fs::metadata(self.file(name)).unwrap();
        let got = (m.mode() & 0o7777, m.gid(), m.uid());
        let want = (mode, self.gid, ids("-u", owner)[0]);
        println!(
            "{name}: mode {:o} gid {} uid {}; want {:o} {} {}",
            got.0, got.1, got.2, want.0, want.1, want.2
        );
        assert_eq!(got, want, "{name}");
    }

    fn onsets(&self, name: &str) -> Vec<(f64, String)> {
        read_table(&self.file(name))
            .unwrap()
            .into_iter()
            .map(|e| (e.onset, e.label))
            .collect()
    }
}

fn set_mode(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Keys to put a PVC at `t` seconds, each with the text its screen shows.
fn pvc_at(t: &str) -> Vec<(Vec<&str>, String)> {
    // The offset as the status bar shows it at the opening 10 s window.
    let t_s: f64 = t.parse().unwrap();
    let label = sigmark::tui::view::format_offset(t_s, sigmark::tui::view::decimals_for_span(10.0));
    vec![(vec!["g", t, "Enter"], label), (vec!["v"], "PVC at".into())]
}

#[test]
fn two_accounts_share_one_annotation_directory() {
    let Some((u1, u2)) = users() else { return };
    let s = Setup::new(&u1, &u2);
    // User 1, reader r1: a PVC at 30 s.
    s.session(&u1, "--reader r1", &pvc_at("30"));
    for f in ["r1.events.tsv", "r1.events.json", "r1.journal.jsonl"] {
        s.check(f, 0o664, &u1);
    }
    assert_eq!(s.onsets("r1.events.tsv"), vec![(30.0, "PVC".into())]);

    // User 2, reader r2: a PVC at 60 s; then adjudicating r1 against r2, taking A's PVC.
    s.session(&u2, "--reader r2", &pvc_at("60"));
    s.check("r2.events.tsv", 0o664, &u2);
    assert_eq!(s.onsets("r2.events.tsv"), vec![(60.0, "PVC".into())]);
    s.session(
        &u2,
        "--reader adj --compare r1 r2 --adjudicator adj",
        &[(vec!["M-a"], "resolved 1 of 2".into())],
    );
    s.check("consensus.events.tsv", 0o664, &u2);
    assert_eq!(s.onsets("consensus.events.tsv"), vec![(30.0, "PVC".into())]);

    // User 1 re-saves r1 after its mode was narrowed to 0660: mode and group are kept.
    set_mode(&s.file("r1.events.tsv"), 0o660);
    s.session(&u1, "--reader r1", &pvc_at("90"));
    s.check("r1.events.tsv", 0o660, &u1);
    s.check("r1.events.json", 0o664, &u1);
    assert_eq!(
        s.onsets("r1.events.tsv"),
        vec![(30.0, "PVC".into()), (90.0, "PVC".into())]
    );

    // User 1 adjudicates into the consensus user 2 made, after its mode was narrowed to 0660:
    // user 1 replaces user 2's file; it keeps mode and group, is user 1's now, and holds user
    // 1's decision (B's PVC at 60 s) beside user 2's (A's at 30 s); r1's PVC at 90 s is the
    // third disagreement, left undecided.
    set_mode(&s.file("consensus.events.tsv"), 0o660);
    s.session(
        &u1,
        "--reader adj1 --compare r1 r2 --adjudicator adj1",
        &[(vec!["M-b"], "resolved 2 of 3".into())],
    );
    s.check("consensus.events.tsv", 0o660, &u1);
    s.check("consensus.journal.jsonl", 0o664, &u2);
    assert_eq!(
        s.onsets("consensus.events.tsv"),
        vec![(30.0, "PVC".into()), (60.0, "PVC".into())]
    );
}
