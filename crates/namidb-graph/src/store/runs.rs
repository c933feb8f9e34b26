//! Sorted runs of SSTs and the k-way merge over them, shared by the streaming scans
//! (`type_scan` for a relationship type, `node_scan` for nodes): files whose key ranges do not
//! overlap chain into one run read in order, and the merge takes the least head of all runs.

use namidb_storage::SstRef;

/// Chains SSTs into sorted runs: by smallest key, each file joins the first run whose last
/// file ends before it starts (the fewest runs for the overlaps there are).
pub(super) fn sorted_runs<T>(mut files: Vec<(T, &SstRef)>) -> Vec<Vec<T>> {
    files.sort_by(|a, b| a.1.min_key.cmp(&b.1.min_key));
    let mut runs: Vec<(Vec<T>, &str)> = Vec::new();
    for (file, sst) in files {
        match runs.iter_mut().find(|(_, end)| *end < sst.min_key.as_str()) {
            Some((run, end)) => {
                run.push(file);
                *end = &sst.max_key;
            }
            None => runs.push((vec![file], &sst.max_key)),
        }
    }
    runs.into_iter().map(|(run, _)| run).collect()
}

/// The position of the least of `heads` (`None` for an exhausted run), the first on a tie;
/// `None` once every run is exhausted.
pub(super) fn least<O: Ord>(heads: impl Iterator<Item = Option<O>>) -> Option<usize> {
    let mut best: Option<(O, usize)> = None;
    for (i, head) in heads.enumerate() {
        if let Some(head) = head {
            if best.as_ref().is_none_or(|(b, _)| head < *b) {
                best = Some((head, i));
            }
        }
    }
    best.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use namidb_storage::SstRef;

    use super::{least, sorted_runs};

    fn sst(min: &str, max: &str) -> SstRef {
        SstRef {
            id: String::new(),
            partition: String::new(),
            min_key: min.into(),
            max_key: max.into(),
            min_lsn: 0,
            max_lsn: 0,
            size_bytes: 0,
            rows: 0,
            created_at_millis: 0,
            stats: None,
        }
    }

    #[test]
    fn disjoint_files_chain_into_one_run_and_overlaps_open_more() {
        let files = [sst("30", "3f"), sst("00", "0f"), sst("10", "2f"), sst("05", "12")];
        let runs = sorted_runs(files.iter().enumerate().collect());
        assert_eq!(runs, vec![vec![1, 2, 0], vec![3]]);
        let single = sorted_runs(vec![(7, &files[0])]);
        assert_eq!(single, vec![vec![7]]);
        assert!(sorted_runs::<u8>(Vec::new()).is_empty());
    }

    #[test]
    fn the_least_head_wins_and_ties_go_to_the_first_run() {
        assert_eq!(least([Some(3), None, Some(1), Some(1)].into_iter()), Some(2));
        assert_eq!(least([None::<u8>, None].into_iter()), None);
    }
}
