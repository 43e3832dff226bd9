//! What the cache buys: tool-call latency served from the cache against the same
//! call going to a Withings that answers in 50 ms (the fake, with injected latency),
//! and how fast `withings_sync` fills the local history from it.
//! A benchmark, not a test: it prints figures and asserts nothing.
//!
//! `cargo bench -p delx-withings --bench cache`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use delx_framework::auth::{TokenStore, Tokens};
use delx_framework::{BuildContext, NullContext, ProviderRegistration, Registry};
use delx_withings::fake::{FakeConfig, FakeServer};
use serde_json::{Value, json};

const SCOPES: &str = "user.info,user.metrics,user.activity";

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() - 1) as f64 * p).round() as usize;
    samples[index]
}

async fn time_calls(registry: &Registry, name: &str, args: &Value, calls: usize) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let result = registry
            .call_tool(name, Some(args.clone()), &NullContext::default())
            .await;
        samples.push(started.elapsed());
        if let Err(error) = result {
            eprintln!("{name} failed: {error:?}");
        }
    }
    samples
}

fn report(label: &str, mut samples: Vec<Duration>) {
    let median = percentile(&mut samples, 0.5);
    let p95 = percentile(&mut samples, 0.95);
    println!(
        "{label:<44} median {:>9.3} ms   p95 {:>9.3} ms   ({} calls)",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        samples.len()
    );
}

#[tokio::main]
async fn main() {
    let end: jiff::civil::Date = "2026-06-30".parse().expect("a date");
    let config = FakeConfig {
        latency: Duration::from_millis(50),
        ..FakeConfig::default().with_end_date(end)
    };
    let fake = FakeServer::start(config).await.expect("fake Withings API");
    let home = tempfile::tempdir().expect("temp home");
    let issued = fake.issue_tokens(SCOPES);
    let mut tokens = Tokens::new(issued.access_token);
    tokens.refresh_token = Some(issued.refresh_token);
    tokens.expires_at = Some(4_000_000_000);
    tokens.scope = Some(SCOPES.into());
    tokens.userid = Some(issued.userid);
    let dir = home.path().join(".withings-mcp");
    std::fs::create_dir_all(&dir).expect("home dir");
    TokenStore::new(dir.join("tokens.json"))
        .save(&tokens)
        .expect("tokens");
    let env = BTreeMap::from([
        ("WITHINGS_CLIENT_ID".to_owned(), fake.client_id().to_owned()),
        (
            "WITHINGS_CLIENT_SECRET".to_owned(),
            fake.client_secret().to_owned(),
        ),
        ("WITHINGS_API_BASE_URL".to_owned(), fake.api_base_url()),
        ("WITHINGS_AUTH_BASE_URL".to_owned(), fake.auth_base_url()),
    ]);
    let ctx = BuildContext::new(env, Some(home.path().to_owned()));
    let withings = ProviderRegistration::all()
        .into_iter()
        .filter(|registration| registration.descriptor.id == "withings");
    let registry = Registry::from_registrations(withings, &ctx).expect("registry");

    println!("Withings answering in 50 ms (fake API, injected latency); times per tool call.");
    for (name, args) in [
        (
            "withings_list_activity",
            json!({"after": "2026-06-01", "before": "2026-06-14", "response_format": "json"}),
        ),
        (
            "withings_weekly_summary",
            json!({"end_date": "2026-06-28", "response_format": "json"}),
        ),
    ] {
        let mut fresh = args.clone();
        fresh["refresh"] = json!(true);
        let before = fake.stats().total;
        let misses = time_calls(&registry, name, &fresh, 20).await;
        let upstream = (fake.stats().total - before) as f64 / 20.0;
        report(
            &format!("{name}: cache miss ({upstream:.1} requests)"),
            misses,
        );
        time_calls(&registry, name, &args, 1).await;
        let before = fake.stats().total;
        let hits = time_calls(&registry, name, &args, 200).await;
        let upstream = fake.stats().total - before;
        report(&format!("{name}: cache hit ({upstream} requests)"), hits);
    }

    let before = fake.stats().total;
    let started = Instant::now();
    let synced = registry
        .call_tool(
            "withings_sync",
            Some(json!({"since": "2024-07-01", "full": true, "response_format": "json"})),
            &NullContext::default(),
        )
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    match synced {
        Ok(result) => {
            let records: u64 = result.structured["domains"]
                .as_array()
                .map(|domains| domains.iter().filter_map(|d| d["stored"].as_u64()).sum())
                .unwrap_or(0);
            println!(
                "withings_sync, two years, 5 domains: {records} records in {elapsed:.2} s \
                 ({:.0} records/s, {} requests)",
                records as f64 / elapsed,
                fake.stats().total - before
            );
        }
        Err(error) => eprintln!("withings_sync failed: {error:?}"),
    }
}
