//! YAML both ways for the scaffolders: [`emit`] writes a JSON value as block-style YAML (what
//! people expect to read and edit), [`parse`] reads YAML into a tree that remembers lines, so
//! that `gwctl scaffold check` can name the line of every problem.

use serde_json::Value;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Block-style YAML for `v`, keys in their order. Strings are plain when that reads back as
/// the same string, else double-quoted (JSON escapes are valid YAML).
pub fn emit(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => emit_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn emit_map(m: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (k, v) in m {
        out.push_str(&" ".repeat(indent));
        out.push_str(&string(k));
        out.push(':');
        emit_child(v, indent, out);
    }
}

fn emit_seq(a: &[Value], indent: usize, out: &mut String) {
    for v in a {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash line, the rest line up under it.
                let mut inner = String::new();
                emit_map(m, indent + 2, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            other => emit_child(other, indent, out),
        }
    }
}

fn emit_child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit_map(m, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit_seq(a, indent + 2, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as YAML: plain when [`needs_quoting`] says a YAML 1.1 loader (PyYAML, which MLflow
/// and cfn-lint use) reads it back as the same string, else double-quoted with escapes.
fn string(s: &str) -> String {
    if needs_quoting(s) { double_quoted(s) } else { s.to_string() }
}

/// Whether `s` must be quoted to be read back as the same string by a YAML 1.1 loader (PyYAML)
/// and by YAML 1.2 ones. Conservative: plain only for strings that start with a letter, `_`,
/// `/` or `$`, hold only ASCII letters, digits, spaces and `_ . / $ - + ( ) @ , : = { }`, do
/// not end with a space or `:`, hold no `: ` or ` #`, and are not a YAML 1.1 boolean or null in
/// any case (`yes`, `No`, `ON`, `off`, `y`, `n`, `true`, `null`, …). Everything that could
/// resolve to a number, a timestamp, `=` (the value tag), `<<` (merge), an indicator, or that
/// holds a control, non-ASCII (NEL, LS, PS, BOM, …) or DEL character is quoted.
pub fn needs_quoting(s: &str) -> bool {
    const WORDS: [&str; 13] =
        ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf", ".inf", ".nan"];
    let Some(first) = s.chars().next() else { return true };
    let first_ok = first.is_ascii_alphabetic() || matches!(first, '_' | '/' | '$');
    let chars_ok = s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || "_./$-+()@,:={}".contains(c));
    !first_ok
        || !chars_ok
        || s.ends_with([' ', ':'])
        || s.contains(": ")
        || s.contains(" #")
        || WORDS.contains(&s.to_ascii_lowercase().as_str())
}

/// `s` as a YAML double-quoted scalar. Escaped: `"` and `\`, every C0 control and DEL, C1
/// controls (NEL included), the Unicode line and paragraph separators, the BOM and the
/// non-characters U+FFFE/U+FFFF; all else is kept as is (it is printable for YAML 1.1 and 1.2).
pub fn double_quoted(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How deep collections may nest in a file `parse` reads (MLflow configs use 5 levels).
pub const MAX_DEPTH: usize = 64;
/// How many nodes a file may hold once aliases are expanded (a guard against alias bombs).
pub const MAX_NODES: usize = 100_000;

/// A parsed YAML node with the (1-based) line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub line: usize,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Keys with their own lines, in order, merges (`<<: *anchor`) resolved; a repeated key
    /// keeps its last value (as PyYAML does; [`Document::duplicates`] lists them).
    Map(Vec<(String, usize, Node)>),
    Seq(Vec<Node>),
    /// The text and whether it was quoted (a quoted `123` is a string).
    Scalar(String, bool),
    /// An alias whose anchor is unknown (the parser refuses those; kept for completeness).
    Alias,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, false) if s.is_empty() || s == "~" || s == "null")
    }
}

/// A key given twice in one mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    pub key: String,
    /// Where it is repeated.
    pub line: usize,
    /// Where it was first given.
    pub first_line: usize,
}

/// What [`parse_document`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The first document's root (`None` for an empty file).
    pub root: Option<Node>,
    /// Keys given twice in a mapping, at any level.
    pub duplicates: Vec<Duplicate>,
    /// The line where a second document starts, if the file holds more than one.
    pub second_document: Option<usize>,
}

/// Parses the first document of `text`. Errors carry the line.
pub fn parse(text: &str) -> Result<Option<Node>, (usize, String)> {
    parse_document(text).map(|d| d.root)
}

/// A collection being built.
struct Frame {
    node: Node,
    anchor: usize,
    /// A mapping's pending key: text, line, and whether it is the merge key `<<` (plain).
    key: Option<(String, usize, bool)>,
    /// A mapping's `<<` values, in order.
    merges: Vec<Node>,
    /// Height of the tallest child (0 for none).
    child_height: usize,
    /// Nodes in this subtree so far, itself included.
    size: usize,
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: std::collections::HashMap<usize, (Node, usize, usize)>,
    duplicates: Vec<Duplicate>,
    nodes: usize,
}

type ParseError = (usize, String);

fn too_deep(line: usize) -> ParseError {
    (line, format!("nested too deeply (more than {MAX_DEPTH} levels)"))
}

impl Builder {
    fn count(&mut self, n: usize, line: usize) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err((line, format!("too many nodes (more than {MAX_NODES} once aliases are expanded)")));
        }
        Ok(())
    }

    fn open(&mut self, node: Node, anchor: usize) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(node.line));
        }
        self.count(1, node.line)?;
        self.stack.push(Frame { node, anchor, key: None, merges: Vec::new(), child_height: 0, size: 1 });
        Ok(())
    }

    fn close(&mut self) -> Result<(), ParseError> {
        let Some(mut f) = self.stack.pop() else { return Ok(()) };
        if !f.merges.is_empty() {
            resolve_merges(&mut f)?;
        }
        let height = f.child_height + 1;
        if f.anchor != 0 {
            self.anchors.insert(f.anchor, (f.node.clone(), f.size, height));
        }
        self.push_value(f.node, height, f.size, false)
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn push_value(&mut self, node: Node, height: usize, size: usize, merge_key: bool) -> Result<(), ParseError> {
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return Ok(());
        };
        parent.child_height = parent.child_height.max(height);
        parent.size = parent.size.saturating_add(size);
        match &mut parent.node.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(entries) => match parent.key.take() {
                None => {
                    // A key: scalar keys are kept as text, others stringified.
                    let k = match &node.kind {
                        Kind::Scalar(s, _) => s.clone(),
                        _ => "<complex key>".into(),
                    };
                    parent.key = Some((k, node.line, merge_key));
                }
                Some((_, _, true)) => parent.merges.push(node),
                Some((k, kline, false)) => {
                    if let Some(entry) = entries.iter_mut().find(|(e, _, _)| *e == k) {
                        self.duplicates.push(Duplicate { key: k, line: kline, first_line: entry.1 });
                        entry.2 = node; // PyYAML keeps the last value
                    } else {
                        entries.push((k, kline, node));
                    }
                }
            },
            _ => {}
        }
        Ok(())
    }
}

/// Applies a mapping's `<<` merges as YAML 1.1 (and PyYAML) define them: keys given in the
/// mapping win over merged ones; in a list of merged mappings, the earlier one wins.
fn resolve_merges(f: &mut Frame) -> Result<(), ParseError> {
    let Kind::Map(explicit) = &mut f.node.kind else { return Ok(()) };
    let mut merged: Vec<(String, usize, Node)> = Vec::new();
    let mut add = |pairs: &[(String, usize, Node)]| {
        for (k, l, v) in pairs {
            match merged.iter_mut().find(|(m, _, _)| m == k) {
                Some(slot) => *slot = (k.clone(), *l, v.clone()),
                None => merged.push((k.clone(), *l, v.clone())),
            }
        }
    };
    for m in std::mem::take(&mut f.merges) {
        match &m.kind {
            Kind::Map(pairs) => add(pairs),
            Kind::Seq(items) => {
                for item in items.iter().rev() {
                    match &item.kind {
                        Kind::Map(pairs) => add(pairs),
                        _ => return Err((item.line, "a merge (<<) list may hold only mappings".into())),
                    }
                }
            }
            _ => return Err((m.line, "a merge (<<) needs a mapping or a list of mappings".into())),
        }
    }
    for (k, l, v) in std::mem::take(explicit) {
        match merged.iter_mut().find(|(m, _, _)| *m == k) {
            Some(slot) => *slot = (k, l, v),
            None => merged.push((k, l, v)),
        }
    }
    *explicit = merged;
    Ok(())
}

/// Parses `text`: the first document's tree (merges and aliases resolved), the keys given
/// twice, and whether a second document follows. Refuses (with the line) what no gateway config
/// holds and what could exhaust the stack or memory: nesting deeper than [`MAX_DEPTH`], more
/// than [`MAX_NODES`] nodes once aliases are expanded.
pub fn parse_document(text: &str) -> Result<Document, ParseError> {
    let mut b = Builder {
        stack: Vec::new(),
        root: None,
        anchors: std::collections::HashMap::new(),
        duplicates: Vec::new(),
        nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    let mut second_document = None;
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| {
            // The scanner's own bound on flow nesting says "recursion limit exceeded".
            if e.info().contains("recursion limit") {
                too_deep(e.marker().line())
            } else {
                (e.marker().line(), e.info().to_string())
            }
        })?;
        let line = mark.line();
        match ev {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    second_document = Some(line);
                    break;
                }
            }
            Event::Scalar(s, style, anchor, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let merge_key = !quoted && s == "<<";
                let node = Node { line, kind: Kind::Scalar(s, quoted) };
                b.count(1, line)?;
                if anchor != 0 {
                    b.anchors.insert(anchor, (node.clone(), 1, 1));
                }
                b.push_value(node, 1, 1, merge_key)?;
            }
            Event::Alias(id) => {
                let (node, size, height) = match b.anchors.get(&id) {
                    Some((n, size, height)) => (n.clone(), *size, *height),
                    None => (Node { line, kind: Kind::Alias }, 1, 1),
                };
                if b.stack.len() + height > MAX_DEPTH {
                    return Err(too_deep(line));
                }
                b.count(size, line)?;
                b.push_value(node, height, size, false)?;
            }
            Event::SequenceStart(anchor, _) => b.open(Node { line, kind: Kind::Seq(vec![]) }, anchor)?,
            Event::MappingStart(anchor, _) => b.open(Node { line, kind: Kind::Map(vec![]) }, anchor)?,
            Event::SequenceEnd | Event::MappingEnd => b.close()?,
            _ => {}
        }
    }
    Ok(Document { root: b.root, duplicates: b.duplicates, second_document })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_block_yaml_that_reads_back() {
        let v = serde_json::json!({
            "endpoints": [
                {"name": "chat", "model": {"provider": "openai", "config": {"openai_api_key": "$OPENAI_API_KEY"}}},
                {"name": "x", "list": ["a", "true", "1.5", "", "a: b", "-x"]}
            ],
            "empty": {}, "n": 3, "version": "1.0", "b": false
        });
        let text = emit(&v);
        assert!(text.starts_with("endpoints:\n  - name: chat\n    model:\n      provider: openai\n"), "{text}");
        assert!(text.contains("- \"true\"\n") && text.contains("version: \"1.0\"\n"), "{text}");
        let node = parse(&text).unwrap().unwrap();
        let eps = node.get("endpoints").unwrap();
        let Kind::Seq(items) = &eps.kind else { panic!() };
        assert_eq!(items[0].get("name").unwrap().as_str(), Some("chat"));
        assert_eq!(items[0].line, 2);
        let Kind::Seq(list) = &items[1].get("list").unwrap().kind else { panic!() };
        let strs: Vec<_> = list.iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(strs, ["a", "true", "1.5", "", "a: b", "-x"]);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        for text in [
            "- ".repeat(50_000) + "x",
            "[".repeat(20_000),
            "a:\n".to_string() + &(1..200).map(|i| format!("{}b{i}:\n", " ".repeat(i))).collect::<String>(),
        ] {
            let (_, msg) = parse(&text).unwrap_err();
            assert!(msg.contains("nested too deeply"), "{msg}");
        }
        // 60 levels are fine.
        assert!(parse(&("- ".repeat(60) + "x")).is_ok());
    }

    #[test]
    fn alias_bombs_and_alias_towers_are_bounded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            bomb.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![if i == 1 { "*a".to_string() } else { format!("*a{}", i - 1) }; 10].join(", ")
            ));
        }
        assert!(parse(&bomb).unwrap_err().1.contains("too many nodes"));
        let mut tower = String::from("a0: &a0 [x]\n");
        for i in 1..200 {
            tower.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        assert!(parse(&tower).unwrap_err().1.contains("nested too deeply"));
    }

    #[test]
    fn merges_duplicates_and_documents() {
        let text = "base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nm:\n  <<: [*b, *o]\n  x: 9\nd: 1\nd: 2\n";
        let doc = parse_document(text).unwrap();
        let m = doc.root.as_ref().unwrap().get("m").unwrap();
        assert_eq!(m.get("x").unwrap().as_str(), Some("9"));
        assert_eq!(m.get("y").unwrap().as_str(), Some("2"));
        assert_eq!(m.get("z").unwrap().as_str(), Some("4"));
        assert!(m.get("<<").is_none());
        assert_eq!(doc.duplicates, [Duplicate { key: "d".into(), line: 7, first_line: 6 }]);
        assert_eq!(doc.root.unwrap().get("d").unwrap().as_str(), Some("2"));
        assert_eq!(parse_document("a: 1\n---\nb: 2\n").unwrap().second_document, Some(2));
        assert_eq!(parse_document("a: 1\n").unwrap().second_document, None);
        // A quoted "<<" is an ordinary key.
        let q = parse("\"<<\": 1\n").unwrap().unwrap();
        assert_eq!(q.get("<<").unwrap().as_str(), Some("1"));
    }

    #[test]
    fn quoting_of_yaml_1_1_specials() {
        for s in [
            "=",
            "yes",
            "No",
            "ON",
            "~",
            "null",
            "+.inf",
            ".NaN",
            "1:20",
            "0x1F",
            "017",
            "2001-12-14",
            "<<",
            "a\u{85}b",
            "a\u{7f}",
            "",
            " a",
            "a ",
            "a: b",
            "a #b",
            "-x",
            "\u{feff}a",
        ] {
            assert!(needs_quoting(s), "{s:?}");
        }
        for s in ["gpt-4o-mini", "$OPENAI_API_KEY", "http://127.0.0.1:5001", "llm/v1/chat", "Fn::Sub", "/{proxy+}"] {
            assert!(!needs_quoting(s), "{s:?}");
        }
        assert_eq!(double_quoted("a\u{85}\u{7f}\u{2028}\"\\"), "\"a\\x85\\x7F\\L\\\"\\\\\"");
    }

    #[test]
    fn parse_errors_have_lines() {
        let (line, msg) = parse("a: 1\nb: [\n").unwrap_err();
        assert!(line >= 2, "{line} {msg}");
    }
}
