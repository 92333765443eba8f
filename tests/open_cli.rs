//! `sigmark open` refusals that must come before anything is written: no terminal, a bad
//! `--at`, and reader names sigmark writes itself, from every source of the reader's name.

mod common;

use common::cli::{Cli, Run};
use std::path::{Path, PathBuf};

fn copy_demo(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    let dst = dir.join("demo_ecg.edf");
    std::fs::copy(src, &dst).unwrap();
    dst
}

/// Runs `sigmark ARGS` with stdout a pipe, HOME and the XDG directories in `home`, and no
/// reader variables unless `env` sets them.
fn sigmark(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    Cli::new().home(home).envs(env).args(args).run()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn without_a_terminal_open_refuses_before_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let ann = dir.path().join("marks");
    let out = sigmark(
        dir.path(),
        &[
            "open",
            rec.to_str().unwrap(),
            "--reader",
            "kim",
            "--annotations",
            ann.to_str().unwrap(),
        ],
        &[],
    );
    let err = &out.stderr;
    assert_eq!(out.code, 2);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(!ann.exists(), "--annotations directory was created");
    let out = sigmark(
        dir.path(),
        &["open", rec.to_str().unwrap(), "--reader", "kim"],
        &[],
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        files_in(dir.path()),
        vec!["demo_ecg.edf"],
        "files beside the recording"
    );
}

#[test]
fn a_bad_or_out_of_range_at_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    for (at, want) in [
        ("2:00:00", "past the end"),
        ("99999", "past the end"),
        ("-5", "before the start"),
        ("soon", "unexpected character"),
        ("@25:00", "clock time"),
    ] {
        let out = sigmark(
            dir.path(),
            &[
                "open",
                rec.to_str().unwrap(),
                "--view-only",
                &format!("--at={at}"),
            ],
            &[],
        );
        let err = &out.stderr;
        assert_eq!(out.code, 2, "--at {at}");
        assert!(
            err.contains("--at") && err.contains(want),
            "--at {at}: {err}"
        );
    }
}

/// Flags, environment, and the source the error must name.
type Case<'a> = (&'a [&'a str], Vec<(&'a str, &'a str)>, &'a str);

#[test]
fn readers_named_like_sigmarks_own_tables_are_refused_from_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let r = rec.to_str().unwrap();
    let cfg = dir.path().join("cfg");
    std::fs::create_dir_all(cfg.join("sigmark")).unwrap();
    std::fs::write(cfg.join("sigmark/config.toml"), "reader = \"embedded\"\n").unwrap();
    let cfg_s = cfg.to_str().unwrap();
    let cases: [Case; 5] = [
        (&["--reader", "consensus"], vec![], "--reader"),
        (&["--reader", "sigmark-detect"], vec![], "--reader"),
        (
            &[],
            vec![("SIGMARK_READER", "Consensus")],
            "$SIGMARK_READER",
        ),
        (&[], vec![("XDG_CONFIG_HOME", cfg_s)], "config.toml"),
        (&[], vec![("USER", "sigmark-ci")], "$USER"),
    ];
    for (flags, env, source) in cases {
        let mut args = vec!["open", r];
        args.extend_from_slice(flags);
        let out = sigmark(dir.path(), &args, &env);
        let err = &out.stderr;
        assert_eq!(out.code, 2, "{flags:?} {env:?}");
        assert!(
            err.contains("sigmark writes itself") && err.contains(source),
            "{flags:?} {env:?}: {err}"
        );
    }
    assert_eq!(files_in(dir.path()), vec!["cfg", "demo_ecg.edf"]);
}
