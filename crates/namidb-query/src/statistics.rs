//! What the planner may know about the data: the [`Statistics`] it estimates row counts from.
//!
//! The planner knows nothing of storage; whoever binds a statement hands it an implementation
//! (the facade's reads the figures the SSTs carry in the manifest). Every answer is optional:
//! without one the estimator falls back to fixed guesses, so a plan never depends on figures
//! being present, only its choices improve with them.

/// Figures about the graph the planner estimates from.
pub trait Statistics {
    /// Nodes (with `label`, if given).
    fn node_count(&self, label: Option<&str>) -> Option<f64>;
    /// Nodes with `label` that have `property`.
    fn property_count(&self, label: &str, property: &str) -> Option<f64>;
    /// Distinct values of `property` among the nodes with `label`.
    fn distinct_values(&self, label: &str, property: &str) -> Option<f64>;
    /// The smallest and largest numeric value of `property` among the nodes with `label`.
    fn value_range(&self, label: &str, property: &str) -> Option<(f64, f64)>;
    /// Relationships (of `rel_type`, if given).
    fn relationship_count(&self, rel_type: Option<&str>) -> Option<f64>;
}

/// No figures at all: every estimate is a fixed guess.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStatistics;

impl Statistics for NoStatistics {
    fn node_count(&self, _label: Option<&str>) -> Option<f64> {
        None
    }
    fn property_count(&self, _label: &str, _property: &str) -> Option<f64> {
        None
    }
    fn distinct_values(&self, _label: &str, _property: &str) -> Option<f64> {
        None
    }
    fn value_range(&self, _label: &str, _property: &str) -> Option<(f64, f64)> {
        None
    }
    fn relationship_count(&self, _rel_type: Option<&str>) -> Option<f64> {
        None
    }
}
