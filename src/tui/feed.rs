//! The threads that feed the event loop's channel besides the jobs: one reading the terminal's
//! input, one sending ticks. Both stop (and are joined) when the `Feed` is dropped, before the
//! terminal is restored, so nothing reads the terminal after the viewer has left it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::background::Msg;

/// How long the input thread waits for a key before looking whether it should stop.
const INPUT_WAIT: Duration = Duration::from_millis(50);
/// Ticks while a job shows progress, and otherwise (the 30-second autosave needs some).
const BUSY_TICK: Duration = Duration::from_millis(100);
const IDLE_TICK: Duration = Duration::from_secs(1);

pub struct Feed {
    stop: Arc<AtomicBool>,
    busy: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Feed {
    pub fn start(tx: Sender<Msg>) -> Feed {
        let stop = Arc::new(AtomicBool::new(false));
        let busy = Arc::new(AtomicBool::new(false));
        let input = {
            let (tx, stop) = (tx.clone(), stop.clone());
            std::thread::Builder::new()
                .name("input".into())
                .spawn(move || read_input(&tx, &stop))
        };
        let ticks = {
            let (stop, busy) = (stop.clone(), busy.clone());
            std::thread::Builder::new()
                .name("ticks".into())
                .spawn(move || send_ticks(&tx, &stop, &busy))
        };
        Feed {
            stop,
            busy,
            threads: [input, ticks].into_iter().flatten().collect(),
        }
    }

    /// Whether a job's progress is on screen (ticks come faster then).
    pub fn set_busy(&self, busy: bool) {
        self.busy.store(busy, Ordering::Relaxed);
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Sends every terminal event, in order; a read error ends the thread (and the loop).
fn read_input(tx: &Sender<Msg>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let msg = match crossterm::event::poll(INPUT_WAIT) {
            Ok(false) => continue,
            Ok(true) => match crossterm::event::read() {
                Ok(ev) => Msg::Input(ev),
                Err(e) => Msg::InputFailed(e),
            },
            Err(e) => Msg::InputFailed(e),
        };
        let failed = matches!(msg, Msg::InputFailed(_));
        if tx.send(msg).is_err() || failed {
            return;
        }
    }
}

fn send_ticks(tx: &Sender<Msg>, stop: &AtomicBool, busy: &AtomicBool) {
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(INPUT_WAIT);
        let every = if busy.load(Ordering::Relaxed) {
            BUSY_TICK
        } else {
            IDLE_TICK
        };
        if last.elapsed() >= every {
            last = Instant::now();
            if tx.send(Msg::Tick).is_err() {
                return;
            }
        }
    }
}
