//! YAML both ways for the scaffolders: [`emit`] writes a JSON value as block-style YAML (what
//! people expect to read and edit), [`parse`] reads YAML into a tree that remembers lines, so
//! that `gwctl scaffold check` can name the line of every problem.

use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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

fn string(s: &str) -> String {
    let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"];
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./$-+(){}=@,:".contains(c) || c == ' ')
        && !s.starts_with([' ', '-', '{', '}', ':', '@', ',', '('])
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
        && s.parse::<f64>().is_err()
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if plain { s.to_string() } else { Value::String(s.to_string()).to_string() }
}

/// A parsed YAML node with the (1-based) line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub line: usize,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Keys with their own lines, in order.
    Map(Vec<(String, usize, Node)>),
    Seq(Vec<Node>),
    /// The text and whether it was quoted (a quoted `123` is a string).
    Scalar(String, bool),
    /// An alias (`*name`): gwctl does not follow them.
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

/// Parses the first document of `text`. Errors carry the line.
pub fn parse(text: &str) -> Result<Option<Node>, (usize, String)> {
    struct Builder {
        stack: Vec<(Node, Option<(String, usize)>)>,
        root: Option<Node>,
    }
    impl Builder {
        fn push_value(&mut self, node: Node) {
            match self.stack.last_mut() {
                None => {
                    if self.root.is_none() {
                        self.root = Some(node);
                    }
                }
                Some((parent, key)) => match &mut parent.kind {
                    Kind::Seq(items) => items.push(node),
                    Kind::Map(entries) => match key.take() {
                        None => {
                            // A key: scalar keys are kept as text, others stringified.
                            let k = match &node.kind {
                                Kind::Scalar(s, _) => s.clone(),
                                _ => "<complex key>".into(),
                            };
                            *key = Some((k, node.line));
                        }
                        Some((k, kline)) => entries.push((k, kline, node)),
                    },
                    _ => {}
                },
            }
        }
    }
    impl MarkedEventReceiver for Builder {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            let line = mark.line();
            match ev {
                Event::Scalar(s, style, _, _) => {
                    let quoted = !matches!(style, TScalarStyle::Plain);
                    self.push_value(Node { line, kind: Kind::Scalar(s, quoted) });
                }
                Event::Alias(_) => self.push_value(Node { line, kind: Kind::Alias }),
                Event::SequenceStart(..) => self.stack.push((Node { line, kind: Kind::Seq(vec![]) }, None)),
                Event::MappingStart(..) => self.stack.push((Node { line, kind: Kind::Map(vec![]) }, None)),
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some((node, _)) = self.stack.pop() {
                        self.push_value(node);
                    }
                }
                _ => {}
            }
        }
    }
    let mut b = Builder { stack: vec![], root: None };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut b, false).map_err(|e| (e.marker().line(), e.info().to_string()))?;
    Ok(b.root)
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
    fn parse_errors_have_lines() {
        let (line, msg) = parse("a: 1\nb: [\n").unwrap_err();
        assert!(line >= 2, "{line} {msg}");
    }
}
