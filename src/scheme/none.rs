//! `none`: no credentials (a plain `mlflow gateway start`): nothing is signed, no secret kept.

use super::RotationKind;

pub(super) const ROTATION: RotationKind =
    RotationKind::NotRotated(|name| format!("profile {name:?} has auth none: there is no key or password to rotate"));
