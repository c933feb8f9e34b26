//! Two OS processes commit 500 batches each to one namespace at the same time, on `file://` and
//! on every S3 server of the run. Both must keep committing throughout (their acknowledgements
//! interleave in time), at least 95% of attempts must be acknowledged, and after a reopen every
//! acknowledged batch must be there exactly once and no batch that returned an error may be.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::process::{Command, Stdio};

use namidb_storage::{Db, DbOptions};
use namidb_testkit::backends::shared_backends;
use namidb_testkit::batches::check_writer;
use namidb_testkit::writer_protocol::WriterReport;

const BATCHES: u64 = 500;
const KEYS: u32 = 3;

fn spawn_writer(uri: &str, tag: &str, start_at_millis: u64) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_namidb-writer"))
        .args([
            "--uri",
            uri,
            "--tag",
            tag,
            "--batches",
            &BATCHES.to_string(),
            "--keys",
            &KEYS.to_string(),
            "--start-at-millis",
            &start_at_millis.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn namidb-writer")
}

/// How often consecutive acknowledgements (in time order) come from different processes.
fn switches(a: &WriterReport, b: &WriterReport) -> usize {
    let mut events: Vec<(u64, char)> = a.acks.values().map(|(_, t)| (*t, 'a')).collect();
    events.extend(b.acks.values().map(|(_, t)| (*t, 'b')));
    events.sort_unstable();
    if std::env::var_os("NAMIDB_DEBUG_RUNS").is_some() {
        let mut runs = String::new();
        let mut count = 0;
        for (i, (t, who)) in events.iter().enumerate() {
            count += 1;
            if events.get(i + 1).is_none_or(|next| next.1 != *who) {
                runs.push_str(&format!("{who}{count}@{} ", (t - events[0].0) / 1000));
                count = 0;
            }
        }
        eprintln!("runs: {runs}");
    }
    events.windows(2).filter(|w| w[0].1 != w[1].1).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_commit_concurrently_to_one_namespace() {
    for backend in shared_backends() {
        let uri = backend.fresh_uri();
        // Create the namespace first so both processes race on commits, not on creation.
        Db::open(&uri, DbOptions::default()).await.unwrap().close().await.unwrap();
        let started = std::time::Instant::now();
        // Both start committing at one instant, however long spawning and opening take under load.
        let start_at =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
                as u64
                + 3_000;
        let (a, b) = (spawn_writer(&uri, "a", start_at), spawn_writer(&uri, "b", start_at));
        let (out_a, out_b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let elapsed = started.elapsed();
        let (report_a, report_b) = (
            WriterReport::parse(&String::from_utf8_lossy(&out_a.stdout)),
            WriterReport::parse(&String::from_utf8_lossy(&out_b.stdout)),
        );
        assert!(report_a.done && report_b.done, "{}: a writer did not finish", backend.name);
        let (acked_a, acked_b) = (report_a.acks.len() as u64, report_b.acks.len() as u64);
        let switches = switches(&report_a, &report_b);
        eprintln!(
            "{}: {acked_a}+{acked_b} of {} acknowledged in {elapsed:.1?}, {switches} switches between writers; errors: {:?}",
            backend.name,
            2 * BATCHES,
            report_a.errors.values().chain(report_b.errors.values()).take(3).collect::<Vec<_>>()
        );
        for (tag, acked) in [("a", acked_a), ("b", acked_b)] {
            assert!(
                acked * 100 >= BATCHES * 95,
                "{}: writer {tag} had only {acked} of {BATCHES} acknowledged",
                backend.name
            );
        }
        // Interleaving: both writers make progress throughout, not one after the other.
        assert!(
            switches >= 50,
            "{}: only {switches} switches between the writers' acknowledgements",
            backend.name
        );
        let lsns: std::collections::BTreeSet<u64> =
            report_a.acks.values().chain(report_b.acks.values()).map(|(lsn, _)| *lsn).collect();
        assert_eq!(
            lsns.len() as u64,
            acked_a + acked_b,
            "{}: two acknowledgements share an LSN",
            backend.name
        );

        let db = Db::open(&uri, DbOptions::default()).await.unwrap();
        for (tag, report) in [("a", &report_a), ("b", &report_b)] {
            let summary = check_writer(&db, tag, report, KEYS, BATCHES - 1)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", backend.name));
            assert_eq!(summary.acked_present as u64, report.acks.len() as u64);
        }
        assert_eq!(
            db.visible_lsn().get(),
            acked_a + acked_b,
            "{}: extra batches were applied",
            backend.name
        );
        db.close().await.unwrap();
    }
}
