//! Reusing pages an earlier build wrote: a build skips rendering a page whose inputs are those
//! an existing copy of it was rendered from.
//!
//! A build records, for every page it puts in the site, the page's digest (everything it is
//! rendered from: [`crate::render::deps`]) together with the file's identity on disk: device,
//! inode, size, modification and status-change times. The record is kept in the project's
//! working folder beside the spare (`spare/NAME-HASH.pages`), for the site just built and for
//! the one before it (now the spare, see [`super::Staging`]). The next build looks for each
//! page first in its staging folder (the spare) and then in the current site: a file whose
//! identity is the recorded one, under the page's new digest, is kept as it is in the first
//! case and made another name of the current site's file (a hard link) in the second. A file
//! with two names is never written into: a build that must change it replaces it
//! (`clear_non_file`), so the live site never changes under a build.
//!
//! Why a stale page cannot come out of this:
//! - Any write to a file changes its status-change time (which, unlike the modification time,
//!   no program can set back), so a file written since it was recorded, by corem or anyone
//!   else, is not reused. (Linking or unlinking another name changes it too: such a file is
//!   recorded again as it is after the link, or not reused.) A record that describes another
//!   folder (a crash between the swap and the record's update) names inodes that folder does
//!   not have. A folder copied or cloned from elsewhere has new inodes and times.
//! - The record is valid only for the corem that wrote it (`COREM_BUILD_ID`: a hash of corem's
//!   source, theme, locked dependencies and compiler, made by `build.rs`) and for the same
//!   configuration, templates, static file names and `--drafts` (the site key): anything else
//!   and the whole record is ignored.
//! - `--fresh` reuses nothing. Outside Unix (no inode or status-change time) nothing is reused.
//! - A test applies random edits and checks the rebuilt site against a fresh build after each
//!   (`tests/serve_equivalence.rs`).
//!
//! The search index is reused the same way, as a whole: its files and their identities under
//! one digest of every note's text, title, place and links.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::search::Stats;

const MAGIC: &[u8] = concat!(
    "corem-pages 1 ",
    env!("CARGO_PKG_VERSION"),
    " ",
    env!("COREM_BUILD_ID"),
    "\n"
)
.as_bytes();

/// Who a file on disk is: it differs after any write to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity([u64; 7]);

/// The identity of the regular file at `path` (`None`: missing, not a file, or not on Unix).
pub fn identity(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
        if !m.is_file() {
            return None;
        }
        Some(Identity([
            m.dev(),
            m.ino(),
            m.size(),
            m.mtime() as u64,
            m.mtime_nsec() as u64,
            m.ctime() as u64,
            m.ctime_nsec() as u64,
        ]))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A file as recorded: path in the site, identity, digest of what it was made from.
type Entry = (String, Identity, u64);

/// The search index as recorded: its digest, sizes and files.
#[derive(Debug, Clone)]
pub struct SearchRecord {
    pub digest: u64,
    pub stats: Stats,
    pub files: Vec<String>,
}

/// What one build put in its site.
#[derive(Debug, Default)]
struct Generation {
    entries: Vec<Entry>,
    search: Option<SearchRecord>,
}

/// The record of the last two sites (see the module docs), and this build's.
pub struct Reuse {
    file: PathBuf,
    /// The site key (see [`crate::render::deps::site_key`]).
    key: u64,
    /// The newest generation read from the file (it describes the current site, which becomes
    /// the spare when this build commits), kept for the next build as it was encoded.
    previous: Vec<u8>,
    /// Every recorded (identity, digest) by path, when this build may reuse.
    known: FxHashMap<String, Vec<(Identity, u64)>>,
    searches: Vec<SearchRecord>,
    /// What this build put in its staging folder.
    recorded: Mutex<Generation>,
}

impl Reuse {
    /// The record beside `spare` for a site of key `key`; with `allow` false (a fresh build), it
    /// is read only to be carried over, and nothing is reused.
    pub fn open(spare: &Path, key: u64, allow: bool) -> Reuse {
        let mut file = spare.as_os_str().to_owned();
        file.push(".pages");
        let file = PathBuf::from(file);
        let bytes = std::fs::read(&file).unwrap_or_default();
        let (gens, previous) = decode(&bytes, key).unwrap_or_default();
        // This build records about as many files as the last one did.
        let mut recorded = Generation::default();
        recorded
            .entries
            .reserve(gens.first().map_or(0, |g| g.entries.len()));
        let mut known: FxHashMap<String, Vec<(Identity, u64)>> = FxHashMap::default();
        let mut searches = Vec::new();
        if allow && cfg!(unix) {
            known.reserve(gens.first().map_or(0, |g| g.entries.len()));
            for g in gens {
                for (path, id, digest) in g.entries {
                    known.entry(path).or_default().push((id, digest));
                }
                searches.extend(g.search);
            }
        }
        Reuse {
            file,
            key,
            previous: bytes[previous].to_vec(),
            known,
            searches,
            recorded: Mutex::new(recorded),
        }
    }

    /// The identity of `dir/rel` when it is a file recorded as made from inputs of digest
    /// `digest` (see [`Reuse::keep`]).
    pub fn holds(&self, dir: &Path, rel: &str, digest: u64) -> Option<Identity> {
        let known = self.known.get(rel)?;
        identity(&dir.join(rel)).filter(|id| known.contains(&(*id, digest)))
    }

    /// Records that `dir/rel`, as it is now, was made from inputs of digest `digest`.
    pub fn record(&self, dir: &Path, rel: &str, digest: u64) {
        if let Some(id) = identity(&dir.join(rel)) {
            self.keep(rel, id, digest);
        }
    }

    /// Records that the file at `rel`, of identity `id` (as [`Reuse::holds`] found it), is
    /// kept as made from inputs of digest `digest`.
    pub fn keep(&self, rel: &str, id: Identity, digest: u64) {
        if let Ok(mut r) = self.recorded.lock() {
            r.entries.push((rel.to_string(), id, digest));
        }
    }

    /// The recorded search index of digest `digest`, wherever its files are (which of them
    /// are still as recorded, [`Reuse::holds`] tells).
    pub fn search(&self, digest: u64) -> Option<SearchRecord> {
        self.searches.iter().find(|s| s.digest == digest).cloned()
    }

    /// Records the search index this build put in `dir` (its files recorded one by one too).
    pub fn record_search(&self, dir: &Path, record: SearchRecord) {
        for f in &record.files {
            self.record(dir, f, record.digest);
        }
        self.set_search(record);
    }

    /// Records the search index this build kept (its files already recorded).
    pub fn set_search(&self, record: SearchRecord) {
        if let Ok(mut r) = self.recorded.lock() {
            r.search = Some(record);
        }
    }

    /// Writes the record of this build's site (now the current site) and of the one before
    /// (now the spare). Called once the site is committed; a failure only costs reuse.
    pub fn save(self) {
        let now = self.recorded.into_inner().unwrap_or_default();
        let bytes = encode(self.key, &now, &self.previous);
        let tmp = super::temp_beside(&self.file);
        // The first build of a site has no spare yet, nor its folder.
        if let Some(dir) = self.file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &self.file).is_err() {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(&self.file);
        }
    }
}

/// The record of `now` and, when not empty, of `previous` (a generation as [`decode`] found it
/// encoded).
fn encode(key: u64, now: &Generation, previous: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + 17 + 2 * previous.len());
    out.extend_from_slice(MAGIC);
    out.extend(key.to_le_bytes());
    let count: u64 = if previous.is_empty() { 1 } else { 2 };
    out.extend(count.to_le_bytes());
    encode_generation(now, &mut out);
    out.extend_from_slice(previous);
    out
}

fn encode_generation(g: &Generation, out: &mut Vec<u8>) {
    let search = g.search.as_ref().map(|s| {
        let stats = serde_json::to_string(&s.stats).unwrap_or_default();
        (s.digest, stats, &s.files)
    });
    match search {
        Some((digest, stats, files)) => {
            out.push(1);
            out.extend(digest.to_le_bytes());
            put_str(out, &stats);
            out.extend((files.len() as u64).to_le_bytes());
            for f in files {
                put_str(out, f);
            }
        }
        None => out.push(0),
    }
    out.extend((g.entries.len() as u64).to_le_bytes());
    for (path, id, digest) in &g.entries {
        put_str(out, path);
        for x in id.0 {
            out.extend(x.to_le_bytes());
        }
        out.extend(digest.to_le_bytes());
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u64).to_le_bytes());
    out.extend(s.as_bytes());
}

/// The generations of a record of key `key`, newest first, and where the newest is encoded in
/// `bytes` (`None`: another corem's, another key's, or not a record at all).
fn decode(bytes: &[u8], key: u64) -> Option<(Vec<Generation>, std::ops::Range<usize>)> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    if r.u64()? != key {
        return None;
    }
    let count = r.u64()?;
    let mut gens = Vec::new();
    let mut newest = 0..0;
    for i in 0..count.min(2) {
        let start = bytes.len() - r.0.len();
        let mut g = Generation::default();
        if r.take(1)? == [1] {
            let digest = r.u64()?;
            let stats = serde_json::from_str(r.str()?).ok()?;
            let n = r.u64()?;
            let files = (0..n)
                .map(|_| r.str().map(String::from))
                .collect::<Option<_>>()?;
            g.search = Some(SearchRecord {
                digest,
                stats,
                files,
            });
        }
        let n = r.u64()?;
        g.entries.reserve(n.min(1 << 24) as usize);
        for _ in 0..n {
            let path = r.str()?.to_string();
            let mut id = [0u64; 7];
            for x in &mut id {
                *x = r.u64()?;
            }
            g.entries.push((path, Identity(id), r.u64()?));
        }
        if i == 0 {
            newest = start..bytes.len() - r.0.len();
        }
        gens.push(g);
    }
    r.0.is_empty().then_some((gens, newest))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.u64()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn stats() -> Stats {
        Stats {
            files: 2,
            core_bytes: 10,
            ..Default::default()
        }
    }

    #[test]
    fn a_recorded_file_is_reused_until_it_is_written_again() {
        let tmp = tempfile::tempdir().unwrap();
        let spare = tmp.path().join("spare");
        std::fs::create_dir_all(&spare).unwrap();
        std::fs::write(spare.join("a.html"), "A").unwrap();
        std::fs::write(spare.join("b.html"), "B").unwrap();
        let r = Reuse::open(&spare, 7, true);
        assert!(
            r.holds(&spare, "a.html", 1).is_none(),
            "nothing recorded yet"
        );
        r.record(&spare, "a.html", 1);
        r.record(&spare, "b.html", 2);
        r.record_search(
            &spare,
            SearchRecord {
                digest: 9,
                stats: stats(),
                files: vec!["b.html".into()],
            },
        );
        r.save();
        let r = Reuse::open(&spare, 7, true);
        assert!(r.holds(&spare, "a.html", 1).is_some());
        assert!(r.holds(&spare, "a.html", 2).is_none(), "another digest");
        assert!(r.holds(&spare, "c.html", 1).is_none(), "never recorded");
        assert!(r.search(9).is_some_and(|s| s.stats == stats()));
        assert!(r.holds(&spare, "b.html", 9).is_some(), "its files too");
        assert!(r.search(8).is_none());
        // Written again, even with the same bytes: not reused.
        std::fs::write(spare.join("a.html"), "A").unwrap();
        assert!(r.holds(&spare, "a.html", 1).is_none());
        assert!(
            Reuse::open(&spare, 8, true).known.is_empty(),
            "another site key"
        );
        assert!(
            Reuse::open(&spare, 7, false).known.is_empty(),
            "a fresh build"
        );
    }

    #[test]
    fn the_record_keeps_two_sites() {
        let tmp = tempfile::tempdir().unwrap();
        let spare = tmp.path().join("spare");
        std::fs::create_dir_all(&spare).unwrap();
        for (i, name) in ["1.html", "2.html", "3.html"].iter().enumerate() {
            std::fs::write(spare.join(name), name).unwrap();
            let r = Reuse::open(&spare, 7, true);
            r.record(&spare, name, i as u64);
            r.save();
        }
        let r = Reuse::open(&spare, 7, true);
        assert!(r.holds(&spare, "3.html", 2).is_some() && r.holds(&spare, "2.html", 1).is_some());
        assert!(r.holds(&spare, "1.html", 0).is_none(), "three builds ago");
    }

    #[test]
    fn a_damaged_record_is_no_record() {
        let tmp = tempfile::tempdir().unwrap();
        let spare = tmp.path().join("spare");
        std::fs::create_dir_all(&spare).unwrap();
        std::fs::write(spare.join("a.html"), "A").unwrap();
        let r = Reuse::open(&spare, 7, true);
        r.record(&spare, "a.html", 1);
        r.save();
        let file = tmp.path().join("spare.pages");
        let bytes = std::fs::read(&file).unwrap();
        for cut in [1, 9, bytes.len() / 2] {
            std::fs::write(&file, &bytes[..bytes.len() - cut]).unwrap();
            assert!(
                Reuse::open(&spare, 7, true)
                    .holds(&spare, "a.html", 1)
                    .is_none()
            );
        }
    }
}
