//! The dynamic checks against Withings' own demo backend (the fake API): the tools
//! answer, no secret shows, raw only on request, chat-safe markdown.

use delx_conformance::{Tier, Verdict, check_provider};
use delx_framework::ProviderRegistration;

use delx_withings as _;

#[tokio::test(flavor = "multi_thread")]
async fn withings_passes_the_dynamic_checks_against_its_demo() {
    let registration = ProviderRegistration::all()
        .into_iter()
        .find(|registration| registration.descriptor.id == "withings")
        .expect("withings is linked");
    let report = check_provider(registration).await.expect("report");
    assert_eq!(report.tier, Some(Tier::ContextReady), "{}", report.text());
    for id in [
        "dynamic.tools_succeed",
        "dynamic.argument_errors_are_tool_errors",
        "dynamic.no_secret_in_output",
        "dynamic.raw_only_on_request",
        "dynamic.markdown_is_chat_safe",
        "dynamic.upstream_wins",
        "dynamic.agent_manifest",
    ] {
        let result = report.result(id).unwrap_or_else(|| panic!("{id} ran"));
        assert_eq!(result.verdict, Verdict::Pass, "{id}: {}", report.text());
    }
}
