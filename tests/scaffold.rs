//! `gwctl scaffold`: nginx blocks pass `nginx -t` (htpasswd bcrypt for the profile's user);
//! MLflow configs pass gwctl's strict check and MLflow's own validator; API Gateway OpenAPI
//! files pass openapi-spec-validator and CloudFormation/SAM templates pass cfn-lint; the Basic
//! authorizer in them accepts the tied profile's password; bad input writes nothing; insta
//! snapshots of representative outputs. (The round trip, a generated MLflow config started by
//! `mlflow gateway start` behind a generated nginx, is in mlflow_e2e.rs.)

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

fn gw(sb: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let mut c = sb.cmd();
    c.args(args);
    run(c)
}

fn ok(sb: &Sandbox, args: &[&str]) -> String {
    let (code, out, err) = gw(sb, args);
    assert_eq!(code, 0, "gwctl {args:?}: {err}");
    out
}

fn venv_tool(python: &std::path::Path, tool: &str) -> std::path::PathBuf {
    python.parent().unwrap().join(tool)
}

/// Option sets for `scaffold mlflow`, each a config MLflow must accept.
const MLFLOW_CASES: &[(&str, &[&str])] = &[
    (
        "openai",
        &[
            "-e",
            "chat:chat:openai:gpt-4o-mini",
            "-e",
            "embed:embeddings:openai:text-embedding-3-small",
            "--limit",
            "100/minute",
        ],
    ),
    (
        "azure",
        &[
            "-e",
            "gpt:chat:azure:gpt-4o",
            "--api-base",
            "https://my.openai.azure.com",
            "--set",
            "openai_deployment_name=gpt4o",
            "--set",
            "openai_api_version=2024-06-01",
        ],
    ),
    ("anthropic", &["-e", "claude:chat:anthropic:claude-3-5-sonnet-latest", "--set", "anthropic_version=2023-06-01"]),
    (
        "bedrock",
        &["-e", "claude:chat:bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0", "--set", "aws_region=eu-west-1"],
    ),
    ("serving", &["-e", "m:completions:mlflow-model-serving:my-model", "--api-base", "http://127.0.0.1:5001"]),
    (
        "databricks",
        &["-e", "dbrx:chat:databricks:databricks-dbrx-instruct", "--api-base", "https://adb-1.azuredatabricks.net"],
    ),
    (
        "mistral-gemini-ollama",
        &[
            "-e",
            "m:chat:mistral:mistral-large-latest",
            "-e",
            "g:chat:gemini:gemini-1.5-pro",
            "-e",
            "o:chat:ollama:llama3.2",
            "-e",
            "oe:embeddings:ollama:nomic-embed-text",
        ],
    ),
];

#[test]
fn mlflow_configs_pass_gwctls_check_and_mlflows_validator() {
    let sb = Sandbox::new();
    let dir = sb.dir.path().join("mlflow");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, args) in MLFLOW_CASES {
        let file = dir.join(format!("{name}.yaml"));
        let mut a = vec!["scaffold", "mlflow"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["-o", file.to_str().unwrap()]);
        ok(&sb, &a);
        let (code, out, err) = gw(&sb, &["scaffold", "check", file.to_str().unwrap()]);
        assert_eq!((code, out.as_str()), (0, ""), "{name}: {err}");
        files.push(file);
    }
    // Snapshots of representative outputs.
    insta::assert_snapshot!("mlflow_openai", std::fs::read_to_string(dir.join("openai.yaml")).unwrap());
    insta::assert_snapshot!("mlflow_bedrock", std::fs::read_to_string(dir.join("bedrock.yaml")).unwrap());
    insta::assert_snapshot!("mlflow_azure", std::fs::read_to_string(dir.join("azure.yaml")).unwrap());

    let Some(python) = common::venv_python() else { return };
    let script = "import sys\nfrom mlflow.gateway.config import _validate_config\nfor p in sys.argv[1:]:\n    c = _validate_config(p)\n    print(p, len(c.endpoints))\n";
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(&files)
        .env("OPENAI_API_KEY", "x")
        .env("AZURE_OPENAI_API_KEY", "x")
        .env("ANTHROPIC_API_KEY", "x")
        .env("MISTRAL_API_KEY", "x")
        .env("GEMINI_API_KEY", "x")
        .env("MLFLOW_DISABLE_TELEMETRY", "true")
        .output()
        .unwrap();
    assert!(out.status.success(), "MLflow rejects a generated config: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), MLFLOW_CASES.len());
}

#[test]
fn scaffold_check_reports_what_mlflow_would_ignore_with_lines() {
    let sb = Sandbox::new();
    let file = sb.dir.path().join("config.yaml");
    std::fs::write(
        &file,
        "endpoints:\n  - name: chat\n    endpoint_type: llm/v1/chat\n    model:\n      provider: openai\n      name: gpt-4o\n      config:\n        openai_api_key: sk-literal\n        openai_base_url: http://127.0.0.1:9/v1\n  - name: chat\n    endpoint_type: llm/v1/chatt\n    model:\n      provider: antropic\n      name: x\n",
    )
    .unwrap();
    let (code, out, err) = gw(&sb, &["scaffold", "check", file.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    let f = file.display().to_string();
    for expected in [
        format!(
            "{f}:8: warning: endpoint \"chat\": openai_api_key holds the key itself; prefer a reference such as $OPENAI_API_KEY"
        ),
        format!(
            "{f}:9: error: endpoint \"chat\": openai config: unknown key \"openai_base_url\" (did you mean openai_api_base?); MLflow would ignore it silently"
        ),
        format!("{f}:10: error: endpoint \"chat\" is defined twice (first at line 2)"),
    ] {
        assert!(out.lines().any(|l| l == expected), "missing {expected:?} in\n{out}");
    }
    assert!(out.contains(":11: error:") && out.contains("llm/v1/chatt"), "{out}");
    assert!(
        out.contains(":13: error:") && out.contains("unknown provider \"antropic\" (did you mean anthropic?)"),
        "{out}"
    );
    assert_eq!(err.trim(), format!("gwctl: error: {f}: 4 error(s) in the MLflow gateway config"));
    std::fs::write(&file, "endpoints: [\n").unwrap();
    let (code, out, _) = gw(&sb, &["scaffold", "check", file.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(out.contains("not valid YAML"), "{out}");
}

#[test]
fn scaffold_refusals_write_nothing() {
    let sb = Sandbox::new();
    let out = sb.dir.path().join("out.yaml");
    let cases: &[(&[&str], i32, &str)] = &[
        (&["scaffold", "mlflow", "-e", "chat:chat:openai"], 3, "expected NAME:TYPE:PROVIDER:MODEL"),
        (&["scaffold", "mlflow", "-e", "chat:chat:openia:gpt"], 3, "unknown provider \"openia\""),
        (
            &["scaffold", "mlflow", "-e", "chat:chat:openai:gpt", "--set", "openai_base_url=x"],
            3,
            "no chosen provider has this key",
        ),
        (&["scaffold", "mlflow", "-e", "gpt:chat:azure:gpt-4o"], 3, "Azure OpenAI needs openai_api_base"),
        (&["scaffold", "mlflow", "-e", "a:chat:openai:x", "-e", "a:chat:openai:y"], 3, "given twice"),
        (&["scaffold", "mlflow", "-e", "a:chat:openai:x", "--limit", "many"], 3, "--limit"),
        (&["scaffold", "mlflow"], 2, "there is no terminal to ask on"),
        (&["scaffold", "aws-apigw", "--backend", "https://b", "--auth", "jwt", "--api", "rest"], 2, "HTTP APIs only"),
        (
            &["scaffold", "aws-apigw", "--backend", "https://b", "--auth", "lambda-basic", "--api", "http"],
            2,
            "WWW-Authenticate",
        ),
        (&["scaffold", "aws-apigw", "--backend", "https://b", "--auth", "jwt"], 3, "needs --issuer"),
        (&["scaffold", "aws-apigw", "--backend", "https://b", "--auth", "lambda-basic"], 3, "needs --authorizer-arn"),
        (&["scaffold", "aws-apigw", "--backend", "not a url", "--auth", "iam"], 3, ""),
        (
            &["scaffold", "aws-apigw", "--backend", "https://b"],
            2,
            "--auth MODE is required (there is no terminal to ask on)",
        ),
    ];
    for (args, code, needle) in cases {
        let mut a = args.to_vec();
        a.extend_from_slice(&["-o", out.to_str().unwrap()]);
        let (c, stdout, err) = gw(&sb, &a);
        assert_eq!(c, *code, "{args:?}: {err}");
        assert!(err.contains(needle) && err.trim().lines().count() == 1, "{args:?}: {err}");
        assert!(stdout.is_empty() && !out.exists(), "{args:?} wrote something");
    }
    // An existing file is kept without --force, replaced with it.
    std::fs::write(&out, "mine").unwrap();
    let (code, _, err) = gw(&sb, &["scaffold", "mlflow", "-e", "a:chat:openai:x", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    ok(
        &sb,
        &["scaffold", "aws-apigw", "--backend", "https://b", "--auth", "iam", "-o", out.to_str().unwrap(), "--force"],
    );
    assert!(std::fs::read_to_string(&out).unwrap().contains("awsSigv4"));
}

#[test]
fn api_gateway_definitions_pass_openapi_spec_validator_and_cfn_lint() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    // Client profiles the API Gateway side is tied to.
    ok(
        &sb,
        &[
            "profile",
            "add",
            "signer",
            "--auth",
            "jwt",
            "--alg",
            "RS256",
            "--iss",
            "https://issuer.example",
            "--aud",
            "mlflow",
            "--store",
            "env:KEY",
        ],
    );
    ok(
        &sb,
        &[
            "profile",
            "add",
            "aws",
            "--auth",
            "sigv4",
            "--access-key-id",
            "AKIDEXAMPLE",
            "--region",
            "eu-west-1",
            "--store",
            "env:SK",
        ],
    );
    let (code, _, err) = run_with_stdin(
        {
            let mut c = sb.cmd();
            c.args([
                "profile",
                "add",
                "dev",
                "--auth",
                "basic",
                "--username",
                "alice",
                "--store",
                "keyutils",
                "--secret-stdin",
            ]);
            c
        },
        b"alice-password-1",
    );
    assert_eq!(code, 0, "{err}");

    let dir = sb.dir.path().join("apigw");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut openapi, mut templates) = (vec![], vec![]);
    for auth in ["iam", "jwt", "lambda-basic", "api-key"] {
        for api in ["http", "rest"] {
            for format in ["openapi", "cloudformation", "sam"] {
                let tie: &[&str] = match auth {
                    "jwt" => &["--from-profile", "signer"],
                    "iam" => &["--from-profile", "aws"],
                    "lambda-basic" if format == "openapi" => {
                        &["--authorizer-arn", "arn:aws:lambda:eu-west-1:123456789012:function:basic"]
                    }
                    "lambda-basic" => &["--from-profile", "dev"],
                    _ => &[],
                };
                let ext = if format == "openapi" && api == "rest" { "json" } else { "yaml" };
                let file = dir.join(format!("{auth}-{api}-{format}.{ext}"));
                let mut a = vec![
                    "scaffold",
                    "aws-apigw",
                    "--backend",
                    "https://mlflow.internal:5000",
                    "--auth",
                    auth,
                    "--api",
                    api,
                    "--format",
                    format,
                ];
                a.extend_from_slice(tie);
                a.extend_from_slice(&["-o", file.to_str().unwrap()]);
                let (code, _, err) = gw(&sb, &a);
                let supported =
                    matches!((auth, api), ("iam", _) | ("jwt", "http") | ("lambda-basic" | "api-key", "rest"));
                if !supported {
                    assert_eq!(code, 2, "{a:?}: {err}");
                    continue;
                }
                assert_eq!(code, 0, "{a:?}: {err}");
                assert!(err.contains("gwctl: next: deploy it"), "{err}");
                if auth == "iam" {
                    assert!(
                        err.contains("gwctl profile edit aws --url https://API_ID.execute-api.eu-west-1.amazonaws.com"),
                        "{err}"
                    );
                    assert!(err.contains("--service execute-api"), "{err}");
                }
                if auth == "jwt" {
                    assert!(
                        err.contains("https://issuer.example/.well-known/openid-configuration")
                            && err.contains("gwctl keys jwks --profile signer"),
                        "{err}"
                    );
                }
                if format == "openapi" { openapi.push(file) } else { templates.push(file) }
            }
        }
    }
    assert_eq!((openapi.len(), templates.len()), (5, 10));
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    // Tied to the profiles: the JWT profile's issuer and audience; the region of the SigV4 one.
    let jwt = text("jwt-http-openapi.yaml");
    assert!(jwt.contains("issuer: https://issuer.example") && jwt.contains("- mlflow"), "{jwt}");
    insta::assert_snapshot!("apigw_jwt_http_openapi", jwt);
    insta::assert_snapshot!("apigw_iam_http_openapi", text("iam-http-openapi.yaml"));
    insta::assert_snapshot!("apigw_api_key_rest_cloudformation", text("api-key-rest-cloudformation.yaml"));
    let sam = text("lambda-basic-rest-sam.yaml");
    assert!(
        sam.contains("gatewayresponse.header.WWW-Authenticate") && sam.contains("Default: alice:pbkdf2_sha256$100000$"),
        "{sam}"
    );

    for f in &openapi {
        let out = Command::new(venv_tool(&python, "openapi-spec-validator")).arg(f).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}{}",
            f.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new(venv_tool(&python, "cfn-lint")).args(&templates).output().unwrap();
    assert!(
        out.status.success(),
        "cfn-lint: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // The Basic authorizer in the template really checks the profile's password: run its code
    // with the BasicUsers entry the template defaults to.
    let entry = sam.lines().find_map(|l| l.trim().strip_prefix("Default: ")).unwrap().trim_matches('"').to_string();
    let code_start = sam.find("import base64").unwrap();
    std::fs::write(dir.join("authorizer.py"), extract_inline_code(&sam[code_start..])).unwrap();
    let probe = r#"
import base64, os, sys
sys.path.insert(0, sys.argv[1])
import authorizer
def call(user, pw):
    tok = "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()
    try:
        r = authorizer.handler({"authorizationToken": tok, "methodArn": "arn:aws:execute-api:r:1:api/prod/GET/x"}, None)
        return r["policyDocument"]["Statement"][0]["Effect"]
    except Exception as e:
        return str(e)
print(call("alice", "alice-password-1"), call("alice", "wrong"), call("bob", "alice-password-1"))
"#;
    let out = Command::new(&python).arg("-c").arg(probe).arg(&dir).env("BASIC_USERS", &entry).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Allow Unauthorized Unauthorized",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The authorizer's Python code from a YAML template's quoted `InlineCode:`/`ZipFile:` scalar.
fn extract_inline_code(from_import: &str) -> String {
    // The code is emitted as one double-quoted JSON string: read it back with serde_json.
    let end = from_import.find("\"\n").unwrap();
    serde_json::from_str::<String>(&format!("\"{}\"", &from_import[..end])).unwrap()
}
