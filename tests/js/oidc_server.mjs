// A real OpenID provider (panva's oidc-provider, OpenID-certified) for gwctl's OAuth2
// client-credentials tests. Loopback only.
//
//   node tests/js/oidc_server.mjs [--port N] [--log FILE] [--client-jwks FILE]
//                                 [--resource URI] [--short-ttl SECONDS] [--ttl SECONDS]
//
// --port 0 (the default) picks a free port. Once listening it prints one JSON line to stdout:
//   {"ready":true,"issuer":"http://127.0.0.1:PORT","port":PORT,"token_endpoint":"…","jwks_uri":"…"}
// --log FILE: one JSON line per token-endpoint request, appended as it completes:
//   {"ts":…,"path":"/token","status":200,"client_id":"gwctl-basic","grant_type":"client_credentials","error":null}
// (without --log they go to stdout). The same options may be given as environment variables:
// OIDC_PORT, OIDC_LOG, OIDC_CLIENT_JWKS, OIDC_RESOURCE, OIDC_SHORT_TTL, OIDC_TTL.
//
// Clients (all grant_types: ['client_credentials']):
//   gwctl-basic      / basic-secret-0123456789abcdef        client_secret_basic
//   gwctl-post       / post-secret-0123456789abcdef         client_secret_post
//   gwctl-secret-jwt / hs-secret-0123456789abcdef0123456789abcdef   client_secret_jwt (HS256)
//   gwctl-jwt        (public keys from --client-jwks)        private_key_jwt  (only with --client-jwks)
//   gwctl-short      / short-secret-0123456789abcdef        client_secret_basic, tokens live --short-ttl s (5)
//   gwctl-odd:id     / "p@ss w+rd:%/=&~"                    client_secret_basic (id and secret need
//                                                            RFC 6749 §2.3.1 form-encoding before base64)
// Access tokens are RS256 JWTs for the resource indicator (default urn:gwctl:test-gateway: it is
// the default resource, so clients need not send `resource`), with iss = the issuer,
// aud = the resource, client_id, scope (from "gateway:invoke gateway:admin"), jti, iat, exp
// (--ttl s, default 600). Another resource is refused with invalid_target.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import process from 'node:process';

import Provider, { errors } from 'oidc-provider';

function option(name, env, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (process.env[env] !== undefined && process.env[env] !== '') return process.env[env];
  return fallback;
}

const port = Number.parseInt(option('port', 'OIDC_PORT', '0'), 10);
const logFile = option('log', 'OIDC_LOG', null);
const clientJwksFile = option('client-jwks', 'OIDC_CLIENT_JWKS', null);
const resource = option('resource', 'OIDC_RESOURCE', 'urn:gwctl:test-gateway');
const shortTtl = Number.parseInt(option('short-ttl', 'OIDC_SHORT_TTL', '5'), 10);
const ttl = Number.parseInt(option('ttl', 'OIDC_TTL', '600'), 10);
const RESOURCE_SCOPE = 'gateway:invoke gateway:admin';

function logLine(obj) {
  const line = `${JSON.stringify(obj)}\n`;
  if (logFile) fs.appendFileSync(logFile, line);
  else process.stdout.write(line);
}

const cc = { grant_types: ['client_credentials'], redirect_uris: [], response_types: [] };
const clients = [
  { ...cc, client_id: 'gwctl-basic', client_secret: 'basic-secret-0123456789abcdef', token_endpoint_auth_method: 'client_secret_basic' },
  { ...cc, client_id: 'gwctl-post', client_secret: 'post-secret-0123456789abcdef', token_endpoint_auth_method: 'client_secret_post' },
  {
    ...cc,
    client_id: 'gwctl-secret-jwt',
    client_secret: 'hs-secret-0123456789abcdef0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_jwt',
    token_endpoint_auth_signing_alg: 'HS256',
  },
  { ...cc, client_id: 'gwctl-short', client_secret: 'short-secret-0123456789abcdef', token_endpoint_auth_method: 'client_secret_basic' },
  { ...cc, client_id: 'gwctl-odd:id', client_secret: 'p@ss w+rd:%/=&~', token_endpoint_auth_method: 'client_secret_basic' },
];
if (clientJwksFile) {
  const jwks = JSON.parse(fs.readFileSync(clientJwksFile, 'utf8'));
  clients.push({ ...cc, client_id: 'gwctl-jwt', token_endpoint_auth_method: 'private_key_jwt', jwks });
}

// The provider's own signing key: fresh each start (tests fetch it from jwks_uri).
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: `test-${crypto.randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' };

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const issuer = `http://127.0.0.1:${actual}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signingJwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator, client) => {
          if (indicator !== resource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            scope: RESOURCE_SCOPE,
            audience: resource,
            accessTokenTTL: client?.clientId === 'gwctl-short' ? shortTtl : ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL || ttl,
    },
    // Tokens carry the client id and scope the resource server checks.
    extraTokenClaims: async () => undefined,
  });
  // One log line per token-endpoint request, after it is answered.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token') {
      let error = null;
      if (ctx.status >= 400 && ctx.body && typeof ctx.body === 'object') error = ctx.body.error ?? null;
      logLine({
        ts: Date.now() / 1000,
        path: ctx.path,
        status: ctx.status,
        client_id: ctx.oidc?.client?.clientId ?? null,
        grant_type: ctx.oidc?.params?.grant_type ?? null,
        error,
      });
    }
  });
  provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error: ${err?.stack ?? err}\n`));
  server.on('request', provider.callback());
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      issuer,
      port: actual,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      resource,
    })}\n`,
  );
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
