//! Reading, merging and writing the profile file.

use std::sync::Arc;
use std::thread;

use super::*;

#[test]
fn a_missing_file_loads_as_defaults_and_creates_nothing() {
    let home = Home::new();
    assert_eq!(home.store.load().expect("load"), ProfileDocument::default());
    assert!(
        !home.path().join(".delx-wellness").exists(),
        "reads never write"
    );
}

#[test]
fn an_update_round_trips_through_the_file() {
    let home = Home::new();
    let update = home
        .update(json!({
            "profile": {"preferred_name": "Ana", "timezone": "America/Sao_Paulo"},
            "goals": {"primary": "sleep repair", "secondary": ["endurance"]},
            "notes": "prefers mornings",
        }))
        .expect("update");
    assert_eq!(update.updated_sections, ["profile", "goals", "notes"]);
    let loaded = home.store.load().expect("load");
    assert_eq!(loaded, update.document);
    assert_eq!(loaded.profile["preferred_name"], json!("Ana"));
    assert_eq!(loaded.goals["secondary"], json!(["endurance"]));
    assert_eq!(loaded.notes, "prefers mornings");
    assert_eq!(loaded.generated_by, "test-mcp");
    let stamp = loaded.updated_at.as_deref().expect("stamped");
    stamp
        .parse::<jiff::Timestamp>()
        .unwrap_or_else(|error| panic!("{stamp} is not RFC 3339: {error}"));
    let stored = home.stored();
    assert_eq!(stored["schema"], json!("delx-wellness-profile/v1"));
    assert_eq!(stored["version"], json!(1));
}

#[test]
fn sections_merge_field_by_field_and_null_removes_a_field() {
    let home = Home::new();
    home.update(json!({
        "training": {"sports": ["tennis"], "weekly_schedule": "Mon, Thu", "location": ["club"]},
        "notes": "first",
    }))
    .expect("first");
    let update = home
        .update(json!({
            "training": {"weekly_schedule": "Mon, Wed, Fri", "location": null, "equipment": {"bands": 2}},
            "notes": "second",
        }))
        .expect("second");
    assert_eq!(update.updated_sections, ["training", "notes"]);
    let training = home.stored()["training"].clone();
    assert_eq!(
        training,
        json!({"sports": ["tennis"], "weekly_schedule": "Mon, Wed, Fri", "equipment": {"bands": 2}})
    );
    assert_eq!(
        home.stored()["notes"],
        json!("second"),
        "notes are replaced"
    );
}

#[test]
fn fields_written_by_other_connectors_survive_an_update() {
    let home = Home::new();
    home.write(
        ".delx-wellness/profile.json",
        r#"{
            "schema": "delx-wellness-profile/v1",
            "version": 1,
            "generated_by": "nourish-mcp",
            "nutrition": {"protein_target_g": 140, "meal_plan": {"breakfast": "oats"}},
            "devices": {"primary_nutrition_source": "nourish"},
            "experiments": {"caffeine_cutoff": "14:00"}
        }"#,
    );
    home.update(json!({"devices": {"connected": ["Body+"]}}))
        .expect("update");
    let stored = home.stored();
    assert_eq!(
        stored["nutrition"],
        json!({"protein_target_g": 140, "meal_plan": {"breakfast": "oats"}})
    );
    assert_eq!(
        stored["devices"],
        json!({"primary_nutrition_source": "nourish", "connected": ["Body+"]})
    );
    assert_eq!(stored["experiments"], json!({"caffeine_cutoff": "14:00"}));
    assert_eq!(stored["generated_by"], json!("test-mcp"));
}

#[cfg(unix)]
#[test]
fn the_file_is_owner_only_and_a_loose_directory_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let dir = home.path().join(".delx-wellness");
    home.update(json!({"goals": {"primary": "strength"}}))
        .expect("update");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&home.profile_file()), 0o600);

    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("loosen");
    home.update(json!({"goals": {"primary": "endurance"}}))
        .expect("update");
    assert_eq!(
        mode(&dir),
        0o700,
        "a pre-existing 0755 directory is tightened"
    );
    assert_eq!(mode(&home.profile_file()), 0o600);
}

#[cfg(unix)]
#[test]
fn a_store_at_a_custom_path_leaves_an_existing_directory_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    let store = ProfileStore::new(dir.path().join("profile.json"));
    store
        .update(&object(json!({"goals": {"primary": "x"}})), "test-mcp")
        .expect("update");
    assert_eq!(
        mode(dir.path()),
        0o755,
        "a directory it did not create may be shared"
    );
    assert_eq!(mode(&dir.path().join("profile.json")), 0o600);
}

#[test]
fn an_invalid_json_file_is_an_error_and_stays_byte_identical() {
    let home = Home::new();
    let broken =
        "{\"schema\": \"delx-wellness-profile/v1\", \"profile\": {\"preferred_name\": \"Ana\",}";
    home.write(".delx-wellness/profile.json", broken);
    let error = home.store.load().expect_err("invalid JSON");
    assert!(
        matches!(error, ProfileError::InvalidJson { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("profile.json"),
        "names the file: {message}"
    );
    assert!(
        !message.contains("Ana"),
        "does not quote the content: {message}"
    );

    let error = home
        .update(json!({"goals": {"primary": "x"}}))
        .expect_err("no overwrite");
    assert!(
        matches!(error, ProfileError::InvalidJson { .. }),
        "{error:?}"
    );
    assert_eq!(
        fs::read_to_string(home.profile_file()).expect("read"),
        broken
    );
}

#[test]
fn a_v1_file_with_a_section_of_the_wrong_type_is_not_overwritten() {
    let home = Home::new();
    let odd = r#"{"schema": "delx-wellness-profile/v1", "goals": ["sleep"]}"#;
    home.write(".delx-wellness/profile.json", odd);
    let error = home.store.load().expect_err("bad shape");
    assert_eq!(
        error,
        ProfileError::InvalidShape {
            path: home.profile_file(),
            field: "goals",
            found: "an array"
        }
    );
    assert!(home.update(json!({"notes": "x"})).is_err());
    assert_eq!(fs::read_to_string(home.profile_file()).expect("read"), odd);
}

#[test]
fn another_schema_reads_as_defaults_but_is_never_overwritten() {
    let home = Home::new();
    let newer = r#"{"schema": "delx-wellness-profile/v2", "profile": {"preferred_name": "Ana"}}"#;
    home.write(".delx-wellness/profile.json", newer);
    assert_eq!(home.store.load().expect("load"), ProfileDocument::default());
    let error = home
        .update(json!({"goals": {"primary": "x"}}))
        .expect_err("refused");
    assert!(
        matches!(&error, ProfileError::OtherSchema { found, .. } if found.contains("v2")),
        "{error:?}"
    );
    assert_eq!(
        fs::read_to_string(home.profile_file()).expect("read"),
        newer
    );
}

const HERMES: &str = ".hermes/profiles/delx-wellness/wellness-profile.json";
const OPENCLAW: &str = ".openclaw-delx-wellness/workspace/wellness-profile.json";

#[test]
fn a_legacy_profile_is_read_without_writing_then_copied_on_the_next_update() {
    let home = Home::new();
    let legacy = r#"{"schema": "delx-wellness-profile/v1", "version": 1,
        "generated_by": "hermes", "profile": {"preferred_name": "Ana"}, "notes": "old"}"#;
    home.write(OPENCLAW, legacy);
    let loaded = home.store.load().expect("load");
    assert_eq!(loaded.profile["preferred_name"], json!("Ana"));
    assert!(
        !home.path().join(".delx-wellness").exists(),
        "reads never write"
    );

    home.update(json!({"goals": {"primary": "sleep"}}))
        .expect("update");
    let stored = home.stored();
    assert_eq!(stored["profile"]["preferred_name"], json!("Ana"));
    assert_eq!(stored["goals"]["primary"], json!("sleep"));
    assert_eq!(stored["notes"], json!("old"));
    assert_eq!(
        fs::read_to_string(home.path().join(OPENCLAW)).expect("legacy kept"),
        legacy
    );
}

#[test]
fn the_hermes_location_wins_and_unusable_legacy_files_are_skipped() {
    let home = Home::new();
    home.write(HERMES, "not json");
    home.write(
        OPENCLAW,
        r#"{"schema": "delx-wellness-profile/v1", "profile": {"preferred_name": "Bia"}}"#,
    );
    assert_eq!(
        home.store.load().expect("load").profile["preferred_name"],
        json!("Bia")
    );
    home.write(
        HERMES,
        r#"{"schema": "delx-wellness-profile/v1", "profile": {"preferred_name": "Ana"}}"#,
    );
    assert_eq!(
        home.store.load().expect("load").profile["preferred_name"],
        json!("Ana")
    );
    home.write(
        HERMES,
        r#"{"schema": "something-else", "profile": {"preferred_name": "Cy"}}"#,
    );
    assert_eq!(
        home.store.load().expect("load").profile["preferred_name"],
        json!("Bia")
    );
}

#[test]
fn the_canonical_file_wins_over_legacy_ones() {
    let home = Home::new();
    home.write(
        HERMES,
        r#"{"schema": "delx-wellness-profile/v1", "profile": {"preferred_name": "Old"}}"#,
    );
    home.update(json!({"goals": {"primary": "x"}}))
        .expect("update");
    home.update(json!({"profile": {"preferred_name": "New"}}))
        .expect("update");
    assert_eq!(
        home.store.load().expect("load").profile["preferred_name"],
        json!("New")
    );
}

#[test]
fn concurrent_writers_each_land_their_update() {
    const ROUNDS: usize = 15;
    let home = Arc::new(Home::new());
    let writers: Vec<_> = ["training", "nutrition", "goals"]
        .into_iter()
        .map(|section| {
            let home = Arc::clone(&home);
            thread::spawn(move || {
                // Separate stores, as separate connectors would have.
                let store = ProfileStore::for_home(home.path());
                for round in 0..ROUNDS {
                    let patch = object(json!({section: {format!("k{round}"): round}}));
                    store.update(&patch, section).expect("update");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let stored = home.stored();
    for section in ["training", "nutrition", "goals"] {
        let fields = stored[section].as_object().expect("object");
        assert_eq!(fields.len(), ROUNDS, "{section} lost updates: {fields:?}");
    }
    assert!(
        !home
            .path()
            .join(".delx-wellness/profile.json.lock")
            .exists(),
        "the lock is released"
    );
}

#[test]
fn an_update_waits_for_a_lock_held_elsewhere() {
    use std::time::{Duration, Instant};
    let home = Home::new();
    home.update(json!({"goals": {"primary": "x"}}))
        .expect("first");
    let holder = crate::auth::TokenStore::new(home.profile_file())
        .lock_blocking()
        .expect("hold the lock");
    let store = home
        .store
        .clone()
        .with_lock_options(crate::auth::LockOptions {
            timeout: Duration::from_millis(200),
            ..crate::auth::LockOptions::default()
        });
    let started = Instant::now();
    let error = store
        .update(&object(json!({"notes": "blocked"})), "test-mcp")
        .expect_err("the lock is held");
    assert!(
        matches!(error, ProfileError::LockTimeout { .. }),
        "{error:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(home.stored()["notes"], json!(""), "nothing written");
    drop(holder);
    store
        .update(&object(json!({"notes": "free"})), "test-mcp")
        .expect("lock released");
}

#[test]
fn the_storage_path_is_shown_under_tilde() {
    let home = Home::new();
    assert_eq!(home.store.display_path(), "~/.delx-wellness/profile.json");
    let custom = ProfileStore::new("/var/lib/profile.json");
    assert_eq!(custom.display_path(), "/var/lib/profile.json");
}
