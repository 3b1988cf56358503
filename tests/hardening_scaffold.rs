//! Issue 12, the scaffolders' part: `scaffold check` survives hostile files (deep nesting, huge
//! or endless files) and reports what MLflow's loader would silently take (duplicate keys, extra
//! documents) without tripping on merges; the YAML emitter writes scalars PyYAML reads back
//! unchanged; nginx output cannot be injected into; htpasswd entries are never truncated by
//! bcrypt and the file is owner-only.

mod common;

use std::process::Command;

use gwctl::exit::ExitCode;
use gwctl::scaffold::{self, ScaffoldError, mlflow, nginx, yaml};

fn run(mut c: Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    let code = out.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status));
    (code, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn scaffold_check(sb: &common::Sandbox, text: &str) -> (i32, String, String) {
    let f = sb.dir.path().join("config.yaml");
    std::fs::write(&f, text).unwrap();
    let mut c = sb.cmd();
    c.args(["scaffold", "check"]).arg(&f);
    run(c)
}

const GOOD: &str = "endpoints:\n  - name: chat\n    endpoint_type: llm/v1/chat\n    model:\n      provider: openai\n      name: gpt-4o-mini\n      config:\n        openai_api_key: $OPENAI_API_KEY\n";

// ------------------------------------------------------------ item 3: nesting depth

#[test]
fn scaffold_check_refuses_deep_nesting_without_overflowing_the_stack() {
    let sb = common::Sandbox::new();
    let block_map: String = (0..2000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
    for text in ["- ".repeat(50_000) + "x", "[".repeat(100_000), "{a: ".repeat(50_000), block_map] {
        let (code, out, err) = scaffold_check(&sb, &text);
        assert_eq!(code, 3, "{out}{err}");
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains("nested too deeply"), "{out}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

#[test]
fn alias_expansion_is_bounded() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    let p = mlflow::check(&bomb);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("too many nodes"), "{p:?}");
}

// ------------------------------------------------------------ item 7: file size

#[test]
fn scaffold_check_reads_at_most_4_mib() {
    let e = scaffold::read_config(std::path::Path::new("/dev/zero")).unwrap_err();
    assert!(matches!(e, ScaffoldError::Input(_)), "{e}");
    assert!(e.to_string().contains("larger than 4 MiB"), "{e}");
    assert_eq!(e.exit_code(), ExitCode::InvalidInput);
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, "#".repeat(4 * 1024 * 1024 + 1)).unwrap();
    assert!(scaffold::read_config(&big).unwrap_err().to_string().contains("larger than 4 MiB"));
    let exact = dir.path().join("exact.yaml");
    std::fs::write(&exact, "#".repeat(4 * 1024 * 1024)).unwrap();
    assert!(scaffold::read_config(&exact).is_ok());
    let latin1 = dir.path().join("latin1.yaml");
    std::fs::write(&latin1, b"a: caf\xe9\n").unwrap();
    let e = scaffold::read_config(&latin1).unwrap_err();
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    assert_eq!(e.exit_code(), ExitCode::InvalidInput);
    let e = scaffold::read_config(&dir.path().join("missing.yaml")).unwrap_err();
    assert_eq!(e.exit_code(), ExitCode::Io);
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, GOOD).unwrap();
    assert!(mlflow::check_file(&good).unwrap().iter().all(|p| !p.error));
}

// ------------------------------------------------------------ item 26: check

#[test]
fn scaffold_check_reports_duplicate_keys_and_extra_documents() {
    let dup_top = format!("{GOOD}endpoints: []\n");
    let p = mlflow::check(&dup_top);
    assert!(
        p.iter()
            .any(|p| p.error && p.line == 9 && p.message.contains("\"endpoints\" is given twice (first at line 1)")),
        "{p:?}"
    );
    let dup_deep = GOOD.replace("      name: gpt-4o-mini\n", "      name: gpt-4o-mini\n      name: gpt-4o\n");
    let p = mlflow::check(&dup_deep);
    assert!(p.iter().any(|p| p.error && p.line == 7 && p.message.contains("\"name\" is given twice")), "{p:?}");
    let multi = format!("{GOOD}---\n{GOOD}");
    let p = mlflow::check(&multi);
    assert!(p.iter().any(|p| p.error && p.line == 9 && p.message.contains("second YAML document")), "{p:?}");
    let sb = common::Sandbox::new();
    for text in [dup_top.as_str(), dup_deep.as_str(), multi.as_str()] {
        let (code, _, err) = scaffold_check(&sb, text);
        assert_eq!(code, 3, "{err}");
    }
}

#[test]
fn scaffold_check_resolves_merge_keys() {
    let text = "x-common: &common\n  provider: openai\n  config:\n    openai_api_key: $OPENAI_API_KEY\nendpoints:\n  - name: chat\n    endpoint_type: llm/v1/chat\n    model:\n      <<: *common\n      name: gpt-4o-mini\n  - name: chat2\n    endpoint_type: llm/v1/chat\n    model:\n      <<: [*common]\n      name: gpt-4o\n";
    let p = mlflow::check(text);
    // The only finding is the top-level anchor holder, which MLflow does not know either.
    let errors: Vec<_> = p.iter().filter(|p| p.error).collect();
    assert_eq!(errors.len(), 1, "{p:?}");
    assert!(errors[0].message.contains("\"x-common\""), "{p:?}");
    let merged_endpoint = "endpoints:\n  - &base\n    name: a\n    endpoint_type: llm/v1/chat\n    model:\n      provider: openai\n      name: m\n      config:\n        openai_api_key: $OPENAI_API_KEY\n  - <<: *base\n    name: b\n";
    assert!(mlflow::check(merged_endpoint).iter().all(|p| !p.error), "{:?}", mlflow::check(merged_endpoint));
    let sb = common::Sandbox::new();
    let (code, _, err) = scaffold_check(&sb, merged_endpoint);
    assert_eq!(code, 0, "{err}");
}

// ------------------------------------------------------------ item 26: emitted scalars under PyYAML

/// Pieces that YAML 1.1 loaders treat specially, plus awkward characters.
const ATOMS: &[&str] = &[
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "Y",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "=",
    "<<",
    ".inf",
    "+.inf",
    "-.Inf",
    ".NaN",
    ".nan",
    "0o17",
    "0x1F",
    "0b101",
    "017",
    "1:20",
    "190:20:30",
    "1_000",
    "1e3",
    "1.5e+3",
    "1.0",
    ".5",
    "-1",
    "+1",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2002-12-14 21:59:43.10 -5",
    "-",
    "?",
    ":",
    "!",
    "&",
    "*",
    "#",
    "|",
    ">",
    "'",
    "\"",
    "%",
    "@",
    "`",
    ",",
    "[",
    "]",
    "{",
    "}",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\0",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{1F600}",
    "é",
    "ü",
    "ß",
    "日本",
    ": ",
    " #",
    "\\",
    "\\n",
    "$VAR",
    "${AWS::Region}",
    "http://h:5000/p",
    "a",
    "b",
    "gpt-4o",
    "model",
    "x_y",
    "/",
    ".",
    "..",
    "0",
    "9",
    "---",
    "...",
];

fn random_string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..4) {
        0 => (0..rng.usize(0..8)).map(|_| char::from_u32(rng.u32(0..0x300)).unwrap_or('x')).collect(),
        1 => (0..rng.usize(0..6)).map(|_| char::from_u32(rng.u32(..0x11_0000)).unwrap_or('\u{2028}')).collect(),
        _ => (0..rng.usize(0..5)).map(|_| ATOMS[rng.usize(..ATOMS.len())]).collect(),
    }
}

#[test]
fn emitted_scalars_read_back_identically_under_pyyaml() {
    let Some(py) = common::venv_python() else { return };
    let mut rng = fastrand::Rng::with_seed(0x7961_6d6c_3131);
    let mut cases = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let s = random_string(&mut rng);
        // The string as a value, as a key and in a list.
        let mut m = serde_json::Map::new();
        m.insert("k".into(), s.clone().into());
        m.insert(s.clone(), "v".into());
        m.insert("l".into(), serde_json::json!([s]));
        let v = serde_json::Value::Object(m);
        cases.push(serde_json::json!([yaml::emit(&v), v]));
    }
    let script = r#"
import json, sys, yaml
cases = json.load(sys.stdin)
bad = []
for text, want in cases:
    try:
        got = yaml.safe_load(text)
    except Exception as e:
        got = "<error: %s>" % str(e).replace("\n", " ")[:200]
    if got != want:
        bad.append([text, repr(want), repr(got)])
print(json.dumps({"checked": len(cases), "bad": len(bad), "first": bad[:5]}))
"#;
    let mut child = Command::new(py)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(&cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("PyYAML: {} documents checked, {} read back differently", report["checked"], report["bad"]);
    assert_eq!(report["checked"], 20_000);
    assert_eq!(report["bad"], 0, "PyYAML read these back differently: {:#}", report["first"]);
}

#[test]
fn mlflow_model_names_survive_the_round_trip() {
    for model in ["=", "a\u{7f}b", "+.inf", ".NaN", "a\u{85}b", "yes", "1:20", "<<"] {
        let spec: mlflow::EndpointSpec = format!("chat:chat:openai:{model}").parse().unwrap();
        let text = mlflow::render(&[spec], &Default::default()).unwrap();
        let root = yaml::parse(&text).unwrap().unwrap();
        let yaml::Kind::Seq(eps) = &root.get("endpoints").unwrap().kind else { panic!() };
        assert_eq!(eps[0].get("model").unwrap().get("name").unwrap().as_str(), Some(model), "{text}");
    }
}

// ------------------------------------------------------------ item 27: nginx --backend

fn options(backend: &str) -> nginx::NginxOptions {
    nginx::NginxOptions {
        backend: url::Url::parse(backend).unwrap(),
        listen: "127.0.0.1:8080".into(),
        server_name: "_".into(),
        realm: "gateway".into(),
        htpasswd_path: "/etc/nginx/gwctl.htpasswd".into(),
    }
}

#[test]
fn nginx_backend_cannot_inject_directives() {
    for bad in [
        "http://127.0.0.1:5000/;include /etc/passwd",
        "http://127.0.0.1:5000/a;b",
        "http://127.0.0.1:5000/$host",
        "http://127.0.0.1:5000/'x'",
        "http://user:pw@127.0.0.1:5000/",
        "http://127.0.0.1:5000/?a=b",
        "http://127.0.0.1:5000/#frag",
        "ftp://127.0.0.1/",
        "unix:/tmp/sock",
    ] {
        let e = nginx::server_block(&options(bad)).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::InvalidInput, "{bad}");
        assert!(e.to_string().starts_with("--backend"), "{e}");
    }
    let block = nginx::server_block(&options("http://[::1]:5000/mlflow/a%20b")).unwrap();
    assert!(block.contains("proxy_pass http://[::1]:5000/mlflow/a%20b;\n"), "{block}");
    for (what, o) in [
        ("listen", nginx::NginxOptions { listen: "80 #".into(), ..options("http://h/") }),
        ("server_name", nginx::NginxOptions { server_name: "a\rb".into(), ..options("http://h/") }),
        ("realm", nginx::NginxOptions { realm: "$remote_addr".into(), ..options("http://h/") }),
        ("htpasswd", nginx::NginxOptions { htpasswd_path: "/a b".into(), ..options("http://h/") }),
    ] {
        assert!(nginx::server_block(&o).is_err(), "{what}");
    }
    // At the command line: exit 3, one line, nothing written.
    let sb = common::Sandbox::new();
    let out = sb.dir.path().join("gw.conf");
    let mut c = sb.cmd();
    c.args([
        "scaffold",
        "nginx",
        "--backend",
        "http://127.0.0.1:5000/;evil",
        "--user",
        "alice",
        "--password-stdin",
        "-o",
    ])
    .arg(&out);
    let (code, _, err) = common::run_with_stdin(c, b"pw\n");
    assert_eq!(code, 3, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!out.exists());
}

// ------------------------------------------------------------ item 25/16: htpasswd

#[test]
fn htpasswd_refuses_passwords_bcrypt_would_truncate() {
    let e = nginx::htpasswd_line("alice", &[b'x'; 73]).unwrap_err();
    assert_eq!(e.exit_code(), ExitCode::InvalidInput);
    assert!(e.to_string().contains("73 bytes") && e.to_string().contains("72"), "{e}");
    assert!(!e.to_string().contains('\n'));
    let line = nginx::htpasswd_line("alice", &[b'x'; 72]).unwrap();
    assert!(bcrypt::verify([b'x'; 72], line.trim_end().split_once(':').unwrap().1).unwrap());
    assert!(nginx::htpasswd_line("al\nice", b"pw").is_err());
    let sb = common::Sandbox::new();
    let out = sb.dir.path().join("gw.conf");
    let mut c = sb.cmd();
    c.args(["scaffold", "nginx", "--backend", "http://127.0.0.1:5000", "--user", "alice", "--password-stdin", "-o"])
        .arg(&out);
    let (code, _, err) = common::run_with_stdin(c, &[b'p'; 100]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("72"), "{err}");
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn htpasswd_file_is_created_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.htpasswd");
    nginx::write_htpasswd(&f, b"alice:$2b$10$x\n", false).unwrap();
    assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(nginx::write_htpasswd(&f, b"x", false).unwrap_err().exit_code(), ExitCode::Usage);
    nginx::write_htpasswd(&f, b"alice:$2b$10$y\n", true).unwrap();
    assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
    let conf = dir.path().join("gw.conf");
    scaffold::write_new(&conf, b"server {}\n", false, false).unwrap();
    assert_eq!(std::fs::metadata(&conf).unwrap().permissions().mode() & 0o777, 0o644);
    // A symlink at the target is replaced, never followed.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::write(&elsewhere, "keep").unwrap();
    let link = dir.path().join("link.htpasswd");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    assert!(nginx::write_htpasswd(&link, b"x", false).is_err());
    nginx::write_htpasswd(&link, b"alice:h\n", true).unwrap();
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep");
    assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}
