//! Parse throughput over the LDBC SNB Interactive query texts, in MB/s (`cargo bench -p
//! namidb-cypher-syntax`). Prints a number; it is not a timed test.

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ldbc/queries");
    let mut texts = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            if file.path().extension().is_some_and(|ext| ext == "cypher") {
                if let Ok(text) = std::fs::read_to_string(file.path()) {
                    texts.push(text);
                }
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    if bytes == 0 {
        eprintln!("no LDBC query texts under {}", root.display());
        return;
    }
    let started = Instant::now();
    let mut rounds = 0u64;
    while started.elapsed() < Duration::from_secs(3) {
        for text in &texts {
            std::hint::black_box(namidb_cypher_syntax::parse(std::hint::black_box(text)).is_ok());
        }
        rounds += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = (bytes as f64 * rounds as f64) / 1e6;
    println!(
        "parsed {} LDBC texts ({bytes} bytes) {rounds} times: {:.1} MB/s, {:.1} µs per query",
        texts.len(),
        megabytes / seconds,
        seconds * 1e6 / (rounds as f64 * texts.len() as f64)
    );
}
