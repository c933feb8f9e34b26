//! Binding expressions: variables to slots, literals to values, operators to [`Expr`], and
//! subquery forms (pattern predicates, `EXISTS`, `COUNT`, `COLLECT`, pattern comprehensions)
//! to plans over the current row.
//!
//! Aggregates are only legal where a projection collects them: [`Binder::expr_collecting`]
//! replaces each aggregate call by a slot and records the call.

use namidb_cypher_syntax::ast::{self, ExprKind, Literal};
use namidb_value::Value;

use super::{Binder, Scope};
use crate::error::PlanError;
use crate::expr::{
    AggregateCall, AggregateFunction, BinaryOp, Expr, LabelPredicate, MapProjectionItem,
    SubqueryKind,
};
use crate::plan::Plan;

/// Aggregates found in a projection item: slot and call.
pub(crate) type Aggregates = Vec<(usize, AggregateCall)>;

/// A label expression as a predicate.
pub(crate) fn label_predicate(expr: &ast::LabelExpr) -> LabelPredicate {
    match expr {
        ast::LabelExpr::Name(ident) => LabelPredicate::Name(ident.name.clone()),
        ast::LabelExpr::And(parts) => {
            LabelPredicate::And(parts.iter().map(label_predicate).collect())
        }
        ast::LabelExpr::Or(parts) => {
            LabelPredicate::Or(parts.iter().map(label_predicate).collect())
        }
        ast::LabelExpr::Not(inner) => LabelPredicate::Not(Box::new(label_predicate(inner))),
        ast::LabelExpr::Wildcard(_) => LabelPredicate::Wildcard,
    }
}

/// The value of a literal.
pub(crate) fn literal(lit: &Literal) -> Value {
    match lit {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Integer(i) => Value::Int(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::String(s) => Value::string(s),
    }
}

/// A function's qualified name, lower-cased.
pub(crate) fn function_name(name: &[ast::Ident]) -> String {
    name.iter().map(|i| i.name.to_lowercase()).collect::<Vec<_>>().join(".")
}

impl Binder<'_> {
    /// Binds an expression where aggregates are not allowed.
    pub(crate) fn expr(&mut self, expr: &ast::Expr, scope: &Scope) -> Result<Expr, PlanError> {
        self.bind(expr, scope, &mut None)
    }

    /// Binds an expression, replacing aggregate calls by slots recorded in `aggregates`.
    pub(crate) fn expr_collecting(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        aggregates: &mut Aggregates,
    ) -> Result<Expr, PlanError> {
        let mut collector = Some(std::mem::take(aggregates));
        let bound = self.bind(expr, scope, &mut collector);
        *aggregates = collector.unwrap_or_default();
        bound
    }

    fn boxed(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        aggs: &mut Option<Aggregates>,
    ) -> Result<Box<Expr>, PlanError> {
        Ok(Box::new(self.bind(expr, scope, aggs)?))
    }

    fn aggregate(
        &mut self,
        call: AggregateCall,
        aggs: &mut Option<Aggregates>,
    ) -> Result<Expr, PlanError> {
        let Some(aggs) = aggs.as_mut() else {
            return Err(PlanError::Semantic {
                code: "InvalidAggregation",
                message: "aggregate functions are only allowed in WITH and RETURN".into(),
            });
        };
        if let Some((slot, _)) = aggs.iter().find(|(_, c)| *c == call) {
            return Ok(Expr::Slot(*slot));
        }
        let slot = self.slot();
        aggs.push((slot, call));
        Ok(Expr::Slot(slot))
    }

    fn bind(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        aggs: &mut Option<Aggregates>,
    ) -> Result<Expr, PlanError> {
        Ok(match &expr.kind {
            ExprKind::Literal(lit) => Expr::Const(literal(lit)),
            ExprKind::Parameter(name) => {
                if !(self.parameters)(name) {
                    return Err(PlanError::ParameterMissing(name.clone()));
                }
                Expr::Param(name.clone())
            }
            ExprKind::Variable(ident) => Expr::Slot(
                scope
                    .get(&ident.name)
                    .ok_or_else(|| PlanError::UndefinedVariable(ident.name.clone()))?,
            ),
            ExprKind::List(items) => Expr::List(
                items.iter().map(|e| self.bind(e, scope, aggs)).collect::<Result<_, _>>()?,
            ),
            ExprKind::Map(entries) => Expr::Map(
                entries
                    .iter()
                    .map(|(k, e)| Ok((k.name.clone(), self.bind(e, scope, aggs)?)))
                    .collect::<Result<_, PlanError>>()?,
            ),
            ExprKind::Property(base, key) => {
                Expr::Property(self.boxed(base, scope, aggs)?, key.name.clone())
            }
            ExprKind::Index(base, index) => {
                Expr::Index(self.boxed(base, scope, aggs)?, self.boxed(index, scope, aggs)?)
            }
            ExprKind::Slice(base, from, to) => Expr::Slice(
                self.boxed(base, scope, aggs)?,
                from.as_ref().map(|e| self.boxed(e, scope, aggs)).transpose()?,
                to.as_ref().map(|e| self.boxed(e, scope, aggs)).transpose()?,
            ),
            ExprKind::HasLabels(base, labels) => {
                Expr::HasLabels(self.boxed(base, scope, aggs)?, label_predicate(labels))
            }
            ExprKind::Unary(op, operand) => {
                let operand = self.boxed(operand, scope, aggs)?;
                match op {
                    ast::UnaryOp::Not => Expr::Not(operand),
                    ast::UnaryOp::Neg => match *operand {
                        Expr::Const(Value::Int(i)) => Expr::Const(
                            i.checked_neg().map(Value::Int).unwrap_or(Value::Float(-(i as f64))),
                        ),
                        Expr::Const(Value::Float(f)) => Expr::Const(Value::Float(-f)),
                        other => Expr::Neg(Box::new(other)),
                    },
                    ast::UnaryOp::Pos => Expr::Call("__positive".into(), vec![*operand]),
                }
            }
            ExprKind::Binary(op, left, right) => {
                Expr::Binary(*op, self.boxed(left, scope, aggs)?, self.boxed(right, scope, aggs)?)
            }
            ExprKind::Comparison(first, rest) => {
                let mut left = self.bind(first, scope, aggs)?;
                let mut out: Option<Expr> = None;
                for (op, right) in rest {
                    let right = self.bind(right, scope, aggs)?;
                    let cmp = Expr::Binary(*op, Box::new(left), Box::new(right.clone()));
                    out = Some(match out {
                        None => cmp,
                        Some(prev) => Expr::Binary(BinaryOp::And, Box::new(prev), Box::new(cmp)),
                    });
                    left = right;
                }
                out.unwrap_or(left)
            }
            ExprKind::IsNull(operand, negated) => {
                Expr::IsNull(self.boxed(operand, scope, aggs)?, *negated)
            }
            ExprKind::CountStar => self.aggregate(
                AggregateCall {
                    function: AggregateFunction::CountStar,
                    distinct: false,
                    args: vec![],
                },
                aggs,
            )?,
            ExprKind::Function { name, distinct, args } => {
                let fname = function_name(name);
                let is_aggregate = AggregateFunction::from_name(&fname).is_some();
                let mut inner_aggs = if is_aggregate { None } else { aggs.take() };
                let bound_args: Result<Vec<Expr>, PlanError> =
                    args.iter().map(|e| self.bind(e, scope, &mut inner_aggs)).collect();
                if !is_aggregate {
                    *aggs = inner_aggs;
                }
                let args = bound_args?;
                match AggregateFunction::from_name(&fname) {
                    Some(function) => {
                        self.aggregate(AggregateCall { function, distinct: *distinct, args }, aggs)?
                    }
                    None => Expr::Call(fname, args),
                }
            }
            ExprKind::Case { operand, alternatives, default } => Expr::Case {
                operand: operand.as_ref().map(|e| self.boxed(e, scope, aggs)).transpose()?,
                alternatives: alternatives
                    .iter()
                    .map(|(w, t)| Ok((self.bind(w, scope, aggs)?, self.bind(t, scope, aggs)?)))
                    .collect::<Result<_, PlanError>>()?,
                default: default.as_ref().map(|e| self.boxed(e, scope, aggs)).transpose()?,
            },
            ExprKind::ListComprehension { variable, list, filter, map } => {
                let list = self.boxed(list, scope, aggs)?;
                let (slot, inner) = self.local(scope, &variable.name);
                Expr::ListComprehension {
                    slot,
                    list,
                    filter: filter.as_ref().map(|e| self.boxed(e, &inner, aggs)).transpose()?,
                    map: map.as_ref().map(|e| self.boxed(e, &inner, aggs)).transpose()?,
                }
            }
            ExprKind::Quantified { quantifier, variable, list, filter } => {
                let list = self.boxed(list, scope, aggs)?;
                let (slot, inner) = self.local(scope, &variable.name);
                let filter = match filter {
                    Some(f) => self.boxed(f, &inner, aggs)?,
                    None => Box::new(Expr::Const(Value::Bool(true))),
                };
                Expr::Quantified { quantifier: *quantifier, slot, list, filter }
            }
            ExprKind::Reduce { accumulator, init, variable, list, expr } => {
                let init = self.boxed(init, scope, aggs)?;
                let list = self.boxed(list, scope, aggs)?;
                let (acc_slot, with_acc) = self.local(scope, &accumulator.name);
                let (slot, inner) = self.local(&with_acc, &variable.name);
                let expr = self.boxed(expr, &inner, aggs)?;
                Expr::Reduce { accumulator: acc_slot, init, slot, list, expr }
            }
            ExprKind::MapProjection(base, items) => {
                let base_slot = scope
                    .get(&base.name)
                    .ok_or_else(|| PlanError::UndefinedVariable(base.name.clone()))?;
                let mut bound = Vec::new();
                for item in items {
                    bound.push(match item {
                        ast::MapProjectionItem::Property(key) => {
                            MapProjectionItem::Property(key.name.clone())
                        }
                        ast::MapProjectionItem::AllProperties => MapProjectionItem::AllProperties,
                        ast::MapProjectionItem::Literal(key, e) => {
                            MapProjectionItem::Entry(key.name.clone(), self.bind(e, scope, aggs)?)
                        }
                        ast::MapProjectionItem::Variable(v) => MapProjectionItem::Entry(
                            v.name.clone(),
                            Expr::Slot(
                                scope
                                    .get(&v.name)
                                    .ok_or_else(|| PlanError::UndefinedVariable(v.name.clone()))?,
                            ),
                        ),
                    });
                }
                Expr::MapProjection(Box::new(Expr::Slot(base_slot)), bound)
            }
            ExprKind::PatternPredicate(element) => {
                let plan = self.pattern_subplan(scope, &[part_of(element)], None)?;
                Expr::Subquery(Box::new(plan.0), SubqueryKind::Exists)
            }
            ExprKind::PatternComprehension { variable, pattern, filter, map } => {
                let mut part = part_of(pattern);
                part.variable = variable.clone();
                let (plan, inner) = self.pattern_subplan(scope, &[part], filter.as_deref())?;
                let value = self.bind(map, &inner, &mut None)?;
                let slot = self.slot();
                let plan = Plan::Project { input: Box::new(plan), items: vec![(slot, value)] };
                Expr::Subquery(Box::new(plan), SubqueryKind::Collect(slot))
            }
            ExprKind::Exists(subquery) => {
                Expr::Subquery(Box::new(self.subquery(scope, subquery)?), SubqueryKind::Exists)
            }
            ExprKind::CountSubquery(subquery) => {
                Expr::Subquery(Box::new(self.subquery(scope, subquery)?), SubqueryKind::Count)
            }
            ExprKind::CollectSubquery(query) => {
                let mut returned = Vec::new();
                let (plan, _, _) = self.query(query, scope, Plan::Argument, Some(&mut returned))?;
                let slot = match returned.as_slice() {
                    [(_, slot)] => *slot,
                    _ => {
                        return Err(PlanError::Semantic {
                            code: "InvalidClauseComposition",
                            message: "a COLLECT subquery must return exactly one column".into(),
                        })
                    }
                };
                Expr::Subquery(Box::new(plan), SubqueryKind::Collect(slot))
            }
            ExprKind::ShortestPath(_) => {
                return Err(PlanError::Unsupported("shortestPath as an expression".into()))
            }
        })
    }

    /// A new slot for a local variable, and the scope with it.
    fn local(&mut self, scope: &Scope, name: &str) -> (usize, Scope) {
        let slot = self.slot();
        let mut inner = scope.clone();
        inner.insert(name, slot);
        (slot, inner)
    }

    fn subquery(&mut self, scope: &Scope, subquery: &ast::Subquery) -> Result<Plan, PlanError> {
        match subquery {
            ast::Subquery::Pattern(pattern, where_) => {
                Ok(self.pattern_subplan(scope, &pattern.parts, where_.as_ref())?.0)
            }
            ast::Subquery::Query(query) => {
                let mut returned = Vec::new();
                let (plan, _, _) = self.query(query, scope, Plan::Argument, Some(&mut returned))?;
                Ok(plan)
            }
        }
    }
}

/// A bare pattern element as a pattern part.
pub(crate) fn part_of(element: &ast::PatternElement) -> ast::PatternPart {
    ast::PatternPart {
        variable: None,
        kind: ast::PathKind::Plain,
        element: element.clone(),
        span: element.span,
    }
}
