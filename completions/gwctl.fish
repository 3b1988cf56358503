# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gwctl_global_optspecs
    string join \n config= v/verbose h/help V/version
end

function __fish_gwctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gwctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gwctl_using_subcommand
    set -l cmd (__fish_gwctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gwctl -n "__fish_gwctl_needs_command" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_needs_command" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_needs_command" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_needs_command" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "sign" -d 'Print the signed headers, presigned URL or a ready curl command for a request'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "profile" -d 'Manage credential profiles (settings in the config file, secrets in a secret store)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "doctor" -d 'Check the config file, the secret stores available here, each profile\'s secret and key age'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "keys" -d 'Rotate credentials without losing a working one; print a JWT profile\'s JWKS'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "invoke" -d 'Call a gateway route or a model endpoint, signed, and print the answer (streaming live)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "routes" -d 'List or show the routes (endpoints) of an MLflow gateway'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "scaffold" -d 'Generate the gateway side: configs the real tools accept'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "serve" -d 'Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "demo" -d 'Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "unlock" -d 'Unlock the file store for a while: the passphrase is asked once, then calls need none'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "lock" -d 'Forget the unlocked file-store key now'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "token" -d 'Print a profile\'s current access token (OAuth2: cached or refreshed; JWT: freshly minted)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "credential-process" -d 'Print a sigv4 profile\'s credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "exec" -d 'Run a command with a profile\'s credentials in its environment (never in its arguments)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s X -l request -d 'HTTP method [default: GET, or POST with -d]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s H -l header -d 'Add a header, \'Name: value\' (repeatable; signed with the request)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s d -l data -d 'Body: DATA as given, @FILE (exact bytes, hashed by streaming) or @- (standard input)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile\'s gateway: no credentials]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l auth -d 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile\'s for this call' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l format -d 'Output: headers, json, curl, or url (the presigned URL) [default: headers; url with --presign]' -r -f -a "headers\t''
json\t''
curl\t''
url\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l time -d 'Fixed signing time, 20150830T123600Z or RFC 3339, for reproducible output [default: now]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l region -d 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l service -d 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l expires -d 'Presigned URL lifetime in seconds, at most 604800 (7 days)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l alg -d 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l iss -d 'The iss claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l sub -d 'The sub claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l aud -d 'The aud claim (repeatable: several make an array)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l ttl -d 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l kid -d 'The kid header' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l claim -d 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l explain -d 'Also print (on stderr) the canonical request, the string to sign and the signed headers (sigv4, apipark, huawei), to compare with what a server or another signer computed'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l unsigned-payload -d 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l content-sha256 -d 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l presign -d 'Print a presigned URL (query-string auth) instead of headers'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l no-jti -d 'Leave out the random jti claim'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand sign" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "add" -d 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "list" -d 'List profiles'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "show" -d 'Show a profile\'s settings, with its secret masked'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "edit" -d 'Change a profile\'s settings, secret or store'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "remove" -d 'Remove a profile and its stored secret'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "use" -d 'Make a profile the default'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "import" -d 'Import credentials from another tool'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and not __fish_seen_subcommand_from add list show edit remove use import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l auth -d 'Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l url -d 'Base URL of the gateway or endpoint' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l gateway -d 'Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic' -r -f -a "mlflow\t''
mlflow-server\t''
aws\t''
generic\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l username -d 'Basic auth user name' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l access-key-id -d 'Access key id (sigv4, apipark, huawei)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l region -d 'SigV4 region' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l service -d 'SigV4 service name (execute-api, sagemaker, bedrock, lambda …)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l iam-endpoint -d 'IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l sts-endpoint -d 'STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l store -d 'Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l key-file -d 'JWT private key file (PEM); its content is copied into the secret store' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l alg -d 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l iss -d 'The iss claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l sub -d 'The sub claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l aud -d 'The aud claim (repeatable: several make an array)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l ttl -d 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l kid -d 'The kid header' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l claim -d 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l token-url -d 'Token endpoint URL' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l issuer -d 'Issuer URL: the token endpoint is found in its /.well-known/openid-configuration' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l client-id -d 'OAuth2 client id' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l scope -d 'A scope to ask for (repeatable); replaces a preset\'s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l audience -d 'The audience parameter (Auth0, some Keycloak setups)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l resource -d 'A resource indicator, RFC 8707 (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l client-auth -d 'Client authentication [default: basic; the preset\'s]' -r -f -a "basic\t'client_secret_basic: the id and secret in an Authorization: Basic header'
post\t'client_secret_post: the id and secret in the form'
private-key-jwt\t'private_key_jwt: a JWT signed with --key-file'
client-secret-jwt\t'client_secret_jwt: a JWT signed (HS256) with the client secret'"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l preset -d 'Fill the token endpoint, scope and client authentication from a preset' -r -f -a "generic\t'No preset: give --token-url or --issuer, and --scope'
databricks\t'Databricks OAuth M2M (token endpoint from --url, scope all-apis)'
azure\t'Microsoft Entra for Azure OpenAI (with --tenant)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l tenant -d 'Azure: the directory (tenant) id or domain' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l role-arn -d 'Assume this role (STS AssumeRole) for every request' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l source-profile -d 'The profile whose credentials assume the role (it may itself have a role: a chain)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l external-id -d 'The external id the role\'s trust policy asks for' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l mfa-serial -d 'The MFA device (ARN or serial); its code is asked on a terminal when a session is needed' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l duration -d 'Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l session-name -d 'Role session name [default: gwctl-PROFILE]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l secret-stdin -d 'Read the secret (password, secret key, token, JWT secret or PEM) from standard input'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -l no-jti -d 'Leave out the random jti claim'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -s y -l yes -d 'Overwrite an existing profile without asking'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "toml\t''
json\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l auth -d 'Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l url -d 'Base URL of the gateway or endpoint' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l gateway -d 'Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic' -r -f -a "mlflow\t''
mlflow-server\t''
aws\t''
generic\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l username -d 'Basic auth user name' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l access-key-id -d 'Access key id (sigv4, apipark, huawei)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l region -d 'SigV4 region' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l service -d 'SigV4 service name (execute-api, sagemaker, bedrock, lambda …)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l iam-endpoint -d 'IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l sts-endpoint -d 'STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l store -d 'Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l key-file -d 'JWT private key file (PEM); its content is copied into the secret store' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l alg -d 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l iss -d 'The iss claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l sub -d 'The sub claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l aud -d 'The aud claim (repeatable: several make an array)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l ttl -d 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l kid -d 'The kid header' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l claim -d 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l token-url -d 'Token endpoint URL' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l issuer -d 'Issuer URL: the token endpoint is found in its /.well-known/openid-configuration' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l client-id -d 'OAuth2 client id' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l scope -d 'A scope to ask for (repeatable); replaces a preset\'s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l audience -d 'The audience parameter (Auth0, some Keycloak setups)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l resource -d 'A resource indicator, RFC 8707 (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l client-auth -d 'Client authentication [default: basic; the preset\'s]' -r -f -a "basic\t'client_secret_basic: the id and secret in an Authorization: Basic header'
post\t'client_secret_post: the id and secret in the form'
private-key-jwt\t'private_key_jwt: a JWT signed with --key-file'
client-secret-jwt\t'client_secret_jwt: a JWT signed (HS256) with the client secret'"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l preset -d 'Fill the token endpoint, scope and client authentication from a preset' -r -f -a "generic\t'No preset: give --token-url or --issuer, and --scope'
databricks\t'Databricks OAuth M2M (token endpoint from --url, scope all-apis)'
azure\t'Microsoft Entra for Azure OpenAI (with --tenant)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l tenant -d 'Azure: the directory (tenant) id or domain' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l role-arn -d 'Assume this role (STS AssumeRole) for every request' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l source-profile -d 'The profile whose credentials assume the role (it may itself have a role: a chain)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l external-id -d 'The external id the role\'s trust policy asks for' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l mfa-serial -d 'The MFA device (ARN or serial); its code is asked on a terminal when a session is needed' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l duration -d 'Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l session-name -d 'Role session name [default: gwctl-PROFILE]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l secret-stdin -d 'Read the secret (password, secret key, token, JWT secret or PEM) from standard input'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -l no-jti -d 'Leave out the random jti claim'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Remove without asking'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from use" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from import" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from import" -f -a "aws" -d 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from import" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List profiles'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a profile\'s settings, with its secret masked'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change a profile\'s settings, secret or store'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a profile and its stored secret'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a profile the default'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import credentials from another tool'
complete -c gwctl -n "__fish_gwctl_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l max-age -d 'Warn about keys and passwords older than this (`90d`, `12h`, seconds)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l check -d 'Also make one authenticated call per profile with a URL: accepted or refused, as whom, clock skew (exit 9 if refused)'
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -f -a "rotate" -d 'Rotate a profile\'s key, password or signing key; re-run to resume an interrupted rotation'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -f -a "jwks" -d 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and not __fish_seen_subcommand_from rotate jwks help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l iam-endpoint -d 'IAM endpoint [default: the profile\'s, else https://iam.amazonaws.com/]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l sts-endpoint -d 'STS endpoint that checks the new key [default: the profile\'s, else https://sts.amazonaws.com/]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l verify-timeout -d 'How long to wait for AWS to accept a new key (IAM is eventually consistent)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l rsa-bits -d 'Size of new RSA keys for RS*/PS* profiles' -r -f -a "2048\t''
3072\t''
4096\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l timeout -d 'Seconds to wait for the response headers (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l connect-timeout -d 'Seconds to wait for the connection' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l idle-timeout -d 'Seconds a response body (a stream) may pause between two pieces (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l retries -d 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s y -l yes -d 'Do not ask for confirmation'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l dry-run -d 'Say what would be done and change nothing (AWS: the key list is still read)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l finish -d 'Switch to the pending key (gateway-managed keys), or stop publishing the previous public key (JWT)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l keep-old -d 'AWS: leave the old access key inactive instead of deleting it'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l new-secret-stdin -d 'Read the new secret from standard input instead of generating one (AK/SK: "AK SK" or JSON; a password; a JWT key)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l retry-all -d 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from jwks" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from jwks" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from jwks" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from jwks" -l pretty -d 'Indent the JSON'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from jwks" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from jwks" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Rotate a profile\'s key, password or signing key; re-run to resume an interrupted rotation'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "jwks" -d 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation'
complete -c gwctl -n "__fish_gwctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -f -a "route" -d 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -f -a "endpoint" -d 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -f -a "batch" -d 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and not __fish_seen_subcommand_from route endpoint batch help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l style -d 'URL form: endpoints (/endpoints/NAME/invocations), legacy (/gateway/NAME/invocations), tracking-server (/gateway/NAME/mlflow/invocations), openai (/v1/… with "model": NAME) [default: tracking-server for --gateway mlflow-server profiles, else endpoints]' -r -f -a "endpoints\t''
legacy\t''
tracking-server\t''
openai\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l kind -d 'What the route does, for --prompt: chat, completions, embeddings [default: asked of the gateway, else chat]' -r -f -a "chat\t''
completions\t''
embeddings\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile\'s gateway: no credentials]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l auth -d 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile\'s for this call' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l url -d 'Base URL, overriding the profile\'s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s X -l request -d 'HTTP method [default: POST with a body, else GET]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s H -l header -d 'Add a header, \'Name: value\' (repeatable; signed with the request)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s d -l data -d 'Body: DATA as given, @FILE or @- (standard input)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l prompt -d 'Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l system -d 'A system message (chat)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l param -d 'A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l format -d 'Output: json (pretty on a terminal, compact when piped), text (the answer\'s text), raw (the bytes)' -r -f -a "json\t''
text\t''
raw\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l timeout -d 'Seconds to wait for the response headers (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l connect-timeout -d 'Seconds to wait for the connection' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l idle-timeout -d 'Seconds a response body (a stream) may pause between two pieces (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l retries -d 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l region -d 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l service -d 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l alg -d 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l iss -d 'The iss claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l sub -d 'The sub claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l aud -d 'The aud claim (repeatable: several make an array)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l ttl -d 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l kid -d 'The kid header' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l claim -d 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l stream -d 'Ask for a streamed answer ("stream": true) and print each delta as it arrives'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l raw -d 'With --stream: print the events as received instead of the text deltas'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s i -l include -d 'Print the response status line and headers first'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l dry-run -d 'Print the signed request (secrets redacted) and do not send it'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l stats -d 'Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l retry-all -d 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l unsigned-payload -d 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l content-sha256 -d 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -l no-jti -d 'Leave out the random jti claim'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from route" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l input-json -d 'MLflow model serving: a JSON file of records (→ dataframe_split) or any JSON (→ inputs)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l input-csv -d 'MLflow model serving: a CSV file with a header row (→ dataframe_split)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile\'s gateway: no credentials]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l auth -d 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile\'s for this call' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l url -d 'Base URL, overriding the profile\'s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s X -l request -d 'HTTP method [default: POST with a body, else GET]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s H -l header -d 'Add a header, \'Name: value\' (repeatable; signed with the request)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s d -l data -d 'Body: DATA as given, @FILE or @- (standard input)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l prompt -d 'Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l system -d 'A system message (chat)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l param -d 'A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l format -d 'Output: json (pretty on a terminal, compact when piped), text (the answer\'s text), raw (the bytes)' -r -f -a "json\t''
text\t''
raw\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l timeout -d 'Seconds to wait for the response headers (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l connect-timeout -d 'Seconds to wait for the connection' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l idle-timeout -d 'Seconds a response body (a stream) may pause between two pieces (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l retries -d 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l region -d 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l service -d 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l alg -d 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l iss -d 'The iss claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l sub -d 'The sub claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l aud -d 'The aud claim (repeatable: several make an array)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l ttl -d 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l kid -d 'The kid header' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l claim -d 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l stream -d 'Ask for a streamed answer ("stream": true) and print each delta as it arrives'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l raw -d 'With --stream: print the events as received instead of the text deltas'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s i -l include -d 'Print the response status line and headers first'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l dry-run -d 'Print the signed request (secrets redacted) and do not send it'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l stats -d 'Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l retry-all -d 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l unsigned-payload -d 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l content-sha256 -d 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -l no-jti -d 'Leave out the random jti claim'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from endpoint" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -s o -l output -d 'Where results go (OpenAI batch output format); also the journal a re-run resumes from [default: standard output, no resume]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l errors -d 'Where failed lines go [default: the output file, as OpenAI does]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l route -d 'Default target for lines without url: a route of the profile\'s gateway' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l endpoint -d 'Default target for lines without url: an endpoint URL (a path joins the profile\'s url)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l style -d 'With --route: the URL form (as on invoke route)' -r -f -a "endpoints\t''
legacy\t''
tracking-server\t''
openai\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l kind -d 'With --route: what the route does, for prompt lines [default: chat]' -r -f -a "chat\t''
completions\t''
embeddings\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l url -d 'Base URL, overriding the profile\'s (line urls that are paths join it)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -s H -l header -d 'Add a header, \'Name: value\' (repeatable; signed with every request)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l concurrency -d 'Requests in flight at most' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l rpm -d 'Client-side limit: requests per minute' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l tpm -d 'Client-side limit: tokens per minute (estimated, corrected from usage)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l max-attempts -d 'Attempts per line, the first included (connection errors, 429, 5xx are retried)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l shard -d 'Only the lines whose custom_id hashes (FNV-1a 64) to K modulo N' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l limit -d 'Only the first N lines (of the shard)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l summary-json -d 'Write the summary as JSON to FILE' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile\'s gateway: no credentials]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l auth -d 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile\'s for this call' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l timeout -d 'Seconds to wait for the response headers (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l connect-timeout -d 'Seconds to wait for the connection' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l idle-timeout -d 'Seconds a response body (a stream) may pause between two pieces (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l retries -d 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l region -d 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l service -d 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l alg -d 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l iss -d 'The iss claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l sub -d 'The sub claim' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l aud -d 'The aud claim (repeatable: several make an array)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l ttl -d 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l kid -d 'The kid header' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l claim -d 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l resume -d 'Resume from the output file (also the default when it exists): ids already written are skipped'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l skip-invalid -d 'Record invalid lines in the errors file instead of refusing the input'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l no-aimd -d 'Do not adapt the concurrency to 429s and rate-limit headers'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l dry-run -d 'Validate the whole input, sign and print the first requests (secrets redacted); send nothing'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l retry-all -d 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l unsigned-payload -d 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l content-sha256 -d 'Add and sign X-Amz-Content-SHA256 (always on for s3)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -l no-jti -d 'Leave out the random jti claim'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from batch" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from help" -f -a "route" -d 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from help" -f -a "endpoint" -d 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from help" -f -a "batch" -d 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable'
complete -c gwctl -n "__fish_gwctl_using_subcommand invoke; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List the routes of the profile\'s MLflow gateway'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Show one route'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile\'s gateway: no credentials]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l auth -d 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile\'s for this call' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l url -d 'Gateway base URL, overriding the profile\'s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l gateway -d 'Gateway flavour, overriding the profile\'s' -r -f -a "mlflow\t''
mlflow-server\t''
aws\t''
generic\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l timeout -d 'Seconds to wait for the response headers (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l connect-timeout -d 'Seconds to wait for the connection' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l idle-timeout -d 'Seconds a response body (a stream) may pause between two pieces (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l retries -d 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l retry-all -d 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile\'s gateway: no credentials]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l auth -d 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile\'s for this call' -r -f -a "basic\t''
sigv4\t''
apipark\t''
huawei\t''
jwt\t''
bearer\t''
oauth2\t'OAuth2 client credentials: a bearer token issued by a token endpoint'
none\t'No credentials: requests are sent as they are (a plain `mlflow gateway start`)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l url -d 'Gateway base URL, overriding the profile\'s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l gateway -d 'Gateway flavour, overriding the profile\'s' -r -f -a "mlflow\t''
mlflow-server\t''
aws\t''
generic\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds to wait for the response headers (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Seconds to wait for the connection' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l idle-timeout -d 'Seconds a response body (a stream) may pause between two pieces (0: no limit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l retries -d 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l retry-all -d 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the routes of the profile\'s MLflow gateway'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one route'
complete -c gwctl -n "__fish_gwctl_using_subcommand routes; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -f -a "mlflow" -d 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -f -a "check" -d 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -f -a "aws-apigw" -d 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -f -a "nginx" -d 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and not __fish_seen_subcommand_from mlflow check aws-apigw nginx help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -s e -l endpoint -d 'NAME:TYPE:PROVIDER:MODEL, TYPE chat|completions|embeddings (repeatable; MODEL may contain \':\')' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -l api-base -d 'Provider base URL (openai_api_base, anthropic_api_base, model_server_url, host, api_base …)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -l set -d 'Another provider config key, checked against the providers\' keys (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -l limit -d 'Rate limit for every endpoint, e.g. 100/minute' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -l from-profile -d 'Take the region for bedrock endpoints from this SigV4 profile' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -s o -l output -d 'Write the config here [default: print it]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -l force -d 'Overwrite an existing file'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from mlflow" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l backend -d 'The gateway API Gateway forwards to (an MLflow gateway), e.g. https://mlflow.internal:5000 (asked on a terminal)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l auth -d 'How API Gateway authenticates callers (asked on a terminal)' -r -f -a "iam\t'AWS SigV4 (IAM users and roles)'
jwt\t'JWT authorizer (HTTP API)'
lambda-basic\t'HTTP Basic via a Lambda authorizer (REST API)'
api-key\t'API keys with a usage plan (REST API)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l api -d 'API Gateway product [default: http for iam and jwt, rest for lambda-basic and api-key]' -r -f -a "http\t''
rest\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l format -d 'Output: an OpenAPI definition, or a CloudFormation / SAM template embedding it' -r -f -a "openapi\t''
cloudformation\t''
sam\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l issuer -d 'JWT issuer (--auth jwt)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l audience -d 'JWT audience (--auth jwt; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l authorizer-arn -d 'The Basic authorizer Lambda\'s ARN (--auth lambda-basic --format openapi)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l from-profile -d 'Tie to a client profile: a JWT profile\'s issuer/audience, a Basic profile\'s user, a SigV4 profile\'s region' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l name -d 'API name' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -s o -l output -d 'Write here (.json for JSON) [default: print YAML]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -l force -d 'Overwrite an existing file'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from aws-apigw" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l backend -d 'The gateway nginx forwards to, e.g. http://127.0.0.1:5000' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l auth -d 'How nginx authenticates clients' -r -f -a "basic\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l from-profile -d 'Take the user and password from this Basic profile (and print matching gwctl lines)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l user -d 'The htpasswd user (with --password-stdin)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l listen -d 'nginx listen address' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l server-name -d 'nginx server_name' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l realm -d 'The realm shown by browsers' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -s o -l output -d 'Write the server block here [default: print it]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l htpasswd -d 'Write the htpasswd entry here [default: FILE.htpasswd next to -o]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l password-stdin -d 'Read the htpasswd password from standard input'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -l force -d 'Overwrite existing files'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from nginx" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from help" -f -a "mlflow" -d 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from help" -f -a "aws-apigw" -d 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from help" -f -a "nginx" -d 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway'
complete -c gwctl -n "__fish_gwctl_using_subcommand scaffold; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l listen -d 'Address to listen on (port 0: a free port); a non-loopback address needs --allow-remote' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l accept -d 'Accept requests signed with this profile\'s credentials (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l htpasswd -d 'Accept Basic users from this htpasswd file (bcrypt entries, as `gwctl scaffold nginx` writes)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l jwks -d 'Accept JWTs signed by a key of this JWKS (a file or an http(s) URL, read at start)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l issuer -d 'With --jwks: the iss the tokens must carry' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l audience -d 'With --jwks: an aud the tokens must carry (repeatable: any of them)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l oauth2-client -d 'Be the OAuth2 token endpoint (client credentials) of this oauth2 profile\'s client, and accept its tokens (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l gateway-config -d 'Serve the endpoints of this MLflow gateway config (answered by the echo model)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l upstream -d 'Forward verified requests to this gateway (the client\'s auth headers removed)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l fault -d 'Inject faults: 429:RATE (with Retry-After), 500:RATE, cut:RATE (a stream cut mid-event); RATE 0-1 (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l latency -d 'Delay every answer, e.g. 50ms, 1s' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l seed -d 'Seed for the faults (the same seed gives the same sequence)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l log -d 'Append the request log to this file [default: standard error]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l allow-remote -d 'Allow a --listen address other hosts can reach'
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -l explain -d 'Put the server\'s canonical request and string to sign in refusals and the log'
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand demo" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand demo" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand demo" -l keep -d 'Leave the server running and print the environment to try commands by hand (Ctrl-C stops)'
complete -c gwctl -n "__fish_gwctl_using_subcommand demo" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand demo" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand unlock" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand unlock" -l ttl -d 'How long the file store stays unlocked (kept in the kernel session keyring until then)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand unlock" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand unlock" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand lock" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand lock" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand lock" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand lock" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l format -d 'Output format' -r -f -a "raw\t'The token alone'
header\t'`Authorization: Bearer …`'
json\t'`{"access_token": …, "token_type": "Bearer", "expires_at": …, "expires_in": …}`'"
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l clear -d 'Delete the cached token instead of printing one'
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand token" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -l mfa-code-stdin -d 'Read the MFA code from standard input (a role with --mfa-serial, in scripts)'
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand credential-process" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -s p -l profile -d 'Profile [default: GWCTL_PROFILE, else the default profile]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l env -d 'The variable that gets the token (token schemes)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l proxy -d 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l noproxy -d 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l mfa-code-stdin -d 'Read the MFA code from standard input (a role with --mfa-serial, in scripts)'
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -l insecure -d 'Do not verify TLS certificates (prints a warning)'
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand exec" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand completions" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand completions" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand man" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand man" -s v -l verbose -d 'Print progress notes on stderr (never secrets)'
complete -c gwctl -n "__fish_gwctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "sign" -d 'Print the signed headers, presigned URL or a ready curl command for a request'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "profile" -d 'Manage credential profiles (settings in the config file, secrets in a secret store)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "doctor" -d 'Check the config file, the secret stores available here, each profile\'s secret and key age'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "keys" -d 'Rotate credentials without losing a working one; print a JWT profile\'s JWKS'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "invoke" -d 'Call a gateway route or a model endpoint, signed, and print the answer (streaming live)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "routes" -d 'List or show the routes (endpoints) of an MLflow gateway'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "scaffold" -d 'Generate the gateway side: configs the real tools accept'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "serve" -d 'Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "demo" -d 'Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "unlock" -d 'Unlock the file store for a while: the passphrase is asked once, then calls need none'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "lock" -d 'Forget the unlocked file-store key now'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "token" -d 'Print a profile\'s current access token (OAuth2: cached or refreshed; JWT: freshly minted)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "credential-process" -d 'Print a sigv4 profile\'s credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "exec" -d 'Run a command with a profile\'s credentials in its environment (never in its arguments)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "man" -d 'Print the man page (roff)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from sign profile doctor keys invoke routes scaffold serve demo unlock lock token credential-process exec completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "add" -d 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List profiles'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show a profile\'s settings, with its secret masked'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "edit" -d 'Change a profile\'s settings, secret or store'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "remove" -d 'Remove a profile and its stored secret'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "use" -d 'Make a profile the default'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "import" -d 'Import credentials from another tool'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rotate" -d 'Rotate a profile\'s key, password or signing key; re-run to resume an interrupted rotation'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "jwks" -d 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from invoke" -f -a "route" -d 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from invoke" -f -a "endpoint" -d 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from invoke" -f -a "batch" -d 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from routes" -f -a "list" -d 'List the routes of the profile\'s MLflow gateway'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from routes" -f -a "show" -d 'Show one route'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from scaffold" -f -a "mlflow" -d 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from scaffold" -f -a "check" -d 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from scaffold" -f -a "aws-apigw" -d 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and __fish_seen_subcommand_from scaffold" -f -a "nginx" -d 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway'
