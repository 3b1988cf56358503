//! The command line, and nothing else: clap definitions with each flag's docs beside it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::gateway::Gateway;
use crate::gateway::mlflow::{RouteKind, RouteStyle};
use crate::http::HttpOptions;
use crate::output::Format;
use crate::scheme::{AuthScheme, JwtConfig, SchemeFields};
use crate::util::{self, ValueError};

#[derive(Debug, Parser)]
#[command(
    name = "gwctl",
    version,
    about = "Sign and call AI/ML API gateways: Basic, AWS SigV4, AK/SK (APIPark, Huawei) and JWT",
    long_about = None,
    propagate_version = true,
    // Help is printed as written: examples are whole commands (or end in `\`) at any width.
    term_width = 0,
)]
pub struct Cli {
    /// Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]
    #[arg(long, global = true, value_name = "PATH", env = "GWCTL_CONFIG")]
    pub config: Option<PathBuf>,

    /// Print progress notes on stderr (never secrets)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

// `defer`: a subcommand's flags are defined only when it is the one being parsed (or when
// help, completions or the man page walk the whole tree), not at every start: clap building
// every subcommand's flags was most of `gwctl sign`'s user time.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Print the signed headers, presigned URL or a ready curl command for a request
    Sign(SignArgs),
    /// Manage credential profiles (settings in the config file, secrets in a secret store)
    #[command(
        subcommand,
        after_help = "Examples:\n  gwctl profile add prod --auth sigv4 --access-key-id AKIA... --region us-east-1 --secret-stdin\n  gwctl profile list"
    )]
    Profile(ProfileCommand),
    /// Check the config file, the secret stores available here, each profile's secret and key age
    #[command(after_help = "Examples:\n  gwctl doctor\n  gwctl doctor --max-age 30d\n  gwctl doctor --check")]
    Doctor(DoctorArgs),
    /// Rotate credentials without losing a working one; print a JWT profile's JWKS
    #[command(
        subcommand,
        after_help = "Examples:\n  gwctl keys rotate --profile prod\n  gwctl keys jwks --profile signer > jwks.json"
    )]
    Keys(KeysCommand),
    /// Call a gateway route or a model endpoint, signed, and print the answer (streaming live)
    #[command(
        subcommand,
        after_help = "Examples:\n  gwctl invoke route chat --profile dev --prompt 'Say hi' --stream\n  gwctl invoke endpoint http://127.0.0.1:5001/invocations --input-csv rows.csv"
    )]
    Invoke(InvokeCommand),
    /// List or show the routes (endpoints) of an MLflow gateway
    #[command(
        subcommand,
        after_help = "Examples:\n  gwctl routes list --profile dev\n  gwctl routes show chat --profile dev"
    )]
    Routes(RoutesCommand),
    /// Generate the gateway side: configs the real tools accept
    #[command(
        subcommand,
        after_help = "Examples:\n  gwctl scaffold mlflow --endpoint chat:chat:openai:gpt-4o-mini -o config.yaml\n  gwctl scaffold nginx --backend http://127.0.0.1:5000 --from-profile dev -o /etc/nginx/conf.d/mlflow.conf"
    )]
    Scaffold(ScaffoldCommand),
    /// Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each
    #[command(after_help = DEMO_EXAMPLES)]
    Demo(DemoArgs),
    /// Unlock the file store for a while: the passphrase is asked once, then calls need none
    #[command(
        after_help = "Examples:\n  gwctl unlock            # 15 minutes\n  gwctl unlock --ttl 1h && gwctl invoke batch rows.jsonl -o out.jsonl"
    )]
    Unlock(UnlockArgs),
    /// Forget the unlocked file-store key now
    #[command(after_help = "Example:\n  gwctl lock")]
    Lock,
    /// Print a profile's current access token (OAuth2: cached or refreshed; JWT: freshly minted)
    #[command(after_help = TOKEN_HELP)]
    Token(TokenArgs),
    /// Print a sigv4 profile's credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)
    #[command(after_help = CREDENTIAL_PROCESS_HELP)]
    CredentialProcess(CredentialProcessArgs),
    /// Run a command with a profile's credentials in its environment (never in its arguments)
    #[command(after_help = EXEC_HELP)]
    Exec(ExecArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    #[command(after_help = "Example:\n  gwctl man > ~/.local/share/man/man1/gwctl.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Warn about keys and passwords older than this (`90d`, `12h`, seconds)
    #[arg(long, value_name = "AGE", default_value = "90d")]
    pub max_age: String,

    /// Also make one authenticated call per profile with a URL: accepted or refused, as whom, clock skew (exit 9 if refused)
    #[arg(long)]
    pub check: bool,

    /// For --check: how the gateways and token endpoints are reached
    #[command(flatten)]
    pub transport: TransportArgs,
}

const TOKEN_HELP: &str = "\
By scheme:
  oauth2  the cached token, or a new one from the token endpoint when it is near expiry
  jwt     a freshly minted token
  bearer  the stored token
--clear deletes the cached token (oauth2) or session (AssumeRole) from the profile's store.

Examples:
  gwctl token -p databricks
  curl -H \"$(gwctl token -p idp --format header)\" https://gateway.example/v1/models
  gwctl token -p idp --format json
  gwctl token -p idp --clear";

const CREDENTIAL_PROCESS_HELP: &str = "\
In ~/.aws/config (or the file AWS_CONFIG_FILE names):
  [profile gw]
  credential_process = gwctl credential-process --profile gw

Examples:
  gwctl credential-process -p gw
  AWS_PROFILE=gw aws sts get-caller-identity";

const EXEC_HELP: &str = "\
sigv4 profiles set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (when there is one)
and AWS_REGION; token profiles (oauth2, bearer, jwt) set the variable --env names. The exit code
of CMD is passed through.

Examples:
  gwctl exec -p role -- aws sts get-caller-identity
  gwctl exec -p azure --env OPENAI_API_KEY -- python3 app.py
  gwctl exec -p databricks --env DATABRICKS_TOKEN -- databricks serving-endpoints list";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TokenFormat {
    /// The token alone
    Raw,
    /// `Authorization: Bearer …`
    Header,
    /// `{"access_token": …, "token_type": "Bearer", "expires_at": …, "expires_in": …}`
    Json,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub profile: ProfileArg,

    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = TokenFormat::Raw)]
    pub format: TokenFormat,

    /// Delete the cached token instead of printing one
    #[arg(long, conflicts_with = "format")]
    pub clear: bool,

    #[command(flatten)]
    pub transport: TransportArgs,
}

#[derive(Debug, Args)]
pub struct CredentialProcessArgs {
    #[command(flatten)]
    pub profile: ProfileArg,

    /// Read the MFA code from standard input (a role with --mfa-serial, in scripts)
    #[arg(long)]
    pub mfa_code_stdin: bool,

    #[command(flatten)]
    pub transport: TransportArgs,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub profile: ProfileArg,

    /// The variable that gets the token (token schemes)
    #[arg(long, value_name = "VAR", default_value = "GWCTL_TOKEN")]
    pub env: String,

    /// Read the MFA code from standard input (a role with --mfa-serial, in scripts)
    #[arg(long)]
    pub mfa_code_stdin: bool,

    #[command(flatten)]
    pub transport: TransportArgs,

    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// How long the file store stays unlocked (kept in the kernel session keyring until then)
    #[arg(long, value_name = "DURATION", default_value = "15m")]
    pub ttl: String,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum KeysCommand {
    /// Rotate a profile's key, password or signing key; re-run to resume an interrupted rotation
    #[command(after_help = KEYS_ROTATE_HELP)]
    Rotate(KeysRotateArgs),
    /// Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation
    #[command(
        after_help = "Examples:\n  gwctl keys jwks --profile signer > jwks.json\n  gwctl keys jwks --profile signer --pretty"
    )]
    Jwks(KeysJwksArgs),
}

const KEYS_ROTATE_HELP: &str = "\
By scheme:
  sigv4            IAM CreateAccessKey, checked with STS GetCallerIdentity, then the profile
                   switches and the old key is deactivated and deleted (--keep-old: kept inactive)
  apipark, huawei  a new pair (or one from --new-secret-stdin) waits as pending while the gateway
                   admin installs it; --finish switches to it
  jwt              RSA/EC/Ed25519: a new key with a new kid signs at once, the old public key stays
                   in `gwctl keys jwks` until --finish; HMAC: like apipark
  basic            MLflow tracking server (--gateway mlflow-server): changed through its API and
                   checked; otherwise an htpasswd line for the proxy and --finish
Each step is recorded in the profile (see `gwctl profile show`); after an interruption, run the
same command again to resume.

Examples:
  gwctl keys rotate --profile prod --dry-run
  gwctl keys rotate --profile prod --yes
  gwctl keys rotate --profile gw && gwctl keys rotate --profile gw --finish
  gwctl keys rotate --profile local --iam-endpoint http://127.0.0.1:5000/ --sts-endpoint http://127.0.0.1:5000/";

// `--profile` for commands that act on one stored profile.
#[derive(Debug, Args)]
pub struct ProfileArg {
    /// Profile [default: GWCTL_PROFILE, else the default profile]
    #[arg(long, short = 'p', value_name = "NAME", env = "GWCTL_PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct KeysRotateArgs {
    #[command(flatten)]
    pub profile: ProfileArg,

    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Say what would be done and change nothing (AWS: the key list is still read)
    #[arg(long)]
    pub dry_run: bool,

    /// Switch to the pending key (gateway-managed keys), or stop publishing the previous public key (JWT)
    #[arg(long)]
    pub finish: bool,

    /// AWS: leave the old access key inactive instead of deleting it
    #[arg(long)]
    pub keep_old: bool,

    /// Read the new secret from standard input instead of generating one (AK/SK: "AK SK" or JSON; a password; a JWT key)
    #[arg(long)]
    pub new_secret_stdin: bool,

    /// IAM endpoint [default: the profile's, else https://iam.amazonaws.com/]
    #[arg(long, value_name = "URL")]
    pub iam_endpoint: Option<String>,

    /// STS endpoint that checks the new key [default: the profile's, else https://sts.amazonaws.com/]
    #[arg(long, value_name = "URL")]
    pub sts_endpoint: Option<String>,

    /// How long to wait for AWS to accept a new key (IAM is eventually consistent)
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub verify_timeout: String,

    /// Size of new RSA keys for RS*/PS* profiles
    #[arg(long, value_name = "BITS", value_enum, default_value_t = RsaBits::B2048)]
    pub rsa_bits: RsaBits,

    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RsaBits {
    #[value(name = "2048")]
    B2048,
    #[value(name = "3072")]
    B3072,
    #[value(name = "4096")]
    B4096,
}

impl RsaBits {
    pub fn bits(self) -> u32 {
        match self {
            RsaBits::B2048 => 2048,
            RsaBits::B3072 => 3072,
            RsaBits::B4096 => 4096,
        }
    }
}

#[derive(Debug, Args)]
pub struct KeysJwksArgs {
    #[command(flatten)]
    pub profile: ProfileArg,

    /// Indent the JSON
    #[arg(long)]
    pub pretty: bool,
}

const COMPLETIONS_HELP: &str = "\
Examples:
  # static scripts (also shipped in completions/)
  gwctl completions bash > ~/.local/share/bash-completion/completions/gwctl
  gwctl completions zsh  > ~/.zfunc/_gwctl
  gwctl completions fish > ~/.config/fish/completions/gwctl.fish
  # dynamic: also completes profile names and the routes of your gateway
  echo 'source <(COMPLETE=bash gwctl)' >> ~/.bashrc
  echo 'source <(COMPLETE=zsh gwctl)' >> ~/.zshrc
  echo 'COMPLETE=fish gwctl | source' >> ~/.config/fish/config.fish";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell")]
    PowerShell,
    Elvish,
}

impl Shell {
    pub fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::PowerShell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
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

  # With a profile (see gwctl profile add --help); a path joins the profile's url
  gwctl sign --profile prod --format curl -d @body.json /model/my-model/invoke

Without a profile, credentials come from the environment, never from arguments:
  sigv4, apipark, huawei  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [, AWS_SESSION_TOKEN, AWS_REGION]
  basic                   GWCTL_USERNAME, GWCTL_PASSWORD
  jwt                     GWCTL_JWT_KEY (PEM text, secret, base64:SECRET, or @FILE)
  bearer                  GWCTL_TOKEN";

#[derive(Debug, Args)]
#[command(after_help = SIGN_EXAMPLES)]
pub struct SignArgs {
    /// The request URL, signed in exactly the form it is sent; a path (/v1/x) joins the profile's url
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

    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// Output: headers, json, curl, or url (the presigned URL) [default: headers; url with --presign]
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: Option<Format>,

    /// Fixed signing time, 20150830T123600Z or RFC 3339, for reproducible output [default: now]
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,

    /// Also print (on stderr) the canonical request, the string to sign and the signed headers
    /// (sigv4, apipark, huawei), to compare with what a server or another signer computed
    #[arg(long)]
    pub explain: bool,

    #[command(flatten)]
    pub sigv4: SigV4Args,

    #[command(flatten)]
    pub jwt: JwtArgs,

    /// For a token profile (oauth2, a role): how its token endpoint or STS is reached
    #[command(flatten)]
    pub transport: TransportArgs,
}

// Which credentials sign the request: a profile, or a scheme with the environment's.
#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a
    /// --url (or endpoint URL) off the default profile's gateway: no credentials]
    #[arg(long, short = 'p', value_name = "NAME", env = "GWCTL_PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub profile: Option<String>,

    /// Authentication scheme; alone, credentials come from the environment (none: no
    /// credentials); with a profile of another scheme, it overrides the profile's for this call
    #[arg(long, value_name = "SCHEME", value_enum)]
    pub auth: Option<AuthScheme>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "SigV4 options")]
pub struct SigV4Args {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Print a presigned URL (query-string auth) instead of headers
    #[arg(long)]
    pub presign: bool,

    /// Presigned URL lifetime in seconds, at most 604800 (7 days)
    #[arg(long, value_name = "SECONDS", requires = "presign", default_value_t = 900)]
    pub expires: u64,
}

// SigV4/AK-SK settings that override a profile's for one call.
#[derive(Debug, Args)]
#[command(next_help_heading = "SigV4 options")]
pub struct ScopeArgs {
    /// SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,

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

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ProfileCommand {
    /// Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)
    #[command(after_help = PROFILE_ADD_EXAMPLES)]
    Add(ProfileAddArgs),
    /// List profiles
    #[command(after_help = "Example:\n  gwctl profile list --format json")]
    List(ProfileListArgs),
    /// Show a profile's settings, with its secret masked
    #[command(after_help = "Example:\n  gwctl profile show prod --format json")]
    Show(ProfileShowArgs),
    /// Change a profile's settings, secret or store
    #[command(
        after_help = "Examples:\n  gwctl profile edit prod --region eu-west-1\n  printf %s \"$NEW_SECRET\" | gwctl profile edit prod --secret-stdin"
    )]
    Edit(ProfileEditArgs),
    /// Remove a profile and its stored secret
    #[command(after_help = "Example:\n  gwctl profile remove old-dev --yes")]
    Remove(ProfileRemoveArgs),
    /// Make a profile the default
    #[command(after_help = "Example:\n  gwctl profile use prod")]
    Use(ProfileUseArgs),
    /// Import credentials from another tool
    #[command(subcommand, after_help = "Example:\n  gwctl profile import aws --aws-profile work --name work")]
    Import(ImportSource),
}

const PROFILE_ADD_EXAMPLES: &str = "\
Examples:
  # SigV4 for an API Gateway; the secret key is read from stdin, the keyring picked automatically
  printf %s \"$AWS_SECRET_ACCESS_KEY\" | gwctl profile add prod --auth sigv4 --access-key-id AKIA... \\
      --region us-east-1 --service execute-api --url https://abc.execute-api.us-east-1.amazonaws.com --secret-stdin

  # Basic auth for an MLflow gateway, secret in an encrypted file (headless machine)
  GWCTL_FILE_PASSPHRASE=... gwctl profile add dev --auth basic --username alice --store file --secret-stdin < pw.txt

  # JWT with an RSA key: the key is copied into the store, not referenced
  gwctl profile add issuer --auth jwt --alg RS256 --iss me --aud gateway --ttl 15m --key-file key.pem

  # A gateway that checks no credentials (a plain mlflow gateway start): no secret, no store
  gwctl profile add local --auth none --url http://127.0.0.1:5000 --gateway mlflow

  # Secret from CI's environment, or from a password manager at use time
  gwctl profile add ci --auth bearer --store env:GATEWAY_TOKEN
  gwctl profile add team --auth bearer --store 'command:pass show gateway/token'";

#[derive(Debug, Args)]
pub struct ProfileFields {
    /// Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret
    #[arg(long, value_name = "SCHEME", value_enum)]
    pub auth: Option<AuthScheme>,

    /// Base URL of the gateway or endpoint
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic
    #[arg(long, value_name = "KIND", value_enum)]
    pub gateway: Option<Gateway>,

    /// Basic auth user name
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,

    /// Access key id (sigv4, apipark, huawei)
    #[arg(long, value_name = "AK")]
    pub access_key_id: Option<String>,

    /// SigV4 region
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// SigV4 service name (execute-api, sagemaker, bedrock, lambda …)
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,

    /// IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]
    #[arg(long, value_name = "URL")]
    pub iam_endpoint: Option<String>,

    /// STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]
    #[arg(long, value_name = "URL")]
    pub sts_endpoint: Option<String>,

    /// Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,

    /// Read the secret (password, secret key, token, JWT secret or PEM) from standard input
    #[arg(long, conflicts_with = "key_file")]
    pub secret_stdin: bool,

    /// JWT private key file (PEM); its content is copied into the secret store
    #[arg(long, value_name = "PEM")]
    pub key_file: Option<PathBuf>,

    #[command(flatten)]
    pub jwt: JwtArgs,

    #[command(flatten)]
    pub oauth2: Box<OAuth2Args>,

    #[command(flatten)]
    pub role: Box<RoleArgs>,
}

/// A flag that sets one of a profile's scheme keys: the flag, the key, the value given, where
/// the key is.
pub type SchemeKeyFlag<'a> =
    (&'static str, &'static str, &'a Option<String>, fn(&mut SchemeFields) -> &mut Option<String>);

impl ProfileFields {
    /// The flags that set a scheme's plain keys (an empty value removes the key), with the key
    /// each sets: `profile add|edit` apply them, and refuse them with `--auth none`. A scheme's
    /// new key is a flag above and a line here.
    pub fn scheme_keys(&self) -> Vec<SchemeKeyFlag<'_>> {
        vec![
            ("--username", "username", &self.username, |f| &mut f.username),
            ("--access-key-id", "access_key_id", &self.access_key_id, |f| &mut f.access_key_id),
            ("--region", "region", &self.region, |f| &mut f.region),
            ("--service", "service", &self.service, |f| &mut f.service),
        ]
    }
}

// `profile add/edit` flags of an OAuth2 client-credentials profile. The client secret comes
// from --secret-stdin or a prompt; a private_key_jwt key from --key-file (with --alg/--kid).
#[derive(Debug, Args)]
#[command(next_help_heading = "OAuth2 options (--auth oauth2)")]
pub struct OAuth2Args {
    /// Token endpoint URL
    #[arg(long, value_name = "URL", conflicts_with = "issuer")]
    pub token_url: Option<String>,

    /// Issuer URL: the token endpoint is found in its /.well-known/openid-configuration
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,

    /// OAuth2 client id
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// A scope to ask for (repeatable); replaces a preset's
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,

    /// The audience parameter (Auth0, some Keycloak setups)
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,

    /// A resource indicator, RFC 8707 (repeatable)
    #[arg(long = "resource", value_name = "URI")]
    pub resources: Vec<String>,

    /// Client authentication [default: basic; the preset's]
    #[arg(long, value_name = "METHOD", value_enum)]
    pub client_auth: Option<ClientAuthArg>,

    /// Fill the token endpoint, scope and client authentication from a preset
    #[arg(long, value_name = "PRESET", value_enum)]
    pub preset: Option<PresetArg>,

    /// Azure: the directory (tenant) id or domain
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
}

/// `--client-auth`: how an OAuth2 client authenticates to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClientAuthArg {
    /// client_secret_basic: the id and secret in an Authorization: Basic header
    Basic,
    /// client_secret_post: the id and secret in the form
    Post,
    /// private_key_jwt: a JWT signed with --key-file
    PrivateKeyJwt,
    /// client_secret_jwt: a JWT signed (HS256) with the client secret
    ClientSecretJwt,
}

impl ClientAuthArg {
    /// The name stored in the profile (`client_auth = "…"`), as the token library reads it.
    pub fn stored_name(self) -> &'static str {
        match self {
            ClientAuthArg::Basic => "basic",
            ClientAuthArg::Post => "post",
            ClientAuthArg::PrivateKeyJwt => "private-key-jwt",
            ClientAuthArg::ClientSecretJwt => "client-secret-jwt",
        }
    }
}

/// `--preset`: ready-made OAuth2 settings for a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// No preset: give --token-url or --issuer, and --scope
    Generic,
    /// Databricks OAuth M2M (token endpoint from --url, scope all-apis)
    Databricks,
    /// Microsoft Entra for Azure OpenAI (with --tenant)
    Azure,
}

impl From<PresetArg> for crate::tokens::oauth2::Preset {
    fn from(p: PresetArg) -> Self {
        match p {
            PresetArg::Generic => Self::Generic,
            PresetArg::Databricks => Self::Databricks,
            PresetArg::Azure => Self::Azure,
        }
    }
}

impl OAuth2Args {
    pub fn any(&self) -> bool {
        self.token_url.is_some()
            || self.issuer.is_some()
            || self.client_id.is_some()
            || !self.scopes.is_empty()
            || self.audience.is_some()
            || !self.resources.is_empty()
            || self.client_auth.is_some()
            || self.preset.is_some()
            || self.tenant.is_some()
    }
}

// `profile add/edit` flags of a sigv4 profile that assumes a role.
#[derive(Debug, Args)]
#[command(next_help_heading = "AWS AssumeRole options (--auth sigv4)")]
pub struct RoleArgs {
    /// Assume this role (STS AssumeRole) for every request
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,

    /// The profile whose credentials assume the role (it may itself have a role: a chain)
    #[arg(long, value_name = "NAME", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub source_profile: Option<String>,

    /// The external id the role's trust policy asks for
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// The MFA device (ARN or serial); its code is asked on a terminal when a session is needed
    #[arg(long, value_name = "ARN")]
    pub mfa_serial: Option<String>,

    /// Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,

    /// Role session name [default: gwctl-PROFILE]
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
}

impl RoleArgs {
    pub fn any(&self) -> bool {
        self.role_arn.is_some()
            || self.source_profile.is_some()
            || self.external_id.is_some()
            || self.mfa_serial.is_some()
            || self.duration.is_some()
            || self.session_name.is_some()
    }
}

#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    /// Profile name (letters, digits, '.', '_', '-')
    pub name: String,

    #[command(flatten)]
    pub fields: ProfileFields,

    /// Overwrite an existing profile without asking
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ProfileEditArgs {
    #[arg(add = ArgValueCompleter::new(crate::complete::profiles))]
    pub name: String,

    #[command(flatten)]
    pub fields: ProfileFields,
}

#[derive(Debug, Args)]
pub struct ProfileListArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Toml,
    Json,
}

#[derive(Debug, Args)]
pub struct ProfileShowArgs {
    #[arg(add = ArgValueCompleter::new(crate::complete::profiles))]
    pub name: String,

    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ShowFormat::Toml)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct ProfileRemoveArgs {
    #[arg(add = ArgValueCompleter::new(crate::complete::profiles))]
    pub name: String,

    /// Remove without asking
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ProfileUseArgs {
    #[arg(add = ArgValueCompleter::new(crate::complete::profiles))]
    pub name: String,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ImportSource {
    /// Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment
    #[command(
        after_help = "Examples:\n  gwctl profile import aws --aws-profile work --name work\n  gwctl profile import aws   # AWS_* variables if set, else [default]"
    )]
    Aws(ImportAwsArgs),
}

#[derive(Debug, Args)]
pub struct ImportAwsArgs {
    /// The profile in ~/.aws/credentials [default: the AWS_* environment if set, else "default"]
    #[arg(long, value_name = "NAME")]
    pub aws_profile: Option<String>,

    /// Name of the gwctl profile [default: the AWS profile's name, or "aws"]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Where the secret goes [default: auto]
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,

    /// SigV4 service for the new profile
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,

    /// Overwrite an existing profile without asking
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum InvokeCommand {
    /// Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)
    #[command(after_help = INVOKE_ROUTE_EXAMPLES)]
    Route(InvokeRouteArgs),
    /// Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)
    #[command(after_help = INVOKE_ENDPOINT_EXAMPLES)]
    Endpoint(InvokeEndpointArgs),
    /// Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable
    #[command(after_help = INVOKE_BATCH_EXAMPLES)]
    Batch(InvokeBatchArgs),
}

const INVOKE_BATCH_EXAMPLES: &str = "\
Examples:
  gwctl invoke batch prompts.jsonl -o out.jsonl --profile dev --route chat
  gwctl invoke batch requests.jsonl -o out.jsonl --errors errors.jsonl --profile dev --concurrency 64 --rpm 600
  gwctl invoke batch requests.jsonl -o out.jsonl --profile dev --dry-run
  gwctl invoke batch big.jsonl -o out-2.jsonl --profile dev --shard 2/8 \\
      --summary-json summary-2.json";

#[derive(Debug, Args)]
pub struct InvokeBatchArgs {
    /// The input: one JSON object a line (OpenAI batch format, {"custom_id","body"} or {"custom_id","prompt"}); - reads standard input
    #[arg(value_name = "INPUT.jsonl")]
    pub input: PathBuf,

    /// Where results go (OpenAI batch output format); also the journal a re-run resumes from [default: standard output, no resume]
    #[arg(short = 'o', long, value_name = "OUTPUT.jsonl")]
    pub output: Option<PathBuf>,

    /// Where failed lines go [default: the output file, as OpenAI does]
    #[arg(long, value_name = "ERRORS.jsonl")]
    pub errors: Option<PathBuf>,

    /// Default target for lines without url: a route of the profile's gateway
    #[arg(long, value_name = "NAME", conflicts_with = "endpoint")]
    pub route: Option<String>,

    /// Default target for lines without url: an endpoint URL (a path joins the profile's url)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// With --route: the URL form (as on invoke route)
    #[arg(long, value_name = "STYLE", value_enum, requires = "route")]
    pub style: Option<RouteStyle>,

    /// With --route: what the route does, for prompt lines [default: chat]
    #[arg(long, value_name = "KIND", value_enum, requires = "route")]
    pub kind: Option<RouteKind>,

    /// Base URL, overriding the profile's (line urls that are paths join it)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Add a header, 'Name: value' (repeatable; signed with every request)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Requests in flight at most
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,

    /// Client-side limit: requests per minute
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rpm: Option<u64>,

    /// Client-side limit: tokens per minute (estimated, corrected from usage)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub tpm: Option<u64>,

    /// Attempts per line, the first included (connection errors, 429, 5xx are retried)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_attempts: u32,

    /// Resume from the output file (also the default when it exists): ids already written are skipped
    #[arg(long, requires = "output")]
    pub resume: bool,

    /// Only the lines whose custom_id hashes (FNV-1a 64) to K modulo N
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,

    /// Only the first N lines (of the shard)
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// Record invalid lines in the errors file instead of refusing the input
    #[arg(long)]
    pub skip_invalid: bool,

    /// Do not adapt the concurrency to 429s and rate-limit headers
    #[arg(long)]
    pub no_aimd: bool,

    /// Write the summary as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,

    /// Validate the whole input, sign and print the first requests (secrets redacted); send nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub credentials: CredentialArgs,

    #[command(flatten)]
    pub network: NetworkArgs,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub jwt: JwtArgs,
}

const INVOKE_ROUTE_EXAMPLES: &str = "\
Examples:
  gwctl invoke route chat --profile dev --prompt 'Say hi' --param max_tokens=32
  gwctl invoke route chat --profile dev --stream --system 'Be brief' --prompt 'Tell me a joke'
  gwctl invoke route embed --profile dev --kind embeddings --prompt 'hello' --prompt 'world'
  gwctl invoke route chat --profile dev --prompt @question.txt
  gwctl invoke route chat --profile dev -d '{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}'";

const INVOKE_ENDPOINT_EXAMPLES: &str = "\
Examples:
  gwctl invoke endpoint https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/my-ep/invocations \\
      --profile aws -d @payload.json
  gwctl invoke endpoint http://127.0.0.1:5001/invocations --input-csv rows.csv
  gwctl invoke endpoint https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1:0/invoke \\
      --profile aws -d @claude.json";

#[derive(Debug, Args)]
pub struct InvokeRouteArgs {
    /// Route (endpoint) name
    #[arg(add = ArgValueCompleter::new(crate::complete::routes))]
    pub name: String,

    /// URL form: endpoints (/endpoints/NAME/invocations), legacy (/gateway/NAME/invocations),
    /// tracking-server (/gateway/NAME/mlflow/invocations), openai (/v1/… with "model": NAME)
    /// [default: tracking-server for --gateway mlflow-server profiles, else endpoints]
    #[arg(long, value_name = "STYLE", value_enum)]
    pub style: Option<RouteStyle>,

    /// What the route does, for --prompt: chat, completions, embeddings [default: asked of the gateway, else chat]
    #[arg(long, value_name = "KIND", value_enum)]
    pub kind: Option<RouteKind>,

    #[command(flatten)]
    pub common: InvokeArgs,
}

#[derive(Debug, Args)]
pub struct InvokeEndpointArgs {
    /// Endpoint URL; a path (/invocations) joins the profile's url
    #[arg(value_name = "URL")]
    pub endpoint: String,

    /// MLflow model serving: a JSON file of records (→ dataframe_split) or any JSON (→ inputs)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["input_csv", "data", "prompt"])]
    pub input_json: Option<PathBuf>,

    /// MLflow model serving: a CSV file with a header row (→ dataframe_split)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["data", "prompt"])]
    pub input_csv: Option<PathBuf>,

    #[command(flatten)]
    pub common: InvokeArgs,
}

#[derive(Debug, Args)]
pub struct InvokeArgs {
    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// Base URL, overriding the profile's
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// HTTP method [default: POST with a body, else GET]
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,

    /// Add a header, 'Name: value' (repeatable; signed with the request)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Body: DATA as given, @FILE or @- (standard input)
    #[arg(
        short = 'd',
        long = "data",
        value_name = "DATA|@FILE|@-",
        allow_hyphen_values = true,
        conflicts_with = "prompt"
    )]
    pub data: Option<OsString>,

    /// Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs
    #[arg(long, value_name = "TEXT")]
    pub prompt: Vec<String>,

    /// A system message (chat)
    #[arg(long, value_name = "TEXT", requires = "prompt")]
    pub system: Option<String>,

    /// A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)
    #[arg(long, value_name = "K=V")]
    pub param: Vec<String>,

    /// Ask for a streamed answer ("stream": true) and print each delta as it arrives
    #[arg(long)]
    pub stream: bool,

    /// With --stream: print the events as received instead of the text deltas
    #[arg(long, requires = "stream")]
    pub raw: bool,

    /// Output: json (pretty on a terminal, compact when piped), text (the answer's text), raw (the bytes)
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: Option<BodyFormat>,

    /// Print the response status line and headers first
    #[arg(short = 'i', long)]
    pub include: bool,

    /// Print the signed request (secrets redacted) and do not send it
    #[arg(long)]
    pub dry_run: bool,

    /// Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s
    #[arg(long)]
    pub stats: bool,

    #[command(flatten)]
    pub network: NetworkArgs,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub jwt: JwtArgs,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RoutesCommand {
    /// List the routes of the profile's MLflow gateway
    #[command(
        after_help = "Examples:\n  gwctl routes list --profile dev\n  gwctl routes list --url http://127.0.0.1:5000    # a gateway without auth: no profile needed"
    )]
    List(RoutesListArgs),
    /// Show one route
    #[command(after_help = "Example:\n  gwctl routes show chat --profile dev")]
    Show(RoutesShowArgs),
}

#[derive(Debug, Args)]
pub struct RoutesListArgs {
    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    #[command(flatten)]
    pub common: RoutesCommon,
}

#[derive(Debug, Args)]
pub struct RoutesShowArgs {
    pub name: String,

    #[command(flatten)]
    pub common: RoutesCommon,
}

#[derive(Debug, Args)]
pub struct RoutesCommon {
    #[command(flatten)]
    pub credentials: CredentialArgs,

    /// Gateway base URL, overriding the profile's
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Gateway flavour, overriding the profile's
    #[arg(long, value_name = "KIND", value_enum)]
    pub gateway: Option<Gateway>,

    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BodyFormat {
    Json,
    Text,
    Raw,
}

// How a command talks to the network: timeouts, retries, TLS. Resolved into
// [`HttpOptions`] by [`NetworkArgs::settings`].
#[derive(Debug, Args)]
#[command(next_help_heading = "Network options")]
pub struct NetworkArgs {
    /// Seconds to wait for the response headers (0: no limit)
    #[arg(long, value_name = "SECONDS", value_parser = seconds, default_value = "300")]
    pub timeout: f64,

    /// Seconds to wait for the connection
    #[arg(long, value_name = "SECONDS", value_parser = seconds, default_value = "10")]
    pub connect_timeout: f64,

    /// Seconds a response body (a stream) may pause between two pieces (0: no limit)
    #[arg(long, value_name = "SECONDS", value_parser = seconds, default_value = "60")]
    pub idle_timeout: f64,

    /// Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub retries: u32,

    /// Retry non-idempotent requests (POST) on 429, 5xx and timeouts too
    #[arg(long)]
    pub retry_all: bool,

    #[command(flatten)]
    pub transport: TransportArgs,
}

// CA certificates, certificate checks and proxies: on every command that may reach a server
// (a gateway, a token endpoint, STS).
#[derive(Debug, Clone, Default, Args)]
pub struct TransportArgs {
    /// Trust the CA certificates in this PEM file
    #[arg(long, value_name = "PEM")]
    pub cacert: Option<PathBuf>,

    /// Do not verify TLS certificates (prints a warning)
    #[arg(long)]
    pub insecure: bool,

    /// Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY
    #[arg(long, value_name = "URL", value_parser = crate::net::parse_proxy)]
    pub proxy: Option<String>,

    /// Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY
    #[arg(long, value_name = "HOSTS")]
    pub noproxy: Option<String>,
}

impl TransportArgs {
    pub fn settings(&self) -> crate::net::NetSettings {
        crate::net::NetSettings {
            cacert: self.cacert.clone(),
            insecure: self.insecure,
            proxy: self.proxy.clone(),
            noproxy: self.noproxy.clone(),
        }
    }
}

/// The longest wait a flag may ask for: one week.
const MAX_SECONDS: f64 = 604_800.0;

/// A number of seconds: finite, not negative, at most a week.
fn seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !v.is_finite() || !(0.0..=MAX_SECONDS).contains(&v) {
        return Err(format!("{s:?} is out of range: give 0 to {MAX_SECONDS} seconds"));
    }
    Ok(v)
}

impl NetworkArgs {
    /// The HTTP client settings these flags stand for.
    pub fn settings(&self) -> HttpOptions {
        let d = |v: f64| std::time::Duration::from_secs_f64(v);
        let unlimited = std::time::Duration::from_secs(MAX_SECONDS as u64);
        HttpOptions {
            timeout: (self.timeout > 0.0).then(|| d(self.timeout)),
            connect_timeout: d(self.connect_timeout.max(0.1)),
            idle_timeout: if self.idle_timeout > 0.0 { d(self.idle_timeout) } else { unlimited },
            retries: self.retries,
            retry_all: self.retry_all,
            net: self.transport.settings(),
        }
    }
}

impl JwtArgs {
    /// The JWT settings these flags give (to overlay on a profile's).
    pub fn config(&self) -> Result<JwtConfig, ValueError> {
        if let Some(ttl) = &self.ttl {
            util::parse_duration_secs(ttl)?;
        }
        let mut claims = std::collections::BTreeMap::new();
        for c in &self.claim {
            let (k, v) = util::parse_claim(c)?;
            claims.insert(k, v);
        }
        Ok(JwtConfig {
            alg: self.alg.clone(),
            iss: self.iss.clone(),
            sub: self.sub.clone(),
            aud: self.aud.clone(),
            ttl: self.ttl.clone(),
            kid: self.kid.clone(),
            claims,
            no_jti: self.no_jti,
        })
    }

    pub fn any(&self) -> bool {
        self.alg.is_some()
            || self.iss.is_some()
            || self.sub.is_some()
            || !self.aud.is_empty()
            || self.ttl.is_some()
            || self.kid.is_some()
            || !self.claim.is_empty()
            || self.no_jti
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        super::Cli::command().debug_assert();
    }

    /// Every subcommand's --help ends with an example.
    #[test]
    fn every_subcommand_has_an_example() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let p = format!("{path} {}", sub.get_name());
                let help = sub.get_after_help().map(|h| h.to_string()).unwrap_or_default();
                if !help.contains("Example") {
                    missing.push(p.clone());
                }
                walk(sub, &p, missing);
            }
        }
        let mut missing = Vec::new();
        // Subcommands are deferred (`defer = true`): build the whole tree, as --help does.
        let mut cmd = super::Cli::command();
        cmd.build();
        walk(&cmd, "gwctl", &mut missing);
        assert!(missing.is_empty(), "no example in --help of: {missing:?}");
    }

    /// Every example line is a whole command or ends in `\\`, and help is printed as written
    /// (`term_width = 0`: the terminal's width, 80 columns or a pipe, changes nothing), so a
    /// copied example runs.
    #[test]
    fn examples_are_never_rewrapped() {
        fn walk(cmd: &mut clap::Command, path: &str, bad: &mut Vec<String>) {
            let help = cmd.clone().render_long_help().to_string();
            if let Some(i) = help.find("Example") {
                let lines: Vec<&str> = help[i..].lines().skip(1).collect();
                for (n, line) in lines.iter().enumerate() {
                    let indent = line.len() - line.trim_start().len();
                    let next_indent = lines.get(n + 1).map(|l| l.len() - l.trim_start().len()).unwrap_or(0);
                    let next_nonempty = lines.get(n + 1).is_some_and(|l| !l.trim().is_empty());
                    // A line followed by a more indented one continues: it must end in a backslash.
                    if next_nonempty
                        && next_indent > indent
                        && indent > 0
                        && !line.trim_end().ends_with('\\')
                        && !line.trim_end().ends_with(':')
                    {
                        bad.push(format!("{path}: {line:?}"));
                    }
                }
            }
            let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
            for name in names.into_iter().filter(|n| n != "help") {
                if let Some(sub) = cmd.find_subcommand_mut(&name) {
                    walk(sub, &format!("{path} {name}"), bad);
                }
            }
        }
        let mut bad = Vec::new();
        walk(&mut super::Cli::command(), "gwctl", &mut bad);
        assert!(bad.is_empty(), "example lines that wrap without a backslash:\n{}", bad.join("\n"));
    }
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ScaffoldCommand {
    /// An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)
    #[command(after_help = SCAFFOLD_MLFLOW_EXAMPLES)]
    Mlflow(ScaffoldMlflowArgs),
    /// Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers
    #[command(after_help = "Example:\n  gwctl scaffold check config.yaml")]
    Check(ScaffoldCheckArgs),
    /// AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM
    #[command(name = "aws-apigw", after_help = SCAFFOLD_APIGW_EXAMPLES)]
    AwsApigw(ScaffoldApigwArgs),
    /// An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway
    #[command(after_help = SCAFFOLD_NGINX_EXAMPLES)]
    Nginx(ScaffoldNginxArgs),
}

const SCAFFOLD_MLFLOW_EXAMPLES: &str = "\
Examples:
  gwctl scaffold mlflow --endpoint chat:chat:openai:gpt-4o-mini \\
      --endpoint embed:embeddings:openai:text-embedding-3-small -o config.yaml
  gwctl scaffold mlflow --endpoint claude:chat:bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0 --set aws_region=eu-west-1
  gwctl scaffold mlflow --endpoint gpt:chat:azure:gpt-4o --api-base https://my.openai.azure.com \\
      --set openai_deployment_name=gpt4o --set openai_api_version=2024-06-01
  gwctl scaffold mlflow            # on a terminal: asks for the endpoints";

const SCAFFOLD_APIGW_EXAMPLES: &str = "\
Examples:
  # HTTP API with IAM (SigV4) auth, as OpenAPI
  gwctl scaffold aws-apigw --backend https://mlflow.internal:5000 --auth iam -o openapi.yaml
  # HTTP API with a JWT authorizer matching a JWT profile, as CloudFormation
  gwctl scaffold aws-apigw --backend https://mlflow.internal:5000 --auth jwt --from-profile signer --format cloudformation -o api.yaml
  # REST API with a Basic-checking Lambda authorizer for a Basic profile's user, as SAM
  gwctl scaffold aws-apigw --backend https://mlflow.internal:5000 --auth lambda-basic --from-profile dev --format sam -o template.yaml";

#[derive(Debug, Args)]
pub struct ScaffoldMlflowArgs {
    /// NAME:TYPE:PROVIDER:MODEL, TYPE chat|completions|embeddings (repeatable; MODEL may contain ':')
    #[arg(long = "endpoint", short = 'e', value_name = "SPEC")]
    pub endpoints: Vec<String>,

    /// Provider base URL (openai_api_base, anthropic_api_base, model_server_url, host, api_base …)
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,

    /// Another provider config key, checked against the providers' keys (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Rate limit for every endpoint, e.g. 100/minute
    #[arg(long, value_name = "CALLS/PERIOD")]
    pub limit: Option<String>,

    /// Take the region for bedrock endpoints from this SigV4 profile
    #[arg(long, value_name = "PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub from_profile: Option<String>,

    /// Write the config here [default: print it]
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ScaffoldCheckArgs {
    /// The MLflow gateway config file
    pub file: PathBuf,
}

/// `scaffold aws-apigw --auth`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ApigwAuthArg {
    /// AWS SigV4 (IAM users and roles)
    Iam,
    /// JWT authorizer (HTTP API)
    Jwt,
    /// HTTP Basic via a Lambda authorizer (REST API)
    LambdaBasic,
    /// API keys with a usage plan (REST API)
    ApiKey,
}

impl From<ApigwAuthArg> for crate::scaffold::apigw::ApiAuth {
    fn from(a: ApigwAuthArg) -> Self {
        match a {
            ApigwAuthArg::Iam => Self::Iam,
            ApigwAuthArg::Jwt => Self::Jwt,
            ApigwAuthArg::LambdaBasic => Self::LambdaBasic,
            ApigwAuthArg::ApiKey => Self::ApiKey,
        }
    }
}

/// `scaffold aws-apigw --api`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ApiKindArg {
    Http,
    Rest,
}

impl From<ApiKindArg> for crate::scaffold::apigw::ApiKind {
    fn from(k: ApiKindArg) -> Self {
        match k {
            ApiKindArg::Http => Self::Http,
            ApiKindArg::Rest => Self::Rest,
        }
    }
}

/// `scaffold aws-apigw --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ApigwFormatArg {
    Openapi,
    Cloudformation,
    Sam,
}

impl From<ApigwFormatArg> for crate::scaffold::apigw::Format {
    fn from(f: ApigwFormatArg) -> Self {
        match f {
            ApigwFormatArg::Openapi => Self::OpenApi,
            ApigwFormatArg::Cloudformation => Self::CloudFormation,
            ApigwFormatArg::Sam => Self::Sam,
        }
    }
}

/// `scaffold nginx --auth`: the schemes nginx can check by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NginxAuthArg {
    Basic,
}

#[derive(Debug, Args)]
pub struct ScaffoldApigwArgs {
    /// The gateway API Gateway forwards to (an MLflow gateway), e.g. https://mlflow.internal:5000 (asked on a terminal)
    #[arg(long, value_name = "URL")]
    pub backend: Option<String>,

    /// How API Gateway authenticates callers (asked on a terminal)
    #[arg(long, value_name = "MODE", value_enum)]
    pub auth: Option<ApigwAuthArg>,

    /// API Gateway product [default: http for iam and jwt, rest for lambda-basic and api-key]
    #[arg(long, value_name = "KIND", value_enum)]
    pub api: Option<ApiKindArg>,

    /// Output: an OpenAPI definition, or a CloudFormation / SAM template embedding it
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ApigwFormatArg::Openapi)]
    pub format: ApigwFormatArg,

    /// JWT issuer (--auth jwt)
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,

    /// JWT audience (--auth jwt; repeatable)
    #[arg(long, value_name = "AUD")]
    pub audience: Vec<String>,

    /// The Basic authorizer Lambda's ARN (--auth lambda-basic --format openapi)
    #[arg(long, value_name = "ARN")]
    pub authorizer_arn: Option<String>,

    /// Tie to a client profile: a JWT profile's issuer/audience, a Basic profile's user, a SigV4 profile's region
    #[arg(long, value_name = "PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub from_profile: Option<String>,

    /// API name
    #[arg(long, value_name = "NAME", default_value = "mlflow-gateway")]
    pub name: String,

    /// Write here (.json for JSON) [default: print YAML]
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

const SCAFFOLD_NGINX_EXAMPLES: &str = "\
Examples:
  # user and password from a Basic profile, files next to each other
  gwctl scaffold nginx --backend http://127.0.0.1:5000 --from-profile dev -o /etc/nginx/conf.d/mlflow.conf
  # or a user with the password on stdin
  printf %s \"$PW\" | gwctl scaffold nginx --backend http://127.0.0.1:5000 --user alice --password-stdin \\
      --listen 127.0.0.1:8080 -o mlflow.conf";

#[derive(Debug, Args)]
pub struct ScaffoldNginxArgs {
    /// The gateway nginx forwards to, e.g. http://127.0.0.1:5000
    #[arg(long, value_name = "URL")]
    pub backend: String,

    /// How nginx authenticates clients
    #[arg(long, value_name = "SCHEME", value_enum, default_value_t = NginxAuthArg::Basic)]
    pub auth: NginxAuthArg,

    /// Take the user and password from this Basic profile (and print matching gwctl lines)
    #[arg(long, value_name = "PROFILE", conflicts_with_all = ["user", "password_stdin"], add = ArgValueCompleter::new(crate::complete::profiles))]
    pub from_profile: Option<String>,

    /// The htpasswd user (with --password-stdin)
    #[arg(long, value_name = "USER", requires = "password_stdin")]
    pub user: Option<String>,

    /// Read the htpasswd password from standard input
    #[arg(long, requires = "user")]
    pub password_stdin: bool,

    /// nginx listen address
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// nginx server_name
    #[arg(long, value_name = "NAME", default_value = "_")]
    pub server_name: String,

    /// The realm shown by browsers
    #[arg(long, value_name = "TEXT", default_value = "mlflow gateway")]
    pub realm: String,

    /// Write the server block here [default: print it]
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write the htpasswd entry here [default: FILE.htpasswd next to -o]
    #[arg(long, value_name = "FILE")]
    pub htpasswd: Option<PathBuf>,

    /// Overwrite existing files
    #[arg(long)]
    pub force: bool,
}

const SERVE_EXAMPLES: &str = "\
Examples:
  # accept two profiles' credentials, answer with the echo model
  gwctl serve --listen 127.0.0.1:8080 --accept dev --accept aws
  # JWTs from a published JWKS, Basic users from an htpasswd file, with faults
  gwctl keys jwks --profile signer > jwks.json
  gwctl serve --jwks jwks.json --issuer me --audience gateway --htpasswd users.htpasswd --fault 429:0.1 --latency 50ms
  # verify, then forward to a real MLflow gateway (its own auth headers removed)
  gwctl serve --accept dev --upstream http://127.0.0.1:5000 --explain --log serve.log";

// `gwctl serve`: a local verifying gateway.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: a free port); a non-loopback address needs --allow-remote
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// Allow a --listen address other hosts can reach
    #[arg(long)]
    pub allow_remote: bool,

    /// Accept requests signed with this profile's credentials (repeatable)
    #[arg(long = "accept", value_name = "PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub accept: Vec<String>,

    /// Accept Basic users from this htpasswd file (bcrypt entries, as `gwctl scaffold nginx` writes)
    #[arg(long, value_name = "FILE")]
    pub htpasswd: Option<PathBuf>,

    /// Accept JWTs signed by a key of this JWKS (a file or an http(s) URL, read at start)
    #[arg(long, value_name = "FILE|URL", requires_all = ["issuer", "audience"])]
    pub jwks: Option<String>,

    /// With --jwks: the iss the tokens must carry
    #[arg(long, value_name = "ISS", requires = "jwks")]
    pub issuer: Option<String>,

    /// With --jwks: an aud the tokens must carry (repeatable: any of them)
    #[arg(long, value_name = "AUD", requires = "jwks")]
    pub audience: Vec<String>,

    /// Be the OAuth2 token endpoint (client credentials) of this oauth2 profile's client, and accept its tokens (repeatable)
    #[arg(long = "oauth2-client", value_name = "PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub oauth2_clients: Vec<String>,

    /// Serve the endpoints of this MLflow gateway config (answered by the echo model)
    #[arg(long, value_name = "GATEWAY.yaml", conflicts_with = "upstream")]
    pub gateway_config: Option<PathBuf>,

    /// Forward verified requests to this gateway (the client's auth headers removed)
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,

    /// Inject faults: 429:RATE (with Retry-After), 500:RATE, cut:RATE (a stream cut mid-event); RATE 0-1 (repeatable)
    #[arg(long = "fault", value_name = "KIND:RATE")]
    pub faults: Vec<String>,

    /// Delay every answer, e.g. 50ms, 1s
    #[arg(long, value_name = "DURATION")]
    pub latency: Option<String>,

    /// Seed for the faults (the same seed gives the same sequence)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,

    /// Put the server's canonical request and string to sign in refusals and the log
    #[arg(long)]
    pub explain: bool,

    /// Append the request log to this file [default: standard error]
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

const DEMO_EXAMPLES: &str = "\
Examples:
  gwctl demo
  gwctl demo --keep      # leave the server running and try commands by hand";

// `gwctl demo`: serve in-process, one profile per scheme, calls through each.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Leave the server running and print the environment to try commands by hand (Ctrl-C stops)
    #[arg(long)]
    pub keep: bool,
}
