//! The importer: node files first (assigning each `(id space, id)` a node id), then
//! relationship files (endpoints looked up by id), written straight to SSTs — no WAL, no
//! memtable — and installed as **one** commit (`GraphStore::ingest`) that the manifest admits
//! only if nothing changed since the flushed LSN the ids were drawn from. So a failed import
//! leaves the namespace as it was, and the ids cannot collide with those of a concurrent
//! writer; a concurrent commit makes the importer build again on the newer state.
//!
//! Node and relationship ids are `(base LSN + 1) << 32 | sequence`, the scheme Cypher
//! statements use, so imported and created entities never share an id.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use namidb_graph::edge_sst::EdgeVersion;
use namidb_graph::model::{NodeId, RelId};
use namidb_graph::node_sst::NodeVersion;
use namidb_graph::{GraphError, GraphStore};
use namidb_storage::StorageError;

use crate::csv_reader::{CsvFile, LineChunk};
use crate::error::{ImportError, Result};
use crate::header::{parse_column, Column};
use crate::id_map::IdSpace;
use crate::rows::{FileLayout, ParsedNode};

/// How a file's extra labels (`:LABEL` column) are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelCase {
    /// As written.
    #[default]
    AsWritten,
    /// First letter upper case (`city` → `City`).
    Capitalized,
}

/// One file to import.
#[derive(Debug, Clone)]
pub struct FileSpec {
    /// The file.
    pub path: PathBuf,
    /// Nodes or relationships.
    pub kind: FileKind,
    /// Field delimiter.
    pub delimiter: char,
    /// A typed header replacing the file's own first line (which is then skipped); `None`
    /// reads the typed header from the file.
    pub header: Option<String>,
}

/// What a file holds.
#[derive(Debug, Clone)]
pub enum FileKind {
    /// Nodes with these labels (plus any `:LABEL` column), ids in `id_space` unless the
    /// header names one.
    Nodes {
        /// Labels every node gets.
        labels: Vec<String>,
        /// Default id space.
        id_space: String,
        /// Spelling of `:LABEL` values.
        label_case: LabelCase,
    },
    /// Relationships of one type.
    Relationships {
        /// The relationship type.
        rel_type: String,
    },
}

/// Progress of an import: rows read so far.
pub trait Progress {
    /// Called after every few MiB of a file and at its end.
    fn update(&self, file: &str, rows_done: u64);
}

impl Progress for () {
    fn update(&self, _: &str, _: u64) {}
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Nodes written.
    pub nodes: u64,
    /// Relationships written.
    pub relationships: u64,
    /// Wall time, reading to flushed.
    pub elapsed: Duration,
    /// Commit attempts (more than one when concurrent writers forced a rebuild).
    pub attempts: usize,
}

const MAX_ATTEMPTS: usize = 20;
/// Bytes of a file parsed as one unit of work.
const CHUNK_BYTES: usize = 4 << 20;
/// Chunks parsed at once, one per thread.
const PARSE_THREADS: usize = 2;

/// Imports `files` into `store` atomically, as SSTs.
pub async fn import(
    store: &GraphStore,
    files: &[FileSpec],
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let started = Instant::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let base = store.ingest_base().await?;
        let mut build = Build::new((base.get() + 1) << 32);
        for file in files {
            build.file(file, progress)?;
        }
        let (nodes, relationships) = (build.node_versions.len(), build.edge_versions.len());
        match store.ingest(base, build.node_versions, build.edge_versions).await {
            Ok(_) => {
                return Ok(ImportReport {
                    nodes: nodes as u64,
                    relationships: relationships as u64,
                    elapsed: started.elapsed(),
                    attempts: attempt,
                });
            }
            Err(GraphError::Storage(StorageError::Conflict { .. })) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ImportError::Contended(MAX_ATTEMPTS))
}

/// One attempt's load under construction (versions get their LSN when installed).
struct Build {
    node_versions: Vec<NodeVersion>,
    edge_versions: Vec<EdgeVersion>,
    /// Node ids per id space (a file's id columns hold their index).
    ids: Vec<IdSpace>,
    next: u64,
}

impl Build {
    fn new(base: u64) -> Build {
        Build { node_versions: Vec::new(), edge_versions: Vec::new(), ids: Vec::new(), next: base }
    }

    /// The index of id space `name`, created empty on first use.
    fn space(&mut self, name: &str) -> usize {
        match self.ids.iter().position(|space| space.name == name) {
            Some(index) => index,
            None => {
                self.ids.push(IdSpace::named(name));
                self.ids.len() - 1
            }
        }
    }

    fn fresh_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn file(&mut self, spec: &FileSpec, progress: &dyn Progress) -> Result<()> {
        let path = &spec.path;
        let mut csv = CsvFile::open(path, spec.delimiter)?;
        let own_header = csv.next_record()?.map(|(_, fields)| fields.to_vec()).unwrap_or_default();
        let header_fields = match &spec.header {
            Some(h) => crate::csv_reader::split(h, spec.delimiter),
            None => own_header,
        };
        let default_space = match &spec.kind {
            FileKind::Nodes { id_space, .. } => id_space.clone(),
            FileKind::Relationships { .. } => String::new(),
        };
        let columns = header_fields
            .iter()
            .map(|f| parse_column(f, &default_space))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|message| ImportError::Header { path: path.clone(), message })?;
        // The id space of each id column, resolved once per file.
        let spaces: Vec<usize> = columns
            .iter()
            .map(|column| match column {
                Column::Id { space, .. } | Column::StartId { space } | Column::EndId { space } => {
                    self.space(space)
                }
                _ => usize::MAX,
            })
            .collect();
        let layout =
            FileLayout { path, delimiter: spec.delimiter, columns: &columns, spaces: &spaces };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut rows = 0u64;
        loop {
            let mut chunks = Vec::with_capacity(PARSE_THREADS);
            while chunks.len() < PARSE_THREADS {
                match csv.next_chunk(CHUNK_BYTES)? {
                    Some(chunk) => chunks.push(chunk),
                    None => break,
                }
            }
            if chunks.is_empty() {
                break;
            }
            rows += match &spec.kind {
                FileKind::Nodes { labels, label_case, .. } => {
                    let parsed = in_parallel(&chunks, |c| layout.nodes(c, labels, *label_case))?;
                    self.number_nodes(path, parsed)?
                }
                FileKind::Relationships { rel_type } => {
                    let ids = &self.ids;
                    let parsed = in_parallel(&chunks, |c| layout.relationships(c, rel_type, ids))?;
                    self.number_relationships(parsed)
                }
            };
            progress.update(&name, rows);
        }
        progress.update(&name, rows);
        Ok(())
    }

    /// Gives parsed nodes their ids in file order, recording each `:ID`; returns how many.
    fn number_nodes(&mut self, path: &Path, parsed: Vec<Vec<ParsedNode>>) -> Result<u64> {
        let mut count = 0;
        self.node_versions.reserve(parsed.iter().map(Vec::len).sum());
        for node in parsed.into_iter().flatten() {
            let id = NodeId(self.fresh_id());
            if let Some((space, text)) = &node.key {
                let space = &mut self.ids[*space];
                if !space.insert(text, id) {
                    return Err(ImportError::Data {
                        path: path.to_owned(),
                        line: node.line,
                        message: format!("duplicate id `{text}` in id space `{}`", space.name),
                    });
                }
            }
            self.node_versions.push(NodeVersion {
                id,
                lsn: 0,
                record: Some(std::sync::Arc::new(node.record)),
            });
            count += 1;
        }
        Ok(count)
    }

    /// Gives parsed relationships their ids in file order; returns how many.
    fn number_relationships(&mut self, parsed: Vec<Vec<EdgeVersion>>) -> u64 {
        let mut count = 0;
        self.edge_versions.reserve(parsed.iter().map(Vec::len).sum());
        for mut version in parsed.into_iter().flatten() {
            version.rel.id = RelId(self.fresh_id());
            self.edge_versions.push(version);
            count += 1;
        }
        count
    }
}

/// Runs `parse` over `chunks`, one thread per chunk, and returns the results in chunk order
/// (the first error in file order wins).
fn in_parallel<T: Send>(
    chunks: &[LineChunk],
    parse: impl Fn(&LineChunk) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let parse = &parse;
    let results: Vec<Result<T>> = match chunks {
        [only] => vec![parse(only)],
        [first, rest @ ..] => std::thread::scope(|scope| {
            let handles: Vec<_> = rest.iter().map(|c| scope.spawn(move || parse(c))).collect();
            let mut results = vec![parse(first)];
            for handle in handles {
                results
                    .push(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            }
            results
        }),
        [] => Vec::new(),
    };
    results.into_iter().collect()
}
