//! Binding the updating clauses' parts: `SET` / `REMOVE` items, `MERGE`, and procedure calls.

use namidb_cypher_syntax::ast::{self, ProcedureCall, RemoveItem, SetItem};

use super::{Binder, Scope};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::plan::{CreateNode, CreatePattern, CreateRel, Direction, Plan, SetOp};

impl Binder<'_> {
    fn var_slot(&self, scope: &Scope, ident: &ast::Ident) -> Result<usize, PlanError> {
        scope.get(&ident.name).ok_or_else(|| PlanError::UndefinedVariable(ident.name.clone()))
    }

    /// `SET` items.
    pub(crate) fn set_items(
        &mut self,
        scope: &Scope,
        items: &[SetItem],
    ) -> Result<Vec<SetOp>, PlanError> {
        let mut out = Vec::new();
        for item in items {
            out.push(match item {
                SetItem::Property { target, value } => {
                    let ast::ExprKind::Property(base, key) = &target.kind else {
                        return Err(PlanError::Unsupported("SET of a non-property target".into()));
                    };
                    SetOp::Property {
                        target: self.expr(base, scope)?,
                        key: key.name.clone(),
                        value: self.expr(value, scope)?,
                    }
                }
                SetItem::Replace { variable, value } => SetOp::Properties {
                    target: self.var_slot(scope, variable)?,
                    value: self.expr(value, scope)?,
                    merge: false,
                },
                SetItem::Merge { variable, value } => SetOp::Properties {
                    target: self.var_slot(scope, variable)?,
                    value: self.expr(value, scope)?,
                    merge: true,
                },
                SetItem::Labels { variable, labels } => SetOp::Labels {
                    target: self.var_slot(scope, variable)?,
                    labels: labels.iter().map(|l| l.name.clone()).collect(),
                    add: true,
                },
            });
        }
        Ok(out)
    }

    /// `REMOVE` items.
    pub(crate) fn remove_items(
        &mut self,
        scope: &Scope,
        items: &[RemoveItem],
    ) -> Result<Vec<SetOp>, PlanError> {
        let mut out = Vec::new();
        for item in items {
            out.push(match item {
                RemoveItem::Property(target) => {
                    let ast::ExprKind::Property(base, key) = &target.kind else {
                        return Err(PlanError::Unsupported("REMOVE of a non-property".into()));
                    };
                    SetOp::Property {
                        target: self.expr(base, scope)?,
                        key: key.name.clone(),
                        value: Expr::null(),
                    }
                }
                RemoveItem::Labels { variable, labels } => SetOp::Labels {
                    target: self.var_slot(scope, variable)?,
                    labels: labels.iter().map(|l| l.name.clone()).collect(),
                    add: false,
                },
            });
        }
        Ok(out)
    }

    /// `MERGE part ON MATCH SET … ON CREATE SET …`.
    pub(crate) fn merge(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        part: &ast::PatternPart,
        actions: &[(bool, Vec<SetItem>)],
    ) -> Result<Plan, PlanError> {
        let (matcher, slots) =
            self.pattern_plan(Plan::Argument, scope, std::slice::from_ref(part))?;
        let mut create = CreatePattern::default();
        for (slot, bound, labels, properties) in &slots.nodes {
            if !*bound && !create.nodes.iter().any(|n| n.slot == *slot) {
                create.nodes.push(CreateNode {
                    slot: *slot,
                    bound: false,
                    labels: labels.clone(),
                    properties: properties.clone(),
                });
            }
        }
        for (slot, types, from, to, direction, properties) in &slots.rels {
            let (from, to) = (slots.nodes[*from].0, slots.nodes[*to].0);
            let (src, dst) = match direction {
                Direction::Incoming => (to, from),
                _ => (from, to),
            };
            create.rels.push(CreateRel {
                slot: *slot,
                rel_type: types.first().cloned().unwrap_or_default(),
                src,
                dst,
                properties: properties.clone(),
            });
        }
        create.paths = slots.paths;
        let mut on_match = Vec::new();
        let mut on_create = Vec::new();
        for (is_create, items) in actions {
            let ops = self.set_items(scope, items)?;
            if *is_create {
                on_create.extend(ops);
            } else {
                on_match.extend(ops);
            }
        }
        Ok(Plan::Merge {
            input: Box::new(plan),
            matcher: Box::new(matcher),
            create,
            on_match,
            on_create,
        })
    }

    /// `CALL name(args) YIELD …`.
    pub(crate) fn procedure_call(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        call: &ProcedureCall,
    ) -> Result<Plan, PlanError> {
        let name = call.name.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
        let signature = self
            .catalog
            .procedure(&name)
            .ok_or_else(|| PlanError::ProcedureNotFound { name: name.clone(), span: call.span })?;
        let args = match &call.args {
            Some(args) => {
                if args.len() != signature.inputs.len() {
                    return Err(PlanError::InvalidNumberOfArguments {
                        name,
                        expected: signature.inputs.len(),
                        got: args.len(),
                    });
                }
                args.iter().map(|a| self.expr(a, scope)).collect::<Result<Vec<_>, _>>()?
            }
            // Without parentheses the arguments are the parameters of the same names.
            None => signature
                .inputs
                .iter()
                .map(|(input, _)| {
                    if (self.parameters)(input) {
                        Ok(Expr::Param(input.clone()))
                    } else {
                        Err(PlanError::ParameterMissing(input.clone()))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let mut yields = Vec::new();
        if call.yields.is_empty() {
            for (index, (field, _)) in signature.outputs.iter().enumerate() {
                let slot = self.slot();
                scope.insert(field, slot);
                yields.push((index, slot));
            }
        } else {
            for (field, alias) in &call.yields {
                let index =
                    signature.outputs.iter().position(|(f, _)| *f == field.name).ok_or_else(
                        || PlanError::UnknownProcedureOutput {
                            name: name.clone(),
                            field: field.name.clone(),
                        },
                    )?;
                let slot = self.slot();
                scope.insert(&alias.as_ref().unwrap_or(field).name, slot);
                yields.push((index, slot));
            }
        }
        let void = signature.outputs.is_empty();
        let mut plan = Plan::ProcedureCall { input: Box::new(plan), name, args, yields, void };
        if let Some(w) = &call.where_ {
            let predicate = self.expr(w, scope)?;
            plan = Plan::Filter { input: Box::new(plan), predicate };
        }
        Ok(plan)
    }
}
