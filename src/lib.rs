//! corem turns a folder of Markdown notes into a cross-linked, searchable static site.
//!
//! The pipeline runs one way, one module per stage:
//! [`config`] → [`load`] → [`markdown`] → [`link`] → [`render`] → [`output`].

pub mod config;
pub mod diagnostic;
pub mod load;
pub mod markdown;

use std::path::{Path, PathBuf};

use diagnostic::Diagnostic;

/// Errors of the library. Content problems are [`Error::Diagnostics`]; the rest are usage,
/// configuration and I/O errors (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Usage(String),
    #[error("the content has {} error(s)", .0.iter().filter(|d| d.is_error()).count())]
    Diagnostics(Vec<Diagnostic>),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
