use std::sync::atomic::Ordering;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use super::*;

const WAIT: Duration = Duration::from_secs(10);

fn runner() -> (Runner<u32>, Receiver<Done<u32>>) {
    let (tx, rx) = channel();
    (Runner::with_sender(tx), rx)
}

fn beats(channel: usize) -> Key {
    Key::Beats { channel }
}

/// Blocks until the test sends on the returned gate, or the job is cancelled.
fn gated(
    value: u32,
) -> (
    std::sync::mpsc::Sender<()>,
    impl FnOnce(&Context) -> Result<u32, String> + Send + 'static,
) {
    let (tx, rx) = channel::<()>();
    let work = move |ctx: &Context| loop {
        match rx.recv_timeout(Duration::from_millis(5)) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return Ok(value),
            Err(RecvTimeoutError::Timeout) if ctx.is_cancelled() => return Err("cancelled".into()),
            Err(RecvTimeoutError::Timeout) => {}
        }
    };
    (tx, work)
}

#[test]
fn newest_request_wins_and_the_older_is_cancelled() {
    let (mut r, rx) = runner();
    let (_gate1, work1) = gated(1);
    let mut first = r.request(beats(0), 0, work1);
    let mut second = r.request(beats(1), 0, |_| Ok(2));
    first.wait();
    second.wait();
    println!(
        "first cancelled {}, current {:?}",
        first.is_cancelled(),
        r.current(Slot::Beats)
    );
    assert!(first.is_cancelled(), "the superseded job was told to stop");
    assert_eq!(r.current(Slot::Beats), Some(&beats(1)));
    let got: Vec<(Key, bool, Result<u32, JobError>)> = rx
        .try_iter()
        .map(|d| (d.key.clone(), r.accept(&d), d.result))
        .collect();
    println!("delivered {got:?}");
    assert_eq!(got, vec![(beats(1), true, Ok(2))]);
}

#[test]
fn a_stale_result_that_still_arrives_is_not_accepted() {
    let (mut r, rx) = runner();
    // This job ignores the cancel flag and finishes anyway, after the newer request.
    let (gate, gate_rx) = channel::<()>();
    let mut old = r.request(beats(0), 0, move |_| {
        let _ = gate_rx.recv_timeout(WAIT);
        Ok(7)
    });
    let mut new = r.request(beats(0), 0, |_| Ok(8));
    new.wait();
    // The old one is told to stop; it never looks, and its result arrives last.
    let sent = gate.send(());
    old.wait();
    let old_generation = old.generation();
    // The worker skips sending once cancelled; hand the runner what a racing send would have
    // delivered, as well as everything that did arrive.
    let mut delivered: Vec<Done<u32>> = rx.try_iter().collect();
    delivered.push(Done {
        key: beats(0),
        generation: old_generation,
        result: Ok(7),
    });
    let accepted: Vec<u32> = delivered
        .iter()
        .filter(|d| r.accept(d))
        .filter_map(|d| d.result.clone().ok())
        .collect();
    println!(
        "gate {sent:?}; generations old {old_generation} new {}; accepted {accepted:?}",
        new.generation()
    );
    assert!(old_generation < new.generation());
    assert_eq!(
        accepted,
        vec![8],
        "only the newest request's result is accepted"
    );
}

#[test]
fn a_result_for_another_key_in_the_slot_is_stale() {
    let (mut r, _rx) = runner();
    let t = r.request(beats(3), 0, |_| Ok(1));
    let wrong_key = Done {
        key: beats(4),
        generation: t.generation(),
        result: Ok(1),
    };
    let right = Done {
        key: beats(3),
        generation: t.generation(),
        result: Ok(1),
    };
    println!("wrong {} right {}", r.accept(&wrong_key), r.accept(&right));
    assert!(!r.accept(&wrong_key));
    assert!(r.accept(&right));
    r.cancel(Slot::Beats);
    assert!(
        !r.accept(&right),
        "after cancel nothing in the slot is wanted"
    );
}

#[test]
fn progress_is_readable_while_running() {
    let (mut r, rx) = runner();
    let (step_tx, step_rx) = channel::<()>();
    let (seen_tx, seen_rx) = channel::<()>();
    let mut t = r.request(Key::Hash { path: "x".into() }, 4, move |ctx| {
        for _ in 0..4 {
            step_rx.recv_timeout(WAIT).map_err(|e| e.to_string())?;
            ctx.progress().fetch_add(1, Ordering::Relaxed);
            seen_tx.send(()).map_err(|e| e.to_string())?;
        }
        Ok(4)
    });
    let mut fractions = vec![t.fraction()];
    for _ in 0..2 {
        step_tx.send(()).unwrap();
        seen_rx.recv_timeout(WAIT).unwrap();
        fractions.push(t.fraction());
    }
    println!("fractions {fractions:?}, done {}", t.is_done());
    assert_eq!(fractions, vec![0.0, 0.25, 0.5]);
    assert!(!t.is_done());
    step_tx.send(()).unwrap();
    step_tx.send(()).unwrap();
    t.wait();
    assert_eq!(t.fraction(), 1.0);
    assert!(t.is_done());
    assert_eq!(rx.recv_timeout(WAIT).unwrap().result, Ok(4));
}

#[test]
fn errors_and_panics_are_delivered_as_errors() {
    let (mut r, rx) = runner();
    let mut failing = r.request(beats(0), 0, |_| Err("no ECG here".into()));
    failing.wait();
    let mut panicking = r.request(
        Key::Hash { path: "y".into() },
        0,
        |_| -> Result<u32, String> { panic!("index out of range") },
    );
    panicking.wait();
    let got: Vec<(Key, Result<u32, JobError>)> = rx.try_iter().map(|d| (d.key, d.result)).collect();
    println!("delivered {got:?}");
    assert_eq!(
        got,
        vec![
            (beats(0), Err(JobError::Failed("no ECG here".into()))),
            (
                Key::Hash { path: "y".into() },
                Err(JobError::Panicked("index out of range".into()))
            ),
        ]
    );
    assert!(panicking.is_done());
}

#[test]
fn dropping_the_ticket_cancels_the_job() {
    let (mut r, rx) = runner();
    let (stopped_tx, stopped_rx) = channel::<bool>();
    let t = r.request(beats(0), 0, move |ctx| {
        let deadline = std::time::Instant::now() + WAIT;
        while !ctx.is_cancelled() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = stopped_tx.send(ctx.is_cancelled());
        Ok(0)
    });
    drop(t);
    let cancelled = stopped_rx.recv_timeout(WAIT).unwrap();
    println!("job saw cancel: {cancelled}");
    assert!(cancelled);
    std::thread::sleep(Duration::from_millis(20));
    assert!(rx.try_recv().is_err(), "a cancelled job sends nothing");
}

#[test]
fn dropping_the_runner_cancels_its_jobs() {
    let (mut r, _rx) = runner();
    let (_gate, work) = gated(1);
    let mut t = r.request(beats(0), 0, work);
    drop(r);
    t.wait();
    println!("cancelled {}", t.is_cancelled());
    assert!(t.is_cancelled());
}
