//! The HTTP side of `corem serve`: axum (hyper on tokio) serving the site from memory.
//!
//! Why axum: hyper is the most used and most closely maintained HTTP implementation in Rust,
//! axum is its thin routing layer from the tokio project, and it ships server-sent events
//! (`axum::response::sse`), which the reload channel needs; one small async runtime serves any
//! number of open tabs without a thread each. `tiny_http` (sync, a thread per open event
//! stream, no SSE helper, releases years apart) was the alternative considered.
//!
//! Safety: the site is a map from output path to bytes, built by the same code as `corem
//! build`; a request can only ever get one of those entries. Paths are percent-decoded once,
//! then any `.`/`..` segment, backslash or NUL is refused before the map is consulted, so `..`,
//! `%2e%2e`, absolute paths and symbolic links cannot reach a file outside the site (there is
//! no file system access at all when answering).

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::{broadcast, watch};

use super::incremental::SiteFiles;
use super::stored::Stored;
use crate::Error;
use crate::diagnostic::Diagnostic;

/// URL prefix of the server's own endpoints (never a path of the site: output paths come from
/// slugs, which cannot start with `__corem`).
pub const PREFIX: &str = "/__corem/";

/// The reload client injected into every HTML response.
pub const CLIENT_JS: &str = include_str!("client.js");

/// A message on the event stream: an event name and its JSON data.
#[derive(Debug, Clone)]
pub struct Message {
    /// The event name (`reload`, `css`, `errors`, `ok`).
    pub name: &'static str,
    /// The event's data, JSON.
    pub data: String,
}

/// What is being served.
struct Published {
    files: Arc<SiteFiles>,
    /// Paths being re-rendered: requests for them wait (see `Incremental::finish`).
    pending: HashSet<String>,
    /// The diagnostics of the last build, if it failed (as the JSON sent to clients).
    errors: Option<String>,
    /// Rebuilds started since the start.
    builds: u64,
    /// Rebuilds finished (published or failed).
    done: u64,
}

/// State shared by the rebuild loop and the request handlers.
pub struct Shared {
    published: RwLock<Published>,
    events: broadcast::Sender<Message>,
    /// Bumped whenever pending pages are done.
    settled: watch::Sender<u64>,
    /// Asks the rebuild loop to render pending pages now (someone is waiting for one).
    waker: std::sync::Mutex<
        Option<std::sync::mpsc::Sender<notify_debouncer_full::DebounceEventResult>>,
    >,
    /// `Host` header values accepted (lower case); empty: any. Set when listening on a
    /// loopback address, so a web page elsewhere cannot reach the notes through a DNS name
    /// that resolves to 127.0.0.1 (DNS rebinding).
    hosts: RwLock<Vec<String>>,
}

impl Shared {
    /// The state to serve `files` from, with no build counted and no open tab.
    pub fn new(files: Arc<SiteFiles>) -> Arc<Shared> {
        let (events, _) = broadcast::channel(64);
        let (settled, _) = watch::channel(0);
        Arc::new(Shared {
            published: RwLock::new(Published {
                files,
                pending: HashSet::new(),
                errors: None,
                builds: 0,
                done: 0,
            }),
            events,
            settled,
            waker: std::sync::Mutex::new(None),
            hosts: RwLock::new(Vec::new()),
        })
    }

    /// Accepts only `Host` headers naming `addr` (its IP, or `localhost`, with its port) when
    /// `addr` is a loopback address; any host otherwise (the user chose to share on a network).
    pub fn restrict_hosts(&self, addr: SocketAddr) {
        let port = addr.port();
        let hosts = if addr.ip().is_loopback() {
            vec![
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
                addr.to_string().to_lowercase(),
            ]
        } else {
            Vec::new()
        };
        if let Ok(mut h) = self.hosts.write() {
            *h = hosts;
        }
    }

    fn host_allowed(&self, host: Option<&str>) -> bool {
        let Ok(hosts) = self.hosts.read() else {
            return true;
        };
        hosts.is_empty()
            || host.is_some_and(|h| {
                let h = h.trim().to_ascii_lowercase();
                hosts.contains(&h)
            })
    }

    /// Sets how to wake the rebuild loop up (see `Watcher::waker`).
    pub fn set_waker(
        &self,
        w: std::sync::mpsc::Sender<notify_debouncer_full::DebounceEventResult>,
    ) {
        if let Ok(mut slot) = self.waker.lock() {
            *slot = Some(w);
        }
    }

    fn wake(&self) {
        if let Ok(slot) = self.waker.lock()
            && let Some(w) = slot.as_ref()
        {
            let _ = w.send(Ok(Vec::new()));
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Published> {
        self.published.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Published> {
        self.published.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Serves a new site; `pending` paths are held until the next `publish` without them.
    pub fn publish(&self, files: Arc<SiteFiles>, pending: &[String]) {
        {
            let mut p = self.write();
            p.files = files;
            p.pending = pending.iter().cloned().collect();
            p.errors = None;
        }
        if pending.is_empty() {
            self.settled.send_modify(|g| *g += 1);
        }
    }

    /// Counts a rebuild starting (for `/__corem/status`).
    pub fn count_build(&self) {
        self.write().builds += 1;
    }

    /// Counts a rebuild finished.
    pub fn count_done(&self) {
        self.write().done += 1;
    }

    /// Records a failed build: the site stays as it was, clients show the diagnostics.
    pub fn fail(&self, diags: &[Diagnostic]) {
        let json = diagnostics_json(diags);
        {
            let mut p = self.write();
            p.errors = Some(json.clone());
            p.pending.clear();
        }
        self.settled.send_modify(|g| *g += 1);
        self.send("errors", json);
    }

    /// Sends an event to every open tab (none open is fine).
    pub fn send(&self, name: &'static str, data: String) {
        // No receiver (no open tab) is not an error.
        let _ = self.events.send(Message { name, data });
    }
}

/// Diagnostics as JSON for the overlay: errors first, each with its `file:line:col`.
pub fn diagnostics_json(diags: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| !d.is_error());
    let list: Vec<serde_json::Value> = sorted
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity,
                "location": d.location(),
                "line": d.line,
                "col": d.col,
                "message": d.message,
                "source_line": d.source_line,
                "caret": d.caret,
                "help": d.help,
            })
        })
        .collect();
    serde_json::json!({ "diagnostics": list }).to_string()
}

/// Binds the listening socket. With `port` given, a busy port is an error; without, 4000 and
/// the next ports are tried and the one found is returned.
pub fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, Error> {
    let candidates: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (4000..4020).collect(),
    };
    let mut last = None;
    for p in &candidates {
        match TcpListener::bind(SocketAddr::new(ip, *p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some((*p, e)),
        }
    }
    let (p, e) = last.unwrap_or((0, std::io::Error::other("no port to try")));
    Err(Error::Usage(match (e.kind(), port) {
        (std::io::ErrorKind::AddrInUse, Some(_)) => format!(
            "port {p} on {ip} is already in use (another `corem serve`?); \
             stop that server or choose another port with --port"
        ),
        (std::io::ErrorKind::AddrInUse, None) => format!(
            "ports {}–{p} on {ip} are all in use; choose a free one with --port",
            candidates[0]
        ),
        _ => format!("cannot listen on {ip}:{p}: {e}"),
    }))
}

/// Starts serving on `listener` in a background runtime. The runtime lives as long as the
/// returned handle.
pub fn start(listener: TcpListener, shared: Arc<Shared>) -> Result<tokio::runtime::Runtime, Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("corem-http")
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the HTTP server: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Usage(format!("cannot start the HTTP server: {e}")))?;
    let listener = {
        let _guard = rt.enter();
        tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::Usage(format!("cannot start the HTTP server: {e}")))?
    };
    if let Ok(addr) = listener.local_addr() {
        shared.restrict_hosts(addr);
    }
    let app = Router::new().fallback(handle).with_state(shared);
    rt.spawn(accept(listener, app));
    Ok(rt)
}

/// A connection with neither a byte read nor a byte written for this long is closed: a client
/// that opens a socket and sends nothing, or half a request, holds no resources for long
/// (20,000 such sockets once stopped the server from answering). The event stream sends a
/// comment every 15 s, so an open page's connection stays alive.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);

/// [`IDLE_TIMEOUT`], or `COREM_SERVE_IDLE_MS` milliseconds (for tests of the timeout).
fn idle_timeout() -> Duration {
    std::env::var("COREM_SERVE_IDLE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(IDLE_TIMEOUT, Duration::from_millis)
}
/// A request's headers must arrive within this time once it has begun.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);

/// Accepts connections and serves each one on its own task, with [`IDLE_TIMEOUT`] and
/// [`HEADER_TIMEOUT`].
async fn accept(listener: tokio::net::TcpListener, app: Router) {
    let idle_limit = idle_timeout();
    let tick = (idle_limit / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                eprintln!("warning: the HTTP server could not accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let activity = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let started = tokio::time::Instant::now();
            let io = hyper_util::rt::TokioIo::new(Timed {
                inner: stream,
                activity: Arc::clone(&activity),
                started,
            });
            let service = hyper_util::service::TowerToHyperService::new(app);
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT.min(idle_limit));
            let conn = builder.serve_connection(io, service);
            tokio::pin!(conn);
            loop {
                tokio::select! {
                    _ = &mut conn => return,
                    _ = tokio::time::sleep(tick) => {
                        let last = activity.load(std::sync::atomic::Ordering::Relaxed);
                        let idle = started.elapsed().saturating_sub(Duration::from_millis(last));
                        if idle > idle_limit {
                            return; // dropping the connection closes the socket
                        }
                    }
                }
            }
        });
    }
}

/// A socket that records when it last read or wrote a byte (milliseconds since `started`).
struct Timed {
    inner: tokio::net::TcpStream,
    activity: Arc<std::sync::atomic::AtomicU64>,
    started: tokio::time::Instant,
}

impl Timed {
    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }
}

impl tokio::io::AsyncRead for Timed {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl tokio::io::AsyncWrite for Timed {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Output path for a request path: percent-decoded, `/`-separated, no empty, `.` or `..`
/// segment. `None` for anything that could name a file outside the site.
pub fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The Content-Type of an output file, by extension.
pub fn mime_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Adds the reload client before `</body>` (or at the end).
pub fn inject(html: &[u8], not_found: bool) -> Vec<u8> {
    let tag = if not_found {
        "<script src=\"/__corem/live.js\" data-corem-missing></script>"
    } else {
        "<script src=\"/__corem/live.js\"></script>"
    };
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // A preview must never show a stale page.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, must-revalidate"),
    );
    h.insert(
        header::HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn file_response(status: StatusCode, path: &str, stored: &Stored) -> Response {
    let Some(bytes) = stored.bytes() else {
        return respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain; charset=utf-8",
            format!("corem serve: the stored bytes of {path} are damaged; restart corem serve\n"),
        );
    };
    let mime = mime_type(path);
    if mime.starts_with("text/html") {
        respond(
            status,
            mime,
            inject(&bytes, status == StatusCode::NOT_FOUND),
        )
    } else {
        respond(status, mime, bytes)
    }
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(refusal) = refuse(&s, &method, host) {
        return refusal;
    }
    let raw = uri.path();
    if let Some(own) = raw.strip_prefix(PREFIX) {
        return own_resource(s, own);
    }
    let Some(key) = site_path(raw) else {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            "bad request: the path leaves the site\n",
        );
    };
    site_file(&s, raw, key).await
}

/// The answer to a request this server does not serve: one for another host (DNS rebinding),
/// or with a method other than GET and HEAD; `None` for the others.
fn refuse(s: &Shared, method: &Method, host: Option<&str>) -> Option<Response> {
    if !s.host_allowed(host) {
        return Some(respond(
            StatusCode::MISDIRECTED_REQUEST,
            "text/plain; charset=utf-8",
            "this server answers only requests for its own address (127.0.0.1 or localhost and its port)\n",
        ));
    }
    if method != Method::GET && method != Method::HEAD {
        let mut r = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "only GET and HEAD\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Some(r);
    }
    None
}

/// The server's own resources under [`PREFIX`]: the live-reload client, its event stream and
/// the build status (JSON, for tests and tools).
fn own_resource(s: Arc<Shared>, own: &str) -> Response {
    match own {
        "live.js" => respond(StatusCode::OK, "text/javascript; charset=utf-8", CLIENT_JS),
        "events" => events(s).into_response(),
        "status" => {
            let p = s.read();
            let body = serde_json::json!({
                "builds": p.builds,
                "done": p.done,
                "failed": p.errors.is_some(),
                "files": p.files.len(),
            })
            .to_string();
            respond(StatusCode::OK, "application/json", body)
        }
        _ => respond(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found\n",
        ),
    }
}

/// A file of the site at `key` (the request path `raw`, normalised), or its folder's index
/// page (by a redirect when the path lacks its final `/`), or the 404 page. A page being
/// re-rendered is waited for (up to a minute) rather than served stale.
async fn site_file(s: &Shared, raw: &str, key: String) -> Response {
    let dir_index = if key.is_empty() {
        "index.html".to_string()
    } else {
        format!("{key}/index.html")
    };
    let mut settled = s.settled.subscribe();
    for _ in 0..600 {
        let (file, pending, files) = {
            let p = s.read();
            let target = if !key.is_empty() && p.files.contains_key(&key) {
                Some(key.clone())
            } else if p.files.contains_key(&dir_index) {
                Some(dir_index.clone())
            } else {
                None
            };
            let pending = target.as_ref().is_some_and(|t| p.pending.contains(t));
            (target, pending, p.files.clone())
        };
        if pending {
            // Being re-rendered: wait for it rather than serve a stale page.
            s.wake();
            let _ = tokio::time::timeout(Duration::from_millis(100), settled.changed()).await;
            continue;
        }
        return match file {
            Some(t) if t == dir_index && !raw.ends_with('/') => folder_redirect(&key),
            Some(t) => match files.get(&t) {
                Some(b) => file_response(StatusCode::OK, &t, b),
                None => not_found(&files),
            },
            None => not_found(&files),
        };
    }
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "text/plain; charset=utf-8",
        "the page is still being rebuilt\n",
    )
}

/// `/section` → `/section/`, so the index page's relative links resolve. Built from the
/// normalised path `key`: `//x` must not become the other host `//x/`.
fn folder_redirect(key: &str) -> Response {
    let mut r = respond(
        StatusCode::PERMANENT_REDIRECT,
        "text/plain; charset=utf-8",
        "",
    );
    let loc = format!("/{}/", crate::render::html::encode_path(key));
    if let Ok(v) = HeaderValue::from_str(&loc) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn not_found(files: &SiteFiles) -> Response {
    match files.get("404.html") {
        Some(b) => file_response(StatusCode::NOT_FOUND, "404.html", b),
        None => respond(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            inject(
                b"<!doctype html><title>Not found</title><p>Not found.</p>",
                true,
            ),
        ),
    }
}

/// The event stream: the current state first (errors, if the last build failed), then every
/// message of the rebuild loop.
fn events(s: Arc<Shared>) -> impl IntoResponse {
    let rx = s.events.subscribe();
    let mut first = vec![Message {
        name: "hello",
        data: "{}".into(),
    }];
    if let Some(e) = &s.read().errors {
        first.push(Message {
            name: "errors",
            data: e.clone(),
        });
    }
    let live = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(m) => Some((m, rx)),
            // Fell behind: reloading is always correct.
            Err(broadcast::error::RecvError::Lagged(_)) => Some((
                Message {
                    name: "reload",
                    data: "{\"all\":true,\"changed\":[]}".into(),
                },
                rx,
            )),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    let stream = futures_util::stream::iter(first)
        .chain(live)
        .map(|m| Ok::<Event, Infallible>(Event::default().event(m.name).data(m.data)));
    let mut r = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(site_path("/a/b.html").as_deref(), Some("a/b.html"));
        assert_eq!(site_path("/caf%C3%A9.html").as_deref(), Some("café.html"));
        assert_eq!(site_path("//etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(site_path("/").as_deref(), Some(""));
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a/%2e%2e%2f%2e%2e%2fetc",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/x%00.html",
            "/./a",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", false);
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.contains("<p>x</p><script src=\"/__corem/live.js\"></script></BODY>"),
            "{s}"
        );
        let out = String::from_utf8(inject(b"<p>no body", false)).unwrap();
        assert!(out.ends_with("</script>"));
    }

    #[test]
    fn a_compressed_file_is_served_whole_and_a_damaged_one_refused() {
        let page = "<html><body><p>Quorum reads and writes.</p></body></html>\n".repeat(30);
        let stored = Stored::new(page.clone());
        assert!(matches!(stored, Stored::Lz4(_)));
        let ok = file_response(StatusCode::OK, "a/page.html", &stored);
        assert_eq!(ok.status(), StatusCode::OK);
        let body = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(axum::body::to_bytes(ok.into_body(), usize::MAX))
            .unwrap();
        assert_eq!(body, inject(page.as_bytes(), false));
        let Stored::Lz4(packed) = stored else {
            unreachable!()
        };
        let damaged = Stored::Lz4(packed.slice(..packed.len() - 4));
        let refused = file_response(StatusCode::OK, "a/page.html", &damaged);
        assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            refused.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(mime_type("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(mime_type("x.svg"), "image/svg+xml");
        assert_eq!(mime_type(".nojekyll"), "application/octet-stream");
        assert_eq!(
            mime_type("search-index.js"),
            "text/javascript; charset=utf-8"
        );
    }
}
