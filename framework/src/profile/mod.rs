//! The shared Delx Wellness profile: who the person is, what they want, which
//! devices they use, how they train, and how the assistant should talk to them.
//!
//! One file, `~/.delx-wellness/profile.json`, is shared by every Delx connector, so a
//! person answers the onboarding questions once. This module owns that file's format
//! ([`ProfileDocument`]), what may be written to it ([`PatchError`]: no unknown
//! sections, nothing that looks like a credential), how it is stored
//! ([`ProfileStore`]: owner-only, atomic, under a cross-process lock) and the three
//! tools every connector exposes over it ([`ProfileTools`]).
//!
//! What it does not own: interpreting the answers. Connectors read the fields they
//! understand and carry the rest through untouched.

mod document;
mod guard;
mod onboarding;
mod store;
mod summary;
mod tools;

#[cfg(test)]
mod tests;

pub use document::{ProfileDocument, SCHEMA, Section, VERSION};
pub use guard::{ALLOWED_KEYS, MAX_NOTES_CHARS, PatchError};
pub use onboarding::{Locale, QUESTIONS, Question, privacy_note};
pub use store::{
    LEGACY_PATHS, MAX_DOCUMENT_BYTES, PROFILE_DIR, PROFILE_FILE, ProfileError, ProfileStore,
    ProfileUpdate,
};
pub use summary::{CRITICAL_FIELDS, EMPTY_SUMMARY};
pub use tools::{
    OnboardingInput, OnboardingOutput, OnboardingQuestion, ProfileGetInput, ProfileTools,
    ProfileUpdateInput, ProfileUpdateOutput, ProfileView,
};
