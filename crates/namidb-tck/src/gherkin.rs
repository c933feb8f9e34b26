//! A reader for the Gherkin subset the openCypher TCK uses: features, scenarios, scenario
//! outlines with `Examples:` tables (expanded, one scenario per row), steps with doc strings
//! (`"""`) or data tables (`| a | b |`).

use std::path::Path;

/// A step's argument.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepArg {
    /// A doc string.
    pub doc: Option<String>,
    /// Table rows (the first is the header when the step has one).
    pub table: Vec<Vec<String>>,
}

/// One step: its text (without the keyword) and argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Text after `Given`/`When`/`Then`/`And`/`But`.
    pub text: String,
    /// Doc string or table.
    pub arg: StepArg,
}

/// One runnable scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `path / scenario name [/ example N]`: stable, used by the known-failures list.
    pub id: String,
    /// The steps, background first.
    pub steps: Vec<Step>,
}

fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    // Cells are separated by unescaped `|`.
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('n') => cell.push('\n'),
                Some('\\') => cell.push('\\'),
                Some(other) => {
                    cell.push('\\');
                    cell.push(other);
                }
                None => cell.push('\\'),
            },
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            c => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

const KEYWORDS: [&str; 5] = ["Given ", "When ", "Then ", "And ", "But "];

/// Reads a feature file into scenarios (outlines expanded).
pub fn read_feature(path: &Path, id_prefix: &str) -> std::io::Result<Vec<Scenario>> {
    let text = std::fs::read_to_string(path)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut background: Vec<Step> = Vec::new();
    let mut current: Option<(String, Vec<Step>, bool)> = None; // name, steps, outline
    let mut in_background = false;
    let mut examples: Vec<Vec<String>> = Vec::new();
    let mut in_examples = false;
    let mut i = 0;
    let finish = |current: &mut Option<(String, Vec<Step>, bool)>,
                  examples: &mut Vec<Vec<String>>,
                  background: &[Step],
                  out: &mut Vec<Scenario>| {
        if let Some((name, steps, outline)) = current.take() {
            let base: Vec<Step> = background.iter().cloned().chain(steps).collect();
            if outline && examples.len() > 1 {
                let header = examples[0].clone();
                for (n, row) in examples[1..].iter().enumerate() {
                    let subst = |s: &str| {
                        let mut s = s.to_owned();
                        for (k, v) in header.iter().zip(row) {
                            s = s.replace(&format!("<{k}>"), v);
                        }
                        s
                    };
                    let steps = base
                        .iter()
                        .map(|st| Step {
                            text: subst(&st.text),
                            arg: StepArg {
                                doc: st.arg.doc.as_deref().map(subst),
                                table: st
                                    .arg
                                    .table
                                    .iter()
                                    .map(|r| r.iter().map(|c| subst(c)).collect())
                                    .collect(),
                            },
                        })
                        .collect();
                    out.push(Scenario {
                        id: format!("{id_prefix} / {name} / example {}", n + 1),
                        steps,
                    });
                }
            } else {
                out.push(Scenario { id: format!("{id_prefix} / {name}"), steps: base });
            }
        }
        examples.clear();
    };
    while i < lines.len() {
        let raw = lines[i];
        let line = raw.trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with('@') {
            continue;
        }
        if line.starts_with("Background:") {
            in_background = true;
            in_examples = false;
            continue;
        }
        if let Some(name) = line
            .strip_prefix("Scenario Outline:")
            .or_else(|| line.strip_prefix("Scenario Template:"))
        {
            finish(&mut current, &mut examples, &background, &mut out);
            current = Some((name.trim().to_owned(), Vec::new(), true));
            in_background = false;
            in_examples = false;
            continue;
        }
        if let Some(name) = line.strip_prefix("Scenario:") {
            finish(&mut current, &mut examples, &background, &mut out);
            current = Some((name.trim().to_owned(), Vec::new(), false));
            in_background = false;
            in_examples = false;
            continue;
        }
        if line.starts_with("Examples:") {
            in_examples = true;
            continue;
        }
        if line.starts_with('|') {
            let row = split_row(line);
            if in_examples {
                examples.push(row);
            } else {
                let steps = if in_background {
                    Some(&mut background)
                } else {
                    current.as_mut().map(|c| &mut c.1)
                };
                if let Some(step) = steps.and_then(|s| s.last_mut()) {
                    step.arg.table.push(row);
                }
            }
            continue;
        }
        if line.starts_with("\"\"\"") {
            let indent = raw.find('"').unwrap_or(0);
            let mut body = Vec::new();
            while i < lines.len() && !lines[i].trim().starts_with("\"\"\"") {
                body.push(lines[i].get(indent..).unwrap_or(lines[i].trim_start()));
                i += 1;
            }
            i += 1;
            let steps = if in_background {
                Some(&mut background)
            } else {
                current.as_mut().map(|c| &mut c.1)
            };
            if let Some(step) = steps.and_then(|s| s.last_mut()) {
                step.arg.doc = Some(body.join("\n"));
            }
            continue;
        }
        if let Some(k) = KEYWORDS.iter().find(|k| line.starts_with(**k)) {
            let step = Step { text: line[k.len()..].trim().to_owned(), arg: StepArg::default() };
            if in_background {
                background.push(step);
            } else if let Some(c) = current.as_mut() {
                c.1.push(step);
            }
        }
    }
    finish(&mut current, &mut examples, &background, &mut out);
    Ok(out)
}
