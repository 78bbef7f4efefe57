//! `corem serve` over HTTP: never a file outside the site (`..`, `%2e%2e`, absolute paths,
//! symbolic links out of the project), correct MIME types, folders → `index.html`, the site's
//! own 404 page, no caching, a clear error on a busy port, and the reload script only in what
//! `serve` sends (never in `build` output).

mod support;

use std::path::Path;

use support::{raw_request, start_serve};

const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-SITE";

/// A copy of the serve fixture with symbolic links to a secret file outside the project.
fn project_with_links(tmp: &Path) -> std::path::PathBuf {
    let project = tmp.join("project");
    support::copy_dir(&support::fixture("serve-site"), &project);
    let outside = tmp.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), SECRET).unwrap();
    std::fs::write(outside.join("secret.css"), SECRET).unwrap();
    std::fs::write(outside.join("secret.png"), SECRET).unwrap();
    std::fs::create_dir_all(project.join("static")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(
            outside.join("secret.css"),
            project.join("static/secret.css"),
        )
        .unwrap();
        symlink(&outside, project.join("static/linked-dir")).unwrap();
        symlink(
            outside.join("secret.png"),
            project.join("notes/img/secret.png"),
        )
        .unwrap();
        symlink(&outside, project.join("notes/linked-dir")).unwrap();
    }
    // A note that references the linked image: it must not be published either.
    std::fs::write(
        project.join("notes/uses-link.md"),
        "---\ntitle: Uses link\n---\n\nSee [[Alpha]] and [the file](linked-dir/secret.txt).\n",
    )
    .unwrap();
    project
}

#[test]
fn requests_never_leave_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project_with_links(tmp.path());
    let server = start_serve(&project, &[]);
    let port = server.port;
    let abs = tmp.path().join("outside/secret.txt");
    let abs = abs.to_string_lossy();
    let targets = [
        "/../outside/secret.txt".to_string(),
        "/../../../../../../etc/passwd".into(),
        "/basics/../../outside/secret.txt".into(),
        "/%2e%2e/outside/secret.txt".into(),
        "/%2E%2E/%2E%2E/etc/passwd".into(),
        "/basics/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt".into(),
        "/..%5c..%5coutside%5csecret.txt".into(),
        "/.%2e/outside/secret.txt".into(),
        format!("/{abs}"),
        format!("/%2F{}", abs.trim_start_matches('/')),
        format!("//{}", abs.trim_start_matches('/')),
        "//etc/passwd".into(),
        format!("http://127.0.0.1:{port}/../outside/secret.txt"),
        "/secret.css".into(),
        "/linked-dir/secret.txt".into(),
        "/linked-dir/secret.css".into(),
        "/img/secret.png".into(),
        "/linked-dir/secret.png".into(),
        "/notes/linked-dir/secret.txt".into(),
    ];
    for t in &targets {
        let r = raw_request(port, "GET", t);
        assert!(
            matches!(r.status, 400 | 404),
            "GET {t} → {} (expected 400 or 404)",
            r.status
        );
        let body = r.text();
        assert!(!body.contains(SECRET), "GET {t} served the secret");
        assert!(!body.contains("root:x:0:0"), "GET {t} served /etc/passwd");
    }
    // The same requests against what a clean build wrote: the links were not published.
    let (_d, site) = support::build_into_temp(&project, None);
    for e in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(SECRET),
                "the build published {}",
                e.path().display()
            );
        }
    }
}

#[test]
fn types_folders_404_and_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    support::copy_dir(&support::fixture("serve-site"), &project);
    let server = start_serve(&project, &[]);
    let port = server.port;
    for (path, mime) in [
        ("/basics/alpha.html", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/corem.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/img/pic.png", "image/png"),
        ("/sitemap.xml", "application/xml"),
        ("/highlight.css", "text/css; charset=utf-8"),
    ] {
        let r = raw_request(port, "GET", path);
        assert_eq!(r.status, 200, "GET {path}");
        assert_eq!(r.header("content-type"), Some(mime), "GET {path}");
        let cc = r.header("cache-control").unwrap_or("");
        assert!(cc.contains("no-store"), "GET {path}: cache-control {cc:?}");
        assert!(r.header("etag").is_none() && r.header("last-modified").is_none());
    }
    // The image is served byte for byte.
    let png = raw_request(port, "GET", "/img/pic.png");
    assert_eq!(
        png.body,
        std::fs::read(project.join("notes/img/pic.png")).unwrap()
    );
    // Folders: index.html, with a redirect adding the slash so relative links work.
    let home = raw_request(port, "GET", "/");
    assert_eq!(home.status, 200);
    assert!(
        home.text().contains("<title>Serve fixture</title>")
            || home.text().contains("Serve fixture")
    );
    let section = raw_request(port, "GET", "/basics/");
    assert_eq!(section.status, 200);
    assert!(section.text().contains("Basics"));
    let redirect = raw_request(port, "GET", "/basics");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/basics/"));
    // Percent-encoded paths are decoded once.
    let encoded = raw_request(port, "GET", "/basics/%61lpha.html");
    assert_eq!(encoded.status, 200);
    // Misses get the site's own 404 page, with the reload script.
    let miss = raw_request(port, "GET", "/no/such/page.html");
    assert_eq!(miss.status, 404);
    let text = miss.text();
    let (_built, site) = support::build_into_temp(&project, None);
    let built_404 = std::fs::read_to_string(site.join("404.html")).unwrap();
    let cut = built_404.rfind("</body>").unwrap();
    assert!(
        text.starts_with(&built_404[..cut]),
        "404 is the site's 404.html"
    );
    assert!(text.contains("/__corem/live.js"));
    assert_eq!(
        miss.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // HEAD works, other methods do not.
    let head = raw_request(port, "HEAD", "/basics/alpha.html");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = raw_request(port, "POST", "/basics/alpha.html");
    assert_eq!(post.status, 405);
    // HTML gets the reload client once, before </body>; other files are untouched.
    let page = raw_request(port, "GET", "/basics/alpha.html").text();
    assert_eq!(page.matches("/__corem/live.js").count(), 1);
    assert!(page.contains("<script src=\"/__corem/live.js\"></script></body>"));
    let js = raw_request(port, "GET", "/__corem/live.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("EventSource"));
}

#[test]
fn build_output_never_contains_the_reload_client() {
    let (_d, site) = support::build_into_temp(&support::fixture("serve-site"), None);
    for e in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            assert!(
                !text.contains("__corem") && !text.contains("EventSource"),
                "{} contains the live-reload client",
                e.path().display()
            );
        }
    }
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corem"))
        .arg("serve")
        .arg(support::fixture("serve-site"))
        .args(["--port", &port])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{err}"
    );
    drop(busy);
}

/// Issue 24 (10): `GET //x` redirected to the protocol-relative (other host) `//x/`; a request
/// for another `Host` is refused (DNS rebinding); idle and half-sent connections are closed.
#[test]
fn redirects_hosts_and_idle_connections() {
    use std::io::{Read, Write};
    let (_tmp, root) = {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("project");
        support::copy_dir(&support::fixture("serve-site"), &project);
        (tmp, project)
    };
    // A short idle limit (passed to the server only) so the test does not wait 45 s.
    let server = support::start_serve_env(&root, &[], &[("COREM_SERVE_IDLE_MS", "1500")]);
    let port = server.port;
    for target in ["/basics", "//basics", "///basics"] {
        let r = raw_request(port, "GET", target);
        assert_eq!(r.status, 308, "{target}");
        assert_eq!(r.header("location"), Some("/basics/"), "{target}");
    }
    let ask = |host: &str| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut buf = String::new();
        let _ = s.read_to_string(&mut buf);
        buf.split_whitespace().nth(1).unwrap_or("").to_string()
    };
    assert_eq!(ask(&format!("localhost:{port}")), "200");
    assert_eq!(ask(&format!("127.0.0.1:{port}")), "200");
    assert_eq!(ask(&format!("evil.example:{port}")), "421");
    assert_eq!(ask("127.0.0.1"), "421");
    // A socket that sends nothing, and one that sends half a request, are closed by the
    // server: reading them ends (EOF or reset) well before our own 30 s read timeout.
    for send in ["", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"] {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        s.write_all(send.as_bytes()).unwrap();
        let t = std::time::Instant::now();
        let mut buf = [0u8; 256];
        let closed = loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break true,
                Ok(_) => continue, // an error response before closing is fine
            }
        };
        assert!(
            closed && t.elapsed() < std::time::Duration::from_secs(25),
            "{send:?}: {:?}",
            t.elapsed()
        );
    }
    // The server still answers.
    assert_eq!(raw_request(port, "GET", "/").status, 200);
}
