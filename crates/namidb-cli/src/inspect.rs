//! `namidb inspect`: what a namespace's manifest and schema say.

use namidb::GraphSchema;
use namidb_storage::layout::SCHEMA_KEY;
use namidb_storage::{Db, DbOptions, Manifest};

/// Prints the manifest of `uri` (read-only: the namespace is not created if missing).
pub(crate) async fn run(uri: &str, json: bool) -> Result<(), String> {
    let options = DbOptions { create_if_missing: false, ..DbOptions::default() };
    let db = Db::open(uri, options).await.map_err(|e| e.to_string())?;
    let manifest = db.manifest();
    if json {
        println!("{}", String::from_utf8_lossy(&manifest.encode()));
    } else {
        print!("{}", describe(&manifest));
        let schema = db.bucket().get(SCHEMA_KEY).await.map_err(|e| e.to_string())?;
        match GraphSchema::decode(&schema.bytes) {
            Ok(schema) => {
                println!("schema           version {} (flushed data only)", schema.version);
                print!("{}", describe_schema(&schema));
            }
            Err(e) => println!("schema           {SCHEMA_KEY} does not decode: {e}"),
        }
    }
    db.close().await.map_err(|e| e.to_string())
}

/// A schema, one line per label and relationship type with its property types.
pub(crate) fn describe_schema(schema: &GraphSchema) -> String {
    let mut out = String::new();
    let element = |name: String, element: &namidb::ElementSchema| {
        let properties: Vec<String> = element
            .properties
            .iter()
            .map(|(key, types)| {
                format!("{key} {}", types.iter().map(String::as_str).collect::<Vec<_>>().join("|"))
            })
            .collect();
        format!("  {name:<24} {}\n", properties.join(", "))
    };
    for (label, schema) in &schema.labels {
        out.push_str(&element(format!("(:{label})"), schema));
    }
    for (rel_type, schema) in &schema.relationship_types {
        out.push_str(&element(format!("[:{rel_type}]"), schema));
    }
    if let Some(unlabelled) = &schema.unlabelled {
        out.push_str(&element("() without label".into(), unlabelled));
    }
    out
}

/// SSTs listed one by one per level.
const SSTS_LISTED: usize = 8;

/// A human-readable summary of a manifest.
pub(crate) fn describe(manifest: &Manifest) -> String {
    let mut out = String::new();
    let wal_bytes: u64 = manifest.wal.iter().map(|s| s.size_bytes).sum();
    out.push_str(&format!("namespace        {}\n", manifest.namespace));
    out.push_str(&format!(
        "manifest         version {}, format {}\n",
        manifest.version, manifest.format_version
    ));
    out.push_str(&format!("epoch            {}\n", manifest.epoch));
    out.push_str(&format!("last writer      {}\n", manifest.writer_id.as_deref().unwrap_or("-")));
    out.push_str(&format!(
        "exclusive holder {}\n",
        manifest.exclusive_writer.as_deref().unwrap_or("none")
    ));
    out.push_str(&format!("last LSN         {}\n", manifest.last_lsn));
    out.push_str(&format!("flushed LSN      {}\n", manifest.flushed_lsn));
    out.push_str(&format!(
        "WAL              {} segments, {} bytes, next slot {}\n",
        manifest.wal.len(),
        wal_bytes,
        manifest.next_wal_seq
    ));
    for segment in manifest.wal.iter().rev().take(5) {
        out.push_str(&format!(
            "  wal/{:020}.wal  LSN {}..={}  {} bytes  crc32c {:08x}\n",
            segment.seq, segment.first_lsn, segment.last_lsn, segment.size_bytes, segment.crc32c
        ));
    }
    if manifest.wal.len() > 5 {
        out.push_str(&format!("  … {} older segments\n", manifest.wal.len() - 5));
    }
    for (kind, levels) in [("node", &manifest.ssts.node), ("edge", &manifest.ssts.edge)] {
        let total: usize = levels.iter().map(Vec::len).sum();
        out.push_str(&format!("SSTs ({kind})      {total}\n"));
        for (level, ssts) in levels.iter().enumerate() {
            let bytes: u64 = ssts.iter().map(|s| s.size_bytes).sum();
            let rows: u64 = ssts.iter().map(|s| s.rows).sum();
            out.push_str(&format!("  L{level}: {} SSTs, {bytes} bytes, {rows} rows\n", ssts.len()));
            for sst in ssts.iter().take(SSTS_LISTED) {
                out.push_str(&format!(
                    "    {}  {} bytes  {} rows\n",
                    sst.id, sst.size_bytes, sst.rows
                ));
            }
            if ssts.len() > SSTS_LISTED {
                out.push_str(&format!("    … {} more\n", ssts.len() - SSTS_LISTED));
            }
        }
    }
    out.push_str(&format!("schema version   {}\n", manifest.schema_version));
    out.push_str(&format!("active writers   {}\n", manifest.writers.len()));
    for (id, entry) in &manifest.writers {
        out.push_str(&format!("  {id}: {} manifest updates\n", entry.commits));
    }
    out
}
