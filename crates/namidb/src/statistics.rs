//! The planner's view of the store's statistics: [`namidb_query::Statistics`] over the figures
//! the SSTs carry in the manifest plus those of the memtables ([`GraphStatistics`]), and the
//! catalog a statement is bound with (registered procedures plus those figures).

use std::sync::Arc;

use namidb_graph::{GraphSnapshot, GraphStatistics};
use namidb_query::{Catalog, ProcedureSignature, Statistics};

/// The store's statistics as the planner asks for them. Before anything is written every
/// figure is `None`, and the planner guesses.
pub(crate) struct PlannerStatistics(pub(crate) Arc<GraphStatistics>);

impl PlannerStatistics {
    /// The figures of the SSTs and memtables `snapshot` reads.
    pub(crate) fn of(snapshot: &GraphSnapshot) -> PlannerStatistics {
        PlannerStatistics(snapshot.statistics())
    }

    fn property(&self, label: &str, property: &str) -> Option<&namidb_graph::PropertyStatistics> {
        self.0.properties.get(&(label.to_owned(), property.to_owned()))
    }

    /// Whether anything is counted.
    fn known(&self) -> bool {
        self.0.nodes > 0 || !self.0.types.is_empty()
    }
}

impl Statistics for PlannerStatistics {
    fn node_count(&self, label: Option<&str>) -> Option<f64> {
        if !self.known() {
            return None;
        }
        Some(match label {
            None => self.0.nodes as f64,
            Some(l) => self.0.labels.get(l).copied().unwrap_or(0) as f64,
        })
    }

    fn property_count(&self, label: &str, property: &str) -> Option<f64> {
        if !self.known() {
            return None;
        }
        Some(self.property(label, property).map_or(0.0, |p| p.count as f64))
    }

    fn distinct_values(&self, label: &str, property: &str) -> Option<f64> {
        self.property(label, property).map(|p| p.distinct as f64)
    }

    fn value_range(&self, label: &str, property: &str) -> Option<(f64, f64)> {
        let p = self.property(label, property)?;
        Some((p.min?, p.max?))
    }

    fn relationship_count(&self, rel_type: Option<&str>) -> Option<f64> {
        if !self.known() {
            return None;
        }
        Some(match rel_type {
            None => self.0.types.values().map(|t| t.count).sum::<u64>() as f64,
            Some(t) => self.0.types.get(t).map_or(0, |t| t.count) as f64,
        })
    }
}

/// What a statement is bound against: the handle's procedures and the store's statistics.
pub(crate) struct StatementCatalog<'a> {
    pub(crate) procedures: &'a dyn Catalog,
    pub(crate) statistics: PlannerStatistics,
}

impl Catalog for StatementCatalog<'_> {
    fn procedure(&self, name: &str) -> Option<ProcedureSignature> {
        self.procedures.procedure(name)
    }

    fn statistics(&self) -> &dyn Statistics {
        &self.statistics
    }
}
