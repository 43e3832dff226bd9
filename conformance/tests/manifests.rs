//! The manifests kept in `manifests/` are what the code generates now, and the
//! registry entry fits the registry's format.

use std::collections::BTreeMap;
use std::path::PathBuf;

use delx_conformance::{check_registry, manifest};
use delx_framework::{BuildContext, ProviderRegistration, Registry};
use serde_json::Value;

use delx_withings as _;

fn withings() -> (Registry, &'static ProviderRegistration, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let env = BTreeMap::from([("WITHINGS_CACHE".to_owned(), "off".to_owned())]);
    let ctx = BuildContext::new(env, Some(home.path().to_owned()));
    let registration = ProviderRegistration::all()
        .into_iter()
        .find(|registration| registration.descriptor.id == "withings")
        .expect("withings is linked");
    let registry = Registry::from_registrations([registration], &ctx).expect("registry");
    (registry, registration, home)
}

fn kept(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../manifests/withings")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn kept_manifests_are_not_stale() {
    let (registry, registration, _home) = withings();
    let descriptor = registration.descriptor;
    let report = check_registry(&registry);
    let pretty = |value: &Value| format!("{}\n", serde_json::to_string_pretty(value).unwrap());
    let generated = [
        (
            "registry.json",
            pretty(&manifest::registry_entry(descriptor, &registry, &report).unwrap()),
        ),
        (
            "server.json",
            pretty(&manifest::server_json(descriptor).unwrap()),
        ),
        (
            "llms.txt",
            manifest::llms_txt(descriptor, &registry).unwrap(),
        ),
    ];
    for (file, text) in generated {
        assert!(
            kept(file) == text,
            "manifests/withings/{file} is stale: run `cargo run --bin withings-mcp -- manifest all --write manifests/withings`"
        );
    }
}

#[test]
fn the_registry_entry_fits_the_registry_format() {
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/registry-connector.schema.json"))
            .expect("schema JSON");
    jsonschema::draft202012::meta::validate(&schema).expect("a valid schema");
    let validator = jsonschema::draft202012::new(&schema).expect("compiles");
    let entry: Value = serde_json::from_str(&kept("registry.json")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&entry)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(entry["quality"]["tier"], "context_ready");
    assert!(
        entry["signals"]
            .as_array()
            .unwrap()
            .contains(&Value::from("wellness_context"))
    );

    // A hand edit that breaks the format is caught.
    let mut broken = entry.clone();
    broken["quality"]["tier"] = Value::from("gold");
    assert!(!validator.is_valid(&broken));

    // server.json: the crate's version, and the secret marked as one.
    let server: Value = serde_json::from_str(&kept("server.json")).unwrap();
    assert_eq!(server["version"], env!("CARGO_PKG_VERSION"));
    let variables = server["packages"][0]["environmentVariables"]
        .as_array()
        .unwrap();
    let secret = variables
        .iter()
        .find(|v| v["name"] == "WITHINGS_CLIENT_SECRET")
        .unwrap();
    assert_eq!(secret["isSecret"], true);
    assert!(
        variables
            .iter()
            .all(|v| !v["description"].as_str().unwrap().is_empty())
    );
}
