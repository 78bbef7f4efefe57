//! `corem serve`: build, serve over HTTP from memory, watch the project, rebuild what changed
//! and reload the open browser tabs (or show the build's errors over the page).
//!
//! - [`incremental`]: the build kept in memory between edits, and what each edit re-renders;
//! - [`deps`]: the inputs of each page, as a digest;
//! - [`http`]: the HTTP server (axum on tokio), the event stream and the injected client;
//! - [`watch`]: file watching (notify with a debouncer) and coalescing into rebuilds.

pub mod deps;
pub mod incremental;

pub use incremental::{Incremental, SiteFiles, Update};
