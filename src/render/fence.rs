//! The one place where fenced blocks and other build-time computed content are dispatched:
//! code (highlighted), diagrams, calculations, math. Each returns HTML plus the plain text a
//! reader sees (for search), or problems at byte offsets of the note body.

use crate::calc::NoteCalc;
use crate::load::Note;
use crate::markdown::{Fence, Parsed, Problem, escape_attr};

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
pub struct NoteState<'a> {
    note: &'a Note,
    parsed: &'a Parsed,
    /// The note's calc context, created by its first calc block or inline value.
    calc: Option<NoteCalc<'a>>,
}

impl<'a> NoteState<'a> {
    pub fn new(note: &'a Note, parsed: &'a Parsed) -> Self {
        NoteState {
            note,
            parsed,
            calc: None,
        }
    }

    /// The note's calc context (names defined so far), started on first use.
    fn calc(&mut self) -> &mut NoteCalc<'a> {
        let (note, parsed) = (self.note, self.parsed);
        self.calc.get_or_insert_with(|| {
            let lines_before_body = note.source[..note.body_start].matches('\n').count();
            NoteCalc::new(note.body(), lines_before_body, parsed)
        })
    }
}

/// Renders a fenced block according to its language.
pub fn fence(f: &Fence, state: &mut NoteState) -> Result<Special, Vec<Problem>> {
    match f.lang.as_str() {
        "calc" => state.calc().block(f).map(|r| Special {
            html: r.html,
            text: r.text,
            is_code: true,
        }),
        // ```mermaid and ```svgbob get their renderers in their own modules; until then they
        // show as code.
        _ => Ok(code_block(f)),
    }
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

/// Inline `` `= expr` ``: a value from the note's calc context, shown as the computed value.
pub fn inline_calc(
    expr: &str,
    offset: usize,
    state: &mut NoteState,
) -> Result<Special, Vec<Problem>> {
    state.calc().inline(expr, offset).map(|r| Special {
        html: r.html,
        text: r.text,
        is_code: false,
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
