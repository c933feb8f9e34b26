//! TCK values as canonical text: results are rendered, expected cells are parsed and rendered
//! the same way, and the texts compared. Labels and map keys are sorted; floats print as Java
//! does; lists can be compared ignoring element order.

use std::fmt::Write as _;

pub use namidb::result_text::render;

fn format_float(f: f64) -> String {
    namidb::Value::Float(f).to_string()
}

fn quote(s: &str) -> String {
    namidb::Value::string(s).to_string()
}

/// Parses an expected TCK cell and renders it canonically.
pub fn canonical_expected(cell: &str, unordered: bool) -> Result<String, String> {
    let mut p = Parser { s: cell.as_bytes(), i: 0, unordered };
    let out = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing text in `{cell}`"));
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    unordered: bool,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected `{}` at {}", c as char, self.i))
        }
    }

    fn word(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn key(&mut self) -> Result<String, String> {
        if self.peek() == Some(b'`') {
            self.i += 1;
            let start = self.i;
            while self.i < self.s.len() && self.s[self.i] != b'`' {
                self.i += 1;
            }
            let k = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
            self.i += 1;
            return Ok(k);
        }
        let w = self.word();
        if w.is_empty() {
            Err(format!("expected a name at {}", self.i))
        } else {
            Ok(w)
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let quote_char = self.s[self.i];
        self.i += 1;
        let mut out = Vec::new();
        while self.i < self.s.len() && self.s[self.i] != quote_char {
            if self.s[self.i] == b'\\' && self.i + 1 < self.s.len() {
                self.i += 1;
                out.push(match self.s[self.i] {
                    b'n' => b'\n',
                    b't' => b'\t',
                    c => c,
                });
            } else {
                out.push(self.s[self.i]);
            }
            self.i += 1;
        }
        self.i += 1;
        Ok(quote(&String::from_utf8_lossy(&out)))
    }

    fn properties(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'{') {
            return Ok(String::new());
        }
        let m = self.map()?;
        Ok(if m == "{}" { String::new() } else { format!(" {m}") })
    }

    fn map(&mut self) -> Result<String, String> {
        self.expect(b'{')?;
        let mut entries = Vec::new();
        if !self.eat(b'}') {
            loop {
                let k = self.key()?;
                self.expect(b':')?;
                entries.push((k, self.value()?));
                if self.eat(b'}') {
                    break;
                }
                self.expect(b',')?;
            }
        }
        entries.sort();
        let items: Vec<String> = entries.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
        Ok(format!("{{{}}}", items.join(", ")))
    }

    fn labels(&mut self) -> Result<String, String> {
        let mut labels = Vec::new();
        while self.eat(b':') {
            labels.push(self.key()?);
        }
        labels.sort();
        Ok(labels.iter().map(|l| format!(":{l}")).collect())
    }

    fn node(&mut self) -> Result<String, String> {
        self.expect(b'(')?;
        let labels = self.labels()?;
        let props = self.properties()?;
        self.expect(b')')?;
        Ok(format!(
            "({}{})",
            labels,
            if labels.is_empty() { props.trim_start().to_owned() } else { props }
        ))
    }

    fn rel(&mut self) -> Result<String, String> {
        self.expect(b'[')?;
        let labels = self.labels()?;
        let props = self.properties()?;
        self.expect(b']')?;
        Ok(format!("[{labels}{props}]"))
    }

    fn value(&mut self) -> Result<String, String> {
        match self.peek() {
            None => Err("empty value".into()),
            Some(b'\'') | Some(b'"') => self.string(),
            Some(b'[') => {
                // A list, or a relationship `[:T …]`.
                let save = self.i;
                self.i += 1;
                if self.peek() == Some(b':') {
                    self.i = save;
                    return self.rel();
                }
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                if self.unordered {
                    items.sort();
                }
                Ok(format!("[{}]", items.join(", ")))
            }
            Some(b'{') => self.map(),
            Some(b'(') => self.node(),
            Some(b'<') => {
                self.i += 1;
                let mut out = String::from("<");
                out.push_str(&self.node()?);
                loop {
                    match self.peek() {
                        Some(b'>') => {
                            self.i += 1;
                            break;
                        }
                        Some(b'<') => {
                            self.i += 1;
                            self.expect(b'-')?;
                            let r = self.rel()?;
                            self.expect(b'-')?;
                            let _ = write!(out, "<-{r}-");
                        }
                        Some(b'-') => {
                            self.i += 1;
                            let r = self.rel()?;
                            self.expect(b'-')?;
                            self.expect(b'>')?;
                            let _ = write!(out, "-{r}->");
                        }
                        _ => return Err(format!("bad path at {}", self.i)),
                    }
                    out.push_str(&self.node()?);
                }
                out.push('>');
                Ok(out)
            }
            Some(_) => {
                let start = self.i;
                while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b']' | b'}' | b')')
                {
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i]).trim().to_owned();
                self.i = start + text.len();
                scalar(&text)
            }
        }
    }
}

fn scalar(text: &str) -> Result<String, String> {
    match text {
        "null" | "true" | "false" => return Ok(text.to_owned()),
        "NaN" => return Ok("NaN".into()),
        "Inf" | "Infinity" => return Ok("Infinity".into()),
        "-Inf" | "-Infinity" => return Ok("-Infinity".into()),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Ok(i.to_string());
    }
    if let Ok(f) = text.parse::<f64>() {
        return Ok(format_float(f));
    }
    Err(format!("cannot read value `{text}`"))
}
