//! Whole notes in the build cache: a note's parse (without its event stream) and its computed
//! blocks, under a key of everything they are made from. A build that meets a note it has seen
//! skips parsing it and computing its blocks, about half of a rebuild that changed nothing.
//!
//! The key holds corem's build (`COREM_BUILD_ID`: its source, dependencies and compiler, so a
//! changed parser never meets an entry of the old one), the note's whole file (by its XXH3-128
//! hash, made when it is read: see [`crate::load::Source`]) and place (the computed blocks'
//! ids depend on it), its title and the options its blocks depend on. Only a note with no
//! problem and no warning is stored: its diagnostics need not be kept, and a warning or error
//! is reported by every build, as without a cache.
//!
//! An entry is postcard (a compact binary form of the structures) compressed with LZ4: half
//! the size (517 MB of cache at 100,000 notes become 333 MB, and a fresh build's peak memory
//! while the entries wait to be saved 0.4 GiB less) for no time a rebuild shows.
//!
//! An entry also lists the entries its blocks were made from (highlighted code, calculations),
//! which are marked as used when the entry is: they stay in the file, and an edit of the note
//! finds them.

use serde::{Deserialize, Serialize};

use super::{Key, store};
use crate::load::Note;
use crate::markdown::Parsed;
use crate::render::{BlockOptions, Prepared};

#[derive(Serialize)]
struct EntryRef<'a> {
    parsed: &'a Parsed,
    prepared: &'a Prepared,
    uses: &'a [Key],
}

#[derive(Deserialize)]
struct Entry {
    parsed: Parsed,
    prepared: Prepared,
    uses: Vec<Key>,
}

/// The key of `note`'s entry under `opts`.
pub fn key(note: &Note, opts: BlockOptions) -> Key {
    let title = note.meta.title.as_deref();
    let formats = format!("{:?}", opts.formats);
    super::key(
        "note",
        &[
            env!("COREM_BUILD_ID").as_bytes(),
            note.rel.as_bytes(),
            &note.source.hash().to_le_bytes(),
            &note.body_start.to_le_bytes(),
            &[u8::from(title.is_some())],
            title.unwrap_or("").as_bytes(),
            formats.as_bytes(),
            opts.themes.light_name.as_bytes(),
            opts.themes.dark_name.as_bytes(),
        ],
    )
}

/// The note's parse and blocks stored under `key`, if any (an entry that does not decode is
/// no entry).
pub fn get(key: &Key) -> Option<(Parsed, Prepared)> {
    let s = store();
    let value = s.get(key)?;
    let bytes = lz4_flex::decompress_size_prepended(&value).ok()?;
    let entry: Entry = postcard::from_bytes(&bytes).ok()?;
    s.touch(&entry.uses);
    Some((entry.parsed, entry.prepared))
}

/// Stores a note's parse (its event stream already dropped) and blocks, made from the entries
/// `uses`.
pub fn put(key: Key, parsed: &Parsed, prepared: &Prepared, uses: &[Key]) {
    debug_assert!(parsed.events.is_empty() && parsed.fences.is_empty());
    let entry = EntryRef {
        parsed,
        prepared,
        uses,
    };
    if let Ok(bytes) = postcard::to_stdvec(&entry) {
        store().put(key, lz4_flex::compress_prepend_size(&bytes));
    }
}
