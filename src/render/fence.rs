//! The one place where fenced blocks and other build-time computed content are dispatched:
//! code (highlighted), diagrams, calculations, math. Each returns HTML plus the plain text a
//! reader sees (for search), or problems at byte offsets of the note body.

use crate::markdown::{Fence, Problem, escape_attr};

use super::highlight;

/// Content computed at build time for one event of a note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Special {
    pub html: String,
    /// The text a reader sees, for the search index.
    pub text: String,
    /// True when `text` is code (indexed at a low weight).
    pub is_code: bool,
}

/// State shared by the computed blocks of one note, in document order.
#[derive(Default)]
pub struct NoteState {}

/// Renders a fenced block according to its language.
pub fn fence(f: &Fence, _state: &mut NoteState) -> Result<Special, Vec<Problem>> {
    // ```mermaid, ```svgbob and ```calc get their renderers in their own modules (dispatched
    // here on `f.lang`); until then they show as highlighted code.
    Ok(code_block(f))
}

/// A highlighted code block.
pub fn code_block(f: &Fence) -> Special {
    let lang_attr = if f.lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape_attr(&f.lang))
    };
    Special {
        html: format!(
            "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
            highlight::highlight(&f.code, &f.lang)
        ),
        text: f.code.clone(),
        is_code: true,
    }
}

/// Inline `` `= expr` ``: a value from the note's calc context.
pub fn inline_calc(
    expr: &str,
    _offset: usize,
    _state: &mut NoteState,
) -> Result<Special, Vec<Problem>> {
    Ok(Special {
        html: format!("<code>= {}</code>", crate::markdown::escape_html(expr)),
        text: format!("= {expr}"),
        is_code: true,
    })
}

/// `$…$` / `$$…$$` as MathML.
pub fn math(tex: &str, display: bool, offset: usize) -> Result<Special, Vec<Problem>> {
    match super::math::to_mathml(tex, display) {
        Ok(html) => Ok(Special {
            html,
            text: tex.to_string(),
            is_code: false,
        }),
        Err((pos, message)) => Err(vec![Problem {
            offset: offset + pos,
            message: format!("math: {message}"),
            help: Some("math is LaTeX between `$…$` (inline) or `$$…$$` (display); write a literal dollar as `\\$`".into()),
        }]),
    }
}
