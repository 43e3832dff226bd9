//! The Withings API client: signing, OAuth, status families and endpoints.

pub mod signing;
pub mod status;
