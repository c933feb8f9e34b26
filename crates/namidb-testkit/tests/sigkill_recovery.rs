//! A writer process is killed with SIGKILL at random moments during a commit stream, many rounds
//! on one namespace. After each kill a reopen must show every acknowledged commit and no partial
//! batch, and the next round must be able to continue writing.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use namidb_core::{RandomSource, SystemRandom};
use namidb_storage::{Db, DbOptions};
use namidb_testkit::backends::shared_backends;
use namidb_testkit::batches::check_writer;
use namidb_testkit::writer_protocol::WriterReport;

const KEYS: u32 = 4;
const CONCURRENCY: u32 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_writers_lose_no_acknowledged_commit() {
    let random = SystemRandom::new();
    for backend in shared_backends() {
        let rounds = if backend.name == "file" { 10 } else { 4 };
        let uri = backend.fresh_uri();
        let mut reports: Vec<(String, WriterReport)> = Vec::new();
        let mut total_acked = 0usize;
        for round in 0..rounds {
            let tag = format!("r{round}");
            let mut child = Command::new(env!("CARGO_BIN_EXE_namidb-writer"))
                .args(["--uri", &uri, "--tag", &tag, "--batches", "1000000"])
                .args(["--keys", &KEYS.to_string(), "--concurrency", &CONCURRENCY.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn namidb-writer");
            let mut stdout = child.stdout.take().expect("stdout");
            let reader = std::thread::spawn(move || {
                let mut output = String::new();
                let _ = stdout.read_to_string(&mut output);
                output
            });
            // Let it open (recovering the previous rounds) and commit for a random while, then kill.
            tokio::time::sleep(Duration::from_millis(200 + random.below(500))).await;
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            let report = WriterReport::parse(&reader.join().expect("reader"));
            total_acked += report.acks.len();
            reports.push((tag, report));

            let db = Db::open(&uri, DbOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{}: reopen: {e}", backend.name));
            for (tag, report) in &reports {
                let max_index =
                    report.acks.keys().chain(report.errors.keys()).max().copied().unwrap_or(0)
                        + u64::from(CONCURRENCY) * 4;
                check_writer(&db, tag, report, KEYS, max_index)
                    .await
                    .unwrap_or_else(|e| panic!("{} round {round}: {e}", backend.name));
            }
            db.close().await.unwrap();
        }
        eprintln!(
            "{}: {rounds} kills, {total_acked} acknowledged batches all recovered",
            backend.name
        );
        assert!(total_acked > 0, "{}: the writer never got to commit", backend.name);
    }
}
