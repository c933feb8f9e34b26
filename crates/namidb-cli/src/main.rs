//! The `namidb` command-line tool.
//!
//! - `namidb demo [--uri URI]`: creates a namespace (default `file://./namidb-data?ns=demo`),
//!   commits batches from concurrent writers, reopens it (recovery) and shows what the bucket holds;
//! - `namidb inspect URI [--json]`: the manifest: version, epoch, writers, LSN watermarks, WAL
//!   segments, SSTs, schema version;
//! - `namidb kv get|put|delete|scan URI …`: raw key-value access to a namespace, for debugging;
//! - `namidb shell URI`: an interactive Cypher shell (`:help` inside);
//! - `namidb query URI "CYPHER" [--param k=v]… [--format table|csv|json]`: one statement;
//! - `namidb import URI --nodes LABEL=FILE … --relationships TYPE=FILE … [--ldbc DIR]`: bulk
//!   import with a progress bar, all or nothing;
//! - `namidb compact URI`, `namidb gc URI [--dry-run]`: LSM maintenance.
//!
//! Architecture invariant: a thin shell over the library crates; no storage logic lives here.

mod demo;
mod import;
mod inspect;
mod kv;
mod maintenance;
mod params;
mod shell;
mod statements;
mod table;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// An interactive Cypher shell (statements end with `;`; `:help` lists commands).
    Shell {
        /// Namespace URI (created if missing).
        uri: String,
    },
    /// Run one Cypher statement and print its result.
    Query {
        /// Namespace URI (must exist).
        uri: String,
        /// The statement.
        query: String,
        /// A parameter `NAME=VALUE` (VALUE as JSON, else a string); repeatable.
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = table::Format::Table)]
        format: table::Format,
    },
    /// Bulk-import CSV files with typed headers (one atomic commit; progress bar).
    Import(import::ImportArgs),
    /// Flush and compact every LSM level fully.
    Compact {
        /// Namespace URI (must exist).
        uri: String,
    },
    /// Delete objects no reader can need any more.
    Gc {
        /// Namespace URI (must exist).
        uri: String,
        /// Only report what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Opens an existing namespace (commands that only read or maintain must not create one).
pub(crate) fn open_existing(uri: &str) -> Result<namidb::Database, String> {
    let mut options = namidb::OpenOptions::default();
    options.db.create_if_missing = false;
    namidb::Database::open_with(uri, options).map_err(|e| e.to_string())
}

fn query(uri: &str, text: &str, params: &[String], format: table::Format) -> Result<(), String> {
    let params = params::parse_params(params)?;
    let db = open_existing(uri)?;
    let result = db.execute(text, &params).map_err(|e| e.to_string());
    let closed = db.close().map_err(|e| e.to_string());
    print!("{}", table::render(&result?, format));
    closed
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // The facade runs its own I/O runtime; these commands block on it from this thread.
    let blocking = match &cli.command {
        Command::Shell { uri } => Some(shell::run(uri)),
        Command::Query { uri, query: text, params, format } => {
            Some(query(uri, text, params, *format))
        }
        Command::Import(args) => Some(import::run(args)),
        Command::Compact { uri } => Some(maintenance::compact(uri)),
        Command::Gc { uri, dry_run } => Some(maintenance::gc(uri, *dry_run)),
        _ => None,
    };
    if let Some(result) = blocking {
        return exit(result);
    }
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
            _ => Ok(()),
        }
    });
    exit(result)
}

fn exit(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
