use super::*;

#[test]
fn an_entry_is_fresh_up_to_its_max_age_then_stale() {
    let home = tempfile::tempdir().unwrap();
    let cache = open(&home.path().join("cache"));
    let sleep = key("42", "sleep", &[("startdateymd", "2026-06-29")]);
    cache.store(&sleep, &sample(1), NOW);

    match cache.lookup(&sleep, 600, NOW + 600) {
        Lookup::Fresh(entry) => {
            assert_eq!(entry.value, sample(1));
            assert_eq!(entry.stored_at, NOW);
        }
        other => panic!("expected fresh, got {other:?}"),
    }
    match cache.lookup(&sleep, 600, NOW + 601) {
        Lookup::Stale(entry) => assert_eq!((entry.value, entry.stored_at), (sample(1), NOW)),
        other => panic!("expected stale, got {other:?}"),
    }
    assert_eq!(
        cache.lookup(
            &key("42", "sleep", &[("startdateymd", "2026-06-30")]),
            600,
            NOW
        ),
        Lookup::Miss
    );
}

#[test]
fn an_entry_stamped_in_the_future_is_stale() {
    let home = tempfile::tempdir().unwrap();
    let cache = open(&home.path().join("cache"));
    let steps = key("42", "activity", &[]);
    cache.store(&steps, &sample(1), NOW + 3600);
    assert!(matches!(cache.lookup(&steps, 600, NOW), Lookup::Stale(_)));
}

#[test]
fn a_new_store_replaces_the_old_answer_and_its_age() {
    let home = tempfile::tempdir().unwrap();
    let cache = open(&home.path().join("cache"));
    let steps = key("42", "activity", &[]);
    cache.store(&steps, &sample(1), NOW);
    cache.store(&steps, &sample(2), NOW + 1000);
    let lookup = cache.lookup(&steps, 60, NOW + 1000);
    assert!(is_fresh(&lookup));
    assert_eq!(found(lookup), Some(sample(2)));
    let stats = cache.stats();
    assert_eq!(stats.entries, 1);
    assert_eq!(
        (stats.oldest_stored_at, stats.newest_stored_at),
        (Some(NOW + 1000), Some(NOW + 1000))
    );
}

#[test]
fn hits_count_fresh_lookups_and_misses_count_the_rest() {
    let home = tempfile::tempdir().unwrap();
    let cache = open(&home.path().join("cache"));
    let steps = key("42", "activity", &[]);
    cache.store(&steps, &sample(1), NOW);
    cache.lookup(&steps, 60, NOW); // hit
    cache.lookup(&steps, 60, NOW + 30); // hit
    cache.lookup(&steps, 60, NOW + 61); // stale: miss
    cache.lookup(&key("42", "sleep", &[]), 60, NOW); // absent: miss
    cache.note_stale_served();
    let stats = cache.clone().stats();
    assert_eq!((stats.hits, stats.misses, stats.stale_served), (2, 2, 1));
}

#[test]
fn stats_describe_a_disk_cache() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let cache = open(&dir);
    assert_eq!(cache.mode(), CacheMode::Disk);
    assert_eq!(cache.path(), Some(dir.as_path()));
    cache.store(&key("42", "a", &[]), &sample(1), NOW);
    cache.store(&key("42", "b", &[]), &sample(2), NOW + 5);
    let stats = cache.stats();
    assert_eq!(stats.mode, CacheMode::Disk);
    assert_eq!(stats.path.as_deref(), Some(dir.as_path()));
    assert_eq!(stats.format_version, Some(FORMAT_VERSION));
    assert_eq!(stats.entries, 2);
    assert!(stats.size_bytes > 2 * sample(1).to_string().len() as u64);
    assert_eq!(stats.max_bytes, DEFAULT_MAX_BYTES);
    assert!(stats.disk_bytes.is_some());
    assert_eq!(
        (stats.oldest_stored_at, stats.newest_stored_at),
        (Some(NOW), Some(NOW + 5))
    );
}

#[test]
fn entries_survive_closing_and_reopening() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let cache = open(&dir);
    let steps = key("42", "activity", &[("date", "2026-06-29")]);
    cache.store(&steps, &sample(7), NOW);
    let size = cache.stats().size_bytes;
    drop(cache);

    let reopened = open(&dir);
    assert_eq!(reopened.mode(), CacheMode::Disk);
    assert_eq!(found(reopened.lookup(&steps, 60, NOW)), Some(sample(7)));
    let stats = reopened.stats();
    assert_eq!((stats.entries, stats.size_bytes), (1, size));
    assert_eq!(stats.hits, 1, "counters are per process, not stored");
}

#[test]
fn a_memory_cache_behaves_like_the_disk_cache() {
    let cache = Cache::in_memory("testing");
    assert_eq!(
        cache.mode(),
        CacheMode::Memory {
            reason: "testing".to_owned()
        }
    );
    assert_eq!(cache.path(), None);
    let steps = key("42", "activity", &[]);
    assert_eq!(cache.lookup(&steps, 60, NOW), Lookup::Miss);
    cache.store(&steps, &sample(1), NOW);
    assert!(is_fresh(&cache.lookup(&steps, 60, NOW + 60)));
    assert!(matches!(
        cache.lookup(&steps, 60, NOW + 61),
        Lookup::Stale(_)
    ));
    cache.store(&steps, &sample(2), NOW + 100);
    assert_eq!(found(cache.lookup(&steps, 60, NOW + 100)), Some(sample(2)));
    let stats = cache.stats();
    assert_eq!((stats.entries, stats.hits, stats.misses), (1, 2, 2));
    assert_eq!(stats.format_version, None);
    assert_eq!(stats.oldest_stored_at, Some(NOW + 100));
}

#[test]
fn an_off_cache_never_answers_and_keeps_nothing() {
    let cache = Cache::off();
    let steps = key("42", "activity", &[]);
    cache.store(&steps, &sample(1), NOW);
    assert_eq!(cache.lookup(&steps, i64::MAX, NOW), Lookup::Miss);
    assert_eq!(cache.mode(), CacheMode::Off);
    assert_eq!(cache.purge_scope("42").unwrap(), 0);
    assert_eq!(cache.clear().unwrap(), 0);
    let stats = cache.stats();
    assert_eq!((stats.entries, stats.size_bytes, stats.misses), (0, 0, 1));
    assert_eq!(stats.path, None);
}

#[test]
fn the_mode_serializes_with_a_snake_case_tag() {
    assert_eq!(
        serde_json::to_value(CacheMode::Disk).unwrap(),
        json!({"mode": "disk"})
    );
    assert_eq!(
        serde_json::to_value(CacheMode::Off).unwrap(),
        json!({"mode": "off"})
    );
    assert_eq!(
        serde_json::to_value(CacheMode::Memory {
            reason: "held".to_owned()
        })
        .unwrap(),
        json!({"mode": "memory", "reason": "held"})
    );
}
