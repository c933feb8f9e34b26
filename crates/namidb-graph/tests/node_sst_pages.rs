//! Page-level point reads of node SSTs: the pages the page index admits for an id hold exactly
//! the id's versions a whole-row-group read finds, and cost a fraction of its bytes.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use bytes::Bytes;
use namidb_graph::model::{NodeId, NodeRecord, PropertyValue};
use namidb_graph::node_sst::{NodeColumns, NodeSstWriter, NodeVersion, RemoteNodeSst, PAGE_ROWS};
use namidb_objstore::{Bucket, OpKind, StoreUri};

const NODES: u64 = 150_000;
const ROW_GROUP: usize = 64 * 1024;

/// Every third node has two versions (so an id's versions can straddle a page boundary); every
/// seventh id is missing; properties mix native, sparse and encoded columns.
fn versions() -> Vec<NodeVersion> {
    let mut out = Vec::new();
    for id in (0..NODES).filter(|id| id % 7 != 3) {
        let record = |lsn: u64| NodeRecord {
            labels: vec!["Person".into()],
            properties: [
                ("name".to_owned(), PropertyValue::String(format!("person-{id}-{lsn}"))),
                ("age".to_owned(), PropertyValue::Int((id * 31 % 97) as i64)),
                ("tags".to_owned(), PropertyValue::List(vec![PropertyValue::Int(lsn as i64)])),
            ]
            .into_iter()
            .chain((id % 5 == 0).then(|| ("score".to_owned(), PropertyValue::Float(id as f64))))
            .collect(),
        };
        out.push(NodeVersion { id: NodeId(id), lsn: 10, record: Some(Arc::new(record(10))) });
        if id % 3 == 0 {
            let newer = (id % 2 == 0).then(|| Arc::new(record(20)));
            out.push(NodeVersion { id: NodeId(id), lsn: 20, record: newer });
        }
    }
    out
}

fn bytes_read(bucket: &Bucket) -> (u64, u64) {
    let metrics = bucket.metrics();
    let range = metrics.op(OpKind::GetRange);
    (range.requests, range.bytes_read)
}

/// The versions written as one node SST into a fresh memory bucket, opened.
async fn stored(name: &str, versions: &[NodeVersion]) -> (Bucket, RemoteNodeSst) {
    let file = NodeSstWriter::new(ROW_GROUP).write(&["Person".to_owned()], versions).unwrap();
    let size = file.len() as u64;
    let uri = StoreUri::parse(&format!("memory://{name}?ns=n")).unwrap();
    let bucket = Bucket::open(&uri, Default::default()).unwrap();
    bucket.put("f.parquet", Bytes::from(file)).await.unwrap();
    let sst = RemoteNodeSst::open(&bucket, "f.parquet", size).await.unwrap();
    (bucket, sst)
}

#[tokio::test]
async fn page_reads_find_exactly_the_versions_of_the_id() {
    let versions = versions();
    let (bucket, sst) = stored("node-pages", &versions).await;
    assert_eq!(sst.row_groups(), versions.len().div_ceil(ROW_GROUP));

    let all = NodeColumns::All;
    let mut whole = Vec::new();
    for row_group in 0..sst.row_groups() {
        whole.push(sst.read(&bucket, &[row_group], &all).await.unwrap().versions().unwrap());
    }
    let probes = [0, 1, 2, 3, 4095, 4096, 4097, 65_535, 65_536, 99_999, 100_002, NODES - 1, NODES];
    for id in probes.into_iter().chain((0..NODES).step_by(4_999)) {
        for row_group in sst.row_groups_for(id) {
            let expected: Vec<&NodeVersion> =
                whole[row_group].iter().filter(|v| v.id.0 == id).collect();
            let rows = sst.page_rows_for(row_group, id).expect("the file has a page index");
            assert!(rows.len() <= 2 * PAGE_ROWS, "id {id}: {rows:?}");
            let before = bytes_read(&bucket);
            let read = sst.read_rows(&bucket, row_group, rows.clone(), &all).await.unwrap();
            let read = read.versions().unwrap();
            let (requests, bytes) = {
                let after = bytes_read(&bucket);
                (after.0 - before.0, after.1 - before.1)
            };
            let found: Vec<&NodeVersion> = read.iter().filter(|v| v.id.0 == id).collect();
            assert_eq!(found, expected, "id {id} in row group {row_group} (rows {rows:?})");
            assert_eq!(read.len(), rows.len().min(whole[row_group].len() - rows.start));
            let chunk = sst.chunk_bytes(row_group, &all);
            if !rows.is_empty() {
                assert!(bytes * 2 < chunk, "id {id}: read {bytes} of {chunk} bytes");
                assert!(requests <= 6, "id {id}: {requests} requests");
            }
        }
    }
    // An id between two files' worth of ids, or past the end, is refused by the page index.
    assert_eq!(sst.page_rows_for(sst.row_groups() - 1, NODES + 10), Some(0..0));
}

#[tokio::test]
async fn keys_only_page_reads_skip_the_property_columns() {
    let (bucket, sst) = stored("node-pages-keys", &versions()).await;
    let rows = sst.page_rows_for(1, 80_000).unwrap();
    let keys = sst.read_rows(&bucket, 1, rows, &NodeColumns::Keys).await.unwrap();
    let keys = keys.versions().unwrap();
    assert!(keys.iter().any(|v| v.id.0 == 80_000));
    assert!(keys.iter().all(|v| v.record.as_ref().is_none_or(|r| r.properties.is_empty())));
}
