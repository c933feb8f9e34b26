//! `namidb-commit-bench`: commit latency and throughput with 1, 4 and 16 concurrent committers,
//! with a fixed latency injected before every object-store request (20 ms by default, about an S3
//! round trip). Prints p50/p99 latency, commits/s, requests per commit and per group commit, and
//! the throughput ratio of the largest committer count to one committer.
//!
//! ```text
//! namidb-commit-bench --uri 's3://bucket?endpoint=http://127.0.0.1:5317&allow_http=true' \
//!     --latency-ms 20 --committers 1,4,16 --seconds 5
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use namidb_core::SystemRandom;
use namidb_objstore::FaultInjector;
use namidb_storage::{Db, DbOptions, WriteBatch};

#[derive(Parser)]
struct Args {
    /// Store URI without `ns` (a fresh namespace is used per run); defaults to $NAMIDB_TEST_MOTO.
    #[arg(long)]
    uri: Option<String>,
    /// Latency added before every object-store request, in milliseconds.
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Committer counts to measure, comma-separated.
    #[arg(long, default_value = "1,4,16", value_delimiter = ',')]
    committers: Vec<usize>,
    /// Measuring time per committer count, in seconds.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
}

struct RunResult {
    committers: usize,
    commits: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
    requests: u64,
    groups: u64,
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn run(
    base: &str,
    committers: usize,
    latency: Duration,
    seconds: f64,
) -> Result<RunResult, String> {
    let faults = Arc::new(FaultInjector::new(Arc::new(SystemRandom::new())));
    let options = DbOptions { faults: Some(Arc::clone(&faults)), ..DbOptions::default() };
    let separator = if base.contains('?') { '&' } else { '?' };
    let uri = format!("{base}{separator}ns=bench-{committers}-{}", std::process::id());
    let db = Db::open(&uri, options).await.map_err(|e| e.to_string())?;
    let mut warm = WriteBatch::new();
    warm.put("warm", "up");
    db.commit_batch(warm).await.map_err(|e| e.to_string())?;
    faults.set_latency(latency);
    let before = db.metrics();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..committers)
        .map(|worker| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let mut batch = WriteBatch::new();
                    batch.put(format!("bench/{worker}/{i}"), vec![b'x'; 100]);
                    let t0 = Instant::now();
                    if db.commit_batch(batch).await.is_ok() {
                        latencies.push(t0.elapsed());
                    }
                    i += 1;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed();
    let after = db.metrics();
    let _ = db.close().await;
    latencies.sort_unstable();
    Ok(RunResult {
        committers,
        commits: latencies.len(),
        elapsed,
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        requests: after.requests.since(&before.requests).total_requests(),
        groups: after.groups_committed - before.groups_committed,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    namidb_testkit::init_tracing_from_env();
    let Some(base) = args.uri.or_else(|| std::env::var("NAMIDB_TEST_MOTO").ok()) else {
        eprintln!("namidb-commit-bench: give --uri or set NAMIDB_TEST_MOTO");
        return std::process::ExitCode::from(2);
    };
    let latency = Duration::from_millis(args.latency_ms);
    println!(
        "commit benchmark: {base}, {} ms injected per request, {} s per run",
        args.latency_ms, args.seconds
    );
    println!(
        "{:>10} {:>9} {:>10} {:>10} {:>10} {:>12} {:>13} {:>11}",
        "committers",
        "commits",
        "commits/s",
        "p50 ms",
        "p99 ms",
        "req/commit",
        "req/group",
        "batch/group"
    );
    let mut results = Vec::new();
    for committers in &args.committers {
        match run(&base, *committers, latency, args.seconds).await {
            Ok(result) => {
                let per_second = result.commits as f64 / result.elapsed.as_secs_f64();
                println!(
                    "{:>10} {:>9} {:>10.1} {:>10.1} {:>10.1} {:>12.2} {:>13.2} {:>11.1}",
                    result.committers,
                    result.commits,
                    per_second,
                    result.p50.as_secs_f64() * 1000.0,
                    result.p99.as_secs_f64() * 1000.0,
                    result.requests as f64 / result.commits.max(1) as f64,
                    result.requests as f64 / result.groups.max(1) as f64,
                    result.commits as f64 / result.groups.max(1) as f64,
                );
                results.push((result.committers, per_second));
            }
            Err(error) => {
                eprintln!("namidb-commit-bench: run with {committers} committers failed: {error}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    if let (Some(first), Some(last)) = (results.first(), results.last()) {
        if first.0 != last.0 && first.1 > 0.0 {
            println!(
                "throughput ratio {} vs {} committers: {:.1}x",
                last.0,
                first.0,
                last.1 / first.1
            );
        }
    }
    std::process::ExitCode::SUCCESS
}
