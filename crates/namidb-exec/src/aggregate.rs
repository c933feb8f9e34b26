//! Aggregate accumulators: `count`, `sum`, `avg`, `min`, `max`, `collect`, `stDev(P)`,
//! `percentileCont/Disc`, each optionally `DISTINCT`; nulls are skipped.

use std::collections::HashSet;

use namidb_query::expr::{AggregateCall, AggregateFunction};
use namidb_value::compare::{compare, order};
use namidb_value::{GroupKey, Value};

use crate::error::{ExecError, Result};

/// The running state of one aggregate in one group.
#[derive(Debug, Clone)]
pub struct Accumulator {
    function: AggregateFunction,
    seen: Option<HashSet<GroupKey>>,
    count: i64,
    int_sum: Option<i64>,
    float_sum: f64,
    any_float: bool,
    any_duration: Option<namidb_value::temporal::Duration>,
    best: Option<Value>,
    values: Vec<Value>,
    percentile: Option<f64>,
}

impl Accumulator {
    /// A fresh accumulator for `call`.
    pub fn new(call: &AggregateCall) -> Accumulator {
        Accumulator {
            function: call.function,
            seen: call.distinct.then(HashSet::new),
            count: 0,
            int_sum: Some(0),
            float_sum: 0.0,
            any_float: false,
            any_duration: None,
            best: None,
            values: Vec::new(),
            percentile: None,
        }
    }

    /// The aggregate function.
    pub fn function(&self) -> AggregateFunction {
        self.function
    }

    /// Adds one row's argument values (none for `count(*)`).
    pub fn add(&mut self, args: &[Value]) -> Result<()> {
        if self.function == AggregateFunction::CountStar {
            self.count += 1;
            return Ok(());
        }
        let Some(v) = args.first() else { return Ok(()) };
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = self.seen.as_mut() {
            if !seen.insert(GroupKey(v.clone())) {
                return Ok(());
            }
        }
        self.count += 1;
        match self.function {
            AggregateFunction::Count | AggregateFunction::CountStar => {}
            AggregateFunction::Sum | AggregateFunction::Avg => match v {
                Value::Int(i) => self.sum_int(*i)?,
                Value::Float(f) => {
                    self.any_float = true;
                    self.float_sum += f;
                }
                Value::Duration(d) => {
                    let acc = self.any_duration.unwrap_or_default();
                    self.any_duration = Some(crate::temporal_ops::add_duration(&acc, d)?);
                }
                other => {
                    return Err(ExecError::type_error(
                        "InvalidArgumentType",
                        format!("cannot sum a {}", other.type_name()),
                    ))
                }
            },
            AggregateFunction::Min | AggregateFunction::Max => {
                let better = match &self.best {
                    None => true,
                    Some(best) => {
                        let ord = compare(v, best).unwrap_or_else(|| order(v, best));
                        if self.function == AggregateFunction::Min {
                            ord.is_lt()
                        } else {
                            ord.is_gt()
                        }
                    }
                };
                if better {
                    self.best = Some(v.clone());
                }
            }
            AggregateFunction::Collect => self.values.push(v.clone()),
            AggregateFunction::StDev
            | AggregateFunction::StDevP
            | AggregateFunction::PercentileCont
            | AggregateFunction::PercentileDisc => {
                if v.as_f64().is_none() {
                    return Err(ExecError::type_error(
                        "InvalidArgumentType",
                        format!("expected a number, got {}", v.type_name()),
                    ));
                }
                if matches!(
                    self.function,
                    AggregateFunction::PercentileCont | AggregateFunction::PercentileDisc
                ) {
                    let p = args.get(1).and_then(Value::as_f64).unwrap_or(0.5);
                    if !(0.0..=1.0).contains(&p) {
                        return Err(ExecError::argument(
                            "NumberOutOfRange",
                            "percentile must be in [0, 1]",
                        ));
                    }
                    self.percentile = Some(p);
                }
                self.values.push(v.clone());
            }
        }
        Ok(())
    }

    /// Adds one row whose argument is the integer `i`: what `add(&[Value::Int(i)])` does,
    /// without building the value for `count`, `sum`, `avg`, `min` and `max`.
    pub fn add_int(&mut self, i: i64) -> Result<()> {
        if self.seen.is_some() {
            return self.add(&[Value::Int(i)]);
        }
        match (self.function, &mut self.best) {
            (AggregateFunction::Count, _) => {}
            (AggregateFunction::Sum | AggregateFunction::Avg, _) => self.sum_int(i)?,
            (AggregateFunction::Min, Some(Value::Int(best))) => *best = i.min(*best),
            (AggregateFunction::Max, Some(Value::Int(best))) => *best = i.max(*best),
            _ => return self.add(&[Value::Int(i)]),
        }
        self.count += 1;
        Ok(())
    }

    /// Adds an integer to a `sum` or `avg`; a `sum` of integers only that overflows is an
    /// error (`avg` goes on in floating point).
    fn sum_int(&mut self, i: i64) -> Result<()> {
        self.int_sum = self.int_sum.and_then(|s| s.checked_add(i));
        if self.int_sum.is_none() && !self.any_float && self.function == AggregateFunction::Sum {
            return Err(ExecError::cypher(
                "ArithmeticError",
                "IntegerOverflow",
                "sum() overflowed",
            ));
        }
        self.float_sum += i as f64;
        Ok(())
    }

    /// Whether [`Accumulator::add_weighted`] folds any number of equal rows in at once (else
    /// it adds them one by one: sums, whose rounding and overflow depend on each addition,
    /// and the aggregates that keep every value).
    pub fn weighs_at_once(&self) -> bool {
        self.seen.is_some()
            || matches!(
                self.function,
                AggregateFunction::CountStar
                    | AggregateFunction::Count
                    | AggregateFunction::Min
                    | AggregateFunction::Max
            )
    }

    /// Adds `weight` rows whose argument values are all `args`, as `weight` calls of
    /// [`Accumulator::add`] would: in one step when [`Accumulator::weighs_at_once`], else by
    /// those calls.
    pub fn add_weighted(&mut self, args: &[Value], weight: u64) -> Result<()> {
        match weight {
            0 => return Ok(()),
            1 => return self.add(args),
            _ => {}
        }
        let at_once = self.weighs_at_once();
        if !at_once {
            for _ in 0..weight {
                self.add(args)?;
            }
            return Ok(());
        }
        let counts = self.seen.is_none()
            && (self.function == AggregateFunction::CountStar
                || self.function == AggregateFunction::Count
                    && args.first().is_some_and(|v| !v.is_null()));
        if counts {
            self.count = self.count.saturating_add(i64::try_from(weight).unwrap_or(i64::MAX));
            return Ok(());
        }
        // `DISTINCT`, `min` and `max`: equal values after the first change nothing.
        self.add(args)
    }

    /// Adds `count` rows of integer arguments at once, given their sum, the sum of their
    /// magnitudes, their least and greatest: exactly what adding them one by one with
    /// [`Accumulator::add_int`] does, when that can be done at once (no `DISTINCT`, and no
    /// partial sum can overflow or leave the integers a float holds exactly); `false`, with
    /// nothing added, when it cannot.
    pub fn add_int_block(
        &mut self,
        count: i64,
        sum: i128,
        magnitude: i128,
        least: i64,
        greatest: i64,
    ) -> bool {
        const EXACT: f64 = (1u64 << 53) as f64;
        if self.seen.is_some() {
            return false;
        }
        if count == 0 {
            return true;
        }
        match self.function {
            AggregateFunction::Count => {}
            AggregateFunction::Sum | AggregateFunction::Avg => {
                let Some(int_sum) = self.int_sum else { return false };
                let bound = i128::from(int_sum).abs() + magnitude;
                if bound > i128::from(i64::MAX) || self.float_sum.abs() + magnitude as f64 >= EXACT
                {
                    return false;
                }
                // Every partial sum is an integer below 2^53 in magnitude: exact either way.
                self.int_sum = Some(int_sum + sum as i64);
                self.float_sum += sum as f64;
            }
            AggregateFunction::Min | AggregateFunction::Max => {
                let best = if self.function == AggregateFunction::Min { least } else { greatest };
                let count = self.count;
                let added = self.add_int(best).is_ok();
                self.count = count;
                if !added {
                    return false;
                }
            }
            _ => return false,
        }
        self.count += count;
        true
    }

    /// Adds `n` rows to a `count(*)` (rows counted without being built).
    pub fn add_count(&mut self, n: i64) {
        self.count += n;
    }

    /// Folds in `other`, an accumulator of the same call that saw later rows (not for
    /// `DISTINCT`, whose sets of values seen cannot be merged into a count).
    pub fn merge(&mut self, other: Accumulator) -> Result<()> {
        self.count += other.count;
        self.int_sum = match (self.int_sum, other.int_sum) {
            (Some(a), Some(b)) => a.checked_add(b),
            _ => None,
        };
        self.float_sum += other.float_sum;
        self.any_float |= other.any_float;
        if self.int_sum.is_none() && !self.any_float && self.function == AggregateFunction::Sum {
            return Err(ExecError::cypher(
                "ArithmeticError",
                "IntegerOverflow",
                "sum() overflowed",
            ));
        }
        if let Some(d) = other.any_duration {
            let acc = self.any_duration.unwrap_or_default();
            self.any_duration = Some(crate::temporal_ops::add_duration(&acc, &d)?);
        }
        if let Some(best) = other.best {
            // Min and max: the later best competes as one more value.
            let count = self.count;
            self.add(std::slice::from_ref(&best))?;
            self.count = count;
        }
        self.values.extend(other.values);
        self.percentile = other.percentile.or(self.percentile);
        Ok(())
    }

    /// The aggregate's value.
    pub fn finish(self) -> Value {
        match self.function {
            AggregateFunction::Count | AggregateFunction::CountStar => Value::Int(self.count),
            AggregateFunction::Sum => {
                if let Some(d) = self.any_duration {
                    Value::Duration(d)
                } else if self.any_float {
                    Value::Float(self.float_sum)
                } else {
                    Value::Int(self.int_sum.unwrap_or(0))
                }
            }
            AggregateFunction::Avg => {
                if self.count == 0 {
                    Value::Null
                } else if let Some(d) = self.any_duration {
                    crate::temporal_ops::divide_duration(&d, self.count).unwrap_or(Value::Null)
                } else {
                    Value::Float(self.float_sum / self.count as f64)
                }
            }
            AggregateFunction::Min | AggregateFunction::Max => self.best.unwrap_or(Value::Null),
            AggregateFunction::Collect => Value::list(self.values),
            AggregateFunction::StDev | AggregateFunction::StDevP => {
                let xs: Vec<f64> = self.values.iter().filter_map(Value::as_f64).collect();
                let n = xs.len() as f64;
                let sample = self.function == AggregateFunction::StDev;
                if xs.is_empty() || (sample && xs.len() < 2) {
                    return Value::Float(0.0);
                }
                let mean = xs.iter().sum::<f64>() / n;
                let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
                Value::Float((ss / if sample { n - 1.0 } else { n }).sqrt())
            }
            AggregateFunction::PercentileCont | AggregateFunction::PercentileDisc => {
                let mut xs: Vec<Value> = self.values;
                if xs.is_empty() {
                    return Value::Null;
                }
                xs.sort_by(order);
                let p = self.percentile.unwrap_or(0.5);
                if self.function == AggregateFunction::PercentileDisc {
                    let idx =
                        ((p * xs.len() as f64).ceil() as usize).saturating_sub(1).min(xs.len() - 1);
                    return xs[idx].clone();
                }
                let pos = p * (xs.len() - 1) as f64;
                let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
                let (a, b) = (xs[lo].as_f64().unwrap_or(0.0), xs[hi].as_f64().unwrap_or(0.0));
                Value::Float(a + (b - a) * (pos - lo as f64))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use namidb_query::expr::{AggregateCall, AggregateFunction};
    use namidb_value::Value;

    use super::Accumulator;

    fn call(function: AggregateFunction, distinct: bool) -> AggregateCall {
        AggregateCall { function, distinct, args: Vec::new() }
    }

    /// `add_int` ends where `add` of the same integers ends, errors included.
    #[test]
    fn adding_unboxed_integers_equals_adding_their_values() {
        use AggregateFunction::*;
        let inputs: [&[i64]; 4] = [&[], &[3, -7, 3, 12], &[i64::MAX, 1], &[i64::MIN, i64::MAX]];
        for function in [Count, Sum, Avg, Min, Max, Collect, StDev] {
            for distinct in [false, true] {
                for input in inputs {
                    let (mut boxed, mut unboxed) = (
                        Accumulator::new(&call(function, distinct)),
                        Accumulator::new(&call(function, distinct)),
                    );
                    let a: Result<Vec<()>, _> =
                        input.iter().map(|&i| boxed.add(&[Value::Int(i)])).collect();
                    let b: Result<Vec<()>, _> = input.iter().map(|&i| unboxed.add_int(i)).collect();
                    assert_eq!(a.is_ok(), b.is_ok(), "{function:?} {distinct} {input:?}");
                    if a.is_ok() {
                        assert_eq!(boxed.finish(), unboxed.finish(), "{function:?} {input:?}");
                    }
                }
            }
        }
    }
}
