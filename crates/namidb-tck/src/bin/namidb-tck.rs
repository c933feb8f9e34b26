//! `namidb-tck [FILTER] [--verbose] [--write-failures FILE]`: runs the openCypher TCK and prints
//! `N passed, M failed`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let write_to =
        args.iter().position(|a| a == "--write-failures").and_then(|i| args.get(i + 1)).cloned();
    let filter =
        args.iter().find(|a| !a.starts_with("--") && Some(*a) != write_to.as_ref()).cloned();
    let root = namidb_tck::default_root();
    let results = match namidb_tck::run_all(&root, filter.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot read the TCK at {}: {e}", root.display());
            std::process::exit(2);
        }
    };
    let mut failed = Vec::new();
    for (id, failure) in &results {
        if let Some(why) = failure {
            if verbose {
                println!("FAIL {id}\n     {}", why.replace('\n', "\n     "));
            }
            failed.push(id.clone());
        }
    }
    if let Some(path) = write_to {
        let mut text = failed.join("\n");
        text.push('\n');
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {path}: {e}");
        }
    }
    println!("{} passed, {} failed", results.len() - failed.len(), failed.len());
}
