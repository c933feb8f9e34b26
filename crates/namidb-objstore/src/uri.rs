//! Store URIs: which bucket, which prefix inside it, which namespace, which options.
//!
//! Accepted forms:
//! - `memory://NAME[?ns=NS]`: a process-wide in-memory store called NAME;
//! - `file:///abs/dir[?ns=NS]` and `file://./rel/dir[?ns=NS]` (also `file://../dir`);
//! - `s3://bucket[/prefix][?ns=NS&region=R&endpoint=URL&allow_http=true&etag_quotes=auto|keep|strip]`,
//!   credentials from the standard `AWS_*` variables;
//! - `gs://bucket[/prefix][?ns=NS]`, credentials from the standard `GOOGLE_*` variables;
//! - `az://container[/prefix][?ns=NS&account=A]`, credentials from the standard `AZURE_*` variables.
//!
//! The namespace defaults to `default`. Unknown options are an error, never ignored.

use std::fmt;
use std::path::PathBuf;

use namidb_core::NamespaceName;

use crate::{EtagQuoting, ObjectStoreError};

/// The kind of store a URI names, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendSpec {
    /// A named in-memory store shared by every handle in this process.
    Memory {
        /// The store's name.
        name: String,
    },
    /// A directory on the local file system.
    Local {
        /// The directory, made absolute.
        root: PathBuf,
    },
    /// Amazon S3 or an S3-compatible server.
    S3 {
        /// The bucket.
        bucket: String,
        /// The region (`us-east-1` when not given and not in the environment).
        region: Option<String>,
        /// A custom endpoint such as `http://127.0.0.1:5000`.
        endpoint: Option<String>,
        /// Whether plain HTTP is allowed.
        allow_http: bool,
    },
    /// Google Cloud Storage.
    Gcs {
        /// The bucket.
        bucket: String,
    },
    /// Azure Blob Storage.
    Azure {
        /// The container.
        container: String,
        /// The storage account, when not taken from the environment.
        account: Option<String>,
    },
}

/// A parsed, validated store URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUri {
    /// The URI as the user wrote it (credentials never appear in it).
    pub original: String,
    /// Where the bucket is.
    pub backend: BackendSpec,
    /// Key prefix inside the bucket, without leading or trailing `/` (may be empty).
    pub prefix: String,
    /// The namespace inside the prefix.
    pub namespace: NamespaceName,
    /// How to quote entity tags in `If-Match`.
    pub etag_quoting: EtagQuoting,
}

impl StoreUri {
    /// Parses and validates `uri`.
    pub fn parse(uri: &str) -> Result<StoreUri, ObjectStoreError> {
        let invalid = |reason: String| ObjectStoreError::InvalidUri { uri: uri.to_owned(), reason };
        let (scheme, rest) = uri.split_once("://").ok_or_else(|| {
            invalid("expected SCHEME://…, with SCHEME one of memory, file, s3, gs, az".to_owned())
        })?;
        let (location, query) = match rest.split_once('?') {
            Some((location, query)) => (location, query),
            None => (rest, ""),
        };
        let mut options = UriOptions::parse(query).map_err(&invalid)?;
        let namespace = match options.take("ns") {
            Some(ns) => NamespaceName::new(&ns).map_err(|e| invalid(e.to_string()))?,
            None => NamespaceName::default_namespace(),
        };
        let etag_quoting = match options.take("etag_quotes") {
            Some(value) => EtagQuoting::parse(&value).ok_or_else(|| {
                invalid(format!("etag_quotes must be auto, keep or strip, not `{value}`"))
            })?,
            None => EtagQuoting::Auto,
        };
        let (backend, prefix) = match scheme {
            "memory" => {
                let name = location.trim_matches('/');
                if name.is_empty() || name.contains('/') {
                    return Err(invalid(
                        "memory:// needs one store name, e.g. memory://test".to_owned(),
                    ));
                }
                (BackendSpec::Memory { name: name.to_owned() }, String::new())
            }
            "file" => (
                BackendSpec::Local { root: parse_local_root(location).map_err(&invalid)? },
                String::new(),
            ),
            "s3" | "s3a" => {
                let (bucket, prefix) = split_bucket(location).map_err(&invalid)?;
                let allow_http = match options.take("allow_http").as_deref() {
                    None | Some("false") => false,
                    Some("true") => true,
                    Some(other) => {
                        return Err(invalid(format!(
                            "allow_http must be true or false, not `{other}`"
                        )))
                    }
                };
                let endpoint = options.take("endpoint");
                if let Some(endpoint) = &endpoint {
                    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
                        return Err(invalid(format!(
                            "endpoint must start with http:// or https://, not `{endpoint}`"
                        )));
                    }
                    if endpoint.starts_with("http://") && !allow_http {
                        return Err(invalid(
                            "endpoint is plain http://; add allow_http=true to permit it"
                                .to_owned(),
                        ));
                    }
                }
                let region = options.take("region");
                (BackendSpec::S3 { bucket, region, endpoint, allow_http }, prefix)
            }
            "gs" => {
                let (bucket, prefix) = split_bucket(location).map_err(&invalid)?;
                (BackendSpec::Gcs { bucket }, prefix)
            }
            "az" | "azure" | "abfs" => {
                let (container, prefix) = split_bucket(location).map_err(&invalid)?;
                let account = options.take("account");
                (BackendSpec::Azure { container, account }, prefix)
            }
            other => {
                return Err(invalid(format!(
                    "unknown scheme `{other}`; use memory, file, s3, gs or az"
                )))
            }
        };
        options.reject_leftovers(scheme).map_err(&invalid)?;
        Ok(StoreUri { original: uri.to_owned(), backend, prefix, namespace, etag_quoting })
    }

    /// The same store with another namespace.
    pub fn with_namespace(&self, namespace: NamespaceName) -> StoreUri {
        StoreUri { namespace, ..self.clone() }
    }

    /// The store location shown in messages (no query string).
    pub fn display_location(&self) -> String {
        match &self.backend {
            BackendSpec::Memory { name } => format!("memory://{name}"),
            BackendSpec::Local { root } => format!("file://{}", root.display()),
            BackendSpec::S3 { bucket, endpoint, .. } => match endpoint {
                Some(endpoint) => format!("s3://{bucket} at {endpoint}"),
                None => format!("s3://{bucket}"),
            },
            BackendSpec::Gcs { bucket } => format!("gs://{bucket}"),
            BackendSpec::Azure { container, .. } => format!("az://{container}"),
        }
    }
}

impl fmt::Display for StoreUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// The `key=value` options of a URI, consumed one by one so leftovers can be reported.
struct UriOptions {
    pairs: Vec<(String, String)>,
}

impl UriOptions {
    fn parse(query: &str) -> Result<UriOptions, String> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if pairs.iter().any(|(k, _)| *k == key) {
                return Err(format!("option `{key}` is given twice"));
            }
            pairs.push((key.into_owned(), value.into_owned()));
        }
        Ok(UriOptions { pairs })
    }

    fn take(&mut self, key: &str) -> Option<String> {
        let idx = self.pairs.iter().position(|(k, _)| k == key)?;
        Some(self.pairs.remove(idx).1)
    }

    fn reject_leftovers(&self, scheme: &str) -> Result<(), String> {
        let Some((key, _)) = self.pairs.first() else { return Ok(()) };
        let accepted = match scheme {
            "s3" | "s3a" => "ns, region, endpoint, allow_http, etag_quotes",
            "az" | "azure" | "abfs" => "ns, account, etag_quotes",
            _ => "ns, etag_quotes",
        };
        Err(format!("unknown option `{key}` for {scheme}:// (accepted: {accepted})"))
    }
}

fn split_bucket(location: &str) -> Result<(String, String), String> {
    let (bucket, prefix) = match location.split_once('/') {
        Some((bucket, prefix)) => (bucket, prefix.trim_matches('/')),
        None => (location, ""),
    };
    if bucket.is_empty() {
        return Err("the bucket name is missing".to_owned());
    }
    let valid_bucket = bucket
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_');
    if !valid_bucket {
        return Err(format!("bucket name `{bucket}` may hold only a-z, 0-9, '-', '.' and '_'"));
    }
    if prefix.split('/').any(|segment| segment == "." || segment == "..") || prefix.contains("//") {
        return Err(format!("prefix `{prefix}` must not hold empty, `.` or `..` segments"));
    }
    Ok((bucket.to_owned(), prefix.to_owned()))
}

fn parse_local_root(location: &str) -> Result<PathBuf, String> {
    if location.is_empty() {
        return Err(
            "file:// needs a directory, e.g. file:///var/lib/namidb or file://./data".to_owned()
        );
    }
    let path = if location.starts_with('/') {
        PathBuf::from(location)
    } else if location == "."
        || location == ".."
        || location.starts_with("./")
        || location.starts_with("../")
    {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot resolve a relative path: no current directory ({e})"))?;
        cwd.join(location)
    } else {
        return Err(format!(
            "`file://{location}` is ambiguous; write file:///abs/path for an absolute or \
             file://./{location} for a relative directory"
        ));
    };
    Ok(normalize(&path))
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(uri: &str) -> StoreUri {
        match StoreUri::parse(uri) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{uri}: {e}"),
        }
    }

    fn err(uri: &str) -> String {
        match StoreUri::parse(uri) {
            Ok(parsed) => panic!("{uri} parsed as {parsed:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn memory_uri() {
        let uri = ok("memory://t1?ns=abc");
        assert_eq!(uri.backend, BackendSpec::Memory { name: "t1".into() });
        assert_eq!(uri.namespace.as_str(), "abc");
        assert_eq!(ok("memory://t1").namespace.as_str(), "default");
    }

    #[test]
    fn file_uris_absolute_and_relative() {
        assert_eq!(
            ok("file:///var/lib/x?ns=n").backend,
            BackendSpec::Local { root: "/var/lib/x".into() }
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(ok("file://./data/x").backend, BackendSpec::Local { root: cwd.join("data/x") });
        assert_eq!(
            ok("file://../y").backend,
            BackendSpec::Local { root: cwd.parent().unwrap().join("y") }
        );
        assert!(err("file://data").contains("ambiguous"));
        assert!(err("file://").contains("needs a directory"));
    }

    #[test]
    fn s3_uri_with_options() {
        let uri = ok("s3://bkt/some/prefix/?ns=t&region=eu-west-1&endpoint=http://127.0.0.1:5000&allow_http=true&etag_quotes=strip");
        assert_eq!(
            uri.backend,
            BackendSpec::S3 {
                bucket: "bkt".into(),
                region: Some("eu-west-1".into()),
                endpoint: Some("http://127.0.0.1:5000".into()),
                allow_http: true
            }
        );
        assert_eq!(uri.prefix, "some/prefix");
        assert_eq!(uri.etag_quoting, EtagQuoting::Strip);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(err("bucket/x").contains("expected SCHEME://"));
        assert!(err("ftp://x").contains("unknown scheme `ftp`"));
        assert!(err("s3://b?nss=x").contains("unknown option `nss`"));
        assert!(err("s3://b?ns=Bad").contains("namespace name `Bad`"));
        assert!(err("s3://b?endpoint=http://h:1").contains("allow_http=true"));
        assert!(err("s3://b?endpoint=h:1&allow_http=true").contains("must start with http"));
        assert!(err("s3://b?allow_http=yes").contains("allow_http must be"));
        assert!(err("s3:///x").contains("bucket name is missing"));
        assert!(err("s3://B/x").contains("bucket name `B`"));
        assert!(err("s3://b/../x").contains("segments"));
        assert!(err("memory://").contains("store name"));
        assert!(err("memory://a?ns=x&ns=y").contains("given twice"));
        assert!(err("memory://a?etag_quotes=maybe").contains("etag_quotes"));
    }

    #[test]
    fn gs_and_az_uris() {
        assert_eq!(ok("gs://b/p").backend, BackendSpec::Gcs { bucket: "b".into() });
        assert_eq!(
            ok("az://c?account=acct").backend,
            BackendSpec::Azure { container: "c".into(), account: Some("acct".into()) }
        );
    }
}
