//! Headings: each gets an id (GitHub's slug, unique in the note, or its own `{#custom}` id) and
//! becomes a placeholder pair the renderer turns into `<hN id>` with an anchor link.

use super::walk::{Closed, Pass};
use super::{Ev, Heading, Raw, find_end, plain_text, slug};

impl Pass<'_> {
    /// The heading starting at `i`; returns the index after its end.
    pub(super) fn heading(
        &mut self,
        raw: &[Raw<'_>],
        i: usize,
        level: u8,
        custom: Option<&str>,
    ) -> usize {
        let range = raw[i].1.clone();
        let end = find_end(raw, i);
        let text = plain_text(&raw[i + 1..end]);
        let id = match custom {
            Some(custom) => {
                let custom = custom.to_string();
                if self.used_ids.contains_key(&custom) {
                    self.problem(
                        range.start,
                        format!("heading id `{custom}` is used twice in this note"),
                        Some("give each `{#id}` a different name".into()),
                    );
                }
                self.used_ids.insert(custom.clone(), 0);
                custom
            }
            None => self.unique_id(slug::github_slug(&text)),
        };
        let h = self.out.headings.len();
        self.out.headings.push(Heading {
            level,
            id,
            text,
            offset: range.start,
        });
        self.open_block();
        let first = self.out.events.len();
        self.out.events.push(Ev::HeadingStart(h));
        self.walk(raw, i + 1, end);
        self.out.events.push(Ev::HeadingEnd(h));
        self.close_block();
        self.set_last(Closed {
            events: first..self.out.events.len(),
            span: range,
        });
        end + 1
    }
}
