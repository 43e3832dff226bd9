//! A YAML client config: parsed for planning with `serde_norway`, edited in place with
//! [`super::yaml_splice`].

use std::path::Path;

use serde_norway::Value as Yaml;

use super::ClientConfigError;
use super::plan::{Edit, yaml_type};
use super::yaml_splice::{self, SpliceError};

pub(crate) struct YamlDoc {
    pub value: Yaml,
    text: String,
    bom: bool,
    nl: &'static str,
}

impl YamlDoc {
    pub(crate) fn empty() -> Self {
        Self {
            value: Yaml::Null,
            text: String::new(),
            bom: false,
            nl: "\n",
        }
    }

    /// Parses a config file: it must be one YAML document holding a mapping (or nothing).
    /// Errors name the position, never the content.
    pub(crate) fn parse(bytes: &[u8], path: &Path) -> Result<Self, ClientConfigError> {
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let invalid =
            |problem: String, line: usize, column: usize| ClientConfigError::InvalidYaml {
                path: path.to_path_buf(),
                problem,
                line,
                column,
            };
        let text = std::str::from_utf8(bytes).map_err(|error| {
            let before = &bytes[..error.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            invalid("invalid UTF-8".to_owned(), line, 1)
        })?;
        // The splicer's parser first: its messages are fixed texts with a position.
        if let Err(SpliceError::Syntax {
            problem,
            line,
            column,
        }) = yaml_splice::check(text)
        {
            return Err(invalid(problem, line, column));
        }
        let value: Yaml = serde_norway::from_str(text).map_err(|error| {
            let (line, column) = error
                .location()
                .map_or((0, 0), |location| (location.line(), location.column()));
            invalid(yaml_problem(&error), line, column)
        })?;
        if !matches!(value, Yaml::Mapping(_) | Yaml::Null) {
            return Err(ClientConfigError::UnexpectedShape {
                path: path.to_path_buf(),
                key: "(top level)".to_owned(),
                expected: "a mapping",
                found: yaml_type(&value),
            });
        }
        Ok(Self {
            value,
            text: text.to_owned(),
            bom,
            nl: if text.contains("\r\n") { "\r\n" } else { "\n" },
        })
    }

    /// The file's new text with `edits` applied, one splice at a time.
    pub(crate) fn render(
        self,
        edits: &[Edit],
        path: &Path,
        hint: Option<&str>,
    ) -> Result<String, ClientConfigError> {
        let mut text = self.text;
        for edit in edits {
            text =
                yaml_splice::upsert(&text, &edit.path, &edit.value, self.nl).map_err(|error| {
                    match error {
                        SpliceError::Syntax {
                            problem,
                            line,
                            column,
                        } => ClientConfigError::InvalidYaml {
                            path: path.to_path_buf(),
                            problem,
                            line,
                            column,
                        },
                        SpliceError::NotAMapping { key, found } => {
                            ClientConfigError::UnexpectedShape {
                                path: path.to_path_buf(),
                                key,
                                expected: "a mapping",
                                found,
                            }
                        }
                        SpliceError::Unsupported(reason) => ClientConfigError::UnsupportedLayout {
                            path: path.to_path_buf(),
                            reason,
                            hint: hint.map(str::to_owned),
                        },
                    }
                })?;
        }
        if self.bom {
            text.insert(0, '\u{feff}');
        }
        Ok(text)
    }
}

/// The value a written text parses to, for verification.
pub(crate) fn reparse(text: &str) -> Option<Yaml> {
    serde_norway::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).ok()
}

/// What is wrong, without quoting the document: `serde_norway`'s data errors can
/// include a value (`invalid type: integer 1234...`), so only known texts pass through.
fn yaml_problem(error: &serde_norway::Error) -> String {
    let text = error.to_string();
    if text.starts_with("duplicate entry") {
        "a key appears more than once".to_owned()
    } else if text.contains("more than one document") {
        "more than one YAML document".to_owned()
    } else if text.contains("recursion limit") {
        "nesting too deep".to_owned()
    } else {
        "a value this tool cannot read (for example a number too large)".to_owned()
    }
}
