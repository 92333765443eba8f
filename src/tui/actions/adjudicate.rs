//! Adjudication keys: going through the disagreements, deciding them, the list.

use super::param::Arg;
use crate::tui::app::App;
use crate::tui::input::Layer;

/// `disagreement N`: the Nth next (minus: previous) disagreement.
pub fn step(app: &mut App, arg: Arg) {
    let n = arg.steps();
    for _ in 0..n.unsigned_abs().min(1000) {
        app.next_disagreement(n > 0);
    }
}

/// `decide a`: takes reader A's version (b, both, reject, edit) into the consensus.
pub fn decide(app: &mut App, arg: Arg) {
    if let Arg::Choice(c) = arg {
        app.resolve(c);
    }
}

pub fn list(app: &mut App, _: Arg) {
    if app.adjudication.is_none() {
        app.message = Some("not adjudicating: open with --compare A B".into());
        return;
    }
    app.layers.toggle(Layer::Disagreements);
}
