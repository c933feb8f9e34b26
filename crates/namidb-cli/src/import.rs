//! `namidb import URI --nodes LABEL=FILE … --relationships TYPE=FILE … [--ldbc DIR]`: bulk
//! import of typed-header CSV files (`neo4j-admin import` style) in one atomic commit, with a
//! progress bar. A failed import leaves the namespace as it was.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use namidb::import::{ldbc, FileKind, FileSpec, LabelCase, Progress};
use namidb::Database;

/// What to import.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Namespace URI.
    uri: String,
    /// A node file: `LABEL=FILE` or `LABEL1:LABEL2=FILE` (ids in the global id space unless
    /// the header's `:ID(space)` names one, as with `neo4j-admin import`).
    #[arg(long = "nodes", value_name = "LABELS=FILE")]
    nodes: Vec<String>,
    /// A relationship file: `TYPE=FILE` (`:START_ID`, `:END_ID` columns).
    #[arg(long = "relationships", value_name = "TYPE=FILE")]
    relationships: Vec<String>,
    /// An LDBC SNB data set (the directory holding `static/` and `dynamic/`): Interactive v1
    /// (`person_0_0.csv`, epoch-millisecond dates) or Spark Datagen CsvCompositeProjectedFK
    /// (`Person.csv`, ISO dates), with the Neo4j reference labels and relationship types.
    #[arg(long, value_name = "DIR")]
    ldbc: Option<PathBuf>,
    /// Field delimiter of the --nodes / --relationships files.
    #[arg(long, default_value_t = ',')]
    delimiter: char,
}

fn split_spec(text: &str) -> Result<(&str, PathBuf), String> {
    let (name, file) = text.split_once('=').ok_or_else(|| format!("`{text}` is not NAME=FILE"))?;
    if name.is_empty() {
        return Err(format!("`{text}` names no label or type"));
    }
    Ok((name, PathBuf::from(file)))
}

/// The files `args` names, nodes first.
fn specs(args: &ImportArgs) -> Result<Vec<FileSpec>, String> {
    let mut specs = match &args.ldbc {
        Some(dir) => ldbc::detect(dir).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    for text in &args.nodes {
        let (labels, path) = split_spec(text)?;
        let labels: Vec<String> = labels.split(':').map(str::to_owned).collect();
        specs.push(FileSpec {
            path,
            kind: FileKind::Nodes {
                labels,
                id_space: String::new(),
                label_case: LabelCase::AsWritten,
            },
            delimiter: args.delimiter,
            header: None,
        });
    }
    for text in &args.relationships {
        let (rel_type, path) = split_spec(text)?;
        specs.push(FileSpec {
            path,
            kind: FileKind::Relationships { rel_type: rel_type.to_owned() },
            delimiter: args.delimiter,
            header: None,
        });
    }
    // Nodes before relationships, whatever the order given.
    specs.sort_by_key(|s| matches!(s.kind, FileKind::Relationships { .. }));
    if specs.is_empty() {
        return Err("nothing to import: give --nodes, --relationships or --ldbc".into());
    }
    Ok(specs)
}

/// A progress bar over all files: rows so far, rows per second, the current file.
struct Bar {
    bar: ProgressBar,
    state: Mutex<(String, u64, u64)>,
}

impl Progress for Bar {
    fn update(&self, file: &str, rows_done: u64) {
        let Ok(mut state) = self.state.lock() else { return };
        let (current, base, last) = &mut *state;
        if current != file {
            *base += *last;
            *last = 0;
            *current = file.to_owned();
            let name =
                std::path::Path::new(file).file_name().map_or(file.into(), |n| n.to_string_lossy());
            self.bar.set_message(name.into_owned());
        }
        *last = rows_done;
        self.bar.set_position(*base + rows_done);
    }
}

/// Runs the import.
pub(crate) fn run(args: &ImportArgs) -> Result<(), String> {
    let specs = specs(args)?;
    let db = Database::open(&args.uri).map_err(|e| e.to_string())?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} {human_pos} rows ({per_sec}) {msg}",
        )
        .map_err(|e| e.to_string())?,
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let progress = Bar { bar, state: Mutex::new((String::new(), 0, 0)) };
    let report = db.import(&specs, &progress);
    progress.bar.finish_and_clear();
    let report = report.map_err(|e| format!("{e} (nothing was imported)"))?;
    let secs = report.elapsed.as_secs_f64().max(1e-9);
    let rows = report.nodes + report.relationships;
    println!(
        "imported {} nodes and {} relationships from {} files in {:.2} s ({:.0} rows/s)",
        report.nodes,
        report.relationships,
        specs.len(),
        secs,
        rows as f64 / secs
    );
    db.close().map_err(|e| e.to_string())
}
