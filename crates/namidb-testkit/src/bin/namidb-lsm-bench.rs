//! `namidb-lsm-bench`: the LSM's write and read costs on one store.
//!
//! Loads `--nodes` nodes and `--rels-per-node` relationships each in batches, flushing after each
//! batch (with `--leveled`, running the compactions the tree asks for after each flush, with
//! `--level-base-mb` and `--target-sst-rows`), then compacts fully. Prints flush and compaction throughput (rows/s, MB/s), write
//! amplification (SST bytes written by flushes and compactions over SST bytes of the final tree),
//! and, with `--latency-ms` injected before every request (20 ms ≈ an S3 round trip), cold and
//! warm point-lookup, 1-hop-expand and property-equality-lookup (`(:Person {name: …})`, the
//! lookup prepared and probed) latency with GETs and bytes per query.
//!
//! ```text
//! namidb-lsm-bench --uri memory://bench --nodes 1000000 --rels-per-node 10 --latency-ms 20
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use namidb_core::SystemRandom;
use namidb_graph::edge_sst::Direction;
use namidb_graph::model::{NodeId, NodeRecord, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::store::IndexKey;
use namidb_graph::{GraphBatch, GraphStore, LsmOptions};
use namidb_objstore::{FaultInjector, OpKind};
use namidb_storage::DbOptions;

#[derive(Parser)]
struct Args {
    /// Store URI without `ns` (a fresh namespace is used).
    #[arg(long, default_value = "memory://lsm-bench")]
    uri: String,
    /// Nodes to load.
    #[arg(long, default_value_t = 200_000)]
    nodes: u64,
    /// Relationships per node.
    #[arg(long, default_value_t = 10)]
    rels_per_node: u64,
    /// Nodes per commit (each followed by a flush).
    #[arg(long, default_value_t = 50_000)]
    batch_nodes: u64,
    /// Latency injected before every request during the read measurements, in milliseconds.
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Lookups and expands to time.
    #[arg(long, default_value_t = 20)]
    queries: u64,
    /// Run the compactions the tree asks for after every flush (as the background task
    /// would), and report them, before the full merge.
    #[arg(long)]
    leveled: bool,
    /// L1's budget in MB (`level_base_bytes`), for `--leveled`.
    #[arg(long, default_value_t = 64.0)]
    level_base_mb: f64,
    /// Rows per SST written by compactions (`target_sst_rows`).
    #[arg(long, default_value_t = 1 << 20)]
    target_sst_rows: usize,
}

/// Totals of a run of compactions.
#[derive(Default)]
struct CompactionTotals {
    count: usize,
    below_l0: usize,
    moved: usize,
    bytes_in: u64,
    bytes_out: u64,
    largest_in: u64,
    seconds: f64,
}

impl CompactionTotals {
    fn add(&mut self, report: &namidb_graph::store::CompactionReport) {
        self.count += 1;
        self.below_l0 += usize::from(report.from_level > 0);
        self.moved += usize::from(report.inputs == 1 && report.bytes_in == report.bytes_out);
        self.bytes_in += report.bytes_in;
        self.bytes_out += report.bytes_out;
        self.largest_in = self.largest_in.max(report.bytes_in);
        self.seconds += report.seconds;
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn gets(store: &GraphStore) -> (u64, u64) {
    let m = store.db().metrics().requests;
    let (g, r) = (m.op(OpKind::Get), m.op(OpKind::GetRange));
    (g.requests + r.requests, g.bytes_read + r.bytes_read)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let ns = namidb_testkit::backends::fresh_namespace();
    let separator = if args.uri.contains('?') { '&' } else { '?' };
    let uri = format!("{}{separator}ns={ns}", args.uri);
    let options = LsmOptions {
        background: false,
        level_base_bytes: (args.level_base_mb * 1e6) as u64,
        target_sst_rows: args.target_sst_rows,
        ..LsmOptions::default()
    };
    let mut leveled = CompactionTotals::default();
    let faults = Arc::new(FaultInjector::new(Arc::new(SystemRandom::new())));
    let db_options = DbOptions { faults: Some(Arc::clone(&faults)), ..DbOptions::default() };
    let store = GraphStore::open(&uri, db_options.clone(), options.clone()).await?;
    let (mut flush_rows, mut flush_bytes, mut flush_secs) = (0u64, 0u64, 0f64);
    let mut start = 0;
    let load_started = Instant::now();
    while start < args.nodes {
        let end = (start + args.batch_nodes).min(args.nodes);
        let mut batch = GraphBatch::new();
        for id in start..end {
            let record = NodeRecord {
                labels: vec![if id % 2 == 0 { "Person" } else { "Post" }.to_owned()],
                properties: [
                    ("name".to_owned(), PropertyValue::String(format!("node-{id}"))),
                    ("age".to_owned(), PropertyValue::Int((id % 90) as i64)),
                ]
                .into(),
            };
            batch.put_node(NodeId(id), &record);
            for r in 0..args.rels_per_node {
                let key = RelKey {
                    rel_type: "KNOWS".into(),
                    src: NodeId(id),
                    dst: NodeId((id.wrapping_mul(7919) + r * 104_729) % args.nodes),
                    id: RelId(id * args.rels_per_node + r),
                };
                let properties = Properties::from([("w".to_owned(), PropertyValue::Int(r as i64))]);
                batch.put_relationship(&key, &properties)?;
            }
        }
        store.commit(batch).await?;
        if let Some(report) = store.flush().await? {
            flush_rows += report.node_versions + report.edge_versions;
            flush_bytes += report.bytes;
            flush_secs += report.seconds;
        }
        if args.leveled {
            for report in store.compact().await? {
                leveled.add(&report);
            }
        }
        start = end;
    }
    println!(
        "load: {} nodes, {} relationships in {:.1} s",
        args.nodes,
        args.nodes * args.rels_per_node,
        load_started.elapsed().as_secs_f64()
    );
    println!(
        "flush: {flush_rows} rows, {:.1} MB in {flush_secs:.2} s = {:.0} rows/s, {:.1} MB/s",
        mb(flush_bytes),
        flush_rows as f64 / flush_secs,
        mb(flush_bytes) / flush_secs
    );
    if args.leveled {
        let manifest = store.db().manifest();
        let tree: u64 = manifest.ssts.all().map(|(_, _, s)| s.size_bytes).sum();
        println!(
            "leveled compaction: {} compactions ({} below L0, {} moved whole), {:.1} MB read, \
             {:.1} MB written in {:.2} s; largest read {:.1} MB; write amplification {:.2} \
             (flush + compaction bytes {:.1} MB / tree {:.1} MB in {} SSTs, {} levels)",
            leveled.count,
            leveled.below_l0,
            leveled.moved,
            mb(leveled.bytes_in),
            mb(leveled.bytes_out),
            leveled.seconds,
            mb(leveled.largest_in),
            (flush_bytes + leveled.bytes_out) as f64 / tree as f64,
            mb(flush_bytes + leveled.bytes_out),
            mb(tree),
            manifest.ssts.all().count(),
            manifest.ssts.node.len().max(manifest.ssts.edge.len()),
        );
    }
    let (mut c_rows, mut c_in, mut c_out, mut c_secs) = (0u64, 0u64, 0u64, 0f64);
    for report in store.compact_fully().await? {
        c_rows += report.versions_in;
        c_in += report.bytes_in;
        c_out += report.bytes_out;
        c_secs += report.seconds;
    }
    let manifest = store.db().manifest();
    let final_bytes: u64 = manifest.ssts.all().map(|(_, _, s)| s.size_bytes).sum();
    println!(
        "compaction: {c_rows} rows, {:.1} MB read, {:.1} MB written in {c_secs:.2} s = {:.0} rows/s, {:.1} MB/s",
        mb(c_in),
        mb(c_out),
        c_rows as f64 / c_secs,
        mb(c_in + c_out) / c_secs
    );
    println!(
        "write amplification: {:.2} (SST bytes written {:.1} MB / final tree {:.1} MB, {} SSTs)",
        (flush_bytes + leveled.bytes_out + c_out) as f64 / final_bytes as f64,
        mb(flush_bytes + leveled.bytes_out + c_out),
        mb(final_bytes),
        manifest.ssts.all().count()
    );
    store.close().await?;

    let store = GraphStore::open(&uri, db_options, options).await?;
    faults.set_latency(Duration::from_millis(args.latency_ms));
    let snapshot = store.snapshot();
    let person = ["Person".to_owned()];
    for name in ["point lookup", "1-hop expand", "property lookup"] {
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        let (mut cold_gets, mut cold_bytes) = (0, 0);
        for q in 0..args.queries {
            let id = NodeId(((q * 104_723 + 17) % args.nodes) & !1);
            store.clear_cache();
            for round in 0..2 {
                let before = gets(&store);
                let started = Instant::now();
                match name {
                    "1-hop expand" => drop(snapshot.expand(id, "KNOWS", Direction::Forward).await?),
                    "point lookup" => drop(snapshot.node(id).await?),
                    _ => {
                        let lookup = snapshot.property_lookup(&person, "name").await?;
                        let key = IndexKey::String(format!("node-{}", id.0).into());
                        let found = snapshot.probe_property(&lookup, &key).await?;
                        if found != [id] {
                            return Err(format!("name lookup of {} found {found:?}", id.0).into());
                        }
                    }
                }
                let elapsed = started.elapsed();
                let after = gets(&store);
                if round == 0 {
                    cold.push(elapsed);
                    cold_gets += after.0 - before.0;
                    cold_bytes += after.1 - before.1;
                } else {
                    warm.push(elapsed);
                }
            }
        }
        cold.sort();
        warm.sort();
        let q = args.queries.max(1);
        println!(
            "{name} ({} ms per request): cold p50 {:.1} ms, p99 {:.1} ms, {:.1} GETs, {:.0} bytes per query; warm p50 {:.3} ms",
            args.latency_ms,
            cold[cold.len() / 2].as_secs_f64() * 1e3,
            cold[cold.len() * 99 / 100].as_secs_f64() * 1e3,
            cold_gets as f64 / q as f64,
            cold_bytes as f64 / q as f64,
            warm[warm.len() / 2].as_secs_f64() * 1e3,
        );
    }
    faults.set_latency(Duration::ZERO);
    store.close().await?;
    Ok(())
}
