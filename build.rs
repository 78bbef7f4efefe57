//! Embeds the default theme (`templates/` and `static/`) into the binary, so `corem build` works
//! in any folder that has only notes. A project's own files override these one by one at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    for (name, dir, text) in [
        ("TEMPLATES", "templates", true),
        ("STATIC", "static", false),
    ] {
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        let ty = if text { "&str" } else { "&[u8]" };
        let _ = writeln!(
            code,
            "/// Files of the default theme's `{dir}/` folder: (relative path, contents)."
        );
        let _ = writeln!(code, "pub static {name}: &[(&str, {ty})] = &[");
        for f in files(&base) {
            let rel = f
                .strip_prefix(&base)
                .expect("walked under base")
                .to_string_lossy()
                .replace('\\', "/");
            let mac = if text { "include_str" } else { "include_bytes" };
            let _ = writeln!(
                code,
                "    ({rel:?}, {mac}!({:?})),",
                f.display().to_string()
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme.rs");
    std::fs::write(out, code).expect("write theme.rs");
    build_id(&root);
}

/// `COREM_BUILD_ID`: a hash of everything that decides what this corem renders (its source,
/// the default theme, the locked dependencies, the compiler). A build reuses pages of an
/// earlier one only when it was made by the same corem (see `src/output/reuse.rs`), so a
/// rebuilt corem, even of the same version, never keeps a page the old one rendered.
fn build_id(root: &Path) {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    for dir in ["src", "templates", "static"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
        for f in files(&root.join(dir)) {
            f.strip_prefix(root).unwrap_or(&f).hash(&mut h);
            std::fs::read(&f).unwrap_or_default().hash(&mut h);
        }
    }
    for f in ["Cargo.lock", "Cargo.toml", "build.rs"] {
        println!("cargo:rerun-if-changed={}", root.join(f).display());
        std::fs::read(root.join(f)).unwrap_or_default().hash(&mut h);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if let Ok(out) = std::process::Command::new(rustc).arg("-vV").output() {
        out.stdout.hash(&mut h);
    }
    std::env::var("PROFILE").unwrap_or_default().hash(&mut h);
    println!("cargo:rustc-env=COREM_BUILD_ID={:016x}", h.finish());
}
