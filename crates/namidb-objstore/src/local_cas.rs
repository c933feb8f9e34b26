//! Compare-and-swap on the local file system.
//!
//! `object_store`'s `LocalFileSystem` implements create-only puts (a hard link that fails if the
//! target exists) but not `If-Match`. This module adds it, atomic across threads and processes on
//! one host: the update holds an exclusive `flock` on a sidecar lock file
//! (`<root>/.namidb-locks/<key>.lock`) while it compares the current entity tag and replaces the
//! object. The replacement itself is `LocalFileSystem`'s staged write plus `rename(2)`, so readers,
//! who take no lock, see the old or the new object, never a mix.
//!
//! Every writer of a key that is updated this way must go through this module; create-only puts and
//! reads need no lock.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, PutResult};

use crate::ETag;

/// The result of a local conditional update.
pub(crate) enum LocalUpdate {
    /// Replaced; the new object's result.
    Updated(PutResult),
    /// The object is missing or has another tag.
    PreconditionFailed,
}

/// Replaces `location` with `payload` if its current tag is `expected`.
pub(crate) async fn conditional_update(
    store: &Arc<dyn ObjectStore>,
    root: &Path,
    location: &ObjectPath,
    payload: Bytes,
    expected: &ETag,
) -> Result<LocalUpdate, object_store::Error> {
    let lock_path = lock_file_path(root, location);
    let lock = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
        if let Some(parent) = lock_path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(|e| object_store::Error::Generic { store: "LocalFileSystem", source: Box::new(e) })?
    .map_err(|e| object_store::Error::Generic { store: "LocalFileSystem", source: Box::new(e) })?;

    let outcome = async {
        let current = match store.head(location).await {
            Ok(meta) => meta,
            Err(object_store::Error::NotFound { .. }) => {
                return Ok(LocalUpdate::PreconditionFailed)
            }
            Err(e) => return Err(e),
        };
        let current_tag = current.e_tag.map(ETag::new);
        if !current_tag.is_some_and(|tag| tag.same_version(expected)) {
            return Ok(LocalUpdate::PreconditionFailed);
        }
        let result = store.put(location, PutPayload::from(payload)).await?;
        Ok(LocalUpdate::Updated(result))
    }
    .await;
    // Closing the file releases the lock, after the rename is done.
    drop(lock);
    outcome
}

fn lock_file_path(root: &Path, location: &ObjectPath) -> PathBuf {
    let flattened: String =
        location.as_ref().chars().map(|c| if c == '/' { '~' } else { c }).collect();
    root.join(".namidb-locks").join(format!("{flattened}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_live_apart_from_data() {
        let path = lock_file_path(Path::new("/data"), &ObjectPath::from("ns/manifest.json"));
        assert_eq!(path, PathBuf::from("/data/.namidb-locks/ns~manifest.json.lock"));
    }
}
