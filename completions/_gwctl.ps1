
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'gwctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'gwctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'gwctl' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signed headers, presigned URL or a ready curl command for a request')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage credential profiles (settings in the config file, secrets in a secret store)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the config file, the secret stores available here, each profile''s secret and key age')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Rotate credentials without losing a working one; print a JWT profile''s JWKS')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Call a gateway route or a model endpoint, signed, and print the answer (streaming live)')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'List or show the routes (endpoints) of an MLflow gateway')
            [CompletionResult]::new('scaffold', 'scaffold', [CompletionResultType]::ParameterValue, 'Generate the gateway side: configs the real tools accept')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock the file store for a while: the passphrase is asked once, then calls need none')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Forget the unlocked file-store key now')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a profile''s current access token (OAuth2: cached or refreshed; JWT: freshly minted)')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print a sigv4 profile''s credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a profile''s credentials in its environment (never in its arguments)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;sign' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with -d]')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with -d]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with the request)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with the request)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Body: DATA as given, @FILE (exact bytes, hashed by streaming) or @- (standard input)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Body: DATA as given, @FILE (exact bytes, hashed by streaming) or @- (standard input)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: headers, json, curl, or url (the presigned URL) [default: headers; url with --presign]')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'Fixed signing time, 20150830T123600Z or RFC 3339, for reproducible output [default: now]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Presigned URL lifetime in seconds, at most 604800 (7 days)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The iss claim')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The sub claim')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The aud claim (repeatable: several make an array)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Also print (on stderr) the canonical request, the string to sign and the signed headers (sigv4, apipark, huawei), to compare with what a server or another signer computed')
            [CompletionResult]::new('--unsigned-payload', '--unsigned-payload', [CompletionResultType]::ParameterName, 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)')
            [CompletionResult]::new('--content-sha256', '--content-sha256', [CompletionResultType]::ParameterName, 'Add and sign X-Amz-Content-SHA256 (always on for s3)')
            [CompletionResult]::new('--presign', '--presign', [CompletionResultType]::ParameterName, 'Print a presigned URL (query-string auth) instead of headers')
            [CompletionResult]::new('--no-jti', '--no-jti', [CompletionResultType]::ParameterName, 'Leave out the random jti claim')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile''s settings, with its secret masked')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a profile''s settings, secret or store')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile and its stored secret')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import credentials from another tool')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;profile;add' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the gateway or endpoint')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Basic auth user name')
            [CompletionResult]::new('--access-key-id', '--access-key-id', [CompletionResultType]::ParameterName, 'Access key id (sigv4, apipark, huawei)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'SigV4 region')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service name (execute-api, sagemaker, bedrock, lambda …)')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]')
            [CompletionResult]::new('--sts-endpoint', '--sts-endpoint', [CompletionResultType]::ParameterName, 'STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'JWT private key file (PEM); its content is copied into the secret store')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The iss claim')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The sub claim')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The aud claim (repeatable: several make an array)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint URL')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer URL: the token endpoint is found in its /.well-known/openid-configuration')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to ask for (repeatable); replaces a preset''s')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'The audience parameter (Auth0, some Keycloak setups)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A resource indicator, RFC 8707 (repeatable)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'Client authentication [default: basic; the preset''s]')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'Fill the token endpoint, scope and client authentication from a preset')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Azure: the directory (tenant) id or domain')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Assume this role (STS AssumeRole) for every request')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'The profile whose credentials assume the role (it may itself have a role: a chain)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'The external id the role''s trust policy asks for')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'The MFA device (ARN or serial); its code is asked on a terminal when a session is needed')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]')
            [CompletionResult]::new('--session-name', '--session-name', [CompletionResultType]::ParameterName, 'Role session name [default: gwctl-PROFILE]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the secret (password, secret key, token, JWT secret or PEM) from standard input')
            [CompletionResult]::new('--no-jti', '--no-jti', [CompletionResultType]::ParameterName, 'Leave out the random jti claim')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Overwrite an existing profile without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Overwrite an existing profile without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;edit' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme (asked for on a terminal when missing); none: no credentials, no secret')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL of the gateway or endpoint')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Gateway flavour: mlflow (YAML gateway), mlflow-server (tracking-server gateway), aws, generic')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Basic auth user name')
            [CompletionResult]::new('--access-key-id', '--access-key-id', [CompletionResultType]::ParameterName, 'Access key id (sigv4, apipark, huawei)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'SigV4 region')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service name (execute-api, sagemaker, bedrock, lambda …)')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM endpoint for `gwctl keys rotate` (sigv4) [default: https://iam.amazonaws.com/]')
            [CompletionResult]::new('--sts-endpoint', '--sts-endpoint', [CompletionResultType]::ParameterName, 'STS endpoint that checks a new key in `gwctl keys rotate` (sigv4) [default: https://sts.amazonaws.com/]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the secret lives: auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD [default: auto; on a terminal, asked among the stores that answer]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'JWT private key file (PEM); its content is copied into the secret store')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The iss claim')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The sub claim')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The aud claim (repeatable: several make an array)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('--token-url', '--token-url', [CompletionResultType]::ParameterName, 'Token endpoint URL')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer URL: the token endpoint is found in its /.well-known/openid-configuration')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'A scope to ask for (repeatable); replaces a preset''s')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'The audience parameter (Auth0, some Keycloak setups)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A resource indicator, RFC 8707 (repeatable)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'Client authentication [default: basic; the preset''s]')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'Fill the token endpoint, scope and client authentication from a preset')
            [CompletionResult]::new('--tenant', '--tenant', [CompletionResultType]::ParameterName, 'Azure: the directory (tenant) id or domain')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Assume this role (STS AssumeRole) for every request')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'The profile whose credentials assume the role (it may itself have a role: a chain)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'The external id the role''s trust policy asks for')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'The MFA device (ARN or serial); its code is asked on a terminal when a session is needed')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Session lifetime, 15m to 12h (e.g. 1h, 3600) [default: 1h]')
            [CompletionResult]::new('--session-name', '--session-name', [CompletionResultType]::ParameterName, 'Role session name [default: gwctl-PROFILE]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the secret (password, secret key, token, JWT secret or PEM) from standard input')
            [CompletionResult]::new('--no-jti', '--no-jti', [CompletionResultType]::ParameterName, 'Leave out the random jti claim')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;use' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;import' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('aws', 'aws', [CompletionResultType]::ParameterValue, 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;profile;import;aws' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'The profile in ~/.aws/credentials [default: the AWS_* environment if set, else "default"]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the gwctl profile [default: the AWS profile''s name, or "aws"]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where the secret goes [default: auto]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service for the new profile')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Overwrite an existing profile without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Overwrite an existing profile without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;profile;import;help' {
            [CompletionResult]::new('aws', 'aws', [CompletionResultType]::ParameterValue, 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;profile;import;help;aws' {
            break
        }
        'gwctl;profile;import;help;help' {
            break
        }
        'gwctl;profile;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile''s settings, with its secret masked')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a profile''s settings, secret or store')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile and its stored secret')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import credentials from another tool')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;profile;help;add' {
            break
        }
        'gwctl;profile;help;list' {
            break
        }
        'gwctl;profile;help;show' {
            break
        }
        'gwctl;profile;help;edit' {
            break
        }
        'gwctl;profile;help;remove' {
            break
        }
        'gwctl;profile;help;use' {
            break
        }
        'gwctl;profile;help;import' {
            [CompletionResult]::new('aws', 'aws', [CompletionResultType]::ParameterValue, 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment')
            break
        }
        'gwctl;profile;help;import;aws' {
            break
        }
        'gwctl;profile;help;help' {
            break
        }
        'gwctl;doctor' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Warn about keys and passwords older than this (`90d`, `12h`, seconds)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Also make one authenticated call per profile with a URL: accepted or refused, as whom, clock skew (exit 9 if refused)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;keys' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Rotate a profile''s key, password or signing key; re-run to resume an interrupted rotation')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;keys;rotate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--iam-endpoint', '--iam-endpoint', [CompletionResultType]::ParameterName, 'IAM endpoint [default: the profile''s, else https://iam.amazonaws.com/]')
            [CompletionResult]::new('--sts-endpoint', '--sts-endpoint', [CompletionResultType]::ParameterName, 'STS endpoint that checks the new key [default: the profile''s, else https://sts.amazonaws.com/]')
            [CompletionResult]::new('--verify-timeout', '--verify-timeout', [CompletionResultType]::ParameterName, 'How long to wait for AWS to accept a new key (IAM is eventually consistent)')
            [CompletionResult]::new('--rsa-bits', '--rsa-bits', [CompletionResultType]::ParameterName, 'Size of new RSA keys for RS*/PS* profiles')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers (0: no limit)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the connection')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a response body (a stream) may pause between two pieces (0: no limit)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be done and change nothing (AWS: the key list is still read)')
            [CompletionResult]::new('--finish', '--finish', [CompletionResultType]::ParameterName, 'Switch to the pending key (gateway-managed keys), or stop publishing the previous public key (JWT)')
            [CompletionResult]::new('--keep-old', '--keep-old', [CompletionResultType]::ParameterName, 'AWS: leave the old access key inactive instead of deleting it')
            [CompletionResult]::new('--new-secret-stdin', '--new-secret-stdin', [CompletionResultType]::ParameterName, 'Read the new secret from standard input instead of generating one (AK/SK: "AK SK" or JSON; a password; a JWT key)')
            [CompletionResult]::new('--retry-all', '--retry-all', [CompletionResultType]::ParameterName, 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;keys;jwks' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indent the JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;keys;help' {
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Rotate a profile''s key, password or signing key; re-run to resume an interrupted rotation')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;keys;help;rotate' {
            break
        }
        'gwctl;keys;help;jwks' {
            break
        }
        'gwctl;keys;help;help' {
            break
        }
        'gwctl;invoke' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;invoke;route' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--style', '--style', [CompletionResultType]::ParameterName, 'URL form: endpoints (/endpoints/NAME/invocations), legacy (/gateway/NAME/invocations), tracking-server (/gateway/NAME/mlflow/invocations), openai (/v1/… with "model": NAME) [default: tracking-server for --gateway mlflow-server profiles, else endpoints]')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What the route does, for --prompt: chat, completions, embeddings [default: asked of the gateway, else chat]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL, overriding the profile''s')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method [default: POST with a body, else GET]')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'HTTP method [default: POST with a body, else GET]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with the request)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with the request)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Body: DATA as given, @FILE or @- (standard input)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Body: DATA as given, @FILE or @- (standard input)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'A system message (chat)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: json (pretty on a terminal, compact when piped), text (the answer''s text), raw (the bytes)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers (0: no limit)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the connection')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a response body (a stream) may pause between two pieces (0: no limit)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The iss claim')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The sub claim')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The aud claim (repeatable: several make an array)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'Ask for a streamed answer ("stream": true) and print each delta as it arrives')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'With --stream: print the events as received instead of the text deltas')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers first')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers first')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the signed request (secrets redacted) and do not send it')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s')
            [CompletionResult]::new('--retry-all', '--retry-all', [CompletionResultType]::ParameterName, 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('--unsigned-payload', '--unsigned-payload', [CompletionResultType]::ParameterName, 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)')
            [CompletionResult]::new('--content-sha256', '--content-sha256', [CompletionResultType]::ParameterName, 'Add and sign X-Amz-Content-SHA256 (always on for s3)')
            [CompletionResult]::new('--no-jti', '--no-jti', [CompletionResultType]::ParameterName, 'Leave out the random jti claim')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;invoke;endpoint' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--input-json', '--input-json', [CompletionResultType]::ParameterName, 'MLflow model serving: a JSON file of records (→ dataframe_split) or any JSON (→ inputs)')
            [CompletionResult]::new('--input-csv', '--input-csv', [CompletionResultType]::ParameterName, 'MLflow model serving: a CSV file with a header row (→ dataframe_split)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL, overriding the profile''s')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method [default: POST with a body, else GET]')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'HTTP method [default: POST with a body, else GET]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with the request)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with the request)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Body: DATA as given, @FILE or @- (standard input)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Body: DATA as given, @FILE or @- (standard input)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Build the payload: chat → messages, completions → prompt, embeddings → input; @FILE or @- reads it; repeat for several embedding inputs')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'A system message (chat)')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A payload field k=v (JSON value if it parses, else a string), e.g. temperature=0.2 (repeatable)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: json (pretty on a terminal, compact when piped), text (the answer''s text), raw (the bytes)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers (0: no limit)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the connection')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a response body (a stream) may pause between two pieces (0: no limit)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The iss claim')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The sub claim')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The aud claim (repeatable: several make an array)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'Ask for a streamed answer ("stream": true) and print each delta as it arrives')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'With --stream: print the events as received instead of the text deltas')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Print the response status line and headers first')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Print the response status line and headers first')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the signed request (secrets redacted) and do not send it')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print one summary line on stderr: status, time to first byte, total, tokens and tokens/s')
            [CompletionResult]::new('--retry-all', '--retry-all', [CompletionResultType]::ParameterName, 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('--unsigned-payload', '--unsigned-payload', [CompletionResultType]::ParameterName, 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)')
            [CompletionResult]::new('--content-sha256', '--content-sha256', [CompletionResultType]::ParameterName, 'Add and sign X-Amz-Content-SHA256 (always on for s3)')
            [CompletionResult]::new('--no-jti', '--no-jti', [CompletionResultType]::ParameterName, 'Leave out the random jti claim')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;invoke;batch' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where results go (OpenAI batch output format); also the journal a re-run resumes from [default: standard output, no resume]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where results go (OpenAI batch output format); also the journal a re-run resumes from [default: standard output, no resume]')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'Where failed lines go [default: the output file, as OpenAI does]')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Default target for lines without url: a route of the profile''s gateway')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Default target for lines without url: an endpoint URL (a path joins the profile''s url)')
            [CompletionResult]::new('--style', '--style', [CompletionResultType]::ParameterName, 'With --route: the URL form (as on invoke route)')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'With --route: what the route does, for prompt lines [default: chat]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL, overriding the profile''s (line urls that are paths join it)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with every request)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable; signed with every request)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at most')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Client-side limit: requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Client-side limit: tokens per minute (estimated, corrected from usage)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per line, the first included (connection errors, 429, 5xx are retried)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Only the lines whose custom_id hashes (FNV-1a 64) to K modulo N')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Only the first N lines (of the shard)')
            [CompletionResult]::new('--summary-json', '--summary-json', [CompletionResultType]::ParameterName, 'Write the summary as JSON to FILE')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers (0: no limit)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the connection')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a response body (a stream) may pause between two pieces (0: no limit)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'SigV4 region [default: from the AWS host name, else AWS_REGION / AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'SigV4 service name, e.g. execute-api, sagemaker, bedrock, lambda, sts, s3 [default: from the host name]')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'JWT algorithm: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA [default: HS256]')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The iss claim')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The sub claim')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The aud claim (repeatable: several make an array)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: exp = iat + TTL, e.g. 300, 90s, 15m, 1h [default: 5m]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim key=value; the value is JSON if it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Resume from the output file (also the default when it exists): ids already written are skipped')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Record invalid lines in the errors file instead of refusing the input')
            [CompletionResult]::new('--no-aimd', '--no-aimd', [CompletionResultType]::ParameterName, 'Do not adapt the concurrency to 429s and rate-limit headers')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate the whole input, sign and print the first requests (secrets redacted); send nothing')
            [CompletionResult]::new('--retry-all', '--retry-all', [CompletionResultType]::ParameterName, 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('--unsigned-payload', '--unsigned-payload', [CompletionResultType]::ParameterName, 'Sign UNSIGNED-PAYLOAD instead of the body hash (sigv4; huawei sends X-Sdk-Content-Sha256)')
            [CompletionResult]::new('--content-sha256', '--content-sha256', [CompletionResultType]::ParameterName, 'Add and sign X-Amz-Content-SHA256 (always on for s3)')
            [CompletionResult]::new('--no-jti', '--no-jti', [CompletionResultType]::ParameterName, 'Leave out the random jti claim')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;invoke;help' {
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;invoke;help;route' {
            break
        }
        'gwctl;invoke;help;endpoint' {
            break
        }
        'gwctl;invoke;help;batch' {
            break
        }
        'gwctl;invoke;help;help' {
            break
        }
        'gwctl;routes' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the routes of the profile''s MLflow gateway')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one route')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;routes;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Gateway base URL, overriding the profile''s')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Gateway flavour, overriding the profile''s')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers (0: no limit)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the connection')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a response body (a stream) may pause between two pieces (0: no limit)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--retry-all', '--retry-all', [CompletionResultType]::ParameterName, 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;routes;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile unless --auth is given; with a --url (or endpoint URL) off the default profile''s gateway: no credentials]')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'Authentication scheme; alone, credentials come from the environment (none: no credentials); with a profile of another scheme, it overrides the profile''s for this call')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Gateway base URL, overriding the profile''s')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Gateway flavour, overriding the profile''s')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers (0: no limit)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the connection')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds a response body (a stream) may pause between two pieces (0: no limit)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts on connection errors, 429 and 5xx (POST: connection failures only, unless --retry-all)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--retry-all', '--retry-all', [CompletionResultType]::ParameterName, 'Retry non-idempotent requests (POST) on 429, 5xx and timeouts too')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;routes;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the routes of the profile''s MLflow gateway')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one route')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;routes;help;list' {
            break
        }
        'gwctl;routes;help;show' {
            break
        }
        'gwctl;routes;help;help' {
            break
        }
        'gwctl;scaffold' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mlflow', 'mlflow', [CompletionResultType]::ParameterValue, 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers')
            [CompletionResult]::new('aws-apigw', 'aws-apigw', [CompletionResultType]::ParameterValue, 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM')
            [CompletionResult]::new('nginx', 'nginx', [CompletionResultType]::ParameterValue, 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;scaffold;mlflow' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'NAME:TYPE:PROVIDER:MODEL, TYPE chat|completions|embeddings (repeatable; MODEL may contain '':'')')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'NAME:TYPE:PROVIDER:MODEL, TYPE chat|completions|embeddings (repeatable; MODEL may contain '':'')')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'Provider base URL (openai_api_base, anthropic_api_base, model_server_url, host, api_base …)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Another provider config key, checked against the providers'' keys (repeatable)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rate limit for every endpoint, e.g. 100/minute')
            [CompletionResult]::new('--from-profile', '--from-profile', [CompletionResultType]::ParameterName, 'Take the region for bedrock endpoints from this SigV4 profile')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the config here [default: print it]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the config here [default: print it]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;scaffold;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;scaffold;aws-apigw' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'The gateway API Gateway forwards to (an MLflow gateway), e.g. https://mlflow.internal:5000 (asked on a terminal)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How API Gateway authenticates callers (asked on a terminal)')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'API Gateway product [default: http for iam and jwt, rest for lambda-basic and api-key]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: an OpenAPI definition, or a CloudFormation / SAM template embedding it')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'JWT issuer (--auth jwt)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'JWT audience (--auth jwt; repeatable)')
            [CompletionResult]::new('--authorizer-arn', '--authorizer-arn', [CompletionResultType]::ParameterName, 'The Basic authorizer Lambda''s ARN (--auth lambda-basic --format openapi)')
            [CompletionResult]::new('--from-profile', '--from-profile', [CompletionResultType]::ParameterName, 'Tie to a client profile: a JWT profile''s issuer/audience, a Basic profile''s user, a SigV4 profile''s region')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'API name')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write here (.json for JSON) [default: print YAML]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write here (.json for JSON) [default: print YAML]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;scaffold;nginx' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'The gateway nginx forwards to, e.g. http://127.0.0.1:5000')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How nginx authenticates clients')
            [CompletionResult]::new('--from-profile', '--from-profile', [CompletionResultType]::ParameterName, 'Take the user and password from this Basic profile (and print matching gwctl lines)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The htpasswd user (with --password-stdin)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'nginx listen address')
            [CompletionResult]::new('--server-name', '--server-name', [CompletionResultType]::ParameterName, 'nginx server_name')
            [CompletionResult]::new('--realm', '--realm', [CompletionResultType]::ParameterName, 'The realm shown by browsers')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the server block here [default: print it]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the server block here [default: print it]')
            [CompletionResult]::new('--htpasswd', '--htpasswd', [CompletionResultType]::ParameterName, 'Write the htpasswd entry here [default: FILE.htpasswd next to -o]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the htpasswd password from standard input')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;scaffold;help' {
            [CompletionResult]::new('mlflow', 'mlflow', [CompletionResultType]::ParameterValue, 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers')
            [CompletionResult]::new('aws-apigw', 'aws-apigw', [CompletionResultType]::ParameterValue, 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM')
            [CompletionResult]::new('nginx', 'nginx', [CompletionResultType]::ParameterValue, 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;scaffold;help;mlflow' {
            break
        }
        'gwctl;scaffold;help;check' {
            break
        }
        'gwctl;scaffold;help;aws-apigw' {
            break
        }
        'gwctl;scaffold;help;nginx' {
            break
        }
        'gwctl;scaffold;help;help' {
            break
        }
        'gwctl;serve' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (port 0: a free port); a non-loopback address needs --allow-remote')
            [CompletionResult]::new('--accept', '--accept', [CompletionResultType]::ParameterName, 'Accept requests signed with this profile''s credentials (repeatable)')
            [CompletionResult]::new('--htpasswd', '--htpasswd', [CompletionResultType]::ParameterName, 'Accept Basic users from this htpasswd file (bcrypt entries, as `gwctl scaffold nginx` writes)')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'Accept JWTs signed by a key of this JWKS (a file or an http(s) URL, read at start)')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'With --jwks: the iss the tokens must carry')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'With --jwks: an aud the tokens must carry (repeatable: any of them)')
            [CompletionResult]::new('--oauth2-client', '--oauth2-client', [CompletionResultType]::ParameterName, 'Be the OAuth2 token endpoint (client credentials) of this oauth2 profile''s client, and accept its tokens (repeatable)')
            [CompletionResult]::new('--gateway-config', '--gateway-config', [CompletionResultType]::ParameterName, 'Serve the endpoints of this MLflow gateway config (answered by the echo model)')
            [CompletionResult]::new('--upstream', '--upstream', [CompletionResultType]::ParameterName, 'Forward verified requests to this gateway (the client''s auth headers removed)')
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'Inject faults: 429:RATE (with Retry-After), 500:RATE, cut:RATE (a stream cut mid-event); RATE 0-1 (repeatable)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Delay every answer, e.g. 50ms, 1s')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the faults (the same seed gives the same sequence)')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Append the request log to this file [default: standard error]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow a --listen address other hosts can reach')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Put the server''s canonical request and string to sign in refusals and the log')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;demo' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Leave the server running and print the environment to try commands by hand (Ctrl-C stops)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;unlock' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the file store stays unlocked (kept in the kernel session keyring until then)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;lock' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;token' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'Delete the cached token instead of printing one')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;credential-process' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--mfa-code-stdin', '--mfa-code-stdin', [CompletionResultType]::ParameterName, 'Read the MFA code from standard input (a role with --mfa-serial, in scripts)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;exec' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile [default: GWCTL_PROFILE, else the default profile]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The variable that gets the token (token schemes)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Send every request through this proxy (http:// or https://), instead of HTTP_PROXY, HTTPS_PROXY and ALL_PROXY')
            [CompletionResult]::new('--noproxy', '--noproxy', [CompletionResultType]::ParameterName, 'Hosts to reach without the proxy, comma-separated as NO_PROXY ("*": every host), instead of NO_PROXY')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--mfa-code-stdin', '--mfa-code-stdin', [CompletionResultType]::ParameterName, 'Read the MFA code from standard input (a role with --mfa-serial, in scripts)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (prints a warning)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;man' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: the platform config dir, e.g. ~/.config/gwctl/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print progress notes on stderr (never secrets)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gwctl;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signed headers, presigned URL or a ready curl command for a request')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage credential profiles (settings in the config file, secrets in a secret store)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the config file, the secret stores available here, each profile''s secret and key age')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Rotate credentials without losing a working one; print a JWT profile''s JWKS')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Call a gateway route or a model endpoint, signed, and print the answer (streaming live)')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'List or show the routes (endpoints) of an MLflow gateway')
            [CompletionResult]::new('scaffold', 'scaffold', [CompletionResultType]::ParameterValue, 'Generate the gateway side: configs the real tools accept')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local gateway that verifies every scheme (MLflow gateway API, echo model or --upstream)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the main job with nothing installed: a local gateway, one profile per scheme, calls through each')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock the file store for a while: the passphrase is asked once, then calls need none')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Forget the unlocked file-store key now')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a profile''s current access token (OAuth2: cached or refreshed; JWT: freshly minted)')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print a sigv4 profile''s credentials as AWS credential_process JSON (for boto3, the AWS CLI, SDKs)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a profile''s credentials in its environment (never in its arguments)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;help;sign' {
            break
        }
        'gwctl;help;profile' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a profile (interactive on a terminal; scriptable with --secret-stdin and --yes)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile''s settings, with its secret masked')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a profile''s settings, secret or store')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile and its stored secret')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import credentials from another tool')
            break
        }
        'gwctl;help;profile;add' {
            break
        }
        'gwctl;help;profile;list' {
            break
        }
        'gwctl;help;profile;show' {
            break
        }
        'gwctl;help;profile;edit' {
            break
        }
        'gwctl;help;profile;remove' {
            break
        }
        'gwctl;help;profile;use' {
            break
        }
        'gwctl;help;profile;import' {
            [CompletionResult]::new('aws', 'aws', [CompletionResultType]::ParameterValue, 'Import AWS keys from ~/.aws/credentials (with --aws-profile) or the AWS_* environment')
            break
        }
        'gwctl;help;profile;import;aws' {
            break
        }
        'gwctl;help;doctor' {
            break
        }
        'gwctl;help;keys' {
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Rotate a profile''s key, password or signing key; re-run to resume an interrupted rotation')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Print the JWKS (RFC 7517) of a JWT profile: its public key, and the previous one during a rotation')
            break
        }
        'gwctl;help;keys;rotate' {
            break
        }
        'gwctl;help;keys;jwks' {
            break
        }
        'gwctl;help;invoke' {
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Call a gateway route by name (MLflow YAML gateway, tracking-server gateway, OpenAI-style)')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Call a model endpoint by URL (MLflow serving, SageMaker, Bedrock, API Gateway, Lambda URLs, Databricks)')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Send a JSONL file of calls (OpenAI batch format) concurrently, within rate limits, resumable')
            break
        }
        'gwctl;help;invoke;route' {
            break
        }
        'gwctl;help;invoke;endpoint' {
            break
        }
        'gwctl;help;invoke;batch' {
            break
        }
        'gwctl;help;routes' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the routes of the profile''s MLflow gateway')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one route')
            break
        }
        'gwctl;help;routes;list' {
            break
        }
        'gwctl;help;routes;show' {
            break
        }
        'gwctl;help;scaffold' {
            [CompletionResult]::new('mlflow', 'mlflow', [CompletionResultType]::ParameterValue, 'An MLflow AI Gateway config.yaml (keys checked strictly; asks on a terminal when no --endpoint)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check an MLflow gateway config strictly: unknown keys (which MLflow ignores), types, providers, with line numbers')
            [CompletionResult]::new('aws-apigw', 'aws-apigw', [CompletionResultType]::ParameterValue, 'AWS API Gateway in front of a gateway: OpenAPI 3, CloudFormation or SAM')
            [CompletionResult]::new('nginx', 'nginx', [CompletionResultType]::ParameterValue, 'An nginx server block with HTTP Basic auth (bcrypt htpasswd) in front of a gateway')
            break
        }
        'gwctl;help;scaffold;mlflow' {
            break
        }
        'gwctl;help;scaffold;check' {
            break
        }
        'gwctl;help;scaffold;aws-apigw' {
            break
        }
        'gwctl;help;scaffold;nginx' {
            break
        }
        'gwctl;help;serve' {
            break
        }
        'gwctl;help;demo' {
            break
        }
        'gwctl;help;unlock' {
            break
        }
        'gwctl;help;lock' {
            break
        }
        'gwctl;help;token' {
            break
        }
        'gwctl;help;credential-process' {
            break
        }
        'gwctl;help;exec' {
            break
        }
        'gwctl;help;completions' {
            break
        }
        'gwctl;help;man' {
            break
        }
        'gwctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
