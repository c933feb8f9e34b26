//! [`PropertyCells`]: encoded property maps by position (a relationship type's relationships,
//! or a projection's nodes by dense index), packed into one buffer.
//!
//! A projection decodes a property column only when a statement reads it, and a row read
//! takes one property or decodes one map, so it keeps the encoded maps: packed, a cell costs
//! its bytes plus an 8-byte end offset (a node with three small properties about 40 bytes,
//! where its decoded map takes several hundred), and holds no reference into the SST blocks
//! it was read from. Cells that are all the same map (most often none) are kept once.

/// Encoded property maps by position (see the module docs).
#[derive(Default)]
pub(crate) struct PropertyCells {
    /// How many cells were pushed.
    len: usize,
    /// The cell every position holds while `ends` is empty.
    uniform: Option<Box<[u8]>>,
    /// The packed cells, once two differ.
    data: Vec<u8>,
    /// `data[ends[i - 1]..ends[i]]` is cell `i` (from 0 for the first).
    ends: Vec<u64>,
}

impl PropertyCells {
    /// Appends the next position's cell.
    pub(crate) fn push(&mut self, cell: &[u8]) {
        self.len += 1;
        if self.ends.is_empty() {
            match &self.uniform {
                None => {
                    self.uniform = Some(cell.into());
                    return;
                }
                Some(uniform) if **uniform == *cell => return,
                Some(uniform) => {
                    // The first cell that differs: pack every earlier one.
                    let uniform = uniform.clone();
                    for _ in 0..self.len - 1 {
                        self.pack(&uniform);
                    }
                    self.uniform = None;
                }
            }
        }
        self.pack(cell);
    }

    fn pack(&mut self, cell: &[u8]) {
        self.data.extend_from_slice(cell);
        self.ends.push(self.data.len() as u64);
    }

    /// How many cells there are.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The one cell every position holds, if they are all the same.
    pub(crate) fn uniform(&self) -> Option<&[u8]> {
        self.uniform.as_deref()
    }

    /// Cell `position` (empty past the end).
    pub(crate) fn get(&self, position: usize) -> &[u8] {
        if let Some(uniform) = &self.uniform {
            return if position < self.len { uniform } else { &[] };
        }
        let start = match position.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(position).copied().unwrap_or(start);
        self.data.get(start as usize..end as usize).unwrap_or(&[])
    }

    /// Releases spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.data.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Heap bytes held.
    pub(crate) fn bytes(&self) -> u64 {
        self.data.capacity() as u64
            + self.ends.capacity() as u64 * 8
            + self.uniform.as_ref().map_or(0, |u| u.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::PropertyCells;

    #[test]
    fn uniform_cells_are_kept_once_and_packed_from_the_first_difference() {
        let mut cells = PropertyCells::default();
        assert_eq!(cells.get(0), b"");
        let (a, b) = (&b"aa"[..], &b"bbb"[..]);
        for _ in 0..3 {
            cells.push(a);
        }
        assert_eq!(cells.uniform(), Some(&b"aa"[..]));
        assert_eq!((cells.len(), cells.get(2), cells.get(3)), (3, &b"aa"[..], &b""[..]));
        cells.push(b);
        cells.push(b"");
        cells.push(a);
        assert_eq!(cells.uniform(), None);
        let all: Vec<&[u8]> = (0..7).map(|i| cells.get(i)).collect();
        assert_eq!(all, [&b"aa"[..], b"aa", b"aa", b"bbb", b"", b"aa", b""]);
        assert_eq!(cells.len(), 6);
    }
}
