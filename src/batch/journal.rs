//! The output file in OpenAI's batch output format, which is also the run's journal.
//!
//! ```text
//! {"id":"batch_req_…","custom_id":"a","response":{"status_code":200,"request_id":"…","body":{…}},"error":null}
//! {"id":"batch_req_…","custom_id":"b","response":{"status_code":404,"request_id":null,"body":{…}},"error":{"code":"http_404","message":"…"}}
//! {"id":"batch_req_…","custom_id":"c","response":null,"error":{"code":"timeout","message":"…"}}
//! {"id":"batch_req_…","custom_id":null,"line":7,"response":null,"error":{"code":"invalid_line","message":"line 7: invalid JSON: …"}}
//! ```
//!
//! - Error codes: `http_<status>` (the answer is in `response`), `connection_error`, `timeout`,
//!   `stream_error`, `request_error` (could not be built or signed), `invalid_line`,
//!   `duplicate_custom_id` (both only with `skip_invalid`). An invalid line with a usable,
//!   unique `custom_id` is written under it; one without (not JSON, or a repeated id) has
//!   `"custom_id": null` and its `"line"`.
//! - Failed lines go to the errors file when one is given ([`ErrorsTo::File`]), else to the
//!   output file with the others (the `error` member tells them apart).
//! - Lines are written whole on a file opened with `O_APPEND`, queued once final and written
//!   together whenever the runner has nothing else ready ([`JournalWriter::flush`]). `fsync` runs
//!   every [`JournalOptions::fsync_every`] and at the end: a process crash (even SIGKILL) loses
//!   nothing written (only lines still queued, which are sent again on resume); an OS crash may
//!   lose the last second, whose lines are then simply sent again too. After a failed write
//!   nothing more is written, so a torn line can only be the last one.
//! - Resume ([`scan`]): a last line without its newline, or that is not JSON, is torn: it is cut
//!   away (a corrupt line elsewhere is an error). Every key found counts as done, except records
//!   of a *retryable* failure (`connection_error`, `timeout`, `stream_error`, `http_429`,
//!   `http_5xx`): those lines are sent again, and their old records are removed first
//!   ([`compact`]) so that each id stays in the files once.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::input::truncate;
use super::{BatchError, Key};

/// Longest journal line read back on resume (our own lines: the executor bounds bodies).
pub const MAX_JOURNAL_LINE: usize = 256 << 20;

/// Where results go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// A file: appended to, and resumed from when it exists.
    File(PathBuf),
    /// Standard output (no resume).
    Stdout,
}

/// Where failed lines go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorsTo {
    /// With the successes, in the output (OpenAI's single-file behaviour).
    SameFile,
    File(PathBuf),
}

#[derive(Clone, Debug)]
pub struct JournalOptions {
    pub output: Output,
    pub errors: ErrorsTo,
    /// `fsync` at most this often while running (and always at the end); `None`: only at the end.
    pub fsync_every: Option<Duration>,
}

impl JournalOptions {
    pub fn new(output: Output, errors: ErrorsTo) -> Self {
        JournalOptions { output, errors, fsync_every: Some(Duration::from_secs(1)) }
    }

    /// The files a resumed run reads.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut v = Vec::new();
        if let Output::File(p) = &self.output {
            v.push(p.clone());
        }
        if let ErrorsTo::File(p) = &self.errors
            && !v.contains(p)
        {
            v.push(p.clone());
        }
        v
    }
}

/// How a journal record counts on resume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordClass {
    /// Success, final failure (4xx, request_error) or invalid line: skipped on resume.
    Done,
    /// Network, timeout, 429, 5xx: sent again on resume (after [`compact`] removes the record).
    Retry,
}

/// Whether an error code is retried on resume.
pub fn code_is_retryable(code: &str) -> bool {
    matches!(code, "connection_error" | "timeout" | "stream_error" | "http_429")
        || (code.len() == 8 && code.starts_with("http_5"))
}

/// Makes a journal file ready to append to: cuts a torn last line. Returns the bytes cut.
pub fn repair_tail(path: &Path) -> Result<u64, BatchError> {
    let io = |e| BatchError::io(path, e);
    let mut f = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io(e)),
    };
    let len = f.metadata().map_err(io)?.len();
    if len == 0 {
        return Ok(0);
    }
    // The end of the last complete line, and where that line starts.
    let end = last_newline_before(&mut f, len).map_err(io)?.map_or(0, |i| i + 1);
    let mut keep = end;
    if end > 0 {
        let start = last_newline_before(&mut f, end - 1).map_err(io)?.map_or(0, |i| i + 1);
        if end - 1 - start <= MAX_JOURNAL_LINE as u64 {
            let mut line = vec![0; (end - 1 - start) as usize];
            f.seek(SeekFrom::Start(start)).map_err(io)?;
            f.read_exact(&mut line).map_err(io)?;
            if serde_json::from_slice::<IgnoredAny>(&line).is_err() {
                keep = start;
            }
        }
    }
    if keep < len {
        f.set_len(keep).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    Ok(len - keep)
}

/// Position of the last `\n` in `[0, before)`.
fn last_newline_before(f: &mut File, before: u64) -> io::Result<Option<u64>> {
    let mut pos = before;
    let mut buf = vec![0u8; 64 * 1024];
    while pos > 0 {
        let n = (buf.len() as u64).min(pos) as usize;
        pos -= n as u64;
        f.seek(SeekFrom::Start(pos))?;
        f.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|&b| b == b'\n') {
            return Ok(Some(pos + i as u64));
        }
    }
    Ok(None)
}

#[derive(Deserialize)]
struct ScanRecord {
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    line: Option<u64>,
    #[serde(default)]
    error: Option<ScanError>,
    #[serde(default)]
    #[allow(dead_code)]
    response: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct ScanError {
    #[serde(default)]
    code: Option<String>,
}

/// Reads every record of a (repaired) journal file, streaming (bodies are skipped, not kept),
/// and calls `f` with its key and class. Returns how many records it read.
pub fn scan(path: &Path, mut f: impl FnMut(Key, RecordClass) -> Result<(), BatchError>) -> Result<u64, BatchError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(BatchError::io(path, e)),
    };
    let mut n = 0;
    let mut lines = super::input::LineReader::new(BufReader::with_capacity(256 * 1024, file), MAX_JOURNAL_LINE);
    let mut buf = Vec::new();
    // A bad line is an error only once another line follows it: a bad *last* line is a torn
    // tail (cut by `repair_tail` before a real run; ignored by a dry run).
    let mut pending: Option<BatchError> = None;
    while let Some(info) = lines.next_line(&mut buf).map_err(|e| BatchError::io(path, e))? {
        if let Some(e) = pending.take() {
            return Err(e);
        }
        if super::input::is_blank(&buf) && !info.too_long {
            continue;
        }
        let corrupt = |m: String| BatchError::Journal {
            path: path.to_path_buf(),
            message: format!("line {} is not a batch output record ({m}); fix or remove it to resume", info.line_no),
        };
        if info.too_long {
            pending = Some(corrupt(format!("longer than {} MiB", MAX_JOURNAL_LINE >> 20)));
            continue;
        }
        let rec: ScanRecord = match serde_json::from_slice(&buf) {
            Ok(r) => r,
            Err(e) => {
                pending = Some(corrupt(e.to_string()));
                continue;
            }
        };
        let key = match (rec.custom_id, rec.line) {
            (Some(id), _) => Key::Id(id),
            (None, Some(l)) => Key::Line(l),
            (None, None) => return Err(corrupt("no custom_id".into())),
        };
        let class = match rec.error.and_then(|e| e.code) {
            Some(code) if code_is_retryable(&code) => RecordClass::Retry,
            _ => RecordClass::Done,
        };
        f(key, class)?;
        n += 1;
    }
    Ok(n)
}

/// Rewrites a journal file without the records for which `drop` is true (a temporary file in
/// the same directory, `fsync`, then `rename`: a crash leaves the old or the new file whole).
/// Returns how many records were dropped.
pub fn compact(path: &Path, mut drop: impl FnMut(&Key, RecordClass) -> bool) -> Result<u64, BatchError> {
    let io = |e| BatchError::io(path, e);
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let src = File::open(path).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let mut dropped = 0;
    {
        let mut w = io::BufWriter::with_capacity(256 * 1024, tmp.as_file_mut());
        let mut lines = super::input::LineReader::new(BufReader::with_capacity(256 * 1024, src), MAX_JOURNAL_LINE);
        let mut buf = Vec::new();
        while let Some(info) = lines.next_line(&mut buf).map_err(io)? {
            if info.too_long {
                return Err(BatchError::Journal {
                    path: path.into(),
                    message: format!("line {} too long", info.line_no),
                });
            }
            if super::input::is_blank(&buf) {
                continue;
            }
            let rec: Option<ScanRecord> = serde_json::from_slice(&buf).ok();
            let key = rec.and_then(|r| {
                let class = match r.error.and_then(|e| e.code) {
                    Some(code) if code_is_retryable(&code) => RecordClass::Retry,
                    _ => RecordClass::Done,
                };
                match (r.custom_id, r.line) {
                    (Some(id), _) => Some((Key::Id(id), class)),
                    (None, Some(l)) => Some((Key::Line(l), class)),
                    _ => None,
                }
            });
            if key.is_some_and(|(k, c)| drop(&k, c)) {
                dropped += 1;
                continue;
            }
            w.write_all(&buf).map_err(io)?;
            w.write_all(b"\n").map_err(io)?;
        }
        w.flush().map_err(io)?;
    }
    if dropped == 0 {
        return Ok(0);
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(dropped)
}

/// One result line, ready to write.
#[derive(Clone, Debug)]
pub enum Record<'a> {
    /// An HTTP answer: success (2xx) or a failure code `http_<status>` with its message.
    Response {
        custom_id: &'a str,
        status: u16,
        request_id: Option<&'a str>,
        body: &'a [u8],
        error: Option<(String, String)>,
    },
    /// No answer (network, timeout, …): `code`, `message`.
    Failure { custom_id: &'a str, code: &'a str, message: &'a str },
    /// An invalid input line (`skip_invalid`).
    Invalid { key: &'a Key, code: &'a str, message: &'a str },
}

impl Record<'_> {
    pub fn is_error(&self) -> bool {
        !matches!(self, Record::Response { error: None, .. })
    }

    /// The line, with its newline.
    #[cfg(test)]
    pub fn to_line(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write_line(&mut out);
        out
    }

    /// Appends the line (with its newline) to `out`.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        use std::io::Write as _;
        out.extend_from_slice(br#"{"id":"batch_req_"#);
        let _ = write!(out, "{:032x}", fastrand::u128(..));
        out.extend_from_slice(br#"","custom_id":"#);
        let js = |out: &mut Vec<u8>, s: &str| {
            if serde_json::to_writer(&mut *out, s).is_err() {
                out.extend_from_slice(b"null");
            }
        };
        match self {
            Record::Response { custom_id, status, request_id, body, error } => {
                js(out, custom_id);
                let _ = write!(out, r#","response":{{"status_code":{status},"request_id":"#);
                match request_id {
                    Some(r) => js(out, truncate(r, 200)),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(br#","body":"#);
                push_body(out, body);
                out.extend_from_slice(b"},\"error\":");
                match error {
                    None => out.extend_from_slice(b"null"),
                    Some((code, message)) => push_error(out, code, message),
                }
            }
            Record::Failure { custom_id, code, message } => {
                js(out, custom_id);
                out.extend_from_slice(br#","response":null,"error":"#);
                push_error(out, code, message);
            }
            Record::Invalid { key, code, message } => {
                match key {
                    Key::Id(id) => js(out, id),
                    Key::Line(n) => {
                        let _ = write!(out, r#"null,"line":{n}"#);
                    }
                }
                out.extend_from_slice(br#","response":null,"error":"#);
                push_error(out, code, message);
            }
        }
        out.extend_from_slice(b"}\n");
    }
}

fn push_error(out: &mut Vec<u8>, code: &str, message: &str) {
    let v = serde_json::json!({"code": code, "message": truncate(message, 1000)});
    out.extend_from_slice(&serde_json::to_vec(&v).unwrap_or_default());
}

/// The body as JSON when it is JSON (compacted if it spans lines), else as a string.
fn push_body(out: &mut Vec<u8>, body: &[u8]) {
    if body.is_empty() {
        out.extend_from_slice(b"null");
        return;
    }
    if serde_json::from_slice::<IgnoredAny>(body).is_ok() {
        if !body.iter().any(|&b| b == b'\n' || b == b'\r') {
            out.extend_from_slice(body.trim_ascii());
            return;
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
            && let Ok(b) = serde_json::to_vec(&v)
        {
            out.extend_from_slice(&b);
            return;
        }
    }
    let s = String::from_utf8_lossy(body);
    out.extend_from_slice(&serde_json::to_vec(&s).unwrap_or_default());
}

enum Sink {
    File { file: File, path: PathBuf },
    Stdout,
}

impl Sink {
    fn open(output: &Output) -> Result<Sink, BatchError> {
        match output {
            Output::Stdout => Ok(Sink::Stdout),
            Output::File(p) => Ok(Sink::File { file: open_append(p)?, path: p.clone() }),
        }
    }

    fn name(&self) -> String {
        match self {
            Sink::File { path, .. } => path.display().to_string(),
            Sink::Stdout => "standard output".into(),
        }
    }

    /// One `write` call for whole lines.
    fn write_lines(&mut self, line: &[u8]) -> io::Result<()> {
        match self {
            // A short write (a full disk) continues where it stopped, so only a crash between
            // the two can leave a torn last line, which a resumed run cuts away.
            Sink::File { file, .. } => file.write_all(line),
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(line)?;
                out.flush()
            }
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        match self {
            Sink::File { file, .. } => file.sync_data(),
            Sink::Stdout => Ok(()),
        }
    }
}

fn open_append(p: &Path) -> Result<File, BatchError> {
    OpenOptions::new().append(true).create(true).open(p).map_err(|e| BatchError::io(p, e))
}

/// Queued lines are written once this many bytes wait.
pub const FLUSH_AT: usize = 64 << 10;

/// Appends result lines to the output (and errors) file.
pub struct JournalWriter {
    out: Sink,
    err: Option<Sink>,
    /// Whole lines not yet written, per sink (output, errors).
    pending: [Vec<u8>; 2],
    /// A write failed (it may have left part of a line): nothing more is written, every later
    /// write or flush gives this error again.
    failed: Option<(String, io::ErrorKind, String)>,
    fsync_every: Option<Duration>,
    last_sync: Instant,
    dirty: bool,
}

impl JournalWriter {
    /// Opens for appending (creating the files). Call after [`repair_tail`] on resume.
    pub fn open(opts: &JournalOptions) -> Result<JournalWriter, BatchError> {
        let out = Sink::open(&opts.output)?;
        let err = match &opts.errors {
            ErrorsTo::File(p) if opts.output != Output::File(p.clone()) => {
                Some(Sink::File { file: open_append(p)?, path: p.clone() })
            }
            _ => None,
        };
        Ok(JournalWriter {
            out,
            err,
            pending: [Vec::new(), Vec::new()],
            failed: None,
            fsync_every: opts.fsync_every,
            last_sync: Instant::now(),
            dirty: false,
        })
    }

    /// Queues the record's line; lines are written, whole, by [`flush`](Self::flush) (or
    /// once [`FLUSH_AT`] bytes wait). The runner flushes whenever it has nothing ready, so a
    /// line waits for the lines that finish with it, not longer; a crash loses only lines not
    /// yet written, which a resumed run sends again.
    pub fn write(&mut self, rec: &Record<'_>) -> Result<(), BatchError> {
        let to_err = self.err.is_some() && rec.is_error();
        rec.write_line(&mut self.pending[usize::from(to_err)]);
        if self.pending[usize::from(to_err)].len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the queued lines: one `write` call per file.
    /// The failure that stopped writing, again.
    fn failure(&self) -> Result<(), BatchError> {
        match &self.failed {
            Some((path, kind, msg)) => {
                Err(BatchError::Write { path: path.clone(), source: io::Error::new(*kind, msg.clone()) })
            }
            None => Ok(()),
        }
    }

    pub fn flush(&mut self) -> Result<(), BatchError> {
        if self.failed.is_some() {
            self.pending.iter_mut().for_each(Vec::clear);
            return self.failure();
        }
        for (i, sink) in std::iter::once(&mut self.out).chain(self.err.as_mut()).enumerate() {
            let pending = &mut self.pending[i];
            if pending.is_empty() {
                continue;
            }
            let res = sink.write_lines(pending);
            pending.clear();
            if let Err(source) = res {
                self.failed = Some((sink.name(), source.kind(), source.to_string()));
                return Err(BatchError::Write { path: sink.name(), source });
            }
            self.dirty = true;
        }
        if let Some(every) = self.fsync_every
            && self.dirty
            && self.last_sync.elapsed() >= every
        {
            self.sync()?;
        }
        Ok(())
    }

    pub fn sync(&mut self) -> Result<(), BatchError> {
        self.failure()?;
        if self.pending.iter().any(|p| !p.is_empty()) {
            return self.flush().and_then(|()| self.sync());
        }
        if self.dirty {
            for s in std::iter::once(&mut self.out).chain(self.err.as_mut()) {
                s.sync().map_err(|source| BatchError::Write { path: s.name(), source })?;
            }
            self.dirty = false;
        }
        self.last_sync = Instant::now();
        Ok(())
    }
}

/// Reads a journal line back (tests and tools).
pub fn read_records(path: &Path) -> io::Result<Vec<serde_json::Value>> {
    let f = BufReader::new(File::open(path)?);
    f.lines()
        .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(|l| l.and_then(|l| serde_json::from_str(&l).map_err(io::Error::other)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After a failed write nothing more is written (a torn line can only be the last one),
    /// and every later flush reports the failure again.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_stops_all_writing() {
        let opts = JournalOptions::new(Output::File(PathBuf::from("/dev/full")), ErrorsTo::SameFile);
        let mut w = JournalWriter::open(&opts).unwrap();
        let rec = Record::Failure { custom_id: "a", code: "timeout", message: "m" };
        w.write(&rec).unwrap();
        let e = w.flush().unwrap_err().to_string();
        assert!(e.contains("/dev/full"), "{e}");
        w.write(&rec).unwrap();
        assert!(w.flush().is_err() && w.sync().is_err());
        assert!(w.pending.iter().all(Vec::is_empty));
    }
    use serde_json::json;

    #[test]
    fn record_lines_are_openai_batch_output() {
        let r = Record::Response {
            custom_id: "a\"b",
            status: 200,
            request_id: Some("req-1"),
            body: b"{\n \"x\": 1\n}",
            error: None,
        };
        let line = r.to_line();
        assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
        let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert!(v["id"].as_str().unwrap().starts_with("batch_req_"));
        assert_eq!(v["custom_id"], "a\"b");
        assert_eq!(v["response"], json!({"status_code": 200, "request_id": "req-1", "body": {"x": 1}}));
        assert_eq!(v["error"], json!(null));

        let r = Record::Response {
            custom_id: "c",
            status: 404,
            request_id: None,
            body: b"not json",
            error: Some(("http_404".into(), "no route".into())),
        };
        let v: serde_json::Value = serde_json::from_slice(&r.to_line()).unwrap();
        assert_eq!(v["response"]["body"], "not json");
        assert_eq!(v["error"], json!({"code": "http_404", "message": "no route"}));

        let v: serde_json::Value = serde_json::from_slice(
            &Record::Invalid { key: &Key::Line(7), code: "invalid_line", message: "bad" }.to_line(),
        )
        .unwrap();
        assert_eq!(v["custom_id"], json!(null));
        assert_eq!(v["line"], 7);
        assert_eq!(v["response"], json!(null));
    }

    #[test]
    fn torn_last_line_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        let good = Record::Failure { custom_id: "a", code: "timeout", message: "m" }.to_line();
        let mut data = good.clone();
        data.extend_from_slice(br#"{"id":"batch_req_1","custom_id":"b","respo"#);
        std::fs::write(&p, &data).unwrap();
        assert_eq!(repair_tail(&p).unwrap(), data.len() as u64 - good.len() as u64);
        assert_eq!(std::fs::read(&p).unwrap(), good);
        // a complete-looking last line that is not JSON (zeros after an OS crash)
        let mut data = good.clone();
        data.extend_from_slice(b"\0\0\0\0\n");
        std::fs::write(&p, &data).unwrap();
        assert_eq!(repair_tail(&p).unwrap(), 5);
        assert_eq!(std::fs::read(&p).unwrap(), good);
        // nothing to do
        assert_eq!(repair_tail(&p).unwrap(), 0);
        // only a torn line
        std::fs::write(&p, b"{\"id\"").unwrap();
        assert_eq!(repair_tail(&p).unwrap(), 5);
        assert_eq!(std::fs::metadata(&p).unwrap().len(), 0);
    }

    #[test]
    fn scan_classifies_and_compact_drops() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        let mut data = Vec::new();
        data.extend(
            Record::Response { custom_id: "ok", status: 200, request_id: None, body: b"{}", error: None }.to_line(),
        );
        data.extend(Record::Failure { custom_id: "net", code: "connection_error", message: "m" }.to_line());
        data.extend(
            Record::Response {
                custom_id: "gone",
                status: 404,
                request_id: None,
                body: b"{}",
                error: Some(("http_404".into(), "x".into())),
            }
            .to_line(),
        );
        data.extend(
            Record::Response {
                custom_id: "busy",
                status: 503,
                request_id: None,
                body: b"{}",
                error: Some(("http_503".into(), "x".into())),
            }
            .to_line(),
        );
        data.extend(Record::Invalid { key: &Key::Line(9), code: "invalid_line", message: "m" }.to_line());
        std::fs::write(&p, &data).unwrap();
        let mut seen = Vec::new();
        scan(&p, |k, c| {
            seen.push((k, c));
            Ok(())
        })
        .unwrap();
        use RecordClass::*;
        assert_eq!(
            seen,
            vec![
                (Key::Id("ok".into()), Done),
                (Key::Id("net".into()), Retry),
                (Key::Id("gone".into()), Done),
                (Key::Id("busy".into()), Retry),
                (Key::Line(9), Done),
            ]
        );
        let dropped = compact(&p, |_, c| c == RecordClass::Retry).unwrap();
        assert_eq!(dropped, 2);
        let ids: Vec<_> = read_records(&p).unwrap().iter().map(|v| v["custom_id"].clone()).collect();
        assert_eq!(ids, vec![json!("ok"), json!("gone"), json!(null)]);
        assert_eq!(compact(&p, |k, _| matches!(k, Key::Line(_))).unwrap(), 1);
        // a corrupt line in the middle is an error naming it
        std::fs::write(&p, b"{\"custom_id\":\"a\"}\nxx\n{\"custom_id\":\"b\"}\n").unwrap();
        let e = scan(&p, |_, _| Ok(())).unwrap_err().to_string();
        assert!(e.contains("line 2 is not a batch output record"), "{e}");
        // a bad last line is a torn tail: ignored by scan (a dry run does not repair)
        std::fs::write(&p, b"{\"custom_id\":\"a\"}\n{\"custom_id\":\"b").unwrap();
        assert_eq!(scan(&p, |_, _| Ok(())).unwrap(), 1);
    }
}
