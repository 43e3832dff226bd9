//! Where each client's file is, on each platform.

use super::*;

#[test]
fn paths_follow_each_platform() {
    let home = PathBuf::from("/home/u");
    let linux = ClientPaths::new(Platform::Linux, &home, ".test-mcp");
    let mac = ClientPaths::new(Platform::MacOs, &home, ".test-mcp");
    let windows = ClientPaths::new(Platform::Windows, &home, ".test-mcp");
    let at = |parts: &[&str]| {
        parts
            .iter()
            .fold(home.clone(), |path, part| path.join(part))
    };

    let expected: [(McpClient, [PathBuf; 3]); 7] = [
        (
            McpClient::ClaudeDesktop,
            [
                at(&[".config", "Claude", "claude_desktop_config.json"]),
                at(&[
                    "Library",
                    "Application Support",
                    "Claude",
                    "claude_desktop_config.json",
                ]),
                at(&["AppData", "Roaming", "Claude", "claude_desktop_config.json"]),
            ],
        ),
        (
            McpClient::ClaudeCode,
            [
                at(&[".claude.json"]),
                at(&[".claude.json"]),
                at(&[".claude.json"]),
            ],
        ),
        (
            McpClient::Cursor,
            [
                at(&[".cursor", "mcp.json"]),
                at(&[".cursor", "mcp.json"]),
                at(&[".cursor", "mcp.json"]),
            ],
        ),
        (
            McpClient::Windsurf,
            [
                at(&[".codeium", "windsurf", "mcp_config.json"]),
                at(&[".codeium", "windsurf", "mcp_config.json"]),
                at(&[".codeium", "windsurf", "mcp_config.json"]),
            ],
        ),
        (
            McpClient::Hermes,
            [
                at(&[".hermes", "config.yaml"]),
                at(&[".hermes", "config.yaml"]),
                at(&["AppData", "Local", "hermes", "config.yaml"]),
            ],
        ),
        (
            McpClient::OpenClaw,
            [
                at(&[".openclaw", "openclaw.json"]),
                at(&[".openclaw", "openclaw.json"]),
                at(&[".openclaw", "openclaw.json"]),
            ],
        ),
        (
            McpClient::Generic,
            [
                at(&[".test-mcp", "mcp-configs", "generic.json"]),
                at(&[".test-mcp", "mcp-configs", "generic.json"]),
                at(&[".test-mcp", "mcp-configs", "generic.json"]),
            ],
        ),
    ];
    for (client, [on_linux, on_mac, on_windows]) in expected {
        assert_eq!(linux.config_path(client), on_linux, "{client} on Linux");
        assert_eq!(mac.config_path(client), on_mac, "{client} on macOS");
        assert_eq!(
            windows.config_path(client),
            on_windows,
            "{client} on Windows"
        );
        let skill = (client == McpClient::Hermes)
            .then(|| at(&[".hermes", "skills", "withings-mcp", "SKILL.md"]));
        assert_eq!(linux.skill_path(client, "withings"), skill, "{client}");
    }
    assert_eq!(
        windows.skill_path(McpClient::Hermes, "withings"),
        Some(at(&[
            "AppData",
            "Local",
            "hermes",
            "skills",
            "withings-mcp",
            "SKILL.md"
        ]))
    );
}

#[test]
fn paths_honour_the_clients_environment_variables() {
    let home = std::env::temp_dir().join("u");
    let abs = |leaf: &str| std::env::temp_dir().join(leaf);
    let env = |pairs: &[(&str, String)]| {
        BuildContext::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            Some(home.clone()),
        )
    };
    let show = |path: PathBuf| path.to_str().expect("utf-8").to_owned();
    let ctx = env(&[
        ("APPDATA", show(abs("roaming"))),
        ("LOCALAPPDATA", show(abs("local"))),
        ("XDG_CONFIG_HOME", show(abs("xdg"))),
        ("CLAUDE_CONFIG_DIR", "~/claude-dir".to_owned()),
        ("OPENCLAW_STATE_DIR", show(abs("claw-state"))),
    ]);
    let windows = ClientPaths::from_context(&ctx, Platform::Windows, ".test-mcp").expect("home");
    assert_eq!(
        windows.config_path(McpClient::ClaudeDesktop),
        abs("roaming")
            .join("Claude")
            .join("claude_desktop_config.json")
    );
    assert_eq!(
        windows.config_path(McpClient::Hermes),
        abs("local").join("hermes").join("config.yaml")
    );
    assert_eq!(
        windows.config_path(McpClient::ClaudeCode),
        home.join("claude-dir").join(".claude.json")
    );
    assert_eq!(
        windows.config_path(McpClient::OpenClaw),
        abs("claw-state").join("openclaw.json")
    );
    let linux = ClientPaths::from_context(&ctx, Platform::Linux, ".test-mcp").expect("home");
    assert_eq!(
        linux.config_path(McpClient::ClaudeDesktop),
        abs("xdg").join("Claude").join("claude_desktop_config.json")
    );
    assert_eq!(
        linux.appdata, None,
        "Windows variables do not leak into Linux paths"
    );
    let mac = ClientPaths::from_context(&ctx, Platform::MacOs, ".test-mcp").expect("home");
    assert_eq!(mac.xdg_config_home, None);

    let ctx = env(&[
        ("HERMES_HOME", show(abs("hermes-profile"))),
        ("OPENCLAW_CONFIG_PATH", show(abs("claw.json"))),
        ("OPENCLAW_STATE_DIR", show(abs("ignored"))),
        ("XDG_CONFIG_HOME", "relative/dir".to_owned()),
        ("CLAUDE_CONFIG_DIR", "  ".to_owned()),
    ]);
    let linux = ClientPaths::from_context(&ctx, Platform::Linux, ".test-mcp").expect("home");
    assert_eq!(
        linux.config_path(McpClient::Hermes),
        abs("hermes-profile").join("config.yaml")
    );
    assert_eq!(
        linux.skill_path(McpClient::Hermes, "withings"),
        Some(
            abs("hermes-profile")
                .join("skills")
                .join("withings-mcp")
                .join("SKILL.md")
        )
    );
    assert_eq!(linux.config_path(McpClient::OpenClaw), abs("claw.json"));
    assert_eq!(
        linux.config_path(McpClient::ClaudeDesktop),
        home.join(".config")
            .join("Claude")
            .join("claude_desktop_config.json"),
        "a relative XDG_CONFIG_HOME is ignored"
    );
    assert_eq!(
        linux.config_path(McpClient::ClaudeCode),
        home.join(".claude.json")
    );

    assert!(ClientPaths::from_context(&BuildContext::default(), Platform::Linux, ".t").is_none());
}
