//! The Withings API client: signing, OAuth, status families and endpoints.

mod cached;
pub mod client;
pub mod dates;
pub mod endpoints;
pub mod error;
pub mod oauth;
pub mod signing;
pub mod status;
pub mod transport;

pub use client::{ClientOptions, Listing, WithingsClient};
pub use error::ApiError;
