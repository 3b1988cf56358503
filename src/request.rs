//! The request model as sent (L1): curl-like request options (`-X`, `-H`, `-d`) turned into
//! what the signer, the HTTP client and the printer need; large file bodies are hashed by
//! streaming, never read whole.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::signing::Payload;

/// Bad request options (exit 3), or a body that cannot be read (exit 5).
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Input(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl RequestError {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        RequestError::Io { what: what.into(), source }
    }

    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            RequestError::Input(_) => crate::exit::ExitCode::InvalidInput,
            RequestError::Io { .. } => crate::exit::ExitCode::Io,
        }
    }
}

/// Resolves `url` against a base URL when it is a path (`/v1/chat`).
pub fn join_url(base: Option<&str>, url: &str) -> Result<String, RequestError> {
    if !url.starts_with('/') {
        return Ok(url.to_string());
    }
    let Some(base) = base else {
        return Err(RequestError::Input(format!(
            "{url:?} is a path, and no profile with a url is in use: give a full URL"
        )));
    };
    Ok(format!("{}{url}", base.trim_end_matches('/')))
}

/// Parses `Name: value` (as curl's `-H`). The value may be empty; surrounding spaces are
/// trimmed. The message never repeats the value, which may be a secret.
pub fn parse_header_line(line: &str) -> Result<(String, String), RequestError> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| RequestError::Input("invalid header: expected 'Name: value' (no ':' found)".into()))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(crate_tchar) {
        return Err(RequestError::Input(format!(
            "invalid header name {:?}: use letters, digits and !#$%&'*+-.^_`|~",
            name.chars().take(40).collect::<String>()
        )));
    }
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(RequestError::Input(format!(
            "invalid value for header {name}: it contains a line break or control character"
        )));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

fn crate_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses and checks a request URL: `http` or `https`, with a host.
pub fn parse_url(s: &str) -> Result<url::Url, RequestError> {
    let url = url::Url::parse(s.trim())
        .map_err(|e| RequestError::Input(format!("invalid URL {:?}: {e}", redact_userinfo(s))))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RequestError::Input(format!("invalid URL: scheme {:?} is not http or https", url.scheme())));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(RequestError::Input("invalid URL: it has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RequestError::Input(
            "invalid URL: credentials in the URL (user:password@) are not accepted; use --auth basic with GWCTL_USERNAME/GWCTL_PASSWORD".into(),
        ));
    }
    Ok(url)
}

/// Hides `user:password@` in a URL that could not be parsed, so errors never echo it.
fn redact_userinfo(s: &str) -> String {
    // Redact first, then shorten: cutting first could leave a password whose '@' was cut off.
    let redacted = match (s.find("://"), s.rfind('@')) {
        (Some(start), Some(at)) if at > start => format!("{}***@{}", &s[..start + 3], &s[at + 1..]),
        (None, Some(at)) => format!("***@{}", &s[at + 1..]),
        _ => s.to_string(),
    };
    let short: String = redacted.chars().take(200).collect();
    crate::redact::sanitize_line(&short)
}

/// What `-d` named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyArg {
    Inline(Vec<u8>),
    File(PathBuf),
    Stdin,
}

impl BodyArg {
    /// `@-` is standard input, `@FILE` a file, anything else the bytes themselves.
    pub fn parse(arg: &OsStr) -> Self {
        match arg.to_str() {
            Some("@-") => BodyArg::Stdin,
            Some(s) => match s.strip_prefix('@') {
                Some(path) => BodyArg::File(PathBuf::from(path)),
                None => BodyArg::Inline(s.as_bytes().to_vec()),
            },
            None => Self::parse_non_utf8(arg),
        }
    }

    #[cfg(unix)]
    fn parse_non_utf8(arg: &OsStr) -> Self {
        use std::os::unix::ffi::OsStrExt;
        match arg.as_bytes().strip_prefix(b"@") {
            Some(path) => BodyArg::File(PathBuf::from(OsStr::from_bytes(path))),
            None => BodyArg::Inline(arg.as_bytes().to_vec()),
        }
    }

    #[cfg(not(unix))]
    fn parse_non_utf8(arg: &OsStr) -> Self {
        BodyArg::Inline(arg.as_encoded_bytes().to_vec())
    }
}

/// The largest body read from standard input or a pipe (files are streamed, never held).
pub const MAX_STREAMED_BODY: u64 = 256 << 20;

/// A loaded body: small ones in memory, files by path with a streamed hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Empty,
    /// From `-d DATA` or `-d @-`: the exact bytes.
    Bytes {
        data: Vec<u8>,
        from_stdin: bool,
    },
    /// From `-d @FILE`: never read whole; `sha256` was computed by streaming.
    File {
        path: PathBuf,
        len: u64,
        sha256: [u8; 32],
    },
}

impl Body {
    pub fn load(arg: Option<&BodyArg>, stdin: &mut dyn Read) -> Result<Self, RequestError> {
        Ok(match arg {
            None => Body::Empty,
            Some(BodyArg::Inline(b)) => Body::Bytes { data: b.clone(), from_stdin: false },
            Some(BodyArg::Stdin) => {
                let data = crate::util::read_limited_from(stdin, MAX_STREAMED_BODY)
                    .map_err(|e| RequestError::io("cannot read the body from standard input", e))?;
                Body::Bytes { data, from_stdin: true }
            }
            Some(BodyArg::File(path)) => {
                // A pipe (`-d @<(cmd)`, `-d @/dev/stdin`) can be read only once: it is read into
                // memory (bounded) so that it is hashed and sent from the same bytes.
                let what = || format!("cannot read body file {}", path.display());
                let meta = std::fs::metadata(path).map_err(|e| RequestError::io(what(), e))?;
                if !meta.is_file() && !meta.is_dir() {
                    let data =
                        crate::util::read_limited(path, MAX_STREAMED_BODY).map_err(|e| RequestError::io(what(), e))?;
                    return Ok(Body::Bytes { data, from_stdin: false });
                }
                let (sha256, len) = sha256_file(path)?;
                Body::File { path: path.clone(), len, sha256 }
            }
        })
    }

    pub fn is_present(&self) -> bool {
        !matches!(self, Body::Empty)
    }

    pub fn payload(&self) -> Payload<'_> {
        match self {
            Body::Empty => Payload::EMPTY,
            Body::Bytes { data, .. } => Payload::Bytes(data),
            Body::File { sha256, .. } => Payload::Sha256(*sha256),
        }
    }
}

/// Streams a file through SHA-256 with a fixed 256 KiB buffer.
pub fn sha256_file(path: &Path) -> Result<([u8; 32], u64), RequestError> {
    let what = || format!("cannot read body file {}", path.display());
    let file = std::fs::File::open(path).map_err(|e| RequestError::io(what(), e))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(RequestError::io(what(), std::io::Error::other("it is a directory")));
    }
    sha256_reader(file).map_err(|e| RequestError::io(what(), e))
}

/// SHA-256 of everything `r` yields, and its length, in constant memory.
pub fn sha256_reader(mut r: impl Read) -> std::io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut len = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok((hasher.finalize().into(), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines() {
        assert_eq!(parse_header_line("A: b c ").unwrap(), ("A".into(), "b c".into()));
        assert_eq!(parse_header_line("X-Empty:").unwrap(), ("X-Empty".into(), "".into()));
        assert_eq!(parse_header_line("K: a:b").unwrap(), ("K".into(), "a:b".into()));
        let e = parse_header_line("Authorization Bearer s3cr3t").unwrap_err().to_string();
        assert!(!e.contains("s3cr3t"), "{e}");
        assert!(parse_header_line("Bad Name: x").is_err());
        let e = parse_header_line("X: s3cr3t\r\nY: z").unwrap_err().to_string();
        assert!(!e.contains("s3cr3t"), "{e}");
    }

    #[test]
    fn urls() {
        assert!(parse_url("https://example.com/a").is_ok());
        assert!(parse_url("ftp://example.com/").is_err());
        assert!(parse_url("not a url").is_err());
        let e = parse_url("https://user:pw@example.com/").unwrap_err().to_string();
        assert!(!e.contains("pw"), "{e}");
        let e = parse_url("https://user:s3cr3t@exa mple.com/").unwrap_err().to_string();
        assert!(!e.contains("s3cr3t"), "{e}");
    }

    #[test]
    fn body_args() {
        assert_eq!(BodyArg::parse(OsStr::new("@-")), BodyArg::Stdin);
        assert_eq!(BodyArg::parse(OsStr::new("@a.json")), BodyArg::File("a.json".into()));
        assert_eq!(BodyArg::parse(OsStr::new("{}")), BodyArg::Inline(b"{}".to_vec()));
    }

    #[test]
    fn streamed_hash_matches() {
        let data = vec![7u8; 1_000_000];
        let (h, n) = sha256_reader(&data[..]).unwrap();
        assert_eq!(n, 1_000_000);
        assert_eq!(hex::encode(h), hex::encode(Sha256::digest(&data)));
    }
}
