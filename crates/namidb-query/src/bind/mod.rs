//! The binder: a checked syntax tree to a [`Plan`].
//!
//! It walks the clauses of each single query in order, threading the current plan and a
//! [`Scope`] (variable names to row slots). Semantic rules were checked by
//! `namidb_cypher_syntax::semantic`; the binder adds what needs the catalog and parameters
//! (procedures, missing parameters) and refuses what the engine does not support yet.

mod expressions;
mod part_order;
mod patterns;
mod projection;
mod shortest;
mod start;
mod updates;

use std::collections::BTreeSet;

use namidb_cypher_syntax::ast::{
    self, Clause, ExplainMode, Query, SingleQuery, Statement, StatementKind,
};

use crate::catalog::Catalog;
use crate::error::PlanError;
use crate::plan::Plan;

/// Variable names in scope and their slots, in the order they were introduced.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    vars: Vec<(String, usize)>,
}

impl Scope {
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, s)| *s)
    }

    pub(crate) fn insert(&mut self, name: &str, slot: usize) {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_owned(), slot));
    }

    /// Every slot a visible name is bound to.
    pub(crate) fn slots(&self) -> std::collections::HashSet<usize> {
        self.vars.iter().map(|(_, s)| *s).collect()
    }

    /// Visible names, sorted (the order of `RETURN *`).
    pub(crate) fn names(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self.vars.iter().map(|(n, _)| n).collect();
        set.into_iter().cloned().collect()
    }
}

/// A statement ready to run.
#[derive(Debug, Clone)]
pub struct BoundStatement {
    /// The plan; its root is a [`Plan::Produce`] or [`Plan::Union`].
    pub plan: Plan,
    /// Result column names (empty for a statement without `RETURN`).
    pub columns: Vec<String>,
    /// Row width: slots used.
    pub width: usize,
    /// Whether it writes.
    pub writes: bool,
    /// Whether it returns rows (ends in `RETURN`).
    pub returns: bool,
    /// `EXPLAIN` (show the plan, do not run) or `PROFILE` (run, show the plan measured).
    pub explain: Option<ExplainMode>,
}

/// Binds one statement.
pub fn bind_statement(
    statement: &Statement,
    catalog: &dyn Catalog,
    parameters: &dyn Fn(&str) -> bool,
) -> Result<BoundStatement, PlanError> {
    let query = match &statement.kind {
        StatementKind::Query(query) => query,
        StatementKind::Schema(_) => {
            return Err(PlanError::Unsupported("schema commands (indexes, constraints)".into()))
        }
    };
    let mut binder = Binder { catalog, parameters, next_slot: 0 };
    let (plan, columns, returns) = binder.query(query, &Scope::default(), Plan::Unit, None)?;
    let plan = crate::optimize::optimize(plan);
    let writes = plan.writes();
    Ok(BoundStatement {
        plan,
        columns,
        width: binder.next_slot,
        writes,
        returns,
        explain: statement.explain,
    })
}

/// The longest run of `MATCH` clauses at the start of `clauses` that can be matched as one
/// join: not optional, plain parts only (no `shortestPath`), a `WHERE` only on the last. Each
/// as its pattern and `WHERE`.
fn joinable_matches(clauses: &[Clause]) -> Vec<(&ast::Pattern, Option<&ast::Expr>)> {
    let mut group = Vec::new();
    for clause in clauses {
        let Clause::Match { optional: false, pattern, where_, .. } = clause else { break };
        if pattern.parts.iter().any(|p| p.kind != ast::PathKind::Plain) {
            break;
        }
        group.push((pattern, where_.as_ref()));
        if where_.is_some() {
            break;
        }
    }
    group
}

/// Binding state for one statement.
pub(crate) struct Binder<'a> {
    pub(crate) catalog: &'a dyn Catalog,
    pub(crate) parameters: &'a dyn Fn(&str) -> bool,
    pub(crate) next_slot: usize,
}

/// How a query's `RETURN` ends: a result ([`Plan::Produce`]) or, inside `CALL {}`, slots the
/// outer query reads (and the names they are bound to).
pub(crate) type ReturnSink<'s> = Option<&'s mut Vec<(String, usize)>>;

impl Binder<'_> {
    pub(crate) fn slot(&mut self) -> usize {
        self.next_slot += 1;
        self.next_slot - 1
    }

    /// Binds a query (with unions) starting from `leaf` and the outer `scope`.
    pub(crate) fn query(
        &mut self,
        query: &Query,
        scope: &Scope,
        leaf: Plan,
        sink: ReturnSink<'_>,
    ) -> Result<(Plan, Vec<String>, bool), PlanError> {
        if !query.unions.is_empty() && sink.is_some() {
            return Err(PlanError::Unsupported("UNION inside CALL {}".into()));
        }
        let (mut plan, columns, returns) =
            self.single_query(&query.first, scope, leaf.clone(), sink)?;
        for (all, part) in &query.unions {
            let (right, _, _) = self.single_query(part, scope, leaf.clone(), None)?;
            plan = Plan::Union { left: Box::new(plan), right: Box::new(right), all: *all };
        }
        Ok((plan, columns, returns))
    }

    fn single_query(
        &mut self,
        query: &SingleQuery,
        outer: &Scope,
        leaf: Plan,
        mut sink: ReturnSink<'_>,
    ) -> Result<(Plan, Vec<String>, bool), PlanError> {
        let mut scope = outer.clone();
        let mut plan = leaf;
        let mut at = 0;
        while let Some(clause) = query.clauses.get(at) {
            let group = joinable_matches(&query.clauses[at..]);
            if group.len() > 1 {
                let patterns: Vec<&ast::Pattern> = group.iter().map(|(p, _)| *p).collect();
                let where_ = group.last().and_then(|(_, w)| *w);
                plan = self.match_group(plan, &mut scope, &patterns, where_)?;
                at += group.len();
                continue;
            }
            at += 1;
            if let Clause::Return { projection, .. } = clause {
                let (p, columns, slots) = self.projection(plan, &mut scope, projection, None)?;
                if let Some(sink) = sink.as_deref_mut() {
                    sink.extend(columns.iter().cloned().zip(slots));
                    return Ok((p, columns, true));
                }
                let p = Plan::Produce { input: Box::new(p), columns: slots };
                return Ok((p, columns, true));
            }
            plan = self.clause(plan, &mut scope, clause)?;
        }
        // A standalone `CALL` returns what it yields.
        if let [Clause::Call(_)] = query.clauses.as_slice() {
            let (names, slots): (Vec<String>, Vec<usize>) = scope.vars.iter().cloned().unzip();
            let returns = !slots.is_empty();
            return Ok((Plan::Produce { input: Box::new(plan), columns: slots }, names, returns));
        }
        Ok((Plan::Produce { input: Box::new(plan), columns: Vec::new() }, Vec::new(), false))
    }

    fn clause(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        clause: &Clause,
    ) -> Result<Plan, PlanError> {
        match clause {
            Clause::Match { optional, pattern, where_, .. } => {
                self.match_clause(plan, scope, pattern, where_.as_ref(), *optional)
            }
            Clause::Unwind { expr, variable, .. } => {
                let list = self.expr(expr, scope)?;
                let slot = self.slot();
                scope.insert(&variable.name, slot);
                Ok(Plan::Unwind { input: Box::new(plan), list, slot })
            }
            Clause::With { projection, where_, .. } => {
                let (plan, _, _) = self.projection(plan, scope, projection, where_.as_ref())?;
                Ok(plan)
            }
            Clause::Return { .. } => Err(PlanError::Unsupported("RETURN before the end".into())),
            Clause::Create { pattern, .. } => {
                let create = self.create_pattern(scope, pattern)?;
                Ok(Plan::Create { input: Box::new(plan), pattern: create })
            }
            Clause::Merge { part, actions, .. } => self.merge(plan, scope, part, actions),
            Clause::Set { items, .. } => {
                let items = self.set_items(scope, items)?;
                Ok(Plan::SetItems { input: Box::new(plan), items })
            }
            Clause::Remove { items, .. } => {
                let items = self.remove_items(scope, items)?;
                Ok(Plan::SetItems { input: Box::new(plan), items })
            }
            Clause::Delete { detach, exprs, .. } => {
                let targets =
                    exprs.iter().map(|e| self.expr(e, scope)).collect::<Result<_, _>>()?;
                Ok(Plan::Delete { input: Box::new(plan), targets, detach: *detach })
            }
            Clause::Foreach { variable, list, clauses, .. } => {
                self.foreach(plan, scope, variable, list, clauses)
            }
            Clause::Call(call) => self.procedure_call(plan, scope, call),
            Clause::Subquery { query, .. } => {
                let mut returned = Vec::new();
                let (inner, _, _) =
                    self.query(query, scope, Plan::Argument, Some(&mut returned))?;
                for (name, slot) in returned {
                    scope.insert(&name, slot);
                }
                Ok(Plan::Apply { input: Box::new(plan), inner: Box::new(inner) })
            }
        }
    }

    fn foreach(
        &mut self,
        plan: Plan,
        scope: &Scope,
        variable: &ast::Ident,
        list: &ast::Expr,
        clauses: &[Clause],
    ) -> Result<Plan, PlanError> {
        let list = self.expr(list, scope)?;
        let slot = self.slot();
        let mut inner_scope = scope.clone();
        inner_scope.insert(&variable.name, slot);
        let mut body = Plan::Argument;
        for clause in clauses {
            body = self.clause(body, &mut inner_scope, clause)?;
        }
        Ok(Plan::Foreach { input: Box::new(plan), list, slot, body: Box::new(body) })
    }
}
