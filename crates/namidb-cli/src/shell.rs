//! `namidb shell URI`: an interactive Cypher shell. Statements end with `;` and may span lines;
//! results print as aligned tables with the time each statement took. With a terminal it keeps
//! a history (`~/.namidb_history`) and line editing; with piped input it reads statements
//! until end of input and exits non-zero if any failed.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::time::Instant;

use namidb::{Database, Value};

use crate::params::parse_param;
use crate::statements::StatementBuffer;
use crate::table::{render, Format};

const HELP: &str = "\
Statements end with `;` and may span several lines. Commands:
  :help                 this text
  :explain QUERY        the plan QUERY would run
  :profile QUERY        run QUERY; print its plan, rows, time and object-store requests
  :schema               labels and relationship types with counts, property types
  :param NAME=VALUE     set parameter $NAME (VALUE is JSON, else a string); :params lists them
  :format table|csv|json
  :quit                 leave (also Ctrl-D)
";

struct Session {
    db: Database,
    params: BTreeMap<String, Value>,
    format: Format,
    failures: usize,
}

impl Session {
    fn run_statement(&mut self, query: &str, out: &mut impl Write) {
        let started = Instant::now();
        match self.db.execute(query, &self.params) {
            Ok(result) => {
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                let _ = write!(out, "{}", render(&result, self.format));
                if self.format == Format::Table {
                    let _ = writeln!(out, "({ms:.1} ms)");
                }
            }
            Err(e) => {
                self.failures += 1;
                let _ = writeln!(out, "error: {e}");
            }
        }
    }

    /// Runs a `:command`; returns false to leave the shell.
    fn run_command(&mut self, line: &str, out: &mut impl Write) -> bool {
        let (command, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim().trim_end_matches(';').trim();
        match command {
            ":help" | ":h" | ":?" => {
                let _ = write!(out, "{HELP}");
            }
            ":quit" | ":q" | ":exit" => return false,
            ":explain" => match self.db.explain(rest) {
                Ok(plan) => {
                    let _ = write!(out, "{plan}");
                }
                Err(e) => self.fail(out, &e.to_string()),
            },
            ":profile" => match self.db.profile(rest, &self.params) {
                Ok(p) => {
                    let _ = write!(out, "{}", p.plan);
                    let _ = writeln!(
                        out,
                        "{} rows, {:.1} ms, {} object-store requests ({} GETs), {} bytes read, {} bytes written",
                        p.result.rows.len(),
                        p.elapsed.as_secs_f64() * 1000.0,
                        p.requests,
                        p.gets,
                        p.bytes_read,
                        p.bytes_written
                    );
                }
                Err(e) => self.fail(out, &e.to_string()),
            },
            ":schema" => self.schema(out),
            ":param" => match parse_param(rest) {
                Ok((name, value)) => {
                    self.params.insert(name, value);
                }
                Err(e) => self.fail(out, &e),
            },
            ":params" => {
                for (name, value) in &self.params {
                    let _ = writeln!(out, "${name} = {value}");
                }
            }
            ":format" => match rest {
                "table" => self.format = Format::Table,
                "csv" => self.format = Format::Csv,
                "json" => self.format = Format::Json,
                other => self.fail(out, &format!("unknown format `{other}` (table, csv, json)")),
            },
            other => self.fail(out, &format!("unknown command `{other}`; :help lists them")),
        }
        true
    }

    fn fail(&mut self, out: &mut impl Write, message: &str) {
        self.failures += 1;
        let _ = writeln!(out, "error: {message}");
    }

    fn schema(&mut self, out: &mut impl Write) {
        let queries = [
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS nodes ORDER BY label",
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS relationships ORDER BY type",
        ];
        for query in queries {
            match self.db.execute(query, &BTreeMap::new()) {
                Ok(result) => {
                    let _ = write!(out, "{}", render(&result, Format::Table));
                }
                Err(e) => self.fail(out, &e.to_string()),
            }
        }
        match self.db.schema() {
            Ok(schema) => {
                let _ = writeln!(out, "property types (schema version {}):", schema.version);
                let _ = write!(out, "{}", crate::inspect::describe_schema(&schema));
            }
            Err(e) => self.fail(out, &e.to_string()),
        }
    }

    /// Handles one input line; returns false to leave.
    fn line(&mut self, buffer: &mut StatementBuffer, line: &str, out: &mut impl Write) -> bool {
        if buffer.is_empty() && line.trim_start().starts_with(':') {
            return self.run_command(line.trim(), out);
        }
        for statement in buffer.push_line(line) {
            self.run_statement(&statement, out);
        }
        true
    }
}

/// Runs the shell on `uri`.
pub(crate) fn run(uri: &str) -> Result<(), String> {
    let db = Database::open(uri).map_err(|e| e.to_string())?;
    let mut session = Session { db, params: BTreeMap::new(), format: Format::Table, failures: 0 };
    let mut buffer = StatementBuffer::default();
    let stdout = std::io::stdout();
    if std::io::stdin().is_terminal() {
        interactive(&mut session, &mut buffer, uri)?;
    } else {
        let mut out = stdout.lock();
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| format!("cannot read input: {e}"))?;
            if !session.line(&mut buffer, &line, &mut out) {
                break;
            }
        }
        if let Some(rest) = buffer.take_rest() {
            session.run_statement(&rest, &mut out);
        }
    }
    let failures = session.failures;
    session.db.close().map_err(|e| e.to_string())?;
    if failures > 0 {
        return Err(format!("{failures} statement(s) failed"));
    }
    Ok(())
}

fn interactive(
    session: &mut Session,
    buffer: &mut StatementBuffer,
    uri: &str,
) -> Result<(), String> {
    let mut editor = rustyline::DefaultEditor::new()
        .map_err(|e| format!("cannot start the line editor: {e}"))?;
    let history =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".namidb_history"));
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!("NamiDB shell on {uri}. Statements end with `;`. :help for commands.");
    let mut stdout = std::io::stdout();
    loop {
        let prompt = if buffer.is_empty() { "namidb> " } else { "   ...> " };
        match editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if !session.line(buffer, &line, &mut stdout) {
                    break;
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => {
                buffer.take_rest();
            }
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(format!("cannot read input: {e}")),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    // Interactive mistakes were shown as they happened; they do not fail the session.
    session.failures = 0;
    Ok(())
}
