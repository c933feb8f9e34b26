//! `namidb compact URI` and `namidb gc URI [--dry-run]`: LSM maintenance on demand.

/// Compacts every level fully, then reports the levels.
pub(crate) fn compact(uri: &str) -> Result<(), String> {
    let db = crate::open_existing(uri)?;
    db.flush().map_err(|e| e.to_string())?;
    db.compact().map_err(|e| e.to_string())?;
    let manifest = db.store().db().manifest();
    for (kind, levels) in [("node", &manifest.ssts.node), ("edge", &manifest.ssts.edge)] {
        let shape: Vec<String> =
            levels.iter().enumerate().map(|(i, l)| format!("L{i}: {}", l.len())).collect();
        println!(
            "{kind} SSTs  {}",
            if shape.is_empty() { "none".into() } else { shape.join(", ") }
        );
    }
    db.close().map_err(|e| e.to_string())
}

/// Collects garbage (or, with `dry_run`, says what it would delete).
pub(crate) fn gc(uri: &str, dry_run: bool) -> Result<(), String> {
    let db = crate::open_existing(uri)?;
    let report = if dry_run { db.garbage_report() } else { db.collect_garbage() };
    let report = report.map_err(|e| e.to_string())?;
    let verb = if dry_run { "would delete" } else { "deleted" };
    println!(
        "{verb} {} retired objects and {} orphans, {verb} {} expired leases; {} retired objects kept (still readable or within the grace period)",
        report.retired_deleted, report.orphans_deleted, report.leases_removed, report.retired_kept
    );
    db.close().map_err(|e| e.to_string())
}
