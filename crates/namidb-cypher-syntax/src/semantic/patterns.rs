//! Pattern checks: which variables a pattern binds and as what, and the rules of each clause —
//! `MATCH` may reuse bound nodes and relationships, `CREATE`/`MERGE` create new relationships of
//! exactly one type, a pattern used as a predicate introduces nothing.

use std::collections::HashSet;

use super::expressions::Context;
use super::scope::Scope;
use super::types::Type;
use super::Analyzer;
use crate::ast::*;
use crate::diagnostic::ErrorCode;

/// The clause or position a pattern stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatternUse {
    /// `MATCH` / `OPTIONAL MATCH`.
    Match,
    /// `CREATE`.
    Create,
    /// `MERGE`.
    Merge,
    /// A pattern predicate: every variable must already be bound.
    Predicate,
    /// A pattern comprehension, `EXISTS`/`COUNT` pattern or `shortestPath`: may introduce variables.
    Comprehension,
}

impl PatternUse {
    fn creates(self) -> bool {
        matches!(self, PatternUse::Create | PatternUse::Merge)
    }

    fn clause(self) -> &'static str {
        match self {
            PatternUse::Match => "MATCH",
            PatternUse::Create => "CREATE",
            PatternUse::Merge => "MERGE",
            PatternUse::Predicate => "a pattern predicate",
            PatternUse::Comprehension => "a pattern comprehension",
        }
    }
}

/// Variables bound by the pattern being analysed (as opposed to those bound before it).
#[derive(Default)]
struct Local {
    names: HashSet<String>,
}

impl Analyzer {
    /// Checks a pattern and binds its variables into `scope`.
    pub(super) fn pattern(&mut self, pattern: &Pattern, scope: &mut Scope, usage: PatternUse) {
        let mut local = Local::default();
        for part in &pattern.parts {
            self.part(part, scope, usage, &mut local);
        }
    }

    /// Checks one pattern part (with its path variable) and binds its variables.
    pub(super) fn pattern_part(
        &mut self,
        part: &PatternPart,
        scope: &mut Scope,
        usage: PatternUse,
    ) {
        self.part(part, scope, usage, &mut Local::default());
    }

    /// Checks a path shape alone (no path variable) and binds its variables.
    pub(super) fn element(
        &mut self,
        element: &PatternElement,
        scope: &mut Scope,
        usage: PatternUse,
    ) {
        self.chain(element, scope, usage, &mut Local::default());
    }

    fn part(
        &mut self,
        part: &PatternPart,
        scope: &mut Scope,
        usage: PatternUse,
        local: &mut Local,
    ) {
        if let Some(variable) = &part.variable {
            match scope.get(&variable.name) {
                Some(Type::Path) | Some(Type::Any) => self.error(
                    ErrorCode::VariableAlreadyBound,
                    format!("the path variable `{}` is already bound", variable.name),
                    variable.span,
                ),
                Some(other) => {
                    let message = format!(
                        "`{}` is {}, it cannot name a path",
                        variable.name,
                        other.with_article()
                    );
                    self.error(ErrorCode::VariableTypeConflict, message, variable.span)
                }
                None => {}
            }
            scope.bind(&variable.name, Type::Path);
            local.names.insert(variable.name.clone());
        }
        self.chain(&part.element, scope, usage, local);
    }

    fn chain(
        &mut self,
        element: &PatternElement,
        scope: &mut Scope,
        usage: PatternUse,
        local: &mut Local,
    ) {
        let lone = element.chain.is_empty();
        self.node(&element.start, scope, usage, local, lone);
        for (relationship, node) in &element.chain {
            self.relationship(relationship, scope, usage, local);
            self.node(node, scope, usage, local, false);
        }
    }

    fn introduced_in_predicate(&mut self, variable: &Ident) {
        self.error(
            ErrorCode::UndefinedVariable,
            format!(
                "variable `{}` is not defined; a pattern predicate cannot introduce new variables",
                variable.name
            ),
            variable.span,
        );
    }

    /// The property map and inline `WHERE` of a node or relationship pattern.
    fn filler(
        &mut self,
        properties: Option<&Expr>,
        filter: Option<&Expr>,
        scope: &Scope,
        usage: PatternUse,
    ) {
        self.properties(properties, scope, usage);
        if let Some(filter) = filter {
            self.expr(filter, scope, Context::predicate("a pattern's WHERE"));
        }
    }

    fn properties(&mut self, properties: Option<&Expr>, scope: &Scope, usage: PatternUse) {
        let Some(properties) = properties else { return };
        if let ExprKind::Parameter(name) = &properties.kind {
            if matches!(usage, PatternUse::Match | PatternUse::Merge) {
                self.error(
                    ErrorCode::InvalidParameterUse,
                    format!(
                        "a parameter (${name}) cannot stand for the properties of a pattern in {}; write a map such as {{key: ${name}.key}}",
                        usage.clause()
                    ),
                    properties.span,
                );
            }
            return;
        }
        self.expr(properties, scope, Context::value("pattern properties"));
    }

    fn node(
        &mut self,
        node: &NodePattern,
        scope: &mut Scope,
        usage: PatternUse,
        local: &mut Local,
        lone: bool,
    ) {
        if let Some(variable) = &node.variable {
            let name = &variable.name;
            match scope.get(name).cloned() {
                Some(Type::Node | Type::Any) => {
                    let declares = node.labels.is_some() || node.properties.is_some();
                    let bound_before = !local.names.contains(name);
                    if usage.creates() && (declares || (lone && bound_before)) {
                        self.error(
                            ErrorCode::VariableAlreadyBound,
                            format!(
                                "the node `{name}` is already bound; {} cannot create it again{}",
                                usage.clause(),
                                if declares { " or add labels or properties to it" } else { "" }
                            ),
                            variable.span,
                        );
                    }
                }
                Some(other) => self.error(
                    ErrorCode::VariableTypeConflict,
                    format!("`{name}` is {}, it cannot be used as a node", other.with_article()),
                    variable.span,
                ),
                None if usage == PatternUse::Predicate => self.introduced_in_predicate(variable),
                None => {
                    scope.bind(name, Type::Node);
                    local.names.insert(name.clone());
                }
            }
        }
        self.filler(node.properties.as_deref(), node.where_.as_deref(), scope, usage);
    }

    fn relationship(
        &mut self,
        relationship: &RelationshipPattern,
        scope: &mut Scope,
        usage: PatternUse,
        local: &mut Local,
    ) {
        if usage.creates() {
            self.created_relationship_shape(relationship, usage);
        }
        let var_length = relationship.length.is_some();
        if let Some(variable) = &relationship.variable {
            let name = &variable.name;
            let fits = |ty: &Type| match ty {
                Type::Any => true,
                Type::Relationship => !var_length,
                Type::List(element) => {
                    var_length && matches!(**element, Type::Relationship | Type::Any)
                }
                _ => false,
            };
            match scope.get(name).cloned() {
                Some(ty) if !fits(&ty) => self.error(
                    ErrorCode::VariableTypeConflict,
                    format!(
                        "`{name}` is {}, it cannot be used as a relationship here",
                        ty.with_article()
                    ),
                    variable.span,
                ),
                Some(_) if local.names.contains(name) => self.error(
                    ErrorCode::RelationshipUniquenessViolation,
                    format!("the relationship `{name}` appears twice in one pattern"),
                    variable.span,
                ),
                Some(_) if usage.creates() => self.error(
                    ErrorCode::VariableAlreadyBound,
                    format!(
                        "the relationship `{name}` is already bound; {} cannot create it again",
                        usage.clause()
                    ),
                    variable.span,
                ),
                Some(_) => {}
                None if usage == PatternUse::Predicate => self.introduced_in_predicate(variable),
                None => {
                    let ty = if var_length {
                        Type::list_of(Type::Relationship)
                    } else {
                        Type::Relationship
                    };
                    scope.bind(name, ty);
                    local.names.insert(name.clone());
                }
            }
        }
        self.filler(
            relationship.properties.as_deref(),
            relationship.where_.as_deref(),
            scope,
            usage,
        );
    }

    /// A relationship that `CREATE` or `MERGE` may create: one type, fixed length, and for
    /// `CREATE` a direction.
    fn created_relationship_shape(
        &mut self,
        relationship: &RelationshipPattern,
        usage: PatternUse,
    ) {
        if relationship.types.len() != 1 {
            self.error(
                ErrorCode::NoSingleRelationshipType,
                format!(
                    "a relationship in {} needs exactly one type, as in -[:KNOWS]->",
                    usage.clause()
                ),
                relationship.span,
            );
        }
        if relationship.length.is_some() {
            self.error(
                ErrorCode::CreatingVarLength,
                format!("{} cannot create a variable-length relationship", usage.clause()),
                relationship.span,
            );
        }
        if usage == PatternUse::Create && relationship.direction == Direction::Both {
            self.error(
                ErrorCode::RequiresDirectedRelationship,
                "CREATE needs a direction for each relationship: -[…]-> or <-[…]-",
                relationship.span,
            );
        }
    }
}
