//! The static checks over the real Withings connector, and each check failing on
//! its own when the connector is broken in exactly the way it guards against.

use std::collections::BTreeMap;

use delx_conformance::{Surface, Tier, check, check_registry};
use delx_framework::{BuildContext, ProviderRegistration, Registry};
use serde_json::{Value, json};

use delx_withings as _;

fn withings() -> (Registry, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let env = BTreeMap::from([("WITHINGS_CACHE".to_owned(), "off".to_owned())]);
    let ctx = BuildContext::new(env, Some(home.path().to_owned()));
    let registrations = ProviderRegistration::all()
        .into_iter()
        .filter(|registration| registration.descriptor.id == "withings");
    let registry = Registry::from_registrations(registrations, &ctx).expect("registry");
    (registry, home)
}

fn surface() -> Surface {
    let (registry, _home) = withings();
    Surface::from_registry(&registry)
}

#[test]
fn withings_reaches_context_ready_on_the_static_checks() {
    let (registry, _home) = withings();
    let report = check_registry(&registry);
    assert_eq!(report.tier, Some(Tier::ContextReady), "{}", report.text());
    assert!(report.failed().is_empty(), "{}", report.text());
    let text = report.text();
    assert!(text.starts_with("Tier reached: context_ready"), "{text}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["tier"], "context_ready");
    assert!(json["checks"].as_array().unwrap().len() >= 12);
}

/// `break_it` applied to a passing surface makes exactly `id` fail, and the tier
/// drops below the check's.
fn fails_alone(id: &str, break_it: impl FnOnce(&mut Surface)) {
    let mut surface = surface();
    break_it(&mut surface);
    let report = check(&surface);
    assert_eq!(report.failed(), [id], "{}", report.text());
    let tier = report.result(id).unwrap().tier;
    assert!(report.tier < Some(tier), "{}", report.text());
}

fn tool<'a>(surface: &'a mut Surface, name: &str) -> &'a mut delx_conformance::SurfaceTool {
    surface
        .tools
        .iter_mut()
        .find(|tool| tool.name == name)
        .unwrap_or_else(|| panic!("{name}"))
}

#[test]
fn each_check_fails_alone_on_its_own_defect() {
    fails_alone("naming.charset", |s| {
        let mut copy = s.tools[0].clone();
        copy.name = "withings_Bad-Name".into();
        s.tools.push(copy);
    });
    fails_alone("naming.unique", |s| {
        let copy = s.tools[0].clone();
        s.tools.push(copy);
    });
    fails_alone("naming.prefix", |s| {
        tool(s, "withings_daily_summary").name = "daily_summary".into();
    });
    fails_alone("docs.titles_and_descriptions", |s| {
        tool(s, "withings_list_activity").description = Some("withings list activity".into());
    });
    fails_alone("schemas.valid", |s| {
        tool(s, "withings_list_activity")
            .input_schema
            .insert("type".into(), json!(42));
    });
    fails_alone("schemas.output_declared", |s| {
        tool(s, "withings_list_heart").output_schema = None;
    });
    fails_alone("schemas.closed_inputs", |s| {
        tool(s, "withings_list_heart")
            .input_schema
            .insert("additionalProperties".into(), Value::Bool(true));
    });
    fails_alone("schemas.documented_arguments", |s| {
        let properties = tool(s, "withings_list_heart")
            .input_schema
            .get_mut("properties")
            .and_then(Value::as_object_mut)
            .unwrap();
        properties.insert("limit".into(), json!({"type": "integer"}));
    });
    fails_alone("annotations.complete", |s| {
        tool(s, "withings_list_heart").idempotent = None;
    });
    fails_alone("annotations.consistent", |s| {
        tool(s, "withings_list_heart").read_only = Some(false);
    });
    fails_alone("annotations.mutations_gated", |s| {
        let revoke = tool(s, "withings_revoke_access");
        revoke.input_schema.insert("required".into(), json!([]));
    });
    fails_alone("diagnostics.present", |s| {
        s.tools.retain(|tool| tool.name != "withings_privacy_audit");
    });
    fails_alone("privacy.mode_argument", |s| {
        let properties = tool(s, "withings_list_workouts")
            .input_schema
            .get_mut("properties")
            .and_then(Value::as_object_mut)
            .unwrap();
        properties.remove("privacy_mode");
    });
    fails_alone("context.wellness_contract", |s| {
        let properties = tool(s, "withings_wellness_context")
            .output_schema
            .as_mut()
            .unwrap()
            .get_mut("properties")
            .and_then(Value::as_object_mut)
            .unwrap();
        properties.insert("sleep_score".into(), json!({"type": "number"}));
    });
}
