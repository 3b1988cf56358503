//! `gwctl scaffold …`: write the gateway side, consistent with a client profile.

use std::io::Read;
use std::path::PathBuf;

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use clap::ValueEnum;

use crate::cli::{
    ApigwAuthArg, ScaffoldApigwArgs, ScaffoldCheckArgs, ScaffoldCommand, ScaffoldMlflowArgs, ScaffoldNginxArgs,
};
use crate::error::Error;
use crate::profile::ProfileError;
use crate::profile::config::ConfigFile;
use crate::prompt::{interactive, prompt_err};
use crate::scaffold::{self, apigw, mlflow, nginx, yaml};
use crate::scheme::AuthScheme;

pub fn run(cmd: ScaffoldCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        ScaffoldCommand::Mlflow(a) => run_mlflow(&a, cf),
        ScaffoldCommand::Check(a) => run_check(&a),
        ScaffoldCommand::AwsApigw(a) => run_apigw(&a, cf),
        ScaffoldCommand::Nginx(a) => run_nginx(&a, cf),
    }
}

/// Refuses early (before any prompt or work) when the output exists and --force is absent.
fn check_output(output: Option<&std::path::Path>, force: bool) -> Result<(), Error> {
    match output {
        Some(o) if o.exists() && !force => {
            Err(Error::Usage(format!("{} exists: pass --force to overwrite it", o.display())))
        }
        _ => Ok(()),
    }
}

fn write_or_print(output: Option<&std::path::Path>, text: &str, force: bool) -> Result<(), Error> {
    match output {
        Some(o) => {
            scaffold::write_new(o, text.as_bytes(), force, false)?;
            eprintln!("gwctl: wrote {}", o.display());
            Ok(())
        }
        None => super::print(text),
    }
}

fn load_profile(cf: &ConfigFile, name: &str) -> Result<crate::profile::Profile, Error> {
    Ok(cf.load()?.get(name)?.clone())
}

/// Asks for the endpoints on a terminal (the wizard behind `gwctl scaffold mlflow`).
fn ask_endpoints() -> Result<Vec<mlflow::EndpointSpec>, Error> {
    let providers = [
        "openai",
        "azure",
        "anthropic",
        "bedrock",
        "mlflow-model-serving",
        "databricks",
        "mistral",
        "gemini",
        "ollama",
    ];
    let kinds = ["chat", "completions", "embeddings"];
    let mut out = Vec::new();
    loop {
        let kind = kinds[dialoguer::Select::new()
            .with_prompt("Endpoint type")
            .items(kinds)
            .default(0)
            .interact()
            .map_err(prompt_err)?];
        let provider = providers[dialoguer::Select::new()
            .with_prompt("Provider")
            .items(providers)
            .default(0)
            .interact()
            .map_err(prompt_err)?];
        let model: String = dialoguer::Input::new().with_prompt("Model name").interact_text().map_err(prompt_err)?;
        let name: String = dialoguer::Input::new()
            .with_prompt("Endpoint name")
            .default(kind.to_string())
            .interact_text()
            .map_err(prompt_err)?;
        let spec = format!("{name}:{kind}:{provider}:{model}");
        match spec.parse() {
            Ok(e) => out.push(e),
            Err(msg) => eprintln!("gwctl: {msg}"),
        }
        let more = dialoguer::Confirm::new()
            .with_prompt("Add another endpoint?")
            .default(false)
            .interact()
            .map_err(prompt_err)?;
        if !more && !out.is_empty() {
            return Ok(out);
        }
    }
}

fn run_mlflow(a: &ScaffoldMlflowArgs, cf: &ConfigFile) -> Result<(), Error> {
    check_output(a.output.as_deref(), a.force)?;
    let endpoints: Vec<mlflow::EndpointSpec> = if a.endpoints.is_empty() {
        if !interactive() {
            return Err(Error::Usage(
                "give at least one --endpoint NAME:TYPE:PROVIDER:MODEL (there is no terminal to ask on)".into(),
            ));
        }
        ask_endpoints()?
    } else {
        a.endpoints.iter().map(|s| s.parse().map_err(Error::Input)).collect::<Result<_, _>>()?
    };
    let mut o = mlflow::RenderOptions { api_base: a.api_base.clone(), ..Default::default() };
    for kv in &a.set {
        let (k, v) = kv.split_once('=').ok_or_else(|| Error::Input(format!("--set {kv:?}: expected KEY=VALUE")))?;
        if k == "aws_region" {
            o.aws_region = Some(v.to_string());
        }
        o.set.push((k.trim().to_string(), v.to_string()));
    }
    if let Some(l) = &a.limit {
        let bad = || {
            Error::Input(format!("--limit {l:?}: expected CALLS/PERIOD, e.g. 100/minute (second, minute, hour, day)"))
        };
        let (calls, period) = l.split_once('/').ok_or_else(bad)?;
        let calls: u64 = calls.trim().parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
        if !["second", "minute", "hour", "day"].contains(&period.trim()) {
            return Err(bad());
        }
        o.limit = Some((calls, period.trim().to_string()));
    }
    if let Some(name) = &a.from_profile {
        let p = load_profile(cf, name)?;
        if p.scheme() != AuthScheme::Sigv4 {
            return Err(Error::Usage(format!(
                "--from-profile {name}: scaffold mlflow takes the region of a sigv4 profile, not {}",
                p.scheme()
            )));
        }
        if o.aws_region.is_none() {
            o.aws_region = p.auth.region().map(str::to_string);
        }
    }
    let text = mlflow::render(&endpoints, &o).map_err(Error::Input)?;
    write_or_print(a.output.as_deref(), &text, a.force)?;
    let path = a.output.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "config.yaml".into());
    let vars: std::collections::BTreeSet<_> = endpoints
        .iter()
        .filter_map(|e| {
            mlflow::provider_def(&e.provider)
                .and_then(|d| d.secret)
                .map(|(_, v)| if e.provider == "azure" { "AZURE_OPENAI_API_KEY" } else { v })
        })
        .collect();
    // `mlflow gateway start` checks no credentials: the profile to match has auth none.
    eprintln!(
        "gwctl: next:{}\n  mlflow gateway start --config-path {path} --host 127.0.0.1 --port 5000\n  \
         gwctl profile add gw --auth none --url http://127.0.0.1:5000 --gateway mlflow\n  \
         gwctl invoke route {} --profile gw --prompt hello\n\
         gwctl: the gateway asks for no credentials; to require a password, put nginx in front of it \
         (gwctl scaffold nginx --backend http://127.0.0.1:5000 …) and use the basic profile it prints",
        vars.iter().map(|v| format!("\n  export {v}=…")).collect::<String>(),
        endpoints[0].name
    );
    Ok(())
}

fn run_check(a: &ScaffoldCheckArgs) -> Result<(), Error> {
    let problems = mlflow::check_file(&a.file)?;
    let mut report = String::new();
    for p in &problems {
        report.push_str(&format!(
            "{}:{}: {}: {}\n",
            a.file.display(),
            p.line,
            if p.error { "error" } else { "warning" },
            p.message
        ));
    }
    super::print(&report)?;
    let errors = problems.iter().filter(|p| p.error).count();
    if errors > 0 {
        return Err(Error::Input(format!("{}: {errors} error(s) in the MLflow gateway config", a.file.display())));
    }
    eprintln!("gwctl: {}: ok ({} warning(s))", a.file.display(), problems.len());
    Ok(())
}

fn run_apigw(a: &ScaffoldApigwArgs, cf: &ConfigFile) -> Result<(), Error> {
    check_output(a.output.as_deref(), a.force)?;
    let need = |flag: &str| Error::Usage(format!("{flag} is required (there is no terminal to ask on)"));
    let backend_text = match &a.backend {
        Some(b) => b.clone(),
        None if interactive() => dialoguer::Input::<String>::new()
            .with_prompt("Backend URL (the MLflow gateway API Gateway forwards to)")
            .interact_text()
            .map_err(prompt_err)?,
        None => return Err(need("--backend URL")),
    };
    let backend = crate::request::parse_url(&backend_text)?;
    let auth_arg = match a.auth {
        Some(m) => m,
        None if interactive() => {
            // The labels are the flag's own values and help (one list, in cli.rs).
            let modes = ApigwAuthArg::value_variants();
            let labels: Vec<String> = modes
                .iter()
                .filter_map(|m| m.to_possible_value())
                .map(|v| format!("{}: {}", v.get_name(), v.get_help().map(|h| h.to_string()).unwrap_or_default()))
                .collect();
            let i = dialoguer::Select::new()
                .with_prompt("Authentication")
                .items(&labels)
                .default(0)
                .interact()
                .map_err(prompt_err)?;
            modes[i]
        }
        None => return Err(need("--auth MODE")),
    };
    let auth: apigw::ApiAuth = auth_arg.into();
    let auth_text = auth_arg.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    let api = apigw::choose_api(auth, a.api.map(Into::into)).map_err(Error::Usage)?;
    let format = a.format.into();
    let mut o = apigw::Options {
        backend,
        auth,
        api,
        format,
        name: a.name.clone(),
        issuer: a.issuer.clone(),
        audience: a.audience.clone(),
        authorizer_arn: a.authorizer_arn.clone(),
        basic_users: None,
    };
    let mut region = None;
    if let Some(name) = &a.from_profile {
        let p = load_profile(cf, name)?;
        match (auth, p.scheme()) {
            (apigw::ApiAuth::Jwt, AuthScheme::Jwt) => {
                let j = p.jwt().cloned().unwrap_or_default();
                o.issuer = o.issuer.or(j.iss.clone());
                if o.audience.is_empty() {
                    o.audience = j.aud.clone();
                }
                let alg = j.alg.as_deref().unwrap_or("HS256");
                eprintln!(
                    "gwctl: the authorizer fetches keys from {}/.well-known/openid-configuration → jwks_uri: publish \
                     gwctl keys jwks --profile {name} there (it holds kid {})",
                    j.iss.as_deref().unwrap_or("ISSUER").trim_end_matches('/'),
                    j.kid.as_deref().unwrap_or("(none: set one with gwctl profile edit --kid)")
                );
                if !alg.starts_with("RS") {
                    eprintln!(
                        "gwctl: warning: profile {name} signs with {alg}, but API Gateway JWT authorizers accept RSA keys only (RS256/384/512), \
                         fetched from the issuer's /.well-known/openid-configuration → jwks_uri (publish: gwctl keys jwks --profile {name})"
                    );
                }
            }
            (apigw::ApiAuth::LambdaBasic, AuthScheme::Basic) => {
                let creds = super::basic_credentials(cf, name, &p)?;
                o.basic_users = Some(
                    apigw::basic_user_entry(&creds.username, creds.password.expose_secret().as_bytes())
                        .map_err(Error::Input)?,
                );
            }
            (apigw::ApiAuth::Iam, AuthScheme::Sigv4) => region = p.auth.region().map(str::to_string),
            (mode, scheme) => {
                return Err(Error::Usage(format!(
                    "--from-profile {name}: a {scheme} profile does not match --auth {auth_text}{}",
                    match mode {
                        apigw::ApiAuth::Iam => " (it needs a sigv4 profile)",
                        apigw::ApiAuth::Jwt => " (it needs a jwt profile)",
                        apigw::ApiAuth::LambdaBasic => " (it needs a basic profile)",
                        apigw::ApiAuth::ApiKey => " (API keys are issued by AWS, not taken from a profile)",
                    }
                )));
            }
        }
    }
    let doc = apigw::render(&o).map_err(Error::Input)?;
    let json_out = a.output.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    let text = if json_out {
        serde_json::to_string_pretty(&doc).map_err(|e| Error::Input(e.to_string()))? + "\n"
    } else {
        format!(
            "# generated by gwctl scaffold aws-apigw --auth {} --api {}\n{}",
            auth_text,
            if api == apigw::ApiKind::Rest { "rest" } else { "http" },
            yaml::emit(&doc)
        )
    };
    write_or_print(a.output.as_deref(), &text, a.force)?;
    let url = format!(
        "https://API_ID.execute-api.{}.amazonaws.com{}",
        region.as_deref().unwrap_or("REGION"),
        if api == apigw::ApiKind::Rest { "/prod" } else { "" }
    );
    let profile = a.from_profile.clone().unwrap_or_else(|| "apigw".into());
    let add = match (auth, &a.from_profile) {
        (apigw::ApiAuth::Iam, Some(p)) => {
            format!("gwctl profile edit {p} --url {url} --service execute-api --gateway mlflow")
        }
        (_, Some(p)) => format!("gwctl profile edit {p} --url {url} --gateway mlflow"),
        (apigw::ApiAuth::Iam, None) => format!(
            "gwctl profile add apigw --auth sigv4 --service execute-api --region REGION --access-key-id AKIA… --url {url} --gateway mlflow --secret-stdin"
        ),
        (apigw::ApiAuth::ApiKey, None) => format!(
            "gwctl invoke endpoint {url}/endpoints/chat/invocations -H \"x-api-key: $API_KEY\" -d '{{\"messages\":[…]}}'"
        ),
        (_, None) => format!(
            "gwctl profile add apigw --auth {} --url {url} --gateway mlflow …",
            if auth == apigw::ApiAuth::Jwt { "jwt" } else { "basic" }
        ),
    };
    eprintln!(
        "gwctl: next: deploy it ({}), then\n  {add}\n  gwctl invoke route chat --profile {profile} --prompt hello",
        match format {
            apigw::Format::OpenApi => "aws apigatewayv2 import-api / aws apigateway import-rest-api",
            apigw::Format::CloudFormation =>
                "aws cloudformation deploy --template-file FILE --stack-name mlflow-gateway --capabilities CAPABILITY_IAM",
            apigw::Format::Sam => "sam deploy --guided",
        }
    );
    Ok(())
}

fn run_nginx(a: &ScaffoldNginxArgs, cf: &ConfigFile) -> Result<(), Error> {
    let backend = crate::request::parse_url(&a.backend)?;
    let (user, password): (String, Zeroizing<Vec<u8>>) = match (&a.from_profile, &a.user) {
        (Some(name), _) => {
            let config = cf.load()?;
            let profile = config.get(name)?.clone();
            if profile.scheme() != AuthScheme::Basic {
                return Err(ProfileError::Invalid(format!(
                    "--from-profile {name}: nginx auth_basic needs a basic profile, not {}",
                    profile.scheme()
                ))
                .into());
            }
            let creds = super::basic_credentials(cf, name, &profile)?;
            (creds.username, Zeroizing::new(creds.password.expose_secret().as_bytes().to_vec()))
        }
        (None, Some(user)) => {
            let mut buf = Zeroizing::new(Vec::new());
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Error::io("cannot read the password from standard input", e))?;
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            if buf.is_empty() {
                return Err(Error::Input("--password-stdin: standard input was empty".into()));
            }
            (user.clone(), buf)
        }
        (None, None) => {
            return Err(Error::Usage("pass --from-profile PROFILE, or --user USER --password-stdin".into()));
        }
    };
    let htpasswd: PathBuf = match (&a.htpasswd, &a.output) {
        (Some(h), _) => h.clone(),
        (None, Some(o)) => PathBuf::from(format!("{}.htpasswd", o.display())),
        (None, None) => {
            return Err(Error::Usage("the htpasswd entry needs a file: pass -o FILE or --htpasswd FILE".into()));
        }
    };
    let htpasswd_abs = std::path::absolute(&htpasswd).unwrap_or_else(|_| htpasswd.clone());
    let block = nginx::server_block(&nginx::NginxOptions {
        backend,
        listen: a.listen.clone(),
        server_name: a.server_name.clone(),
        realm: a.realm.clone(),
        htpasswd_path: htpasswd_abs.display().to_string(),
    })?;
    let line = nginx::htpasswd_line(&user, &password)?;
    check_output(a.output.as_deref(), a.force)?;
    // Owner-only (it holds a bcrypt hash of the password): give it to nginx's worker user
    // (`chown www-data FILE`) when the workers run as another user.
    nginx::write_htpasswd(&htpasswd, line.as_bytes(), a.force)?;
    match &a.output {
        Some(o) => {
            scaffold::write_new(o, block.as_bytes(), a.force, false)?;
            eprintln!("gwctl: wrote {} and {}", o.display(), htpasswd.display());
        }
        None => super::print(&block)?,
    }
    let port_url = listen_url(&a.listen);
    let profile_hint = match &a.from_profile {
        Some(p) => format!("gwctl profile edit {p} --url {port_url} --gateway mlflow"),
        None => format!(
            "gwctl profile add gateway --auth basic --username {user} --url {port_url} --gateway mlflow --secret-stdin"
        ),
    };
    eprintln!(
        "gwctl: next: nginx -t && nginx -s reload; then\n  {profile_hint}\n  gwctl routes list --profile {}",
        a.from_profile.as_deref().unwrap_or("gateway")
    );
    Ok(())
}

/// The URL a client on this machine reaches an nginx `listen` address at: a bare port or a
/// wildcard address is reached on 127.0.0.1; `ssl` means https.
fn listen_url(listen: &str) -> String {
    let mut words = listen.split_whitespace();
    let addr = words.next().unwrap_or(listen);
    let scheme = if words.any(|w| w == "ssl") { "https" } else { "http" };
    if addr.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{scheme}://127.0.0.1:{addr}");
    }
    for wildcard in ["*:", "0.0.0.0:", "[::]:"] {
        if let Some(port) = addr.strip_prefix(wildcard) {
            return format!("{scheme}://127.0.0.1:{port}");
        }
    }
    format!("{scheme}://{addr}")
}

#[cfg(test)]
mod hint_tests {
    #[test]
    fn listen_urls() {
        assert_eq!(super::listen_url("127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(super::listen_url("8080"), "http://127.0.0.1:8080");
        assert_eq!(super::listen_url("0.0.0.0:8443 ssl"), "https://127.0.0.1:8443");
        assert_eq!(super::listen_url("[::]:80"), "http://127.0.0.1:80");
        assert_eq!(super::listen_url("gw.internal:8080"), "http://gw.internal:8080");
    }
}
