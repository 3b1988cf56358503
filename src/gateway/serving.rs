//! MLflow model serving (`/invocations`) payloads from files: `--input-json` and `--input-csv`.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::GatewayError;

/// The largest input file read whole (`--input-json`, `--input-csv`).
pub const MAX_INPUT_FILE: u64 = 64 << 20;

fn read_text(path: &Path) -> Result<String, GatewayError> {
    let bytes = crate::util::read_limited(path, MAX_INPUT_FILE)
        .map_err(|e| GatewayError::Io { what: format!("cannot read {}", path.display()), source: e })?;
    String::from_utf8(bytes).map_err(|_| GatewayError::Input(format!("{}: not UTF-8 text", path.display())))
}

/// A JSON file: an array of records becomes `dataframe_split`; anything else is sent as
/// `inputs`.
pub fn from_json_file(path: &Path) -> Result<Value, GatewayError> {
    let text = read_text(path)?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| GatewayError::Input(format!("{}: not JSON: {e}", path.display())))?;
    if let Some(rows) = v.as_array().filter(|r| !r.is_empty() && r.iter().all(Value::is_object)) {
        let mut columns: Vec<String> = Vec::new();
        for r in rows {
            for k in r.as_object().into_iter().flat_map(|o| o.keys()) {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
        let data: Vec<Value> = rows
            .iter()
            .map(|r| Value::Array(columns.iter().map(|c| r.get(c).cloned().unwrap_or(Value::Null)).collect()))
            .collect();
        return Ok(json!({"dataframe_split": {"columns": columns, "data": data}}));
    }
    Ok(json!({ "inputs": v }))
}

/// A CSV file with a header row becomes `dataframe_split`; numbers and booleans are typed.
pub fn from_csv_file(path: &Path) -> Result<Value, GatewayError> {
    let text = read_text(path)?;
    let mut rows = parse_csv(&text).map_err(|e| GatewayError::Input(format!("{}: {e}", path.display())))?.into_iter();
    let columns =
        rows.next().ok_or_else(|| GatewayError::Input(format!("{}: the CSV file is empty", path.display())))?;
    let mut data = Vec::new();
    for (i, row) in rows.enumerate() {
        if row.len() != columns.len() {
            return Err(GatewayError::Input(format!(
                "{}: row {} has {} fields, the header has {}",
                path.display(),
                i + 2,
                row.len(),
                columns.len()
            )));
        }
        data.push(Value::Array(row.iter().map(|f| typed(f)).collect()));
    }
    let mut split = Map::new();
    split.insert("columns".into(), columns.into());
    split.insert("data".into(), data.into());
    Ok(json!({ "dataframe_split": split }))
}

fn typed(field: &str) -> Value {
    if let Ok(i) = field.parse::<i64>() {
        return i.into();
    }
    if let Ok(f) = field.parse::<f64>()
        && f.is_finite()
    {
        return f.into();
    }
    match field {
        "true" | "True" => true.into(),
        "false" | "False" => false.into(),
        "" => Value::Null,
        s => s.into(),
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push(std::mem::take(&mut row));
                } else {
                    row.clear();
                }
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv() {
        assert_eq!(
            parse_csv("a,b\n1,\"x, \"\"y\"\"\"\n\n2,z").unwrap(),
            vec![vec!["a", "b"], vec!["1", "x, \"y\""], vec!["2", "z"]]
        );
        assert!(parse_csv("a\n\"open").is_err());
        assert_eq!(typed("1.5"), json!(1.5));
        assert_eq!(typed("7"), json!(7));
        assert_eq!(typed("x"), json!("x"));
    }
}
