//! The direction of dependencies between sigmark's top modules (ARCHITECTURE.md):
//!
//! `signal` <- `formats` <- {`dsp`, `annotations`} <- {`compare`, `export`} <- `jobs` <- `tui`
//! <- `cli` <- `main`
//!
//! Every `src/**/*.rs` is read (outside `#[cfg(test)] mod … { … }` blocks, whose imports are
//! test-only); each `crate::X`, `crate::{X, …}` and `super::` path that reaches another top
//! module is checked against `LAYERS`, and anything outside `src/tui/` naming `ratatui` or
//! `crossterm` fails. A failure names the file, the line and the import.

use std::path::{Path, PathBuf};

/// Where a top module sits. `Rank(n)` may import modules of a lower rank and the leaves; two
/// modules of the same rank are peers and may not import each other (a sideways import is a
/// hidden layer: move the shared piece down instead). Leaves import no other top module.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layer {
    Leaf,
    Rank(u8),
}

/// The table. A new top module must be added here before it can be imported.
/// - `text` (sanitising terminal/log output) is a leaf every layer may use.
/// - `tmpfiles` lives in `annotations` (`annotations::tmpfiles`), so it sits at that layer; its
///   only users are `annotations` and `export`, above it.
/// - `synth` writes recordings through `formats` (the EDF+/HDF5 writers) and is used only by
///   `cli`: a tool over formats, a peer of `export`.
/// - `study` runs compare's engine over a study's tables (status, audit), so it sits above
///   compare and export; export's `--qa` filter is built by the CLI from `study::qa`.
/// - `jobs` does not exist yet on every branch; it is placed between {compare, export} and tui.
const LAYERS: &[(&str, Layer)] = &[
    ("text", Layer::Leaf),
    ("signal", Layer::Rank(0)),
    ("formats", Layer::Rank(1)),
    ("dsp", Layer::Rank(2)),
    ("annotations", Layer::Rank(2)),
    ("compare", Layer::Rank(3)),
    ("export", Layer::Rank(3)),
    ("deid", Layer::Rank(3)),
    ("snapshot", Layer::Rank(3)),
    ("synth", Layer::Rank(3)),
    ("study", Layer::Rank(4)),
    ("jobs", Layer::Rank(4)),
    ("tui", Layer::Rank(5)),
    ("cli", Layer::Rank(6)),
    ("main", Layer::Rank(7)),
];

/// Known violations owned by another part of issue 12, each with its owner. An entry that no
/// longer occurs fails the test too, so it is removed as soon as the fix lands.
const PENDING: &[(&str, &str, &str)] = &[];

#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    target: String,
    text: String,
    why: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} ({})",
            self.file, self.line, self.text, self.why
        )
    }
}

fn layer(module: &str) -> Option<Layer> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Why `from` may not import `to`, or `None` when it may.
fn refusal(from: &str, to: &str) -> Option<String> {
    if from == to {
        return None;
    }
    let (Some(f), Some(t)) = (layer(from), layer(to)) else {
        return Some(format!("`{from}` -> `{to}`: module missing from LAYERS"));
    };
    match (f, t) {
        (_, Layer::Leaf) => None,
        (Layer::Leaf, _) => Some(format!("leaf `{from}` imports `{to}`")),
        (Layer::Rank(a), Layer::Rank(b)) if b < a => None,
        (Layer::Rank(a), Layer::Rank(b)) if b == a => {
            Some(format!("`{from}` imports its peer `{to}`"))
        }
        _ => Some(format!("`{from}` imports `{to}`, which sits above it")),
    }
}

/// The module path of a file under `src/`: `dsp/spectrum.rs` -> [dsp, spectrum],
/// `dsp/mod.rs` -> [dsp], `lib.rs` -> [], `main.rs` -> [main].
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The source without `#[cfg(test)]` items that have a body (`mod tests { … }`): their lines
/// become empty so line numbers stay right. Counting braces ignores braces in strings, which is
/// good enough for this source tree (a miscount only hides or shows test code).
fn strip_test_blocks(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending_cfg = false;
    let mut depth: Option<i64> = None;
    for line in src.lines() {
        let t = line.trim();
        if let Some(d) = depth.as_mut() {
            *d += braces(line);
            out.push(String::new());
            if *d <= 0 && line.contains('}') {
                depth = None;
            }
            continue;
        }
        if t.starts_with("#[cfg(test)]") {
            pending_cfg = true;
            out.push(String::new());
            continue;
        }
        if pending_cfg && !t.starts_with("#[") {
            pending_cfg = false;
            if line.contains('{') {
                let d = braces(line);
                out.push(String::new());
                if d > 0 {
                    depth = Some(d);
                }
                continue;
            }
        }
        out.push(line.to_string());
    }
    out
}

fn braces(line: &str) -> i64 {
    line.chars()
        .map(|c| match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        })
        .sum()
}

/// Code of a line without a `//` comment (a `//` inside a string literal is rare enough here).
fn code_of(line: &str) -> &str {
    match line.find("//") {
        Some(i) if !line[..i].contains('"') => &line[..i],
        Some(_) => line,
        None => line,
    }
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Top modules a line's `crate::` paths reach.
fn crate_targets(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        if i > 0 && code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue; // `$crate::` or `foo_crate::`
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            out.extend(group_heads(group));
        } else {
            out.push(ident_at(rest).to_string());
        }
    }
    out
}

/// First identifiers of the items of `a::b, c::{d, e}, f}`, stopping at the closing brace.
fn group_heads(group: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && (c.is_ascii_alphabetic() || c == '_') => {
                out.push(ident_at(&group[i..]).to_string());
                start = false;
            }
            _ => {}
        }
    }
    out
}

/// Top modules a line's `super::` chains reach from a file whose module path is `here`.
fn super_targets(code: &str, here: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("super::") {
        if i >= "super::".len() && code[..i].ends_with("super::") {
            continue; // counted with the chain's first `super::`
        }
        let mut rest = &code[i..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        // `super` of a module at depth n is its parent, at depth n - 1.
        let depth = here.len().saturating_sub(ups);
        if depth == 0 {
            out.push(ident_at(rest).to_string());
        } else {
            out.push(here[0].clone());
        }
    }
    out
}

fn mentions_terminal(code: &str) -> Option<&'static str> {
    ["ratatui", "crossterm"].into_iter().find(|name| {
        code.match_indices(name).any(|(i, _)| {
            let before = code[..i].chars().next_back();
            let after = code[i + name.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '"')
                && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '"')
        })
    })
}

/// Names lib.rs re-exports at the crate root (`pub use formats::{open, Error};`), each with the
/// module it comes from, so `crate::open` counts as an import of `formats`.
fn root_reexports(lib_rs: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in lib_rs.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module = ident_at(rest).to_string();
        let items = rest[module.len()..].trim_start_matches("::");
        let names = match items.strip_prefix('{') {
            Some(group) => group_heads(group),
            None => vec![ident_at(items).to_string()],
        };
        out.extend(names.into_iter().map(|n| (n, module.clone())));
    }
    out
}

/// Every violation in one file's source; `rel` is its path under `src/`.
fn check_source(rel: &Path, src: &str, root: &[(String, String)]) -> Vec<Violation> {
    let here = module_path(rel);
    let Some(from) = here.first().cloned() else {
        return Vec::new(); // lib.rs declares the modules and re-exports; it is no layer
    };
    let file = Path::new("src").join(rel).display().to_string();
    let mut found = Vec::new();
    for (n, line) in strip_test_blocks(src).iter().enumerate() {
        let code = code_of(line);
        let mut targets = crate_targets(code);
        targets.extend(super_targets(code, &here));
        for mut target in targets {
            if let Some((_, module)) = root.iter().find(|(name, _)| *name == target) {
                target = module.clone();
            }
            if let Some(why) = refusal(&from, &target) {
                found.push(violation(&file, n + 1, &target, code, why));
            }
        }
        if from != "tui" {
            if let Some(name) = mentions_terminal(code) {
                let why = format!("only src/tui/ may use {name}");
                found.push(violation(&file, n + 1, name, code, why));
            }
        }
    }
    found
}

fn violation(file: &str, line: usize, target: &str, code: &str, why: String) -> Violation {
    Violation {
        file: file.to_string(),
        line,
        target: target.to_string(),
        text: code.trim().to_string(),
        why,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_pending(v: &Violation) -> bool {
    PENDING
        .iter()
        .any(|(file, target, _)| v.file == *file && v.target == *target)
}

#[test]
fn imports_follow_the_dependency_direction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let lib_rs = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let root = root_reexports(&lib_rs);
    let mut all = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("source file");
        let rel = path.strip_prefix(&src).expect("under src");
        all.extend(check_source(rel, &text, &root));
    }
    let (pending, bad): (Vec<_>, Vec<_>) = all.into_iter().partition(is_pending);
    println!("checked {} files under src/", files.len());
    for v in &pending {
        println!("pending (owned elsewhere): {v}");
    }
    let stale: Vec<_> = PENDING
        .iter()
        .filter(|(f, t, _)| !pending.iter().any(|v| v.file == *f && v.target == *t))
        .collect();
    let report: Vec<String> = bad.iter().map(|v| v.to_string()).collect();
    assert!(
        report.is_empty(),
        "{} imports against the dependency direction:\n{}",
        report.len(),
        report.join("\n")
    );
    assert!(
        stale.is_empty(),
        "PENDING entries that no longer occur (remove them): {stale:?}"
    );
}

#[cfg(test)]
mod checker {
    use super::*;

    fn targets_of(rel: &str, src: &str) -> Vec<(usize, String)> {
        let root = root_reexports("pub use formats::{open, Error};\npub use signal::Recording;\n");
        let found = check_source(Path::new(rel), src, &root);
        println!("{rel}: {found:#?}");
        found.into_iter().map(|v| (v.line, v.target)).collect()
    }

    #[test]
    fn catches_an_upward_import() {
        let src = "use std::io;\nuse crate::formats::Error;\n";
        assert_eq!(targets_of("signal/mod.rs", src), [(2, "formats".into())]);
    }

    #[test]
    fn catches_a_sideways_import_in_a_group() {
        let src = "use crate::{signal::Channel, dsp::ChannelKind};\n";
        assert_eq!(targets_of("annotations/x.rs", src), [(1, "dsp".into())]);
    }

    #[test]
    fn resolves_super_chains_to_the_top_module() {
        // From src/export/shard/merge.rs (crate::export::shard::merge), three `super`s reach
        // the crate root; two stay inside export.
        let src = "use super::super::super::tui::App;\nuse super::super::rows;\n";
        assert_eq!(
            targets_of("export/shard/merge.rs", src),
            [(1, "tui".into())]
        );
    }

    #[test]
    fn catches_terminal_crates_outside_tui_only() {
        let src = "use ratatui::buffer::Buffer;\nfn f() { crossterm::terminal::size(); }\n";
        let out = targets_of("compare/x.rs", src);
        assert_eq!(out, [(1, "ratatui".into()), (2, "crossterm".into())]);
        assert!(targets_of("tui/x.rs", src).is_empty());
    }

    #[test]
    fn ignores_test_modules_comments_and_allowed_imports() {
        let src = "use crate::signal::Channel;\nuse crate::text;\n// crate::tui\n\
                   #[cfg(test)]\nmod tests {\n    use crate::tui::App;\n}\nuse crate::cli::X;\n";
        assert_eq!(targets_of("export/x.rs", src), [(8, "cli".into())]);
    }

    #[test]
    fn crate_root_reexports_count_as_their_module() {
        let src = "fn f() { crate::open(p); }\nuse crate::Recording;\n";
        assert_eq!(targets_of("signal/x.rs", src), [(1, "formats".into())]);
    }

    #[test]
    fn an_unknown_module_is_a_violation() {
        let out = targets_of("export/x.rs", "use crate::study::Queue;\n");
        assert_eq!(out, [(1, "study".into())]);
    }
}

/// The size rule of issue 12: no source file over 600 lines (functions over 80 lines are
/// `scripts/fnlen`'s, run by `.ci/run`).
#[test]
fn no_source_file_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut sizes: Vec<(usize, String)> = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("source file");
            (text.lines().count(), p.display().to_string())
        })
        .collect();
    sizes.sort();
    for (n, p) in sizes.iter().rev().take(5) {
        println!("{n:5} {p}");
    }
    let over: Vec<_> = sizes.iter().filter(|(n, _)| *n > 600).collect();
    assert!(over.is_empty(), "files over 600 lines: {over:?}");
}
