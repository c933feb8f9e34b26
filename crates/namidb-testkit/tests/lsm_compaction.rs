//! Leveled compaction below L0 moves one file at a time: a level over budget sends down the
//! file whose overlap in the next level is smallest, with only the files it meets, so no
//! compaction rewrites whole levels; reads equal the model throughout, the levels keep files of
//! one partition apart, and deleted data leaves the tree once merged with what it hides.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use namidb_graph::model::{NodeId, Properties, PropertyValue};
use namidb_graph::store::CompactionReport;
use namidb_graph::{GraphBatch, GraphStore, LsmOptions};
use namidb_storage::DbOptions;
use namidb_testkit::graph_model::{check, record, rel_key, Model};

fn options() -> LsmOptions {
    LsmOptions {
        background: false,
        l0_compaction_trigger: 2,
        level_base_bytes: 24_000,
        level_size_ratio: 3,
        target_sst_rows: 60,
        node_row_group_rows: 16,
        edge_block_bytes: 256,
        gc_grace: std::time::Duration::ZERO,
        ..LsmOptions::default()
    }
}

/// Commits `batch`, flushes, and runs the compactions the tree asks for.
async fn commit(store: &GraphStore, batch: GraphBatch, reports: &mut Vec<CompactionReport>) {
    store.commit(batch).await.unwrap();
    store.flush().await.unwrap();
    reports.extend(store.compact().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeper_levels_compact_one_file_at_a_time() {
    let uri = "memory://lsm-compaction?ns=one-file";
    let store = GraphStore::open(uri, DbOptions::default(), options()).await.unwrap();
    let mut model = Model::default();
    let mut reports = Vec::new();
    // Rounds of new nodes (four label sets) with relationships to earlier ones, then rounds
    // that relabel, update and delete across the whole id range.
    for round in 0..30u64 {
        let mut batch = GraphBatch::new();
        for i in 0..40 {
            let id = if round < 20 { round * 40 + i } else { (i * 37 + round * 11) % 800 };
            if round >= 20 && i % 5 == 0 {
                batch.delete_node(NodeId(id));
                model.nodes.remove(&id);
                continue;
            }
            let node = record(((id + round) % 4) as u8, (id * round) as i64);
            batch.put_node(NodeId(id), &node);
            model.nodes.insert(id, node);
            let rel = round * 40 + i;
            let key = rel_key(rel, rel % 2 == 0, id, (id * 7919) % (round * 40 + 40));
            let properties = Properties::from([("w".to_owned(), PropertyValue::Int(rel as i64))]);
            if let Some((old, _)) = model.rels.get(&rel) {
                batch.delete_relationship(old).unwrap();
            }
            batch.put_relationship(&key, &properties).unwrap();
            model.rels.insert(rel, (key, properties));
        }
        commit(&store, batch, &mut reports).await;
    }
    check(&store.snapshot(), &model, "after the rounds").await;
    let deeper: Vec<&CompactionReport> = reports.iter().filter(|r| r.from_level >= 1).collect();
    assert!(deeper.len() >= 4, "levels below L0 were compacted: {reports:#?}");
    for report in &deeper {
        assert_eq!(report.source_inputs, 1, "one file moved down: {report:?}");
    }
    // Some files met files below and merged with them; some met nothing and moved whole.
    assert!(deeper.iter().any(|r| r.inputs > 1), "{deeper:#?}");
    assert!(deeper.iter().any(|r| r.inputs == 1 && r.bytes_in == r.bytes_out), "{deeper:#?}");
    let manifest = store.db().manifest();
    assert!(manifest.ssts.node.len() >= 3 && manifest.ssts.edge.len() >= 3, "{manifest:?}");

    // Everything deleted: once fully merged, no version or tombstone is left.
    let mut batch = GraphBatch::new();
    for id in model.nodes.keys() {
        batch.delete_node(NodeId(*id));
    }
    for (key, _) in model.rels.values() {
        batch.delete_relationship(key).unwrap();
    }
    commit(&store, batch, &mut reports).await;
    model = Model::default();
    check(&store.snapshot(), &model, "after deleting everything").await;
    store.compact_fully().await.unwrap();
    check(&store.snapshot(), &model, "fully merged").await;
    let rows: u64 = store.db().manifest().ssts.all().map(|(_, _, sst)| sst.rows).sum();
    assert_eq!(rows, 0, "{:?}", store.db().manifest().ssts);
    store.close().await.unwrap();
}
