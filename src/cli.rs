//! The command line, and nothing else: clap definitions with each flag's docs beside it.

use std::ffi::OsString;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use crate::auth::AuthScheme;
use crate::output::Format;

#[derive(Debug, Parser)]
#[command(
    name = "gwctl",
    version,
    about = "Sign and call AI/ML API gateways: Basic, AWS SigV4, AK/SK (APIPark, Huawei) and JWT",
    long_about = None,
    propagate_version = true,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the signed headers, presigned URL or a ready curl command for a request
    Sign(SignArgs),
}

const SIGN_EXAMPLES: &str = "\
Examples:
  # SigV4 headers for an STS call (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)
  gwctl sign --auth sigv4 -X POST -H 'Content-Type: application/x-www-form-urlencoded' \\
      -d 'Action=GetCallerIdentity&Version=2011-06-15' https://sts.amazonaws.com/

  # A runnable curl command for a Bedrock model (region and service come from the host)
  gwctl sign --auth sigv4 --format curl -d @body.json \\
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1:0/invoke'

  # A presigned URL valid for 10 minutes
  gwctl sign --auth sigv4 --region us-east-1 --service execute-api --presign --expires 600 \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/models

  # A JWT bearer header (key from GWCTL_JWT_KEY: a PEM, a secret, or @file)
  gwctl sign --auth jwt --alg RS256 --iss me --aud gateway --ttl 15m https://gw.example.com/v1/chat

Credentials come from the environment, never from arguments:
  sigv4, apipark, huawei  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN, AWS_REGION]
  basic                   GWCTL_USERNAME, GWCTL_PASSWORD
  jwt                     GWCTL_JWT_KEY (PEM text, secret, base64:SECRET, or @FILE)
  bearer                  GWCTL_TOKEN";

#[derive(Debug, Args)]
#[command(after_help = SIGN_EXAMPLES)]
pub struct SignArgs {
    /// The request URL, signed in exactly the form it is sent
    #[arg(value_name = "URL")]
    pub url: String,

    /// HTTP method [default: GET, or POST with -d]
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,

    /// Add a header, 'Name: value' (repeatable; signed with the request)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Body: DATA as given, @FILE (exact bytes, hashed by streaming) or @- (standard input)
    #[arg(short = 'd', long = "data", value_name = "DATA|@FILE|@-", allow_hyphen_values = true)]
    pub data: Option<OsString>,

    /// Authentication scheme
    #[arg(
        long,
        value_name = "SCHEME",
        value_parser = PossibleValuesParser::new(AuthScheme::NAMES).map(|s| s.parse::<AuthScheme>().expect("listed"))
    )]
    pub auth: AuthScheme,

    /// Output: headers, json, curl, or url (the presigned URL) [default: headers; url with --presign]
    #[arg(
        long,
        value_name = "FORMAT",
        value_parser = PossibleValuesParser::new(Format::NAMES).map(|s| s.parse::<Format>().expect("listed"))
    )]
    pub format: Option<Format>,

    /// Fixed signing time, 20150830T123600Z or RFC 3339, for reproducible output [default: now]
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,

    #[command(flatten)]
    pub sigv4: SigV4Args,

    #[command(flatten)]
    pub jwt: JwtArgs,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "SigV4 options")]
pub struct SigV4Args {
    /// SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,

    /// Print a presigned URL (query-string auth) instead of headers
    #[arg(long)]
    pub presign: bool,

    /// Presigned URL lifetime in seconds, at most 604800 (7 days)
    #[arg(long, value_name = "SECONDS", requires = "presign", default_value_t = 900)]
    pub expires: u64,

    /// Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)
    #[arg(long)]
    pub unsigned_payload: bool,

    /// Add and sign X-Amz-Content-SHA256 (always on for s3)
    #[arg(long)]
    pub content_sha256: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "JWT options")]
pub struct JwtArgs {
    /// JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]
    #[arg(long, value_name = "ALG")]
    pub alg: Option<String>,

    /// The iss claim
    #[arg(long, value_name = "ISSUER")]
    pub iss: Option<String>,

    /// The sub claim
    #[arg(long, value_name = "SUBJECT")]
    pub sub: Option<String>,

    /// The aud claim (repeatable: several make an array)
    #[arg(long, value_name = "AUDIENCE")]
    pub aud: Vec<String>,

    /// Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]
    #[arg(long, value_name = "TTL")]
    pub ttl: Option<String>,

    /// The kid header
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,

    /// Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub claim: Vec<String>,

    /// Leave out the random jti claim
    #[arg(long)]
    pub no_jti: bool,
}
