//! Reading delimiter-separated files: one record per line, fields split on the delimiter,
//! a field in double quotes may hold the delimiter (and `""` for a quote). No multi-line
//! fields.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::error::{ImportError, Result};

/// The lines of a file: its header and its records, with 1-based line numbers.
pub struct CsvFile {
    lines: std::iter::Enumerate<std::io::Lines<BufReader<File>>>,
    delimiter: char,
    path: std::path::PathBuf,
}

impl CsvFile {
    /// Opens `path`.
    pub fn open(path: &Path, delimiter: char) -> Result<CsvFile> {
        let file =
            File::open(path).map_err(|source| ImportError::Io { path: path.to_owned(), source })?;
        Ok(CsvFile {
            lines: BufReader::with_capacity(1 << 20, file).lines().enumerate(),
            delimiter,
            path: path.to_owned(),
        })
    }

    /// The next non-empty record: `(line number, fields)`.
    pub fn next_record(&mut self) -> Result<Option<(usize, Vec<String>)>> {
        for (index, line) in self.lines.by_ref() {
            let line =
                line.map_err(|source| ImportError::Io { path: self.path.clone(), source })?;
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if line.is_empty() {
                continue;
            }
            return Ok(Some((index + 1, split(line, self.delimiter))));
        }
        Ok(None)
    }
}

/// Splits one line into fields.
pub fn split(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split() {
        assert_eq!(split("a|b||c", '|'), vec!["a", "b", "", "c"]);
        assert_eq!(split("\"x|y\"|\"say \"\"hi\"\"\"", '|'), vec!["x|y", "say \"hi\""]);
        assert_eq!(split("", ','), vec![""]);
    }
}
