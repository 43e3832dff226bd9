//! How results read in a chat: short markdown bullets or JSON.
//!
//! Chat surfaces (Claude, Telegram bots, terminals) render tables and long JSON
//! badly and pay for every token, so the helpers here only make headings and bullets.

use std::fmt::{self, Display, Write};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The text a tool puts beside its structured result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResponseFormat {
    /// A few short bullets for a person.
    #[default]
    Markdown,
    /// The structured result as JSON text, for clients that ignore structured content.
    Json,
}

/// Builds short bullet-style markdown.
#[derive(Debug, Default, Clone)]
pub struct Markdown {
    text: String,
}

impl Markdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// `**title**` on its own line.
    pub fn title(mut self, title: &str) -> Self {
        self.separate();
        let _ = writeln!(self.text, "**{}**", title.trim());
        self
    }

    /// `- label: value`.
    pub fn field(mut self, label: &str, value: impl Display) -> Self {
        let _ = writeln!(self.text, "- {label}: {}", one_line(&value.to_string()));
        self
    }

    /// `- label: value` when there is a value, nothing otherwise: missing is not zero.
    pub fn field_opt(self, label: &str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.field(label, value),
            None => self,
        }
    }

    /// `- text`.
    pub fn bullet(mut self, text: impl Display) -> Self {
        let _ = writeln!(self.text, "- {}", one_line(&text.to_string()));
        self
    }

    /// A plain paragraph.
    pub fn line(mut self, text: impl Display) -> Self {
        self.separate();
        let _ = writeln!(self.text, "{}", text);
        self
    }

    pub fn build(self) -> String {
        self.text.trim_end().to_owned()
    }

    fn separate(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }
}

impl fmt::Display for Markdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text.trim_end())
    }
}

/// Bullets must stay one line each; a stray newline would break the list.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_titles_and_single_line_bullets() {
        let text = Markdown::new()
            .title("Sleep")
            .field("Total", "7 h 12 min")
            .field_opt("Score", None::<u32>)
            .bullet("woke up\ntwice")
            .title("Next")
            .line("Keep going.")
            .build();
        assert_eq!(
            text,
            "**Sleep**\n- Total: 7 h 12 min\n- woke up twice\n\n**Next**\n\nKeep going."
        );
        assert!(!text.contains('|'), "no tables");
    }
}
