//! What each gateway flavour means: AWS host names, MLflow routes and payloads, error bodies.

pub mod aws;
pub mod errors;
pub mod mlflow;
pub mod serving;
