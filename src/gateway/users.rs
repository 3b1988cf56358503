//! MLflow's basic-auth user API on a tracking server (`mlflow server --app-name basic-auth`):
//! paths and bodies; `client::users` sends them.

use zeroize::Zeroizing;

/// The path that reads a user's own record (answers 200 when the password is accepted).
pub fn get_user_path(user: &str) -> String {
    format!(
        "api/2.0/mlflow/users/get?username={}",
        percent_encoding::utf8_percent_encode(user, percent_encoding::NON_ALPHANUMERIC)
    )
}

pub const UPDATE_PASSWORD_PATH: &str = "api/2.0/mlflow/users/update-password";

/// The body of `PATCH update-password`: MLflow 3.x requires `current_password` when users change
/// their own password. Written into wiped memory.
pub fn update_password_body(user: &str, current: &str, new: &str) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(64 + user.len() + current.len() + new.len()));
    let body = serde_json::json!({"username": user, "password": new, "current_password": current});
    // Serialising a JSON value into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &body);
    out
}
