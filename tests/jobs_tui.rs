//! The viewer's background jobs through `crate::jobs`: a result of a superseded request (the
//! user moved to another lane or montage) is dropped, never drawn; the current request's error
//! and panic reach the screen.

mod common;

use common::app::{frame_text, AppBuilder, TestApp};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sigmark::jobs::{Done, JobError, Key, Slot};
use sigmark::tui::background::Output;
use sigmark::tui::{render, App};

fn app(name: &str) -> TestApp {
    AppBuilder::demo(name).build()
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn frame(app: &mut App) -> String {
    frame_text(app, 160, 45)
}

fn stale_failure(key: Key, generation: u64) -> Done<Output> {
    Done {
        key,
        generation,
        result: Err(JobError::Failed("STALE RESULT".into())),
    }
}

#[test]
fn a_stale_spectrogram_result_is_never_drawn() {
    let mut app = app("demo_eeg.bdf");
    key(&mut app, KeyCode::Char('G'));
    let first = app.freq.spectrogram.as_ref().unwrap();
    let (old_key, old_generation, old_lane) =
        (first.key.clone(), first.job.generation(), first.lane);
    // Another lane: the frame starts its spectrogram, superseding the first.
    key(&mut app, KeyCode::Down);
    frame(&mut app);
    app.wait_for_jobs();
    let now = app.freq.spectrogram.as_ref().unwrap();
    let (new_key, new_generation) = (now.key.clone(), now.job.generation());
    println!("old {old_key:?} gen {old_generation} lane {old_lane}; new {new_key:?} gen {new_generation}");
    assert_ne!(old_key, new_key);
    // The first request's result arrives late (as it would from a job that did not look at
    // its cancel flag in time), and one claiming the new key with the old generation.
    app.on_job(stale_failure(old_key, old_generation));
    app.on_job(stale_failure(new_key.clone(), old_generation));
    let f = frame(&mut app);
    let sj = app.freq.spectrogram.as_ref().unwrap();
    println!("failed {:?}, message {:?}\n{f}", sj.failed, app.message);
    assert_eq!(
        sj.failed, None,
        "a stale result does not change the current spectrogram"
    );
    assert_eq!(Some(sj.lane), app.selected_lane());
    assert!(!f.contains("STALE"), "{f}");
    assert!(!app.message.as_deref().unwrap_or("").contains("STALE"));
    assert!(f.contains("spectro"), "{f}");
    // The current request's failure, by contrast, is shown.
    app.on_job(stale_failure(new_key, new_generation));
    println!("message after the current failure: {:?}", app.message);
    assert!(app.message.as_deref().unwrap_or("").contains("STALE"));
}

#[test]
fn a_superseded_overview_build_does_not_report_its_failure() {
    let mut app = app("demo_eeg.bdf");
    let old_generation = app.job.as_ref().unwrap().ticket.generation();
    let old_key = app.job.as_ref().unwrap().ticket.key().clone();
    let other = (1..app.montages.len())
        .find(|&i| app.select_montage(i).is_ok())
        .expect("a second montage applies to the EEG demo");
    app.wait_for_pyramid();
    let ticket = &app.job.as_ref().unwrap().ticket;
    println!(
        "montage {other}: {:?} gen {} (was {old_key:?} gen {old_generation})",
        ticket.key(),
        ticket.generation()
    );
    app.on_job(stale_failure(old_key, old_generation));
    let status = render::status_line(&app);
    println!("failure {:?}; status {status}", app.pyramid_failure());
    assert_eq!(app.pyramid_failure(), None);
    assert!(!status.contains("STALE"), "{status}");
}

#[test]
fn the_current_overview_builds_panic_reaches_the_status_bar() {
    let mut app = app("demo_ecg.edf");
    let ticket = &app.job.as_ref().unwrap().ticket;
    let done = Done {
        key: ticket.key().clone(),
        generation: ticket.generation(),
        result: Err(JobError::Panicked("index out of bounds".into())),
    };
    app.on_job(done);
    let status = render::status_line(&app);
    println!("failure {:?}; status {status}", app.pyramid_failure());
    assert_eq!(
        app.pyramid_failure().as_deref(),
        Some("internal error while building the overview")
    );
    assert!(!app.is_building());
}

#[test]
fn beats_arrive_as_a_job_result() {
    let mut app = app("demo_ecg.edf");
    key(&mut app, KeyCode::Char('R'));
    assert!(
        sigmark::tui::freq::beats(&app).is_none(),
        "not before the result is taken in"
    );
    app.wait_for(Slot::Beats);
    let n = sigmark::tui::freq::beats(&app).map_or(0, |b| b.len());
    println!("{n} beats");
    assert!(n > 500, "{n}");
}

#[test]
fn keys_queued_while_waiting_for_a_job_are_kept_in_order() {
    use sigmark::tui::background::Msg;
    let mut app = app("demo_ecg.edf");
    let tx = app.jobs.sender();
    let press =
        |c| crossterm::event::Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    tx.send(Msg::Input(press('a'))).unwrap();
    key(&mut app, KeyCode::Char('R'));
    tx.send(Msg::Tick).unwrap();
    tx.send(Msg::Input(press('b'))).unwrap();
    // Waiting takes the beats' result out of the channel and leaves the rest.
    app.wait_for(Slot::Beats);
    let mut left = Vec::new();
    while let Some(m) = app.jobs.try_next() {
        left.push(format!("{m:?}"));
    }
    println!(
        "left {left:?}; beats {:?}",
        sigmark::tui::freq::beats(&app).map(|b| b.len())
    );
    assert!(sigmark::tui::freq::beats(&app).is_some());
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(
        left[0].contains("'a'") && left[1] == "Tick" && left[2].contains("'b'"),
        "{left:?}"
    );
}
