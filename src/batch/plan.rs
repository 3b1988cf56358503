//! Before anything is sent: validate the whole input, find duplicate ids, skip what the journal
//! says is done, apply `--shard` and `--limit`, and list the lines to send (the plan, a spill
//! file read back by the runner). Memory stays under [`PlanOptions::memory_budget`] whatever the
//! input's size:
//!
//! 1. one streamed pass over the input parses every line and writes a compact record per line
//!    (partition hash, id, line number, offset, status) to a spill file;
//! 2. the journal's done ids go to a second spill file;
//! 3. a partition whose ids would not fit the budget is split in 64 by 6 more bits of the
//!    partition hash (a different hash from the shard hash), recursively; a partition that fits
//!    is checked in memory, exactly (real ids in a hash map), lines in input order, so the first
//!    occurrence of an id is the valid one;
//! 4. each partition's part of the plan is in input order: the runner reads the parts merged by
//!    line number, so the input is read front to back, through one buffer. Past
//!    [`MAX_MERGED_RUNS`] partitions (some 80 million lines at the default budget) the parts
//!    are read one after the other instead, and a line is read alone unless the lines before it
//!    were dense.
//!
//! Standard input cannot be read twice: it is copied to an unnamed temporary file first (in
//! [`PlanOptions::spill_dir`], else the system's temporary directory), which is then the input.
//! Disk use is about the input's size for stdin, plus some 30 bytes and the id per line for the
//! spill files, all deleted at the end.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::input::{self, BatchRequest, InputOptions, LineError, LineReader};
use super::journal::{self, JournalOptions, RecordClass};
use super::{BatchError, Key, Shard};

/// How many invalid lines an [`BatchError::InvalidInput`] lists.
pub const MAX_REPORTED: usize = 20;
/// Default memory budget for the duplicate and resume checks.
pub const DEFAULT_MEMORY_BUDGET: usize = 2 << 20;
const FANOUT: u64 = 64;
const FANOUT_BITS: u32 = 6;
const MAX_LEVEL: u32 = 64 / FANOUT_BITS;
const ENTRY_COST: u64 = 96;

/// Where the input comes from.
pub enum InputSource {
    Path(PathBuf),
    /// Standard input, or any reader (copied to a temporary file first).
    Reader {
        name: String,
        reader: Box<dyn Read + Send>,
    },
}

impl InputSource {
    pub fn stdin() -> Self {
        InputSource::Reader { name: "standard input".into(), reader: Box::new(io::stdin()) }
    }

    pub fn name(&self) -> String {
        match self {
            InputSource::Path(p) => p.display().to_string(),
            InputSource::Reader { name, .. } => name.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub input: InputOptions,
    pub shard: Option<Shard>,
    /// Only the first N non-blank lines of the shard, in input order (so a resumed run with
    /// the same `--limit` completes the same lines).
    pub limit: Option<u64>,
    /// Write invalid lines to the errors file instead of stopping before the run.
    pub skip_invalid: bool,
    pub memory_budget: usize,
    /// The most partitions whose parts are merged into input order ([`MAX_MERGED_RUNS`]).
    pub max_merged_runs: usize,
    /// Where spill files (and the stdin copy) go; `None`: the system's temporary directory.
    pub spill_dir: Option<PathBuf>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            input: InputOptions::default(),
            shard: None,
            limit: None,
            skip_invalid: false,
            memory_budget: DEFAULT_MEMORY_BUDGET,
            max_merged_runs: MAX_MERGED_RUNS,
            spill_dir: None,
        }
    }
}

/// What the plan found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PlanCounts {
    /// Lines read (blank ones included).
    pub lines: u64,
    pub blank: u64,
    /// Invalid lines (duplicates included), in the whole input.
    pub invalid: u64,
    pub duplicates: u64,
    /// Non-blank lines of this shard within `--limit`.
    pub in_scope: u64,
    /// In scope and already in the journal.
    pub already_done: u64,
    /// Lines to send.
    pub to_send: u64,
    /// Invalid lines to record (`skip_invalid`).
    pub to_record: u64,
    /// Journal records read, and how many will be replaced (retryable failures, invalid lines).
    pub journal_records: u64,
    pub journal_replaced: u64,
    /// Bytes cut from torn journal tails.
    pub journal_torn_bytes: u64,
    /// Spill partitions checked (1 when everything fit the budget at once).
    pub partitions: u64,
}

/// One unit of work, in plan order.
#[derive(Clone, Debug, PartialEq)]
pub enum Work {
    Send(BatchRequest),
    /// An invalid line to record (`skip_invalid`), or a line that no longer parses at run time.
    Record {
        key: Key,
        line_no: u64,
        code: &'static str,
        message: String,
    },
}

/// The checked input and the list of lines to send.
pub struct Plan {
    pub input_name: String,
    pub counts: PlanCounts,
    input: File,
    plan: File,
    /// Where each partition's part of the plan begins and ends (the non-empty ones), when
    /// they are to be merged.
    runs: Vec<(u64, u64)>,
    /// The plan's length as written.
    plan_len: u64,
    opts: InputOptions,
}

struct Spill {
    file: File,
    records: u64,
    key_bytes: u64,
}

fn spill_file(dir: &Option<PathBuf>) -> io::Result<File> {
    match dir {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    }
}

fn put_u64(w: &mut impl Write, v: u64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}
fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}
fn put_bytes(w: &mut impl Write, b: &[u8]) -> io::Result<()> {
    put_u64(w, b.len() as u64)?;
    w.write_all(b)
}
fn get_bytes(r: &mut impl Read, max: u64) -> io::Result<Vec<u8>> {
    let n = get_u64(r)?;
    if n > max {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt spill record"));
    }
    let mut v = vec![0; n as usize];
    r.read_exact(&mut v)?;
    Ok(v)
}

const F_VALID: u64 = 1;
const F_SCOPE: u64 = 2;
const F_LINEKEY: u64 = 4;

/// A line's record in the input spill.
struct InRec {
    hash: u64,
    line_no: u64,
    offset: u64,
    len: u64,
    flags: u64,
    key: Vec<u8>,
    msg: Vec<u8>,
}

impl InRec {
    fn write(&self, w: &mut impl Write) -> io::Result<()> {
        for v in [self.hash, self.line_no, self.offset, self.len, self.flags] {
            put_u64(w, v)?;
        }
        put_bytes(w, &self.key)?;
        put_bytes(w, &self.msg)
    }
    fn read(r: &mut impl Read) -> io::Result<Option<InRec>> {
        let hash = match get_u64(r) {
            Ok(h) => h,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        };
        let (line_no, offset, len, flags) = (get_u64(r)?, get_u64(r)?, get_u64(r)?, get_u64(r)?);
        let key = get_bytes(r, 1 << 20)?;
        let msg = get_bytes(r, 1 << 20)?;
        Ok(Some(InRec { hash, line_no, offset, len, flags, key, msg }))
    }
}

/// A done id in the journal spill.
fn write_done(w: &mut impl Write, hash: u64, id: &[u8]) -> io::Result<()> {
    put_u64(w, hash)?;
    put_bytes(w, id)
}
fn read_done(r: &mut impl Read) -> io::Result<Option<(u64, Vec<u8>)>> {
    let hash = match get_u64(r) {
        Ok(h) => h,
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some((hash, get_bytes(r, 1 << 20)?)))
}

const P_SEND: u64 = 0;
const P_RECORD: u64 = 1;

/// Keeps the invalid lines with the lowest line numbers.
#[derive(Default)]
struct Reported {
    first: BTreeMap<u64, LineError>,
}

impl Reported {
    fn add(&mut self, e: LineError) {
        if self.first.len() < MAX_REPORTED || self.first.last_key_value().is_some_and(|(k, _)| *k > e.line_no) {
            self.first.insert(e.line_no, e);
            if self.first.len() > MAX_REPORTED {
                self.first.pop_last();
            }
        }
    }
}

fn code_name(code: u64) -> &'static str {
    if code == 1 { "duplicate_custom_id" } else { "invalid_line" }
}

impl Plan {
    /// Reads the journal (cutting a torn tail unless `dry_run`) and the whole input; see the
    /// module docs. Invalid lines (without `skip_invalid`) are an [`BatchError::InvalidInput`].
    pub fn prepare(
        source: InputSource,
        journal: &JournalOptions,
        opts: &PlanOptions,
        dry_run: bool,
    ) -> Result<Plan, BatchError> {
        let input_name = source.name();
        let sp = &opts.spill_dir;
        let tmp_err = |e| BatchError::io(sp.clone().unwrap_or_else(std::env::temp_dir), e);
        let mut counts = PlanCounts::default();

        // 1. The journal's done ids (retryable failures and invalid-line records are replaced:
        //    they do not count as done).
        let mut done = Spill { file: spill_file(sp).map_err(tmp_err)?, records: 0, key_bytes: 0 };
        {
            let mut w = BufWriter::with_capacity(64 * 1024, &done.file);
            for path in journal.files() {
                if !dry_run {
                    counts.journal_torn_bytes += journal::repair_tail(&path)?;
                }
                journal::scan(&path, |key, class| {
                    counts.journal_records += 1;
                    match (&key, class) {
                        (Key::Id(id), RecordClass::Done) => {
                            done.records += 1;
                            done.key_bytes += id.len() as u64;
                            write_done(&mut w, key.part_hash(), id.as_bytes()).map_err(tmp_err)
                        }
                        _ => {
                            counts.journal_replaced += 1;
                            Ok(())
                        }
                    }
                })?;
            }
            w.flush().map_err(tmp_err)?;
        }

        // 2. The input, validated line by line into the input spill.
        let (input, input_path): (File, PathBuf) = match source {
            InputSource::Path(p) => (File::open(&p).map_err(|e| BatchError::io(&p, e))?, p),
            InputSource::Reader { name, mut reader } => {
                let mut f = spill_file(sp).map_err(tmp_err)?;
                io::copy(&mut reader, &mut f).map_err(|e| BatchError::io(&name, e))?;
                (f, PathBuf::from(name))
            }
        };
        let in_err = |e| BatchError::io(&input_path, e);
        let mut reported = Reported::default();
        let mut spill = Spill { file: spill_file(sp).map_err(tmp_err)?, records: 0, key_bytes: 0 };
        {
            let mut f = input.try_clone().map_err(in_err)?;
            f.seek(SeekFrom::Start(0)).map_err(in_err)?;
            let mut lines = LineReader::new(BufReader::with_capacity(256 * 1024, f), opts.input.max_line);
            let mut w = BufWriter::with_capacity(64 * 1024, &spill.file);
            let mut buf = Vec::new();
            let mut shard_lines = 0u64;
            while let Some(info) = lines.next_line(&mut buf).map_err(in_err)? {
                counts.lines += 1;
                if !info.too_long && input::is_blank(&buf) {
                    counts.blank += 1;
                    continue;
                }
                let parsed = if info.too_long {
                    Err(input::BadLine {
                        id: None,
                        message: format!("longer than the line limit ({} bytes)", opts.input.max_line),
                    })
                } else {
                    input::parse_line(&buf, info.line_no, &opts.input)
                };
                let (key, mut flags, msg) = match parsed {
                    Ok(l) => (Key::Id(l.id), F_VALID, String::new()),
                    Err(b) => {
                        counts.invalid += 1;
                        reported.add(LineError {
                            line_no: info.line_no,
                            code: "invalid_line",
                            message: b.message.clone(),
                        });
                        let key = b.id.map_or(Key::Line(info.line_no), Key::Id);
                        (key, 0, format!("line {}: {}", info.line_no, b.message))
                    }
                };
                if opts.shard.is_none_or(|s| s.contains(&key)) {
                    shard_lines += 1;
                    if opts.limit.is_none_or(|l| shard_lines <= l) {
                        flags |= F_SCOPE;
                        counts.in_scope += 1;
                    }
                }
                let kb = match &key {
                    Key::Id(id) => id.as_bytes().to_vec(),
                    Key::Line(_) => {
                        flags |= F_LINEKEY;
                        Vec::new()
                    }
                };
                spill.records += 1;
                spill.key_bytes += kb.len() as u64;
                let rec = InRec {
                    hash: key.part_hash(),
                    line_no: info.line_no,
                    offset: info.offset,
                    len: info.len,
                    flags,
                    key: kb,
                    msg: msg.into_bytes(),
                };
                rec.write(&mut w).map_err(tmp_err)?;
            }
            w.flush().map_err(tmp_err)?;
        }

        // 3. Partitions: duplicates, done ids, the plan.
        let mut plan = spill_file(sp).map_err(tmp_err)?;
        let runs = {
            let mut pw = Counted { inner: BufWriter::with_capacity(64 * 1024, &plan), written: 0 };
            let mut ctx = Ctx {
                budget: opts.memory_budget as u64,
                sp,
                counts: &mut counts,
                reported: &mut reported,
                out: &mut pw,
                run_starts: Vec::new(),
                max_runs: opts.max_merged_runs,
                too_many_runs: false,
            };
            ctx.partition(0, done, spill).map_err(tmp_err)?;
            let mut starts = std::mem::take(&mut ctx.run_starts);
            let merge = !ctx.too_many_runs;
            pw.flush().map_err(tmp_err)?;
            starts.push(pw.written);
            let runs = if merge {
                starts.windows(2).map(|w| (w[0], w[1])).filter(|(a, b)| a < b).collect()
            } else {
                Vec::new()
            };
            (runs, pw.written)
        };
        let (runs, plan_len) = runs;
        plan.seek(SeekFrom::Start(0)).map_err(tmp_err)?;
        if counts.invalid > 0 && !opts.skip_invalid {
            return Err(BatchError::InvalidInput {
                input: input_name,
                count: counts.invalid,
                first: reported.first.into_values().collect(),
            });
        }
        Ok(Plan { input_name, counts, input, plan, runs, plan_len, opts: opts.input.clone() })
    }

    /// Removes the journal records this run replaces (retryable failures, invalid lines): call
    /// once, right before sending. Returns the records removed.
    pub fn compact_journal(&self, journal: &JournalOptions) -> Result<u64, BatchError> {
        if self.counts.journal_replaced == 0 {
            return Ok(0);
        }
        let mut n = 0;
        for path in journal.files() {
            if path.exists() {
                n += journal::compact(&path, |key, class| class == RecordClass::Retry || matches!(key, Key::Line(_)))?;
            }
        }
        Ok(n)
    }

    /// The work, in plan order (a blocking reader: run it on a thread of its own).
    pub fn reader(&self) -> Result<PlanReader, BatchError> {
        let e = |e| BatchError::io(&self.input_name, e);
        let plan = Arc::new(self.plan.try_clone().map_err(e)?);
        let entries = if self.runs.len() <= 1 {
            Entries::One(BufReader::with_capacity(64 * 1024, Run { file: plan, pos: 0, end: self.plan_len }))
        } else {
            Entries::merge(plan, &self.runs).map_err(e)?
        };
        let input = self.input.try_clone().map_err(e)?;
        Ok(PlanReader {
            entries,
            failed: false,
            input: BufReader::with_capacity(256 * 1024, input),
            pos: None,
            prev_end: None,
            dense_run: 0,
            opts: self.opts.clone(),
            name: self.input_name.clone(),
        })
    }
}

struct Ctx<'a, W: Write> {
    budget: u64,
    sp: &'a Option<PathBuf>,
    counts: &'a mut PlanCounts,
    reported: &'a mut Reported,
    out: &'a mut Counted<W>,
    /// Where each partition's entries begin in `out`, unless there are too many to merge.
    run_starts: Vec<u64>,
    max_runs: usize,
    too_many_runs: bool,
}

/// A writer that counts what went through it.
struct Counted<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(b)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Ctx<'_, W> {
    fn partition(&mut self, level: u32, mut done: Spill, mut input: Spill) -> io::Result<()> {
        let est = (done.records + input.records) * ENTRY_COST + done.key_bytes + input.key_bytes;
        done.file.seek(SeekFrom::Start(0))?;
        input.file.seek(SeekFrom::Start(0))?;
        if est <= self.budget || level >= MAX_LEVEL {
            return self.check(done, input);
        }
        let shift = level * FANOUT_BITS;
        let part = |h: u64| ((h >> shift) % FANOUT) as usize;
        let mut dparts = Vec::new();
        {
            let mut ws = Vec::new();
            for _ in 0..FANOUT {
                dparts.push(Spill { file: spill_file(self.sp)?, records: 0, key_bytes: 0 });
            }
            for p in &dparts {
                ws.push(BufWriter::with_capacity(16 * 1024, &p.file));
            }
            let mut r = BufReader::with_capacity(64 * 1024, &done.file);
            let mut stats = vec![(0u64, 0u64); FANOUT as usize];
            while let Some((h, id)) = read_done(&mut r)? {
                let i = part(h);
                write_done(&mut ws[i], h, &id)?;
                stats[i].0 += 1;
                stats[i].1 += id.len() as u64;
            }
            for w in &mut ws {
                w.flush()?;
            }
            drop(ws);
            for (p, (n, kb)) in dparts.iter_mut().zip(stats) {
                p.records = n;
                p.key_bytes = kb;
            }
        }
        drop(done);
        let mut iparts = Vec::new();
        {
            for _ in 0..FANOUT {
                iparts.push(Spill { file: spill_file(self.sp)?, records: 0, key_bytes: 0 });
            }
            let mut ws: Vec<_> = iparts.iter().map(|p| BufWriter::with_capacity(16 * 1024, &p.file)).collect();
            let mut r = BufReader::with_capacity(64 * 1024, &input.file);
            let mut stats = vec![(0u64, 0u64); FANOUT as usize];
            while let Some(rec) = InRec::read(&mut r)? {
                let i = part(rec.hash);
                rec.write(&mut ws[i])?;
                stats[i].0 += 1;
                stats[i].1 += rec.key.len() as u64;
            }
            for w in &mut ws {
                w.flush()?;
            }
            drop(ws);
            for (p, (n, kb)) in iparts.iter_mut().zip(stats) {
                p.records = n;
                p.key_bytes = kb;
            }
        }
        drop(input);
        for (d, i) in dparts.into_iter().zip(iparts) {
            if i.records > 0 {
                self.partition(level + 1, d, i)?;
            }
        }
        Ok(())
    }

    fn check(&mut self, done: Spill, input: Spill) -> io::Result<()> {
        self.counts.partitions += 1;
        if !self.too_many_runs {
            if self.run_starts.len() < self.max_runs {
                self.run_starts.push(self.out.written);
            } else {
                self.too_many_runs = true;
                self.run_starts = Vec::new();
            }
        }
        let mut done_ids: HashSet<Box<[u8]>> = HashSet::new();
        let mut r = BufReader::with_capacity(64 * 1024, &done.file);
        while let Some((_, id)) = read_done(&mut r)? {
            done_ids.insert(id.into_boxed_slice());
        }
        let mut seen: HashMap<Box<[u8]>, u64> = HashMap::new();
        let mut r = BufReader::with_capacity(64 * 1024, &input.file);
        while let Some(rec) = InRec::read(&mut r)? {
            let in_scope = rec.flags & F_SCOPE != 0;
            if rec.flags & F_LINEKEY != 0 {
                if in_scope {
                    self.record(Key::Line(rec.line_no), &rec, 0, &rec.msg)?;
                }
                continue;
            }
            if let Some(first) = seen.get(rec.key.as_slice()) {
                let id = String::from_utf8_lossy(&rec.key);
                let m = format!("duplicate custom_id {:?} (first on line {first})", input::truncate(&id, 200));
                self.counts.invalid += 1;
                self.counts.duplicates += 1;
                self.reported.add(LineError { line_no: rec.line_no, code: "duplicate_custom_id", message: m.clone() });
                if in_scope {
                    let msg = format!("line {}: {m}", rec.line_no);
                    self.record(Key::Line(rec.line_no), &rec, 1, msg.as_bytes())?;
                }
                continue;
            }
            seen.insert(rec.key.clone().into_boxed_slice(), rec.line_no);
            if !in_scope {
                continue;
            }
            if done_ids.contains(rec.key.as_slice()) {
                self.counts.already_done += 1;
            } else if rec.flags & F_VALID != 0 {
                self.counts.to_send += 1;
                put_u64(self.out, P_SEND)?;
                for v in [rec.line_no, rec.offset, rec.len] {
                    put_u64(self.out, v)?;
                }
            } else {
                let key = Key::Id(String::from_utf8_lossy(&rec.key).into_owned());
                self.record(key, &rec, 0, &rec.msg)?;
            }
        }
        Ok(())
    }

    fn record(&mut self, key: Key, rec: &InRec, code: u64, msg: &[u8]) -> io::Result<()> {
        self.counts.to_record += 1;
        put_u64(self.out, P_RECORD)?;
        put_u64(self.out, rec.line_no)?;
        put_u64(self.out, code)?;
        match key {
            Key::Id(id) => {
                put_u64(self.out, 0)?;
                put_bytes(self.out, id.as_bytes())?;
            }
            Key::Line(n) => {
                put_u64(self.out, 1)?;
                put_u64(self.out, n)?;
            }
        }
        put_bytes(self.out, msg)
    }
}

/// One entry of the plan.
enum Entry {
    Send { line_no: u64, offset: u64, len: u64 },
    Record { key: Key, line_no: u64, code: &'static str, message: String },
}

impl Entry {
    fn line_no(&self) -> u64 {
        match self {
            Entry::Send { line_no, .. } | Entry::Record { line_no, .. } => *line_no,
        }
    }

    /// The next entry; `None` at the end.
    fn read(r: &mut impl Read) -> io::Result<Option<Entry>> {
        let kind = match get_u64(r) {
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        };
        if kind == P_RECORD {
            let line_no = get_u64(r)?;
            let code = code_name(get_u64(r)?);
            let key = if get_u64(r)? == 0 {
                Key::Id(String::from_utf8_lossy(&get_bytes(r, 1 << 20)?).into_owned())
            } else {
                Key::Line(get_u64(r)?)
            };
            let message = String::from_utf8_lossy(&get_bytes(r, 1 << 20)?).into_owned();
            return Ok(Some(Entry::Record { key, line_no, code, message }));
        }
        let (line_no, offset, len) = (get_u64(r)?, get_u64(r)?, get_u64(r)?);
        Ok(Some(Entry::Send { line_no, offset, len }))
    }
}

/// The plan's entries in input order.
enum Entries {
    /// One partition (the plan is in input order already), or too many to merge.
    One(BufReader<Run>),
    /// One part per partition, each in input order: merged by line number (line numbers are
    /// unique, each line being in one partition).
    Merge { runs: Vec<(BufReader<Run>, Option<Entry>)>, heads: BinaryHeap<Reverse<(u64, usize)>> },
}

/// The most partitions whose parts are merged; the merge holds a read buffer and an entry for
/// each, about 0.4 KiB, so at most 1.6 MiB, within the default memory budget.
pub const MAX_MERGED_RUNS: usize = 4096;
/// The memory the merge's read buffers share (each at least [`MIN_RUN_BUFFER`]).
const MERGE_BUFFERS: usize = 256 * 1024;
const MIN_RUN_BUFFER: usize = 256;

impl Entries {
    fn merge(plan: Arc<File>, runs: &[(u64, u64)]) -> io::Result<Entries> {
        let cap = (MERGE_BUFFERS / runs.len()).clamp(MIN_RUN_BUFFER, 64 * 1024);
        let mut heads = BinaryHeap::with_capacity(runs.len());
        let mut open = Vec::with_capacity(runs.len());
        for (i, &(pos, end)) in runs.iter().enumerate() {
            let mut r = BufReader::with_capacity(cap, Run { file: plan.clone(), pos, end });
            let first = Entry::read(&mut r)?;
            if let Some(f) = &first {
                heads.push(Reverse((f.line_no(), i)));
            }
            open.push((r, first));
        }
        Ok(Entries::Merge { runs: open, heads })
    }

    fn next(&mut self) -> io::Result<Option<Entry>> {
        match self {
            Entries::One(r) => Entry::read(r),
            Entries::Merge { runs, heads } => {
                let Some(Reverse((_, i))) = heads.pop() else { return Ok(None) };
                let (r, head) = &mut runs[i];
                let next = Entry::read(r)?;
                if let Some(n) = &next {
                    heads.push(Reverse((n.line_no(), i)));
                }
                Ok(std::mem::replace(head, next))
            }
        }
    }
}

/// One partition's part of the plan file, read at its own position.
struct Run {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for Run {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min((self.end - self.pos) as usize);
        if n > 0 {
            // A plan file shorter than written is an error, not an early end of the part.
            read_at(&self.file, &mut buf[..n], self.pos).map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => {
                    io::Error::new(io::ErrorKind::InvalidData, "the plan file was cut short")
                }
                _ => e,
            })?;
            self.pos += n as u64;
        }
        Ok(n)
    }
}

/// Reads the plan back, with each line to send read from the input and parsed again.
pub struct PlanReader {
    entries: Entries,
    /// An error was returned: the reader ends.
    failed: bool,
    input: BufReader<File>,
    /// Where the buffered input reader is.
    pos: Option<u64>,
    /// The end of the last line read.
    prev_end: Option<u64>,
    /// Lines in a row that each began within 1 KiB of the previous one's end.
    dense_run: u32,
    opts: InputOptions,
    name: String,
}

impl PlanReader {
    fn next_work(&mut self) -> io::Result<Option<Work>> {
        let (line_no, offset, len) = match self.entries.next()? {
            None => return Ok(None),
            Some(Entry::Record { key, line_no, code, message }) => {
                return Ok(Some(Work::Record { key, line_no, code, message }));
            }
            Some(Entry::Send { line_no, offset, len }) => (line_no, offset, len),
        };
        // A line to send was at most the line limit when it was checked.
        if len > (self.opts.max_line as u64).saturating_add(2) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "corrupt plan entry"));
        }
        let mut buf = vec![0; len as usize];
        // Lines come in input order, through the read buffer. But they can be sparse (a
        // resume that skips most lines, `--shard 1/64`), and refilling the buffer for each of
        // them would read the input many times over. So a line outside the buffer is read
        // alone, unless the last few lines were dense enough for a refill to pay.
        let dense = self.prev_end.is_some_and(|e| offset >= e && offset - e < 1024);
        self.dense_run = if dense { self.dense_run + 1 } else { 0 };
        let buffered = self.pos.is_some_and(|p| offset >= p && offset + len <= p + self.input.buffer().len() as u64);
        let read = if buffered || self.dense_run >= 4 || self.prev_end.is_none() {
            match self.pos {
                Some(p) if p == offset => {}
                Some(p) if offset > p && offset - p < 256 * 1024 => self.input.seek_relative((offset - p) as i64)?,
                _ => {
                    self.input.seek(SeekFrom::Start(offset))?;
                }
            }
            let read = self.input.read_exact(&mut buf);
            self.pos = read.is_ok().then_some(offset + len);
            read
        } else {
            // Elsewhere than Unix the read moves the shared file position: seek afresh next time.
            if !cfg!(unix) {
                self.pos = None;
            }
            read_at(self.input.get_ref(), &mut buf, offset)
        };
        self.prev_end = Some(offset + len);
        let changed = |m: String| Work::Record {
            key: Key::Line(line_no),
            line_no,
            code: "invalid_line",
            message: format!("line {line_no}: {m} (the input changed since it was checked)"),
        };
        if let Err(e) = read {
            return Ok(Some(changed(e.to_string())));
        }
        if let Some(req) = input::fast_request(&buf, line_no, &self.opts) {
            return Ok(Some(Work::Send(req)));
        }
        Ok(Some(match input::parse_line(&buf, line_no, &self.opts) {
            Ok(l) => Work::Send(l.into_request(line_no, &self.opts)),
            Err(b) => changed(b.message),
        }))
    }
}

/// Reads `buf.len()` bytes at `offset`, leaving the file's position alone where the platform
/// allows.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        let mut f = file.try_clone()?;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

impl Iterator for PlanReader {
    type Item = Result<Work, BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_work().map_err(|e| BatchError::io(Path::new(&self.name), e)).transpose();
        // After an error the plan's position is unknown: nothing more comes.
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::journal::{ErrorsTo, Output};

    fn prepared(lines: u64, opts: impl FnOnce(&mut PlanOptions)) -> (tempfile::TempDir, Plan) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let text: String = (1..=lines).map(|i| format!("{{\"custom_id\":\"id-{i}\",\"body\":{{}}}}\n")).collect();
        std::fs::write(&input, text).unwrap();
        let journal = JournalOptions::new(Output::File(dir.path().join("out.jsonl")), ErrorsTo::SameFile);
        let mut popts =
            PlanOptions { spill_dir: Some(dir.path().to_path_buf()), memory_budget: 4096, ..Default::default() };
        popts.input.has_default_target = true;
        opts(&mut popts);
        let plan = Plan::prepare(InputSource::Path(input), &journal, &popts, true).unwrap();
        (dir, plan)
    }

    fn line_numbers(plan: &Plan) -> Vec<u64> {
        plan.reader()
            .unwrap()
            .map(|w| match w.unwrap() {
                Work::Send(r) => r.line_no,
                Work::Record { line_no, .. } => line_no,
            })
            .collect()
    }

    /// Many partitions are merged into input order; past the limit they are read one after the
    /// other, each line still exactly once.
    #[test]
    fn partitions_are_read_in_input_order_up_to_the_merge_limit() {
        let (_d, plan) = prepared(2000, |_| {});
        assert!(plan.counts.partitions > 16 && plan.runs.len() > 16, "{:?}", plan.counts);
        assert_eq!(line_numbers(&plan), (1..=2000).collect::<Vec<_>>());

        let (_d, plan) = prepared(2000, |o| o.max_merged_runs = 3);
        assert!(plan.runs.is_empty());
        let mut got = line_numbers(&plan);
        assert_ne!(got, (1..=2000).collect::<Vec<_>>());
        got.sort_unstable();
        assert_eq!(got, (1..=2000).collect::<Vec<_>>());
    }

    /// A plan file shorter than written is an error when read back, merged or not, never an
    /// early end.
    #[test]
    fn a_plan_cut_short_is_an_error() {
        for limit in [MAX_MERGED_RUNS, 0] {
            let (_d, plan) = prepared(2000, |o| o.max_merged_runs = limit);
            let len = plan.plan.metadata().unwrap().len();
            // Cut in the middle of the plan, on an entry's boundary (every entry is 32 bytes).
            plan.plan.set_len(len / 64 * 32).unwrap();
            // (Merging reads each part's first entry at once: the reader may fail to open.)
            let results: Vec<_> = match plan.reader() {
                Ok(r) => r.collect(),
                Err(e) => vec![Err(e)],
            };
            assert!(
                results.iter().any(|r| matches!(r, Err(e) if e.to_string().contains("cut short"))),
                "{} entries, no error",
                results.len()
            );
        }
    }
}
