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
        return Err(vec![to_diagnostic(theme, &e)]);
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
