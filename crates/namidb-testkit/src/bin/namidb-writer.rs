//! `namidb-writer`: commits a stream of batches to a namespace and reports each outcome on stdout
//! (see `namidb_testkit::writer_protocol`). Used by the two-process and SIGKILL tests.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use namidb_storage::{Db, DbOptions, StorageError};
use namidb_testkit::batches::make_batch;

#[derive(Parser)]
struct Args {
    /// Namespace URI.
    #[arg(long)]
    uri: String,
    /// Tag that names this writer's keys.
    #[arg(long)]
    tag: String,
    /// Batches to commit.
    #[arg(long, default_value_t = 500)]
    batches: u64,
    /// Keys per batch.
    #[arg(long, default_value_t = 3)]
    keys: u32,
    /// Concurrent committers.
    #[arg(long, default_value_t = 1)]
    concurrency: u32,
    /// Wait after opening until this wall-clock time (ms since the epoch) before committing, so
    /// that several writer processes start together however long each took to spawn.
    #[arg(long)]
    start_at_millis: Option<u64>,
}

fn emit(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn now_micros() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
}

fn kind(error: &StorageError) -> &'static str {
    match error {
        StorageError::Conflict { .. } => "Conflict",
        StorageError::Fenced { .. } => "Fenced",
        StorageError::ObjectStore(_) => "ObjectStore",
        StorageError::OutcomeUnknown { .. } => "OutcomeUnknown",
        _ => "Other",
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    namidb_testkit::init_tracing_from_env();
    let db = match Db::open(&args.uri, DbOptions::default()).await {
        Ok(db) => db,
        Err(error) => {
            eprintln!("namidb-writer: cannot open {}: {error}", args.uri);
            return std::process::ExitCode::from(2);
        }
    };
    emit(format!("ready {}", db.writer_id()));
    if let Some(start) = args.start_at_millis {
        let now = (now_micros() / 1000) as u64;
        tokio::time::sleep(std::time::Duration::from_millis(start.saturating_sub(now))).await;
    }
    let next = Arc::new(AtomicU64::new(0));
    let acks = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..args.concurrency.max(1))
        .map(|_| {
            let (db, next, acks, errors, tag) = (
                db.clone(),
                Arc::clone(&next),
                Arc::clone(&acks),
                Arc::clone(&errors),
                args.tag.clone(),
            );
            let (batches, keys) = (args.batches, args.keys);
            tokio::spawn(async move {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= batches {
                        break;
                    }
                    match db.commit_batch(make_batch(&tag, index, keys)).await {
                        Ok(info) => {
                            acks.fetch_add(1, Ordering::SeqCst);
                            emit(format!("ack {index} {} {}", info.lsn, now_micros()));
                        }
                        Err(error) => {
                            errors.fetch_add(1, Ordering::SeqCst);
                            let message = error.to_string().replace('\n', " ");
                            emit(format!("err {index} {} {message}", kind(&error)));
                        }
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    if std::env::var_os("NAMIDB_WRITER_STATS").is_some() {
        eprintln!("namidb-writer {}: {:?}", args.tag, db.metrics());
    }
    let _ = db.close().await;
    emit(format!("done {} {}", acks.load(Ordering::SeqCst), errors.load(Ordering::SeqCst)));
    std::process::ExitCode::SUCCESS
}
