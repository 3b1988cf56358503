//! AWS API Gateway in front of a gateway: an OpenAPI 3 definition with the
//! `x-amazon-apigateway-*` extensions (HTTP proxy on `/{proxy+}`, the authorizer for the chosen
//! auth), or a CloudFormation / SAM template embedding it with what the auth needs (usage plan
//! and key; the Basic authorizer function and the `UNAUTHORIZED` response asking for Basic).

use serde_json::{Map, Value, json};

/// Which API Gateway product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKind {
    Http,
    Rest,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiAuth {
    /// SigV4 (`execute-api`), IAM decides.
    Iam,
    /// An HTTP API JWT authorizer (issuer + audience, keys from the issuer's JWKS).
    Jwt,
    /// A REST API Lambda TOKEN authorizer checking HTTP Basic.
    LambdaBasic,
    /// REST API keys (`x-api-key`) with a usage plan.
    ApiKey,
}

impl ApiAuth {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "iam" => ApiAuth::Iam,
            "jwt" => ApiAuth::Jwt,
            "lambda-basic" => ApiAuth::LambdaBasic,
            "api-key" => ApiAuth::ApiKey,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    OpenApi,
    CloudFormation,
    Sam,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub backend: url::Url,
    pub auth: ApiAuth,
    pub api: ApiKind,
    pub format: Format,
    pub name: String,
    pub issuer: Option<String>,
    pub audience: Vec<String>,
    /// OpenAPI output with lambda-basic: the authorizer function's ARN.
    pub authorizer_arn: Option<String>,
    /// lambda-basic: `user:pbkdf2_sha256$iterations$salt$hash` entries to default the
    /// `BasicUsers` parameter to (from a Basic profile).
    pub basic_users: Option<String>,
}

/// The API kind for an auth mode: what was asked, or the one that supports it.
pub fn choose_api(auth: ApiAuth, asked: Option<ApiKind>) -> Result<ApiKind, String> {
    let (default, other_ok) = match auth {
        ApiAuth::Iam => (ApiKind::Http, true),
        ApiAuth::Jwt => (ApiKind::Http, false),
        ApiAuth::LambdaBasic => (ApiKind::Rest, false),
        ApiAuth::ApiKey => (ApiKind::Rest, false),
    };
    match asked {
        None => Ok(default),
        Some(a) if a == default || other_ok => Ok(a),
        Some(_) => Err(match auth {
            ApiAuth::Jwt => "JWT authorizers exist on HTTP APIs only: use --api http".into(),
            ApiAuth::LambdaBasic => {
                "lambda-basic needs a REST API: only REST APIs have gateway responses, which add the WWW-Authenticate: Basic \
                 header to 401s (use --api rest)"
                    .into()
            }
            _ => "API keys with usage plans exist on REST APIs only: use --api rest".into(),
        }),
    }
}

const STAGE: &str = "prod";

/// The Basic authorizer (Python, standard library only): PBKDF2-SHA256 entries from the
/// `BASIC_USERS` environment variable, whitespace-separated `user:pbkdf2_sha256$iter$salt$hash`.
pub const BASIC_AUTHORIZER: &str = r#"import base64
import hashlib
import hmac
import os


def _verify(user, password):
    for entry in os.environ.get("BASIC_USERS", "").split():
        name, _, spec = entry.partition(":")
        if name != user:
            continue
        algo, iterations, salt, digest = spec.split("$")
        if algo != "pbkdf2_sha256":
            return False
        got = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
        return hmac.compare_digest(base64.b64encode(got).decode(), digest)
    return False


def handler(event, context):
    scheme, _, value = (event.get("authorizationToken") or "").partition(" ")
    try:
        user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
    except Exception:
        raise Exception("Unauthorized")
    if scheme.lower() != "basic" or not _verify(user, password):
        raise Exception("Unauthorized")  # API Gateway answers 401 with WWW-Authenticate: Basic
    arn = event["methodArn"].split("/")[0]
    return {
        "principalId": user,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn + "/*"}],
        },
    }
"#;

/// A `BASIC_USERS` entry for `user` (PBKDF2-SHA256, 100 000 rounds, random salt).
pub fn basic_user_entry(user: &str, password: &[u8]) -> Result<String, String> {
    use base64::Engine as _;
    // Entries are whitespace-separated `user:spec`: a space or ':' in the name would forge another.
    if user.is_empty() || user.contains(':') || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a Basic user name for the Lambda authorizer cannot be empty or contain ':', spaces or control \
                    characters"
            .into());
    }
    const ROUNDS: std::num::NonZeroU32 = std::num::NonZeroU32::new(100_000).unwrap();
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("the system random source failed: {e}"))?;
    let mut out = [0u8; 32];
    aws_lc_rs::pbkdf2::derive(aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256, ROUNDS, &salt, password, &mut out);
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(format!("{user}:pbkdf2_sha256${ROUNDS}${}${}", b64.encode(salt), b64.encode(out)))
}

fn sub(s: &str) -> Value {
    json!({ "Fn::Sub": s })
}

/// The OpenAPI 3 definition. `authorizer_uri` is the Lambda authorizer's invocation URI (a
/// string, or an `Fn::Sub` inside templates).
pub fn openapi(o: &Options, authorizer_uri: Option<Value>) -> Result<Value, String> {
    let backend = o.backend.as_str().trim_end_matches('/');
    let mut integration = Map::new();
    integration.insert("type".into(), json!("http_proxy"));
    integration.insert("httpMethod".into(), json!("ANY"));
    integration.insert("uri".into(), json!(format!("{backend}/{{proxy}}")));
    match o.api {
        ApiKind::Http => {
            integration.insert("payloadFormatVersion".into(), json!("1.0"));
        }
        ApiKind::Rest => {
            integration.insert("passthroughBehavior".into(), json!("when_no_match"));
            integration.insert(
                "requestParameters".into(),
                json!({ "integration.request.path.proxy": "method.request.path.proxy" }),
            );
        }
    }
    let (scheme_name, scheme) = match o.auth {
        ApiAuth::Iam => (
            "sigv4",
            json!({ "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4" }),
        ),
        ApiAuth::Jwt => {
            let issuer = o.issuer.clone().ok_or("--auth jwt needs --issuer (or --from-profile with --iss)")?;
            if o.audience.is_empty() {
                return Err("--auth jwt needs --audience (or --from-profile with --aud)".into());
            }
            (
                "jwt",
                json!({
                    "type": "oauth2",
                    "flows": {},
                    "x-amazon-apigateway-authorizer": {
                        "type": "jwt",
                        "jwtConfiguration": { "issuer": issuer, "audience": o.audience },
                        "identitySource": "$request.header.Authorization"
                    }
                }),
            )
        }
        ApiAuth::ApiKey => ("api_key", json!({ "type": "apiKey", "name": "x-api-key", "in": "header" })),
        ApiAuth::LambdaBasic => {
            let uri = authorizer_uri.ok_or("--auth lambda-basic with --format openapi needs --authorizer-arn ARN")?;
            (
                "basic",
                json!({
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "custom",
                    "x-amazon-apigateway-authorizer": {
                        "type": "token",
                        "authorizerUri": uri,
                        "identitySource": "method.request.header.Authorization",
                        "authorizerResultTtlInSeconds": 300
                    }
                }),
            )
        }
    };
    let operation = json!({
        "parameters": [{ "name": "proxy", "in": "path", "required": true, "schema": { "type": "string" } }],
        "security": [{ scheme_name: [] }],
        "x-amazon-apigateway-integration": integration,
    });
    let mut doc = Map::new();
    doc.insert("openapi".into(), json!("3.0.1"));
    doc.insert(
        "info".into(),
        json!({ "title": o.name, "version": "1.0", "description": format!("Proxy to {backend}, generated by gwctl scaffold aws-apigw") }),
    );
    doc.insert("paths".into(), json!({ "/{proxy+}": { "x-amazon-apigateway-any-method": operation } }));
    doc.insert("components".into(), json!({ "securitySchemes": { scheme_name: scheme } }));
    if o.auth == ApiAuth::ApiKey {
        doc.insert("x-amazon-apigateway-api-key-source".into(), json!("HEADER"));
    }
    if o.auth == ApiAuth::LambdaBasic {
        doc.insert(
            "x-amazon-apigateway-gateway-responses".into(),
            json!({
                "UNAUTHORIZED": {
                    "statusCode": 401,
                    "responseParameters": { "gatewayresponse.header.WWW-Authenticate": format!("'Basic realm=\"{}\"'", o.name) },
                    "responseTemplates": { "application/json": "{\"message\":$context.error.messageString}" }
                }
            }),
        );
    }
    Ok(Value::Object(doc))
}

/// The whole document for `o.format`.
pub fn render(o: &Options) -> Result<Value, String> {
    if o.format == Format::OpenApi {
        let uri = match (&o.authorizer_arn, o.auth) {
            (Some(arn), ApiAuth::LambdaBasic) => {
                let region = arn.split(':').nth(3).filter(|r| !r.is_empty()).ok_or_else(|| {
                    format!("--authorizer-arn {arn:?} is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)")
                })?;
                Some(json!(format!("arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations")))
            }
            _ => None,
        };
        return openapi(o, uri);
    }
    let sam = o.format == Format::Sam;
    let uri = sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${BasicAuthFunction.Arn}/invocations",
    );
    let body = openapi(o, Some(uri))?;
    let mut resources = Map::new();
    let mut parameters = Map::new();
    let mut outputs = Map::new();
    let path = match o.api {
        ApiKind::Http => "",
        ApiKind::Rest => "/prod",
    };
    match (o.api, sam) {
        (ApiKind::Http, false) => {
            resources.insert("Api".into(), json!({ "Type": "AWS::ApiGatewayV2::Api", "Properties": { "Body": body } }));
            resources.insert(
                "Stage".into(),
                json!({ "Type": "AWS::ApiGatewayV2::Stage", "Properties": { "ApiId": { "Ref": "Api" }, "StageName": "$default", "AutoDeploy": true } }),
            );
        }
        (ApiKind::Rest, false) => {
            resources.insert(
                "Api".into(),
                json!({ "Type": "AWS::ApiGateway::RestApi", "Properties": { "Body": body, "EndpointConfiguration": { "Types": ["REGIONAL"] } } }),
            );
            resources.insert(
                "Deployment".into(),
                json!({ "Type": "AWS::ApiGateway::Deployment", "Properties": { "RestApiId": { "Ref": "Api" } } }),
            );
            resources.insert(
                "Stage".into(),
                json!({ "Type": "AWS::ApiGateway::Stage", "Properties": { "RestApiId": { "Ref": "Api" }, "DeploymentId": { "Ref": "Deployment" }, "StageName": STAGE } }),
            );
        }
        (ApiKind::Http, true) => {
            resources.insert(
                "Api".into(),
                json!({ "Type": "AWS::Serverless::HttpApi", "Properties": { "DefinitionBody": body } }),
            );
        }
        (ApiKind::Rest, true) => {
            resources.insert(
                "Api".into(),
                json!({ "Type": "AWS::Serverless::Api", "Properties": { "StageName": STAGE, "DefinitionBody": body } }),
            );
        }
    }
    let stage_ref = if sam { json!({ "Ref": "Api.Stage" }) } else { json!({ "Ref": "Stage" }) };
    if o.auth == ApiAuth::ApiKey {
        resources.insert(
            "ApiKey".into(),
            json!({ "Type": "AWS::ApiGateway::ApiKey", "Properties": { "Enabled": true, "Name": format!("{}-key", o.name) } }),
        );
        resources.insert(
            "UsagePlan".into(),
            json!({
                "Type": "AWS::ApiGateway::UsagePlan",
                "Properties": {
                    "UsagePlanName": format!("{}-plan", o.name),
                    "ApiStages": [{ "ApiId": { "Ref": "Api" }, "Stage": stage_ref }],
                    "Throttle": { "RateLimit": 10, "BurstLimit": 20 }
                }
            }),
        );
        resources.insert(
            "UsagePlanKey".into(),
            json!({ "Type": "AWS::ApiGateway::UsagePlanKey", "Properties": { "KeyId": { "Ref": "ApiKey" }, "KeyType": "API_KEY", "UsagePlanId": { "Ref": "UsagePlan" } } }),
        );
        outputs.insert(
            "ApiKeyId".into(),
            json!({ "Description": "aws apigateway get-api-key --include-value --api-key THIS", "Value": { "Ref": "ApiKey" } }),
        );
    }
    if o.auth == ApiAuth::LambdaBasic {
        let mut users = json!({
            "Type": "String",
            "NoEcho": true,
            "Description": "Whitespace-separated user:pbkdf2_sha256$rounds$salt$hash entries (gwctl scaffold aws-apigw --from-profile makes one)"
        });
        if let Some(u) = &o.basic_users {
            users["Default"] = json!(u);
        }
        parameters.insert("BasicUsers".into(), users);
        let env = json!({ "Variables": { "BASIC_USERS": { "Ref": "BasicUsers" } } });
        if sam {
            resources.insert(
                "BasicAuthFunction".into(),
                json!({
                    "Type": "AWS::Serverless::Function",
                    "Properties": { "Runtime": "python3.12", "Handler": "index.handler", "Timeout": 5, "InlineCode": BASIC_AUTHORIZER, "Environment": env }
                }),
            );
        } else {
            resources.insert(
                "BasicAuthRole".into(),
                json!({
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "AssumeRolePolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{ "Effect": "Allow", "Principal": { "Service": "lambda.amazonaws.com" }, "Action": "sts:AssumeRole" }]
                        },
                        "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")]
                    }
                }),
            );
            resources.insert(
                "BasicAuthFunction".into(),
                json!({
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Runtime": "python3.12",
                        "Handler": "index.handler",
                        "Timeout": 5,
                        "Role": { "Fn::GetAtt": ["BasicAuthRole", "Arn"] },
                        "Code": { "ZipFile": BASIC_AUTHORIZER },
                        "Environment": env
                    }
                }),
            );
        }
        resources.insert(
            "BasicAuthPermission".into(),
            json!({
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": { "Fn::GetAtt": ["BasicAuthFunction", "Arn"] },
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/authorizers/*")
                }
            }),
        );
    }
    outputs.insert(
        "Url".into(),
        json!({ "Description": "Base URL for gwctl profiles (--url)", "Value": sub(&format!("https://${{Api}}.execute-api.${{AWS::Region}}.amazonaws.com{path}/")) }),
    );
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    if sam {
        t.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
    }
    t.insert(
        "Description".into(),
        json!(format!("{}: API Gateway in front of {}, generated by gwctl", o.name, o.backend)),
    );
    if !parameters.is_empty() {
        t.insert("Parameters".into(), Value::Object(parameters));
    }
    t.insert("Resources".into(), Value::Object(resources));
    t.insert("Outputs".into(), Value::Object(outputs));
    Ok(Value::Object(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_kinds() {
        assert_eq!(choose_api(ApiAuth::Iam, None), Ok(ApiKind::Http));
        assert_eq!(choose_api(ApiAuth::Iam, Some(ApiKind::Rest)), Ok(ApiKind::Rest));
        assert!(choose_api(ApiAuth::Jwt, Some(ApiKind::Rest)).is_err());
        assert!(choose_api(ApiAuth::LambdaBasic, Some(ApiKind::Http)).unwrap_err().contains("WWW-Authenticate"));
        assert_eq!(choose_api(ApiAuth::ApiKey, None), Ok(ApiKind::Rest));
    }

    #[test]
    fn basic_entries() {
        let e = basic_user_entry("alice", b"pw").unwrap();
        assert!(e.starts_with("alice:pbkdf2_sha256$100000$"), "{e}");
        assert_ne!(e, basic_user_entry("alice", b"pw").unwrap(), "salted");
        for forged in ["a b:pbkdf2_sha256$1$x$y", "a:b", "a\nb", ""] {
            assert!(basic_user_entry(forged, b"pw").is_err(), "{forged:?}");
        }
    }
}
