//! Structural questions about expressions: their direct sub-expressions, whether they aggregate,
//! which variables they read.

use super::functions::{self, FunctionKind};
use crate::ast::*;

/// The qualified name of a function call, parts joined by `.`.
pub(crate) fn function_name(parts: &[Ident]) -> String {
    parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(".")
}

/// Whether `expr` itself is a call of an aggregate function (or `count(*)`).
pub(crate) fn is_aggregate_call(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::CountStar => true,
        ExprKind::Function { name, .. } => functions::lookup(&function_name(name))
            .is_some_and(|s| s.kind == FunctionKind::Aggregate),
        _ => false,
    }
}

/// Whether `expr` contains an aggregate call outside any nested subquery.
pub(crate) fn contains_aggregate(expr: &Expr) -> bool {
    if is_aggregate_call(expr) {
        return true;
    }
    let mut found = false;
    for_each_child(expr, &mut |child| found = found || contains_aggregate(child));
    found
}

/// Calls `f` on each direct sub-expression of `expr`, not descending into patterns or subqueries.
pub(crate) fn for_each_child<'a>(expr: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    match &expr.kind {
        ExprKind::Literal(_)
        | ExprKind::Parameter(_)
        | ExprKind::Variable(_)
        | ExprKind::CountStar
        | ExprKind::PatternPredicate(_)
        | ExprKind::ShortestPath(_)
        | ExprKind::Exists(_)
        | ExprKind::CountSubquery(_)
        | ExprKind::CollectSubquery(_) => {}
        ExprKind::List(items) => items.iter().for_each(f),
        ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| f(v)),
        ExprKind::Property(base, _)
        | ExprKind::HasLabels(base, _)
        | ExprKind::IsNull(base, _)
        | ExprKind::Unary(_, base) => f(base),
        ExprKind::Index(left, right) | ExprKind::Binary(_, left, right) => {
            f(left);
            f(right);
        }
        ExprKind::Slice(base, from, to) => {
            f(base);
            from.iter().chain(to.iter()).for_each(|e| f(e));
        }
        ExprKind::Comparison(first, rest) => {
            f(first);
            rest.iter().for_each(|(_, e)| f(e));
        }
        ExprKind::Function { args, .. } => args.iter().for_each(f),
        ExprKind::Case { operand, alternatives, default } => {
            operand.iter().for_each(|e| f(e));
            for (when, then) in alternatives {
                f(when);
                f(then);
            }
            default.iter().for_each(|e| f(e));
        }
        ExprKind::ListComprehension { list, filter, map, .. } => {
            f(list);
            filter.iter().chain(map.iter()).for_each(|e| f(e));
        }
        ExprKind::PatternComprehension { filter, map, .. } => {
            filter.iter().for_each(|e| f(e));
            f(map);
        }
        ExprKind::Quantified { list, filter, .. } => {
            f(list);
            filter.iter().for_each(|e| f(e));
        }
        ExprKind::Reduce { init, list, expr, .. } => {
            f(init);
            f(list);
            f(expr);
        }
        ExprKind::MapProjection(_, items) => {
            for item in items {
                if let MapProjectionItem::Literal(_, value) = item {
                    f(value);
                }
            }
        }
    }
}

/// The variables `expr` reads from its scope (those bound inside it, such as a comprehension's,
/// excluded). Patterns and subqueries count as reading nothing.
pub(crate) fn free_variables(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    collect_free(expr, &mut Vec::new(), &mut out);
    out
}

fn collect_free(expr: &Expr, bound: &mut Vec<String>, out: &mut Vec<String>) {
    let scoped = |var: &Ident, parts: &[&Expr], bound: &mut Vec<String>, out: &mut Vec<String>| {
        bound.push(var.name.clone());
        parts.iter().for_each(|e| collect_free(e, bound, out));
        bound.pop();
    };
    match &expr.kind {
        ExprKind::Variable(v) => {
            if !bound.contains(&v.name) && !out.contains(&v.name) {
                out.push(v.name.clone());
            }
        }
        ExprKind::MapProjection(base, items) => {
            if !bound.contains(&base.name) && !out.contains(&base.name) {
                out.push(base.name.clone());
            }
            for item in items {
                match item {
                    MapProjectionItem::Literal(_, value) => collect_free(value, bound, out),
                    MapProjectionItem::Variable(v) if !bound.contains(&v.name) => {
                        out.push(v.name.clone())
                    }
                    _ => {}
                }
            }
        }
        ExprKind::ListComprehension { variable, list, filter, map } => {
            collect_free(list, bound, out);
            let parts: Vec<&Expr> = filter.iter().chain(map.iter()).map(|e| &**e).collect();
            scoped(variable, &parts, bound, out);
        }
        ExprKind::Quantified { variable, list, filter, .. } => {
            collect_free(list, bound, out);
            let parts: Vec<&Expr> = filter.iter().map(|e| &**e).collect();
            scoped(variable, &parts, bound, out);
        }
        ExprKind::Reduce { accumulator, init, variable, list, expr } => {
            collect_free(init, bound, out);
            collect_free(list, bound, out);
            bound.push(accumulator.name.clone());
            scoped(variable, &[expr], bound, out);
            bound.pop();
        }
        _ => for_each_child(expr, &mut |child| collect_free(child, bound, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_statement;

    fn first_return_expr(query: &str) -> Expr {
        let statement = parse_statement(query).expect("parses");
        let StatementKind::Query(query) = statement.kind else { panic!("not a query") };
        let Some(Clause::Return { projection, .. }) = query.first.clauses.last() else {
            panic!("no RETURN")
        };
        projection.items[0].expr.clone()
    }

    #[test]
    fn free_variables_skip_comprehension_bindings() {
        let expr = first_return_expr("WITH 1 AS a, 2 AS b RETURN [x IN [a] WHERE x > b | x] AS l");
        assert_eq!(free_variables(&expr), vec!["a".to_owned(), "b".to_owned()]);
    }

    #[test]
    fn aggregates_are_found_inside_expressions() {
        assert!(contains_aggregate(&first_return_expr("RETURN 1 + count(*) AS c")));
        assert!(contains_aggregate(&first_return_expr("RETURN [sum(1)] AS c")));
        assert!(!contains_aggregate(&first_return_expr("RETURN size([1]) AS c")));
    }
}
