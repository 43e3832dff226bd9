use std::fs;

use super::*;

/// Bytes no sled file starts with, the same on every run.
fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

#[test]
fn another_format_version_is_moved_aside_and_not_misread() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let steps = key("42", "activity", &[]);
    let cache = open(&dir);
    cache.store(&steps, &sample(1), NOW);
    drop(cache);
    {
        // A later version, with its own record layout under the same key.
        let db = raw_sled(&dir);
        let meta = db.open_tree("meta").unwrap();
        meta.insert("format_version", &2u32.to_be_bytes()).unwrap();
        let entries = db.open_tree("entries").unwrap();
        entries
            .insert(steps.to_bytes(), b"v2 record".as_slice())
            .unwrap();
        db.flush().unwrap();
    }

    let cache = open(&dir);
    assert_eq!(cache.mode(), CacheMode::Disk);
    assert_eq!(cache.lookup(&steps, i64::MAX, NOW), Lookup::Miss);
    assert_eq!(cache.stats().entries, 0);
    assert_eq!(cache.stats().format_version, Some(FORMAT_VERSION));
    let aside = moved_aside(&dir);
    assert_eq!(aside.len(), 1, "{aside:?}");
    drop(cache);
    let old = raw_sled(&aside[0]);
    let version = old
        .open_tree("meta")
        .unwrap()
        .get("format_version")
        .unwrap();
    assert_eq!(
        version.as_deref(),
        Some(2u32.to_be_bytes().as_slice()),
        "kept as it was"
    );
}

#[test]
fn data_without_a_format_version_is_moved_aside() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    {
        let db = raw_sled(&dir);
        db.insert("something", "else").unwrap();
        db.flush().unwrap();
    }
    let cache = open(&dir);
    assert_eq!(cache.mode(), CacheMode::Disk);
    assert_eq!(moved_aside(&dir).len(), 1);
    assert_eq!(cache.stats().entries, 0);
}

#[test]
fn a_garbage_directory_is_moved_aside_and_rebuilt() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    fs::create_dir_all(dir.join("blobs")).unwrap();
    let conf = garbage(64, 1);
    let db = garbage(64 * 1024, 2);
    fs::write(dir.join("conf"), &conf).unwrap();
    fs::write(dir.join("db"), &db).unwrap();

    let cache = open(&dir);
    assert_eq!(cache.mode(), CacheMode::Disk);
    let steps = key("42", "activity", &[]);
    cache.store(&steps, &sample(1), NOW);
    assert!(is_fresh(&cache.lookup(&steps, 60, NOW)));

    let aside = moved_aside(&dir);
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        fs::read(aside[0].join("conf")).unwrap(),
        conf,
        "moved, not changed"
    );
    assert_eq!(fs::read(aside[0].join("db")).unwrap(), db);

    drop(cache);
    let reopened = open(&dir);
    assert!(is_fresh(&reopened.lookup(&steps, 60, NOW)));
    assert_eq!(
        moved_aside(&dir).len(),
        1,
        "the rebuilt cache is not moved again"
    );
}

#[test]
fn a_damaged_database_file_alone_is_moved_aside() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let cache = open(&dir);
    cache.store(&key("42", "activity", &[]), &sample(1), NOW);
    drop(cache);
    // Wait until sled lets go, then damage the data file under an intact `conf`.
    drop(raw_sled(&dir));
    fs::write(dir.join("db"), garbage(256 * 1024, 3)).unwrap();

    let cache = open(&dir);
    assert_eq!(cache.mode(), CacheMode::Disk);
    assert_eq!(moved_aside(&dir).len(), 1);
    assert_eq!(cache.stats().entries, 0);
    cache.store(&key("42", "sleep", &[]), &sample(2), NOW);
    assert!(is_fresh(&cache.lookup(&key("42", "sleep", &[]), 60, NOW)));
}

#[test]
fn a_directory_with_other_files_is_never_moved() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("documents");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    fs::write(dir.join("conf"), garbage(64, 4)).unwrap();

    let cache = open(&dir);
    match cache.mode() {
        CacheMode::Memory { reason } => assert!(reason.contains("not a cache"), "{reason}"),
        other => panic!("expected memory, got {other:?}"),
    }
    assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    assert!(moved_aside(&dir).is_empty());
    // Still a working cache, for this process.
    cache.store(&key("42", "a", &[]), &sample(1), NOW);
    assert!(is_fresh(&cache.lookup(&key("42", "a", &[]), 60, NOW)));
}

#[test]
fn a_path_that_is_a_file_means_memory() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("cache");
    fs::write(&path, "not a directory").unwrap();
    let cache = open(&path);
    match cache.mode() {
        CacheMode::Memory { reason } => assert!(reason.contains("not a directory"), "{reason}"),
        other => panic!("expected memory, got {other:?}"),
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), "not a directory");
}

#[cfg(unix)]
mod permissions {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_directory_is_owner_only() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("nested/cache");
        let _cache = open(&dir);
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn a_looser_cache_directory_is_tightened() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache");
        drop(open(&dir));
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let cache = open(&dir);
        assert_eq!(cache.mode(), CacheMode::Disk);
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn a_rebuilt_directory_is_owner_only_too() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("conf"), garbage(64, 5)).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let _cache = open(&dir);
        assert_eq!(moved_aside(&dir).len(), 1);
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn a_shared_directory_keeps_the_mode_its_owner_chose() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("shared");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("readme.txt"), "shared on purpose").unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o750)).unwrap();
        let cache = open(&dir);
        assert_eq!(cache.mode(), CacheMode::Disk);
        assert_eq!(mode(&dir), 0o750);
    }
}
