//! Binding `shortestPath(…)` and `allShortestPaths(…)` pattern parts: both end nodes are
//! bound (scanned first when the pattern introduces them), then one `ShortestPath` operator
//! searches between them. The part must be a single relationship pattern; its length bounds
//! default to `*1..1` when it has none.

use namidb_cypher_syntax::ast::{self, PatternPart};

use super::patterns::filter;
use super::{Binder, Scope};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::plan::{Expand, Plan};

impl Binder<'_> {
    /// The plan for one shortest-path part after `plan`; binds its variables in `scope`.
    pub(crate) fn shortest_path_part(
        &mut self,
        mut plan: Plan,
        scope: &mut Scope,
        part: &PatternPart,
    ) -> Result<Plan, PlanError> {
        let element = &part.element;
        let [(rel, end)] = element.chain.as_slice() else {
            return Err(PlanError::Unsupported(
                "shortestPath over anything but one relationship pattern".into(),
            ));
        };
        let bound_at_start = scope.slots();
        let from = self.variable_slot(scope, element.start.variable.as_ref());
        let to = self.variable_slot(scope, end.variable.as_ref());
        plan =
            self.node_start(plan, scope, from, bound_at_start.contains(&from), &element.start)?;
        plan = self.node_start(plan, scope, to, bound_at_start.contains(&to), end)?;
        if rel.variable.as_ref().is_some_and(|v| scope.get(&v.name).is_some()) {
            return Err(PlanError::Unsupported(
                "a bound relationship variable inside shortestPath".into(),
            ));
        }
        let rel_slot = self.variable_slot(scope, rel.variable.as_ref());
        let mut types: Vec<String> = Vec::new();
        for t in &rel.types {
            if !types.contains(&t.name) {
                types.push(t.name.clone());
            }
        }
        let rel_properties = match self.property_map(&rel.properties, scope)? {
            Some(Expr::Map(entries)) => entries,
            _ => Vec::new(),
        };
        let length = rel.length.map(|(min, max)| (min.unwrap_or(1), max)).unwrap_or((1, Some(1)));
        let path = self.slot();
        if let Some(var) = &part.variable {
            scope.insert(&var.name, path);
        }
        plan = Plan::ShortestPath {
            input: Box::new(plan),
            expand: Expand {
                from,
                to,
                to_bound: true,
                rel: rel_slot,
                rel_bound: false,
                types,
                direction: rel.direction,
                length: Some(length),
                rel_properties,
                reversed: false,
            },
            path,
            all: part.kind == ast::PathKind::AllShortest,
        };
        let predicate = match &rel.where_ {
            Some(w) => Some(self.expr(w, scope)?),
            None => None,
        };
        Ok(filter(plan, predicate))
    }
}
