//! Turning the records of one chunk of a file into node and relationship versions.
//!
//! Parsing is pure: it reads the file's columns and the id spaces built so far, and returns
//! versions without ids (nodes) or without relationship ids (relationships). The importer then
//! numbers them in file order, so chunks can be parsed on several cores and the result is the
//! same as parsing line by line.

use std::path::Path;

use namidb_graph::edge_sst::EdgeVersion;
use namidb_graph::model::{NodeRecord, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::record_codec::encode_property_entries;

use crate::csv_reader::{for_each_record, LineChunk};
use crate::error::{ImportError, Result};
use crate::header::{convert, Column, ValueType};
use crate::id_map::IdSpace;
use crate::importer::LabelCase;

/// What every row of one file shares.
pub(crate) struct FileLayout<'a> {
    /// The file (for errors).
    pub path: &'a Path,
    /// Field delimiter.
    pub delimiter: char,
    /// The header's columns.
    pub columns: &'a [Column],
    /// The id-space index of each id column (`usize::MAX` for other columns).
    pub spaces: &'a [usize],
}

/// A parsed node row, waiting for its id.
pub(crate) struct ParsedNode {
    /// Its line in the file.
    pub line: usize,
    /// Labels and properties.
    pub record: NodeRecord,
    /// Its `:ID` column: id-space index and the id's text.
    pub key: Option<(usize, String)>,
}

impl FileLayout<'_> {
    fn data_error(&self, line: usize, message: String) -> ImportError {
        ImportError::Data { path: self.path.to_owned(), line, message }
    }

    /// The records of `chunk` with the number of fields the header has.
    fn records(
        &self,
        chunk: &LineChunk,
        mut row: impl FnMut(usize, &[String]) -> Result<()>,
    ) -> Result<()> {
        for_each_record(chunk, self.delimiter, |line, fields| {
            if fields.len() != self.columns.len() {
                let message =
                    format!("{} fields, the header has {}", fields.len(), self.columns.len());
                return Err(self.data_error(line, message));
            }
            row(line, fields)
        })
    }

    /// The node rows of `chunk`, each with `labels` plus any of its `:LABEL` column.
    pub(crate) fn nodes(
        &self,
        chunk: &LineChunk,
        labels: &[String],
        label_case: LabelCase,
    ) -> Result<Vec<ParsedNode>> {
        let mut out = Vec::new();
        self.records(chunk, |line, fields| {
            let mut record =
                NodeRecord { labels: labels.to_vec(), properties: self.properties(fields, line)? };
            let mut key = None;
            for ((column, text), &space) in self.columns.iter().zip(fields).zip(self.spaces) {
                match column {
                    Column::Id { name, .. } => {
                        if let Some(name) = name {
                            let value = convert(text, ValueType::Int, false)
                                .ok()
                                .flatten()
                                .unwrap_or_else(|| PropertyValue::String(text.clone()));
                            record.properties.insert(name.clone(), value);
                        }
                        key = Some((space, text.clone()));
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
            out.push(ParsedNode { line, record, key });
            Ok(())
        })?;
        Ok(out)
    }

    /// The relationship rows of `chunk` as versions of type `rel_type` with relationship id 0,
    /// endpoints resolved in `ids`.
    pub(crate) fn relationships(
        &self,
        chunk: &LineChunk,
        rel_type: &str,
        ids: &[IdSpace],
    ) -> Result<Vec<EdgeVersion>> {
        let mut out = Vec::new();
        self.records(chunk, |line, fields| {
            let (mut src, mut dst) = (None, None);
            let mut entries = Vec::new();
            for ((column, text), &space) in self.columns.iter().zip(fields).zip(self.spaces) {
                let (slot, space_name) = match column {
                    Column::StartId { space } => (&mut src, space),
                    Column::EndId { space } => (&mut dst, space),
                    Column::Property { name, ty, list } => {
                        if let Some(value) = self.value(name, text, *ty, *list, line)? {
                            entries.push((name.as_str(), value));
                        }
                        continue;
                    }
                    _ => continue,
                };
                let id = ids.get(space).and_then(|s| s.get(text));
                *slot = Some(id.ok_or_else(|| ImportError::MissingNode {
                    path: self.path.to_owned(),
                    line,
                    space: space_name.clone(),
                    id: text.clone(),
                })?);
            }
            let (Some(src), Some(dst)) = (src, dst) else {
                return Err(ImportError::Header {
                    path: self.path.to_owned(),
                    message: "a relationship file needs :START_ID and :END_ID columns".into(),
                });
            };
            let rel = RelKey { rel_type: rel_type.to_owned(), src, dst, id: RelId(0) };
            let properties = Some(encode_property_entries(&mut entries));
            out.push(EdgeVersion { rel, lsn: 0, properties });
            Ok(())
        })?;
        Ok(out)
    }

    fn properties(&self, fields: &[String], line: usize) -> Result<Properties> {
        let mut properties = Properties::new();
        for (column, text) in self.columns.iter().zip(fields) {
            if let Column::Property { name, ty, list } = column {
                if let Some(value) = self.value(name, text, *ty, *list, line)? {
                    properties.insert(name.clone(), value);
                }
            }
        }
        Ok(properties)
    }

    /// The value of property column `name` in one row (`None` for an empty field).
    fn value(
        &self,
        name: &str,
        text: &str,
        ty: ValueType,
        list: bool,
        line: usize,
    ) -> Result<Option<PropertyValue>> {
        convert(text, ty, list)
            .map_err(|message| self.data_error(line, format!("column `{name}`: {message}")))
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
