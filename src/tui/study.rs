//! A reading within a study, in the viewer: what the viewer knows of it, and the key that marks
//! it finished (`finish_reading`, F). The table is saved first, then the `finished` entry is
//! appended (fsynced) to the study's `readings.jsonl`; only then does the status bar say so.

use super::action::Arg;
use super::app::App;
use crate::study::log::ReadingState;
use crate::study::{reading, Study};
use crate::text::sanitize;

/// The viewer was opened within a study by one of the recording's assigned readers.
#[derive(Debug, Clone)]
pub struct StudyReading {
    pub study: Study,
    /// The recording's path as in `study.toml`.
    pub rel: String,
    pub reader: String,
    /// Said on the status bar when the viewer opens (which study, which of the reader's).
    pub opening: String,
    /// Marked finished in this session.
    pub finished: bool,
}

/// Gives the app its study reading, if it was opened within one, and says so.
pub fn attach(app: &mut App, study: Option<&StudyReading>) {
    let Some(s) = study else {
        return;
    };
    app.add_message(sanitize(&s.opening));
    app.study = Some(s.clone());
}

/// `finish_reading`: saves the reader's table, then logs the reading as finished.
pub fn finish(app: &mut App, _: Arg) {
    let Some(s) = app.study.as_ref() else {
        app.message = Some(
            "finishing is for a study's reading: open the recording with `sigmark study next DIR --reader NAME`".into(),
        );
        return;
    };
    if s.finished {
        app.message = Some(format!(
            "already finished {}: q quits; `sigmark study next` opens the next",
            sanitize(&s.rel)
        ));
        return;
    }
    if app.annot.as_ref().is_some_and(|a| a.open.is_some()) {
        app.message = Some(
            "an interval is open: close it (its key or o) or drop it (Esc), then finish".into(),
        );
        return;
    }
    if let Err(e) = app.save_annotations(true) {
        app.message = Some(format!(
            "NOT FINISHED: saving failed: {} (your edits are safe in the journal)",
            sanitize(&e.to_string())
        ));
        return;
    }
    let Some(s) = app.study.as_mut() else {
        return;
    };
    app.message = Some(
        match reading::mark(&s.study, &s.reader, &s.rel, ReadingState::Finished) {
            Ok(_) => {
                s.finished = true;
                format!(
                    "finished {} (saved; logged in readings.jsonl): q quits, `sigmark study next` opens the next",
                    sanitize(&s.rel)
                )
            }
            Err(e) => format!("NOT FINISHED: {}", sanitize(&e.to_string())),
        },
    );
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::study::{Assignment, Gates, Guideline, StudyFile};
    use crate::tui::input::fixture::annotating;

    fn press(app: &mut App, c: char) {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }

    fn study(dir: &std::path::Path) -> StudyReading {
        let file = StudyFile {
            name: "pilot".into(),
            guideline: Guideline {
                keymap: "ecg".into(),
                version: "1.0".into(),
            },
            readers: vec!["tester".into()],
            reads: 1,
            qa: Vec::new(),
            seed: 1,
            gates: Gates::default(),
            critical: Vec::new(),
            recordings: vec![Assignment {
                path: "demo_ecg.edf".into(),
                readers: vec!["tester".into()],
            }],
            order: [("tester".to_string(), vec!["demo_ecg.edf".to_string()])].into(),
        };
        StudyReading {
            study: Study {
                dir: dir.to_path_buf(),
                file,
            },
            rel: "demo_ecg.edf".into(),
            reader: "tester".into(),
            opening: "study pilot: demo_ecg.edf".into(),
            finished: false,
        }
    }

    #[test]
    fn the_finish_key_saves_the_table_then_logs_the_reading() {
        let mut f = annotating();
        let dir = tempfile::tempdir().unwrap();
        attach(&mut f.app, Some(&study(dir.path())));
        assert_eq!(f.app.message.as_deref(), Some("study pilot: demo_ecg.edf"));
        press(&mut f.app, 'v'); // a PVC at the cursor
        let table = f.app.annot.as_ref().unwrap().store.paths.events.clone();
        assert!(!table.exists(), "not saved before finishing");
        press(&mut f.app, 'F');
        println!("{:?}", f.app.message);
        assert!(f
            .app
            .message
            .as_deref()
            .unwrap()
            .starts_with("finished demo_ecg.edf"));
        let text = std::fs::read_to_string(&table).unwrap();
        println!("{text}");
        assert!(text.contains("\tPVC\t"), "{text}");
        let log = std::fs::read_to_string(dir.path().join("readings.jsonl")).unwrap();
        println!("{log}");
        assert_eq!(log.lines().count(), 1);
        assert!(log.contains("\"reader\":\"tester\"") && log.contains("\"state\":\"finished\""));
        press(&mut f.app, 'F');
        assert!(f
            .app
            .message
            .as_deref()
            .unwrap()
            .starts_with("already finished"));
        let again = std::fs::read_to_string(dir.path().join("readings.jsonl")).unwrap();
        assert_eq!(again, log, "finishing twice logs once");
    }

    #[test]
    fn finishing_needs_a_study_and_no_open_interval() {
        let mut f = annotating();
        press(&mut f.app, 'F');
        println!("{:?}", f.app.message);
        assert!(f
            .app
            .message
            .as_deref()
            .unwrap()
            .contains("sigmark study next"));
        let dir = tempfile::tempdir().unwrap();
        attach(&mut f.app, Some(&study(dir.path())));
        press(&mut f.app, '2'); // AF opens an interval
        press(&mut f.app, 'F');
        println!("{:?}", f.app.message);
        assert!(f
            .app
            .message
            .as_deref()
            .unwrap()
            .contains("an interval is open"));
        assert!(!dir.path().join("readings.jsonl").exists());
    }
}
