//! Binding patterns: `MATCH` (and the pattern subqueries of expressions) to scans, expansions
//! and filters; `CREATE` patterns to what each row creates.
//!
//! A pattern part starts at a node already bound when there is one, otherwise at the node with
//! the fewest estimated rows (`start`), and expands from there towards both ends. Property maps
//! in the pattern become equality filters; relationships of one `MATCH` must be distinct, which a
//! filter over their slots checks.

use namidb_cypher_syntax::ast::{self, Pattern, PatternPart};

use super::expressions::label_predicate;
use super::start::{chain_steps, where_equalities};
use super::{Binder, Scope};
use crate::error::PlanError;
use crate::expr::{BinaryOp, Expr, PathPart};
use crate::optimize::conjunction;
use crate::plan::{CreateNode, CreatePattern, CreateRel, Direction, Expand, Plan};

/// A bound relationship pattern: slot, types, from-node index, to-node index, direction,
/// property map.
pub(crate) type RelSlots = (usize, Vec<String>, usize, usize, Direction, Option<Expr>);

/// Where each element of a bound pattern lives, for `MERGE`'s create half.
#[derive(Debug, Default)]
pub(crate) struct PatternSlots {
    /// Per node: slot, whether bound before the pattern, labels, property map.
    pub(crate) nodes: Vec<(usize, bool, Vec<String>, Option<Expr>)>,
    /// Per relationship: slot, type, from-node index, to-node index, direction, property map.
    pub(crate) rels: Vec<RelSlots>,
    /// Path variables: slot and path expression.
    pub(crate) paths: Vec<(usize, Expr)>,
}

/// Plain label names of a conjunction, or `None` for another label expression.
fn plain_labels(labels: &Option<ast::LabelExpr>) -> Option<Vec<String>> {
    match labels {
        None => Some(Vec::new()),
        Some(ast::LabelExpr::Name(i)) => Some(vec![i.name.clone()]),
        Some(ast::LabelExpr::And(parts)) => {
            let mut out = Vec::new();
            for p in parts {
                match p {
                    ast::LabelExpr::Name(i) => out.push(i.name.clone()),
                    _ => return None,
                }
            }
            Some(out)
        }
        Some(_) => None,
    }
}

pub(crate) fn filter(plan: Plan, predicate: Option<Expr>) -> Plan {
    match predicate {
        None => plan,
        Some(predicate) => Plan::Filter { input: Box::new(plan), predicate },
    }
}

/// Equality filters for a property map on the entity in `slot`.
fn property_equalities(slot: usize, map: &Expr) -> Vec<Expr> {
    match map {
        Expr::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                Expr::Binary(
                    BinaryOp::Eq,
                    Box::new(Expr::Property(Box::new(Expr::Slot(slot)), k.clone())),
                    Box::new(v.clone()),
                )
            })
            .collect(),
        other => {
            vec![Expr::Call("__properties_match".into(), vec![Expr::Slot(slot), other.clone()])]
        }
    }
}

impl Binder<'_> {
    pub(crate) fn property_map(
        &mut self,
        properties: &Option<Box<ast::Expr>>,
        scope: &Scope,
    ) -> Result<Option<Expr>, PlanError> {
        properties.as_ref().map(|p| self.expr(p, scope)).transpose()
    }

    /// `MATCH` / `OPTIONAL MATCH`.
    pub(crate) fn match_clause(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        pattern: &Pattern,
        where_: Option<&ast::Expr>,
        optional: bool,
    ) -> Result<Plan, PlanError> {
        if optional {
            let mut inner_scope = scope.clone();
            let inner = self
                .pattern_plan_where(Plan::Argument, &mut inner_scope, &pattern.parts, where_)?
                .0;
            let predicate = where_.map(|w| self.expr(w, &inner_scope)).transpose()?;
            *scope = inner_scope;
            let inner = filter(inner, predicate);
            return Ok(Plan::Optional { input: Box::new(plan), inner: Box::new(inner) });
        }
        self.match_group(plan, scope, &[pattern], where_)
    }

    /// A subquery plan for a pattern (over the current row) with an optional `WHERE`, and the
    /// scope inside it.
    pub(crate) fn pattern_subplan(
        &mut self,
        scope: &Scope,
        parts: &[PatternPart],
        where_: Option<&ast::Expr>,
    ) -> Result<(Plan, Scope), PlanError> {
        let mut inner = scope.clone();
        let plan = self.pattern_plan(Plan::Argument, &mut inner, parts)?.0;
        let predicate = where_.map(|w| self.expr(w, &inner)).transpose()?;
        Ok((filter(plan, predicate), inner))
    }

    /// The plan matching `parts` after `plan`; binds the pattern's variables in `scope`.
    pub(crate) fn pattern_plan(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        parts: &[PatternPart],
    ) -> Result<(Plan, PatternSlots), PlanError> {
        self.pattern_plan_where(plan, scope, parts, None)
    }

    /// [`Binder::pattern_plan`] knowing the clause's `WHERE` (not bound here): it orders the
    /// parts ([`Binder::part_order`]), and its equalities `v.k = literal/$param` make a node a
    /// cheaper start.
    pub(crate) fn pattern_plan_where(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        parts: &[PatternPart],
        where_: Option<&ast::Expr>,
    ) -> Result<(Plan, PatternSlots), PlanError> {
        let clause_of = vec![0; parts.len()];
        let equalities = where_equalities(where_);
        let order = self.part_order(scope, parts, &clause_of, where_, &equalities);
        self.pattern_parts(plan, scope, parts, &clause_of, &order, &equalities)
    }

    /// One `MATCH` clause, or consecutive ones with a `WHERE` only on the last, matched as one
    /// join: their parts are ordered together ([`Binder::part_order`]); relationships are
    /// distinct within each clause, as written.
    pub(crate) fn match_group(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        patterns: &[&Pattern],
        where_: Option<&ast::Expr>,
    ) -> Result<Plan, PlanError> {
        let parts: Vec<PatternPart> = patterns.iter().flat_map(|p| p.parts.clone()).collect();
        let clause_of: Vec<usize> = patterns
            .iter()
            .enumerate()
            .flat_map(|(i, p)| std::iter::repeat_n(i, p.parts.len()))
            .collect();
        let equalities = where_equalities(where_);
        let order = self.part_order(scope, &parts, &clause_of, where_, &equalities);
        let plan = self.pattern_parts(plan, scope, &parts, &clause_of, &order, &equalities)?.0;
        let predicate = where_.map(|w| self.expr(w, scope)).transpose()?;
        Ok(filter(plan, predicate))
    }

    /// The plan matching `parts` in `order` (indexes into `parts`) after `plan`; `clause_of`
    /// says which `MATCH` each part belongs to (relationships are distinct within one).
    pub(crate) fn pattern_parts(
        &mut self,
        mut plan: Plan,
        scope: &mut Scope,
        parts: &[PatternPart],
        clause_of: &[usize],
        order: &[usize],
        equalities: &[(String, String)],
    ) -> Result<(Plan, PatternSlots), PlanError> {
        let mut slots = PatternSlots::default();
        // Per clause, its relationship slots.
        let mut pattern_rels: std::collections::BTreeMap<usize, Vec<Expr>> = Default::default();
        for (part, clause) in order.iter().filter_map(|&i| Some((parts.get(i)?, clause_of.get(i)?)))
        {
            if part.kind != ast::PathKind::Plain {
                plan = self.shortest_path_part(plan, scope, part)?;
                continue;
            }
            let element = &part.element;
            let bound_at_start = &scope.slots();
            // Bind node slots first so a chain can start from its bound end.
            let mut nodes = Vec::new();
            for node in std::iter::once(&element.start).chain(element.chain.iter().map(|(_, n)| n))
            {
                let slot = self.variable_slot(scope, node.variable.as_ref());
                let bound = bound_at_start.contains(&slot);
                let props = self.property_map(&node.properties, scope)?;
                let labels = plain_labels(&node.labels).unwrap_or_default();
                slots.nodes.push((slot, bound, labels, props));
                nodes.push((slot, bound, node));
            }
            let node_base = slots.nodes.len() - nodes.len();
            let mut rels = Vec::new();
            for (i, (rel, _)) in element.chain.iter().enumerate() {
                let slot = self.variable_slot(scope, rel.variable.as_ref());
                let bound = bound_at_start.contains(&slot);
                pattern_rels.entry(*clause).or_default().push(Expr::Slot(slot));
                let props = self.property_map(&rel.properties, scope)?;
                let mut types: Vec<String> = Vec::new();
                for t in &rel.types {
                    if !types.contains(&t.name) {
                        types.push(t.name.clone());
                    }
                }
                slots.rels.push((
                    slot,
                    types.clone(),
                    node_base + i,
                    node_base + i + 1,
                    rel.direction,
                    props.clone(),
                ));
                rels.push((slot, bound, rel, types, props));
            }
            let start =
                self.chain_start(&nodes, &slots.nodes[node_base..], bound_at_start, equalities);
            let mut bound_now: std::collections::HashSet<usize> = bound_at_start.clone();
            let (start_slot, start_bound, start_node) = nodes[start];
            plan = self.node_start(plan, scope, start_slot, start_bound, start_node)?;
            bound_now.insert(start_slot);
            for (from_i, to_i) in chain_steps(start, nodes.len()) {
                let rel_i = from_i.min(to_i);
                let reversed = to_i < from_i;
                let (rel_slot, rel_bound, rel, types, props) = &rels[rel_i];
                let dir = rel.direction;
                let dir = if reversed { dir.reversed() } else { dir };
                let length = rel.length.map(|(min, max)| (min.unwrap_or(1), max));
                let rel_properties = match (length, props) {
                    (Some(_), Some(Expr::Map(entries))) => entries.clone(),
                    _ => Vec::new(),
                };
                let (to_slot, _, to_node) = nodes[to_i];
                plan = Plan::Expand {
                    input: Box::new(plan),
                    expand: Expand {
                        from: nodes[from_i].0,
                        to: to_slot,
                        to_bound: bound_now.contains(&to_slot),
                        rel: *rel_slot,
                        rel_bound: *rel_bound,
                        types: types.clone(),
                        direction: dir,
                        length,
                        rel_properties,
                        reversed,
                    },
                };
                let mut predicates = Vec::new();
                if length.is_none() {
                    if let Some(p) = props {
                        predicates.extend(property_equalities(*rel_slot, p));
                    }
                }
                if let Some(w) = &rel.where_ {
                    predicates.push(self.expr(w, scope)?);
                }
                predicates.extend(self.node_predicates(scope, to_slot, to_node)?);
                bound_now.insert(to_slot);
                plan = filter(plan, conjunction(predicates));
            }
            if let Some(var) = &part.variable {
                let mut parts = vec![PathPart::Node(nodes[0].0)];
                for (i, (rel_slot, _, rel, _, _)) in rels.iter().enumerate() {
                    parts.push(if rel.length.is_some() {
                        PathPart::RelList(*rel_slot)
                    } else {
                        PathPart::Rel(*rel_slot)
                    });
                    parts.push(PathPart::Node(nodes[i + 1].0));
                }
                let slot = self.slot();
                scope.insert(&var.name, slot);
                slots.paths.push((slot, Expr::Path(parts.clone())));
                plan =
                    Plan::Project { input: Box::new(plan), items: vec![(slot, Expr::Path(parts))] };
            }
        }
        for rels in pattern_rels.into_values().filter(|rels| rels.len() > 1) {
            plan = Plan::Filter {
                input: Box::new(plan),
                predicate: Expr::Call("__distinct_relationships".into(), rels),
            };
        }
        Ok((plan, slots))
    }

    /// The slot of a pattern variable: its existing slot when bound, else a new one (bound
    /// in `scope` when the element is named).
    pub(crate) fn variable_slot(
        &mut self,
        scope: &mut Scope,
        variable: Option<&ast::Ident>,
    ) -> usize {
        if let Some(slot) = variable.and_then(|v| scope.get(&v.name)) {
            return slot;
        }
        let slot = self.slot();
        if let Some(v) = variable {
            scope.insert(&v.name, slot);
        }
        slot
    }

    /// Predicates a pattern node puts on the node in `slot`: labels, properties, inline `WHERE`.
    fn node_predicates(
        &mut self,
        scope: &Scope,
        slot: usize,
        node: &ast::NodePattern,
    ) -> Result<Vec<Expr>, PlanError> {
        let mut predicates = Vec::new();
        if let Some(labels) = &node.labels {
            predicates.push(Expr::HasLabels(Box::new(Expr::Slot(slot)), label_predicate(labels)));
        }
        if let Some(props) = self.property_map(&node.properties, scope)? {
            predicates.extend(property_equalities(slot, &props));
        }
        if let Some(w) = &node.where_ {
            predicates.push(self.expr(w, scope)?);
        }
        Ok(predicates)
    }

    /// The operator that binds (or checks) the first node of a chain.
    pub(crate) fn node_start(
        &mut self,
        plan: Plan,
        scope: &Scope,
        slot: usize,
        bound: bool,
        node: &ast::NodePattern,
    ) -> Result<Plan, PlanError> {
        let mut predicates = self.node_predicates(scope, slot, node)?;
        if bound {
            return Ok(filter(plan, conjunction(predicates)));
        }
        let labels = plain_labels(&node.labels);
        let scan_labels = labels.clone().unwrap_or_default();
        if labels.is_some() {
            // The scan checks plain labels itself.
            predicates.retain(|p| !matches!(p, Expr::HasLabels(..)));
        }
        // The optimizer turns a scan under a property equality into a lookup.
        let plan = Plan::NodeScan { input: Box::new(plan), slot, labels: scan_labels };
        Ok(filter(plan, conjunction(predicates)))
    }

    /// What `CREATE pattern` creates per row; binds the new variables in `scope`.
    pub(crate) fn create_pattern(
        &mut self,
        scope: &mut Scope,
        pattern: &Pattern,
    ) -> Result<CreatePattern, PlanError> {
        let mut out = CreatePattern::default();
        for part in &pattern.parts {
            let element = &part.element;
            let mut node_slots = Vec::new();
            for node in std::iter::once(&element.start).chain(element.chain.iter().map(|(_, n)| n))
            {
                let bound = node.variable.as_ref().and_then(|v| scope.get(&v.name));
                let slot = match bound {
                    Some(slot) => slot,
                    None => {
                        let slot = self.slot();
                        let labels = plain_labels(&node.labels).ok_or_else(|| {
                            PlanError::Unsupported("label expressions in CREATE".into())
                        })?;
                        let properties = self.property_map(&node.properties, scope)?;
                        out.nodes.push(CreateNode { slot, bound: false, labels, properties });
                        if let Some(v) = &node.variable {
                            scope.insert(&v.name, slot);
                        }
                        slot
                    }
                };
                node_slots.push(slot);
            }
            let mut parts = vec![PathPart::Node(node_slots[0])];
            for (i, (rel, _)) in element.chain.iter().enumerate() {
                let slot = self.slot();
                let rel_type = rel.types.first().map(|t| t.name.clone()).unwrap_or_default();
                let properties = self.property_map(&rel.properties, scope)?;
                let (src, dst) = match rel.direction {
                    Direction::Incoming => (node_slots[i + 1], node_slots[i]),
                    _ => (node_slots[i], node_slots[i + 1]),
                };
                out.rels.push(CreateRel { slot, rel_type, src, dst, properties });
                if let Some(v) = &rel.variable {
                    scope.insert(&v.name, slot);
                }
                parts.push(PathPart::Rel(slot));
                parts.push(PathPart::Node(node_slots[i + 1]));
            }
            if let Some(var) = &part.variable {
                let slot = self.slot();
                scope.insert(&var.name, slot);
                out.paths.push((slot, Expr::Path(parts)));
            }
        }
        Ok(out)
    }
}
