//! The viewer's side of `crate::jobs`: the one channel the event loop reads (input, ticks and
//! job results), the jobs the viewer starts, and how an accepted result changes the state. A
//! result the runner does not accept (its request was superseded: another montage, another
//! lane) is dropped here, so it is never drawn.

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::app::App;
use crate::dsp::{Derivation, SharedPyramid};
use crate::jobs::{Done, JobError, Key, Runner, Slot, Ticket};
use crate::text::sanitize;

/// One message of the event loop.
#[derive(Debug)]
pub enum Msg {
    Input(crossterm::event::Event),
    /// Reading the terminal failed; the loop ends with this error.
    InputFailed(std::io::Error),
    /// Time passed: redraw progress, save periodically.
    Tick,
    Job(Done<Output>),
}

impl From<Done<Output>> for Msg {
    fn from(done: Done<Output>) -> Msg {
        Msg::Job(done)
    }
}

/// What the viewer's jobs return. The pyramid and the spectrogram fill shared structures in
/// place (drawn while they grow), so they only say they are built.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Built,
    Beats(Vec<u64>),
    Sha256(String),
}

/// The runner and the event loop's channel; job results are sent on it.
pub struct Background {
    pub runner: Runner<Output>,
    tx: Sender<Msg>,
    /// In a mutex only so that `&App` can be shared with the frame's worker threads.
    rx: Mutex<Receiver<Msg>>,
    /// Messages read while waiting for a job (keys typed meanwhile), handed out first.
    backlog: VecDeque<Msg>,
}

impl Default for Background {
    fn default() -> Background {
        Background::new()
    }
}

impl Background {
    pub fn new() -> Background {
        let (tx, rx) = channel();
        Background {
            runner: Runner::with_sender(tx.clone()),
            tx,
            rx: Mutex::new(rx),
            backlog: VecDeque::new(),
        }
    }

    fn rx(&self) -> MutexGuard<'_, Receiver<Msg>> {
        // Only this struct locks it, never across a panic that matters: take it back.
        self.rx.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A sender for the input and tick threads.
    pub fn sender(&self) -> Sender<Msg> {
        self.tx.clone()
    }

    /// The next message, waiting at most `timeout` (None: nothing came).
    pub fn next(&mut self, timeout: Duration) -> Option<Msg> {
        if let Some(m) = self.backlog.pop_front() {
            return Some(m);
        }
        // Never disconnected: `self.tx` keeps the channel open.
        self.rx().recv_timeout(timeout).ok()
    }

    /// A message already queued, without waiting.
    pub fn try_next(&mut self) -> Option<Msg> {
        self.backlog
            .pop_front()
            .or_else(|| self.rx().try_recv().ok())
    }

    /// The job results queued now; other messages stay queued, in order.
    fn take_results(&mut self) -> Vec<Done<Output>> {
        let mut results = Vec::new();
        let mut kept = VecDeque::new();
        let queued: Vec<Msg> = self.rx().try_iter().collect();
        for m in self.backlog.drain(..).chain(queued) {
            match m {
                Msg::Job(done) => results.push(done),
                other => kept.push_back(other),
            }
        }
        self.backlog = kept;
        results
    }
}

/// The background build of one montage's pyramid, drawn while it grows.
pub struct PyramidJob {
    pub pyramid: SharedPyramid,
    pub ticket: Ticket,
    /// Why the build failed, once its result arrived.
    pub failed: Option<String>,
}

impl PyramidJob {
    /// Fraction of samples decimated so far.
    pub fn fraction(&self) -> f64 {
        self.ticket.fraction()
    }

    pub fn is_complete(&self) -> bool {
        self.pyramid.read().is_complete()
    }
}

/// What the status bar says when the overview's job panicked.
const PYRAMID_PANIC: &str = "internal error while building the overview";

impl App {
    /// Starts building the overview of `derivations`, superseding a previous build.
    pub(super) fn start_pyramid(&mut self, derivations: Vec<Derivation>) {
        // Dropping the previous job cancels it; its result, if it comes, is stale.
        self.job = None;
        let pyramid = match SharedPyramid::new(&self.rec, derivations) {
            Ok(p) => p,
            Err(e) => {
                self.message = Some(sanitize(&e.to_string()));
                return;
            }
        };
        let total = pyramid.read().progress().1;
        let montage = self.montages.get(self.montage).map(|m| m.name.clone());
        let key = Key::Pyramid {
            montage: montage.unwrap_or_default(),
        };
        let (p, rec) = (pyramid.clone(), self.rec.clone());
        let ticket = self.jobs.runner.request(key, total, move |ctx| {
            p.build(&rec, ctx.progress(), ctx.cancel_flag())
                .map(|_| Output::Built)
                .map_err(|e| sanitize(&e.to_string()))
        });
        self.job = Some(PyramidJob {
            pyramid,
            ticket,
            failed: None,
        });
    }

    /// Starts hashing the recording for the reader's sidecar.
    pub(super) fn start_hash(&mut self) {
        let Some(a) = self.annot.as_mut() else { return };
        let ticket = super::annotate::hash_in_background(
            &mut self.jobs.runner,
            &a.store.provenance.recording,
        );
        a.hasher = Some(ticket);
    }

    /// Takes in a job's result: dropped when stale (superseded, or its view was closed).
    pub fn on_job(&mut self, done: Done<Output>) {
        if !self.jobs.runner.accept(&done) {
            return;
        }
        let (generation, result) = (done.generation, done.result);
        match done.key.slot() {
            Slot::Pyramid => self.pyramid_done(generation, result),
            Slot::Spectrogram => self.spectrogram_done(generation, result),
            Slot::Beats => self.beats_done(generation, result),
            Slot::Hash => self.hash_done(generation, result),
        }
    }

    fn pyramid_done(&mut self, generation: u64, result: Result<Output, JobError>) {
        if let Some(j) = self
            .job
            .as_mut()
            .filter(|j| j.ticket.generation() == generation)
        {
            j.failed = result.err().map(|e| match e {
                JobError::Panicked(_) => PYRAMID_PANIC.to_string(),
                JobError::Failed(e) => e,
            });
        }
    }

    fn spectrogram_done(&mut self, generation: u64, result: Result<Output, JobError>) {
        let current = self.freq.spectrogram.as_mut();
        if let Some(s) = current.filter(|s| s.job.generation() == generation) {
            if let Err(e) = &result {
                self.message = Some(format!("spectrogram: {e}"));
            }
            s.failed = result.err().map(|e| e.to_string());
        }
    }

    fn beats_done(&mut self, generation: u64, result: Result<Output, JobError>) {
        if let Some(b) = self
            .freq
            .beats
            .as_mut()
            .filter(|b| b.job.generation() == generation)
        {
            b.result = Some(match result {
                Ok(Output::Beats(v)) => Ok(v),
                Ok(other) => Err(format!("internal error: {other:?} is not beats")),
                Err(e) => Err(e.to_string()),
            });
        }
    }

    fn hash_done(&mut self, generation: u64, result: Result<Output, JobError>) {
        let same = |t: &Ticket| t.generation() == generation;
        let annot = self.annot.as_mut();
        if let Some(a) = annot.filter(|a| a.hasher.as_ref().is_some_and(same)) {
            // Unreadable: the sidecar records no hash, as before.
            if let Ok(Output::Sha256(hex)) = result {
                // Journal entries from now on carry it too.
                a.store.provenance.sha256.get_or_insert_with(|| hex.clone());
                a.sha256 = Some(hex);
            }
        }
    }

    /// Applies the job results already delivered (the event loop gets them as messages; tests
    /// and benchmarks call this, or one of the waits).
    pub fn pump_jobs(&mut self) {
        for done in self.jobs.take_results() {
            self.on_job(done);
        }
    }

    /// Waits for every running job and applies the results (tests and benchmarks).
    pub fn wait_for_jobs(&mut self) {
        for slot in [Slot::Pyramid, Slot::Spectrogram, Slot::Beats, Slot::Hash] {
            self.wait_for(slot);
        }
    }

    /// Waits for the job in `slot`, then applies what has arrived.
    pub fn wait_for(&mut self, slot: Slot) {
        let ticket = match slot {
            Slot::Pyramid => self.job.as_mut().map(|j| &mut j.ticket),
            Slot::Spectrogram => self.freq.spectrogram.as_mut().map(|s| &mut s.job),
            Slot::Beats => self.freq.beats.as_mut().map(|b| &mut b.job),
            Slot::Hash => self.annot.as_mut().and_then(|a| a.hasher.as_mut()),
        };
        if let Some(t) = ticket {
            t.wait();
        }
        self.pump_jobs();
    }

    /// Saves the reader's events; `wait` waits for the recording's hash first (on quit).
    pub fn save_annotations(&mut self, wait: bool) -> Result<(), crate::annotations::StoreError> {
        if wait {
            self.wait_for(Slot::Hash);
        }
        match self.annot.as_mut() {
            Some(a) => a.save(),
            None => Ok(()),
        }
    }
}
