//! The Withings self-description and diagnostics through the real `withings-mcp`
//! binary: capabilities, inventory and manifest checked against the live tool list,
//! the privacy audit against real file modes and transports, the cache status, and
//! the three static resources. None of them may leak a secret or the home path.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use delx_withings::fake::{FakeConfig, FakeServer};
use rmcp::model::{ReadResourceRequestParams, ResourceContents};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

mod support;

use support::withings::{ALL_SCOPES, Session, fake_env, store_tokens, text};

/// Stands in for the user's client secret; it must never come back.
const CANARY: &str = "canary-withings-secret-5e81d0";
const HTTP_TOKEN: &str = "a-long-enough-http-token-for-tests";

const METADATA_TOOLS: &[&str] = &[
    "withings_capabilities",
    "withings_data_inventory",
    "withings_agent_manifest",
    "withings_privacy_audit",
    "withings_cache_status",
];
const RESOURCES: &[(&str, &str)] = &[
    ("withings://agent-manifest", "text/markdown"),
    ("withings://capabilities", "application/json"),
    ("withings://inventory", "application/json"),
];
const CLIENTS: &[&str] = &[
    "generic", "claude", "cursor", "windsurf", "hermes", "openclaw",
];

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// An authorized session whose configured client secret is the canary.
async fn with_canary() -> Session {
    Session::start(
        FakeConfig::default(),
        Some(ALL_SCOPES),
        env(&[("WITHINGS_CLIENT_SECRET", CANARY)]),
    )
    .await
}

/// An authorized session over `home` prepared beforehand (a config file, say).
async fn in_home(home: tempfile::TempDir, extra: &[(&str, &str)]) -> Session {
    let fake = FakeServer::start(FakeConfig::default())
        .await
        .expect("fake");
    store_tokens(&fake, home.path(), ALL_SCOPES);
    let mut vars = fake_env(&fake);
    vars.extend(env(extra));
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command.env_clear().env("HOME", home.path()).envs(&vars);
    let client = support::serve_stdio((), command).await;
    Session { client, fake, home }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("an array: {value}"))
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

/// Everything `name` returns with these arguments, markdown and structured, as text.
async fn everything(session: &Session, name: &str, mut arguments: Value) -> String {
    let markdown = session.call(name, arguments.clone()).await;
    assert_eq!(
        markdown.is_error,
        Some(false),
        "{name}: {}",
        text(&markdown)
    );
    arguments["response_format"] = json!("json");
    let json = session.call(name, arguments).await;
    assert_eq!(json.is_error, Some(false), "{name}: {}", text(&json));
    format!(
        "{}\n{}\n{}\n{}",
        text(&markdown),
        markdown.structured_content.unwrap_or_default(),
        text(&json),
        json.structured_content.unwrap_or_default()
    )
}

async fn read_text(client: &RunningService<RoleClient, ()>, uri: &str) -> (String, String) {
    let read = client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .unwrap_or_else(|error| panic!("read {uri}: {error}"));
    let ResourceContents::TextResourceContents {
        text, mime_type, ..
    } = &read.contents[0]
    else {
        panic!("{uri}: text expected");
    };
    (text.clone(), mime_type.clone().unwrap_or_default())
}

#[tokio::test]
async fn descriptions_name_only_live_tools_and_cover_every_data_tool() {
    let session = Session::authorized_until("2026-06-30").await;
    let tools = session.client.list_all_tools().await.expect("tools/list");
    let live: BTreeSet<String> = tools.iter().map(|tool| tool.name.to_string()).collect();
    let data_tools: BTreeSet<String> = tools
        .iter()
        .filter(|tool| {
            let hints = tool.annotations.as_ref().expect("annotations");
            hints.read_only_hint == Some(true) && hints.open_world_hint == Some(true)
        })
        .map(|tool| tool.name.to_string())
        .collect();
    assert!(data_tools.contains("withings_list_body_measures"));
    for name in METADATA_TOOLS {
        assert!(live.contains(*name), "{name} is not served");
        let tool = tools.iter().find(|tool| tool.name == *name).unwrap();
        let hints = tool.annotations.as_ref().unwrap();
        assert_eq!(
            (hints.read_only_hint, hints.open_world_hint),
            (Some(true), Some(false)),
            "{name} reads local facts only"
        );
    }

    let capabilities = session
        .ok("withings_capabilities", json!({"response_format": "json"}))
        .await;
    let mut in_categories = BTreeSet::new();
    for category in capabilities["supported_data"].as_array().unwrap() {
        in_categories.extend(strings(&category["tools"]));
    }
    let other = strings(&capabilities["other_tools"]);
    for name in in_categories.iter().chain(&other) {
        assert!(live.contains(name), "capabilities name {name}, not served");
    }
    for name in &data_tools {
        assert!(
            in_categories.contains(name),
            "{name} reads Withings data but capabilities list it in no category"
        );
    }
    let described: BTreeSet<String> = in_categories.iter().chain(&other).cloned().collect();
    assert_eq!(described, live, "every tool is described exactly somewhere");
    for name in strings(&capabilities["recommended_first_tools"]) {
        assert!(live.contains(&name), "first tool {name} is not served");
    }

    let inventory = session
        .ok(
            "withings_data_inventory",
            json!({"response_format": "json"}),
        )
        .await;
    assert_eq!(inventory["kind"], "data_inventory");
    assert_eq!(inventory["totals"]["tools"], live.len());
    assert_eq!(inventory["totals"]["data_tools"], data_tools.len());
    for category in inventory["categories"].as_array().unwrap() {
        for name in strings(&category["tools"]) {
            assert!(live.contains(&name), "inventory names {name}, not served");
        }
    }
    for name in strings(&inventory["first_tools"]) {
        assert!(live.contains(&name), "inventory first tool {name}");
    }

    for client in CLIENTS {
        let manifest = session
            .ok(
                "withings_agent_manifest",
                json!({"client": client, "response_format": "json"}),
            )
            .await;
        let listed = strings(&manifest["standard_tools"]);
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "{client}: the tool list is sorted");
        let withings: Vec<&String> = live
            .iter()
            .filter(|name| name.starts_with("withings_"))
            .collect();
        assert_eq!(
            listed.iter().collect::<Vec<_>>(),
            withings,
            "{client}: the manifest lists every withings_* tool and nothing else"
        );
        for name in strings(&manifest["recommended_first_calls"]) {
            assert!(live.contains(&name), "{client}: first call {name}");
        }
        let resources = strings(&manifest["resources"]);
        for (uri, _) in RESOURCES {
            assert!(resources.iter().any(|listed| listed == uri), "{uri}");
        }
    }
}

#[tokio::test]
async fn the_manifest_differs_per_client_and_only_hermes_gets_the_prefix() {
    let session = Session::authorized_until("2026-06-30").await;
    let manifest = |client: &'static str| {
        let session = &session;
        async move {
            session
                .ok(
                    "withings_agent_manifest",
                    json!({"client": client, "response_format": "json"}),
                )
                .await
        }
    };
    let hermes = manifest("hermes").await;
    assert_eq!(hermes["client"], "hermes");
    assert_eq!(hermes["tool_name_prefix"], "mcp_withings_");
    assert_eq!(hermes["setup"]["snippet_format"], "yaml");
    assert_eq!(hermes["setup"]["config_path"], "~/.hermes/config.yaml");
    assert_eq!(
        hermes["setup"]["skill_path"],
        "~/.hermes/skills/withings-mcp/SKILL.md"
    );
    assert_eq!(
        hermes["setup"]["install_command"],
        "withings-mcp setup --client hermes"
    );
    let snippet = hermes["setup"]["snippet"].as_str().expect("a snippet");
    assert!(snippet.starts_with("mcp_servers:"), "{snippet}");
    assert!(snippet.contains("withings:"), "{snippet}");

    let claude = manifest("claude").await;
    assert!(claude["tool_name_prefix"].is_null(), "{claude}");
    assert!(claude["setup"]["skill_path"].is_null());
    assert_eq!(claude["setup"]["snippet_format"], "json");
    let config_path = claude["setup"]["config_path"].as_str().unwrap();
    assert!(
        config_path.starts_with("~/") && config_path.ends_with("claude_desktop_config.json"),
        "{config_path}"
    );
    let snippet: Value =
        serde_json::from_str(claude["setup"]["snippet"].as_str().unwrap()).expect("JSON snippet");
    assert!(
        snippet["mcpServers"]["withings"]["command"]
            .as_str()
            .unwrap()
            .ends_with("withings-mcp"),
        "{snippet}"
    );
    assert_ne!(claude["setup"]["reload"], hermes["setup"]["reload"]);
    let rules = |manifest: &Value| strings(&manifest["agent_rules"]).join("\n");
    assert!(rules(&hermes).contains("/reload-mcp"));
    assert!(!rules(&claude).contains("/reload-mcp"));
    assert!(rules(&claude).contains("withings_connection_status"));

    let cursor = manifest("cursor").await;
    assert_eq!(cursor["setup"]["config_path"], "~/.cursor/mcp.json");
    let generic = session.ok("withings_agent_manifest", json!({})).await;
    assert_eq!(generic["client"], "generic", "generic is the default");

    let hermes_text = text(
        &session
            .call("withings_agent_manifest", json!({"client": "hermes"}))
            .await,
    );
    assert!(hermes_text.contains("mcp_withings_"), "{hermes_text}");
    let claude_text = text(
        &session
            .call("withings_agent_manifest", json!({"client": "claude"}))
            .await,
    );
    assert!(!claude_text.contains("mcp_withings_"), "{claude_text}");
    assert!(!claude_text.contains('|'), "no tables: {claude_text}");

    for bad in [json!({"client": "emacs"}), json!({"clients": "claude"})] {
        let refused = session.call("withings_agent_manifest", bad.clone()).await;
        assert_eq!(refused.is_error, Some(true), "{bad} must be refused");
    }
}

#[tokio::test]
async fn the_privacy_audit_measures_the_config_file_as_it_is_now() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".withings-mcp");
    std::fs::create_dir_all(&dir).unwrap();
    chmod(&dir, 0o700);
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        json!({"WITHINGS_CLIENT_SECRET": CANARY}).to_string(),
    )
    .unwrap();
    chmod(&config, 0o644);
    // Empty in the environment means unset: the secret comes from the file.
    let session = in_home(home, &[("WITHINGS_CLIENT_SECRET", "")]).await;
    let token_file = session.home.path().join(".withings-mcp/tokens.json");
    chmod(&token_file, 0o600);

    let audit = session
        .ok("withings_privacy_audit", json!({"response_format": "json"}))
        .await;
    let finding = audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["subject"] == "config_file")
        .unwrap_or_else(|| panic!("a 0644 config.json is a finding: {audit}"));
    assert_eq!(finding["severity"], "high", "it holds the client secret");
    assert_eq!(finding["fix"], "chmod 600 ~/.withings-mcp/config.json");
    assert_eq!(audit["ok"], false);
    assert_eq!(
        audit["secret_settings"],
        json!([{"setting": "WITHINGS_CLIENT_SECRET", "stored_in": "config_file"}])
    );
    let files = audit["files"].as_array().unwrap();
    let file = |label: &str| {
        files
            .iter()
            .find(|file| file["label"] == label)
            .unwrap_or_else(|| panic!("{label} in {audit}"))
            .clone()
    };
    assert_eq!(file("config_file")["mode"], "0644");
    assert_eq!(file("config_file")["private"], false);
    assert_eq!(file("tokens")["mode"], "0600");
    assert_eq!(file("tokens")["path"], "~/.withings-mcp/tokens.json");
    // The server opened its cache at start: a private directory.
    assert_eq!(file("cache")["exists"], true);
    assert_eq!(file("cache")["kind"], "directory");
    assert_eq!(file("cache")["private"], true);
    assert_eq!(
        file("shared_profile")["path"],
        "~/.delx-wellness/profile.json"
    );
    assert_eq!(file("shared_profile")["exists"], false);
    assert_eq!(audit["transport"]["kind"], "stdio");
    assert_eq!(audit["transport"]["stdout_reserved_for_mcp"], true);
    assert_eq!(audit["privacy_mode"]["mode"], "structured");
    assert_eq!(audit["privacy_mode"]["source"], "unset");
    assert!(strings(&audit["redaction"]["secret_key_names"]).contains(&"clientsecret".to_owned()));

    chmod(&config, 0o600);
    let audit = session
        .ok("withings_privacy_audit", json!({"response_format": "json"}))
        .await;
    assert!(
        !audit["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["subject"] == "config_file"),
        "a 0600 config.json is fine: {audit}"
    );
    let markdown = text(&session.call("withings_privacy_audit", json!({})).await);
    assert!(markdown.contains("0600, private"), "{markdown}");
    assert!(!markdown.contains(CANARY), "{markdown}");
}

#[tokio::test]
async fn the_privacy_audit_reports_a_raw_default_and_where_it_was_set() {
    let session = Session::start(
        FakeConfig::default(),
        Some(ALL_SCOPES),
        env(&[("WITHINGS_PRIVACY_MODE", "raw")]),
    )
    .await;
    let audit = session
        .ok("withings_privacy_audit", json!({"response_format": "json"}))
        .await;
    assert_eq!(audit["privacy_mode"]["mode"], "raw");
    assert_eq!(audit["privacy_mode"]["source"], "env");
    assert!(
        audit["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["subject"] == "privacy_mode"
                && finding["fix"]
                    .as_str()
                    .unwrap()
                    .contains("WITHINGS_PRIVACY_MODE")),
        "{audit}"
    );
}

#[tokio::test]
async fn no_secret_and_no_home_path_in_any_metadata_output_or_resource() {
    let session = with_canary().await;
    let home = session.home.path().to_str().unwrap().to_owned();
    let mut outputs = Vec::new();
    for name in METADATA_TOOLS {
        outputs.push((
            name.to_string(),
            everything(&session, name, json!({})).await,
        ));
    }
    for client in CLIENTS {
        outputs.push((
            format!("manifest for {client}"),
            everything(
                &session,
                "withings_agent_manifest",
                json!({"client": client}),
            )
            .await,
        ));
    }
    for (uri, _) in RESOURCES {
        outputs.push((uri.to_string(), read_text(&session.client, uri).await.0));
    }
    for (what, output) in &outputs {
        assert!(
            !output.contains(CANARY),
            "{what} leaks the secret: {output}"
        );
        assert!(
            !output.contains(&home),
            "{what} shows the home path: {output}"
        );
        assert!(
            !output.contains("[REDACTED]"),
            "{what} relied on redaction; it should hold nothing secret-shaped: {output}"
        );
    }
}

#[tokio::test]
async fn resources_are_listed_and_read_as_json_and_markdown() {
    let session = Session::authorized_until("2026-06-30").await;
    let listed = session
        .client
        .list_all_resources()
        .await
        .expect("resources/list");
    for (uri, mime) in RESOURCES {
        let resource = listed
            .iter()
            .find(|resource| resource.uri == *uri)
            .unwrap_or_else(|| panic!("{uri} is not listed"));
        assert_eq!(resource.mime_type.as_deref(), Some(*mime), "{uri}");
        let (_, read_mime) = read_text(&session.client, uri).await;
        assert_eq!(read_mime, *mime, "{uri}");
    }

    let (capabilities, _) = read_text(&session.client, "withings://capabilities").await;
    let capabilities: Value = serde_json::from_str(&capabilities).expect("JSON");
    let from_tool = session
        .ok("withings_capabilities", json!({"response_format": "json"}))
        .await;
    assert_eq!(capabilities, from_tool, "the resource is the tool's data");

    let (inventory, _) = read_text(&session.client, "withings://inventory").await;
    let inventory: Value = serde_json::from_str(&inventory).expect("JSON");
    assert_eq!(inventory["kind"], "data_inventory");
    assert_eq!(
        inventory,
        session
            .ok(
                "withings_data_inventory",
                json!({"response_format": "json"})
            )
            .await
    );

    let (manifest, _) = read_text(&session.client, "withings://agent-manifest").await;
    assert!(
        manifest.starts_with("**Withings agent manifest"),
        "{manifest}"
    );
    assert!(
        manifest.contains("withings-mcp setup --client generic"),
        "{manifest}"
    );
    assert!(!manifest.contains('|') && !manifest.trim_start().starts_with('{'));
}

#[tokio::test]
async fn the_cache_status_reports_the_open_cache_and_the_configured_path() {
    let session = Session::authorized_until("2026-06-30").await;
    let status = session
        .ok("withings_cache_status", json!({"response_format": "json"}))
        .await;
    assert_eq!(status["enabled"], true, "{status}");
    assert_eq!(status["mode"]["mode"], "disk", "{status}");
    assert_eq!(status["path"], "~/.withings-mcp/cache");
    assert_eq!(
        (&status["exists"], &status["kind"]),
        (&json!(true), &json!("directory"))
    );
    assert_eq!(status["entries"], 0);

    let off = Session::start(
        FakeConfig::default(),
        Some(ALL_SCOPES),
        env(&[("WITHINGS_CACHE", "off")]),
    )
    .await;
    let status = off
        .ok("withings_cache_status", json!({"response_format": "json"}))
        .await;
    assert_eq!(status["enabled"], false, "{status}");
    assert_eq!(status["mode"]["mode"], "off", "{status}");

    let moved = Session::start(
        FakeConfig::default(),
        Some(ALL_SCOPES),
        env(&[("WITHINGS_CACHE_PATH", "~/elsewhere/withings-cache")]),
    )
    .await;
    let status = moved
        .ok("withings_cache_status", json!({"response_format": "json"}))
        .await;
    assert_eq!(status["path"], "~/elsewhere/withings-cache");
}

/// `withings-mcp serve --http` on a free loopback port, and an rmcp client on it.
struct HttpSession {
    client: RunningService<RoleClient, ()>,
    bind: String,
    _child: tokio::process::Child,
    _fake: FakeServer,
    _home: tempfile::TempDir,
}

async fn serve_http(token: Option<&str>) -> HttpSession {
    let fake = FakeServer::start(FakeConfig::default())
        .await
        .expect("fake");
    let home = tempfile::tempdir().unwrap();
    store_tokens(&fake, home.path(), ALL_SCOPES);
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_withings-mcp"));
    command
        .env_clear()
        .env("HOME", home.path())
        .envs(fake_env(&fake))
        .args(["serve", "--http", "--port", "0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    if let Some(token) = token {
        command.env("WITHINGS_MCP_TOKEN", token);
    }
    let mut child = command.spawn().expect("spawn withings-mcp serve --http");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let base = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.expect("stderr") {
            if let Some(rest) = line.split("listening on ").nth(1) {
                return rest.trim_end_matches("/mcp").to_owned();
            }
        }
        panic!("withings-mcp exited before listening");
    })
    .await
    .expect("listening in time");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let mut config = StreamableHttpClientTransportConfig::with_uri(format!("{base}/mcp"));
    if let Some(token) = token {
        config = config.auth_header(token);
    }
    let client =
        ().serve(StreamableHttpClientTransport::from_config(config))
            .await
            .expect("initialize over HTTP");
    HttpSession {
        client,
        bind: base.trim_start_matches("http://").to_owned(),
        _child: child,
        _fake: fake,
        _home: home,
    }
}

async fn audit_over(session: &HttpSession) -> Value {
    let result = session
        .client
        .call_tool(support::tool_call(
            "withings_privacy_audit",
            json!({"response_format": "json"}),
        ))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false));
    result.structured_content.expect("structured")
}

#[tokio::test]
async fn over_http_the_audit_reports_the_real_loopback_bind_and_the_token() {
    let open = serve_http(None).await;
    let audit = audit_over(&open).await;
    let transport = &audit["transport"];
    assert_eq!(transport["kind"], "http");
    assert_eq!(
        transport["bind"],
        open.bind.as_str(),
        "the port really bound"
    );
    assert!(open.bind.starts_with("127.0.0.1:") && !open.bind.ends_with(":0"));
    assert_eq!(transport["loopback"], true);
    assert_eq!(transport["token_required"], false);
    let finding = audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["subject"] == "transport")
        .expect("a loopback server without a token is worth a note");
    assert_eq!(finding["severity"], "low");
    assert!(
        finding["fix"]
            .as_str()
            .unwrap()
            .contains("WITHINGS_MCP_TOKEN")
    );

    let guarded = serve_http(Some(HTTP_TOKEN)).await;
    let audit = audit_over(&guarded).await;
    assert_eq!(audit["transport"]["token_required"], true);
    assert_eq!(audit["transport"]["bind"], guarded.bind.as_str());
    assert!(
        !audit["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["subject"] == "transport"),
        "{audit}"
    );
    assert!(
        !audit.to_string().contains(HTTP_TOKEN),
        "the token is never shown"
    );
}
