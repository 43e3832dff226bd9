//! The local history through the real binary, counted with the fake API's request
//! counter: a synced range is answered without Withings and with the same numbers,
//! a second sync asks once per domain and changes nothing, a window past the
//! coverage asks for its tail only, a sync killed at any instant resumes to the
//! same history as a clean one, and revoke takes the history with the cache.

mod support;

use std::path::Path;
use std::time::Duration;

use delx_withings::fake::{FakeConfig, FakeServer};
use serde_json::{Value, json};
use support::withings::{ALL_SCOPES, Session, daily_weights, fake_env, store_tokens, text};

const END: &str = "2026-06-30";
/// The demo's first year stays out, so the sync's window decides what is kept.
const SINCE: &str = "2024-07-01"; // Two years before the demo account ends.
const DOMAINS: [&str; 5] = [
    "getmeas",
    "getactivity",
    "getworkouts",
    "sleep_summary",
    "heart_list",
];

async fn synced_session() -> (Session, Value) {
    let session = Session::authorized_until(END).await;
    let report = session
        .ok(
            "withings_sync",
            json!({"since": SINCE, "response_format": "json"}),
        )
        .await;
    assert_eq!(report["failures"], json!([]), "{report}");
    assert_eq!(report["storage"]["mode"], "disk", "{report}");
    (session, report)
}

#[tokio::test]
async fn a_synced_range_is_answered_locally_with_the_same_numbers() {
    let (session, report) = synced_session().await;
    let domains = report["domains"].as_array().unwrap();
    assert_eq!(domains.len(), DOMAINS.len(), "{report}");
    for (domain, name) in domains.iter().zip(DOMAINS) {
        assert_eq!(domain["domain"], name);
        assert_eq!(domain["mode"], "full");
        assert!(domain["stored"].as_u64().unwrap() > 0, "{domain}");
        assert_eq!(domain["added"], domain["stored"], "{domain}");
    }

    session.fake.reset_stats();
    let result = session
        .call(
            "withings_body_trends",
            json!({"after": SINCE, "before": END, "types": ["weight"], "response_format": "json"}),
        )
        .await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert_eq!(session.fake.stats().total, 0, "{:?}", session.fake.stats());
    let meta = result.meta.as_ref().and_then(|m| m.0.get("delx/cache"));
    assert!(meta.is_some(), "the answer says it came from local data");
    let data = result.structured_content.unwrap();
    let want = daily_weights(&session.fake.demo(), SINCE, END);
    let weight = &data["trends"][0];
    assert_eq!(weight["count"], want.len(), "{weight}");
    let (first_day, (_, first_kg)) = want.first_key_value().unwrap();
    let (last_day, (_, last_kg)) = want.last_key_value().unwrap();
    assert_eq!(&weight["first"]["date"], first_day.as_str());
    assert_eq!(&weight["last"]["date"], last_day.as_str());
    assert!((weight["first"]["value"].as_f64().unwrap() - first_kg).abs() < 1e-6);
    assert!((weight["last"]["value"].as_f64().unwrap() - last_kg).abs() < 1e-6);

    // `refresh: true` skips the history and gives the same answer from Withings.
    let fresh = session
        .ok(
            "withings_body_trends",
            json!({"after": SINCE, "before": END, "types": ["weight"],
                   "response_format": "json", "refresh": true}),
        )
        .await;
    assert!(session.fake.stats().count("measure/getmeas") >= 1);
    assert_eq!(fresh["trends"], data["trends"]);
}

#[tokio::test]
async fn a_second_sync_asks_once_per_domain_and_changes_nothing() {
    let (session, first) = synced_session().await;
    session.fake.reset_stats();
    let second = session
        .ok(
            "withings_sync",
            json!({"since": SINCE, "response_format": "json"}),
        )
        .await;
    let stats = session.fake.stats();
    assert_eq!(stats.total, DOMAINS.len() as u64, "{stats:?}");
    for (before, after) in first["domains"]
        .as_array()
        .unwrap()
        .iter()
        .zip(second["domains"].as_array().unwrap())
    {
        assert_eq!(after["mode"], "incremental", "{after}");
        assert_eq!(
            (after["added"].as_u64(), after["updated"].as_u64()),
            (Some(0), Some(0)),
            "{after}"
        );
        assert_eq!(after["stored"], before["stored"], "{after}");
        assert_eq!(after["coverage"]["start"], before["coverage"]["start"]);
    }

    // The cache status shows what each domain holds and covers.
    let status = session
        .ok("withings_cache_status", json!({"response_format": "json"}))
        .await;
    let history = status["history"].as_array().expect("history in the status");
    assert_eq!(history.len(), DOMAINS.len(), "{status}");
    for (domain, report) in history.iter().zip(second["domains"].as_array().unwrap()) {
        assert_eq!(domain["domain"], report["domain"]);
        assert_eq!(domain["records"], report["stored"]);
        assert!(
            domain["covered_from"]
                .as_str()
                .unwrap()
                .starts_with("2024-06-30"),
            "{domain}"
        );
    }
}

#[tokio::test]
async fn a_window_past_the_coverage_asks_withings_for_its_tail_only() {
    let (session, _) = synced_session().await;
    let inside =
        json!({"after": "2026-06-01", "before": END, "response_format": "json", "limit": 200});
    session.fake.reset_stats();
    let local = session.ok("withings_list_activity", inside.clone()).await;
    assert_eq!(session.fake.stats().total, 0, "{:?}", session.fake.stats());

    // A window reaching past today: the covered part is read locally, the rest in
    // one request.
    let later = jiff::Zoned::now()
        .date()
        .checked_add(jiff::ToSpan::days(3))
        .unwrap()
        .to_string();
    let past =
        json!({"after": "2026-06-01", "before": later, "response_format": "json", "limit": 200});
    session.fake.reset_stats();
    let mixed = session.ok("withings_list_activity", past.clone()).await;
    let stats = session.fake.stats();
    assert_eq!(stats.total, 1, "{stats:?}");
    assert_eq!(stats.count("v2/measure/getactivity"), 1, "{stats:?}");
    assert_eq!(mixed["records"], local["records"], "the demo ends in June");

    // The same window straight from Withings agrees.
    let mut refreshed = past;
    refreshed["refresh"] = json!(true);
    let upstream = session.ok("withings_list_activity", refreshed).await;
    assert_eq!(upstream["records"], mixed["records"]);
}

/// Runs `withings-mcp` with `args` over `fake` and `home`.
fn cli(fake: &FakeServer, home: &Path, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command
        .args(args)
        .env_clear()
        .env("HOME", home)
        .envs(fake_env(fake))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    command
}

fn dump(fake: &FakeServer, home: &Path) -> Value {
    let output = cli(fake, home, &["sync", "--dump-json"])
        .output()
        .expect("run sync --dump-json");
    assert!(output.status.success(), "{}", support::show(&output));
    serde_json::from_slice(&output.stdout).expect("JSON dump")
}

/// Multi-threaded: the fake answers on the runtime while the test waits on children.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_any_instant_resumes_to_the_same_history() {
    let end: jiff::civil::Date = END.parse().unwrap();
    let config = FakeConfig {
        latency: Duration::from_millis(20),
        ..FakeConfig::default().with_end_date(end).with_page_size(50)
    };
    let fake = FakeServer::start(config).await.expect("fake");
    let clean = tempfile::tempdir().unwrap();
    let killed = tempfile::tempdir().unwrap();
    store_tokens(&fake, clean.path(), ALL_SCOPES);
    store_tokens(&fake, killed.path(), ALL_SCOPES);

    let done = cli(&fake, clean.path(), &["sync", "--since", SINCE, "--json"])
        .output()
        .expect("clean sync");
    assert!(done.status.success(), "{}", support::show(&done));
    let want = dump(&fake, clean.path());
    for domain in DOMAINS {
        assert!(!want[domain].as_array().unwrap().is_empty(), "{domain}");
    }

    for after in [50, 150, 400, 900] {
        let mut child = cli(&fake, killed.path(), &["sync", "--since", SINCE])
            .spawn()
            .expect("spawn sync");
        tokio::time::sleep(Duration::from_millis(after)).await;
        // SIGKILL: no destructor, no flush, nothing but what is already on disk.
        child.kill().expect("kill -9");
        child.wait().expect("reap");
    }
    let resumed = cli(&fake, killed.path(), &["sync", "--since", SINCE, "--json"])
        .output()
        .expect("final sync");
    assert!(resumed.status.success(), "{}", support::show(&resumed));
    let report: Value = serde_json::from_slice(&resumed.stdout).expect("JSON report");
    eprintln!("{report}");
    let modes: Vec<&str> = report["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|domain| domain["mode"].as_str().unwrap())
        .collect();
    assert!(
        modes.iter().any(|mode| *mode != "full"),
        "the killed runs kept nothing: {report}"
    );
    let got = dump(&fake, killed.path());
    for domain in DOMAINS {
        assert_eq!(got[domain], want[domain], "{domain}");
    }

    // `cache clear` takes the history with the answers.
    let cleared = cli(&fake, killed.path(), &["cache", "clear"])
        .output()
        .expect("cache clear");
    assert!(cleared.status.success(), "{}", support::show(&cleared));
    let empty = dump(&fake, killed.path());
    for domain in DOMAINS {
        assert_eq!(empty[domain], json!([]), "{domain}");
    }
}

#[tokio::test]
async fn revoke_removes_the_history() {
    let (session, _) = synced_session().await;
    session
        .ok(
            "withings_revoke_access",
            json!({"explicit_user_intent": true, "response_format": "json"}),
        )
        .await;
    // Connected again: nothing is left to answer from.
    store_tokens(&session.fake, session.home.path(), ALL_SCOPES);
    session.fake.reset_stats();
    session
        .ok(
            "withings_list_activity",
            json!({"after": "2026-06-01", "before": END}),
        )
        .await;
    assert_eq!(session.fake.stats().count("v2/measure/getactivity"), 1);
}
