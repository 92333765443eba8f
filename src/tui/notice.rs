//! Messages for the status bar that must not hide one another: notes gathered while the viewer
//! opens are joined, and NOT SAVED after a failed journal append is shown together with any
//! newer message until an append succeeds again.

use super::app::App;

/// What joins two messages on the status bar.
const JOIN: &str = "; ";

impl App {
    /// Adds `msg` after the message already up (if any) instead of replacing it, so a note
    /// about the file, the journal's recovery and the adjudication summary all stay readable.
    pub fn add_message(&mut self, msg: impl Into<String>) {
        let msg = msg.into();
        self.message = Some(match self.message.take() {
            Some(old) if !old.is_empty() => format!("{old}{JOIN}{msg}"),
            _ => msg,
        });
    }
}

/// The status bar's message: NOT SAVED (with the store's `failure`) whenever an append failed,
/// followed by `message`, which never hides it; a message that already says NOT SAVED is not
/// said twice.
pub fn status_message(message: Option<&str>, failure: Option<&str>) -> Option<String> {
    let unsaved = failure.map(|e| format!("NOT SAVED: {}", crate::text::sanitize(e)));
    match (unsaved, message) {
        (Some(u), Some(m)) if !m.starts_with("NOT SAVED") => Some(format!("{u}{JOIN}{m}")),
        (_, Some(m)) => Some(m.to_string()),
        (u, None) => u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_saved_stays_beside_a_newer_message() {
        let shown = status_message(Some("jumped to 0:01:00"), Some("No space left on device"));
        println!("{shown:?}");
        assert_eq!(
            shown.as_deref(),
            Some("NOT SAVED: No space left on device; jumped to 0:01:00")
        );
        assert_eq!(
            status_message(None, Some("disk full")).as_deref(),
            Some("NOT SAVED: disk full")
        );
        let again = status_message(Some("NOT SAVED: disk full"), Some("disk full"));
        assert_eq!(again.as_deref(), Some("NOT SAVED: disk full"));
        assert_eq!(status_message(Some("ok"), None).as_deref(), Some("ok"));
        assert_eq!(status_message(None, None), None);
    }
}
