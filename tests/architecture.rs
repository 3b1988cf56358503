//! The layering of the library, enforced: every `crate::…` path in `src/` is read, each file
//! belongs to a unit (the longest prefix in `LAYERS`), and an import may only go to a unit of
//! the same layer or below, without cycles between units. In the spirit of ArchUnit; the rule
//! table is the documentation (README "How it is built").

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Units and their layers. Longest prefix wins (`profile::store` before `profile`).
const LAYERS: &[(&str, u8)] = &[
    // L0: pure values.
    ("signing", 0),
    ("scheme", 0),
    ("util", 0),
    ("redact", 0),
    ("exit", 0),
    ("log", 0),
    ("alloc", 0),
    // L1: the request model, gateway and token protocols, secret stores.
    ("request", 1),
    ("net", 1),
    ("gateway", 1),
    ("profile::store", 1),
    ("profile::private_file", 1),
    ("tokens", 1),
    // L2: configuration, credentials, signing setup, transport.
    ("profile", 2),
    ("credentials", 2),
    ("auth", 2),
    ("http", 2),
    // L3: operations.
    ("client", 3),
    ("keys", 3),
    ("scaffold", 3),
    ("ops", 3),
    ("batch", 3),
    ("serve", 3),
    // L4: the command line.
    ("cli", 4),
    ("commands", 4),
    ("complete", 4),
    ("printer", 4),
    ("prompt", 4),
    ("output", 4),
    ("error", 4),
];

fn unit_of(path: &str) -> Option<(&'static str, u8)> {
    LAYERS
        .iter()
        .filter(|(u, _)| path == *u || path.starts_with(&format!("{u}::")))
        .max_by_key(|(u, _)| u.len())
        .copied()
}

/// `src/profile/store/file.rs` → `profile::store::file`.
fn module_path(rel: &Path) -> String {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_string();
    }
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The `crate::a::b` paths a source text names (comments left out; `use crate::{a, b}` too).
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                for item in group.split([',', '}']) {
                    let item = item.trim();
                    if !item.is_empty() {
                        out.push(
                            item.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                                .next()
                                .unwrap_or("")
                                .to_string(),
                        );
                    }
                }
            } else {
                let path: String =
                    after.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                out.push(path.trim_end_matches(':').to_string());
            }
            rest = after;
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// Checks the files (`module path → text`); returns one line per violation.
fn check(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    for (module, text) in files {
        let Some((from, from_layer)) = unit_of(module) else {
            problems.push(format!("{module}: not in the layer table of tests/architecture.rs"));
            continue;
        };
        for path in crate_paths(text) {
            // `crate::Error` and other re-exports at the root are the command line's.
            let target = if path.contains("::") || unit_of(&path).is_some() { path.clone() } else { "error".into() };
            let Some((to, to_layer)) = unit_of(&target) else {
                problems.push(format!("{module}: imports crate::{path}, which is not in the layer table"));
                continue;
            };
            if to == from {
                continue;
            }
            if to_layer > from_layer {
                problems.push(format!(
                    "{module} (L{from_layer} {from}) imports crate::{path} (L{to_layer} {to}): a layer may only import from its own layer or below"
                ));
            }
            edges.entry(from).or_default().insert(to);
        }
    }
    // Cycles between units (depth-first search, reporting each cycle once by its smallest unit).
    let mut reported = BTreeSet::new();
    for &start in edges.keys() {
        let mut stack = vec![(start, vec![start])];
        while let Some((node, trail)) = stack.pop() {
            for &next in edges.get(node).into_iter().flatten() {
                if next == start {
                    let mut cycle = trail.clone();
                    let min = *cycle.iter().min().unwrap();
                    let rot = cycle.iter().position(|u| *u == min).unwrap();
                    cycle.rotate_left(rot);
                    if reported.insert(cycle.clone()) {
                        problems.push(format!("import cycle: {} -> {}", cycle.join(" -> "), cycle[0]));
                    }
                } else if !trail.contains(&next) && trail.len() < 12 {
                    let mut t = trail.clone();
                    t.push(next);
                    stack.push((next, t));
                }
            }
        }
    }
    problems
}

fn source_files() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap();
                if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
                    continue;
                }
                out.insert(module_path(rel), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

#[test]
fn layers_import_only_downwards_and_without_cycles() {
    let files = source_files();
    assert!(files.len() > 50, "found only {} source files", files.len());
    let problems = check(&files);
    assert!(problems.is_empty(), "architecture violations:\n{}", problems.join("\n"));
}

#[test]
fn the_check_catches_an_upward_import_and_a_cycle() {
    let mut files = BTreeMap::new();
    files.insert("signing::sigv4".to_string(), "use crate::http::HttpOptions;\n".to_string());
    files.insert("auth".to_string(), "use crate::credentials::{Credential, Material};\n".to_string());
    files.insert("credentials::env".to_string(), "fn f() { crate::auth::build(); }\n".to_string());
    files.insert(
        "gateway::mlflow".to_string(),
        "// use crate::cli::X; (a comment)\nuse crate::signing::Signer;\n".to_string(),
    );
    let problems = check(&files);
    assert!(
        problems.iter().any(|p| p.contains("signing::sigv4 (L0 signing) imports crate::http::HttpOptions")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p == "import cycle: auth -> credentials -> auth"), "{problems:?}");
    assert_eq!(problems.len(), 2, "{problems:?}");
}

/// The startup order file (build.rs, scripts/startup-order) names functions by symbols whose
/// hashes come from the locked dependencies: after a change to `Cargo.lock` it must be written
/// again, or the release binary quietly loses most of its ordering. The file is only used for
/// this target; the hash is of the file with carriage returns removed (a CRLF checkout).
#[cfg(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64"))]
#[test]
fn the_startup_order_file_was_written_for_this_cargo_lock() {
    use sha2::Digest as _;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stamp = std::fs::read_to_string(root.join("link/startup.order.stamp")).unwrap();
    let lines: Vec<&str> = stamp.lines().collect();
    assert!(lines.len() == 2 && lines[0].starts_with("rustc "), "link/startup.order.stamp: {stamp:?}");
    let order = std::fs::read_to_string(root.join("link/startup.order")).unwrap();
    let names: Vec<&str> = order.lines().collect();
    assert!(names.len() > 100, "link/startup.order has {} names", names.len());
    assert!(names.iter().all(|n| !n.is_empty() && !n.contains(char::is_whitespace)), "a malformed name");
    assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), names.len(), "a name is listed twice");
    let mut lock = std::fs::read(root.join("Cargo.lock")).unwrap();
    lock.retain(|&b| b != b'\r');
    let hash = hex::encode(sha2::Sha256::digest(&lock));
    assert_eq!(
        lines[1],
        format!("Cargo.lock sha256 {hash}"),
        "Cargo.lock changed since link/startup.order was written: run scripts/startup-order (needs valgrind)"
    );
}
