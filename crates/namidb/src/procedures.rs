//! User-registered procedures, callable with `CALL name(args) YIELD …`.

use std::collections::HashMap;
use std::sync::Arc;

use namidb_exec::{ExecError, Procedures};
use namidb_query::{Catalog, ProcedureSignature};
use namidb_value::Value;
use parking_lot::RwLock;

/// A procedure body: arguments in, rows of output fields (signature order) out.
pub type ProcedureFn = Arc<dyn Fn(&[Value]) -> Result<Vec<Vec<Value>>, String> + Send + Sync>;

/// The registered procedures of a database handle.
#[derive(Default, Clone)]
pub struct ProcedureRegistry {
    procedures: Arc<RwLock<HashMap<String, (ProcedureSignature, ProcedureFn)>>>,
}

impl ProcedureRegistry {
    /// Registers (or replaces) a procedure.
    pub fn register(&self, signature: ProcedureSignature, body: ProcedureFn) {
        self.procedures.write().insert(signature.name.clone(), (signature, body));
    }
}

impl Catalog for ProcedureRegistry {
    fn procedure(&self, name: &str) -> Option<ProcedureSignature> {
        self.procedures.read().get(name).map(|(s, _)| s.clone())
    }
}

impl Procedures for ProcedureRegistry {
    fn call(&self, name: &str, args: &[Value]) -> namidb_exec::Result<Vec<Vec<Value>>> {
        let body = self.procedures.read().get(name).map(|(_, f)| f.clone());
        let Some(body) = body else {
            return Err(ExecError::cypher(
                "ProcedureError",
                "ProcedureNotFound",
                format!("no procedure {name}"),
            ));
        };
        body(args).map_err(|m| ExecError::cypher("ProcedureError", "ProcedureCallFailed", m))
    }
}
