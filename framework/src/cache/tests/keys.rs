use super::*;

#[test]
fn parameter_order_does_not_change_the_key() {
    let a = key(
        "42",
        "measure",
        &[("startdate", "1"), ("enddate", "2"), ("meastype", "1")],
    );
    let b = key(
        "42",
        "measure",
        &[("meastype", "1"), ("enddate", "2"), ("startdate", "1")],
    );
    assert_eq!(a, b);
    assert_eq!(a.to_bytes(), b.to_bytes());
    let names: Vec<_> = a.params().iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["enddate", "meastype", "startdate"]);
}

#[test]
fn repeated_parameters_are_ordered_by_value() {
    let a = key("42", "measure", &[("type", "9"), ("type", "1")]);
    let b = key("42", "measure", &[("type", "1"), ("type", "9")]);
    assert_eq!(a, b);
}

#[test]
fn scope_namespace_and_values_all_separate_keys() {
    let base = key("42", "measure", &[("startdate", "1")]);
    for other in [
        key("43", "measure", &[("startdate", "1")]),
        key("42", "sleep", &[("startdate", "1")]),
        key("42", "measure", &[("startdate", "2")]),
        key("42", "measure", &[]),
    ] {
        assert_ne!(base, other);
        assert_ne!(base.to_bytes(), other.to_bytes());
    }
}

#[test]
fn field_boundaries_cannot_be_forged() {
    // Without separators and escaping these would encode alike.
    let pairs = [
        (key("4", "2measure", &[]), key("42", "measure", &[])),
        (
            key("42", "m", &[("a", "bc")]),
            key("42", "m", &[("ab", "c")]),
        ),
        (key("a\0b", "m", &[]), key("a", "b\0m", &[])),
        (key("a\u{1}", "m", &[]), key("a", "\u{1}m", &[])),
    ];
    for (one, other) in pairs {
        assert_ne!(one.to_bytes(), other.to_bytes(), "{one:?} vs {other:?}");
    }
}

#[test]
fn credential_parameters_are_dropped_whatever_their_case() {
    let plain = key("42", "measure", &[("startdate", "1")]);
    for name in CREDENTIAL_PARAMS {
        let upper = name.to_uppercase();
        assert_eq!(
            key("42", "measure", &[("startdate", "1"), (name, "s3cret")]),
            plain,
            "{name}"
        );
        assert_eq!(
            key("42", "measure", &[(&upper, "s3cret"), ("startdate", "1")]),
            plain,
            "{upper}"
        );
    }
    assert_eq!(
        key(
            "42",
            "measure",
            &[("Access_Token", "x"), ("startdate", "1")]
        ),
        plain
    );
}

#[test]
fn names_that_merely_contain_a_credential_word_stay() {
    let with = key("42", "measure", &[("postcode", "75001"), ("zipcode", "1")]);
    assert_eq!(with.params().len(), 2);
    assert_ne!(with, key("42", "measure", &[]));
}

#[test]
fn no_credential_reaches_the_disk() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache");
    let cache = open(&dir);
    let secret = "tok-9f3a7c1e5b2d4f6a8c0e";
    cache.store(
        &key(
            "42",
            "measure",
            &[
                ("access_token", secret),
                ("signature", secret),
                ("startdate", "1"),
            ],
        ),
        &json!({"ok": true}),
        NOW,
    );
    cache.flush().unwrap();
    assert!(is_fresh(&cache.lookup(
        &key("42", "measure", &[("startdate", "1")]),
        60,
        NOW
    )));
    drop(cache);
    for file in walk(&dir) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes()),
            "{} holds the secret",
            file.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for child in std::fs::read_dir(dir).unwrap() {
        let path = child.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
