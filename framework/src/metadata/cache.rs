//! What a connector's cache holds and where: reported as it is, including "off" and
//! "in memory because ...", so an agent never assumes answers are cached, or
//! shared with later runs, when they are not.

use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;

use super::audit::EntryKind;
use super::tilde;
use crate::cache::{CacheMode, CacheStats};
use crate::render::Markdown;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CacheStatus {
    /// Answers are being served from the cache when fresh (on disk or in memory).
    pub enabled: bool,
    /// Where answers are kept, and why not on disk when they are not.
    pub mode: CacheMode,
    /// Where the cache lives or would live.
    pub path: String,
    pub exists: bool,
    pub kind: EntryKind,
    /// The on-disk layout version, when the cache is on disk.
    pub format_version: Option<u32>,
    pub entries: u64,
    /// The entries' keys and values, which the size budget counts.
    pub size_bytes: u64,
    /// Beyond this the oldest entries are removed.
    pub max_bytes: u64,
    /// Lookups by this process that found a fresh answer.
    pub hits: u64,
    /// Lookups by this process that found nothing or only a stale answer.
    pub misses: u64,
    /// Stale answers served because the upstream could not be reached.
    pub stale_served: u64,
    /// RFC 3339, UTC.
    pub oldest_stored_at: Option<String>,
    /// RFC 3339, UTC.
    pub newest_stored_at: Option<String>,
    pub note: String,
    /// The synced local history, per domain; empty when nothing was synced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryDomain>,
}

/// One domain of the local history: how much it holds and which range is complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct HistoryDomain {
    pub domain: String,
    pub records: u64,
    /// RFC 3339, UTC: the complete range, and when it was last synced.
    pub covered_from: Option<String>,
    pub covered_to: Option<String>,
    pub synced_at: Option<String>,
}

impl HistoryDomain {
    pub fn new(domain: &str, records: u64, coverage: Option<crate::cache::Coverage>) -> Self {
        Self {
            domain: domain.to_owned(),
            records,
            covered_from: coverage.map(|c| rfc3339(c.start)),
            covered_to: coverage.map(|c| rfc3339(c.end)),
            synced_at: coverage.map(|c| rfc3339(c.synced_at)),
        }
    }
}

impl CacheStatus {
    /// `configured` is where the settings put the cache; it is shown whatever the
    /// mode, so a person can see where a disk cache would be.
    pub fn new(stats: &CacheStats, configured: &Path, home: Option<&Path>) -> Self {
        let path = stats.path.as_deref().unwrap_or(configured);
        let kind = EntryKind::of(path);
        let note = match &stats.mode {
            CacheMode::Disk => "Fresh answers are served from this directory and kept across \
                                restarts; the oldest are removed beyond the size limit."
                .to_owned(),
            CacheMode::Memory { reason } => format!(
                "This process keeps its cache in memory ({reason}); it is lost when the \
                 process exits."
            ),
            CacheMode::Off => "The cache is off: every call reads the upstream API directly, \
                               and nothing is stored."
                .to_owned(),
        };
        Self {
            enabled: stats.mode != CacheMode::Off,
            mode: stats.mode.clone(),
            path: tilde(path, home),
            exists: kind.exists(),
            kind,
            format_version: stats.format_version,
            entries: stats.entries,
            size_bytes: stats.size_bytes,
            max_bytes: stats.max_bytes,
            hits: stats.hits,
            misses: stats.misses,
            stale_served: stats.stale_served,
            oldest_stored_at: stats.oldest_stored_at.map(rfc3339),
            newest_stored_at: stats.newest_stored_at.map(rfc3339),
            note,
            history: Vec::new(),
        }
    }

    /// Adds the local history's coverage, for providers that sync one.
    pub fn with_history(mut self, history: Vec<HistoryDomain>) -> Self {
        self.history = history;
        self
    }

    pub fn markdown(&self, display_name: &str) -> String {
        let mode = match &self.mode {
            CacheMode::Disk => "on disk".to_owned(),
            CacheMode::Memory { reason } => format!("in memory only ({reason})"),
            CacheMode::Off => "off".to_owned(),
        };
        let mut text = Markdown::new()
            .title(&format!("{display_name} cache"))
            .field("Enabled", if self.enabled { "yes" } else { "no" })
            .field("Mode", mode)
            .field(
                "Path",
                format!(
                    "{} ({})",
                    self.path,
                    if self.exists { "present" } else { "absent" }
                ),
            )
            .field_opt("Format version", self.format_version);
        if self.enabled {
            text = text
                .field(
                    "Entries",
                    format!(
                        "{} ({} of {})",
                        self.entries,
                        mebibytes(self.size_bytes),
                        mebibytes(self.max_bytes)
                    ),
                )
                .field(
                    "This run",
                    format!(
                        "{} hits, {} misses, {} stale answers served",
                        self.hits, self.misses, self.stale_served
                    ),
                )
                .field_opt("Oldest entry", self.oldest_stored_at.as_deref())
                .field_opt("Newest entry", self.newest_stored_at.as_deref());
        }
        for domain in &self.history {
            let range = match (&domain.covered_from, &domain.covered_to) {
                (Some(from), Some(to)) => format!("complete from {from} to {to}"),
                _ => "no complete range yet".to_owned(),
            };
            text = text.field(
                &format!("History {}", domain.domain),
                format!("{} records, {range}", domain.records),
            );
        }
        text.line(&self.note).build()
    }
}

fn rfc3339(unix_seconds: i64) -> String {
    crate::cache::stamp_text(unix_seconds)
}

fn mebibytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    format!("{:.1} MiB", bytes as f64 / MIB)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Cache, CacheKey, CacheOptions};
    use serde_json::json;

    #[test]
    fn reports_the_path_with_tilde_and_whether_something_is_there() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".acme-mcp/cache");
        let absent = CacheStatus::new(&Cache::off().stats(), &path, Some(home.path()));
        assert!(!absent.enabled);
        assert_eq!(absent.mode, CacheMode::Off);
        assert_eq!(absent.path, "~/.acme-mcp/cache");
        assert_eq!((absent.exists, absent.kind), (false, EntryKind::Missing));
        std::fs::create_dir_all(&path).unwrap();
        let present = CacheStatus::new(&Cache::off().stats(), &path, Some(home.path()));
        assert_eq!((present.exists, present.kind), (true, EntryKind::Directory));
        let text = present.markdown("Acme");
        assert!(text.contains("- Enabled: no"), "{text}");
        assert!(!text.contains("Entries"), "{text}");
    }

    #[test]
    fn a_disk_cache_reports_what_it_holds_and_how_it_served() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".acme-mcp/cache");
        let cache = Cache::open(&path, CacheOptions::default());
        let key = CacheKey::new("42", "sleep", &[]);
        cache.store(&key, &json!({"score": 80}), 1_782_806_400);
        cache.store(
            &CacheKey::new("42", "steps", &[]),
            &json!([1, 2]),
            1_782_810_000,
        );
        cache.lookup(&key, 60, 1_782_806_400);
        cache.lookup(&key, 60, 1_782_900_000);
        cache.note_stale_served();

        let status = CacheStatus::new(&cache.stats(), &path, Some(home.path()));
        assert_eq!(status.mode, CacheMode::Disk);
        assert_eq!(status.path, "~/.acme-mcp/cache");
        assert_eq!(status.format_version, Some(crate::cache::FORMAT_VERSION));
        assert_eq!(
            (
                status.entries,
                status.hits,
                status.misses,
                status.stale_served
            ),
            (2, 1, 1, 1)
        );
        assert!(status.size_bytes > 0);
        assert_eq!(
            status.oldest_stored_at.as_deref(),
            Some("2026-06-30T08:00:00Z")
        );
        assert_eq!(
            status.newest_stored_at.as_deref(),
            Some("2026-06-30T09:00:00Z")
        );
        let text = status.markdown("Acme");
        assert!(text.contains("- Mode: on disk"), "{text}");
        assert!(text.contains("- Entries: 2 ("), "{text}");
        assert!(text.contains("1 hits, 1 misses, 1 stale"), "{text}");
        assert!(!text.contains(&home.path().display().to_string()), "{text}");
    }

    #[test]
    fn a_memory_cache_says_why_and_where_the_disk_cache_would_be() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".acme-mcp/cache");
        let cache = Cache::in_memory("another process holds the directory");
        let status = CacheStatus::new(&cache.stats(), &path, Some(home.path()));
        assert!(status.enabled);
        assert_eq!(status.path, "~/.acme-mcp/cache");
        assert_eq!(status.format_version, None);
        assert!(
            status.note.contains("another process holds the directory"),
            "{}",
            status.note
        );
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(
            json["mode"],
            json!({"mode": "memory", "reason": "another process holds the directory"})
        );
        assert!(status.markdown("Acme").contains("- Mode: in memory only"));
    }
}
