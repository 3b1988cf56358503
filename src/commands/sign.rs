//! `gwctl sign`: print what to send for a request.

use crate::cli::SignArgs;
use crate::error::Error;
use crate::output::{self, Format, Prepared};
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::request::{self, Body, BodyArg};
use crate::scheme::AuthScheme;
use crate::signing::{Request, SigningTime};

pub fn run(args: SignArgs, config: &ConfigFile) -> Result<(), Error> {
    let resolved = resolve::resolve(config, args.credentials.profile.as_deref(), args.credentials.auth)?;
    if !resolved.settings.scheme().has_credentials() {
        return Err(Error::Usage(format!(
            "{}: there is nothing to sign (send the request as it is, e.g. curl URL)",
            match resolved.name() {
                Some(name) => format!("profile {name:?} has auth none"),
                None => "--auth none".into(),
            }
        )));
    }
    check_flags(&args, resolved.settings.scheme())?;
    let url = request::parse_url(&request::join_url(resolved.url(), &args.url)?)?;
    let headers = args.headers.iter().map(|h| request::parse_header_line(h)).collect::<Result<Vec<_>, _>>()?;
    let body_arg = args.data.as_deref().map(BodyArg::parse);
    let body = Body::load(body_arg.as_ref(), &mut std::io::stdin().lock())?;
    let method = args.method.clone().unwrap_or_else(|| if body.is_present() { "POST" } else { "GET" }.into());
    let time = match &args.time {
        Some(t) => SigningTime::parse(t)?,
        None => SigningTime::now(),
    };

    let mut req = Request::from_url(&method, &url)?;
    req.headers = headers;

    let settings = super::call_settings(&resolved, &args.sigv4.scope, &args.jwt)?;
    let auth = resolved.auth(settings);
    let net = args.transport.settings();
    net.check()?;
    auth.provider().use_network(&net);
    // A credential at hand (environment, store) needs no async runtime: sign makes none then.
    let signer = match auth.signer_now(&req.authority) {
        Some(s) => s?,
        None => crate::http::block_on(auth.signer(&req.authority))??,
    };
    let payload = body.payload();
    let signed = if args.sigv4.presign {
        signer.presign(&req, &payload, time, args.sigv4.expires)?
    } else {
        signer.sign(&req, &payload, time)?
    };

    if args.explain {
        match &signed.details {
            Some(d) => {
                let signed_headers: Vec<&str> =
                    d.canonical_request.lines().rev().nth(1).map(|l| l.split(';').collect()).unwrap_or_default();
                eprintln!(
                    "--- canonical request\n{}\n--- string to sign\n{}\n--- signed headers: {}\n--- signature: {}",
                    d.canonical_request,
                    d.string_to_sign,
                    signed_headers.join(", "),
                    d.signature
                );
            }
            None => eprintln!(
                "gwctl: --explain: {} has no canonical request (it signs no request bytes)",
                resolved.settings.scheme()
            ),
        }
    }
    let format = args.format.unwrap_or(if args.sigv4.presign { Format::Url } else { Format::Headers });
    if format == Format::Url && signed.url.is_none() {
        return Err(Error::Usage("--format url prints a presigned URL: add --presign".into()));
    }
    let (headers, auto_host) = signed.merge_into(&req.headers);
    let prepared = Prepared {
        method: &method,
        url: signed.url.clone().unwrap_or_else(|| url.to_string()),
        headers,
        body: &body,
        auto_host,
    };
    super::print(&output::render(format, &prepared)?)
}

/// Flags that belong to one scheme are refused with another, rather than silently ignored.
fn check_flags(args: &SignArgs, scheme: AuthScheme) -> Result<(), Error> {
    let s = &args.sigv4.scope;
    let j = &args.jwt;
    let mut misplaced: Vec<&str> = Vec::new();
    if scheme != AuthScheme::Sigv4 {
        for (set, name) in [
            (s.region.is_some(), "--region"),
            (s.service.is_some(), "--service"),
            (args.sigv4.presign, "--presign"),
            (s.content_sha256, "--content-sha256"),
        ] {
            if set {
                misplaced.push(name);
            }
        }
    }
    if s.unsigned_payload && !matches!(scheme, AuthScheme::Sigv4 | AuthScheme::Huawei) {
        misplaced.push("--unsigned-payload");
    }
    if scheme != AuthScheme::Jwt {
        for (set, name) in [
            (j.alg.is_some(), "--alg"),
            (j.iss.is_some(), "--iss"),
            (j.sub.is_some(), "--sub"),
            (!j.aud.is_empty(), "--aud"),
            (j.ttl.is_some(), "--ttl"),
            (j.kid.is_some(), "--kid"),
            (!j.claim.is_empty(), "--claim"),
            (j.no_jti, "--no-jti"),
        ] {
            if set {
                misplaced.push(name);
            }
        }
    }
    if !misplaced.is_empty() {
        return Err(Error::Usage(format!("{} cannot be used with --auth {scheme}", misplaced.join(", "))));
    }
    Ok(())
}
