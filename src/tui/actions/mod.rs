//! The handlers of the action table (`action.rs`), one file per group. Each is
//! `fn(&mut App, Arg)`: the keymap row's parameter was parsed when the keymap loaded.

pub mod adjudicate;
pub mod annotate;
pub mod channels;
pub mod events;
pub mod follow;
pub mod freq;
pub mod labels;
pub mod layers;
pub mod measure;
pub mod pages;
pub mod param;
pub mod scale;
pub mod snapshot;
pub mod view;
