//! The `namidb` command-line tool.
//!
//! - `namidb demo [--uri URI]`: creates a namespace (default `file://./namidb-data?ns=demo`),
//!   commits batches from concurrent writers, reopens it (recovery) and shows what the bucket holds;
//! - `namidb inspect URI [--json]`: the manifest: version, epoch, writers, LSN watermarks, WAL
//!   segments, SSTs, schema version;
//! - `namidb kv get|put|delete|scan URI …`: raw key-value access to a namespace, for debugging.
//!
//! Architecture invariant: a thin shell over the library crates; no storage logic lives here.

mod demo;
mod inspect;
mod kv;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "namidb",
    version,
    about = "NamiDB: a graph database whose state lives in an object-store bucket"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a namespace, commit from concurrent writers, reopen it and show what is stored.
    Demo {
        /// Namespace URI.
        #[arg(long, default_value = "file://./namidb-data?ns=demo")]
        uri: String,
        /// Batches to commit.
        #[arg(long, default_value_t = 400)]
        batches: u64,
        /// Concurrent committers.
        #[arg(long, default_value_t = 16)]
        committers: u64,
    },
    /// Show a namespace's manifest.
    Inspect {
        /// Namespace URI.
        uri: String,
        /// Print the manifest as stored (JSON).
        #[arg(long)]
        json: bool,
    },
    /// Raw key-value access (debugging).
    Kv {
        #[command(subcommand)]
        command: kv::KvCommand,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo { uri, batches, committers } => {
                demo::run(&uri, batches, committers).await
            }
            Command::Inspect { uri, json } => inspect::run(&uri, json).await,
            Command::Kv { command } => kv::run(command).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
