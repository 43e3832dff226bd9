//! Every patch the store refuses, and that refusing writes nothing.

use super::*;

#[test]
fn unknown_top_level_keys_are_rejected_naming_the_allowed_ones() {
    let home = Home::new();
    let error = patch_error(home.update(json!({"goals": {"primary": "run"}, "mood": {}})));
    assert_eq!(error, PatchError::UnknownKey { key: "mood".into() });
    let message = error.to_string();
    assert!(message.contains("\"mood\""), "{message}");
    assert!(message.contains(ALLOWED_KEYS), "{message}");
    assert!(!home.profile_file().exists(), "nothing written");
}

#[test]
fn bookkeeping_fields_cannot_be_patched() {
    let home = Home::new();
    for key in ["schema", "version", "generated_by", "updated_at"] {
        let error = patch_error(home.update(json!({key: "x"})));
        assert!(matches!(error, PatchError::UnknownKey { .. }), "{key}");
    }
}

#[test]
fn an_empty_patch_is_refused() {
    let home = Home::new();
    assert_eq!(patch_error(home.update(json!({}))), PatchError::Empty);
}

#[test]
fn sections_must_be_objects_and_notes_a_bounded_string() {
    let home = Home::new();
    assert_eq!(
        patch_error(home.update(json!({"goals": "sleep"}))),
        PatchError::SectionNotObject {
            section: "goals",
            found: "a string"
        }
    );
    assert_eq!(
        patch_error(home.update(json!({"safety": null}))),
        PatchError::SectionNotObject {
            section: "safety",
            found: "null"
        }
    );
    assert_eq!(
        patch_error(home.update(json!({"notes": ["a"]}))),
        PatchError::NotesNotString { found: "an array" }
    );
    let long = "é".repeat(MAX_NOTES_CHARS + 1);
    assert_eq!(
        patch_error(home.update(json!({"notes": long}))),
        PatchError::NotesTooLong {
            chars: MAX_NOTES_CHARS + 1
        }
    );
    // Characters, not bytes: 2000 two-byte characters are fine.
    let exact = "é".repeat(MAX_NOTES_CHARS);
    home.update(json!({"notes": exact})).expect("at the limit");
}

#[test]
fn secret_shaped_keys_are_refused_at_any_depth_naming_the_path() {
    let home = Home::new();
    let cases = [
        (
            json!({"training": {"notes_api_key": "x"}}),
            "training.notes_api_key",
        ),
        (
            json!({"devices": {"Withings_OAuth": {}}}),
            "devices.Withings_OAuth",
        ),
        (
            json!({"devices": {"apps": [{"name": "a"}, {"name": "b", "Refresh": "x"}]}}),
            "devices.apps[1].Refresh",
        ),
        (
            json!({"profile": {"login": {"PASSWD": "x"}}}),
            "profile.login.PASSWD",
        ),
        (
            json!({"preferences": {"session-id": "x"}}),
            "preferences.session-id",
        ),
        (
            json!({"safety": {"private_key": "x"}}),
            "safety.private_key",
        ),
        (json!({"goals": {"cookie_jar": 1}}), "goals.cookie_jar"),
        (
            json!({"goals": {"my_credentials": 1}}),
            "goals.my_credentials",
        ),
        (json!({"goals": {"bearer": 1}}), "goals.bearer"),
        (
            json!({"goals": {"client_secret": 1}}),
            "goals.client_secret",
        ),
        (json!({"goals": {"apikey": 1}}), "goals.apikey"),
        (json!({"goals": {"access_token": 1}}), "goals.access_token"),
    ];
    for (patch, path) in cases {
        assert_eq!(
            patch_error(home.update(patch)),
            PatchError::SecretKey { path: path.into() }
        );
    }
    assert!(!home.profile_file().exists());
}

/// One sample per credential family; none may be echoed in the error.
const CREDENTIALS: [(&str, &str); 10] = [
    (
        "JSON Web Token",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
    ),
    ("bearer token", "Bearer abcdefghijklmnopqrstuvwx12"),
    ("Stripe key", "sk_live_51Habcdefghijklmn"),
    ("Slack token", "xoxb-1234567890-abcdefghij"),
    ("GitHub token", "github_pat_11ABCDEFG0123456789_abcdefghij"),
    ("GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("API key", "sk-proj-abcdefghijklmnopqrstu"),
    ("Authorization header", "Authorization: Basic dXNlcjpwYXNz"),
    ("PEM block", "-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
    ("Stripe key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
];

#[test]
fn credential_shaped_values_are_refused_without_echoing_them() {
    let home = Home::new();
    for (family, secret) in CREDENTIALS {
        let embedded = format!("my note: {secret} (keep)");
        let error = patch_error(home.update(json!({"training": {"log": [1, {"text": embedded}]}})));
        assert_eq!(
            error,
            PatchError::CredentialValue {
                path: "training.log[1].text".into(),
                family
            },
            "{secret}"
        );
        let message = error.to_string();
        assert!(!message.contains(secret), "echoed: {message}");
        assert!(
            !message.contains(&secret[secret.len() - 8..]),
            "echoed a part: {message}"
        );
    }
    let error = patch_error(home.update(json!({"notes": CREDENTIALS[1].1})));
    assert!(matches!(error, PatchError::CredentialValue { ref path, .. } if path == "notes"));
    assert!(!home.profile_file().exists());
}

#[test]
fn a_credential_used_as_a_key_is_not_echoed() {
    let home = Home::new();
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    let error = patch_error(home.update(json!({"devices": {token: "watch"}})));
    assert!(matches!(error, PatchError::SecretKey { .. }));
    assert!(!error.to_string().contains(token), "{error}");
    let error = patch_error(home.update(json!({token: {}})));
    assert!(!error.to_string().contains(token), "{error}");
}

#[test]
fn ordinary_wellness_text_is_not_mistaken_for_a_credential() {
    let home = Home::new();
    home.update(json!({
        "training": {
            "notes": "Task-based sessions; ask-first policy; sk- prefixed gear names",
            "weekly_schedule": "Mon run, Wed tennis, Sat long ride",
            "equipment": ["kettlebell", "skipping rope"],
        },
        "preferences": {"reply_style": "concise", "ask_before_logging": true},
        "notes": "Bearer of good news. Authorization: pending from physio.",
    }))
    .expect("plain text is accepted");
}

#[test]
fn a_document_over_64_kib_is_refused_and_nothing_is_written() {
    let home = Home::new();
    let big: Vec<String> = (0..1500)
        .map(|i| format!("exercise number {i:04} with a longer label"))
        .collect();
    let error = home
        .update(json!({"training": {"exercises_to_avoid": big}}))
        .expect_err("too large");
    assert!(
        matches!(error, ProfileError::TooLarge { bytes } if bytes > MAX_DOCUMENT_BYTES),
        "{error:?}"
    );
    assert!(!home.profile_file().exists());

    // Growth past the limit is refused too, keeping what was there.
    home.update(json!({"goals": {"primary": "sleep"}}))
        .expect("small");
    let before = fs::read(home.profile_file()).expect("read");
    let half: Vec<String> = (0..700)
        .map(|i| format!("exercise number {i:04} with a longer label"))
        .collect();
    home.update(json!({"training": {"a": half.clone()}}))
        .expect("half fits");
    let after_half = fs::read(home.profile_file()).expect("read");
    assert_ne!(before, after_half);
    assert!(matches!(
        home.update(json!({"nutrition": {"b": half}})),
        Err(ProfileError::TooLarge { .. })
    ));
    assert_eq!(fs::read(home.profile_file()).expect("read"), after_half);
}
