//! MLflow's basic-auth user API on a tracking server, through the execute step with a Basic
//! signer for the password being checked or changed.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{Client, ClientError};
use crate::auth::{Auth, AuthSettings};
use crate::credentials::StoreProvider;
use crate::gateway::users;
use crate::http::{HttpOptions, Outgoing};
use crate::request::Body;
use crate::scheme::AuthConfig;

pub struct MlflowUsers {
    pub base: String,
    pub user: String,
    pub opts: HttpOptions,
}

impl MlflowUsers {
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Zeroizing<Vec<u8>>>,
        password: &[u8],
        what: &str,
    ) -> Result<(), ClientError> {
        let auth = Auth::new(
            AuthSettings::new(AuthConfig::Basic { username: Some(self.user.clone()) }),
            Arc::new(StoreProvider::with_secret(
                &self.user,
                AuthConfig::Basic { username: Some(self.user.clone()) },
                Zeroizing::new(password.to_vec()),
            )),
        );
        let client = Client::new(auth, self.opts.clone())?;
        let url = crate::request::parse_url(&format!("{}/{path}", self.base.trim_end_matches('/')))?;
        let (headers, body) = match body {
            Some(b) => (
                vec![("Content-Type".to_string(), "application/json".to_string())],
                Body::Bytes { data: b.to_vec(), from_stdin: false },
            ),
            None => (vec![], Body::Empty),
        };
        let out = Outgoing { method: method.into(), url, headers, body: &body, upload_progress: None };
        let result = client.execute(&out, &mut |_, _, _, _| {}).await;
        if let Body::Bytes { mut data, .. } = body {
            zeroize::Zeroize::zeroize(&mut data);
        }
        let resp = result?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let headers = resp.headers().clone();
        let (bytes, _) = crate::http::read_limited(resp, super::MAX_HELD_BODY, &self.opts).await.unwrap_or_default();
        Err(ClientError::Status {
            status,
            message: format!("{what}: {}", crate::gateway::errors::summarize(status, &headers, &bytes)),
        })
    }

    /// Whether `password` is accepted (the user reading its own record).
    pub async fn check(&self, password: &[u8]) -> Result<(), ClientError> {
        self.send("GET", &users::get_user_path(&self.user), None, password, "checking the password").await
    }

    /// Changes the password from `current` to `new`.
    pub async fn change(&self, current: &[u8], new: &[u8]) -> Result<(), ClientError> {
        let utf8 = |b: &[u8]| {
            std::str::from_utf8(b)
                .map(|s| Zeroizing::new(s.to_string()))
                .map_err(|_| ClientError::Input("the password is not UTF-8".into()))
        };
        let (cur, new) = (utf8(current)?, utf8(new)?);
        let body = users::update_password_body(&self.user, &cur, &new);
        self.send("PATCH", users::UPDATE_PASSWORD_PATH, Some(body), current, "changing the password").await
    }
}
