//! Following a file still being written (`follow.rs`): `ctrl-f` starts it, resumes it after
//! scrolling back, or stops it.

use super::param::Arg;
use crate::tui::app::App;
use crate::tui::follow;

/// Not following: follow from the end. Paused (scrolled back): back to the end. Live: stop.
pub fn toggle(app: &mut App, _: Arg) {
    if !app.follow.on {
        follow::start_following(app);
        app.message = Some("following: the window stays at the end as data arrives (ctrl-f stops, scrolling back pauses)".into());
        follow::check(app);
    } else if !follow::is_live(app) {
        app.view.go_end();
        app.message = Some("following again from the end".into());
    } else {
        app.follow.on = false;
        app.message =
            Some("follow off: the file is no longer watched (ctrl-f follows again)".into());
    }
}
