//! Tera templates: compiled once per build from the theme, errors reported at the template's
//! own file and line.

use std::path::PathBuf;

use tera::Tera;

use crate::diagnostic::Diagnostic;
use crate::theme::{Origin, Theme};

/// Compiles every template of the theme.
pub fn compile(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    let files: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(files) {
        return Err(to_diagnostics(theme, &e));
    }
    Ok(tera)
}

/// Where a template is, as shown to the user.
pub fn template_path(theme: &Theme, name: &str) -> PathBuf {
    match theme
        .templates
        .iter()
        .find(|t| t.name == name)
        .map(|t| &t.origin)
    {
        Some(Origin::Project(p)) => p.clone(),
        _ => PathBuf::from(format!("templates/{name} (built-in theme)")),
    }
}

/// Tera errors as diagnostics. Tera reports unknown filters, tests and functions of all
/// templates together as one text of `error: …` / ` --> name:line:col` blocks; each becomes a
/// diagnostic of its own.
pub fn to_diagnostics(theme: &Theme, e: &tera::Error) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(text) = e.kind() {
        let mut out = Vec::new();
        let mut message: Option<&str> = None;
        for line in text.lines() {
            if let Some(m) = line.trim_start().strip_prefix("error: ") {
                message = Some(m.trim_start_matches("error: "));
            } else if let (Some(m), Some(loc)) = (message, line.trim_start().strip_prefix("--> ")) {
                let mut parts = loc.rsplitn(3, ':');
                let col = parts.next().and_then(|c| c.parse::<usize>().ok());
                let row = parts.next().and_then(|l| l.parse::<usize>().ok());
                if let (Some(col), Some(row), Some(name)) = (col, row, parts.next()) {
                    let source = theme
                        .templates
                        .iter()
                        .find(|t| t.name == name)
                        .map_or("", |t| t.text.as_str());
                    out.push(
                        Diagnostic::error(
                            template_path(theme, name),
                            format!("template error: {m}"),
                        )
                        .at_line_col(source, row, col)
                        .with_help("check the name against Tera 2's filters, tests and functions"),
                    );
                }
                message = None;
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    vec![to_diagnostic(theme, e)]
}

/// A Tera error as a diagnostic naming the template file and line.
pub fn to_diagnostic(theme: &Theme, e: &tera::Error) -> Diagnostic {
    use tera::ErrorKind;
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let name = r.filename();
            let path = template_path(theme, name);
            let span = r.span();
            let source = theme
                .templates
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.text.as_str())
                .unwrap_or("");
            Diagnostic::error(path, format!("template error: {}", r.message()))
                .at_line_col(source, span.start_line, span.start_col + 1)
                .with_help("fix the template, or delete it to fall back to the built-in one")
        }
        ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            template_path(theme, name),
            format!("missing template `{name}`"),
        )
        .with_help("add it under templates/, or remove the reference to it"),
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            template_path(theme, current),
            format!("template `{current}` extends `{parent}`, which does not exist"),
        ),
        _ => Diagnostic::error("templates", format!("template error: {e}")),
    }
}
