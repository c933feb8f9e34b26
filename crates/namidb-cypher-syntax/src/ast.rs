//! The abstract syntax tree. Every node carries the [`Span`] of the text it came from.

use crate::span::Span;

/// A name: variable, label, relationship type, property key, function or procedure name part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name (back-quotes removed).
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A script: statements separated by `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The statements in order.
    pub statements: Vec<Statement>,
}

/// `EXPLAIN` or `PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainMode {
    /// Show the plan without running.
    Explain,
    /// Run and show the plan with counters.
    Profile,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `EXPLAIN`/`PROFILE` prefix.
    pub explain: Option<ExplainMode>,
    /// What it does.
    pub kind: StatementKind,
    /// Where it is.
    pub span: Span,
}

/// Kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// A query (reading and/or updating).
    Query(Query),
    /// Index or constraint DDL.
    Schema(SchemaCommand),
}

/// A query: single queries joined by `UNION [ALL]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The first single query.
    pub first: SingleQuery,
    /// Each further part with whether it is `UNION ALL`.
    pub unions: Vec<(bool, SingleQuery)>,
    /// Where it is.
    pub span: Span,
}

/// A sequence of clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    /// The clauses.
    pub clauses: Vec<Clause>,
    /// Where it is.
    pub span: Span,
}

/// A clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `[OPTIONAL] MATCH pattern [WHERE expr]`
    Match {
        /// `OPTIONAL MATCH`.
        optional: bool,
        /// The pattern.
        pattern: Pattern,
        /// The filter.
        where_: Option<Expr>,
        /// Where it is.
        span: Span,
    },
    /// `UNWIND expr AS var`
    Unwind {
        /// The list.
        expr: Expr,
        /// The element variable.
        variable: Ident,
        /// Where it is.
        span: Span,
    },
    /// `WITH projection [WHERE expr]`
    With {
        /// The projection.
        projection: Projection,
        /// The filter.
        where_: Option<Expr>,
        /// Where it is.
        span: Span,
    },
    /// `RETURN projection`
    Return {
        /// The projection.
        projection: Projection,
        /// Where it is.
        span: Span,
    },
    /// `CREATE pattern`
    Create {
        /// The pattern.
        pattern: Pattern,
        /// Where it is.
        span: Span,
    },
    /// `MERGE part [ON CREATE SET …] [ON MATCH SET …]`
    Merge {
        /// The pattern part.
        part: PatternPart,
        /// `ON CREATE` (true) / `ON MATCH` (false) actions in order.
        actions: Vec<(bool, Vec<SetItem>)>,
        /// Where it is.
        span: Span,
    },
    /// `SET items`
    Set {
        /// The items.
        items: Vec<SetItem>,
        /// Where it is.
        span: Span,
    },
    /// `REMOVE items`
    Remove {
        /// The items.
        items: Vec<RemoveItem>,
        /// Where it is.
        span: Span,
    },
    /// `[DETACH] DELETE exprs`
    Delete {
        /// `DETACH DELETE`.
        detach: bool,
        /// What to delete.
        exprs: Vec<Expr>,
        /// Where it is.
        span: Span,
    },
    /// `FOREACH (var IN list | clauses)`
    Foreach {
        /// The element variable.
        variable: Ident,
        /// The list.
        list: Expr,
        /// The updating clauses.
        clauses: Vec<Clause>,
        /// Where it is.
        span: Span,
    },
    /// `CALL proc(args) [YIELD …]`
    Call(ProcedureCall),
    /// `CALL { query }`
    Subquery {
        /// The inner query.
        query: Box<Query>,
        /// Where it is.
        span: Span,
    },
}

/// `CALL name.space.proc(args) YIELD a AS b, … WHERE …`
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureCall {
    /// The qualified name.
    pub name: Vec<Ident>,
    /// Arguments; `None` when written without parentheses (implicit arguments).
    pub args: Option<Vec<Expr>>,
    /// `YIELD *`.
    pub yield_all: bool,
    /// Yielded fields with optional aliases.
    pub yields: Vec<(Ident, Option<Ident>)>,
    /// The filter after `YIELD`.
    pub where_: Option<Expr>,
    /// Where it is.
    pub span: Span,
}

/// The body of `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `*` (all variables in scope) before the items.
    pub star: bool,
    /// The items.
    pub items: Vec<ProjectionItem>,
    /// `ORDER BY`.
    pub order_by: Vec<SortItem>,
    /// `SKIP`.
    pub skip: Option<Expr>,
    /// `LIMIT`.
    pub limit: Option<Expr>,
}

/// `expr [AS alias]`
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    /// The expression.
    pub expr: Expr,
    /// The alias.
    pub alias: Option<Ident>,
    /// The text of the expression as written (the default column name).
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// `expr [ASC|DESC]`
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// The key.
    pub expr: Expr,
    /// `DESC`/`DESCENDING`.
    pub descending: bool,
}

/// One `SET` item.
#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `target.key = value` (target may be any expression)
    Property {
        /// The property expression.
        target: Expr,
        /// The value.
        value: Expr,
    },
    /// `var = map`
    Replace {
        /// The variable.
        variable: Ident,
        /// The map.
        value: Expr,
    },
    /// `var += map`
    Merge {
        /// The variable.
        variable: Ident,
        /// The map.
        value: Expr,
    },
    /// `var:Label:Other`
    Labels {
        /// The variable.
        variable: Ident,
        /// The labels.
        labels: Vec<Ident>,
    },
}

/// One `REMOVE` item.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    /// `target.key`
    Property(Expr),
    /// `var:Label`
    Labels {
        /// The variable.
        variable: Ident,
        /// The labels.
        labels: Vec<Ident>,
    },
}

/// Index and constraint DDL.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaCommand {
    /// `CREATE INDEX [name] [IF NOT EXISTS] FOR (n:L) ON (n.a, …)` or `CREATE INDEX ON :L(a, …)`
    CreateIndex {
        /// Index name.
        name: Option<Ident>,
        /// The label (or relationship type).
        label: Ident,
        /// The properties.
        properties: Vec<Ident>,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
    },
    /// `DROP INDEX name` or `DROP INDEX ON :L(a)`
    DropIndex {
        /// Index name, or label and properties.
        name: Option<Ident>,
        /// The label.
        label: Option<Ident>,
        /// The properties.
        properties: Vec<Ident>,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `CREATE CONSTRAINT [name] ON (n:L) ASSERT n.p IS UNIQUE` /
    /// `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:L) REQUIRE n.p IS UNIQUE`
    CreateUniqueConstraint {
        /// Constraint name.
        name: Option<Ident>,
        /// The label.
        label: Ident,
        /// The properties.
        properties: Vec<Ident>,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
    },
    /// `DROP CONSTRAINT name`
    DropConstraint {
        /// Constraint name.
        name: Ident,
        /// `IF EXISTS`.
        if_exists: bool,
    },
}

/// A comma-separated list of pattern parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The parts.
    pub parts: Vec<PatternPart>,
    /// Where it is.
    pub span: Span,
}

/// `[var =] element`, possibly inside `shortestPath(…)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    /// The path variable.
    pub variable: Option<Ident>,
    /// The path shape.
    pub kind: PathKind,
    /// The chain of nodes and relationships.
    pub element: PatternElement,
    /// Where it is.
    pub span: Span,
}

/// Plain path or a shortest-path function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A plain pattern.
    Plain,
    /// `shortestPath(…)`
    Shortest,
    /// `allShortestPaths(…)`
    AllShortest,
}

/// `(n)-[r]->(m)…`
#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    /// The first node.
    pub start: NodePattern,
    /// Each relationship with the node after it.
    pub chain: Vec<(RelationshipPattern, NodePattern)>,
    /// Where it is.
    pub span: Span,
}

/// `(var:Label {props})`
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    /// The variable.
    pub variable: Option<Ident>,
    /// The label expression.
    pub labels: Option<LabelExpr>,
    /// A map literal or a parameter.
    pub properties: Option<Box<Expr>>,
    /// An inline `WHERE` (Neo4j 5).
    pub where_: Option<Box<Expr>>,
    /// Where it is.
    pub span: Span,
}

/// Direction of a relationship pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `-[]->`
    Outgoing,
    /// `<-[]-`
    Incoming,
    /// `-[]-` (or `<-[]->`)
    Both,
}

impl Direction {
    /// The same relationship seen from its other end.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Outgoing => Direction::Incoming,
            Direction::Incoming => Direction::Outgoing,
            Direction::Both => Direction::Both,
        }
    }
}

/// `-[var:T|U*1..3 {props}]->`
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipPattern {
    /// The direction.
    pub direction: Direction,
    /// The variable.
    pub variable: Option<Ident>,
    /// Type alternatives (empty for any type).
    pub types: Vec<Ident>,
    /// Variable length: `*` gives `Some((None, None))`, `*2` gives `Some((Some(2), Some(2)))`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// A map literal or a parameter.
    pub properties: Option<Box<Expr>>,
    /// An inline `WHERE` (Neo4j 5).
    pub where_: Option<Box<Expr>>,
    /// Where it is.
    pub span: Span,
}

/// A label expression: `:A:B` (both), `:A|B`, `:A&B`, `:!A`, `:%`.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelExpr {
    /// One label.
    Name(Ident),
    /// Every one.
    And(Vec<LabelExpr>),
    /// Any one.
    Or(Vec<LabelExpr>),
    /// Not this one.
    Not(Box<LabelExpr>),
    /// Any label at all (`%`).
    Wildcard(Span),
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Literal values.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT`
    Not,
    /// `-`
    Neg,
    /// `+`
    Pos,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `AND`
    And,
    /// `=`
    Eq,
    /// `<>`
    NotEq,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `=~`
    RegexMatch,
    /// `STARTS WITH`
    StartsWith,
    /// `ENDS WITH`
    EndsWith,
    /// `CONTAINS`
    Contains,
    /// `IN`
    In,
}

/// `all`, `any`, `none`, `single`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `all(x IN l WHERE p)`
    All,
    /// `any(…)`
    Any,
    /// `none(…)`
    None,
    /// `single(…)`
    Single,
}

/// An item of a map projection `n {…}`.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`
    Property(Ident),
    /// `.*`
    AllProperties,
    /// `key: expr`
    Literal(Ident, Expr),
    /// `var`
    Variable(Ident),
}

/// Kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `$name`
    Parameter(String),
    /// A variable.
    Variable(Ident),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{k: v}`
    Map(Vec<(Ident, Expr)>),
    /// `expr.key`
    Property(Box<Expr>, Ident),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `expr:Label` (label predicate)
    HasLabels(Box<Expr>, LabelExpr),
    /// A unary operation.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operation.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c …`: a chain of comparisons, true when each adjacent pair holds.
    Comparison(Box<Expr>, Vec<(BinaryOp, Expr)>),
    /// `expr IS [NOT] NULL`
    IsNull(Box<Expr>, bool),
    /// `ns.name([DISTINCT] args)`
    Function {
        /// Namespace parts and name.
        name: Vec<Ident>,
        /// `DISTINCT`.
        distinct: bool,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`
    Case {
        /// The simple form's operand.
        operand: Option<Box<Expr>>,
        /// `WHEN`/`THEN` pairs.
        alternatives: Vec<(Expr, Expr)>,
        /// `ELSE`.
        default: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | expr]`
    ListComprehension {
        /// The variable.
        variable: Ident,
        /// The list.
        list: Box<Expr>,
        /// The filter.
        filter: Option<Box<Expr>>,
        /// The mapping.
        map: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | expr]`
    PatternComprehension {
        /// The path variable.
        variable: Option<Ident>,
        /// The pattern.
        pattern: Box<PatternElement>,
        /// The filter.
        filter: Option<Box<Expr>>,
        /// The mapping.
        map: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and friends.
    Quantified {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The variable.
        variable: Ident,
        /// The list.
        list: Box<Expr>,
        /// The predicate.
        filter: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`
    Reduce {
        /// The accumulator.
        accumulator: Ident,
        /// Its initial value.
        init: Box<Expr>,
        /// The element variable.
        variable: Ident,
        /// The list.
        list: Box<Expr>,
        /// The step.
        expr: Box<Expr>,
    },
    /// `n {.a, b: expr, c, .*}`
    MapProjection(Ident, Vec<MapProjectionItem>),
    /// A pattern used as a predicate: `(a)-[:R]->(b)`.
    PatternPredicate(Box<PatternElement>),
    /// `shortestPath(…)` used as an expression.
    ShortestPath(Box<PatternPart>),
    /// `EXISTS { pattern [WHERE …] }` or `EXISTS { query }`
    Exists(Box<Subquery>),
    /// `COUNT { … }`
    CountSubquery(Box<Subquery>),
    /// `COLLECT { query }`
    CollectSubquery(Box<Query>),
}

/// The body of `EXISTS { … }` and `COUNT { … }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Subquery {
    /// A pattern with an optional filter.
    Pattern(Pattern, Option<Expr>),
    /// A full query.
    Query(Query),
}
