//! Hermes: YAML config, approvals and the skill file.

use super::*;

/// A Hermes config with comments, nested maps, lists, YAML 1.1-sensitive scalars and
/// an `approvals` block, plus another MCP server.
const HERMES_CONFIG: &str = r#"# Hermes Agent configuration
model:
  default: "anthropic/claude-sonnet"   # the main model
  provider: openrouter
toolsets: [web, terminal, "file"]
terminal:
  cwd: /home/u/work
  umask: 0077
  env_passthrough:
    - LANG
    - TZ
display:
  skin: 'on'
  compact: yes
mcp_servers:
  github:
    command: npx
    args: ["-y", "@modelcontextprotocol/server-github"]
    env:
      GITHUB_PERSONAL_ACCESS_TOKEN: "ghp-not-a-real-token"
    tools:
      include: [list_issues]

# Approvals: who may do what without asking.
approvals:
  mode: "off"
  timeout: 120
  mcp_reload_confirm: true
notes: |
  free text
  on two lines
"#;

fn hermes_home() -> (Home, PathBuf) {
    let home = Home::new();
    let path = home.path(McpClient::Hermes);
    fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    (home, path)
}

fn skill_options() -> InstallOptions {
    InstallOptions {
        hermes_skill: Some("# Withings\nStart with withings_connection_status.\n".to_owned()),
        ..InstallOptions::default()
    }
}

fn yaml(text: &str) -> Yaml {
    serde_norway::from_str(text).expect("valid YAML")
}

/// `mcp_servers.withings` removed, for comparing everything else.
fn without_ours(mut doc: Yaml) -> Yaml {
    if let Some(servers) = doc.get_mut("mcp_servers").and_then(Yaml::as_mapping_mut) {
        servers.remove("withings");
    }
    doc
}

/// Whether `after` is `before` with one contiguous block inserted: every byte of the
/// user's file survives, comments and quoting included.
fn is_pure_insertion(before: &str, after: &str) -> bool {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    prefix + suffix == before.len()
}

#[test]
fn hermes_yaml_with_unrelated_keys_survives_a_round_trip() {
    let (home, path) = hermes_home();
    fs::write(&path, HERMES_CONFIG).expect("write");

    let report = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect("installs");
    assert_eq!(report.outcome, Outcome::Updated);

    let after = fs::read_to_string(&path).expect("read");
    assert!(is_pure_insertion(HERMES_CONFIG, &after), "{after}");
    assert_eq!(without_ours(yaml(&after)), yaml(HERMES_CONFIG));

    let ours = &yaml(&after)["mcp_servers"]["withings"];
    let expected = format!(
        "command: {:?}\nargs: [serve]\nenv: {{TEST_PRIVACY_MODE: structured}}\ntimeout: 120\nconnect_timeout: 60\nsampling: {{enabled: false}}\n",
        home.binary().to_str().expect("utf-8")
    );
    assert_eq!(ours, &yaml(&expected));
    // Our entry sits with the other servers, before the approvals comment.
    let ours_at = after.find("  withings:").expect("entry");
    assert!(after.find("  github:") < Some(ours_at));
    assert!(Some(ours_at) < after.find("# Approvals"));

    assert_eq!(
        fs::read(report.backup_path.expect("backup")).expect("backup"),
        HERMES_CONFIG.as_bytes()
    );
}

#[test]
fn hermes_approvals_are_untouched_without_the_flag() {
    let (home, path) = hermes_home();
    fs::write(&path, HERMES_CONFIG).expect("write");
    let report = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect("installs");
    let after = yaml(&fs::read_to_string(&path).expect("read"));
    assert_eq!(after["approvals"], yaml(HERMES_CONFIG)["approvals"]);
    assert_eq!(after["approvals"]["mcp_reload_confirm"], Yaml::Bool(true));
    assert!(
        report
            .next_steps
            .iter()
            .any(|step| step.contains("/reload-mcp")),
        "{:?}",
        report.next_steps
    );
    let status =
        inspect(McpClient::Hermes, &home.paths, "withings", &home.binary()).expect("inspects");
    assert_eq!(status.reload_confirmation_disabled, Some(false));
}

#[test]
fn hermes_approvals_change_only_with_the_flag() {
    let (home, path) = hermes_home();
    fs::write(&path, HERMES_CONFIG).expect("write");
    let options = InstallOptions {
        allow_hermes_reload_without_confirmation: true,
        ..skill_options()
    };
    let report =
        install(McpClient::Hermes, &home.paths, &home.entry(), &options).expect("installs");
    let text = fs::read_to_string(&path).expect("read");
    let after = yaml(&text);
    assert_eq!(after["approvals"]["mcp_reload_confirm"], Yaml::Bool(false));
    assert_eq!(after["approvals"]["mode"], Yaml::String("off".to_owned()));
    assert!(text.contains("  mode: \"off\"\n"), "quoting kept: {text}");
    let mut expected = yaml(HERMES_CONFIG);
    expected["approvals"]["mcp_reload_confirm"] = Yaml::Bool(false);
    assert_eq!(without_ours(after), expected);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("mcp_reload_confirm")),
        "{:?}",
        report.warnings
    );
    let status =
        inspect(McpClient::Hermes, &home.paths, "withings", &home.binary()).expect("inspects");
    assert_eq!(status.reload_confirmation_disabled, Some(true));

    // No approvals block at all: one is added, still only with the flag.
    let (home, path) = hermes_home();
    fs::write(&path, "model:\n  default: x\n").expect("write");
    install(McpClient::Hermes, &home.paths, &home.entry(), &options).expect("installs");
    let after = yaml(&fs::read_to_string(&path).expect("read"));
    assert_eq!(after["approvals"], yaml("mcp_reload_confirm: false"));
}

#[test]
fn hermes_corrupt_yaml_is_refused_and_left_byte_identical() {
    for corrupt in [
        "model:\n  default: x\nmcp_servers: [unclosed\n  token: hunter2-secret\n",
        "mcp_servers:\n  a: 1\n  a: 2\n",
        "token: 123456789012345678901234567890\n",
        "- a list\n- not a mapping\n",
        "a: 1\n---\nb: 2\n",
    ] {
        let (home, path) = hermes_home();
        fs::write(&path, corrupt).expect("write");
        let error = install(
            McpClient::Hermes,
            &home.paths,
            &home.entry(),
            &skill_options(),
        )
        .expect_err("refused");
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(
            !message.contains("hunter2") && !message.contains("1234567890"),
            "{message}"
        );
        assert_eq!(
            fs::read(&path).expect("read"),
            corrupt.as_bytes(),
            "{corrupt}"
        );
        assert_eq!(siblings(&path), vec!["config.yaml".to_owned()], "{corrupt}");
        assert!(
            !home
                .paths
                .skill_path(McpClient::Hermes, "withings")
                .expect("path")
                .exists()
        );
    }
    let (home, path) = hermes_home();
    fs::write(&path, "a: 1\nb: [1\nc: 2\n").expect("write");
    let error = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect_err("refused");
    assert!(
        matches!(error, ClientConfigError::InvalidYaml { line, .. } if line >= 2),
        "{error:?}"
    );
}

#[test]
fn hermes_skill_is_written_owner_only_and_kept_up_to_date() {
    let home = Home::new();
    let report = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect("installs");
    let skill = report.skill.expect("skill report");
    let expected_path = home
        .paths
        .skill_path(McpClient::Hermes, "withings")
        .expect("path");
    assert_eq!(skill.path, expected_path);
    assert_eq!(skill.outcome, Outcome::Created);
    assert_eq!(
        fs::read_to_string(&skill.path).expect("read"),
        skill_options().hermes_skill.expect("text")
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&skill.path), 0o600);
        assert_eq!(mode(skill.path.parent().expect("dir")), 0o700);
    }
    let status =
        inspect(McpClient::Hermes, &home.paths, "withings", &home.binary()).expect("inspects");
    assert_eq!(status.skill_installed, Some(true));
    assert_eq!(status.skill_path.as_ref(), Some(&skill.path));

    let again = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect("installs");
    assert_eq!(again.skill.expect("skill").outcome, Outcome::Unchanged);

    let options = InstallOptions {
        hermes_skill: Some("new text\n".to_owned()),
        ..InstallOptions::default()
    };
    let updated = install(McpClient::Hermes, &home.paths, &home.entry(), &options)
        .expect("installs")
        .skill
        .expect("skill");
    assert_eq!(updated.outcome, Outcome::Updated);
    assert_eq!(
        fs::read_to_string(updated.backup_path.expect("backup")).expect("read"),
        skill_options().hermes_skill.expect("text")
    );

    let report = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &InstallOptions::default(),
    )
    .expect("installs");
    assert!(report.skill.is_none());
    assert!(
        report.warnings.iter().any(|w| w.contains("skill")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn hermes_stale_entry_is_updated_and_keeps_the_users_tuning() {
    let (home, path) = hermes_home();
    let original = "mcp_servers:\n  withings:\n    command: /old/test-mcp   # old install\n    args: []\n    timeout: 300\n    tools:\n      include: [withings_daily_summary]\n  other:\n    command: x\n";
    fs::write(&path, original).expect("write");
    let report = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect("installs");
    assert_eq!(report.outcome, Outcome::Updated);
    let after = yaml(&fs::read_to_string(&path).expect("read"));
    let ours = &after["mcp_servers"]["withings"];
    assert_eq!(
        ours["command"],
        Yaml::String(home.binary().to_str().expect("utf-8").to_owned())
    );
    assert_eq!(ours["args"], yaml("[serve]"));
    assert_eq!(ours["timeout"], yaml("300"));
    assert_eq!(ours["tools"], yaml("include: [withings_daily_summary]"));
    assert_eq!(ours["env"], yaml("TEST_PRIVACY_MODE: structured"));
    assert_eq!(
        ours.get("sampling"),
        None,
        "seeded fields only go into new entries"
    );
    assert_eq!(after["mcp_servers"]["other"], yaml("command: x"));
}

#[test]
fn hermes_accepts_the_layouts_users_write() {
    let layouts = [
        "",
        "# just a comment\n",
        "mcp_servers:\n",
        "mcp_servers: ~\nmodel: x\n",
        "mcp_servers: {}\n",
        "mcp_servers: {github: {command: npx}}\n",
        "model: x",
        "model: x\r\nmcp_servers:\r\n  github:\r\n    command: npx\r\n",
        "\u{feff}model: x\n",
        "---\nmodel: x\n...\n",
        "\"mcp_servers\":\n    'github':\n        command: npx\n",
        "mcp_servers:\n  withings: null\n",
        "mcp_servers:\n  withings:\n",
        "mcp_servers:\n  withings: {command: /old, args: [a]}\n",
        "base: &base {timeout: 30}\nmcp_servers:\n  github:\n    <<: *base\n    command: npx\n",
    ];
    for layout in layouts {
        let (home, path) = hermes_home();
        fs::write(&path, layout).expect("write");
        let before: Yaml =
            serde_norway::from_str(layout.trim_start_matches('\u{feff}')).expect("valid YAML");
        install(
            McpClient::Hermes,
            &home.paths,
            &home.entry(),
            &skill_options(),
        )
        .unwrap_or_else(|error| panic!("{layout:?}: {error}"));
        let text = fs::read_to_string(&path).expect("read");
        let after: Yaml = serde_norway::from_str(text.trim_start_matches('\u{feff}'))
            .unwrap_or_else(|error| panic!("{layout:?} gave invalid YAML {text:?}: {error}"));
        assert_eq!(
            after["mcp_servers"]["withings"]["command"],
            Yaml::String(home.binary().to_str().expect("utf-8").to_owned()),
            "{layout:?} -> {text:?}"
        );
        let mut before_rest = without_ours(before);
        let mut after_rest = without_ours(after);
        for doc in [&mut before_rest, &mut after_rest] {
            // An absent or null mcp_servers and an empty one mean the same.
            if let Some(map) = doc.as_mapping_mut() {
                let empty = map.get("mcp_servers").is_none_or(|servers| {
                    servers.is_null() || servers.as_mapping().is_some_and(|m| m.is_empty())
                });
                if empty {
                    map.remove("mcp_servers");
                }
            }
            if doc.is_null() || doc.as_mapping().is_some_and(|m| m.is_empty()) {
                *doc = Yaml::Null;
            }
        }
        assert_eq!(after_rest, before_rest, "{layout:?} -> {text:?}");
        if layout.contains("\r\n") {
            assert!(
                !text.replace("\r\n", "").contains('\n'),
                "CRLF kept: {text:?}"
            );
        }
        if layout.starts_with('\u{feff}') {
            assert!(text.starts_with('\u{feff}'), "BOM kept");
        }
    }
}

#[test]
fn hermes_snippet_is_the_yaml_written_into_a_new_file() {
    let home = Home::new();
    install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect("installs");
    let written = fs::read_to_string(home.path(McpClient::Hermes)).expect("read");
    assert_eq!(
        snippet(McpClient::Hermes, &home.entry()).expect("snippet"),
        written
    );
    assert!(
        written.starts_with("mcp_servers:\n  withings:\n    command: \""),
        "{written}"
    );
}

#[test]
fn hermes_edit_that_does_not_parse_back_is_not_written() {
    // Replacing our null entry drops the anchor another key refers to.
    let (home, path) = hermes_home();
    let original = "mcp_servers:\n  withings: &ours null\nelsewhere: *ours\n";
    fs::write(&path, original).expect("write");
    let error = install(
        McpClient::Hermes,
        &home.paths,
        &home.entry(),
        &skill_options(),
    )
    .expect_err("refused");
    let ClientConfigError::VerificationFailed { hint, .. } = &error else {
        panic!("wrong error: {error:?}");
    };
    assert!(
        hint.as_deref()
            .is_some_and(|hint| hint.contains("mcp_servers:\n  withings:\n")),
        "{hint:?}"
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), original);
    assert_eq!(siblings(&path), vec!["config.yaml".to_owned()]);
}
