//! `gwctl profile …`: add, list, show, edit, remove, use, import.

use zeroize::Zeroizing;

use crate::cli::{
    ImportAwsArgs, ImportSource, JwtArgs, ListFormat, OAuth2Args, ProfileCommand, ProfileFields, RoleArgs, ShowFormat,
};
use crate::error::Error;
use crate::gateway::Gateway;
use crate::log::verbose;
use crate::ops::profile::{commit_edit, commit_new};
use crate::profile::config::ConfigFile;
use crate::profile::store::{self, KeyringBackend, KeyringStore, Secret, SecretStore, StoreError, StoreSpec};
use crate::profile::{self, Profile, ProfileError, ProfileToml, Slot, aws_import, check_name};
use crate::prompt::{self, confirm, interactive};
use crate::scheme::{AuthConfig, AuthScheme, FieldsContext, JwtConfig};

/// The largest secret read from standard input or a key file.
const MAX_SECRET: u64 = 1 << 20;

pub fn run(cmd: ProfileCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        ProfileCommand::Add(a) => add(cf, &a.name, &a.fields, a.yes),
        ProfileCommand::List(a) => list(cf, a.format),
        ProfileCommand::Show(a) => show(cf, &a.name, a.format),
        ProfileCommand::Edit(a) => edit(cf, &a.name, &a.fields),
        ProfileCommand::Remove(a) => remove(cf, &a.name, a.yes),
        ProfileCommand::Use(a) => use_profile(cf, &a.name),
        ProfileCommand::Import(ImportSource::Aws(a)) => import_aws(cf, &a),
    }
}

/// Asks before overwriting; without a terminal, `--yes` is required.
fn check_overwrite(cf: &ConfigFile, name: &str, yes: bool) -> Result<Option<Profile>, Error> {
    let config = cf.load()?;
    let Some(old) = config.profiles.get(name).cloned() else { return Ok(None) };
    if yes {
        return Ok(Some(old));
    }
    if interactive() && confirm(&format!("Profile {name:?} exists. Overwrite it?"))? {
        return Ok(Some(old));
    }
    Err(ProfileError::Exists(name.into()).into())
}

fn add(cf: &ConfigFile, name: &str, f: &ProfileFields, yes: bool) -> Result<(), Error> {
    check_name(name)?;
    let old = check_overwrite(cf, name, yes)?;
    // On a terminal, what the flags leave out is asked, in order: scheme, URL, gateway
    // flavour, user or key id, store (of those that answer here), secret (typed twice).
    let ask = interactive();
    let auth = match f.auth {
        Some(a) => a,
        None if ask => ask_scheme()?,
        None => return Err(Error::Usage("--auth is required (there is no terminal to ask on)".into())),
    };
    if !auth.has_credentials() {
        refuse_secret_flags(f)?;
    }
    let given_store: Option<StoreSpec> = match f.store.as_deref() {
        Some(s) => Some(s.parse()?),
        None if !auth.has_credentials() => Some(StoreSpec::None),
        None => None,
    };
    let mut draft = ProfileToml::new(auth, given_store.clone().unwrap_or(StoreSpec::Auto));
    if ask {
        ask_url_and_gateway(&mut draft, f)?;
    }
    apply_fields(&mut draft, f)?;
    if ask {
        ask_scheme_fields(&mut draft, f)?;
    }
    if !auth.has_credentials() {
        draft.store = StoreSpec::None;
        return save_new(cf, name, Profile::try_from(draft)?, None, &store::NoStore, old);
    }
    let spec = match given_store {
        Some(s) => s,
        None if ask => ask_store(cf, name, &draft)?,
        None => StoreSpec::Auto,
    };
    let store = open_store(&spec, cf)?;
    draft.store = store.spec();
    let mut profile = Profile::try_from(draft)?;
    // A role profile signs with its source profile's credentials: it has no secret of its own.
    let secret = obtain_secret(f, &profile, store.as_ref(), profile.role.is_none())?;
    if secret.is_some() {
        profile.key_created = Some(profile::now_rfc3339());
    }
    save_new(cf, name, profile, secret, store.as_ref(), old)
}

/// `--auth none` sends no credentials and keeps no secret: the flags of a credential are
/// refused rather than ignored.
fn refuse_secret_flags(f: &ProfileFields) -> Result<(), Error> {
    let scheme_keys = f.scheme_keys().into_iter().map(|(flag, _, value, _)| (value.is_some(), flag));
    let given: Vec<&str> = scheme_keys
        .chain([
            (f.iam_endpoint.is_some(), "--iam-endpoint"),
            (f.sts_endpoint.is_some(), "--sts-endpoint"),
            (f.store.as_deref().is_some_and(|s| s != "none"), "--store"),
            (f.secret_stdin, "--secret-stdin"),
            (f.key_file.is_some(), "--key-file"),
            (f.jwt.any(), "JWT options"),
            (f.oauth2.any(), "OAuth2 options"),
            (f.role.any(), "role options"),
        ])
        .filter_map(|(set, flag)| set.then_some(flag))
        .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} cannot be used with auth none: it sends no credentials and keeps no secret",
        given.join(", ")
    )))
}

/// Asks for the scheme, with a word on each.
fn ask_scheme() -> Result<AuthScheme, Error> {
    let items: Vec<String> = AuthScheme::ALL.iter().map(|a| format!("{:<8} {}", a.name(), a.summary())).collect();
    Ok(AuthScheme::ALL[prompt::select("Authentication scheme", &items, 0)?])
}

/// On a terminal: the gateway URL (empty: none) and its flavour, unless given as flags.
fn ask_url_and_gateway(p: &mut ProfileToml, f: &ProfileFields) -> Result<(), Error> {
    if f.url.is_none() && p.url.is_none() {
        p.url = prompt::text("Gateway URL (empty: none; then give --url on each call)", None, true, |v| {
            crate::request::parse_url(v).map(drop).map_err(|e| e.to_string())
        })?;
    }
    if f.gateway.is_none() && p.gateway.is_none() {
        // Every flavour, from the enum itself: a new one is offered without a change here.
        let all = <Gateway as clap::ValueEnum>::value_variants();
        let items: Vec<String> = all.iter().map(|g| format!("{:<14} {}", g.name(), g.describe())).collect();
        let on_aws = p.auth == AuthScheme::Sigv4
            || p.url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .is_some_and(|u| u.host_str().is_some_and(|h| h.ends_with(".amazonaws.com") || h.ends_with(".on.aws")));
        let default = if on_aws { all.iter().position(|g| *g == Gateway::Aws).unwrap_or(0) } else { 0 };
        p.gateway = Some(all[prompt::select("Gateway flavour", &items, default)?]);
    }
    Ok(())
}

/// On a terminal: the fields the scheme asks for (a user name or key id, a SigV4 scope, an
/// OAuth2 client), unless given as flags (an empty flag leaves its field unset).
fn ask_scheme_fields(p: &mut ProfileToml, f: &ProfileFields) -> Result<(), Error> {
    let cx =
        FieldsContext { id_from_store: matches!(p.store, StoreSpec::Command(_)), assumes_role: p.role_arn.is_some() };
    let given: Vec<&str> =
        f.scheme_keys().into_iter().filter(|(_, _, value, _)| value.is_some()).map(|(_, key, _, _)| key).collect();
    for q in AuthConfig::questions(p.auth) {
        if given.contains(&q.key) || !(q.wanted)(&p.fields, &cx) {
            continue;
        }
        let answer = prompt::text(q.label, None, q.optional, |v| {
            if q.url {
                crate::request::parse_url(v).map_err(|e| e.to_string())?;
            }
            (q.check)(v)
        })?;
        (q.set)(&mut p.fields, answer);
    }
    Ok(())
}

/// On a terminal: where the secret lives. Each store is probed (the keyrings with a real
/// write, read and delete); only those that answer are offered, and why the others are not
/// is said first.
fn ask_store(cf: &ConfigFile, name: &str, p: &ProfileToml) -> Result<StoreSpec, Error> {
    let mut offered: Vec<(StoreSpec, String)> = Vec::new();
    let mut not_offered: Vec<String> = Vec::new();
    let platform = KeyringBackend::platform_default();
    let mut backends: Vec<KeyringBackend> = KeyringBackend::ALL.into_iter().filter(|b| b.supported_here()).collect();
    backends.sort_by_key(|b| Some(*b) != platform);
    for backend in backends {
        let what = match backend {
            KeyringBackend::SecretService => "the desktop keyring (GNOME Keyring, KWallet)",
            KeyringBackend::Keyutils => "the kernel keyring: kept in memory, lost at reboot",
            KeyringBackend::Keychain => "the macOS Keychain",
            KeyringBackend::Wincred => "the Windows Credential Manager",
        };
        match KeyringStore::new(backend).probe() {
            Ok(t) => offered.push((
                StoreSpec::Keyring(backend),
                format!("{:<15} {what} (answered in {:.1} ms)", backend.name(), t.as_secs_f64() * 1e3),
            )),
            Err(e) => not_offered.push(format!("{}: {}", backend.name(), store_reason(&e))),
        }
    }
    let dir = store::file_store_dir(&cf.dir());
    match store::FileStore::new(dir.clone()).probe() {
        Ok(_) => {
            let passphrase = if std::env::var_os(store::PASSPHRASE_VAR).is_some_and(|v| !v.is_empty()) {
                format!("passphrase from ${}", store::PASSPHRASE_VAR)
            } else {
                "passphrase asked for".into()
            };
            offered.push((
                StoreSpec::File,
                format!("{:<15} an age-encrypted file in {} ({passphrase})", "file", dir.display()),
            ));
        }
        Err(e) => not_offered.push(format!("file: {}", store_reason(&e))),
    }
    offered.push((
        StoreSpec::Env(String::new()),
        format!("{:<15} read from an environment variable at each use (gwctl keeps nothing)", "env:VAR"),
    ));
    offered.push((
        StoreSpec::Command(String::new()),
        format!("{:<15} printed by a command at each use (pass show …, op read …)", "command:CMD"),
    ));
    for why in &not_offered {
        eprintln!("gwctl: not offered: {why}");
    }
    let labels: Vec<String> = offered.iter().map(|(_, l)| l.clone()).collect();
    let question = if p.role_arn.is_some() { "Secret store (for the role's sessions)" } else { "Secret store" };
    let i = prompt::select(question, &labels, 0)?;
    Ok(match &offered[i].0 {
        StoreSpec::Env(_) => {
            let default = format!("GWCTL_SECRET_{}", name.to_ascii_uppercase().replace(['.', '-'], "_"));
            let var = prompt::text("Environment variable holding the secret", Some(&default), false, |v| {
                format!("env:{v}").parse::<StoreSpec>().map(drop).map_err(|e| e.to_string())
            })?
            .unwrap_or(default);
            StoreSpec::Env(var)
        }
        StoreSpec::Command(_) => {
            let default = which("pass").then(|| format!("pass show gwctl/{name}"));
            let cmd =
                prompt::text("Command printing the secret", default.as_deref(), false, |_| Ok(()))?.unwrap_or_default();
            format!("command:{cmd}").parse::<StoreSpec>()?
        }
        spec => spec.clone(),
    })
}

/// Why a store does not answer, as one short line.
fn store_reason(e: &StoreError) -> String {
    let text = match e {
        StoreError::Unavailable { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    store::one_line(&text, 200)
}

/// Whether `program` is on PATH.
fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(program).is_file()))
}

/// Commits a new profile and says so.
fn save_new(
    cf: &ConfigFile,
    name: &str,
    profile: Profile,
    secret: Option<Secret>,
    store: &dyn SecretStore,
    old: Option<Profile>,
) -> Result<(), Error> {
    let (scheme, spec) = (profile.scheme(), profile.store.clone());
    let role = profile.role.as_ref().map(|r| format!("assumes {} with profile {:?}", r.role_arn, r.source_profile));
    let (became_default, warnings) = commit_new(cf, name, profile, secret, store, old)?;
    for w in warnings {
        eprintln!("gwctl: warning: {w}");
    }
    eprintln!(
        "gwctl: profile {name:?} saved ({}{}){}",
        if scheme.has_credentials() { format!("{scheme}, ") } else { String::new() },
        match &spec {
            _ if role.is_some() => role.clone().unwrap_or_default(),
            StoreSpec::None => "auth none: no credentials, no secret".into(),
            StoreSpec::Env(v) => format!("secret read from ${v} at use"),
            StoreSpec::Command(_) => "secret printed by its command at use".into(),
            s => format!("secret in {s}"),
        },
        if became_default { "; it is the default profile" } else { "" }
    );
    Ok(())
}

fn open_store(spec: &StoreSpec, cf: &ConfigFile) -> Result<Box<dyn SecretStore>, Error> {
    if *spec == StoreSpec::Auto {
        let (store, latency) = store::resolve_auto(&cf.dir())?;
        verbose(format_args!("store auto: {} answered in {:.1} ms", store.spec(), latency.as_secs_f64() * 1e3));
        return Ok(store);
    }
    Ok(store::open(spec, &cf.dir())?)
}

fn apply_fields(p: &mut ProfileToml, f: &ProfileFields) -> Result<(), Error> {
    let set = |dst: &mut Option<String>, src: &Option<String>| {
        if let Some(v) = src {
            *dst = if v.is_empty() { None } else { Some(v.clone()) };
        }
    };
    set(&mut p.url, &f.url);
    for (_, _, value, key) in f.scheme_keys() {
        set(key(&mut p.fields), value);
    }
    set(&mut p.iam_endpoint, &f.iam_endpoint);
    set(&mut p.sts_endpoint, &f.sts_endpoint);
    if f.gateway.is_some() {
        p.gateway = f.gateway;
    }
    if let Some(a) = f.auth {
        p.auth = a;
    }
    apply_role(p, &f.role);
    if p.auth == AuthScheme::Oauth2 {
        apply_oauth2(p, &f.oauth2, &f.jwt)?;
    } else {
        if f.oauth2.any() {
            return Err(Error::Usage(format!(
                "OAuth2 options (--token-url, --client-id, …) cannot be used with --auth {}",
                p.auth
            )));
        }
        apply_jwt(p, &f.jwt)?;
    }
    if p.auth != AuthScheme::Jwt && p.fields.jwt.is_some() {
        return Err(Error::Usage(format!("JWT options (--alg, --iss, …) cannot be used with --auth {}", p.auth)));
    }
    if let Some(u) = &p.fields.username
        && u.contains(':')
    {
        return Err(Error::Input("a Basic user name must not contain ':'".into()));
    }
    Ok(())
}

/// The OAuth2 flags: a preset first (token endpoint, scope, client authentication), then the
/// explicit flags over it. `--alg`/`--kid` are the private_key_jwt assertion's.
fn apply_oauth2(p: &mut ProfileToml, a: &OAuth2Args, j: &JwtArgs) -> Result<(), Error> {
    use crate::tokens::oauth2::{Preset, PresetInput, TokenEndpoint};
    if j.iss.is_some() || j.sub.is_some() || !j.aud.is_empty() || j.ttl.is_some() || !j.claim.is_empty() || j.no_jti {
        return Err(Error::Usage(
            "with --auth oauth2 only --alg and --kid (of a private-key-jwt assertion) apply of the JWT options".into(),
        ));
    }
    let token_err = |e: crate::tokens::oauth2::TokenError| match e.exit_code() {
        crate::exit::ExitCode::Usage => Error::Usage(e.to_string()),
        _ => Error::Input(e.to_string()),
    };
    let o = p.fields.oauth2.get_or_insert_with(Default::default);
    let set = |dst: &mut Option<String>, src: &Option<String>| {
        if let Some(v) = src {
            *dst = if v.is_empty() { None } else { Some(v.clone()) };
        }
    };
    set(&mut o.tenant, &a.tenant);
    if let Some(id) = &a.client_id {
        o.client_id.clone_from(id);
    }
    if let Some(preset) = a.preset {
        let preset = Preset::from(preset);
        let input = PresetInput { host: p.url.as_deref(), tenant: o.tenant.as_deref() };
        if let Some(c) = preset.config(&o.client_id, input).map_err(token_err)? {
            if let TokenEndpoint::Url(u) = &c.endpoint {
                o.token_url = Some(u.to_string());
                o.issuer = None;
            }
            o.scopes.clone_from(&c.scopes);
            o.client_auth = Some(c.client_auth.short_name().to_string());
        }
        o.preset = (preset != Preset::Generic).then(|| preset.name().to_string());
    }
    if let Some(u) = &a.token_url {
        o.token_url = Some(u.clone()).filter(|u| !u.is_empty());
        o.issuer = None;
    }
    if let Some(u) = &a.issuer {
        o.issuer = Some(u.clone()).filter(|u| !u.is_empty());
        o.token_url = None;
    }
    if !a.scopes.is_empty() {
        o.scopes = a.scopes.iter().flat_map(|s| s.split_whitespace()).map(str::to_string).collect();
    }
    set(&mut o.audience, &a.audience);
    if !a.resources.is_empty() {
        o.resources.clone_from(&a.resources);
    }
    if let Some(m) = a.client_auth {
        o.client_auth = Some(m.stored_name().to_string());
    }
    set(&mut o.alg, &j.alg);
    set(&mut o.kid, &j.kid);
    // On a terminal the client id is asked for next.
    if o.client_id.is_empty() && !interactive() {
        return Err(Error::Usage("an oauth2 profile needs --client-id".into()));
    }
    Ok(())
}

/// The AssumeRole flags (an empty value removes the field; an empty --role-arn the role).
fn apply_role(p: &mut ProfileToml, r: &RoleArgs) {
    let set = |dst: &mut Option<String>, src: &Option<String>| {
        if let Some(v) = src {
            *dst = if v.is_empty() { None } else { Some(v.clone()) };
        }
    };
    set(&mut p.role_arn, &r.role_arn);
    set(&mut p.source_profile, &r.source_profile);
    set(&mut p.external_id, &r.external_id);
    set(&mut p.mfa_serial, &r.mfa_serial);
    set(&mut p.duration, &r.duration);
    set(&mut p.session_name, &r.session_name);
    if r.role_arn.as_deref() == Some("") {
        p.source_profile = None;
        p.external_id = None;
        p.mfa_serial = None;
        p.duration = None;
        p.session_name = None;
    }
}

fn apply_jwt(p: &mut ProfileToml, j: &JwtArgs) -> Result<(), Error> {
    if !j.any() {
        return Ok(());
    }
    let over = j.config()?;
    p.fields.jwt.get_or_insert_with(JwtConfig::default).overlay(&over);
    Ok(())
}

/// The secret for a profile: `--key-file`, `--secret-stdin`, or a hidden prompt. `required`:
/// a new profile in a writable store must get one.
fn obtain_secret(
    f: &ProfileFields,
    p: &Profile,
    store: &dyn SecretStore,
    required: bool,
) -> Result<Option<Secret>, Error> {
    let given = if let Some(path) = &f.key_file {
        let private_key_jwt = matches!(&p.auth, crate::scheme::AuthConfig::OAuth2(o)
            if o.client_auth.as_deref() == Some("private-key-jwt"));
        if p.scheme() != AuthScheme::Jwt && !private_key_jwt {
            return Err(Error::Usage(
                "--key-file is for --auth jwt and --auth oauth2 --client-auth private-key-jwt (a PEM private key)"
                    .into(),
            ));
        }
        let bytes = crate::util::read_limited(path, MAX_SECRET)
            .map_err(|e| Error::io(format!("cannot read key file {}", path.display()), e))?;
        Some(Zeroizing::new(bytes))
    } else if f.secret_stdin {
        let mut buf = Zeroizing::new(
            crate::util::read_limited_from(std::io::stdin().lock(), MAX_SECRET)
                .map_err(|e| Error::io("cannot read the secret from standard input", e))?,
        );
        if buf.ends_with(b"\n") {
            buf.pop();
            if buf.ends_with(b"\r") {
                buf.pop();
            }
        }
        if buf.is_empty() {
            return Err(Error::Input("--secret-stdin: standard input was empty".into()));
        }
        Some(buf)
    } else {
        None
    };
    if given.is_some()
        && let Some(why) = store.read_only()
    {
        return Err(why.into());
    }
    if given.is_some() || !store.writable() || !required {
        return Ok(given);
    }
    if !interactive() {
        return Err(ProfileError::NeedsTerminal(
            "no secret given: pipe it in with --secret-stdin (or --key-file for jwt); there is no terminal to prompt on"
                .into(),
        )
        .into());
    }
    // A private key is read from its file, not typed.
    let pem = p.auth.secret_is_key_file();
    if pem {
        let path = prompt::text("Private key file (PEM; copied into the store)", None, false, |v| {
            if std::path::Path::new(v).is_file() { Ok(()) } else { Err(format!("{v}: no such file")) }
        })?
        .unwrap_or_default();
        let bytes = crate::util::read_limited(std::path::Path::new(&path), MAX_SECRET)
            .map_err(|e| Error::io(format!("cannot read key file {path}"), e))?;
        return Ok(Some(Zeroizing::new(bytes)));
    }
    let Some(what) = p.scheme().secret_label() else { return Ok(None) };
    let s = prompt::secret_confirmed(what)?;
    Ok(Some(Zeroizing::new(s.as_bytes().to_vec())))
}

fn list(cf: &ConfigFile, format: ListFormat) -> Result<(), Error> {
    let c = cf.load()?;
    let default = c.default_profile.as_deref();
    if format == ListFormat::Json {
        let items: Vec<serde_json::Value> =
            c.profiles.iter().map(|(name, p)| profile_json(name, p, Some(name.as_str()) == default, None)).collect();
        return super::print(&format!("{}\n", serde_json::Value::from(items)));
    }
    if c.profiles.is_empty() {
        eprintln!("gwctl: no profiles yet (gwctl profile add NAME --auth …)");
        return Ok(());
    }
    let mut rows = vec![vec!["  NAME".to_string(), "AUTH".into(), "STORE".into(), "URL".into()]];
    rows.extend(c.profiles.iter().map(|(n, p)| {
        let mark = if Some(n.as_str()) == default { "* " } else { "  " };
        let store = if p.store == StoreSpec::None { "-".to_string() } else { p.store.to_string() };
        vec![format!("{mark}{n}"), p.scheme().to_string(), store, p.url.clone().unwrap_or_default()]
    }));
    super::print(&crate::output::table(&rows))
}

/// A profile's non-secret fields as JSON (snake_case keys), led by its name.
fn profile_json(name: &str, p: &Profile, is_default: bool, secret: Option<String>) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    o.insert("name".into(), name.into());
    o.insert("default".into(), is_default.into());
    if let serde_json::Value::Object(fields) = serde_json::to_value(p).expect("profiles serialise") {
        o.extend(fields);
    }
    if let Some(s) = secret {
        o.insert("secret".into(), s.into());
    }
    o.into()
}

/// The secret as `show` prints it: masked, or why it cannot be read.
fn secret_summary(cf: &ConfigFile, name: &str, p: &Profile) -> String {
    slot_summary(cf, name, p, Slot::Current)
}

fn slot_summary(cf: &ConfigFile, name: &str, p: &Profile, slot: Slot) -> String {
    match p.store {
        StoreSpec::Command(_) => return "(printed by the command at use)".into(),
        StoreSpec::None => return "none (auth none: requests are sent without credentials)".into(),
        _ => {}
    }
    let store = match store::open(&p.store, &cf.dir()) {
        Ok(s) => s,
        Err(e) => return format!("(unavailable: {e})"),
    };
    match store.get(&slot.entry(name)) {
        Ok(s) => mask_stored(&s),
        Err(StoreError::NotFound { .. }) if slot == Slot::Pending => "none".into(),
        Err(StoreError::NotFound { .. }) => "(missing)".into(),
        Err(e) => format!("(unavailable: {e})"),
    }
}

/// A stored secret, masked; credential JSON shows its key id and the masked secret key.
fn mask_stored(s: &[u8]) -> String {
    // Key material is described, never partly shown.
    if s.trim_ascii_start().starts_with(b"-----BEGIN") {
        return "**** (PEM key)".into();
    }
    if s.trim_ascii_start().starts_with(b"{")
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(s)
    {
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("");
        return format!("{} (access key {})", profile::mask(get("SecretAccessKey").as_bytes()), get("AccessKeyId"));
    }
    profile::mask(s)
}

fn show(cf: &ConfigFile, name: &str, format: ShowFormat) -> Result<(), Error> {
    let c = cf.load()?;
    let p = c.get(name)?;
    let is_default = c.default_profile.as_deref() == Some(name);
    let secret = secret_summary(cf, name, p);
    let pending = p.rotation.as_ref().map(|_| slot_summary(cf, name, p, Slot::Pending));
    if format == ShowFormat::Json {
        let secret = if p.store == StoreSpec::None { "none".to_string() } else { secret };
        let mut v = profile_json(name, p, is_default, Some(secret));
        if let (Some(pending), Some(obj)) = (pending, v.as_object_mut()) {
            obj.insert("pending_secret".into(), pending.into());
        }
        return super::print(&format!("{v}\n"));
    }
    let body = toml::to_string(p).map_err(|e| Error::Input(format!("cannot print the profile: {e}")))?;
    let mut text =
        format!("# profile {name}{}\n{body}# secret: {secret}\n", if is_default { " (default)" } else { "" });
    if let (Some(r), Some(pending)) = (&p.rotation, pending) {
        text.push_str(&format!("# pending secret: {pending}\n# {}\n", crate::keys::describe(name, r)));
    }
    super::print(&text)
}

fn edit(cf: &ConfigFile, name: &str, f: &ProfileFields) -> Result<(), Error> {
    let config = cf.load()?;
    let old = config.get(name)?.clone();
    let mut draft = old.to_toml();
    apply_fields(&mut draft, f)?;
    let old_store = store::open(&old.store, &cf.dir())?;
    let new_store = match &f.store {
        _ if !draft.auth.has_credentials() => {
            // To auth none: the secret (if any) is forgotten with the old store.
            refuse_secret_flags(f)?;
            Box::new(store::NoStore)
        }
        Some(spec) => open_store(&spec.parse()?, cf)?,
        // From auth none to a scheme with a secret: a store as for a new profile.
        None if old.store == StoreSpec::None => open_store(&StoreSpec::Auto, cf)?,
        None => store::open(&old.store, &cf.dir())?,
    };
    draft.store = new_store.spec();
    let p = Profile::try_from(draft)?;
    let moved = p.store != old.store;
    if moved && let Some(r) = &old.rotation {
        return Err(Error::Usage(format!(
            "a key rotation of {name:?} is under way (step {}): finish it with gwctl keys rotate --profile {name} before moving the secret",
            r.step.name()
        )));
    }
    let mut secret = obtain_secret(f, &p, new_store.as_ref(), false)?;
    if secret.is_none() && new_store.writable() {
        if p.scheme() != old.scheme() {
            return Err(Error::Usage(format!(
                "changing the scheme from {} to {} needs the new secret: pass --secret-stdin (or --key-file)",
                old.scheme(),
                p.scheme()
            )));
        }
        if moved {
            if !old_store.writable() {
                return Err(Error::Usage(format!(
                    "moving {name:?} from {} to {} needs the secret: pass --secret-stdin",
                    old.store, p.store
                )));
            }
            secret = Some(old_store.get(name)?);
        }
    }
    for w in commit_edit(cf, name, &old, p, new_store.as_ref(), secret)? {
        eprintln!("gwctl: warning: {w}");
    }
    eprintln!("gwctl: profile {name:?} updated");
    Ok(())
}

fn remove(cf: &ConfigFile, name: &str, yes: bool) -> Result<(), Error> {
    let config = cf.load()?;
    let p = config.get(name)?.clone();
    if !yes {
        if !interactive() {
            return Err(ProfileError::NeedsTerminal(format!(
                "pass --yes to remove profile {name:?} (there is no terminal to confirm on)"
            ))
            .into());
        }
        if !confirm(&format!("Remove profile {name:?} and its secret in {}?", p.store))? {
            eprintln!("gwctl: nothing removed");
            return Ok(());
        }
    }
    for w in crate::ops::profile::remove(cf, name, &p)? {
        eprintln!("gwctl: warning: {w}");
    }
    eprintln!("gwctl: profile {name:?} removed");
    Ok(())
}

fn use_profile(cf: &ConfigFile, name: &str) -> Result<(), Error> {
    cf.update(|c| {
        c.get(name)?;
        c.default_profile = Some(name.to_string());
        Ok(())
    })?;
    eprintln!("gwctl: {name:?} is now the default profile");
    Ok(())
}

fn import_aws(cf: &ConfigFile, a: &ImportAwsArgs) -> Result<(), Error> {
    if let Some(role) = a.aws_profile.as_deref().and_then(aws_import::role_from_config) {
        return import_aws_role(cf, a, role);
    }
    let imported = match &a.aws_profile {
        Some(p) => aws_import::from_files(p)?,
        None => match aws_import::from_env() {
            Some(i) => i,
            None => aws_import::from_files("default")?,
        },
    };
    let name = a.name.clone().or_else(|| a.aws_profile.clone()).unwrap_or_else(|| "aws".into());
    check_name(&name)?;
    let old = check_overwrite(cf, &name, a.yes)?;
    let spec: StoreSpec = a.store.as_deref().unwrap_or("auto").parse()?;
    let store = open_store(&spec, cf)?;
    if !store.writable() {
        return Err(Error::Usage(format!("import needs a store gwctl can write to, not {spec}")));
    }
    let mut draft = ProfileToml::new(AuthScheme::Sigv4, store.spec());
    draft.fields.access_key_id = Some(imported.access_key_id.clone());
    draft.fields.region = imported.region.clone();
    draft.fields.service = a.service.clone();
    let profile = Profile::try_from(draft)?;
    eprintln!("gwctl: importing access key {} from {}", imported.access_key_id, imported.source);
    save_new(cf, &name, profile, Some(imported.stored_secret()), store.as_ref(), old)
}

/// A role profile of ~/.aws/config: its role settings (no secret: the source profile signs).
fn import_aws_role(cf: &ConfigFile, a: &ImportAwsArgs, role: aws_import::AwsRole) -> Result<(), Error> {
    let name = a.name.clone().or_else(|| a.aws_profile.clone()).unwrap_or_else(|| "aws".into());
    check_name(&name)?;
    let source = role.source_profile.clone().ok_or_else(|| {
        Error::Usage(format!(
            "{} has a role_arn without source_profile (credential_source and web identity are not imported)",
            role.source
        ))
    })?;
    let old = check_overwrite(cf, &name, a.yes)?;
    let spec: StoreSpec = a.store.as_deref().unwrap_or("auto").parse()?;
    let store = open_store(&spec, cf)?;
    let mut draft = ProfileToml::new(AuthScheme::Sigv4, store.spec());
    draft.role_arn = Some(role.role_arn.clone());
    draft.source_profile = Some(source.clone());
    draft.mfa_serial = role.mfa_serial.clone();
    draft.external_id = role.external_id.clone();
    draft.duration = role.duration_seconds.clone();
    draft.session_name = role.role_session_name.clone();
    draft.fields.region = role.region.clone();
    draft.fields.service = a.service.clone();
    let profile = Profile::try_from(draft)?;
    eprintln!("gwctl: importing role {} (source profile {source:?}) from {}", role.role_arn, role.source);
    if !cf.load()?.profiles.contains_key(&source) {
        eprintln!(
            "gwctl: warning: there is no gwctl profile {source:?} yet: import it too (gwctl profile import aws --aws-profile {source})"
        );
    }
    save_new(cf, &name, profile, None, store.as_ref(), old)
}
