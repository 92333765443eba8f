//! The release binary run once per call, for the CLI tests: `sigmark(&["info", path])` for
//! the common case, `Cli::new()` when a test needs environment variables, a current directory,
//! a fresh HOME or bytes on stdin. Every run prints the command and what it wrote, so a failing
//! assertion shows what ran.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary under test, for the tests that start it themselves (tmux, a copied binary).
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sigmark")
}

/// `sigmark ARGS` with the test's environment and stdin closed.
pub fn sigmark<S: AsRef<OsStr>>(args: &[S]) -> Run {
    Cli::new().args(args).run()
}

/// What a run left: the exit code (-1 if a signal ended it), and stdout and stderr as text
/// (invalid UTF-8 replaced) and as the bytes written.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub stdout_bytes: Vec<u8>,
    pub stderr_bytes: Vec<u8>,
}

impl Run {
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// `(code, stdout, stderr)`, for a test that names them: `let (code, out, err) = ...`.
    pub fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }

    /// Stdout parsed as JSON, failing with the command's stderr if it exits non-zero or if
    /// stdout is not JSON.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "{}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// A run to set up: arguments, environment, current directory, stdin.
#[derive(Default)]
pub struct Cli {
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    dir: Option<PathBuf>,
    stdin: Option<Vec<u8>>,
}

impl Cli {
    pub fn new() -> Cli {
        Cli::default()
    }

    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Cli {
        self.args.push(a.as_ref().to_os_string());
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: &[S]) -> Cli {
        self.args
            .extend(args.iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Cli {
        self.env
            .push((key.into(), Some(value.as_ref().to_os_string())));
        self
    }

    /// Each `(key, value)` of `vars`, in order.
    pub fn envs(self, vars: &[(&str, &str)]) -> Cli {
        vars.iter().fold(self, |c, (k, v)| c.env(k, v))
    }

    pub fn env_remove(mut self, key: &str) -> Cli {
        self.env.push((key.into(), None));
        self
    }

    /// HOME and the XDG directories in `home`, no colour and no reader variables: the
    /// identity a user with nothing configured has. Later `env` calls still apply.
    pub fn home(self, home: &Path) -> Cli {
        ["SIGMARK_READER", "XDG_CONFIG_HOME", "XDG_DATA_HOME"]
            .iter()
            .fold(self.env("HOME", home).env("NO_COLOR", "1"), |c, k| {
                c.env_remove(k)
            })
    }

    pub fn current_dir(mut self, dir: &Path) -> Cli {
        self.dir = Some(dir.to_path_buf());
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Cli {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs the binary, waits for it and prints the command and its output.
    pub fn run(self) -> Run {
        let mut c = Command::new(bin());
        c.args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        for (k, v) in &self.env {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        if let Some(d) = &self.dir {
            c.current_dir(d);
        }
        let mut child = c.spawn().unwrap_or_else(|e| panic!("start {}: {e}", bin()));
        if let (Some(bytes), Some(mut pipe)) = (&self.stdin, child.stdin.take()) {
            // A binary that stops reading early closes the pipe; that is its answer, not ours.
            let _ = pipe.write_all(bytes);
        }
        let out = child.wait_with_output().expect("wait for sigmark");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            stdout_bytes: out.stdout,
            stderr_bytes: out.stderr,
        };
        self.print(&run);
        run
    }

    fn print(&self, run: &Run) {
        let env: String = self
            .env
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{}={} ", k.to_string_lossy(), v.to_string_lossy()),
                None => format!("-u {} ", k.to_string_lossy()),
            })
            .collect();
        let args: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        let dir = self.dir.as_ref().map(|d| format!(" (in {})", d.display()));
        println!(
            "$ {}sigmark {}{}\nexit {}\n--- stdout\n{}\n--- stderr\n{}",
            env,
            args.join(" "),
            dir.unwrap_or_default(),
            run.code,
            clip(&run.stdout),
            clip(&run.stderr)
        );
    }
}

/// At most 4000 characters of `s`, so a dump does not bury the rest of the test's output.
fn clip(s: &str) -> String {
    const MAX: usize = 4000;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}... ({} bytes in all)", &s[..i], s.len()),
        None => s.to_string(),
    }
}
