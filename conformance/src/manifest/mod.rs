//! Manifests generated from the code, never written by hand: the provider's entry
//! in the Delx Wellness registry, the MCP registry's `server.json`, and `llms.txt`.
//! Each reads the provider's descriptor (and its [`Distribution`]) and what the
//! registry actually serves, so a renamed tool or a new setting shows up in the
//! manifests at the next generation, and a test catches files left stale.

mod llms;
mod registry_entry;
mod server_json;

pub use llms::llms_txt;
pub use registry_entry::registry_entry;
pub use server_json::server_json;

use delx_framework::{Distribution, ProviderDescriptor};

/// The kinds `manifest` writes, with their file names.
pub const FILES: &[(&str, &str)] = &[
    ("registry", "registry.json"),
    ("server-json", "server.json"),
    ("llms-txt", "llms.txt"),
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ManifestError {
    #[error(
        "provider `{0}` has no distribution facts (package, repository...), so it is not published"
    )]
    NotPublished(&'static str),
}

fn distribution(descriptor: &ProviderDescriptor) -> Result<&'static Distribution, ManifestError> {
    descriptor
        .distribution
        .ok_or(ManifestError::NotPublished(descriptor.id))
}
