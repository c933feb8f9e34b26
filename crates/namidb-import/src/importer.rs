//! The importer: node files first (assigning each `(id space, id)` a node id), then
//! relationship files (endpoints looked up by id), everything in **one** commit whose
//! precondition is that nothing changed since the snapshot the ids were drawn from — so a
//! failed import leaves the namespace as it was, and the ids cannot collide with those of a
//! concurrent writer. The memtable is flushed into SSTs at the end.
//!
//! Node and relationship ids are `(snapshot LSN + 1) << 32 | sequence`, the scheme Cypher
//! statements use, so imported and created entities never share an id.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use namidb_graph::model::{NodeId, NodeRecord, Properties, RelId, RelKey};
use namidb_graph::{GraphBatch, GraphStore};
use namidb_storage::{Precondition, StorageError};

use crate::csv_reader::CsvFile;
use crate::error::{ImportError, Result};
use crate::header::{convert, parse_column, Column};

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
    /// Called every few thousand rows and at the end of each file.
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
const PROGRESS_EVERY: u64 = 4096;

/// Imports `files` into `store` atomically, then flushes.
pub async fn import(
    store: &GraphStore,
    files: &[FileSpec],
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let started = Instant::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let snapshot = store.latest_snapshot().await?;
        let since = snapshot.lsn();
        let mut build = Build::new((since.get() + 1) << 32);
        for file in files {
            build.file(file, progress)?;
        }
        let (nodes, relationships) = (build.nodes, build.relationships);
        let mut batch = build.batch.into_write_batch();
        batch.require(Precondition::RangeUnchanged { start: Bytes::new(), end: None, since });
        match store.db().commit_batch(batch).await {
            Ok(_) => {
                store.flush().await?;
                return Ok(ImportReport {
                    nodes,
                    relationships,
                    elapsed: started.elapsed(),
                    attempts: attempt,
                });
            }
            Err(StorageError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ImportError::Contended(MAX_ATTEMPTS))
}

/// One attempt's batch under construction.
struct Build {
    batch: GraphBatch,
    /// Node ids by id space, then by the id's text (looked up without allocating).
    ids: HashMap<String, HashMap<String, NodeId>>,
    next: u64,
    nodes: u64,
    relationships: u64,
}

impl Build {
    fn new(base: u64) -> Build {
        Build {
            batch: GraphBatch::new(),
            ids: HashMap::new(),
            next: base,
            nodes: 0,
            relationships: 0,
        }
    }

    fn fresh_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn file(&mut self, spec: &FileSpec, progress: &dyn Progress) -> Result<()> {
        let path = &spec.path;
        let mut csv = CsvFile::open(path, spec.delimiter)?;
        let own_header = csv.next_record()?.map(|(_, fields)| fields).unwrap_or_default();
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
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut rows = 0u64;
        while let Some((line, fields)) = csv.next_record()? {
            if fields.len() != columns.len() {
                return Err(ImportError::Data {
                    path: path.clone(),
                    line,
                    message: format!("{} fields, the header has {}", fields.len(), columns.len()),
                });
            }
            match &spec.kind {
                FileKind::Nodes { labels, label_case, .. } => {
                    self.node(&columns, &fields, labels, *label_case, path, line)?
                }
                FileKind::Relationships { rel_type } => {
                    self.relationship(&columns, &fields, rel_type, path, line)?
                }
            }
            rows += 1;
            if rows.is_multiple_of(PROGRESS_EVERY) {
                progress.update(&name, rows);
            }
        }
        progress.update(&name, rows);
        Ok(())
    }

    fn properties(
        columns: &[Column],
        fields: &[String],
        path: &std::path::Path,
        line: usize,
    ) -> Result<Properties> {
        let mut properties = Properties::new();
        for (column, text) in columns.iter().zip(fields) {
            if let Column::Property { name, ty, list } = column {
                let value = convert(text, *ty, *list).map_err(|message| ImportError::Data {
                    path: path.to_owned(),
                    line,
                    message: format!("column `{name}`: {message}"),
                })?;
                if let Some(v) = value {
                    properties.insert(name.clone(), v);
                }
            }
        }
        Ok(properties)
    }

    fn node(
        &mut self,
        columns: &[Column],
        fields: &[String],
        labels: &[String],
        label_case: LabelCase,
        path: &std::path::Path,
        line: usize,
    ) -> Result<()> {
        let mut record = NodeRecord {
            labels: labels.to_vec(),
            properties: Self::properties(columns, fields, path, line)?,
        };
        let mut key = None;
        for (column, text) in columns.iter().zip(fields) {
            match column {
                Column::Id { name, space } => {
                    if let Some(name) = name {
                        let value = convert(text, crate::header::ValueType::Int, false)
                            .ok()
                            .flatten()
                            .unwrap_or(namidb_graph::model::PropertyValue::String(text.clone()));
                        record.properties.insert(name.clone(), value);
                    }
                    key = Some((space, text));
                }
                Column::Label if !text.is_empty() => {
                    record.labels.extend(text.split(';').map(|l| match label_case {
                        LabelCase::AsWritten => l.to_owned(),
                        LabelCase::Capitalized => capitalize(l),
                    }));
                }
                _ => {}
            }
        }
        let id = NodeId(self.fresh_id());
        if let Some((space, text)) = key {
            let in_space = match self.ids.get_mut(space.as_str()) {
                Some(map) => map,
                None => self.ids.entry(space.clone()).or_default(),
            };
            if in_space.insert(text.clone(), id).is_some() {
                return Err(ImportError::Data {
                    path: path.to_owned(),
                    line,
                    message: format!("duplicate id `{text}` in id space `{space}`"),
                });
            }
        }
        self.batch.put_node(id, &record);
        self.nodes += 1;
        Ok(())
    }

    fn relationship(
        &mut self,
        columns: &[Column],
        fields: &[String],
        rel_type: &str,
        path: &std::path::Path,
        line: usize,
    ) -> Result<()> {
        let (mut src, mut dst) = (None, None);
        for (column, text) in columns.iter().zip(fields) {
            let (slot, space) = match column {
                Column::StartId { space } => (&mut src, space),
                Column::EndId { space } => (&mut dst, space),
                _ => continue,
            };
            let id = self.ids.get(space.as_str()).and_then(|m| m.get(text.as_str())).copied();
            let id = id.ok_or_else(|| ImportError::MissingNode {
                path: path.to_owned(),
                line,
                space: space.clone(),
                id: text.clone(),
            })?;
            *slot = Some(id);
        }
        let (Some(src), Some(dst)) = (src, dst) else {
            return Err(ImportError::Header {
                path: path.to_owned(),
                message: "a relationship file needs :START_ID and :END_ID columns".into(),
            });
        };
        let properties = Self::properties(columns, fields, path, line)?;
        let rel = RelKey { rel_type: rel_type.to_owned(), src, dst, id: RelId(self.fresh_id()) };
        self.batch.put_relationship(&rel, &properties)?;
        self.relationships += 1;
        Ok(())
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
