//! The interview: ids, what is required, where answers go, both languages.

use std::collections::BTreeSet;

use super::*;

#[test]
fn the_eleven_questions_keep_their_ids_order_and_requirements() {
    let ids: Vec<(&str, &str, bool)> = QUESTIONS
        .iter()
        .map(|question| (question.id, question.category.name(), question.required))
        .collect();
    assert_eq!(
        ids,
        [
            ("preferred_name", "profile", false),
            ("locale_timezone_units", "profile", true),
            ("body_basics", "profile", false),
            ("primary_goal", "goals", true),
            ("secondary_goals", "goals", false),
            ("devices", "devices", true),
            ("training_context", "training", true),
            ("nutrition_context", "nutrition", false),
            ("exercise_preferences", "training", false),
            ("agent_preferences", "preferences", false),
            ("safety_context", "safety", false),
        ]
    );
}

#[test]
fn every_question_fills_keys_of_its_own_section_and_keys_are_not_shared() {
    let mut seen = BTreeSet::new();
    for question in QUESTIONS {
        assert!(!question.fills.is_empty(), "{}", question.id);
        for path in question.fills {
            let (section, key) = path.split_once('.').expect("section.key");
            assert_eq!(section, question.category.name(), "{}: {path}", question.id);
            assert!(!key.is_empty());
            assert!(seen.insert(*path), "{path} filled twice");
        }
    }
}

#[test]
fn the_critical_fields_are_each_filled_by_a_required_question() {
    let required: Vec<&str> = QUESTIONS
        .iter()
        .filter(|question| question.required)
        .flat_map(|question| question.fills.iter().copied())
        .collect();
    for path in [
        "profile.timezone",
        "goals.primary",
        "devices.connected",
        "training.weekly_schedule",
    ] {
        assert!(required.contains(&path), "{path}");
    }
}

#[test]
fn both_locales_have_their_own_text_for_every_question() {
    for question in QUESTIONS {
        let en = question.prompt(Locale::En);
        let pt = question.prompt(Locale::PtBr);
        assert!(en.len() > 10 && pt.len() > 10, "{}", question.id);
        assert_ne!(en, pt, "{}", question.id);
        assert!(en.ends_with('?') || en.ends_with('.'), "{}", question.id);
        assert!(
            !en.contains("  ") && !pt.contains("  "),
            "{}: stray spacing",
            question.id
        );
    }
    assert_ne!(privacy_note(Locale::En), privacy_note(Locale::PtBr));
    assert!(privacy_note(Locale::PtBr).contains("senhas"));
}

#[test]
fn locales_use_their_bcp47_names_on_the_wire() {
    assert_eq!(
        serde_json::to_value(Locale::PtBr).expect("encodes"),
        json!("pt-BR")
    );
    assert_eq!(
        serde_json::from_value::<Locale>(json!("en")).expect("decodes"),
        Locale::En
    );
    assert!(serde_json::from_value::<Locale>(json!("pt")).is_err());
}
