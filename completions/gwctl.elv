
use builtin;
use str;

set edit:completion:arg-completer[gwctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'gwctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'gwctl'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'Print the signed headers, presigned URL or a ready curl command for a request'
            cand profile 'Manage credential profiles (settings in the config file, secrets in a secret store)'
            cand doctor 'Check the config file, the secret stores available here, each profile''s secret and key age'
            cand keys 'Rotate credentials without losing a working one; print a JWT profile''s JWKS'
            cand invoke 'Call a gateway route or a model endpoint, signed, and print the answer (streaming live)'
            cand routes 'List or show the routes (endpoints) of an MLflow gateway'
            cand scaffold 'Generate the gateway side: configs the real tools accept'
            cand serve 'Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)'
            cand demo 'Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each'
            cand unlock 'Unlock the file store for a while: the passphrase is asked once, then calls need none'
            cand lock 'Forget the unlocked file-store key now'
            cand token 'Print a profile''s current access token (OAuth2: cached or refreshed; JWT: freshly minted)'
            cand credential-process 'Print a sigv4 profile''s credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)'
            cand exec 'Run a command with a profile''s credentials in its environment (never in its arguments)'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;sign'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -X 'HTTP method [default: GET, or POST with -d]'
            cand --request 'HTTP method [default: GET, or POST with -d]'
            cand -H 'Add a header, ''Name: value'' (repeatable; signed with the request)'
            cand --header 'Add a header, ''Name: value'' (repeatable; signed with the request)'
            cand -d 'Body: DATA as given, @FILE (exact bytes, hashed by streaming) or @- (standard input)'
            cand --data 'Body: DATA as given, @FILE (exact bytes, hashed by streaming) or @- (standard input)'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --auth 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call'
            cand --format 'Output: headers, json, curl, or url (the presigned URL) [default: headers; url with --presign]'
            cand --time 'Fixed signing time, 20150830T123600Z or RFC 3339, for reproducible output [default: now]'
            cand --region 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]'
            cand --service 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]'
            cand --expires 'Presigned URL lifetime in seconds, at most 604800 (7 days)'
            cand --alg 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]'
            cand --iss 'The iss claim'
            cand --sub 'The sub claim'
            cand --aud 'The aud claim (repeatable: several make an array)'
            cand --ttl 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]'
            cand --kid 'The kid header'
            cand --claim 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --explain 'Also print (on stderr) the canonical request, the string to sign and the signed headers (sigv4, apipark, huawei), to compare with what a server or another signer computed'
            cand --unsigned-payload 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
            cand --content-sha256 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
            cand --presign 'Print a presigned URL (query-string auth) instead of headers'
            cand --no-jti 'Leave out the random jti claim'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)'
            cand list 'List profiles'
            cand show 'Show a profile''s settings, with its secret masked'
            cand edit 'Change a profile''s settings, secret or store'
            cand remove 'Remove a profile and its stored secret'
            cand use 'Make a profile the default'
            cand import 'Import credentials from another tool'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;profile;add'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --auth 'Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret'
            cand --url 'Base URL of the gateway or endpoint'
            cand --gateway 'Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic'
            cand --username 'Basic auth user name'
            cand --access-key-id 'Access key id (sigv4, apipark, huawei)'
            cand --region 'SigV4 region'
            cand --service 'SigV4 service name (execute-api, sagemaker, bedrock, lambda …)'
            cand --iam-endpoint 'IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]'
            cand --sts-endpoint 'STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]'
            cand --store 'Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]'
            cand --key-file 'JWT private key file (PEM); its content is copied into the secret store'
            cand --alg 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]'
            cand --iss 'The iss claim'
            cand --sub 'The sub claim'
            cand --aud 'The aud claim (repeatable: several make an array)'
            cand --ttl 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]'
            cand --kid 'The kid header'
            cand --claim 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)'
            cand --token-url 'Token endpoint URL'
            cand --issuer 'Issuer URL: the token endpoint is found in its /.well-known/openid-configuration'
            cand --client-id 'OAuth2 client id'
            cand --scope 'A scope to ask for (repeatable); replaces a preset''s'
            cand --audience 'The audience parameter (Auth0, some Keycloak setups)'
            cand --resource 'A resource indicator, RFC 8707 (repeatable)'
            cand --client-auth 'Client authentication [default: basic; the preset''s]'
            cand --preset 'Fill the token endpoint, scope and client authentication from a preset'
            cand --tenant 'Azure: the directory (tenant) id or domain'
            cand --role-arn 'Assume this role (STS AssumeRole) for every request'
            cand --source-profile 'The profile whose credentials assume the role (it may itself have a role: a chain)'
            cand --external-id 'The external id the role''s trust policy asks for'
            cand --mfa-serial 'The MFA device (ARN or serial); its code is asked on a terminal when a session is needed'
            cand --duration 'Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]'
            cand --session-name 'Role session name [default: gwctl-PROFILE]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --secret-stdin 'Read the secret (password, secret key, token, JWT secret or PEM) from standard input'
            cand --no-jti 'Leave out the random jti claim'
            cand -y 'Overwrite an existing profile without asking'
            cand --yes 'Overwrite an existing profile without asking'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;list'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --format 'Output format'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;show'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --format 'Output format'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;edit'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --auth 'Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret'
            cand --url 'Base URL of the gateway or endpoint'
            cand --gateway 'Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic'
            cand --username 'Basic auth user name'
            cand --access-key-id 'Access key id (sigv4, apipark, huawei)'
            cand --region 'SigV4 region'
            cand --service 'SigV4 service name (execute-api, sagemaker, bedrock, lambda …)'
            cand --iam-endpoint 'IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]'
            cand --sts-endpoint 'STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]'
            cand --store 'Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]'
            cand --key-file 'JWT private key file (PEM); its content is copied into the secret store'
            cand --alg 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]'
            cand --iss 'The iss claim'
            cand --sub 'The sub claim'
            cand --aud 'The aud claim (repeatable: several make an array)'
            cand --ttl 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]'
            cand --kid 'The kid header'
            cand --claim 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)'
            cand --token-url 'Token endpoint URL'
            cand --issuer 'Issuer URL: the token endpoint is found in its /.well-known/openid-configuration'
            cand --client-id 'OAuth2 client id'
            cand --scope 'A scope to ask for (repeatable); replaces a preset''s'
            cand --audience 'The audience parameter (Auth0, some Keycloak setups)'
            cand --resource 'A resource indicator, RFC 8707 (repeatable)'
            cand --client-auth 'Client authentication [default: basic; the preset''s]'
            cand --preset 'Fill the token endpoint, scope and client authentication from a preset'
            cand --tenant 'Azure: the directory (tenant) id or domain'
            cand --role-arn 'Assume this role (STS AssumeRole) for every request'
            cand --source-profile 'The profile whose credentials assume the role (it may itself have a role: a chain)'
            cand --external-id 'The external id the role''s trust policy asks for'
            cand --mfa-serial 'The MFA device (ARN or serial); its code is asked on a terminal when a session is needed'
            cand --duration 'Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]'
            cand --session-name 'Role session name [default: gwctl-PROFILE]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --secret-stdin 'Read the secret (password, secret key, token, JWT secret or PEM) from standard input'
            cand --no-jti 'Leave out the random jti claim'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;remove'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -y 'Remove without asking'
            cand --yes 'Remove without asking'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;use'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;import'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand aws 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;profile;import;aws'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --aws-profile 'The profile in ~/.aws/credentials [default: the AWS_* environment if set, else "default"]'
            cand --name 'Name of the gwctl profile [default: the AWS profile''s name, or "aws"]'
            cand --store 'Where the secret goes [default: auto]'
            cand --service 'SigV4 service for the new profile'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -y 'Overwrite an existing profile without asking'
            cand --yes 'Overwrite an existing profile without asking'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;profile;import;help'= {
            cand aws 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;profile;import;help;aws'= {
        }
        &'gwctl;profile;import;help;help'= {
        }
        &'gwctl;profile;help'= {
            cand add 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)'
            cand list 'List profiles'
            cand show 'Show a profile''s settings, with its secret masked'
            cand edit 'Change a profile''s settings, secret or store'
            cand remove 'Remove a profile and its stored secret'
            cand use 'Make a profile the default'
            cand import 'Import credentials from another tool'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;profile;help;add'= {
        }
        &'gwctl;profile;help;list'= {
        }
        &'gwctl;profile;help;show'= {
        }
        &'gwctl;profile;help;edit'= {
        }
        &'gwctl;profile;help;remove'= {
        }
        &'gwctl;profile;help;use'= {
        }
        &'gwctl;profile;help;import'= {
            cand aws 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment'
        }
        &'gwctl;profile;help;import;aws'= {
        }
        &'gwctl;profile;help;help'= {
        }
        &'gwctl;doctor'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --max-age 'Warn about keys and passwords older than this (`90d`, `12h`, seconds)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --check 'Also make one authenticated call per profile with a URL: accepted or refused, as whom, clock skew (exit 9 if refused)'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;keys'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand rotate 'Rotate a profile''s key, password or signing key; re-run to resume an interrupted rotation'
            cand jwks 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;keys;rotate'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --iam-endpoint 'IAM endpoint [default: the profile''s, else https://iam.amazonaws.com/]'
            cand --sts-endpoint 'STS endpoint that checks the new key [default: the profile''s, else https://sts.amazonaws.com/]'
            cand --verify-timeout 'How long to wait for AWS to accept a new key (IAM is eventually consistent)'
            cand --rsa-bits 'Size of new RSA keys for RS*/PS* profiles'
            cand --timeout 'Seconds to wait for the response headers (0: no limit)'
            cand --connect-timeout 'Seconds to wait for the connection'
            cand --idle-timeout 'Seconds a response body (a stream) may pause between two pieces (0: no limit)'
            cand --retries 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --dry-run 'Say what would be done and change nothing (AWS: the key list is still read)'
            cand --finish 'Switch to the pending key (gateway-managed keys), or stop publishing the previous public key (JWT)'
            cand --keep-old 'AWS: leave the old access key inactive instead of deleting it'
            cand --new-secret-stdin 'Read the new secret from standard input instead of generating one (AK/SK: "AK SK" or JSON; a password; a JWT key)'
            cand --retry-all 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;keys;jwks'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --pretty 'Indent the JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;keys;help'= {
            cand rotate 'Rotate a profile''s key, password or signing key; re-run to resume an interrupted rotation'
            cand jwks 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;keys;help;rotate'= {
        }
        &'gwctl;keys;help;jwks'= {
        }
        &'gwctl;keys;help;help'= {
        }
        &'gwctl;invoke'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand route 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)'
            cand endpoint 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)'
            cand batch 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;invoke;route'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --style 'URL form: endpoints (/endpoints/NAME/invocations), legacy (/gateway/NAME/invocations), tracking-server (/gateway/NAME/mlflow/invocations), openai (/v1/… with "model": NAME) [default: tracking-server for --gateway mlflow-server profiles, else endpoints]'
            cand --kind 'What the route does, for --prompt: chat, completions, embeddings [default: asked of the gateway, else chat]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --auth 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call'
            cand --url 'Base URL, overriding the profile''s'
            cand -X 'HTTP method [default: POST with a body, else GET]'
            cand --request 'HTTP method [default: POST with a body, else GET]'
            cand -H 'Add a header, ''Name: value'' (repeatable; signed with the request)'
            cand --header 'Add a header, ''Name: value'' (repeatable; signed with the request)'
            cand -d 'Body: DATA as given, @FILE or @- (standard input)'
            cand --data 'Body: DATA as given, @FILE or @- (standard input)'
            cand --prompt 'Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs'
            cand --system 'A system message (chat)'
            cand --param 'A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)'
            cand --format 'Output: json (pretty on a terminal, compact when piped), text (the answer''s text), raw (the bytes)'
            cand --timeout 'Seconds to wait for the response headers (0: no limit)'
            cand --connect-timeout 'Seconds to wait for the connection'
            cand --idle-timeout 'Seconds a response body (a stream) may pause between two pieces (0: no limit)'
            cand --retries 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand --region 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]'
            cand --service 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]'
            cand --alg 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]'
            cand --iss 'The iss claim'
            cand --sub 'The sub claim'
            cand --aud 'The aud claim (repeatable: several make an array)'
            cand --ttl 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]'
            cand --kid 'The kid header'
            cand --claim 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --stream 'Ask for a streamed answer ("stream": true) and print each delta as it arrives'
            cand --raw 'With --stream: print the events as received instead of the text deltas'
            cand -i 'Print the response status line and headers first'
            cand --include 'Print the response status line and headers first'
            cand --dry-run 'Print the signed request (secrets redacted) and do not send it'
            cand --stats 'Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s'
            cand --retry-all 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand --unsigned-payload 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
            cand --content-sha256 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
            cand --no-jti 'Leave out the random jti claim'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;invoke;endpoint'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --input-json 'MLflow model serving: a JSON file of records (→ dataframe_split) or any JSON (→ inputs)'
            cand --input-csv 'MLflow model serving: a CSV file with a header row (→ dataframe_split)'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --auth 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call'
            cand --url 'Base URL, overriding the profile''s'
            cand -X 'HTTP method [default: POST with a body, else GET]'
            cand --request 'HTTP method [default: POST with a body, else GET]'
            cand -H 'Add a header, ''Name: value'' (repeatable; signed with the request)'
            cand --header 'Add a header, ''Name: value'' (repeatable; signed with the request)'
            cand -d 'Body: DATA as given, @FILE or @- (standard input)'
            cand --data 'Body: DATA as given, @FILE or @- (standard input)'
            cand --prompt 'Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs'
            cand --system 'A system message (chat)'
            cand --param 'A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)'
            cand --format 'Output: json (pretty on a terminal, compact when piped), text (the answer''s text), raw (the bytes)'
            cand --timeout 'Seconds to wait for the response headers (0: no limit)'
            cand --connect-timeout 'Seconds to wait for the connection'
            cand --idle-timeout 'Seconds a response body (a stream) may pause between two pieces (0: no limit)'
            cand --retries 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand --region 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]'
            cand --service 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]'
            cand --alg 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]'
            cand --iss 'The iss claim'
            cand --sub 'The sub claim'
            cand --aud 'The aud claim (repeatable: several make an array)'
            cand --ttl 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]'
            cand --kid 'The kid header'
            cand --claim 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --stream 'Ask for a streamed answer ("stream": true) and print each delta as it arrives'
            cand --raw 'With --stream: print the events as received instead of the text deltas'
            cand -i 'Print the response status line and headers first'
            cand --include 'Print the response status line and headers first'
            cand --dry-run 'Print the signed request (secrets redacted) and do not send it'
            cand --stats 'Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s'
            cand --retry-all 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand --unsigned-payload 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
            cand --content-sha256 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
            cand --no-jti 'Leave out the random jti claim'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;invoke;batch'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -o 'Where results go (OpenAI batch output format); also the journal a re-run resumes from [default: standard output, no resume]'
            cand --output 'Where results go (OpenAI batch output format); also the journal a re-run resumes from [default: standard output, no resume]'
            cand --errors 'Where failed lines go [default: the output file, as OpenAI does]'
            cand --route 'Default target for lines without url: a route of the profile''s gateway'
            cand --endpoint 'Default target for lines without url: an endpoint URL (a path joins the profile''s url)'
            cand --style 'With --route: the URL form (as on invoke route)'
            cand --kind 'With --route: what the route does, for prompt lines [default: chat]'
            cand --url 'Base URL, overriding the profile''s (line urls that are paths join it)'
            cand -H 'Add a header, ''Name: value'' (repeatable; signed with every request)'
            cand --header 'Add a header, ''Name: value'' (repeatable; signed with every request)'
            cand --concurrency 'Requests in flight at most'
            cand --rpm 'Client-side limit: requests per minute'
            cand --tpm 'Client-side limit: tokens per minute (estimated, corrected from usage)'
            cand --max-attempts 'Attempts per line, the first included (connection errors, 429, 5xx are retried)'
            cand --shard 'Only the lines whose custom_id hashes (FNV-1a 64) to K modulo N'
            cand --limit 'Only the first N lines (of the shard)'
            cand --summary-json 'Write the summary as JSON to FILE'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --auth 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call'
            cand --timeout 'Seconds to wait for the response headers (0: no limit)'
            cand --connect-timeout 'Seconds to wait for the connection'
            cand --idle-timeout 'Seconds a response body (a stream) may pause between two pieces (0: no limit)'
            cand --retries 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand --region 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]'
            cand --service 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]'
            cand --alg 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]'
            cand --iss 'The iss claim'
            cand --sub 'The sub claim'
            cand --aud 'The aud claim (repeatable: several make an array)'
            cand --ttl 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]'
            cand --kid 'The kid header'
            cand --claim 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --resume 'Resume from the output file (also the default when it exists): ids already written are skipped'
            cand --skip-invalid 'Record invalid lines in the errors file instead of refusing the input'
            cand --no-aimd 'Do not adapt the concurrency to 429s and rate-limit headers'
            cand --dry-run 'Validate the whole input, sign and print the first requests (secrets redacted); send nothing'
            cand --retry-all 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand --unsigned-payload 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
            cand --content-sha256 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
            cand --no-jti 'Leave out the random jti claim'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;invoke;help'= {
            cand route 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)'
            cand endpoint 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)'
            cand batch 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;invoke;help;route'= {
        }
        &'gwctl;invoke;help;endpoint'= {
        }
        &'gwctl;invoke;help;batch'= {
        }
        &'gwctl;invoke;help;help'= {
        }
        &'gwctl;routes'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the routes of the profile''s MLflow gateway'
            cand show 'Show one route'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;routes;list'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --format 'Output format'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --auth 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call'
            cand --url 'Gateway base URL, overriding the profile''s'
            cand --gateway 'Gateway flavour, overriding the profile''s'
            cand --timeout 'Seconds to wait for the response headers (0: no limit)'
            cand --connect-timeout 'Seconds to wait for the connection'
            cand --idle-timeout 'Seconds a response body (a stream) may pause between two pieces (0: no limit)'
            cand --retries 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --retry-all 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;routes;show'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]'
            cand --auth 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call'
            cand --url 'Gateway base URL, overriding the profile''s'
            cand --gateway 'Gateway flavour, overriding the profile''s'
            cand --timeout 'Seconds to wait for the response headers (0: no limit)'
            cand --connect-timeout 'Seconds to wait for the connection'
            cand --idle-timeout 'Seconds a response body (a stream) may pause between two pieces (0: no limit)'
            cand --retries 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --retry-all 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;routes;help'= {
            cand list 'List the routes of the profile''s MLflow gateway'
            cand show 'Show one route'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;routes;help;list'= {
        }
        &'gwctl;routes;help;show'= {
        }
        &'gwctl;routes;help;help'= {
        }
        &'gwctl;scaffold'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mlflow 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)'
            cand check 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers'
            cand aws-apigw 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM'
            cand nginx 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;scaffold;mlflow'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -e 'NAME:TYPE:PROVIDER:MODEL, TYPE chat|completions|embeddings (repeatable; MODEL may contain '':'')'
            cand --endpoint 'NAME:TYPE:PROVIDER:MODEL, TYPE chat|completions|embeddings (repeatable; MODEL may contain '':'')'
            cand --api-base 'Provider base URL (openai_api_base, anthropic_api_base, model_server_url, host, api_base …)'
            cand --set 'Another provider config key, checked against the providers'' keys (repeatable)'
            cand --limit 'Rate limit for every endpoint, e.g. 100/minute'
            cand --from-profile 'Take the region for bedrock endpoints from this SigV4 profile'
            cand -o 'Write the config here [default: print it]'
            cand --output 'Write the config here [default: print it]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --force 'Overwrite an existing file'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;scaffold;check'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;scaffold;aws-apigw'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --backend 'The gateway API Gateway forwards to (an MLflow gateway), e.g. https://mlflow.internal:5000 (asked on a terminal)'
            cand --auth 'How API Gateway authenticates callers (asked on a terminal)'
            cand --api 'API Gateway product [default: http for iam and jwt, rest for lambda-basic and api-key]'
            cand --format 'Output: an OpenAPI definition, or a CloudFormation / SAM template embedding it'
            cand --issuer 'JWT issuer (--auth jwt)'
            cand --audience 'JWT audience (--auth jwt; repeatable)'
            cand --authorizer-arn 'The Basic authorizer Lambda''s ARN (--auth lambda-basic --format openapi)'
            cand --from-profile 'Tie to a client profile: a JWT profile''s issuer/audience, a Basic profile''s user, a SigV4 profile''s region'
            cand --name 'API name'
            cand -o 'Write here (.json for JSON) [default: print YAML]'
            cand --output 'Write here (.json for JSON) [default: print YAML]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --force 'Overwrite an existing file'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;scaffold;nginx'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --backend 'The gateway nginx forwards to, e.g. http://127.0.0.1:5000'
            cand --auth 'How nginx authenticates clients'
            cand --from-profile 'Take the user and password from this Basic profile (and print matching gwctl lines)'
            cand --user 'The htpasswd user (with --password-stdin)'
            cand --listen 'nginx listen address'
            cand --server-name 'nginx server_name'
            cand --realm 'The realm shown by browsers'
            cand -o 'Write the server block here [default: print it]'
            cand --output 'Write the server block here [default: print it]'
            cand --htpasswd 'Write the htpasswd entry here [default: FILE.htpasswd next to -o]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --password-stdin 'Read the htpasswd password from standard input'
            cand --force 'Overwrite existing files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;scaffold;help'= {
            cand mlflow 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)'
            cand check 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers'
            cand aws-apigw 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM'
            cand nginx 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;scaffold;help;mlflow'= {
        }
        &'gwctl;scaffold;help;check'= {
        }
        &'gwctl;scaffold;help;aws-apigw'= {
        }
        &'gwctl;scaffold;help;nginx'= {
        }
        &'gwctl;scaffold;help;help'= {
        }
        &'gwctl;serve'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --listen 'Address to listen on (port 0: a free port); a non-loopback address needs --allow-remote'
            cand --accept 'Accept requests signed with this profile''s credentials (repeatable)'
            cand --htpasswd 'Accept Basic users from this htpasswd file (bcrypt entries, as `gwctl scaffold nginx` writes)'
            cand --jwks 'Accept JWTs signed by a key of this JWKS (a file or an http(s) URL, read at start)'
            cand --issuer 'With --jwks: the iss the tokens must carry'
            cand --audience 'With --jwks: an aud the tokens must carry (repeatable: any of them)'
            cand --oauth2-client 'Be the OAuth2 token endpoint (client credentials) of this oauth2 profile''s client, and accept its tokens (repeatable)'
            cand --gateway-config 'Serve the endpoints of this MLflow gateway config (answered by the echo model)'
            cand --upstream 'Forward verified requests to this gateway (the client''s auth headers removed)'
            cand --fault 'Inject faults: 429:RATE (with Retry-After), 500:RATE, cut:RATE (a stream cut mid-event); RATE 0-1 (repeatable)'
            cand --latency 'Delay every answer, e.g. 50ms, 1s'
            cand --seed 'Seed for the faults (the same seed gives the same sequence)'
            cand --log 'Append the request log to this file [default: standard error]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --allow-remote 'Allow a --listen address other hosts can reach'
            cand --explain 'Put the server''s canonical request and string to sign in refusals and the log'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;demo'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --keep 'Leave the server running and print the environment to try commands by hand (Ctrl-C stops)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;unlock'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand --ttl 'How long the file store stays unlocked (kept in the kernel session keyring until then)'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;lock'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;token'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --format 'Output format'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --clear 'Delete the cached token instead of printing one'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;credential-process'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --mfa-code-stdin 'Read the MFA code from standard input (a role with --mfa-serial, in scripts)'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;exec'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -p 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --profile 'Profile [default: GWCTL_PROFILE, else the default profile]'
            cand --env 'The variable that gets the token (token schemes)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand --proxy 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY'
            cand --noproxy 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand --mfa-code-stdin 'Read the MFA code from standard input (a role with --mfa-serial, in scripts)'
            cand --insecure 'Do not verify TLS certificates (prints a warning)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;completions'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;man'= {
            cand --config 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]'
            cand -v 'Print progress notes on stderr (never secrets)'
            cand --verbose 'Print progress notes on stderr (never secrets)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gwctl;help'= {
            cand sign 'Print the signed headers, presigned URL or a ready curl command for a request'
            cand profile 'Manage credential profiles (settings in the config file, secrets in a secret store)'
            cand doctor 'Check the config file, the secret stores available here, each profile''s secret and key age'
            cand keys 'Rotate credentials without losing a working one; print a JWT profile''s JWKS'
            cand invoke 'Call a gateway route or a model endpoint, signed, and print the answer (streaming live)'
            cand routes 'List or show the routes (endpoints) of an MLflow gateway'
            cand scaffold 'Generate the gateway side: configs the real tools accept'
            cand serve 'Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)'
            cand demo 'Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each'
            cand unlock 'Unlock the file store for a while: the passphrase is asked once, then calls need none'
            cand lock 'Forget the unlocked file-store key now'
            cand token 'Print a profile''s current access token (OAuth2: cached or refreshed; JWT: freshly minted)'
            cand credential-process 'Print a sigv4 profile''s credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)'
            cand exec 'Run a command with a profile''s credentials in its environment (never in its arguments)'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;help;sign'= {
        }
        &'gwctl;help;profile'= {
            cand add 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)'
            cand list 'List profiles'
            cand show 'Show a profile''s settings, with its secret masked'
            cand edit 'Change a profile''s settings, secret or store'
            cand remove 'Remove a profile and its stored secret'
            cand use 'Make a profile the default'
            cand import 'Import credentials from another tool'
        }
        &'gwctl;help;profile;add'= {
        }
        &'gwctl;help;profile;list'= {
        }
        &'gwctl;help;profile;show'= {
        }
        &'gwctl;help;profile;edit'= {
        }
        &'gwctl;help;profile;remove'= {
        }
        &'gwctl;help;profile;use'= {
        }
        &'gwctl;help;profile;import'= {
            cand aws 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment'
        }
        &'gwctl;help;profile;import;aws'= {
        }
        &'gwctl;help;doctor'= {
        }
        &'gwctl;help;keys'= {
            cand rotate 'Rotate a profile''s key, password or signing key; re-run to resume an interrupted rotation'
            cand jwks 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation'
        }
        &'gwctl;help;keys;rotate'= {
        }
        &'gwctl;help;keys;jwks'= {
        }
        &'gwctl;help;invoke'= {
            cand route 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)'
            cand endpoint 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)'
            cand batch 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable'
        }
        &'gwctl;help;invoke;route'= {
        }
        &'gwctl;help;invoke;endpoint'= {
        }
        &'gwctl;help;invoke;batch'= {
        }
        &'gwctl;help;routes'= {
            cand list 'List the routes of the profile''s MLflow gateway'
            cand show 'Show one route'
        }
        &'gwctl;help;routes;list'= {
        }
        &'gwctl;help;routes;show'= {
        }
        &'gwctl;help;scaffold'= {
            cand mlflow 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)'
            cand check 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers'
            cand aws-apigw 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM'
            cand nginx 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway'
        }
        &'gwctl;help;scaffold;mlflow'= {
        }
        &'gwctl;help;scaffold;check'= {
        }
        &'gwctl;help;scaffold;aws-apigw'= {
        }
        &'gwctl;help;scaffold;nginx'= {
        }
        &'gwctl;help;serve'= {
        }
        &'gwctl;help;demo'= {
        }
        &'gwctl;help;unlock'= {
        }
        &'gwctl;help;lock'= {
        }
        &'gwctl;help;token'= {
        }
        &'gwctl;help;credential-process'= {
        }
        &'gwctl;help;exec'= {
        }
        &'gwctl;help;completions'= {
        }
        &'gwctl;help;man'= {
        }
        &'gwctl;help;help'= {
        }
    ]
    $completions[$command]
}
