//! JSON clients: Claude Desktop, Claude Code, Cursor, Windsurf, OpenClaw, generic.

use super::*;

#[test]
fn a_fresh_file_is_created_owner_only_in_an_owner_only_directory() {
    for client in JSON_CLIENTS.into_iter().chain([McpClient::Hermes]) {
        let home = Home::new();
        let path = home.path(client);
        let dir = path.parent().expect("dir").to_path_buf();
        let dir_existed = dir.exists();
        let created: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|ancestor| !ancestor.exists())
            .map(Path::to_path_buf)
            .collect();
        let report = home.install(client).expect("installs");
        assert_eq!(report.outcome, Outcome::Created, "{client}");
        assert_eq!(report.config_path, path);
        assert_eq!(report.backup_path, None);
        assert_eq!(
            report.warnings.iter().any(|w| w.contains("did not exist")),
            !dir_existed && client != McpClient::Generic,
            "{client}: {:?}",
            report.warnings
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600, "{client}");
            // Every directory we had to create, not just the last one.
            for created in &created {
                assert_eq!(mode(created), 0o700, "{client}: {}", created.display());
            }
        }
        let status = inspect(client, &home.paths, "withings", &home.binary()).expect("inspects");
        assert!(
            status.exists && status.configured && status.command_matches,
            "{client}: {status:?}"
        );
    }
}

#[test]
fn json_clients_get_the_entry_they_expect() {
    let home = Home::new();
    let command = home.binary().to_str().expect("utf-8").to_owned();
    for client in JSON_CLIENTS {
        home.install(client).expect("installs");
        let doc = read_json(&home.path(client));
        let ours = doc
            .pointer(&format!("{}/withings", servers_pointer(client)))
            .unwrap_or_else(|| panic!("{client}: no entry in {doc}"));
        let mut expected = json!({"command": command, "args": ["serve"], "env": {"TEST_PRIVACY_MODE": "structured"}});
        if client == McpClient::ClaudeCode {
            expected["type"] = json!("stdio");
        }
        assert_eq!(ours, &expected, "{client}");
    }
}

#[test]
fn merging_keeps_other_servers_and_settings_and_backs_up_the_original() {
    for client in JSON_CLIENTS {
        let home = Home::new();
        let original =
            serde_json::to_string_pretty(&json_config(client, json!({"other": other_server()})))
                .expect("serializes");
        let path = home.write(client, &original);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        }

        let report = home.install(client).expect("installs");
        assert_eq!(report.outcome, Outcome::Updated, "{client}");

        let after = fs::read_to_string(&path).expect("read");
        let mut doc: Value = serde_json::from_str(&after).expect("valid JSON");
        let servers = servers_pointer(client);
        assert_eq!(
            doc.pointer(&format!("{servers}/other")),
            Some(&other_server()),
            "{client}"
        );
        // Untouched values are copied, not re-serialized.
        let other_text = serde_json::to_string_pretty(&other_server())
            .expect("serializes")
            .replace(
                '\n',
                if client == McpClient::OpenClaw {
                    "\n      "
                } else {
                    "\n    "
                },
            );
        assert!(after.contains(&other_text), "{client}: {after}");
        doc.pointer_mut(servers)
            .and_then(Value::as_object_mut)
            .expect("servers")
            .remove("withings");
        let before: Value = serde_json::from_str(&original).expect("valid");
        assert_eq!(doc, before, "{client}: only our entry differs");

        let backup = report.backup_path.expect("a backup");
        assert_eq!(backup.parent(), path.parent());
        let backup_name = backup
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let file_name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let stamp = backup_name
            .strip_prefix(&format!("{file_name}.bak-"))
            .unwrap_or_else(|| panic!("{backup_name}"));
        assert_eq!(stamp.len(), "20260101T000000Z".len(), "{stamp}");
        assert!(
            stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T',
            "{stamp}"
        );
        assert_eq!(
            fs::read(&backup).expect("backup"),
            original.as_bytes(),
            "{client}"
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&backup), 0o600, "{client}: a backup is owner-only");
            assert_eq!(mode(&path), 0o640, "{client}: the user's mode is kept");
        }
        assert_eq!(siblings(&path).len(), 2, "{client}: {:?}", siblings(&path));
    }
}

#[test]
fn a_stale_entry_is_updated_and_keeps_what_the_user_added() {
    for client in JSON_CLIENTS {
        let home = Home::new();
        let stale = json!({
            "command": "/old/place/test-mcp", "args": ["old"], "disabled": false,
            "env": {"USER_SETTING": "kept", "TEST_PRIVACY_MODE": "raw"}
        });
        let path = home.write(
            client,
            &json_config(client, json!({"other": other_server(), "withings": stale})).to_string(),
        );
        let report = home.install(client).expect("installs");
        assert_eq!(report.outcome, Outcome::Updated, "{client}");
        let doc = read_json(&path);
        let ours = doc
            .pointer(&format!("{}/withings", servers_pointer(client)))
            .expect("entry");
        assert_eq!(
            ours["command"],
            json!(home.binary().to_str().expect("utf-8")),
            "{client}"
        );
        assert_eq!(ours["args"], json!(["serve"]));
        assert_eq!(ours["disabled"], json!(false), "{client}: user field kept");
        assert_eq!(
            ours["env"],
            json!({"USER_SETTING": "kept", "TEST_PRIVACY_MODE": "structured"}),
            "{client}"
        );
        let status = inspect(client, &home.paths, "withings", &home.binary()).expect("inspects");
        assert!(status.command_matches);
        let status =
            inspect(client, &home.paths, "withings", Path::new("/elsewhere")).expect("inspects");
        assert!(status.configured && !status.command_matches);
    }
}

#[test]
fn an_identical_entry_is_left_alone_without_a_backup() {
    for client in JSON_CLIENTS.into_iter().chain([McpClient::Hermes]) {
        let home = Home::new();
        home.install(client).expect("first install");
        let path = home.path(client);
        let before = fs::read(&path).expect("read");
        let listing = siblings(&path);

        let report = home.install(client).expect("second install");
        assert_eq!(report.outcome, Outcome::Unchanged, "{client}");
        assert_eq!(report.backup_path, None, "{client}");
        assert_eq!(fs::read(&path).expect("read"), before, "{client}");
        assert_eq!(
            siblings(&path),
            listing,
            "{client}: no backup, no temp file"
        );
    }
}

#[test]
fn a_corrupt_file_is_refused_and_left_byte_identical() {
    for client in JSON_CLIENTS {
        let home = Home::new();
        let corrupt = "{\n  \"mcpServers\": {\n    \"other\": {\"env\": {\"TOKEN\": \"hunter2-secret\"}},\n  oops\n";
        let path = home.write(client, corrupt);
        let error = home.install(client).expect_err("refused");
        let ClientConfigError::InvalidJson {
            path: reported,
            line,
            ..
        } = &error
        else {
            panic!("{client}: wrong error {error:?}");
        };
        assert_eq!(reported, &path);
        assert_eq!(*line, 4, "{client}");
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("line 4"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        assert_eq!(
            fs::read(&path).expect("read"),
            corrupt.as_bytes(),
            "{client}"
        );
        assert_eq!(
            siblings(&path),
            vec![
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned()
            ],
            "{client}: no backup, no temp file"
        );
        assert!(inspect(client, &home.paths, "withings", &home.binary()).is_err());
    }
}

#[test]
fn a_servers_key_of_the_wrong_type_is_refused() {
    let home = Home::new();
    let original = "{\"mcpServers\": [\"not\", \"an\", \"object\"]}";
    let path = home.write(McpClient::Cursor, original);
    let error = home.install(McpClient::Cursor).expect_err("refused");
    assert!(
        matches!(&error, ClientConfigError::UnexpectedShape { key, found: "an array", .. } if key == "mcpServers"),
        "{error:?}"
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), original);

    let path = home.write(McpClient::ClaudeDesktop, "[]");
    assert!(matches!(
        home.install(McpClient::ClaudeDesktop),
        Err(ClientConfigError::UnexpectedShape { .. })
    ));
    assert_eq!(fs::read_to_string(&path).expect("read"), "[]");
}

#[test]
fn openclaw_json5_is_refused_with_the_openclaw_command_to_use_instead() {
    let home = Home::new();
    let original = "{\n  // JSON5 comment\n  mcp: {servers: {}},\n}\n";
    let path = home.write(McpClient::OpenClaw, original);
    let error = home.install(McpClient::OpenClaw).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("openclaw mcp set withings"), "{message}");
    assert!(message.contains("test-mcp"), "{message}");
    assert_eq!(fs::read_to_string(&path).expect("read"), original);
}

#[test]
fn generic_writes_its_snippet_under_the_provider_home_and_returns_it() {
    let home = Home::new();
    let report = home.install(McpClient::Generic).expect("installs");
    let path = home
        .dir
        .path()
        .join(".test-mcp")
        .join("mcp-configs")
        .join("generic.json");
    assert_eq!(report.config_path, path);
    let snippet = report.snippet.expect("a snippet");
    let printed: Value = serde_json::from_str(&snippet).expect("valid JSON");
    assert_eq!(printed, read_json(&path));
    assert_eq!(
        printed["mcpServers"]["withings"]["command"],
        json!(home.binary().to_str().expect("utf-8"))
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through_its_link() {
    let home = Home::new();
    let real = home.dir.path().join("dotfiles").join("mcp.json");
    fs::create_dir_all(real.parent().expect("dir")).expect("mkdir");
    fs::write(&real, "{\"mcpServers\": {}}").expect("write");
    let link = home.path(McpClient::Cursor);
    fs::create_dir_all(link.parent().expect("dir")).expect("mkdir");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");

    let report = home.install(McpClient::Cursor).expect("installs");
    assert!(
        fs::symlink_metadata(&link)
            .expect("stat")
            .file_type()
            .is_symlink()
    );
    assert!(read_json(&real)["mcpServers"]["withings"].is_object());
    let backup = report.backup_path.expect("backup");
    assert_eq!(
        backup.parent(),
        real.parent(),
        "the backup sits beside the real file"
    );
}

#[test]
fn a_file_changed_under_us_is_not_overwritten() {
    let home = Home::new();
    let path = home.write(McpClient::Cursor, "{}");
    let read = crate::clients::fs::read(&path)
        .expect("reads")
        .expect("exists");
    fs::write(&path, "{\"changed\": true}").expect("the client writes");
    let error =
        crate::clients::fs::commit(&path, Some(&read), b"{\"ours\": 1}").expect_err("refused");
    assert!(
        matches!(error, ClientConfigError::ChangedDuringUpdate { .. }),
        "{error:?}"
    );
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        "{\"changed\": true}"
    );
    assert_eq!(
        siblings(&path),
        vec!["mcp.json".to_owned()],
        "no backup, no temp file"
    );
}

#[test]
fn entries_are_validated() {
    let home = Home::new();
    let mut entry = home.entry();
    entry.command = PathBuf::from("relative/test-mcp");
    assert!(matches!(
        install(
            McpClient::Cursor,
            &home.paths,
            &entry,
            &InstallOptions::default()
        ),
        Err(ClientConfigError::CommandNotAbsolute { .. })
    ));
    for name in ["", "with space", "-dash", "a.b", &"x".repeat(65)] {
        let entry = ServerEntry {
            name: name.to_owned(),
            ..home.entry()
        };
        assert!(
            matches!(
                snippet(McpClient::Cursor, &entry),
                Err(ClientConfigError::InvalidName { .. })
            ),
            "{name:?}"
        );
    }
    assert!(!home.path(McpClient::Cursor).exists());
}

#[test]
fn client_names_parse_and_unknown_ones_list_the_valid_names() {
    assert_eq!("claude".parse(), Ok(McpClient::ClaudeDesktop));
    assert_eq!("Claude-Desktop".parse(), Ok(McpClient::ClaudeDesktop));
    for client in McpClient::ALL {
        assert_eq!(client.as_str().parse(), Ok(client));
        assert_eq!(
            serde_json::to_value(client).expect("serializes"),
            json!(client.as_str())
        );
    }
    let error = "claud".parse::<McpClient>().expect_err("unknown");
    assert_eq!(error.name, "claud");
    let message = error.to_string();
    for name in McpClient::NAMES {
        assert!(message.contains(name), "{message}");
    }
}
