//! Colours for truecolor, 256-colour and 16-colour terminals, and none at all (`NO_COLOR`).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    TrueColor,
    Ansi256,
    Ansi16,
    NoColor,
}

impl ColorMode {
    /// From the environment: `NO_COLOR` (no-color.org) wins, then `COLORTERM`, then `TERM`.
    pub fn detect() -> ColorMode {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        Self::from_env(
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            &var("COLORTERM"),
            &var("TERM"),
        )
    }

    pub fn from_env(no_color: bool, colorterm: &str, term: &str) -> ColorMode {
        if no_color || term == "dumb" {
            ColorMode::NoColor
        } else if colorterm == "truecolor" || colorterm == "24bit" {
            ColorMode::TrueColor
        } else if term.contains("256") {
            ColorMode::Ansi256
        } else {
            ColorMode::Ansi16
        }
    }
}

/// The styles the viewer draws with.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mode: ColorMode,
}

/// Lane colour families: (truecolor, 256-colour index, 16-colour).
const LANE: [((u8, u8, u8), u8, Color); 6] = [
    ((120, 200, 255), 117, Color::LightCyan),
    ((150, 230, 150), 114, Color::LightGreen),
    ((255, 200, 120), 222, Color::Yellow),
    ((230, 150, 230), 182, Color::LightMagenta),
    ((255, 140, 140), 210, Color::LightRed),
    ((200, 200, 200), 250, Color::White),
];

impl Theme {
    pub fn new(mode: ColorMode) -> Theme {
        Theme { mode }
    }

    fn pick(&self, rgb: (u8, u8, u8), idx: u8, basic: Color) -> Option<Color> {
        match self.mode {
            ColorMode::TrueColor => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            ColorMode::Ansi256 => Some(Color::Indexed(idx)),
            ColorMode::Ansi16 => Some(basic),
            ColorMode::NoColor => None,
        }
    }

    fn fg(&self, rgb: (u8, u8, u8), idx: u8, basic: Color) -> Style {
        self.pick(rgb, idx, basic)
            .map_or(Style::default(), |c| Style::default().fg(c))
    }

    /// Trace colour for a lane of the given colour family.
    pub fn lane(&self, family: usize) -> Style {
        let (rgb, idx, basic) = LANE[family % LANE.len()];
        self.fg(rgb, idx, basic)
    }

    pub fn label(&self, selected: bool) -> Style {
        if selected {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    pub fn dim(&self) -> Style {
        match self.mode {
            ColorMode::NoColor => Style::default(),
            _ => self.fg((130, 130, 130), 244, Color::DarkGray),
        }
    }

    pub fn cursor(&self) -> Style {
        match self.mode {
            ColorMode::NoColor => Style::default().add_modifier(Modifier::REVERSED),
            _ => self.fg((255, 255, 0), 226, Color::Yellow),
        }
    }

    pub fn status(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn event(&self) -> Style {
        self.fg((255, 170, 80), 215, Color::Yellow)
    }

    pub fn warning(&self) -> Style {
        self.fg((255, 120, 120), 203, Color::LightRed)
            .add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_and_modes_are_detected() {
        assert_eq!(
            ColorMode::from_env(true, "truecolor", "xterm-256color"),
            ColorMode::NoColor
        );
        assert_eq!(
            ColorMode::from_env(false, "truecolor", "xterm"),
            ColorMode::TrueColor
        );
        assert_eq!(
            ColorMode::from_env(false, "", "screen-256color"),
            ColorMode::Ansi256
        );
        assert_eq!(ColorMode::from_env(false, "", "xterm"), ColorMode::Ansi16);
        assert_eq!(Theme::new(ColorMode::NoColor).lane(0), Style::default());
    }
}
