//! The few IAM and STS actions key rotation needs, signed by gwctl's own SigV4 signer and sent
//! by its own HTTP client (AWS Query API: form-encoded POST, XML answers).

use std::time::Duration;

use std::sync::Arc;

use crate::auth::{Auth, AuthSettings};
use crate::credentials::{Fixed, Material};
use crate::http::{self, HttpError, HttpOptions, Outgoing};
use crate::request::{Body, RequestError};
use crate::scheme::AuthConfig;
use crate::signing::sigv4::AwsCredentials;

pub const DEFAULT_IAM: &str = "https://iam.amazonaws.com/";
pub const DEFAULT_STS: &str = "https://sts.amazonaws.com/";

/// An access key as `ListAccessKeys` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMeta {
    pub id: String,
    pub status: String,
    pub created: Option<String>,
}

/// What `CreateAccessKey` returns: the only time AWS reveals the secret.
pub struct NewKey {
    pub id: String,
    pub secret: zeroize::Zeroizing<String>,
    pub created: Option<String>,
}

/// An AWS answer that was not a success.
#[derive(Debug)]
pub enum ApiError {
    /// No usable answer (connection refused, timeout …).
    Transport(HttpError),
    /// An AWS error document: `code` is `InvalidClientTokenId`, `NoSuchEntity`, `LimitExceeded` …
    Aws { action: &'static str, status: u16, code: String, message: String },
}

impl ApiError {
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Aws { code, .. } => Some(code),
            ApiError::Transport(_) => None,
        }
    }

    /// IAM and STS take a few seconds to accept a key IAM has just created.
    pub fn is_not_yet_consistent(&self) -> bool {
        matches!(self.code(), Some("InvalidClientTokenId" | "SignatureDoesNotMatch" | "AuthFailure"))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Transport(e) => write!(f, "{e}"),
            ApiError::Aws { action, status, code, message } => write!(f, "{action}: HTTP {status} {code}: {message}"),
        }
    }
}

pub struct AwsApi {
    client: http::HttpClient,
    opts: HttpOptions,
    iam: url::Url,
    sts: url::Url,
    /// Region to sign with when the endpoint's host does not name one.
    fallback_region: String,
}

impl AwsApi {
    pub fn new(iam: &str, sts: &str, fallback_region: Option<&str>, opts: &HttpOptions) -> Result<Self, HttpError> {
        let opts = HttpOptions { timeout: Some(opts.timeout.unwrap_or(Duration::from_secs(30))), ..opts.clone() };
        Ok(Self {
            client: http::HttpClient::new(&opts)?,
            iam: crate::request::parse_url(iam).map_err(|e| RequestError::Input(format!("IAM endpoint: {e}")))?,
            sts: crate::request::parse_url(sts).map_err(|e| RequestError::Input(format!("STS endpoint: {e}")))?,
            opts,
            fallback_region: fallback_region.unwrap_or("us-east-1").to_string(),
        })
    }

    async fn call(
        &self,
        creds: &AwsCredentials,
        service: &str,
        action: &'static str,
        params: &[(&str, &str)],
    ) -> Result<String, ApiError> {
        let (url, version) = if service == "iam" { (&self.iam, "2010-05-08") } else { (&self.sts, "2011-06-15") };
        let host = url.host_str().unwrap_or("");
        let region = match crate::gateway::aws::infer_scope(host) {
            Some((r, _)) => r,
            None if service == "iam" => "us-east-1".to_string(),
            None => self.fallback_region.clone(),
        };
        let auth = Auth::new(
            AuthSettings::new(AuthConfig::SigV4 {
                access_key_id: None,
                region: Some(region),
                service: Some(service.to_string()),
            }),
            Arc::new(Fixed::new(Material::Aws(creds.clone()))),
        );
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action).append_pair("Version", version);
        for (k, v) in params {
            form.append_pair(k, v);
        }
        let body = Body::Bytes { data: form.finish().into_bytes(), from_stdin: false };
        let out = Outgoing {
            method: "POST".into(),
            url: url.clone(),
            headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded; charset=utf-8".into())],
            body: &body,
            upload_progress: None,
        };
        crate::log::verbose(format_args!("{service} {action} → {url}"));
        let resp = http::send(&self.client, &out, &auth, &self.opts, &mut |_, _, _, _| {})
            .await
            .map_err(ApiError::Transport)?;
        let status = resp.status().as_u16();
        let (bytes, _) = http::read_limited(resp, 1 << 20, &self.opts).await.map_err(ApiError::Transport)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = host;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let doc = roxmltree::Document::parse(&text).ok();
        let field = |tag: &str| doc.as_ref().and_then(|d| first_text(d, tag)).unwrap_or_default();
        let (code, message) = (field("Code"), field("Message"));
        Err(ApiError::Aws {
            action,
            status,
            code: if code.is_empty() { format!("HTTP{status}") } else { code },
            message: if message.is_empty() {
                text.chars().take(200).collect::<String>().replace('\n', " ")
            } else {
                message
            },
        })
    }

    /// The caller's access keys (the user the credentials belong to) and the user name.
    pub async fn list_access_keys(&self, creds: &AwsCredentials) -> Result<(String, Vec<KeyMeta>), ApiError> {
        let xml = self.call(creds, "iam", "ListAccessKeys", &[]).await?;
        let doc = parse(&xml, "ListAccessKeys")?;
        let user = first_text(&doc, "UserName").unwrap_or_default();
        let keys = doc
            .descendants()
            .filter(|n| n.has_tag_name("member"))
            .filter_map(|m| {
                let child =
                    |tag: &str| m.children().find(|c| c.has_tag_name(tag)).and_then(|c| c.text()).map(str::to_string);
                Some(KeyMeta {
                    id: child("AccessKeyId")?,
                    status: child("Status").unwrap_or_default(),
                    created: child("CreateDate"),
                })
            })
            .collect();
        Ok((user, keys))
    }

    pub async fn create_access_key(&self, creds: &AwsCredentials) -> Result<NewKey, ApiError> {
        let xml = zeroize::Zeroizing::new(self.call(creds, "iam", "CreateAccessKey", &[]).await?);
        let doc = parse(&xml, "CreateAccessKey")?;
        let bad = || ApiError::Aws {
            action: "CreateAccessKey",
            status: 200,
            code: "UnexpectedAnswer".into(),
            message: "the answer has no AccessKeyId or SecretAccessKey".into(),
        };
        Ok(NewKey {
            id: first_text(&doc, "AccessKeyId").ok_or_else(bad)?,
            secret: zeroize::Zeroizing::new(first_text(&doc, "SecretAccessKey").ok_or_else(bad)?),
            created: first_text(&doc, "CreateDate"),
        })
    }

    pub async fn update_access_key(&self, creds: &AwsCredentials, id: &str, status: &str) -> Result<(), ApiError> {
        self.call(creds, "iam", "UpdateAccessKey", &[("AccessKeyId", id), ("Status", status)]).await.map(drop)
    }

    pub async fn delete_access_key(&self, creds: &AwsCredentials, id: &str) -> Result<(), ApiError> {
        self.call(creds, "iam", "DeleteAccessKey", &[("AccessKeyId", id)]).await.map(drop)
    }

    /// STS `GetCallerIdentity`: the ARN the credentials act as.
    pub async fn caller_identity(&self, creds: &AwsCredentials) -> Result<String, ApiError> {
        let xml = self.call(creds, "sts", "GetCallerIdentity", &[]).await?;
        Ok(first_text(&parse(&xml, "GetCallerIdentity")?, "Arn").unwrap_or_default())
    }
}

fn parse<'a>(xml: &'a str, action: &'static str) -> Result<roxmltree::Document<'a>, ApiError> {
    roxmltree::Document::parse(xml).map_err(|e| ApiError::Aws {
        action,
        status: 200,
        code: "UnexpectedAnswer".into(),
        message: format!("the answer is not XML ({e})"),
    })
}

fn first_text(doc: &roxmltree::Document<'_>, tag: &str) -> Option<String> {
    doc.descendants().find(|n| n.has_tag_name(tag)).and_then(|n| n.text()).map(|t| t.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_answers() {
        let xml = r#"<ListAccessKeysResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListAccessKeysResult>
          <UserName>alice</UserName><AccessKeyMetadata>
          <member><UserName>alice</UserName><AccessKeyId>AKIA1</AccessKeyId><Status>Active</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>
          <member><UserName>alice</UserName><AccessKeyId>AKIA2</AccessKeyId><Status>Inactive</Status></member>
          </AccessKeyMetadata></ListAccessKeysResult></ListAccessKeysResponse>"#;
        let doc = parse(xml, "ListAccessKeys").unwrap();
        assert_eq!(first_text(&doc, "UserName").as_deref(), Some("alice"));
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("member")).count(), 2);
        let err = r#"<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>gone &amp; done</Message></Error></ErrorResponse>"#;
        assert_eq!(first_text(&parse(err, "x").unwrap(), "Message").as_deref(), Some("gone & done"));
    }
}
