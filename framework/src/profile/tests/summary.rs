//! The one-line summary and the missing critical fields.

use super::*;

fn document(value: Value) -> ProfileDocument {
    let mut map = object(value);
    map.insert("schema".into(), json!(SCHEMA));
    ProfileDocument::from_value(Value::Object(map)).expect("a v1 document")
}

#[test]
fn an_empty_profile_asks_for_onboarding_and_misses_everything() {
    let empty = ProfileDocument::default();
    assert_eq!(empty.summary(), EMPTY_SUMMARY);
    assert!(empty.summary().contains("onboarding"));
    assert_eq!(empty.missing_critical(), CRITICAL_FIELDS);
}

#[test]
fn the_summary_is_one_line_of_name_goal_devices_and_language() {
    let profile = document(json!({
        "profile": {"preferred_name": "Ana", "language": "en", "timezone": "Europe/Lisbon"},
        "goals": {"primary": "sleep repair"},
        "devices": {"connected": ["Body+", "ScanWatch", ""]},
    }));
    assert_eq!(
        profile.summary(),
        "Ana · goal: sleep repair · devices: Body+, ScanWatch · lang: en"
    );
    assert_eq!(profile.missing_critical(), ["training_weekly_schedule"]);
}

#[test]
fn blank_values_count_as_missing_and_lists_may_be_strings() {
    let profile = document(json!({
        "profile": {"preferred_name": "  ", "timezone": ""},
        "goals": {"primary": null},
        "devices": {"connected": "Body Scan"},
        "training": {"weekly_schedule": {"mon": "run"}},
    }));
    assert_eq!(
        profile.missing_critical(),
        ["preferred_name", "timezone", "primary_goal"]
    );
    assert_eq!(profile.summary(), "devices: Body Scan");

    let schedule_empty = document(json!({"training": {"weekly_schedule": []}}));
    assert!(
        schedule_empty
            .missing_critical()
            .contains(&"training_weekly_schedule")
    );
}

#[test]
fn a_profile_without_the_summary_fields_says_so() {
    let profile = document(json!({"nutrition": {"protein_target_g": 120}}));
    let summary = profile.summary();
    assert_ne!(summary, EMPTY_SUMMARY);
    assert!(summary.contains("onboarding"), "{summary}");
}

#[test]
fn long_or_multiline_values_stay_on_one_short_line() {
    let goal = format!("sleep\nbetter {}", "and longer ".repeat(20));
    let profile = document(json!({"goals": {"primary": goal}}));
    let summary = profile.summary();
    assert!(!summary.contains('\n'));
    assert!(summary.chars().count() < 80, "{summary}");
    assert!(summary.ends_with('…'));
}
