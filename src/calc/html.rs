//! Markup of worked steps and inline values (the contract is in `docs/template-context.md`).
//!
//! A block is an ordered list of steps, each an expression (`<code>`) and its result
//! (`<output>`, the element for the result of a calculation), followed by the block's source in
//! a `<details>` (a `pre.code`, so the theme's copy button applies). An inline value is the
//! computed value, with the expression in `title` and `data-expr` for hover and focus.

use super::{Row, RowKind, Shown, Step};
use crate::markdown::{escape_attr, escape_html};

/// HTML and the text a reader sees (for search).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML for the page.
    pub html: String,
    /// The text a reader sees, for the search index.
    pub text: String,
}

fn row_class(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Value => "calc-row",
        RowKind::Let => "calc-row calc-let",
        RowKind::Check => "calc-row calc-assert",
        RowKind::Definition => "calc-row calc-def",
        RowKind::Print => "calc-row calc-print",
    }
}

/// A block's worked steps and its source.
pub fn block(steps: &[Step], source: &str) -> Rendered {
    let mut html = String::from("<div class=\"calc\">\n<ol class=\"calc-steps\">\n");
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Comment(c) => {
                html.push_str(&format!(
                    "<li class=\"calc-comment\">{}</li>\n",
                    escape_html(c)
                ));
                text.push_str(c);
                text.push('\n');
            }
            Step::Row(row) => {
                row_html(row, &mut html);
                text.push_str(&row.expr);
                if row.kind == RowKind::Check {
                    text.push_str(" ✓ holds");
                } else if let Some(r) = &row.result {
                    text.push_str(" = ");
                    text.push_str(&r.text);
                }
                if let Some(n) = &row.note {
                    text.push_str(" (");
                    text.push_str(n);
                    text.push(')');
                }
                text.push('\n');
            }
        }
    }
    html.push_str("</ol>\n<details class=\"calc-source\"><summary>Source</summary>");
    html.push_str("<pre class=\"code\" data-lang=\"calc\"><code>");
    html.push_str(&escape_html(source.strip_suffix('\n').unwrap_or(source)));
    html.push_str("</code></pre></details>\n</div>\n");
    Rendered { html, text }
}

/// Results longer than this (in characters) go on a line of their own under the expression.
const LONG_RESULT: usize = 24;

fn row_html(row: &Row, html: &mut String) {
    let long = row
        .result
        .as_ref()
        .is_some_and(|r| r.text.chars().count() > LONG_RESULT);
    html.push_str(&format!(
        "<li class=\"{}{}\"><code class=\"calc-expr\">{}</code>",
        row_class(row.kind),
        if long { " calc-long" } else { "" },
        escape_html(&row.expr)
    ));
    match (row.kind, &row.result) {
        (RowKind::Check, _) => html.push_str(
            "<output class=\"calc-result\"><span class=\"calc-check\" aria-hidden=\"true\">✓</span> holds</output>",
        ),
        (_, Some(r)) => {
            html.push_str("<output class=\"calc-result\">");
            html.push_str(&r.html);
            html.push_str("</output>");
        }
        (_, None) => {}
    }
    if let Some(n) = &row.note {
        html.push_str(&format!(
            "<span class=\"calc-note\">{}</span>",
            escape_html(n)
        ));
    }
    html.push_str("</li>\n");
}

/// An inline value: what it computes to, with its expression on hover and focus.
pub fn inline(expr: &str, value: &Shown) -> Rendered {
    let source = format!("= {expr}");
    Rendered {
        html: format!(
            "<span class=\"calc-inline\" tabindex=\"0\" title=\"{t}\" data-expr=\"{t}\"><span class=\"calc-value\">{v}</span></span>",
            t = escape_attr(&source),
            v = value.html
        ),
        text: value.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_markup() {
        let steps = vec![
            Step::Comment("Storage".into()),
            Step::Row(Row {
                kind: RowKind::Let,
                expr: "let x = 2 < 3".into(),
                note: Some("why".into()),
                result: Some(Shown {
                    text: "true".into(),
                    html: "true".into(),
                }),
            }),
            Step::Row(Row {
                kind: RowKind::Check,
                expr: "assert(x)".into(),
                note: None,
                result: None,
            }),
        ];
        let r = block(&steps, "let x = 2 < 3\nassert(x)\n");
        assert!(r.html.contains("<li class=\"calc-comment\">Storage</li>"));
        assert!(r.html.contains(
            "<li class=\"calc-row calc-let\"><code class=\"calc-expr\">let x = 2 &lt; 3</code><output class=\"calc-result\">true</output><span class=\"calc-note\">why</span></li>"
        ));
        assert!(r.html.contains("calc-assert"));
        assert!(r.html.contains(
            "<pre class=\"code\" data-lang=\"calc\"><code>let x = 2 &lt; 3\nassert(x)</code></pre>"
        ));
        assert_eq!(
            r.text,
            "Storage\nlet x = 2 < 3 = true (why)\nassert(x) ✓ holds\n"
        );
    }

    #[test]
    fn inline_markup_shows_the_value_and_keeps_the_expression_in_attributes() {
        let r = inline(
            "a -> \"b\"",
            &Shown {
                text: "1 s".into(),
                html: "<span class=\"calc-q\">1 s</span>".into(),
            },
        );
        assert_eq!(r.text, "1 s");
        assert!(r.html.contains("title=\"= a -&gt; &quot;b&quot;\""));
        assert!(r.html.contains("tabindex=\"0\""));
        assert!(
            r.html
                .contains("<span class=\"calc-value\"><span class=\"calc-q\">1 s</span></span>")
        );
    }
}
