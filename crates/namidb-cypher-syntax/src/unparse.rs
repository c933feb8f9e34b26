//! The tree back to text: canonical Cypher with every operator application parenthesized.
//!
//! The output is valid Cypher that parses back to the same tree (spans aside), so it serves as the
//! readable AST dump of the golden tests, and as the canonical form that semantic analysis compares
//! expressions by (`ORDER BY a.x + 1` names the same value as the projected `a.x+1`).

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::*;

/// Canonical text of an expression.
pub fn expr_text(expr: &Expr) -> String {
    expr.to_string()
}

/// Writes a name, back-quoted unless it is a plain identifier.
fn name(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        f.write_str(name)
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

/// Writes items separated by `sep`.
fn list<T>(
    f: &mut Formatter<'_>,
    items: &[T],
    sep: &str,
    mut each: impl FnMut(&mut Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (idx, item) in items.iter().enumerate() {
        if idx > 0 {
            f.write_str(sep)?;
        }
        each(f, item)?;
    }
    Ok(())
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        name(f, &self.name)
    }
}

impl Display for Script {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        list(f, &self.statements, ";\n", |f, s| write!(f, "{s}"))
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.explain {
            Some(ExplainMode::Explain) => f.write_str("EXPLAIN\n")?,
            Some(ExplainMode::Profile) => f.write_str("PROFILE\n")?,
            None => {}
        }
        match &self.kind {
            StatementKind::Query(query) => write!(f, "{query}"),
            StatementKind::Schema(command) => write!(f, "{command}"),
        }
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (all, single) in &self.unions {
            write!(f, "\n{}\n{single}", if *all { "UNION ALL" } else { "UNION" })?;
        }
        Ok(())
    }
}

impl Display for SingleQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        list(f, &self.clauses, "\n", |f, c| write!(f, "{c}"))
    }
}

fn set_items(f: &mut Formatter<'_>, items: &[SetItem]) -> fmt::Result {
    list(f, items, ", ", |f, item| match item {
        SetItem::Property { target, value } => write!(f, "{target} = {value}"),
        SetItem::Replace { variable, value } => write!(f, "{variable} = {value}"),
        SetItem::Merge { variable, value } => write!(f, "{variable} += {value}"),
        SetItem::Labels { variable, labels } => {
            write!(f, "{variable}")?;
            labels.iter().try_for_each(|l| write!(f, ":{l}"))
        }
    })
}

fn where_(f: &mut Formatter<'_>, filter: Option<&Expr>) -> fmt::Result {
    match filter {
        Some(filter) => write!(f, " WHERE {filter}"),
        None => Ok(()),
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match { optional, pattern, where_: filter, .. } => {
                write!(f, "{}MATCH {pattern}", if *optional { "OPTIONAL " } else { "" })?;
                where_(f, filter.as_ref())
            }
            Clause::Unwind { expr, variable, .. } => write!(f, "UNWIND {expr} AS {variable}"),
            Clause::With { projection, where_: filter, .. } => {
                write!(f, "WITH {projection}")?;
                where_(f, filter.as_ref())
            }
            Clause::Return { projection, .. } => write!(f, "RETURN {projection}"),
            Clause::Create { pattern, .. } => write!(f, "CREATE {pattern}"),
            Clause::Merge { part, actions, .. } => {
                write!(f, "MERGE {part}")?;
                for (on_create, items) in actions {
                    write!(f, " ON {} SET ", if *on_create { "CREATE" } else { "MATCH" })?;
                    set_items(f, items)?;
                }
                Ok(())
            }
            Clause::Set { items, .. } => {
                f.write_str("SET ")?;
                set_items(f, items)
            }
            Clause::Remove { items, .. } => {
                f.write_str("REMOVE ")?;
                list(f, items, ", ", |f, item| match item {
                    RemoveItem::Property(expr) => write!(f, "{expr}"),
                    RemoveItem::Labels { variable, labels } => {
                        write!(f, "{variable}")?;
                        labels.iter().try_for_each(|l| write!(f, ":{l}"))
                    }
                })
            }
            Clause::Delete { detach, exprs, .. } => {
                f.write_str(if *detach { "DETACH DELETE " } else { "DELETE " })?;
                list(f, exprs, ", ", |f, e| write!(f, "{e}"))
            }
            Clause::Foreach { variable, list: items, clauses, .. } => {
                write!(f, "FOREACH ({variable} IN {items} | ")?;
                list(f, clauses, " ", |f, c| write!(f, "{c}"))?;
                f.write_char(')')
            }
            Clause::Call(call) => write!(f, "{call}"),
            Clause::Subquery { query, .. } => write!(f, "CALL {{\n{query}\n}}"),
        }
    }
}

impl Display for ProcedureCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CALL ")?;
        list(f, &self.name, ".", |f, part| write!(f, "{part}"))?;
        if let Some(args) = &self.args {
            f.write_char('(')?;
            list(f, args, ", ", |f, a| write!(f, "{a}"))?;
            f.write_char(')')?;
        }
        if self.yield_all {
            f.write_str(" YIELD *")?;
        } else if !self.yields.is_empty() {
            f.write_str(" YIELD ")?;
            list(f, &self.yields, ", ", |f, (field, alias)| match alias {
                Some(alias) => write!(f, "{field} AS {alias}"),
                None => write!(f, "{field}"),
            })?;
        }
        where_(f, self.where_.as_ref())
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        if self.star {
            f.write_char('*')?;
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
        }
        list(f, &self.items, ", ", |f, item| match &item.alias {
            Some(alias) => write!(f, "{} AS {alias}", item.expr),
            None => write!(f, "{}", item.expr),
        })?;
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            list(f, &self.order_by, ", ", |f, item| {
                write!(f, "{}{}", item.expr, if item.descending { " DESC" } else { "" })
            })?;
        }
        if let Some(skip) = &self.skip {
            write!(f, " SKIP {skip}")?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        Ok(())
    }
}

fn index_target(f: &mut Formatter<'_>, label: &Ident, properties: &[Ident]) -> fmt::Result {
    write!(f, "(n:{label}) ON (")?;
    list(f, properties, ", ", |f, p| write!(f, "n.{p}"))?;
    f.write_char(')')
}

impl Display for SchemaCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SchemaCommand::CreateIndex { name: index, label, properties, if_not_exists } => {
                f.write_str("CREATE INDEX ")?;
                if let Some(index) = index {
                    write!(f, "{index} ")?;
                }
                if *if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                f.write_str("FOR ")?;
                index_target(f, label, properties)
            }
            SchemaCommand::DropIndex { name: index, label, properties, if_exists } => {
                f.write_str("DROP INDEX ")?;
                match (index, label) {
                    (Some(index), _) => write!(f, "{index}")?,
                    (None, Some(label)) => {
                        write!(f, "ON :{label}(")?;
                        list(f, properties, ", ", |f, p| write!(f, "{p}"))?;
                        f.write_char(')')?;
                    }
                    (None, None) => {}
                }
                if *if_exists {
                    f.write_str(" IF EXISTS")?;
                }
                Ok(())
            }
            SchemaCommand::CreateUniqueConstraint { name: c, label, properties, if_not_exists } => {
                f.write_str("CREATE CONSTRAINT ")?;
                if let Some(c) = c {
                    write!(f, "{c} ")?;
                }
                if *if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "FOR (n:{label}) REQUIRE (")?;
                list(f, properties, ", ", |f, p| write!(f, "n.{p}"))?;
                f.write_str(") IS UNIQUE")
            }
            SchemaCommand::DropConstraint { name: c, if_exists } => {
                write!(f, "DROP CONSTRAINT {c}{}", if *if_exists { " IF EXISTS" } else { "" })
            }
        }
    }
}

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        list(f, &self.parts, ", ", |f, p| write!(f, "{p}"))
    }
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(variable) = &self.variable {
            write!(f, "{variable} = ")?;
        }
        match self.kind {
            PathKind::Plain => write!(f, "{}", self.element),
            PathKind::Shortest => write!(f, "shortestPath({})", self.element),
            PathKind::AllShortest => write!(f, "allShortestPaths({})", self.element),
        }
    }
}

impl Display for PatternElement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        self.chain.iter().try_for_each(|(rel, node)| write!(f, "{rel}{node}"))
    }
}

fn filler(f: &mut Formatter<'_>, properties: Option<&Expr>, filter: Option<&Expr>) -> fmt::Result {
    if let Some(properties) = properties {
        write!(f, " {properties}")?;
    }
    where_(f, filter)
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        if let Some(variable) = &self.variable {
            write!(f, "{variable}")?;
        }
        if let Some(labels) = &self.labels {
            write!(f, ":{labels}")?;
        }
        filler(f, self.properties.as_deref(), self.where_.as_deref())?;
        f.write_char(')')
    }
}

impl Display for RelationshipPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.direction == Direction::Incoming { "<-[" } else { "-[" })?;
        if let Some(variable) = &self.variable {
            write!(f, "{variable}")?;
        }
        if !self.types.is_empty() {
            f.write_char(':')?;
            list(f, &self.types, "|", |f, t| write!(f, "{t}"))?;
        }
        if let Some((min, max)) = self.length {
            f.write_char('*')?;
            match (min, max) {
                (Some(min), Some(max)) if min == max => write!(f, "{min}")?,
                _ => {
                    if let Some(min) = min {
                        write!(f, "{min}")?;
                    }
                    f.write_str("..")?;
                    if let Some(max) = max {
                        write!(f, "{max}")?;
                    }
                }
            }
        }
        filler(f, self.properties.as_deref(), self.where_.as_deref())?;
        f.write_str(if self.direction == Direction::Outgoing { "]->" } else { "]-" })
    }
}

impl Display for LabelExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LabelExpr::Name(label) => write!(f, "{label}"),
            LabelExpr::And(parts) => {
                f.write_char('(')?;
                list(f, parts, "&", |f, p| write!(f, "{p}"))?;
                f.write_char(')')
            }
            LabelExpr::Or(parts) => {
                f.write_char('(')?;
                list(f, parts, "|", |f, p| write!(f, "{p}"))?;
                f.write_char(')')
            }
            LabelExpr::Not(inner) => write!(f, "!{inner}"),
            LabelExpr::Wildcard(_) => f.write_char('%'),
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Integer(i) => write!(f, "{i}"),
            Literal::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => {
                write!(f, "{x:.1}")
            }
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::String(s) => {
                f.write_char('\'')?;
                for c in s.chars() {
                    match c {
                        '\'' => f.write_str("\\'")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        c if c.is_control() => write!(f, "\\u{:04X}", c as u32)?,
                        c => f.write_char(c)?,
                    }
                }
                f.write_char('\'')
            }
        }
    }
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::RegexMatch => "=~",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::In => "IN",
        }
    }
}

impl Quantifier {
    /// The function name.
    pub fn name(self) -> &'static str {
        match self {
            Quantifier::All => "all",
            Quantifier::Any => "any",
            Quantifier::None => "none",
            Quantifier::Single => "single",
        }
    }
}

fn subquery_body(f: &mut Formatter<'_>, keyword: &str, body: &Subquery) -> fmt::Result {
    match body {
        Subquery::Pattern(pattern, filter) => {
            write!(f, "{keyword} {{ {pattern}")?;
            where_(f, filter.as_ref())?;
            f.write_str(" }")
        }
        Subquery::Query(query) => write!(f, "{keyword} {{ {query} }}"),
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(literal) => write!(f, "{literal}"),
            ExprKind::Parameter(p) if p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                write!(f, "${p}")
            }
            ExprKind::Parameter(p) => {
                f.write_char('$')?;
                name(f, p)
            }
            ExprKind::Variable(v) => write!(f, "{v}"),
            ExprKind::List(items) => {
                f.write_char('[')?;
                list(f, items, ", ", |f, i| write!(f, "{i}"))?;
                f.write_char(']')
            }
            ExprKind::Map(entries) => {
                f.write_char('{')?;
                list(f, entries, ", ", |f, (k, v)| write!(f, "{k}: {v}"))?;
                f.write_char('}')
            }
            ExprKind::Property(base, key) => write!(f, "{base}.{key}"),
            ExprKind::Index(base, index) => write!(f, "{base}[{index}]"),
            ExprKind::Slice(base, from, to) => {
                write!(f, "{base}[")?;
                if let Some(from) = from {
                    write!(f, "{from}")?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{to}")?;
                }
                f.write_char(']')
            }
            ExprKind::HasLabels(base, labels) => write!(f, "({base}:{labels})"),
            ExprKind::Unary(UnaryOp::Not, inner) => write!(f, "(NOT {inner})"),
            ExprKind::Unary(UnaryOp::Neg, inner) => write!(f, "(-{inner})"),
            ExprKind::Unary(UnaryOp::Pos, inner) => write!(f, "(+{inner})"),
            ExprKind::Binary(op, left, right) => write!(f, "({left} {} {right})", op.symbol()),
            ExprKind::Comparison(first, rest) => {
                write!(f, "({first}")?;
                rest.iter().try_for_each(|(op, e)| write!(f, " {} {e}", op.symbol()))?;
                f.write_char(')')
            }
            ExprKind::IsNull(inner, negated) => {
                write!(f, "({inner} IS {}NULL)", if *negated { "NOT " } else { "" })
            }
            ExprKind::Function { name: parts, distinct, args } => {
                list(f, parts, ".", |f, p| write!(f, "{p}"))?;
                f.write_str(if *distinct { "(DISTINCT " } else { "(" })?;
                list(f, args, ", ", |f, a| write!(f, "{a}"))?;
                f.write_char(')')
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::Case { operand, alternatives, default } => {
                f.write_str("CASE")?;
                if let Some(operand) = operand {
                    write!(f, " {operand}")?;
                }
                for (when, then) in alternatives {
                    write!(f, " WHEN {when} THEN {then}")?;
                }
                if let Some(default) = default {
                    write!(f, " ELSE {default}")?;
                }
                f.write_str(" END")
            }
            ExprKind::ListComprehension { variable, list: items, filter, map } => {
                write!(f, "[{variable} IN {items}")?;
                where_(f, filter.as_deref())?;
                if let Some(map) = map {
                    write!(f, " | {map}")?;
                }
                f.write_char(']')
            }
            ExprKind::PatternComprehension { variable, pattern, filter, map } => {
                f.write_char('[')?;
                if let Some(variable) = variable {
                    write!(f, "{variable} = ")?;
                }
                write!(f, "{pattern}")?;
                where_(f, filter.as_deref())?;
                write!(f, " | {map}]")
            }
            ExprKind::Quantified { quantifier, variable, list: items, filter } => {
                write!(f, "{}({variable} IN {items}", quantifier.name())?;
                where_(f, filter.as_deref())?;
                f.write_char(')')
            }
            ExprKind::Reduce { accumulator, init, variable, list: items, expr } => {
                write!(f, "reduce({accumulator} = {init}, {variable} IN {items} | {expr})")
            }
            ExprKind::MapProjection(base, items) => {
                write!(f, "{base} {{")?;
                list(f, items, ", ", |f, item| match item {
                    MapProjectionItem::Property(key) => write!(f, ".{key}"),
                    MapProjectionItem::AllProperties => f.write_str(".*"),
                    MapProjectionItem::Literal(key, value) => write!(f, "{key}: {value}"),
                    MapProjectionItem::Variable(v) => write!(f, "{v}"),
                })?;
                f.write_char('}')
            }
            ExprKind::PatternPredicate(element) => write!(f, "{element}"),
            ExprKind::ShortestPath(part) => write!(f, "{part}"),
            ExprKind::Exists(body) => subquery_body(f, "EXISTS", body),
            ExprKind::CountSubquery(body) => subquery_body(f, "COUNT", body),
            ExprKind::CollectSubquery(query) => write!(f, "COLLECT {{ {query} }}"),
        }
    }
}
