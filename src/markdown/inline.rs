//! Inline values: code spans (and `` `= expr` `` values computed in the note's calc context),
//! `$math$`, and task-list boxes.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::walk::Pass;
use super::{Ev, VALUE_END, VALUE_START};

impl Pass<'_> {
    /// A code span; `` `= expr` `` becomes an inline value.
    pub(super) fn code(&mut self, ev: &Event<'_>, c: &CowStr<'_>, range: &Range<usize>) {
        match c.strip_prefix('=') {
            Some(expr) if expr.starts_with(char::is_whitespace) && !expr.trim().is_empty() => {
                // The value is known only once the note's calculations ran: contexts hold a
                // marker that names the event, filled in by `fill_values`.
                let marker = format!("{VALUE_START}{}{VALUE_END}", self.out.events.len());
                self.text(&marker);
                let lead = c.len() - c.trim_start_matches(['=', ' ', '\t']).len();
                // The span's source includes the backticks; point at the expression.
                let src = &self.body[range.clone()];
                let ticks = src.len() - src.trim_start_matches('`').len();
                let ws = src[ticks..].len() - src[ticks..].trim_start().len();
                self.out.events.push(Ev::InlineCalc {
                    expr: expr.trim().to_string(),
                    offset: range.start + ticks + ws + lead,
                })
            }
            _ => {
                self.text(c);
                self.push(ev.clone());
            }
        }
    }

    /// `$…$` or `$$…$$`: a placeholder rendered to MathML.
    pub(super) fn math(&mut self, m: &CowStr<'_>, display: bool, range: &Range<usize>) {
        self.text(m);
        let src = &self.body[range.clone()];
        let dollars = if display { 2 } else { 1 };
        let offset = if src.starts_with('$') {
            range.start + dollars
        } else {
            range.start
        };
        self.out.events.push(Ev::Math {
            display,
            tex: m.to_string(),
            offset,
        });
    }

    /// pulldown-cmark's checkbox has no accessible name; say what it shows.
    pub(super) fn task_marker(&mut self, done: bool) {
        let (checked, label) = if done {
            (" checked", "done")
        } else {
            ("", "not done")
        };
        self.html(format!(
            "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
        ));
    }
}
