//! Building an `object_store` client for a [`BackendSpec`].
//!
//! Cloud clients get short connect and request timeouts and no retries of their own: the retry
//! loop in [`crate::Bucket`] does that, so each attempt is counted and can be faulted.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::{ClientOptions, ObjectStore, RetryConfig};
use parking_lot::Mutex;

use crate::{BackendSpec, ObjectStoreError, StoreUri};

/// In-memory stores by name, so every handle to `memory://NAME` in a process sees the same data.
static MEMORY_STORES: LazyLock<Mutex<HashMap<String, Arc<InMemory>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Opens the raw client for `uri`'s backend.
pub(crate) fn open_backend(uri: &StoreUri) -> Result<Arc<dyn ObjectStore>, ObjectStoreError> {
    let config_error =
        |reason: String| ObjectStoreError::Config { uri: uri.original.clone(), reason };
    let no_retries = RetryConfig { max_retries: 0, ..RetryConfig::default() };
    let client_options = |allow_http: bool| {
        ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(5))
            .with_timeout(Duration::from_secs(30))
            .with_allow_http(allow_http)
    };
    let store: Arc<dyn ObjectStore> = match &uri.backend {
        BackendSpec::Memory { name } => {
            let mut stores = MEMORY_STORES.lock();
            let store = stores.entry(name.clone()).or_insert_with(|| Arc::new(InMemory::new()));
            Arc::clone(store) as Arc<dyn ObjectStore>
        }
        BackendSpec::Local { root } => {
            std::fs::create_dir_all(root).map_err(|e| {
                config_error(format!("cannot create directory {}: {e}", root.display()))
            })?;
            let store = LocalFileSystem::new_with_prefix(root)
                .map_err(|e| {
                    config_error(format!("cannot open directory {}: {e}", root.display()))
                })?
                .with_automatic_cleanup(true);
            Arc::new(store)
        }
        BackendSpec::S3 { bucket, region, endpoint, allow_http } => {
            let mut builder = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_retry(no_retries)
                .with_client_options(client_options(*allow_http))
                .with_allow_http(*allow_http);
            if let Some(region) = region {
                builder = builder.with_region(region);
            } else if std::env::var_os("AWS_REGION").is_none()
                && std::env::var_os("AWS_DEFAULT_REGION").is_none()
            {
                builder = builder.with_region("us-east-1");
            }
            if let Some(endpoint) = endpoint {
                builder = builder.with_endpoint(endpoint);
            }
            Arc::new(builder.build().map_err(|e| config_error(e.to_string()))?)
        }
        BackendSpec::Gcs { bucket } => {
            let builder = GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(bucket)
                .with_retry(no_retries)
                .with_client_options(client_options(false));
            Arc::new(builder.build().map_err(|e| config_error(e.to_string()))?)
        }
        BackendSpec::Azure { container, account } => {
            let mut builder = MicrosoftAzureBuilder::from_env()
                .with_container_name(container)
                .with_retry(no_retries)
                .with_client_options(client_options(false));
            if let Some(account) = account {
                builder = builder.with_account(account);
            }
            Arc::new(builder.build().map_err(|e| config_error(e.to_string()))?)
        }
    };
    Ok(store)
}
