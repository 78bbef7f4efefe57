//! The one place where fenced blocks and other build-time computed content are dispatched:
//! code (highlighted), diagrams, calculations, math. Each returns HTML plus the plain text a
//! reader sees (for search), or problems at byte offsets of the note body.

use crate::calc::NoteCalc;
use crate::load::Note;
use crate::markdown::{Fence, Parsed, Problem, escape_attr};

use super::highlight;

/// Content computed at build time for one event of a note.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Special {
    pub html: String,
    /// The text a reader sees, for the search index.
    pub text: String,
    /// True when `text` is code (indexed at a low weight).
    pub is_code: bool,
    /// Links in `html`, as indices into the note's `Parsed::links`: link `k` is written as
    /// [`link_placeholder`]`(k)` and made relative to the page when the page is written.
    pub links: Vec<usize>,
    /// Things left out on purpose (a diagram's scripts), reported as warnings (moved out by
    /// [`super::prepare_note`], so never in the build cache).
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

/// Where link `k` of a [`Special`]'s HTML goes; replaced by the link's URL for the page.
pub fn link_placeholder(k: usize) -> String {
    format!("\u{e002}{k}\u{e002}")
}

/// State shared by the computed blocks of one note, in document order.
pub struct NoteState<'a> {
    note: &'a Note,
    parsed: &'a Parsed,
    opts: super::BlockOptions,
    /// The note's calc context, created by its first calc block or inline value.
    calc: Option<NoteCalc<'a>>,
    /// Hash of the note's path, so diagram ids differ between notes shown on one page
    /// (the print page, embeds).
    pub scope: u64,
    /// Diagrams seen so far in the note.
    pub diagrams: usize,
}

impl<'a> NoteState<'a> {
    pub fn new(note: &'a Note, parsed: &'a Parsed, opts: super::BlockOptions) -> Self {
        NoteState {
            note,
            parsed,
            opts,
            calc: None,
            scope: crate::diagram::hash(note.rel.as_bytes()),
            diagrams: 0,
        }
    }

    /// The note body, to place errors inside fences nested in lists or quotes.
    fn body(&self) -> &'a str {
        self.note.body()
    }

    /// The note's calc context (names defined so far), started on first use.
    fn calc(&mut self) -> &mut NoteCalc<'a> {
        let (note, parsed, formats) = (self.note, self.parsed, self.opts.formats);
        self.calc.get_or_insert_with(|| {
            let lines_before_body = note.source[..note.body_start].matches('\n').count();
            NoteCalc::new(note.body(), lines_before_body, parsed, formats)
        })
    }

    /// Problems found that do not fail the build (from the note's calculations).
    pub fn take_warnings(&mut self) -> Vec<Problem> {
        self.calc
            .as_mut()
            .map(|c| std::mem::take(&mut c.warnings))
            .unwrap_or_default()
    }
}

/// Body offset of byte `pos` of a fence's code. Code lines of a fence inside a list or a quote
/// lost their prefix (indentation, `> `), so each line is found in the body and the column
/// counted from where the code line starts in it.
fn code_offset(body: &str, f: &Fence, pos: usize) -> usize {
    let pos = pos.min(f.code.len());
    let simple = f.offset + pos;
    let Some(before) = f.code.get(..pos) else {
        return simple;
    };
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |k| k + 1);
    let code_line = f.code[start..].split('\n').next().unwrap_or("");
    let Some(head) = body.get(..f.offset) else {
        return simple;
    };
    let mut line_start = head.rfind('\n').map_or(0, |k| k + 1);
    for _ in 0..line {
        match body[line_start..].find('\n') {
            Some(k) => line_start += k + 1,
            None => return simple,
        }
    }
    let body_line = body[line_start..].split('\n').next().unwrap_or("");
    let body_line = body_line.strip_suffix('\r').unwrap_or(body_line);
    if body_line.ends_with(code_line) {
        line_start + body_line.len() - code_line.len() + (pos - start)
    } else {
        simple
    }
}

/// Renders a fenced block according to its language.
pub fn fence(f: &Fence, state: &mut NoteState) -> Result<Special, Vec<Problem>> {
    match f.lang.as_str() {
        "calc" => state.calc().block(f).map(|r| Special {
            html: r.html,
            text: r.text,
            is_code: true,
            ..Special::default()
        }),
        "mermaid" => diagram(f, state, false),
        "svgbob" | "bob" => diagram(f, state, true),
        _ => Ok(code_block(f, state.opts.themes)),
    }
}

/// A ```` ```mermaid ```` or ```` ```svgbob ```` block as an inline SVG figure.
fn diagram(f: &Fence, state: &mut NoteState, bob: bool) -> Result<Special, Vec<Problem>> {
    let rendered = if bob {
        crate::diagram::svgbob(&f.code)
    } else {
        crate::diagram::mermaid(&f.code)
    };
    let lang = if bob { "svgbob" } else { "mermaid" };
    let r = match rendered.as_ref() {
        Ok(r) => r,
        Err(e) => {
            return Err(vec![Problem {
                offset: code_offset(state.body(), f, e.pos),
                message: format!("{lang}: {}", e.message),
                help: Some(
                    if bob {
                        "see the user guide's Diagrams note (docs/notes/diagrams.md) for what an ASCII-art block may hold"
                    } else {
                        "corem draws Mermaid flowcharts, sequence, state, class, ER, pie, gantt, mind map and timeline diagrams at build time; see the user guide's Diagrams note (docs/notes/diagrams.md)"
                    }
                    .into(),
                ),
            }]);
        }
    };
    let warnings = r
        .warnings
        .iter()
        .map(|w| Problem {
            offset: code_offset(state.body(), f, w.pos),
            message: format!("{lang}: {}", w.message),
            help: None,
        })
        .collect();
    state.diagrams += 1;
    // Unique in any page: the diagram's text, the note, and its place in the note.
    let mut key = state.scope.to_le_bytes().to_vec();
    key.extend_from_slice(f.code.as_bytes());
    let prefix = format!(
        "dg{:08x}-{}",
        crate::diagram::hash(&key) as u32,
        state.diagrams
    );
    let caption = r
        .title
        .clone()
        .or_else(|| crate::diagram::info_caption(&f.info));
    let r = crate::diagram::with_caption(r, caption.as_deref());
    let mut text = caption.clone().unwrap_or_default();
    for l in &r.labels {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(l);
    }
    // Each `click` link keeps a placeholder the page fills in (the link stage resolved it);
    // a diagram the Markdown pass saw no link in has none.
    let links: Vec<usize> = f.links.iter().copied().take(r.links.len()).collect();
    let n = links.len();
    let href = |k: usize| (k < n).then(|| link_placeholder(k));
    Ok(Special {
        html: crate::diagram::figure_linked(&r, &prefix, caption.as_deref(), &href),
        text,
        is_code: false,
        links,
        warnings,
    })
}

/// A highlighted code block.
pub fn code_block(f: &Fence, themes: &'static highlight::Themes) -> Special {
    let lang_attr = if f.lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape_attr(&f.lang))
    };
    Special {
        html: format!(
            "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
            highlight::highlight(&f.code, &f.lang, themes)
        ),
        text: f.code.clone(),
        is_code: true,
        ..Special::default()
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
        ..Special::default()
    })
}

/// `$…$` / `$$…$$` as MathML. TeX the math engine cannot render is shown as written (in a
/// `<code class="math-error">`) with a warning: the page still builds, and the reader sees the
/// formula's source rather than nothing.
pub fn math(tex: &str, display: bool, offset: usize) -> (Special, Option<Problem>) {
    match super::math::to_mathml(tex, display) {
        Ok(html) => (
            Special {
                html,
                text: tex.to_string(),
                is_code: false,
                ..Special::default()
            },
            None,
        ),
        Err((pos, message)) => {
            let dollars = if display { "$$" } else { "$" };
            let html = format!(
                "<code class=\"math-error\" title=\"{}\">{}</code>",
                escape_attr(&format!("not rendered: {message}")),
                crate::markdown::escape_html(&format!("{dollars}{tex}{dollars}"))
            );
            let problem = Problem {
                offset: offset + pos,
                message: format!(
                    "math: {} (the TeX is shown as written)",
                    message.trim_end_matches('.')
                ),
                help: Some("math is LaTeX between `$…$` (inline) or `$$…$$` (display); write a literal dollar as `\\$`".into()),
            };
            (
                Special {
                    html,
                    text: tex.to_string(),
                    is_code: true,
                    ..Special::default()
                },
                Some(problem),
            )
        }
    }
}
