//! `namidb demo`: the storage spine end to end on one machine.
//!
//! Commits batches from concurrent writers (grouped into shared WAL segments and manifest
//! updates), reopens the namespace from the bucket alone (recovery), checks every batch came back,
//! and prints what the bucket holds and what it cost in requests.

use std::time::Instant;

use namidb_storage::{Db, DbOptions, WriteBatch};

use crate::inspect::describe;

/// Runs the demo against `uri`.
pub(crate) async fn run(uri: &str, batches: u64, committers: u64) -> Result<(), String> {
    println!("NamiDB storage demo on {uri}\n");
    let db = Db::open(uri, DbOptions::default()).await.map_err(|e| e.to_string())?;
    let start_lsn = db.visible_lsn();
    let run_id = format!("{:x}", db.writer_id().0 as u32);
    println!(
        "opened namespace `{}` at LSN {start_lsn} (writer {})",
        db.namespace(),
        db.writer_id()
    );

    let started = Instant::now();
    let workers: Vec<_> = (0..committers.max(1))
        .map(|worker| {
            let (db, run_id) = (db.clone(), run_id.clone());
            tokio::spawn(async move {
                let mut index = worker;
                while index < batches {
                    let mut batch = WriteBatch::new();
                    batch.put(format!("demo/{run_id}/{index:06}/name"), format!("person {index}"));
                    batch.put(
                        format!("demo/{run_id}/{index:06}/knows"),
                        format!("person {}", (index * 7 + 3) % batches),
                    );
                    db.commit_batch(batch).await?;
                    index += committers.max(1);
                }
                Ok::<(), namidb_storage::StorageError>(())
            })
        })
        .collect();
    for worker in workers {
        worker.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    }
    let elapsed = started.elapsed();
    let metrics = db.metrics();
    println!(
        "committed {batches} batches from {committers} concurrent writers in {:.2?}: {} group commits, {} object requests ({})",
        elapsed,
        metrics.groups_committed,
        metrics.requests.total_requests(),
        metrics.requests
    );
    db.close().await.map_err(|e| e.to_string())?;

    let reopened = Db::open(uri, DbOptions::default()).await.map_err(|e| e.to_string())?;
    let stored = reopened
        .snapshot()
        .scan_prefix(format!("demo/{run_id}/").as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "reopened from the bucket alone: LSN {}, {} keys of this run recovered (expected {})\n",
        reopened.visible_lsn(),
        stored.len(),
        2 * batches
    );
    if stored.len() as u64 != 2 * batches {
        return Err("recovery lost data".to_owned());
    }
    print!("{}", describe(&reopened.manifest()));
    reopened.close().await.map_err(|e| e.to_string())?;
    println!("\nInspect it again with: namidb inspect '{uri}'");
    Ok(())
}
