//! Setting one value in a YAML file by replacing only the text that holds it.
//!
//! A YAML parser (`saphyr-parser`) gives every node's exact position; the edit inserts or
//! replaces the lines of one key and leaves every other byte alone. Re-serializing the
//! whole document instead would drop the user's comments and, worse, change meanings:
//! YAML libraries follow YAML 1.2 while Hermes reads YAML 1.1, so a quoted `"off"`
//! written back plain becomes the boolean `false` there, and `0755` becomes a string.
//! Whatever is written here is quoted so that both versions read it the same way.
//!
//! The caller still verifies the result with a second parser (`serde_norway`) against
//! the document it expects, so a layout this module misjudges is refused, not written.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::plan::Fragment;

/// Why a splice could not be made; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpliceError {
    /// Not YAML. Scanner messages are fixed texts that never quote the input.
    Syntax {
        problem: String,
        line: usize,
        column: usize,
    },
    /// A key on the way holds something other than a mapping.
    NotAMapping { key: String, found: &'static str },
    /// Valid YAML laid out in a way this module does not edit.
    Unsupported(&'static str),
}

/// `text` with `value` set at `path`, creating the mappings on the way. `nl` is the
/// line ending to use (the file's own).
pub(crate) fn upsert(
    text: &str,
    path: &[String],
    value: &Fragment,
    nl: &str,
) -> Result<String, SpliceError> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(text.to_owned());
    };
    match parse(text)? {
        None => Ok(append_top(text, first, &Fragment::nest(rest, value), nl)),
        Some(root) if root.is_null() => {
            if root.is_empty_scalar() {
                Ok(append_top(text, first, &Fragment::nest(rest, value), nl))
            } else {
                Err(SpliceError::Unsupported(
                    "a document that is an explicit null",
                ))
            }
        }
        Some(root) if root.is_mapping() => upsert_in(text, &root, path, value, nl, String::new()),
        Some(root) => Err(SpliceError::NotAMapping {
            key: "(top level)".to_owned(),
            found: root.type_name(),
        }),
    }
}

/// Whether `text` is YAML this module can read.
pub(crate) fn check(text: &str) -> Result<(), SpliceError> {
    parse(text).map(drop)
}

/// `key: value` as block YAML at `indent` spaces, ending with a line break.
pub(crate) fn render_block_pair(
    out: &mut String,
    indent: usize,
    key: &str,
    value: &Fragment,
    nl: &str,
) {
    let pad = " ".repeat(indent);
    match value {
        Fragment::Map(entries) if !entries.is_empty() => {
            out.push_str(&format!("{pad}{}:{nl}", key_text(key)));
            for (child_key, child) in entries {
                render_block_pair(out, indent + 2, child_key, child, nl);
            }
        }
        Fragment::Seq(items) if !items.is_empty() => {
            out.push_str(&format!("{pad}{}:{nl}", key_text(key)));
            for item in items {
                out.push_str(&format!("{pad}  - {}{nl}", flow(item)));
            }
        }
        _ => out.push_str(&format!("{pad}{}: {}{nl}", key_text(key), flow(value))),
    }
}

/// A value in flow style: `{a: 1, b: [x]}`.
fn flow(value: &Fragment) -> String {
    match value {
        Fragment::Str(text) => quote(text),
        Fragment::Int(number) => number.to_string(),
        Fragment::Bool(flag) => flag.to_string(),
        Fragment::Seq(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Fragment::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, value)| format!("{}: {}", key_text(key), flow(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Words YAML 1.1 resolves to booleans or null; a plain key must not be one of them.
const RESERVED_WORDS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null"];

/// A key plain when it is an identifier both YAML versions read as a string, quoted
/// otherwise.
fn key_text(key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if identifier && !RESERVED_WORDS.contains(&key.to_ascii_lowercase().as_str()) {
        key.to_owned()
    } else {
        quote(key)
    }
}

/// A double-quoted scalar: the one style every YAML reader resolves to a string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control characters, and the ones YAML 1.1 treats as line breaks or a BOM.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn append_top(text: &str, key: &str, value: &Fragment, nl: &str) -> String {
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(nl);
    }
    render_block_pair(&mut out, 0, key, value, nl);
    out
}

fn upsert_in(
    text: &str,
    map: &Node,
    path: &[String],
    value: &Fragment,
    nl: &str,
    mut dotted: String,
) -> Result<String, SpliceError> {
    let Some((key, rest)) = path.split_first() else {
        return Ok(text.to_owned());
    };
    if !dotted.is_empty() {
        dotted.push('.');
    }
    dotted.push_str(key);
    let found = map.pairs().iter().find(|(name, _)| name.is_key(key));
    match found {
        None => insert(text, map, key, &Fragment::nest(rest, value), nl),
        Some((name, old)) if rest.is_empty() || old.is_null() => {
            replace(text, map, name, old, key, &Fragment::nest(rest, value), nl)
        }
        Some((_, old)) if old.is_mapping() => upsert_in(text, old, rest, value, nl, dotted),
        Some((_, old)) => Err(SpliceError::NotAMapping {
            key: dotted,
            found: old.type_name(),
        }),
    }
}

/// Adds `key: value` to `map`: after its last entry when it is a block mapping (so a
/// comment that introduces the next section stays with that section), first when it is
/// a flow mapping.
fn insert(
    text: &str,
    map: &Node,
    key: &str,
    value: &Fragment,
    nl: &str,
) -> Result<String, SpliceError> {
    let pairs = map.pairs();
    if map.flow {
        let pair = format!("{}: {}", key_text(key), flow(value));
        return Ok(if pairs.is_empty() {
            format!("{}{{{pair}}}{}", &text[..map.start], &text[map.end..])
        } else {
            let open = map.start + 1;
            format!("{}{pair}, {}", &text[..open], &text[open..])
        });
    }
    let (Some((first, _)), Some((last_key, last_value))) = (pairs.first(), pairs.last()) else {
        return Err(SpliceError::Unsupported("an empty block mapping"));
    };
    let indent = indent_of(text, first)?;
    let at = after_line(text, pair_end(last_key, last_value));
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(&text[..at]);
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        out.push_str(nl);
    }
    render_block_pair(&mut out, indent, key, value, nl);
    out.push_str(&text[at..]);
    Ok(out)
}

/// Replaces the value of an existing key: the whole `key: value` lines in a block
/// mapping, the value's own span in a flow mapping.
fn replace(
    text: &str,
    map: &Node,
    name: &Node,
    old: &Node,
    key: &str,
    value: &Fragment,
    nl: &str,
) -> Result<String, SpliceError> {
    if map.flow {
        if old.is_empty_scalar() {
            return Err(SpliceError::Unsupported(
                "a key without a value in a flow mapping",
            ));
        }
        return Ok(format!(
            "{}{}{}",
            &text[..old.start],
            flow(value),
            &text[old.end..]
        ));
    }
    let indent = indent_of(text, name)?;
    let from = line_start(text, name.start);
    let to = after_line(text, pair_end(name, old));
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(&text[..from]);
    render_block_pair(&mut out, indent, key, value, nl);
    out.push_str(&text[to..]);
    Ok(out)
}

/// The column of a block key, which must be the first thing on its line.
fn indent_of(text: &str, key: &Node) -> Result<usize, SpliceError> {
    let prefix = &text[line_start(text, key.start)..key.start];
    if prefix.bytes().all(|b| b == b' ') {
        Ok(prefix.len())
    } else {
        Err(SpliceError::Unsupported(
            "a key that does not start its line",
        ))
    }
}

/// Where a `key: value` pair's text ends. An absent value is reported at the key.
fn pair_end(key: &Node, value: &Node) -> usize {
    if value.is_empty_scalar() {
        key.end
    } else {
        node_end(value)
    }
}

fn node_end(node: &Node) -> usize {
    match &node.kind {
        Kind::Map(pairs) if !node.flow => pairs
            .last()
            .map_or(node.end, |(key, value)| pair_end(key, value)),
        Kind::Seq(items) if !node.flow => items.last().map_or(node.end, node_end),
        _ => node.end,
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |newline| newline + 1)
}

/// The start of the line after the one containing `at` (so a trailing comment goes with
/// its value); `at` itself when it already starts a line.
fn after_line(text: &str, at: usize) -> usize {
    if at == 0 || text[..at].ends_with('\n') {
        return at;
    }
    text[at..]
        .find('\n')
        .map_or(text.len(), |newline| at + newline + 1)
}

/// One YAML node and where its text is, in bytes.
#[derive(Debug)]
struct Node {
    kind: Kind,
    start: usize,
    end: usize,
    /// `{...}` or `[...]` rather than indented lines.
    flow: bool,
}

#[derive(Debug)]
enum Kind {
    Scalar { value: String, plain: bool },
    Alias,
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn pairs(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(pairs) => pairs,
            _ => &[],
        }
    }

    fn is_mapping(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    fn is_key(&self, key: &str) -> bool {
        matches!(&self.kind, Kind::Scalar { value, .. } if value == key)
    }

    fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, plain: true }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    fn is_empty_scalar(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, plain: true } if value.is_empty())
    }

    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Scalar { .. } if self.is_null() => "null",
            Kind::Scalar { .. } => "a scalar",
            Kind::Alias => "an alias",
            Kind::Seq(_) => "a sequence",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// The first document's root node, or `None` for a stream without documents (an empty
/// or comment-only file).
fn parse(text: &str) -> Result<Option<Node>, SpliceError> {
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(byte, _)| byte)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut events = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|error| SpliceError::Syntax {
            problem: error.info().to_owned(),
            line: error.marker().line(),
            column: error.marker().col() + 1,
        })?;
        events.push((event, span));
    }
    let mut cursor = Cursor {
        text,
        events: &events,
        at: 0,
        offsets: &offsets,
    };
    let mut root = None;
    while let Some((event, _)) = cursor.next() {
        if let Event::DocumentStart(_) = event {
            if root.is_some() {
                return Err(SpliceError::Unsupported("more than one YAML document"));
            }
            root = Some(cursor.node()?);
        }
    }
    Ok(root)
}

/// Walks the parser's events, turning them into nodes with byte offsets.
struct Cursor<'e, 'a> {
    text: &'e str,
    events: &'e [(Event<'a>, Span)],
    at: usize,
    /// Byte offset of each character index, plus the end.
    offsets: &'e [usize],
}

impl<'e, 'a> Cursor<'e, 'a> {
    fn next(&mut self) -> Option<&'e (Event<'a>, Span)> {
        let item = self.events.get(self.at)?;
        self.at += 1;
        Some(item)
    }

    fn byte(&self, char_index: usize) -> usize {
        let last = self.offsets.len().saturating_sub(1);
        self.offsets[char_index.min(last)]
    }

    fn node(&mut self) -> Result<Node, SpliceError> {
        let Some((event, span)) = self.next() else {
            return Err(SpliceError::Unsupported("a truncated event stream"));
        };
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        // Block collections start with an empty span; flow ones at their bracket.
        let flow = span.end.index() > span.start.index();
        let (kind, end) = match event {
            Event::Scalar(value, style, _, _) => {
                // A block scalar's span runs into the indentation of the next line;
                // its text ends at its last line break.
                let end = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    self.text[start..end]
                        .rfind('\n')
                        .map_or(end, |newline| start + newline + 1)
                } else {
                    end
                };
                let kind = Kind::Scalar {
                    value: value.to_string(),
                    plain: *style == ScalarStyle::Plain,
                };
                (kind, end)
            }
            Event::Alias(_) => (Kind::Alias, end),
            Event::SequenceStart(..) => {
                let (items, end) = self.children(|event| matches!(event, Event::SequenceEnd))?;
                (Kind::Seq(items), end)
            }
            Event::MappingStart(..) => {
                let (flat, end) = self.children(|event| matches!(event, Event::MappingEnd))?;
                if flat.len() % 2 != 0 {
                    return Err(SpliceError::Unsupported("a mapping with a missing value"));
                }
                let mut pairs = Vec::with_capacity(flat.len() / 2);
                let mut nodes = flat.into_iter();
                while let (Some(key), Some(value)) = (nodes.next(), nodes.next()) {
                    pairs.push((key, value));
                }
                (Kind::Map(pairs), end)
            }
            _ => return Err(SpliceError::Unsupported("an unexpected YAML event")),
        };
        let flow = flow && matches!(kind, Kind::Seq(_) | Kind::Map(_));
        Ok(Node {
            kind,
            start,
            end,
            flow,
        })
    }

    /// The nodes up to the closing event, and the byte offset where that event ends.
    fn children(
        &mut self,
        is_end: fn(&Event<'_>) -> bool,
    ) -> Result<(Vec<Node>, usize), SpliceError> {
        let mut children = Vec::new();
        loop {
            match self.events.get(self.at) {
                None => return Err(SpliceError::Unsupported("a truncated event stream")),
                Some((event, span)) if is_end(event) => {
                    self.at += 1;
                    return Ok((children, self.byte(span.end.index())));
                }
                Some(_) => children.push(self.node()?),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|key| (*key).to_owned()).collect()
    }

    fn set(text: &str, keys: &[&str], value: Fragment) -> String {
        upsert(text, &path(keys), &value, "\n").expect("splices")
    }

    fn entry() -> Fragment {
        Fragment::Map(vec![
            (
                "command".to_owned(),
                Fragment::Str("/opt/bin/server".to_owned()),
            ),
            (
                "args".to_owned(),
                Fragment::Seq(vec![Fragment::Str("serve".to_owned())]),
            ),
        ])
    }

    #[test]
    fn a_new_section_is_appended_after_the_last_top_level_entry() {
        let original = "# Hermes config\nmodel:\n  default: x # the model\n\n# Approvals\n";
        assert_eq!(
            set(original, &["mcp_servers", "ours"], entry()),
            "# Hermes config\nmodel:\n  default: x # the model\nmcp_servers:\n  ours:\n    command: \"/opt/bin/server\"\n    args:\n      - \"serve\"\n\n# Approvals\n"
        );
        assert_eq!(set("", &["a", "b"], Fragment::Int(1)), "a:\n  b: 1\n");
        assert_eq!(
            set("# only a comment", &["a"], Fragment::Bool(false)),
            "# only a comment\na: false\n"
        );
        assert_eq!(set("x: 1", &["a"], Fragment::Int(2)), "x: 1\na: 2\n");
    }

    #[test]
    fn a_new_entry_goes_after_the_last_one_and_before_the_next_section() {
        let original = "mcp_servers:\n  other:\n    command: other # keep\n    args: [a]\n# next section\napprovals:\n  mode: \"off\"\n";
        assert_eq!(
            set(original, &["mcp_servers", "ours"], entry()),
            "mcp_servers:\n  other:\n    command: other # keep\n    args: [a]\n  ours:\n    command: \"/opt/bin/server\"\n    args:\n      - \"serve\"\n# next section\napprovals:\n  mode: \"off\"\n"
        );
    }

    #[test]
    fn an_existing_entry_is_replaced_in_place() {
        let original = "mcp_servers:\n  ours:\n    command: /old\n    notes: |\n      two\n      lines\n\n  other: {command: x}\nkeep: 1\n";
        assert_eq!(
            set(original, &["mcp_servers", "ours"], entry()),
            "mcp_servers:\n  ours:\n    command: \"/opt/bin/server\"\n    args:\n      - \"serve\"\n  other: {command: x}\nkeep: 1\n"
        );
        let original = "mcp_servers:\n  ours:\n    command: /old  # stale\n    timeout: 300\n";
        assert_eq!(
            set(
                original,
                &["mcp_servers", "ours", "command"],
                Fragment::Str("/new".to_owned())
            ),
            "mcp_servers:\n  ours:\n    command: \"/new\"\n    timeout: 300\n"
        );
    }

    #[test]
    fn null_values_become_mappings() {
        assert_eq!(
            set(
                "mcp_servers:\nnext: 1\n",
                &["mcp_servers", "ours"],
                Fragment::Int(1)
            ),
            "mcp_servers:\n  ours: 1\nnext: 1\n"
        );
        assert_eq!(
            set(
                "mcp_servers: ~ # none yet\n",
                &["mcp_servers", "ours"],
                Fragment::Int(1)
            ),
            "mcp_servers:\n  ours: 1\n"
        );
        assert_eq!(
            set(
                "approvals:\n  mcp_reload_confirm:\n  mode: manual\n",
                &["approvals", "mcp_reload_confirm"],
                Fragment::Bool(false)
            ),
            "approvals:\n  mcp_reload_confirm: false\n  mode: manual\n"
        );
    }

    #[test]
    fn flow_mappings_are_edited_in_flow_style() {
        assert_eq!(
            set("mcp_servers: {}\n", &["mcp_servers", "ours"], entry()),
            "mcp_servers: {ours: {command: \"/opt/bin/server\", args: [\"serve\"]}}\n"
        );
        assert_eq!(
            set(
                "mcp_servers: {other: 1}\n",
                &["mcp_servers", "ours"],
                Fragment::Int(2)
            ),
            "mcp_servers: {ours: 2, other: 1}\n"
        );
        assert_eq!(
            set(
                "mcp_servers: {ours: {command: x}, other: 1}\n",
                &["mcp_servers", "ours", "command"],
                Fragment::Str("y".to_owned())
            ),
            "mcp_servers: {ours: {command: \"y\"}, other: 1}\n"
        );
        assert_eq!(set("{a: 1}", &["b"], Fragment::Int(2)), "{b: 2, a: 1}");
    }

    #[test]
    fn written_text_reads_the_same_in_yaml_1_1_and_1_2() {
        let value = Fragment::Map(vec![
            ("on".to_owned(), Fragment::Str("off".to_owned())),
            ("yes".to_owned(), Fragment::Str("0755".to_owned())),
            ("plain_key".to_owned(), Fragment::Str("1e3".to_owned())),
            (
                "with space".to_owned(),
                Fragment::Str("a\"b\\c\nd\u{2028}".to_owned()),
            ),
        ]);
        assert_eq!(
            set("", &["x"], value),
            "x:\n  \"on\": \"off\"\n  \"yes\": \"0755\"\n  plain_key: \"1e3\"\n  \"with space\": \"a\\\"b\\\\c\\nd\\u2028\"\n"
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let original = "model: x\r\nmcp_servers:\r\n  other: 1\r\n";
        assert_eq!(
            upsert(
                original,
                &path(&["mcp_servers", "ours"]),
                &Fragment::Int(2),
                "\r\n"
            )
            .expect("splices"),
            "model: x\r\nmcp_servers:\r\n  other: 1\r\n  ours: 2\r\n"
        );
    }

    #[test]
    fn wrong_shapes_and_syntax_errors_are_reported() {
        assert_eq!(
            upsert(
                "mcp_servers: [a]\n",
                &path(&["mcp_servers", "ours"]),
                &Fragment::Int(1),
                "\n"
            ),
            Err(SpliceError::NotAMapping {
                key: "mcp_servers".to_owned(),
                found: "a sequence"
            })
        );
        assert!(matches!(
            upsert("- a\n", &path(&["x"]), &Fragment::Int(1), "\n"),
            Err(SpliceError::NotAMapping { .. })
        ));
        let Err(SpliceError::Syntax {
            line,
            column,
            problem,
        }) = upsert(
            "a: 1\nb: [1\nc: 2\n",
            &path(&["x"]),
            &Fragment::Int(1),
            "\n",
        )
        else {
            panic!("expected a syntax error");
        };
        assert!(line >= 2 && column >= 1, "{line}:{column} {problem}");
    }
}
