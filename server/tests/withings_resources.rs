//! The Withings data resources through the real binary, over a demo account whose
//! data ends now: the latest really is the latest, and the templates read the day
//! they name.

mod support;

use delx_withings::fake::FakeConfig;
use delx_withings::model::local_day;
use jiff::ToSpan;
use rmcp::model::{
    ArgumentInfo, CompleteRequestParams, ReadResourceRequestParams, Reference, ResourceContents,
    ResourceTemplateReference,
};
use serde_json::Value;
use support::withings::{ALL_SCOPES, Session};

async fn read(session: &Session, uri: &str) -> Result<(String, String), String> {
    let result = session
        .client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .map_err(|error| error.to_string())?;
    match result.contents.into_iter().next() {
        Some(ResourceContents::TextResourceContents {
            text, mime_type, ..
        }) => Ok((mime_type.unwrap_or_default(), text)),
        other => panic!("{uri}: not text: {other:?}"),
    }
}

async fn read_json(session: &Session, uri: &str) -> Value {
    let (mime, text) = read(session, uri).await.expect(uri);
    assert_eq!(mime, "application/json", "{uri}");
    serde_json::from_str(&text).expect("JSON")
}

#[tokio::test]
async fn data_resources_read_the_latest_and_the_named_day() {
    let session = Session::start(FakeConfig::default(), Some(ALL_SCOPES), Default::default()).await;
    let demo = session.fake.demo().clone();

    let resources = session.client.list_all_resources().await.expect("list");
    let uris: Vec<String> = resources.iter().map(|r| r.uri.clone()).collect();
    for uri in [
        "withings://latest/activity",
        "withings://latest/sleep",
        "withings://summary/daily",
        "withings://summary/weekly",
    ] {
        assert!(uris.iter().any(|u| u == uri), "{uri} not listed: {uris:?}");
    }
    let templates = session
        .client
        .list_all_resource_templates()
        .await
        .expect("templates");
    let templates: Vec<String> = templates.iter().map(|t| t.uri_template.clone()).collect();
    for template in [
        "withings://summary/daily/{date}",
        "withings://measures/{date}",
        "withings://sleep/{date}",
    ] {
        assert!(
            templates.iter().any(|t| t == template),
            "{template}: {templates:?}"
        );
    }

    // The latest activity day and night are the newest the account has.
    let activity = read_json(&session, "withings://latest/activity").await;
    let newest_day = demo.activities.iter().map(|a| a.date).max().unwrap();
    assert_eq!(activity["count"], 1);
    assert_eq!(activity["records"][0]["date"], newest_day.to_string());
    let sleep = read_json(&session, "withings://latest/sleep").await;
    let newest_night = demo.nights.iter().map(|n| n.date).max().unwrap();
    assert_eq!(sleep["records"][0]["date"], newest_night.to_string());

    let (mime, daily) = read(&session, "withings://summary/daily").await.unwrap();
    assert_eq!(mime, "text/markdown");
    assert!(
        daily.contains(&format!("Withings day: {}", demo.last_day)),
        "{daily}"
    );
    let (_, weekly) = read(&session, "withings://summary/weekly").await.unwrap();
    assert!(weekly.contains("Withings week: "), "{weekly}");
    let yesterday = demo.last_day - 1.day();
    let (_, that_day) = read(&session, &format!("withings://summary/daily/{yesterday}"))
        .await
        .unwrap();
    assert!(
        that_day.contains(&format!("Withings day: {yesterday}")),
        "{that_day}"
    );

    // A day with weigh-ins: as many groups as the account has of the user's own.
    let weighed = demo
        .measure_groups
        .iter()
        .rev()
        .find(|g| g.category == 1 && !matches!(g.attrib, 1 | 4))
        .unwrap();
    let day = local_day(weighed.date, demo.timezone).unwrap();
    let own_that_day = demo
        .measure_groups
        .iter()
        .filter(|g| g.category == 1 && !matches!(g.attrib, 1 | 4))
        .filter(|g| local_day(g.date, demo.timezone).as_deref() == Some(day.as_str()))
        .count();
    let measures = read_json(&session, &format!("withings://measures/{day}")).await;
    assert_eq!(measures["count"].as_u64().unwrap() as usize, own_that_day);

    // The night ending on a recorded day: its summary and its stages.
    let night = read_json(&session, &format!("withings://sleep/{newest_night}")).await;
    assert_eq!(night["summary"]["count"], 1);
    assert!(night["stages"]["count"].as_u64().unwrap() > 0, "{night}");

    let bad = read(&session, "withings://measures/2026-13-01")
        .await
        .expect_err("not a day");
    assert!(bad.contains("2026-13-01"), "{bad}");

    let completion = session
        .client
        .complete(CompleteRequestParams::new(
            Reference::Resource(ResourceTemplateReference::new("withings://sleep/{date}")),
            ArgumentInfo::new("date", ""),
        ))
        .await
        .expect("complete")
        .completion
        .values;
    assert_eq!(completion.len(), 14, "{completion:?}");
    assert!(
        completion
            .iter()
            .all(|d| d.parse::<jiff::civil::Date>().is_ok())
    );
}
