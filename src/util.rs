//! Small parsers shared by every layer (L0, no I/O but bounded file reads): durations, JWT
//! claims and payload parameters, size-limited reads.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

/// A value on the command line or in a file that does not parse (exit 3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

impl ValueError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        crate::exit::ExitCode::InvalidInput
    }
}

/// Parses a lifetime: `300`, `300s`, `15m`, `1h`, `1d`, `1w`, `1h30m`.
pub fn parse_duration_secs(s: &str) -> Result<u64, ValueError> {
    let s = s.trim();
    let bad = || ValueError(format!("invalid duration {s:?}: expected e.g. 300, 90s, 15m, 1h or 1d"));
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any {
        return Err(bad());
    }
    Ok(total)
}

/// Parses `key=value` (a JWT claim, a payload parameter): the value is JSON when it parses as
/// JSON (`n=5`, `admin=true`, `roles=["a","b"]`), a string otherwise. `flag` names the option
/// in errors.
pub fn parse_key_value(s: &str, flag: &str) -> Result<(String, Value), ValueError> {
    let (k, v) = s.split_once('=').ok_or_else(|| ValueError(format!("invalid {flag} {s:?}: expected key=value")))?;
    let k = k.trim();
    if k.is_empty() {
        return Err(ValueError(format!("invalid {flag}: the key is empty")));
    }
    let value = serde_json::from_str::<Value>(v).unwrap_or_else(|_| Value::String(v.to_string()));
    Ok((k.to_string(), value))
}

/// `--claim key=value`.
pub fn parse_claim(s: &str) -> Result<(String, Value), ValueError> {
    parse_key_value(s, "--claim")
}

/// Reads a whole file of at most `limit` bytes; a larger one (or an endless one such as
/// `/dev/zero`) is an error of kind `InvalidData` naming the limit, never read whole.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(std::io::Error::other("it is a directory"));
    }
    read_limited_from(file, limit)
}

/// [`read_limited`] for any reader (standard input).
pub fn read_limited_from(r: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than the limit of {}", human_size(limit)),
        ));
    }
    Ok(buf)
}

/// `1 MiB`, `512 KiB`, `100 bytes`.
pub fn human_size(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_secs("300").unwrap(), 300);
        assert_eq!(parse_duration_secs("15m").unwrap(), 900);
        assert_eq!(parse_duration_secs("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration_secs("1d").unwrap(), 86400);
        for bad in ["", "m", "5x", "1h5", "-3", "99999999999999999999w"] {
            assert!(parse_duration_secs(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn claims() {
        assert_eq!(parse_claim("n=5").unwrap(), ("n".into(), Value::from(5)));
        assert_eq!(parse_claim("s=read write").unwrap(), ("s".into(), Value::from("read write")));
        assert_eq!(parse_claim("o=007").unwrap(), ("o".into(), Value::from("007")));
        assert!(parse_claim("novalue").is_err());
        assert!(parse_key_value("x", "--param").unwrap_err().to_string().contains("--param"));
    }

    #[test]
    fn limited_reads() {
        assert_eq!(read_limited_from(&b"abc"[..], 3).unwrap(), b"abc");
        let e = read_limited_from(std::io::repeat(0), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("1 MiB"), "{e}");
    }
}
