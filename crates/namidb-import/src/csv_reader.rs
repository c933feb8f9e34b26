//! Reading delimiter-separated files: one record per line, fields split on the delimiter,
//! a field in double quotes may hold the delimiter (and `""` for a quote). No multi-line
//! fields.
//!
//! The reader reuses one line buffer and one set of field strings for every record, so reading
//! a row allocates nothing once the buffers have grown to the widest row. Bulk readers take
//! [`LineChunk`]s — runs of whole lines — to parse on several threads.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::error::{ImportError, Result};

/// The lines of a file: its header and its records, with 1-based line numbers.
pub struct CsvFile {
    reader: BufReader<File>,
    delimiter: char,
    path: std::path::PathBuf,
    line: String,
    line_number: usize,
    fields: Vec<String>,
}

impl CsvFile {
    /// Opens `path`.
    pub fn open(path: &Path, delimiter: char) -> Result<CsvFile> {
        let file =
            File::open(path).map_err(|source| ImportError::Io { path: path.to_owned(), source })?;
        Ok(CsvFile {
            reader: BufReader::with_capacity(1 << 20, file),
            delimiter,
            path: path.to_owned(),
            line: String::new(),
            line_number: 0,
            fields: Vec::new(),
        })
    }

    /// The next non-empty record: `(line number, fields)`, valid until the next call.
    pub fn next_record(&mut self) -> Result<Option<(usize, &[String])>> {
        loop {
            self.line.clear();
            let read = self
                .reader
                .read_line(&mut self.line)
                .map_err(|source| ImportError::Io { path: self.path.clone(), source })?;
            if read == 0 {
                return Ok(None);
            }
            self.line_number += 1;
            let line = self.line.strip_suffix('\n').unwrap_or(&self.line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            let count = split_into(line, self.delimiter, &mut self.fields);
            return Ok(Some((self.line_number, &self.fields[..count])));
        }
    }
}

/// A run of whole lines of a file.
pub struct LineChunk {
    /// The line number of its first line (1-based).
    pub first_line: usize,
    /// The lines, each ending in a newline except perhaps the file's last.
    pub text: String,
}

impl CsvFile {
    /// The next run of whole lines, about `bytes` long (`None` at the end of the file).
    pub fn next_chunk(&mut self, bytes: usize) -> Result<Option<LineChunk>> {
        let mut text = String::with_capacity(bytes + 256);
        let first_line = self.line_number + 1;
        while text.len() < bytes {
            let read = self
                .reader
                .read_line(&mut text)
                .map_err(|source| ImportError::Io { path: self.path.clone(), source })?;
            if read == 0 {
                break;
            }
            self.line_number += 1;
        }
        Ok((!text.is_empty()).then_some(LineChunk { first_line, text }))
    }
}

/// Calls `row` with the line number and fields of every non-empty line of `chunk`, stopping at
/// the first error.
pub fn for_each_record<E>(
    chunk: &LineChunk,
    delimiter: char,
    mut row: impl FnMut(usize, &[String]) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut fields = Vec::new();
    for (offset, line) in chunk.text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let count = split_into(line, delimiter, &mut fields);
        row(chunk.first_line + offset, &fields[..count])?;
    }
    Ok(())
}

/// Splits one line into fields.
pub fn split(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let count = split_into(line, delimiter, &mut fields);
    fields.truncate(count);
    fields
}

/// Splits `line` into the first fields of `fields`, reusing their buffers; returns how many.
fn split_into(line: &str, delimiter: char, fields: &mut Vec<String>) -> usize {
    let mut count = 0;
    let mut next = |fields: &mut Vec<String>| -> usize {
        if fields.len() == count {
            fields.push(String::new());
        }
        fields[count].clear();
        count += 1;
        count - 1
    };
    if !line.contains('"') {
        for part in line.split(delimiter) {
            let index = next(fields);
            fields[index].push_str(part);
        }
        return count;
    }
    let mut index = next(fields);
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                fields[index].push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if fields[index].is_empty() => quoted = true,
            c if c == delimiter && !quoted => index = next(fields),
            c => fields[index].push(c),
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split() {
        assert_eq!(split("a|b||c", '|'), vec!["a", "b", "", "c"]);
        assert_eq!(split("\"x|y\"|\"say \"\"hi\"\"\"", '|'), vec!["x|y", "say \"hi\""]);
        assert_eq!(split("", ','), vec![""]);
        assert_eq!(split("a,", ','), vec!["a", ""]);
    }

    #[test]
    fn buffers_are_reused_without_leaking_earlier_fields() {
        let mut fields = Vec::new();
        assert_eq!(split_into("one|two|three", '|', &mut fields), 3);
        assert_eq!(split_into("\"x\"|y", '|', &mut fields), 2);
        assert_eq!(&fields[..2], ["x", "y"]);
        assert_eq!(split_into("z", '|', &mut fields), 1);
        assert_eq!(fields[0], "z");
    }

    #[test]
    fn records_carry_their_line_numbers_and_skip_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, "h1|h2\r\n\na|b\nc|\"d|e\"").unwrap();
        let mut csv = CsvFile::open(&path, '|').unwrap();
        let mut seen = Vec::new();
        while let Some((line, fields)) = csv.next_record().unwrap() {
            seen.push((line, fields.to_vec()));
        }
        let want = |l: usize, f: [&str; 2]| (l, f.map(str::to_owned).to_vec());
        assert_eq!(seen, [want(1, ["h1", "h2"]), want(3, ["a", "b"]), want(4, ["c", "d|e"])]);

        // The same file in chunks after its header: the same records and line numbers.
        let mut csv = CsvFile::open(&path, '|').unwrap();
        csv.next_record().unwrap();
        let mut chunked = Vec::new();
        while let Some(chunk) = csv.next_chunk(3).unwrap() {
            for_each_record(&chunk, '|', |line, fields| {
                chunked.push((line, fields.to_vec()));
                Ok::<(), ()>(())
            })
            .unwrap();
        }
        assert_eq!(chunked, seen[1..]);
    }
}
