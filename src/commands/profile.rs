//! `gwctl profile …`: add, list, show, edit, remove, use, import.

use zeroize::Zeroizing;

use crate::cli::{ImportAwsArgs, ImportSource, JwtArgs, ListFormat, ProfileCommand, ProfileFields, ShowFormat};
use crate::error::Error;
use crate::log::verbose;
use crate::ops::profile::{commit_edit, commit_new};
use crate::profile::config::ConfigFile;
use crate::profile::store::{self, Secret, SecretStore, StoreError, StoreSpec};
use crate::profile::{self, Profile, ProfileError, ProfileToml, Slot, aws_import, check_name};
use crate::prompt::{confirm, interactive, prompt_err};
use crate::scheme::{AuthScheme, JwtConfig};

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
    let auth = match f.auth {
        Some(a) => a,
        None if interactive() => {
            let names: Vec<&str> = AuthScheme::ALL.iter().map(|a| a.name()).collect();
            let i = dialoguer::Select::new()
                .with_prompt("Authentication scheme")
                .items(&names)
                .default(0)
                .interact()
                .map_err(prompt_err)?;
            AuthScheme::ALL[i]
        }
        None => return Err(Error::Usage("--auth is required (there is no terminal to ask on)".into())),
    };
    let spec: StoreSpec = f.store.as_deref().unwrap_or("auto").parse()?;
    let mut draft = ProfileToml::new(auth, spec.clone());
    apply_fields(&mut draft, f)?;
    ask_missing_fields(&mut draft)?;
    let store = open_store(&spec, cf)?;
    draft.store = store.spec();
    let mut profile = Profile::try_from(draft)?;
    let secret = obtain_secret(f, &profile, store.as_ref(), true)?;
    if secret.is_some() {
        profile.key_created = Some(profile::now_rfc3339());
    }
    save_new(cf, name, profile, secret, store.as_ref(), old)
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
    let (became_default, warnings) = commit_new(cf, name, profile, secret, store, old)?;
    for w in warnings {
        eprintln!("gwctl: warning: {w}");
    }
    eprintln!(
        "gwctl: profile {name:?} saved ({scheme}, secret {}){}",
        match &spec {
            StoreSpec::Env(v) => format!("read from ${v} at use"),
            StoreSpec::Command(_) => "printed by its command at use".into(),
            s => format!("in {s}"),
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
    set(&mut p.username, &f.username);
    set(&mut p.access_key_id, &f.access_key_id);
    set(&mut p.region, &f.region);
    set(&mut p.service, &f.service);
    set(&mut p.iam_endpoint, &f.iam_endpoint);
    set(&mut p.sts_endpoint, &f.sts_endpoint);
    if f.gateway.is_some() {
        p.gateway = f.gateway;
    }
    if let Some(a) = f.auth {
        p.auth = a;
    }
    apply_jwt(p, &f.jwt)?;
    if p.auth != AuthScheme::Jwt && p.jwt.is_some() {
        return Err(Error::Usage(format!("JWT options (--alg, --iss, …) cannot be used with --auth {}", p.auth)));
    }
    if let Some(u) = &p.username
        && u.contains(':')
    {
        return Err(Error::Input("a Basic user name must not contain ':'".into()));
    }
    Ok(())
}

fn apply_jwt(p: &mut ProfileToml, j: &JwtArgs) -> Result<(), Error> {
    if !j.any() {
        return Ok(());
    }
    let over = j.config()?;
    p.jwt.get_or_insert_with(JwtConfig::default).overlay(&over);
    Ok(())
}

/// On a terminal, asks for the non-secret fields the scheme needs.
fn ask_missing_fields(p: &mut ProfileToml) -> Result<(), Error> {
    if !interactive() {
        return Ok(());
    }
    let ask = |label: &str| -> Result<String, Error> {
        dialoguer::Input::<String>::new().with_prompt(label).interact_text().map_err(prompt_err)
    };
    match p.auth {
        AuthScheme::Basic if p.username.is_none() => p.username = Some(ask("User name")?),
        AuthScheme::Sigv4 | AuthScheme::Apipark | AuthScheme::Huawei
            if p.access_key_id.is_none() && !matches!(p.store, StoreSpec::Command(_)) =>
        {
            p.access_key_id = Some(ask("Access key id")?)
        }
        _ => {}
    }
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
        if p.scheme() != AuthScheme::Jwt {
            return Err(Error::Usage("--key-file is for --auth jwt (a PEM private key)".into()));
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
    let what = match p.scheme() {
        AuthScheme::Basic => "Password",
        AuthScheme::Sigv4 | AuthScheme::Apipark | AuthScheme::Huawei => "Secret access key",
        AuthScheme::Jwt => "JWT HMAC secret (for a PEM key use --key-file)",
        AuthScheme::Bearer => "Token",
    };
    let s = dialoguer::Password::new().with_prompt(what).interact().map_err(prompt_err)?;
    if s.is_empty() {
        return Err(Error::Input("the secret is empty".into()));
    }
    Ok(Some(Zeroizing::new(s.into_bytes())))
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
        vec![format!("{mark}{n}"), p.scheme().to_string(), p.store.to_string(), p.url.clone().unwrap_or_default()]
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
    if let StoreSpec::Command(_) = p.store {
        return "(printed by the command at use)".into();
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
        Some(spec) => open_store(&spec.parse()?, cf)?,
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
    draft.access_key_id = Some(imported.access_key_id.clone());
    draft.region = imported.region.clone();
    draft.service = a.service.clone();
    let profile = Profile::try_from(draft)?;
    eprintln!("gwctl: importing access key {} from {}", imported.access_key_id, imported.source);
    save_new(cf, &name, profile, Some(imported.stored_secret()), store.as_ref(), old)
}
