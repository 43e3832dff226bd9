"""Drive the spine-server over stdio with the official MCP Python SDK (mcp==2.3.0).

Usage: python sdk_client.py /path/to/spine-server

Runs every check twice: once with the initialize handshake (mode="legacy", which
negotiates 2025-11-25) and once adopting the 2026-07-28 protocol directly. Each
check gets a fresh server process, so one failure cannot poison the next. Prints
one line per check, then a summary line "N passed, M failed"; exits 1 if any check
failed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import mcp_types as types
from mcp import Client, MCPDeprecationWarning, MCPError, StdioServerParameters

# The secret the spine provider is configured with; it must never come back.
CANARY_SECRET = "canary-client-secret-7f3a9c"
LEGACY_VERSION = "2025-11-25"
MODERN_VERSION = "2026-07-28"
MODES = ("legacy", MODERN_VERSION)
# Upper bound for any one check, server start to shutdown.
CHECK_TIMEOUT_SECONDS = 30
# How long to wait for notifications that should (or should not) still arrive.
SETTLE_SECONDS = 0.5

# Logging and ping are deprecated at 2026-07-28; using them on purpose is the point.
warnings.simplefilter("ignore", MCPDeprecationWarning)


class Logs:
    """Collects the log notifications a client receives."""

    def __init__(self) -> None:
        self.messages: list[types.LoggingMessageNotificationParams] = []

    async def __call__(self, params: types.LoggingMessageNotificationParams) -> None:
        self.messages.append(params)

    def levels(self) -> list[str]:
        return [message.level for message in self.messages]

    def describe(self) -> str:
        return repr([(message.level, message.data) for message in self.messages])


def make_client(server: str, home: str, mode: str, **kwargs: Any) -> Client:
    params = StdioServerParameters(
        command=server,
        args=["serve"],
        env={
            "HOME": home,
            "SPINE_CLIENT_SECRET": CANARY_SECRET,
            "SPINE_MCP_LOG": "warn",
        },
    )
    return Client(params, mode=mode, read_timeout_seconds=20, **kwargs)


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))


async def wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Waits for a notification-driven condition, without failing on timeout."""
    with anyio.move_on_after(seconds):
        while not predicate():
            await anyio.sleep(0.02)


# --- checks: each takes (server, home, mode) and raises AssertionError on failure ---


async def check_protocol_version(server: str, home: str, mode: str) -> None:
    expected = LEGACY_VERSION if mode == "legacy" else MODERN_VERSION
    async with make_client(server, home, mode) as client:
        assert client.protocol_version == expected, (
            f"negotiated protocol version {client.protocol_version!r}, expected {expected!r}"
        )
        if mode == "legacy":
            info = client.server_info
            assert info is not None and info.name, f"legacy initialize must name the server, got {info!r}"


async def check_list_tools(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        listed = await client.list_tools()
        names = [tool.name for tool in listed.tools]
        assert names == ["spine_count", "spine_echo", "spine_fail"], f"tools/list names (in order): {names}"
        titles = {tool.name: tool.title for tool in listed.tools}
        assert titles == {
            "spine_count": "Count with progress",
            "spine_echo": "Echo",
            "spine_fail": "Fail on purpose",
        }, f"tool titles: {titles}"
        for tool in listed.tools:
            annotations = tool.annotations
            assert annotations is not None, f"{tool.name} has no annotations"
            assert annotations.read_only_hint is True, f"{tool.name} readOnlyHint: {annotations!r}"
            assert annotations.destructive_hint is False, f"{tool.name} destructiveHint: {annotations!r}"
            assert annotations.open_world_hint is False, f"{tool.name} openWorldHint: {annotations!r}"
            assert tool.output_schema is not None, f"{tool.name} has no outputSchema"
            assert tool.output_schema.get("type") == "object", f"{tool.name} outputSchema: {tool.output_schema}"
            assert tool.input_schema.get("type") == "object", f"{tool.name} inputSchema: {tool.input_schema}"
        by_name = {tool.name: tool for tool in listed.tools}
        echo_schema = by_name["spine_echo"].output_schema or {}
        assert "echoed" in echo_schema.get("properties", {}), f"spine_echo outputSchema: {echo_schema}"
        count_schema = by_name["spine_count"].output_schema or {}
        assert set(count_schema.get("required", [])) == {"counted", "cancelled"}, (
            f"spine_count outputSchema: {count_schema}"
        )


async def check_echo(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        await client.list_tools()
        result = await client.call_tool("spine_echo", {"text": "hello sdk", "times": 2})
        assert not result.is_error, f"spine_echo returned isError: {text_of(result)!r}"
        assert result.structured_content == {"echoed": ["hello sdk", "hello sdk"]}, (
            f"spine_echo structuredContent: {result.structured_content!r}"
        )
        links = [block for block in result.content if isinstance(block, types.ResourceLink)]
        assert [str(link.uri) for link in links] == ["spine://about"], (
            f"spine_echo resource links: {[block.type for block in result.content]} / {links!r}"
        )
        assert "hello sdk" in text_of(result), f"spine_echo markdown text: {text_of(result)!r}"

        as_json = await client.call_tool("spine_echo", {"text": "j", "response_format": "json"})
        assert not as_json.is_error, f"spine_echo (json) returned isError: {text_of(as_json)!r}"
        assert as_json.structured_content == {"echoed": ["j"]}, (
            f"spine_echo (json) structuredContent: {as_json.structured_content!r}"
        )


async def check_progress(server: str, home: str, mode: str) -> None:
    steps = 4
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with make_client(server, home, mode) as client:
        await client.list_tools()
        result = await client.call_tool(
            "spine_count", {"steps": steps, "delay_ms": 10}, progress_callback=on_progress
        )
        assert not result.is_error, f"spine_count returned isError: {text_of(result)!r}"
        assert result.structured_content == {"counted": steps, "cancelled": False}, (
            f"spine_count structuredContent: {result.structured_content!r}"
        )
        await wait_until(lambda: len(seen) >= steps)
        progress = [value for value, _, _ in seen]
        totals = {total for _, total, _ in seen}
        assert progress == [float(step) for step in range(1, steps + 1)], f"progress values received: {seen!r}"
        assert totals == {float(steps)}, f"progress totals received: {seen!r}"


async def check_logging_legacy(server: str, home: str, mode: str) -> None:
    logs = Logs()
    async with make_client(server, home, mode, logging_callback=logs) as client:
        await client.list_tools()
        first = await client.call_tool("spine_count", {"steps": 2})
        assert not first.is_error, f"spine_count returned isError: {text_of(first)!r}"
        await anyio.sleep(SETTLE_SECONDS)
        assert logs.messages == [], f"log messages arrived before logging/setLevel: {logs.describe()}"

        await client.set_logging_level("info")
        second = await client.call_tool("spine_count", {"steps": 3})
        assert not second.is_error, f"spine_count returned isError: {text_of(second)!r}"
        await wait_until(lambda: len(logs.messages) >= 3)
        await anyio.sleep(SETTLE_SECONDS)
        levels = logs.levels()
        assert levels.count("info") == 3, f"expected 3 info logs after setLevel(info), got {logs.describe()}"
        assert "debug" not in levels, f"debug log arrived at level info: {logs.describe()}"


async def check_logging_modern(server: str, home: str, mode: str) -> None:
    quiet = Logs()
    async with make_client(server, home, mode, logging_callback=quiet, log_level=None) as client:
        await client.list_tools()
        result = await client.call_tool("spine_count", {"steps": 2})
        assert not result.is_error, f"spine_count returned isError: {text_of(result)!r}"
        await anyio.sleep(SETTLE_SECONDS)
        assert quiet.messages == [], f"log messages arrived without a logLevel opt-in: {quiet.describe()}"

    loud = Logs()
    async with make_client(server, home, mode, logging_callback=loud, log_level="info") as client:
        await client.list_tools()
        result = await client.call_tool("spine_count", {"steps": 3})
        assert not result.is_error, f"spine_count returned isError: {text_of(result)!r}"
        await wait_until(lambda: len(loud.messages) >= 3)
        await anyio.sleep(SETTLE_SECONDS)
        levels = loud.levels()
        assert levels.count("info") == 3, f"expected 3 info logs with log_level=info, got {loud.describe()}"
        assert "debug" not in levels, f"debug log arrived at level info: {loud.describe()}"


async def check_logging(server: str, home: str, mode: str) -> None:
    if mode == "legacy":
        await check_logging_legacy(server, home, mode)
    else:
        await check_logging_modern(server, home, mode)


async def check_fail_redacts(server: str, home: str, mode: str) -> None:
    expected_codes = {
        "invalid_input": "invalid_input",
        "auth_expired": "auth_expired",
        "rate_limited": "rate_limited",
        "upstream": "upstream_failure",
    }
    async with make_client(server, home, mode) as client:
        await client.list_tools()
        for kind, code in expected_codes.items():
            result = await client.call_tool("spine_fail", {"kind": kind})
            text = text_of(result)
            assert result.is_error is True, f"spine_fail({kind}) isError={result.is_error!r}: {text!r}"
            assert text.startswith(f"Error ({code})"), f"spine_fail({kind}) text: {text!r}"
            everything = json.dumps(result.model_dump(mode="json", by_alias=True))
            assert CANARY_SECRET not in everything, f"spine_fail({kind}) leaked the client secret: {everything}"
            assert "leaky-access-token" not in everything, f"spine_fail({kind}) leaked a token: {everything}"
            assert "leakybearer123" not in everything, f"spine_fail({kind}) leaked a bearer: {everything}"
            assert "[REDACTED]" in text, f"spine_fail({kind}) text has no [REDACTED]: {text!r}"


async def check_invalid_arguments(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        await client.list_tools()
        cases: list[tuple[str, dict[str, Any]]] = [
            ("spine_echo", {"text": ""}),
            ("spine_echo", {"text": "x", "times": 9}),
            ("spine_count", {"steps": 0}),
            ("spine_fail", {"kind": "no_such_kind"}),
        ]
        for name, arguments in cases:
            result = await client.call_tool(name, arguments)
            assert result.is_error is True, (
                f"{name}({arguments}) must be an isError result, got isError={result.is_error!r}: {text_of(result)!r}"
            )
            assert text_of(result), f"{name}({arguments}) isError result has no text"

        try:
            result = await client.call_tool("spine_no_such_tool", {})
        except MCPError as error:
            assert error.code == types.INVALID_PARAMS, (
                f"unknown tool: error code {error.code}, expected {types.INVALID_PARAMS}: {error}"
            )
        else:
            raise AssertionError(f"unknown tool must be a protocol error, got a result: {result!r}")


async def check_prompts(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        listed = await client.list_prompts()
        names = [prompt.name for prompt in listed.prompts]
        assert names == ["spine_checkin"], f"prompts/list names: {names}"
        prompt = listed.prompts[0]
        arguments = {argument.name: argument.required for argument in prompt.arguments or []}
        assert arguments == {"focus": True, "tone": False}, f"spine_checkin arguments (name: required): {arguments}"

        got = await client.get_prompt("spine_checkin", {"focus": "sleep", "tone": "gentle"})
        texts = [
            message.content.text for message in got.messages if isinstance(message.content, types.TextContent)
        ]
        assert texts, f"spine_checkin returned no text messages: {got!r}"
        assert any("sleep" in text for text in texts), f"spine_checkin text does not mention the focus: {texts}"
        assert any("gentle" in text for text in texts), f"spine_checkin text does not use the tone: {texts}"


async def check_prompt_completion(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        result = await client.complete(
            types.PromptReference(name="spine_checkin"), {"name": "focus", "value": "s"}
        )
        values = result.completion.values
        assert values == ["sleep", "steps", "stress"], f"completion of focus='s': {values}"


async def check_resources(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        listed = await client.list_resources()
        uris = [str(resource.uri) for resource in listed.resources]
        assert uris == ["spine://about"], f"resources/list URIs: {uris}"
        assert listed.resources[0].mime_type == "text/markdown", f"spine://about: {listed.resources[0]!r}"

        read = await client.read_resource("spine://about")
        assert len(read.contents) == 1, f"spine://about contents: {read.contents!r}"
        content = read.contents[0]
        assert isinstance(content, types.TextResourceContents), f"spine://about is not text: {content!r}"
        assert content.mime_type == "text/markdown", f"spine://about mimeType: {content.mime_type!r}"
        assert "Spine" in content.text, f"spine://about text: {content.text!r}"


async def check_resource_templates(server: str, home: str, mode: str) -> None:
    async with make_client(server, home, mode) as client:
        listed = await client.list_resource_templates()
        templates = [(template.uri_template, template.mime_type) for template in listed.resource_templates]
        assert templates == [("spine://day/{date}", "application/json")], f"resources/templates/list: {templates}"

        completed = await client.complete(
            types.ResourceTemplateReference(uri="spine://day/{date}"), {"name": "date", "value": "2026-01"}
        )
        values = completed.completion.values
        assert values == ["2026-01-01", "2026-01-02", "2026-01-03"], f"completion of date='2026-01': {values}"

        read = await client.read_resource("spine://day/2026-01-02")
        assert len(read.contents) == 1, f"spine://day/2026-01-02 contents: {read.contents!r}"
        content = read.contents[0]
        assert isinstance(content, types.TextResourceContents), f"spine://day/2026-01-02 is not text: {content!r}"
        assert content.mime_type == "application/json", f"spine://day/2026-01-02 mimeType: {content.mime_type!r}"
        document = json.loads(content.text)
        assert document.get("date") == "2026-01-02", f"spine://day/2026-01-02 document: {document!r}"


CHECKS: list[tuple[str, Callable[[str, str, str], Awaitable[None]]]] = [
    ("protocol version", check_protocol_version),
    ("tools/list", check_list_tools),
    ("spine_echo", check_echo),
    ("spine_count progress", check_progress),
    ("logging", check_logging),
    ("spine_fail redaction", check_fail_redacts),
    ("invalid arguments", check_invalid_arguments),
    ("prompts", check_prompts),
    ("prompt completion", check_prompt_completion),
    ("resources", check_resources),
    ("resource templates", check_resource_templates),
]


async def run(server: str) -> int:
    passed = 0
    failed = 0
    for mode in MODES:
        for name, check in CHECKS:
            label = f"[{mode}] {name}"
            try:
                with tempfile.TemporaryDirectory(prefix="spine-sdk-") as home:
                    with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
                        await check(server, home, mode)
            except AssertionError as error:
                failed += 1
                print(f"FAIL {label}: {error}", flush=True)
            except BaseException as error:  # noqa: BLE001 - report anything, keep going
                if isinstance(error, KeyboardInterrupt):
                    raise
                failed += 1
                print(f"FAIL {label}: {type(error).__name__}: {error}", flush=True)
                traceback.print_exc(file=sys.stdout)
            else:
                passed += 1
                print(f"ok   {label}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


def main() -> int:
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} /path/to/spine-server", file=sys.stderr)
        return 2
    return anyio.run(run, sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
