//! `namidb kv`: raw key-value access to a namespace, for debugging the storage layer.

use clap::Subcommand;
use namidb_storage::{Db, DbOptions, WriteBatch};

/// The key-value subcommands.
#[derive(Subcommand)]
pub(crate) enum KvCommand {
    /// Print the value of a key.
    Get {
        /// Namespace URI.
        uri: String,
        /// The key.
        key: String,
    },
    /// Set a key (commits one batch).
    Put {
        /// Namespace URI.
        uri: String,
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// Delete a key (commits one batch).
    Delete {
        /// Namespace URI.
        uri: String,
        /// The key.
        key: String,
    },
    /// List keys and values with a prefix.
    Scan {
        /// Namespace URI.
        uri: String,
        /// The prefix (empty for all).
        #[arg(default_value = "")]
        prefix: String,
        /// Most entries shown.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
}

/// Runs a key-value subcommand.
pub(crate) async fn run(command: KvCommand) -> Result<(), String> {
    let open = |uri: &str, create: bool| {
        let uri = uri.to_owned();
        async move {
            Db::open(&uri, DbOptions { create_if_missing: create, ..DbOptions::default() }).await
        }
    };
    match command {
        KvCommand::Get { uri, key } => {
            let db = open(&uri, false).await.map_err(|e| e.to_string())?;
            let value = db.snapshot().get(key.as_bytes()).await.map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            match value {
                Some(value) => println!("{}", String::from_utf8_lossy(&value)),
                None => return Err(format!("key `{key}` not found")),
            }
        }
        KvCommand::Put { uri, key, value } => {
            let db = open(&uri, true).await.map_err(|e| e.to_string())?;
            let mut batch = WriteBatch::new();
            batch.put(key, value);
            let info = db.commit_batch(batch).await.map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            println!("committed at LSN {}", info.lsn);
        }
        KvCommand::Delete { uri, key } => {
            let db = open(&uri, false).await.map_err(|e| e.to_string())?;
            let mut batch = WriteBatch::new();
            batch.delete(key);
            let info = db.commit_batch(batch).await.map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            println!("committed at LSN {}", info.lsn);
        }
        KvCommand::Scan { uri, prefix, limit } => {
            let db = open(&uri, false).await.map_err(|e| e.to_string())?;
            let entries =
                db.snapshot().scan_prefix(prefix.as_bytes()).await.map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            for (key, value) in entries.iter().take(limit) {
                println!("{}\t{}", String::from_utf8_lossy(key), String::from_utf8_lossy(value));
            }
            if entries.len() > limit {
                println!("… {} more", entries.len() - limit);
            }
        }
    }
    Ok(())
}
