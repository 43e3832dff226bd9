//! What a connector's cache holds and where: reported as it is, including "there is
//! no cache yet", so an agent never assumes answers are cached when they are not.

use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;

use super::audit::EntryKind;
use super::tilde;
use crate::render::Markdown;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CacheStatus {
    /// Answers are being served from the cache when fresh.
    pub enabled: bool,
    /// Where the cache lives or will live.
    pub path: String,
    pub exists: bool,
    pub kind: EntryKind,
    /// Stored responses, when a cache is running.
    pub entries: Option<u64>,
    pub note: String,
}

impl CacheStatus {
    /// The status while the connector has no cache: every call reads upstream.
    pub fn not_implemented(path: &Path, home: Option<&Path>) -> Self {
        let kind = EntryKind::of(path);
        Self {
            enabled: false,
            path: tilde(path, home),
            exists: kind.exists(),
            kind,
            entries: None,
            note: "Caching is not implemented yet: every call reads the upstream API directly, \
                   and nothing is stored at this path."
                .to_owned(),
        }
    }

    pub fn markdown(&self, display_name: &str) -> String {
        Markdown::new()
            .title(&format!("{display_name} cache"))
            .field("Enabled", if self.enabled { "yes" } else { "no" })
            .field(
                "Path",
                format!(
                    "{} ({})",
                    self.path,
                    if self.exists { "present" } else { "absent" }
                ),
            )
            .field_opt("Entries", self.entries)
            .line(&self.note)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_path_with_tilde_and_whether_something_is_there() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".acme-mcp/cache");
        let absent = CacheStatus::not_implemented(&path, Some(home.path()));
        assert!(!absent.enabled);
        assert_eq!(absent.path, "~/.acme-mcp/cache");
        assert_eq!((absent.exists, absent.kind), (false, EntryKind::Missing));
        std::fs::create_dir_all(&path).unwrap();
        let present = CacheStatus::not_implemented(&path, Some(home.path()));
        assert_eq!((present.exists, present.kind), (true, EntryKind::Directory));
        assert!(present.markdown("Acme").contains("- Enabled: no"));
    }
}
