//! `gwctl scaffold nginx`: the generated server block passes `nginx -t`, its htpasswd entry is
//! bcrypt for the profile's user, and bad input writes nothing. (The round trip through nginx to
//! a real MLflow gateway is in mlflow_e2e.rs, which builds its nginx from this command.)

mod common;

use std::process::Command;

use common::{Sandbox, run, run_with_stdin};

fn nginx_bin() -> Option<String> {
    for c in ["nginx", "/usr/sbin/nginx"] {
        if Command::new(c).arg("-v").output().is_ok_and(|o| o.status.success()) {
            return Some(c.to_string());
        }
    }
    assert!(std::env::var("GWCTL_REQUIRE_E2E").as_deref() != Ok("1"), "GWCTL_REQUIRE_E2E=1 but nginx is not installed");
    None
}

#[test]
fn nginx_block_from_a_basic_profile_passes_nginx_t() {
    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.args(["profile", "add", "dev", "--auth", "basic", "--username", "alice", "--store", "env:PW"]);
    assert_eq!(run(c).0, 0);
    let out = sb.dir.path().join("site/mlflow.conf");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let mut c = sb.cmd();
    c.env("PW", "s3cret-pass")
        .args([
            "scaffold",
            "nginx",
            "--backend",
            "http://127.0.0.1:5000",
            "--from-profile",
            "dev",
            "--listen",
            "127.0.0.1:18081",
            "-o",
        ])
        .arg(&out);
    let (code, stdout, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("gwctl profile edit dev --url http://127.0.0.1:18081 --gateway mlflow"), "{err}");
    let block = std::fs::read_to_string(&out).unwrap();
    assert!(block.contains("proxy_pass http://127.0.0.1:5000;") && block.contains("proxy_buffering off;"));
    let htpasswd = std::fs::read_to_string(sb.dir.path().join("site/mlflow.conf.htpasswd")).unwrap();
    let (user, hash) = htpasswd.trim_end().split_once(':').unwrap();
    assert_eq!(user, "alice");
    assert!(hash.starts_with("$2b$") && !htpasswd.contains("s3cret-pass"));

    // Existing files are kept without --force; a non-basic profile and a bad --listen are refused.
    let mut c = sb.cmd();
    c.env("PW", "x")
        .args(["scaffold", "nginx", "--backend", "http://127.0.0.1:5000", "--from-profile", "dev", "-o"])
        .arg(&out);
    let (code, _, err) = run(c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), block);
    let mut c = sb.cmd();
    c.args(["profile", "add", "tok", "--auth", "bearer", "--store", "env:T"]);
    assert_eq!(run(c).0, 0);
    let mut c = sb.cmd();
    c.args([
        "scaffold",
        "nginx",
        "--backend",
        "http://127.0.0.1:5000",
        "--from-profile",
        "tok",
        "--htpasswd",
        "/tmp/never",
    ]);
    let (code, _, err) = run(c);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("needs a basic profile"), "{err}");
    let mut c = sb.cmd();
    c.args([
        "scaffold",
        "nginx",
        "--backend",
        "http://127.0.0.1:5000",
        "--user",
        "u",
        "--password-stdin",
        "--listen",
        "80; include /etc/passwd",
    ])
    .arg("--htpasswd")
    .arg(sb.dir.path().join("x.htpasswd"));
    let (code, _, err) = run_with_stdin(c, b"pw");
    assert_eq!(code, 3, "{err}");
    assert!(!sb.dir.path().join("x.htpasswd").exists(), "nothing written");

    let Some(nginx) = nginx_bin() else { return };
    let d = sb.dir.path();
    let p = d.display();
    for t in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(d.join(t)).unwrap();
    }
    std::fs::write(
        d.join("nginx.conf"),
        format!(
            "pid {p}/nginx.pid;\nerror_log {p}/error.log;\nevents {{}}\nhttp {{\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  include {};\n}}\n",
            out.display()
        ),
    )
    .unwrap();
    let t = Command::new(nginx).arg("-p").arg(d).arg("-c").arg(d.join("nginx.conf")).arg("-t").output().unwrap();
    assert!(t.status.success(), "nginx -t: {}", String::from_utf8_lossy(&t.stderr));
}
