//! Obsidian block ids: ` ^my-id` at the end of a paragraph or list item, or a line `^my-id` on
//! its own after a block (a table, list, quote, callout or code block). The block becomes a link
//! target (`[[Note#^my-id]]`) and can be embedded on its own (`![[Note#^my-id]]`).
//!
//! Which block an id names follows Obsidian: the list item it ends; else the quote or callout
//! it ends (the whole quote, not its last paragraph); else its paragraph. A line of its own
//! names the block just before it.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::walk::{Closed, Frame, Kind, Pass};
use super::{Block, Ev, Raw, find_end};

/// `^id` with letters, digits and dashes (Obsidian's rule): the id, without the caret.
fn block_id(s: &str) -> Option<&str> {
    let id = s.strip_prefix('^')?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then_some(id)
}

impl Pass<'_> {
    /// Opens a container at the next output event.
    pub(super) fn open_frame(&mut self, kind: Kind, span: Range<usize>) {
        self.frames.push(Frame {
            kind,
            start: self.out.events.len(),
            span,
            id: None,
            last: None,
            list: None,
        });
    }

    /// Closes the innermost container (after its closing event was pushed); if a block id
    /// named it, it becomes a block.
    pub(super) fn close_frame(&mut self) {
        if self.frames.len() <= 1 {
            return;
        }
        let Some(f) = self.frames.pop() else { return };
        let mut closed = Closed {
            events: f.start..self.out.events.len(),
            span: f.span,
        };
        if let Some((id, offset)) = f.id {
            closed.events = self.make_block(id, offset, &closed);
        }
        self.set_last(closed);
    }

    /// Remembers the block just closed in the current container.
    pub(super) fn set_last(&mut self, c: Closed) {
        if let Some(f) = self.frames.last_mut() {
            f.last = Some(c);
        }
    }

    /// Something that is not a block (a rule) came after the last block.
    pub(super) fn forget_last(&mut self) {
        if let Some(f) = self.frames.last_mut() {
            f.last = None;
        }
    }

    /// Takes a trailing ` ^id` off the text at `i` when it ends a paragraph or list item, and
    /// gives the id to the block it names.
    pub(super) fn trailing_block_id<'t>(
        &mut self,
        raw: &[Raw<'_>],
        i: usize,
        t: &'t CowStr<'_>,
    ) -> Cow<'t, str> {
        let ends = match raw.get(i + 1).map(|(e, _)| e) {
            Some(Event::End(TagEnd::Paragraph | TagEnd::Item)) => true,
            Some(Event::Start(Tag::List(_))) => {
                self.frames.last().is_some_and(|f| f.kind == Kind::Item)
            }
            _ => false,
        };
        let trimmed = t.trim_end();
        let Some(at) = trimmed.rfind('^').filter(|_| ends) else {
            return Cow::Borrowed(t.as_ref());
        };
        let Some(id) = block_id(&trimmed[at..]) else {
            return Cow::Borrowed(t.as_ref());
        };
        let before = &trimmed[..at];
        let after_break = before.is_empty()
            && matches!(
                raw.get(i.wrapping_sub(1)).map(|(e, _)| e),
                Some(Event::SoftBreak | Event::HardBreak)
            );
        if !(before.ends_with([' ', '\t']) || after_break) {
            return Cow::Borrowed(t.as_ref());
        }
        let Some(target) = self.block_id_target() else {
            return Cow::Borrowed(t.as_ref());
        };
        if after_break
            && matches!(
                self.out.events.last(),
                Some(Ev::Md(Event::SoftBreak | Event::HardBreak))
            )
        {
            self.out.events.pop();
        }
        let offset = raw[i].1.start + at.min(raw[i].1.len());
        let frame = &mut self.frames[target];
        if frame.id.is_none() {
            frame.id = Some((id.to_string(), offset));
        }
        Cow::Owned(before.trim_end().to_string())
    }

    /// The open container a trailing block id names (index in `frames`).
    fn block_id_target(&self) -> Option<usize> {
        let top = self.frames.len().checked_sub(1)?;
        match self.frames[top].kind {
            Kind::Item => Some(top),
            Kind::Paragraph => {
                let mut quote = None;
                let mut k = top;
                while k > 0 && self.frames[k - 1].kind == Kind::Quote {
                    k -= 1;
                    quote = Some(k);
                }
                match quote {
                    Some(q) => Some(q),
                    None if top > 0 && self.frames[top - 1].kind == Kind::Item => Some(top - 1),
                    None => Some(top),
                }
            }
            _ => None,
        }
    }

    /// A paragraph that is only `^id`: the id of the block before it. Returns the index after
    /// the paragraph when it is one.
    pub(super) fn standalone_block_id(&mut self, raw: &[Raw<'_>], i: usize) -> Option<usize> {
        let (Some((Event::Text(t), r)), Some((Event::End(TagEnd::Paragraph), _))) =
            (raw.get(i + 1), raw.get(i + 2))
        else {
            return None;
        };
        let id = block_id(t.trim())?;
        let last = self.frames.last_mut()?.last.take()?;
        self.make_block(id.to_string(), r.start, &last);
        Some(i + 3)
    }

    /// A table's last row holding only `^id` (the id's line right under the table): the
    /// table's id. Otherwise the row is emitted as usual.
    pub(super) fn table_row(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        let end = find_end(raw, i);
        let last_row = matches!(raw.get(end + 1), Some((Event::End(TagEnd::Table), _)));
        if last_row
            && let Some((id, offset)) = id_row(&raw[i + 1..end])
            && let Some(f) = self.frames.iter_mut().rev().find(|f| f.kind == Kind::Table)
        {
            f.id = Some((id, offset));
            return end + 1;
        }
        self.push(raw[i].0.clone());
        i + 1
    }

    /// Makes `closed` the block `id`: its opening tag will carry the id (a block whose tag
    /// cannot is wrapped in a `<div>`). Returns its events in the output.
    fn make_block(&mut self, id: String, offset: usize, closed: &Closed) -> Range<usize> {
        if self.out.find_block(&id).is_some() {
            self.problem(
                offset,
                format!("block id `^{id}` is used twice in this note"),
                Some("give each block a different id".into()),
            );
            return closed.events.clone();
        }
        let b = self.out.blocks.len();
        let start = closed.events.start;
        let (events, open) = match self.out.events.get(start).and_then(open_tag) {
            Some(open) => {
                self.out.events[start] = Ev::BlockStart(b);
                (closed.events.clone(), open)
            }
            None => {
                let end = closed.events.end;
                self.out
                    .events
                    .insert(end, Ev::Md(Event::Html("</div>\n".into())));
                self.out.events.insert(start, Ev::BlockStart(b));
                (
                    start..end + 2,
                    ("<div class=\"block\"".to_string(), ">".to_string()),
                )
            }
        };
        // A list item is embedded inside a list like its own (the item was just closed: the
        // innermost frame is its list).
        let wrap = match self.frames.last().and_then(|f| f.list) {
            Some((Some(first), items)) if open.0 == "<li" => Some((
                format!("<ol start=\"{}\">\n", first + items.saturating_sub(1)),
                "</ol>\n".to_string(),
            )),
            Some((None, _)) if open.0 == "<li" => {
                Some(("<ul>\n".to_string(), "</ul>\n".to_string()))
            }
            _ => None,
        };
        self.out.extra_ids.push(format!("^{id}"));
        self.out.blocks.push(Block {
            id,
            events: events.clone(),
            span: closed.span.clone(),
            open,
            wrap,
        });
        events
    }
}

/// The opening tag an event writes, split where an `id` attribute goes; `None` for events
/// that are not one tag.
fn open_tag(ev: &Ev) -> Option<(String, String)> {
    let (before, after) = match ev {
        Ev::Md(Event::Start(tag)) => match tag {
            Tag::Paragraph => ("<p".to_string(), ">"),
            Tag::Item => ("<li".to_string(), ">"),
            Tag::BlockQuote(_) => ("<blockquote".to_string(), ">\n"),
            Tag::List(None) => ("<ul".to_string(), ">\n"),
            Tag::List(Some(1)) => ("<ol".to_string(), ">\n"),
            Tag::List(Some(n)) => (format!("<ol start=\"{n}\""), ">\n"),
            _ => return None,
        },
        Ev::Md(Event::Html(s) | Event::InlineHtml(s))
            if s.starts_with("<div") || s.starts_with("<details") =>
        {
            let k = s.find('>')?;
            return Some((s[..k].to_string(), s[k..].to_string()));
        }
        _ => return None,
    };
    Some((before, after.to_string()))
}

/// A table row whose first cell is `^id` and whose other cells are empty: (id, offset).
fn id_row(cells: &[Raw<'_>]) -> Option<(String, usize)> {
    let mut found = None;
    let mut k = 0;
    while k < cells.len() {
        match (&cells[k].0, cells.get(k + 1), cells.get(k + 2)) {
            (Event::Start(Tag::TableCell), Some((Event::End(TagEnd::TableCell), _)), _) => k += 2,
            (
                Event::Start(Tag::TableCell),
                Some((Event::Text(t), r)),
                Some((Event::End(TagEnd::TableCell), _)),
            ) if found.is_none() && k == 0 => {
                found = Some((block_id(t.trim())?.to_string(), r.start));
                k += 3;
            }
            _ => return None,
        }
    }
    found
}
