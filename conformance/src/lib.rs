//! The Delx Wellness connector quality checks.
//!
//! This crate will own the static and dynamic checks, tiers, reports and manifest
//! generation. Until that work lands it only re-exports the framework so the
//! dependency direction (`conformance -> framework`) is fixed from the start.

pub use delx_framework as framework;
