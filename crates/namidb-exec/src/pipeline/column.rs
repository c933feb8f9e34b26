//! Property columns of a projection: the values by dense index (nodes) or position
//! (relationships). When every present value is an integer the column holds them unboxed, with
//! a presence bitset (8 bytes and a bit per element instead of a 32-byte value), and a
//! comparison with an integer constant ([`PExpr::IntCompare`](super::compile::PExpr)) reads a
//! machine word instead of building and comparing values.

use namidb_query::expr::BinaryOp;
use namidb_value::Value;

/// One property's values: unboxed when they are all integers.
pub(crate) enum Column {
    Values(Vec<Value>),
    Ints(IntColumn),
}

impl Column {
    /// The column of `values` (`null` where the element lacks the property).
    pub(crate) fn new(values: Vec<Value>) -> Column {
        match IntColumn::of(&values) {
            Some(ints) => Column::Ints(ints),
            None => Column::Values(values),
        }
    }

    /// The value at `i` (`null` past the end).
    #[inline]
    pub(crate) fn value(&self, i: usize) -> Value {
        match self {
            Column::Values(values) => values.get(i).cloned().unwrap_or(Value::Null),
            Column::Ints(ints) => ints.get(i).map_or(Value::Null, Value::Int),
        }
    }

    /// The value at `i` by reference, in a column of boxed values (`None` past the end and in
    /// an integer column: take [`Column::value`]).
    #[inline]
    pub(crate) fn value_ref(&self, i: usize) -> Option<&Value> {
        match self {
            Column::Values(values) => values.get(i),
            Column::Ints(_) => None,
        }
    }

    /// The integers, when every present value is one.
    pub(crate) fn ints(&self) -> Option<&IntColumn> {
        match self {
            Column::Ints(ints) => Some(ints),
            Column::Values(_) => None,
        }
    }

    /// Bytes held (estimated).
    pub(crate) fn bytes(&self) -> u64 {
        (match self {
            Column::Values(values) => values.len() * size_of::<Value>(),
            Column::Ints(ints) => ints.values.len() * 8 + ints.present.len() * 8,
        }) as u64
    }
}

/// Integers by index (0 where absent) and which indices have one.
pub(crate) struct IntColumn {
    values: Vec<i64>,
    present: Vec<u64>,
}

impl IntColumn {
    fn of(values: &[Value]) -> Option<IntColumn> {
        let mut ints = Vec::with_capacity(values.len());
        let mut present = vec![0u64; values.len().div_ceil(64)];
        for (i, value) in values.iter().enumerate() {
            match value {
                Value::Int(v) => {
                    ints.push(*v);
                    present[i / 64] |= 1 << (i % 64);
                }
                Value::Null => ints.push(0),
                _ => return None,
            }
        }
        Some(IntColumn { values: ints, present })
    }

    /// The integer at `i`, `None` where the property is absent.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<i64> {
        let present = self.present.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
        if present {
            self.values.get(i).copied()
        } else {
            None
        }
    }
}

/// A comparison of an integer with a constant integer: `value <op> constant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntCompare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl IntCompare {
    /// The comparison `op` makes, with the operands swapped when `swapped` (the constant on
    /// the left): `5 < x` is `x > 5`.
    pub(crate) fn of(op: BinaryOp, swapped: bool) -> Option<IntCompare> {
        use IntCompare::*;
        let cmp = match op {
            BinaryOp::Eq => Eq,
            BinaryOp::NotEq => Ne,
            BinaryOp::Lt => Lt,
            BinaryOp::Le => Le,
            BinaryOp::Gt => Gt,
            BinaryOp::Ge => Ge,
            _ => return None,
        };
        Some(match (cmp, swapped) {
            (Lt, true) => Gt,
            (Le, true) => Ge,
            (Gt, true) => Lt,
            (Ge, true) => Le,
            (cmp, _) => cmp,
        })
    }

    /// Whether `value <op> constant` holds.
    #[inline]
    pub(crate) fn holds(self, value: i64, constant: i64) -> bool {
        match self {
            IntCompare::Eq => value == constant,
            IntCompare::Ne => value != constant,
            IntCompare::Lt => value < constant,
            IntCompare::Le => value <= constant,
            IntCompare::Gt => value > constant,
            IntCompare::Ge => value >= constant,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_columns_are_unboxed_and_others_are_not() {
        let column = Column::new(vec![Value::Int(3), Value::Null, Value::Int(-7)]);
        let ints = column.ints().expect("all integers");
        assert_eq!(
            (ints.get(0), ints.get(1), ints.get(2), ints.get(3)),
            (Some(3), None, Some(-7), None)
        );
        assert_eq!((column.value(2), column.value(1)), (Value::Int(-7), Value::Null));
        let mixed = Column::new(vec![Value::Int(1), Value::Float(1.5)]);
        assert!(mixed.ints().is_none());
        assert_eq!((mixed.value(1), mixed.value(2)), (Value::Float(1.5), Value::Null));
        assert!(Column::new(vec![Value::Null]).ints().is_some());
    }

    #[test]
    fn swapped_comparisons_read_the_other_way() {
        let gt = IntCompare::of(BinaryOp::Lt, true).expect("a comparison");
        assert_eq!(gt, IntCompare::Gt);
        assert!(gt.holds(6, 5) && !gt.holds(5, 5));
        assert_eq!(IntCompare::of(BinaryOp::Eq, true), Some(IntCompare::Eq));
        assert_eq!(IntCompare::of(BinaryOp::Add, false), None);
        assert!(
            IntCompare::Ne.holds(1, 2) && IntCompare::Le.holds(2, 2) && IntCompare::Ge.holds(2, 2)
        );
    }
}
