//! The command line: parsed once into typed options, then handed to one module per
//! command. This is the binary's edge, so errors become one clear line on stderr.

/// `println!` that never panics: a closed stdout (`| head`) is the reader's choice,
/// not an error worth a crash.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that never panics, like [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod call;
mod conformance;
mod demo;
mod manifest;
mod serve;

use std::net::IpAddr;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use delx_framework::{BuildContext, ProviderCommand, ProviderRegistration, Registry};

use crate::App;

/// Exit code for a command that ran and failed (a tool error, say).
const EXIT_FAILURE: u8 = 1;
/// Exit code for a command line we could not understand.
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(disable_version_flag = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve MCP on stdio (the default), or on streamable HTTP with --http.
    Serve(ServeArgs),
    /// Run one tool through the same validation as an MCP call; print its JSON result.
    Call(CallArgs),
    /// Run on the built-in demo account: no account, no network. Serves MCP on stdio,
    /// or streamable HTTP with `--http`.
    Demo(DemoArgs),
    /// Check the linked providers against the Delx Wellness quality standard.
    Conformance(ConformanceArgs),
    /// Generate a provider's registry entry, server.json, llms.txt or agent manifest.
    Manifest(ManifestArgs),
    /// Print the version.
    Version,
}

#[derive(Debug, clap::Args)]
struct ManifestArgs {
    #[arg(value_enum)]
    kind: manifest::Kind,
    /// The provider (default: the first published one).
    #[arg(long)]
    provider: Option<String>,
    /// Write the files into this directory instead of printing.
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ConformanceArgs {
    /// Only this provider (its id, such as `withings`).
    #[arg(long)]
    provider: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Exit 1 unless every checked provider reaches this tier.
    #[arg(long, value_enum)]
    min_tier: Option<conformance::MinTier>,
}

#[derive(Debug, clap::Args)]
struct DemoArgs {
    /// Print a few showcase tool results instead of serving MCP.
    #[arg(long, conflicts_with = "http")]
    print: bool,
    #[command(flatten)]
    transport: TransportArgs,
}

#[derive(Debug, Default, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    transport: TransportArgs,
}

/// How the server is reached; shared by `serve` and `demo`.
#[derive(Debug, Default, clap::Args)]
struct TransportArgs {
    /// Serve streamable HTTP at /mcp instead of stdio.
    #[arg(long)]
    http: bool,
    /// Address to bind (default 127.0.0.1, or the server's _HOST variable); anything
    /// but loopback requires a bearer token.
    #[arg(long, requires = "http")]
    host: Option<IpAddr>,
    /// Port to bind (default 3333, or the server's _PORT variable); 0 picks a free one
    /// and prints the address on stderr.
    #[arg(long, requires = "http")]
    port: Option<u16>,
    /// Bearer token clients must send. Prefer the environment variable: argv is
    /// visible to other users of this machine.
    #[arg(long, requires = "http")]
    token: Option<String>,
    /// Another Host name to accept besides loopback (repeatable).
    #[arg(long = "allow-host", requires = "http")]
    allow_hosts: Vec<String>,
}

#[derive(Debug, clap::Args)]
struct CallArgs {
    /// The tool's name, as in tools/list.
    tool: String,
    /// The arguments as a JSON object.
    #[arg(long, default_value = "{}")]
    json: String,
}

/// Parses argv and runs the command; the whole program.
pub fn run(app: App) -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let provided = provider_commands();
    if let Some(extra) = args
        .get(1)
        .and_then(|name| provided.iter().find(|command| name == command.name))
    {
        init_logging(app);
        return (extra.run)(args.split_off(2));
    }
    let mut command = Cli::command();
    for extra in &provided {
        command = command.subcommand(clap::Command::new(extra.name).about(extra.about));
    }
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(error) => return usage_error(app, &error),
    };
    init_logging(app);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(app, &format!("cannot start the async runtime: {error}")),
    };
    let outcome = runtime.block_on(async {
        // A bare command serves stdio, as MCP clients launch it.
        match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
            Command::Serve(args) => serve::run(app, args).await,
            Command::Call(args) => call::run(app, args).await,
            Command::Demo(args) => demo::run(app, args).await,
            Command::Conformance(args) => conformance::run(app, args).await,
            Command::Manifest(args) => manifest::run(app, args).await,
            Command::Version => {
                outln!("{} {}", app.name, app.version);
                Ok(ExitCode::SUCCESS)
            }
        }
    });
    outcome.unwrap_or_else(|error| fail(app, &format!("{error:#}")))
}

/// The commands every linked provider adds, in provider order. A provider command
/// never shadows one of the server's own.
fn provider_commands() -> Vec<ProviderCommand> {
    let own: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|command| command.get_name().to_owned())
        .chain(["help".to_owned()])
        .collect();
    ProviderRegistration::all()
        .into_iter()
        .flat_map(|registration| registration.commands.iter().copied())
        .filter(|command| !own.iter().any(|name| name == command.name))
        .collect()
}

/// Builds every linked provider; a naming clash or a broken provider stops here.
fn build_registry() -> anyhow::Result<Registry> {
    Ok(Registry::from_inventory(&BuildContext::from_process())?)
}

/// Help and version go to stdout with success; anything else is one line on stderr.
fn usage_error(app: App, error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        out!("{error}");
        return ExitCode::SUCCESS;
    }
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        eprint!("{error}");
        return ExitCode::from(EXIT_USAGE);
    }
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or("invalid command line");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    eprintln!("{}: {first} (see `{} help`)", app.name, app.name);
    ExitCode::from(EXIT_USAGE)
}

fn fail(app: App, message: &str) -> ExitCode {
    eprintln!("{}: {message}", app.name);
    ExitCode::from(EXIT_FAILURE)
}

/// Logs go to stderr only: on stdio, stdout belongs to MCP.
fn init_logging(app: App) {
    let filter = tracing_subscriber::EnvFilter::try_from_env(app.env_var("LOG"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
