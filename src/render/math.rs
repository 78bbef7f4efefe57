//! `$…$` and `$$…$$` to MathML at build time (math-core): no client-side JavaScript.

use std::sync::OnceLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

fn converter() -> Option<&'static LatexToMathML> {
    static CONV: OnceLock<Option<LatexToMathML>> = OnceLock::new();
    CONV.get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).ok())
        .as_ref()
}

/// Deepest nesting of groups (`{…}`, `\left…\right`, `\begin…\end`) a formula may have.
pub const MAX_MATH_DEPTH: usize = 100;
/// Longest formula, in bytes.
pub const MAX_MATH_LEN: usize = 20_000;
/// Formulas longer than this are converted on a thread with [`BIG_STACK`]: the converter
/// recurses once per nested argument, and a long formula (`\frac1\frac1…` nests without
/// braces) could overflow a worker thread's stack, which aborts the whole process.
const LONG_FORMULA: usize = 128;
/// Stack of that thread: enough for the deepest nesting a [`MAX_MATH_LEN`] formula can hold,
/// even in a debug build. Only the pages it touches are used.
const BIG_STACK: usize = 256 << 20;

/// Converts TeX to a `<math>` element; on error, the byte offset in `tex` and the message.
/// Bounded: a formula nested deeper than [`MAX_MATH_DEPTH`] or longer than [`MAX_MATH_LEN`]
/// is an error, never a stack overflow.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, (usize, String)> {
    if tex.len() > MAX_MATH_LEN {
        return Err((
            0,
            format!(
                "the formula is {} bytes long; at most {MAX_MATH_LEN} are converted (split it)",
                tex.len()
            ),
        ));
    }
    if let Some(at) = too_deep(tex, MAX_MATH_DEPTH) {
        return Err((
            at,
            format!("groups nested more than {MAX_MATH_DEPTH} deep (split the formula)"),
        ));
    }
    if tex.len() <= LONG_FORMULA {
        return convert(tex, display);
    }
    let owned = tex.to_string();
    std::thread::Builder::new()
        .name("corem-math".into())
        .stack_size(BIG_STACK)
        .spawn(move || convert(&owned, display))
        .map_err(|e| (0, format!("could not start the math converter: {e}")))?
        .join()
        .unwrap_or_else(|_| Err((0, "the math converter failed on this formula".into())))
}

fn convert(tex: &str, display: bool) -> Result<String, (usize, String)> {
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

/// The byte offset where group nesting first goes deeper than `max`.
fn too_deep(tex: &str, max: usize) -> Option<usize> {
    let b = tex.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let rest = &tex[i + 1..];
                let word = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .map_or(rest, |e| &rest[..e]);
                match word {
                    "left" | "begin" => depth += 1,
                    "right" | "end" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                // Skip the command, or the escaped character (`\{`).
                i += 1 + word.len().max(1);
                if depth > max {
                    return Some(i);
                }
                continue;
            }
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > max {
            return Some(i);
        }
        i += 1;
    }
    None
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

    /// Issue 24 (6): deeply nested math once overflowed the stack and aborted the process
    /// (`corem serve` died). Now: a located error past the limit, and a conversion on a big
    /// stack below it, braced or not.
    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let braces = format!("{}x{}", "{".repeat(2000), "}".repeat(2000));
        let (at, msg) = to_mathml(&braces, false).unwrap_err();
        assert_eq!(at, super::MAX_MATH_DEPTH);
        assert!(msg.contains("nested more than"), "{msg}");
        let fracs = format!("{}1{}", "\\frac{".repeat(1000), "}{2}".repeat(1000));
        assert!(to_mathml(&fracs, false).unwrap_err().1.contains("nested"));
        let lefts = format!("{}x{}", "\\left(".repeat(150), "\\right)".repeat(150));
        assert!(to_mathml(&lefts, true).is_err());
        // Unbraced nesting (each \frac takes the next one as its argument) and the deepest
        // braced nesting allowed convert without overflowing, even in a debug build.
        let unbraced = format!("{}x", "\\frac1".repeat(3000));
        assert!(to_mathml(&unbraced, false).is_ok());
        let deep = format!("{}1{}", "\\frac{".repeat(99), "}{2}".repeat(99));
        assert!(to_mathml(&deep, false).unwrap().contains("<mfrac>"));
        let huge = "x+".repeat(super::MAX_MATH_LEN);
        assert!(
            to_mathml(&huge, false)
                .unwrap_err()
                .1
                .contains("bytes long")
        );
    }

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
}
