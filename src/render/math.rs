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
    conv.convert_with_local_state(tex, mode)
        .map(|r| r.mathml)
        .map_err(|e| (e.0.start, e.to_string()))
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
}
