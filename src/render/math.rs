//! `$…$` and `$$…$$` to MathML at build time (math-core): no client-side JavaScript.

use std::sync::OnceLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

fn converter() -> Option<&'static LatexToMathML> {
    static CONV: OnceLock<Option<LatexToMathML>> = OnceLock::new();
    CONV.get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).ok())
        .as_ref()
}

/// Converts TeX to a `<math>` element; on error, the byte offset in `tex` and the message.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, (usize, String)> {
    let conv = converter().ok_or((0, "the math converter failed to start".to_string()))?;
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    let tex = katex_text_math(tex);
    conv.convert_with_local_state(&tex, mode)
        .map(|r| r.mathml)
        .map_err(|e| (e.0.start, e.to_string()))
}

/// KaTeX (and so Quartz and Obsidian) reads `$…$` inside `\text{…}` as math again:
/// `\text{for all $x$}` shows "for all" then the math x. The engine here would print the
/// dollars, so the math is taken out of the text: `\text{for all }x\text{}`.
fn katex_text_math(tex: &str) -> std::borrow::Cow<'_, str> {
    const TEXT: [&str; 7] = [
        "\\text{",
        "\\textrm{",
        "\\textbf{",
        "\\textit{",
        "\\textsf{",
        "\\texttt{",
        "\\mbox{",
    ];
    if !tex.contains('$') {
        return tex.into();
    }
    let mut out = String::with_capacity(tex.len() + 16);
    let mut rest = tex;
    while let Some((at, cmd)) = TEXT
        .iter()
        .filter_map(|c| rest.find(c).map(|i| (i, *c)))
        .min_by_key(|(i, _)| *i)
    {
        out.push_str(&rest[..at + cmd.len()]);
        let body_start = at + cmd.len();
        // The text's body, up to its closing brace.
        let mut depth = 1;
        let mut end = None;
        let mut escaped = false;
        for (k, c) in rest[body_start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(body_start + k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            out.push_str(&rest[body_start..]);
            return out.into();
        };
        let body = &rest[body_start..end];
        let mut in_math = false;
        let mut prev_backslash = false;
        for c in body.chars() {
            if c == '$' && !prev_backslash {
                // Close the text, write the math; or close the math, reopen the text.
                if in_math {
                    out.push_str(cmd);
                } else {
                    out.push('}');
                }
                in_math = !in_math;
            } else {
                out.push(c);
            }
            prev_backslash = c == '\\' && !prev_backslash;
        }
        if in_math {
            out.push_str(cmd);
        }
        out.push('}');
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::to_mathml;

    #[test]
    fn math_inside_text_is_math_as_in_katex() {
        assert_eq!(
            super::katex_text_math(r"\text{for all $x$ here} + 1"),
            r"\text{for all }x\text{ here} + 1"
        );
        assert_eq!(super::katex_text_math(r"\text{a \$5}"), r"\text{a \$5}");
        let m = to_mathml(r"\text{speed $v$ now}", false).unwrap();
        assert!(m.contains("<mi>v</mi>") && !m.contains('$'), "{m}");
    }

    #[test]
    fn converts_and_reports_errors() {
        let m = to_mathml(r"\frac{a}{b}", false).unwrap();
        assert!(m.starts_with("<math"), "{m}");
        assert!(m.contains("<mfrac>"), "{m}");
        let block = to_mathml("x^2", true).unwrap();
        assert!(block.contains("display=\"block\""), "{block}");
        let (pos, msg) = to_mathml(r"a + \frac{b", false).unwrap_err();
        assert!(pos <= 11, "{pos}");
        assert!(!msg.is_empty());
    }
}
