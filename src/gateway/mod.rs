//! What each gateway flavour means. For now: AWS host names and their signing scope.

pub mod aws;
