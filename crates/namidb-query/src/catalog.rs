//! What the binder needs to know beyond the query text: procedure signatures and which
//! parameters are supplied.

/// A procedure's signature: `name(inputs) :: (outputs)`, each field with its Cypher type name
/// (e.g. `INTEGER?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureSignature {
    /// Qualified name, e.g. `test.my.proc`.
    pub name: String,
    /// Input fields.
    pub inputs: Vec<(String, String)>,
    /// Output fields.
    pub outputs: Vec<(String, String)>,
}

/// The procedures a statement may call.
pub trait Catalog {
    /// The signature of procedure `name`, if registered.
    fn procedure(&self, name: &str) -> Option<ProcedureSignature>;
}

/// A catalog with no procedures.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyCatalog;

impl Catalog for EmptyCatalog {
    fn procedure(&self, _name: &str) -> Option<ProcedureSignature> {
        None
    }
}
