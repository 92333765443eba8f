//! QA keys (the `[qa]` keymap section, active in `sigmark study qa`): confirm, reject, and
//! going through the recording's critical events. Editing uses the usual keys first.

use super::action::Arg;
use super::app::App;

/// `qa_confirm`: confirm the current critical event (as `edited` if it was changed).
pub fn confirm(app: &mut App, _: Arg) {
    app.qa_decide(false);
}

/// `qa_reject`: reject the current critical event (kept in the consensus, marked rejected).
pub fn reject(app: &mut App, _: Arg) {
    app.qa_decide(true);
}

/// `qa_step N`: the Nth next (minus: previous) critical event of the recording.
pub fn step(app: &mut App, arg: Arg) {
    let n = arg.steps();
    for _ in 0..n.unsigned_abs().min(1000) {
        app.qa_step(n > 0);
    }
}
