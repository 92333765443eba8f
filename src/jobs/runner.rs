//! The runner: one thread per request, a generation per slot, results to the caller's sink.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::{Done, JobError, Key, Slot};

type Sink<T> = Arc<dyn Fn(Done<T>) + Send + Sync>;

/// What a running job and its ticket share.
#[derive(Debug, Default)]
struct Shared {
    progress: AtomicU64,
    cancel: AtomicBool,
    finished: AtomicBool,
}

/// What a job sees while it runs: where to count progress, and whether to stop.
pub struct Context {
    shared: Arc<Shared>,
}

impl Context {
    /// Units of work done so far, out of the total given with the request.
    pub fn progress(&self) -> &AtomicU64 {
        &self.shared.progress
    }

    /// Raised when the request is superseded or its ticket dropped.
    pub fn cancel_flag(&self) -> &AtomicBool {
        &self.shared.cancel
    }

    pub fn is_cancelled(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }
}

/// The caller's handle on one request: progress, cancelling, waiting. Dropping it cancels the
/// job (without waiting for it: its result, if any, is then stale).
#[derive(Debug)]
pub struct Ticket {
    key: Key,
    generation: u64,
    total: u64,
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

impl Ticket {
    pub fn key(&self) -> &Key {
        &self.key
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Fraction of the work done so far (1 when the request declared no work).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.shared.progress.load(Ordering::Relaxed) as f64 / self.total as f64).min(1.0)
        }
    }

    /// The job has ended (its result, if it had one to give, is on its way to the sink).
    pub fn is_done(&self) -> bool {
        self.shared.finished.load(Ordering::Acquire)
    }

    pub fn is_cancelled(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }

    /// Waits for the job's thread to end; its result has then been handed to the sink (tests,
    /// benchmarks, and saving on quit, which needs the hash).
    pub fn wait(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The current request of each slot.
struct Current {
    generation: u64,
    key: Key,
    shared: Arc<Shared>,
}

/// Starts keyed jobs and tells which results are still wanted.
pub struct Runner<T> {
    sink: Sink<T>,
    current: HashMap<Slot, Current>,
    next_generation: u64,
}

impl<T: Send + 'static> Runner<T> {
    /// A runner handing every result to `sink` (called on the job's thread).
    pub fn new(sink: impl Fn(Done<T>) + Send + Sync + 'static) -> Runner<T> {
        Runner {
            sink: Arc::new(sink),
            current: HashMap::new(),
            next_generation: 1,
        }
    }

    /// A runner sending every result on `tx`, wrapped in the caller's message type.
    pub fn with_sender<M>(tx: std::sync::mpsc::Sender<M>) -> Runner<T>
    where
        M: From<Done<T>> + Send + 'static,
    {
        let tx = std::sync::Mutex::new(tx);
        Runner::new(move |done| {
            if let Ok(tx) = tx.lock() {
                // The receiver gone means nobody waits for results any more.
                let _ = tx.send(M::from(done));
            }
        })
    }

    /// Starts `work` for `key`, superseding (cancelling) the request running in its slot.
    /// `total` is the units of work `work` counts in [`Context::progress`].
    pub fn request(
        &mut self,
        key: Key,
        total: u64,
        work: impl FnOnce(&Context) -> Result<T, String> + Send + 'static,
    ) -> Ticket {
        let generation = self.next_generation;
        self.next_generation += 1;
        let shared = Arc::new(Shared::default());
        let current = Current {
            generation,
            key: key.clone(),
            shared: shared.clone(),
        };
        if let Some(old) = self.current.insert(key.slot(), current) {
            old.shared.cancel.store(true, Ordering::Relaxed);
        }
        let handle = self.spawn(key.clone(), generation, shared.clone(), work);
        Ticket {
            key,
            generation,
            total,
            shared,
            handle,
        }
    }

    fn spawn(
        &self,
        key: Key,
        generation: u64,
        shared: Arc<Shared>,
        work: impl FnOnce(&Context) -> Result<T, String> + Send + 'static,
    ) -> Option<JoinHandle<()>> {
        let sink = self.sink.clone();
        let (k, s) = (key.clone(), shared.clone());
        let spawned = std::thread::Builder::new()
            .name(thread_name(key.slot()).into())
            .spawn(move || {
                let ctx = Context { shared: s };
                let result = run_caught(work, &ctx);
                ctx.shared.finished.store(true, Ordering::Release);
                // A cancelled job's result is stale for sure; `accept` catches the rest.
                if !ctx.is_cancelled() {
                    sink(Done {
                        key: k,
                        generation,
                        result,
                    });
                }
            });
        match spawned {
            Ok(h) => Some(h),
            Err(e) => {
                shared.finished.store(true, Ordering::Release);
                (self.sink)(Done {
                    key,
                    generation,
                    result: Err(JobError::Failed(format!("cannot start a thread: {e}"))),
                });
                None
            }
        }
    }

    /// Whether `done` answers the newest request of its slot (otherwise drop it: stale).
    pub fn accept(&self, done: &Done<T>) -> bool {
        self.current
            .get(&done.key.slot())
            .is_some_and(|c| c.generation == done.generation && c.key == done.key)
    }

    /// The key of the newest request in `slot`, unless cancelled.
    pub fn current(&self, slot: Slot) -> Option<&Key> {
        self.current
            .get(&slot)
            .filter(|c| !c.shared.cancel.load(Ordering::Relaxed))
            .map(|c| &c.key)
    }

    /// Cancels the request in `slot`; a result it still sends is stale.
    pub fn cancel(&mut self, slot: Slot) {
        if let Some(old) = self.current.remove(&slot) {
            old.shared.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl<T> Drop for Runner<T> {
    fn drop(&mut self) {
        for c in self.current.values() {
            c.shared.cancel.store(true, Ordering::Relaxed);
        }
    }
}

fn thread_name(slot: Slot) -> &'static str {
    match slot {
        Slot::Pyramid => "pyramid",
        Slot::Spectrogram => "spectrogram",
        Slot::Beats => "beats",
        Slot::Hash => "sha256",
    }
}

/// Runs `work`, turning its error and its panic into a `JobError`.
fn run_caught<T>(
    work: impl FnOnce(&Context) -> Result<T, String>,
    ctx: &Context,
) -> Result<T, JobError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(ctx))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(JobError::Failed(e)),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the job panicked".into());
            Err(JobError::Panicked(msg))
        }
    }
}
