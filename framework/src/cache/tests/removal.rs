use super::*;

fn fill(cache: &Cache) {
    for scope in ["42", "43"] {
        for namespace in ["activity", "sleep", "measure"] {
            cache.store(&key(scope, namespace, &[("date", "1")]), &sample(1), NOW);
        }
    }
}

#[test]
fn purging_an_account_removes_only_its_entries() {
    let home = tempfile::tempdir().unwrap();
    let caches = [
        open(&home.path().join("cache")),
        Cache::in_memory("testing"),
    ];
    for cache in caches {
        fill(&cache);
        // A scope that starts like another, or contains the separator, is another.
        cache.store(&key("4", "activity", &[("date", "1")]), &sample(1), NOW);
        cache.store(&key("42\0x", "activity", &[("date", "1")]), &sample(1), NOW);
        assert_eq!(cache.purge_scope("42").unwrap(), 3, "{:?}", cache.mode());
        for namespace in ["activity", "sleep", "measure"] {
            let lookup = |scope| cache.lookup(&key(scope, namespace, &[("date", "1")]), 60, NOW);
            assert_eq!(lookup("42"), Lookup::Miss);
            assert!(is_fresh(&lookup("43")));
        }
        assert!(is_fresh(&cache.lookup(
            &key("4", "activity", &[("date", "1")]),
            60,
            NOW
        )));
        assert!(is_fresh(&cache.lookup(
            &key("42\0x", "activity", &[("date", "1")]),
            60,
            NOW
        )));
        assert_eq!(cache.stats().entries, 5);
        assert_eq!(cache.purge_scope("42").unwrap(), 0);
    }
}

#[test]
fn clearing_removes_everything_and_the_cache_keeps_working() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let caches = [open(&dir), Cache::in_memory("testing")];
    for cache in caches {
        fill(&cache);
        assert_eq!(cache.clear().unwrap(), 6);
        let stats = cache.stats();
        assert_eq!((stats.entries, stats.size_bytes), (0, 0));
        assert_eq!(
            (stats.oldest_stored_at, stats.newest_stored_at),
            (None, None)
        );
        assert_eq!(
            cache.lookup(&key("42", "sleep", &[("date", "1")]), 60, NOW),
            Lookup::Miss
        );
        cache.store(&key("42", "sleep", &[]), &sample(1), NOW);
        assert_eq!(cache.stats().entries, 1);
    }
    assert_eq!(open(&dir).stats().entries, 1, "the clear is stored");
}

#[test]
fn over_budget_the_oldest_entries_go_and_the_newest_stay() {
    const BUDGET: u64 = 8 * 1024;
    let home = tempfile::tempdir().unwrap();
    let caches = [
        open_with_budget(&home.path().join("cache"), BUDGET),
        Cache::with_store(
            Store::Memory {
                store: Default::default(),
                reason: "testing".to_owned(),
            },
            BUDGET,
        ),
    ];
    let padding = "x".repeat(400);
    for cache in caches {
        for day in 0..60 {
            let value = json!({"day": day, "padding": padding});
            cache.store(
                &key("42", "activity", &[("day", &day.to_string())]),
                &value,
                NOW + day,
            );
            assert!(cache.stats().size_bytes <= BUDGET, "{:?}", cache.mode());
        }
        let stats = cache.stats();
        assert!(stats.entries > 5 && stats.entries < 60, "{stats:?}");
        let kept = |day: i64| {
            found(cache.lookup(
                &key("42", "activity", &[("day", &day.to_string())]),
                i64::MAX,
                NOW + 60,
            ))
            .is_some()
        };
        let newest_kept = (0..60).rev().take_while(|&day| kept(day)).count() as u64;
        assert_eq!(
            newest_kept, stats.entries,
            "exactly the newest entries are kept"
        );
        assert!(!kept(0));
        assert_eq!(stats.newest_stored_at, Some(NOW + 59));
        assert_eq!(
            stats.oldest_stored_at,
            Some(NOW + 60 - stats.entries as i64)
        );
    }
}

#[test]
fn an_answer_larger_than_the_budget_is_not_kept_and_pushes_nothing_out() {
    let home = tempfile::tempdir().unwrap();
    let cache = open_with_budget(&home.path().join("cache"), 1024);
    cache.store(&key("42", "small", &[]), &sample(1), NOW);
    cache.store(&key("42", "huge", &[]), &json!("y".repeat(2048)), NOW + 1);
    assert_eq!(
        cache.lookup(&key("42", "huge", &[]), 60, NOW + 1),
        Lookup::Miss
    );
    assert!(is_fresh(&cache.lookup(
        &key("42", "small", &[]),
        60,
        NOW + 1
    )));
}

#[test]
fn eviction_after_reopening_uses_the_stored_totals() {
    const BUDGET: u64 = 4 * 1024;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let padding = "x".repeat(300);
    let cache = open_with_budget(&dir, BUDGET);
    for day in 0..8 {
        cache.store(
            &key("42", "a", &[("day", &day.to_string())]),
            &json!(padding),
            NOW + day,
        );
    }
    let before = cache.stats();
    drop(cache);
    let cache = open_with_budget(&dir, BUDGET);
    assert_eq!(cache.stats().size_bytes, before.size_bytes);
    for day in 8..40 {
        cache.store(
            &key("42", "a", &[("day", &day.to_string())]),
            &json!(padding),
            NOW + day,
        );
    }
    assert!(cache.stats().size_bytes <= BUDGET);
    assert_eq!(
        cache.lookup(&key("42", "a", &[("day", "0")]), i64::MAX, NOW),
        Lookup::Miss
    );
}
