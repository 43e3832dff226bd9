//! The fake Withings API.
