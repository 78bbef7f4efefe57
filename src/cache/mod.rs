//! A cache of build results that depend only on their inputs: highlighted code blocks and a
//! note's calc results. It lives in memory for the life of the process (so `serve` reuses it on
//! every rebuild) and on disk between builds, in the project's `.corem/` folder (see
//! [`crate::output::StateDir`]).
//!
//! Cached values go into pages as HTML, so a cache file must be one this machine wrote: it ends
//! with an HMAC-SHA256 of its content under a key kept outside every project
//! (`$XDG_CACHE_HOME/corem/cache-key`, else `~/.cache/corem/cache-key`, made on first use). A file
//! shipped in a repository, copied from elsewhere or edited by hand fails the check and is an
//! empty cache, so it can never put its own HTML (a script, say) into a site.
//!
//! Every entry is keyed by a SHA-256 of everything its value depends on, corem's version first,
//! so a new corem or a changed input never meets a stale entry. The file is only an
//! optimisation: a missing, unreadable or corrupt file is an empty cache, and it is written
//! atomically (a temporary file renamed over it) after a successful build, keeping only the
//! entries that build used.

pub mod meta;
pub mod notes;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// An entry's key: the first 16 bytes of the SHA-256 of its inputs.
pub type Key = [u8; 16];

const MAGIC: &[u8] = concat!("corem-cache ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();

/// Hashes `parts` (each length-prefixed, so `["ab", "c"]` and `["a", "bc"]` differ) together
/// with `kind` and corem's version.
pub fn key(kind: &str, parts: &[&[u8]]) -> Key {
    let mut h = Sha256::new();
    h.update(MAGIC);
    for p in std::iter::once(kind.as_bytes()).chain(parts.iter().copied()) {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&digest[..16]);
    k
}

/// A cached value: a range of a shared buffer (a cache file is read into one buffer, and its
/// entries point into it rather than each being copied out).
#[derive(Clone, Debug)]
pub struct Value {
    buf: Arc<Vec<u8>>,
    range: std::ops::Range<usize>,
}

impl std::ops::Deref for Value {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[self.range.clone()]
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        **self == **other
    }
}

/// The process-wide store.
pub struct Store {
    entries: RwLock<HashMap<Key, Value>>,
    /// Keys read or written since the last [`Store::save`]: what the file keeps.
    used: Mutex<HashSet<Key>>,
    /// Files already read into `entries`.
    loaded: Mutex<HashSet<PathBuf>>,
    /// Per cache file, a digest of the keys it holds (as read or last written): a save that
    /// would write the same keys leaves the file alone (an entry's value is a function of its
    /// key, so the same keys are the same file).
    on_disk: Mutex<HashMap<PathBuf, [u8; 32]>>,
    /// Look-ups that found their value, and those that did not (see [`Store::reads`]).
    hits: AtomicU64,
    misses: AtomicU64,
}

thread_local! {
    /// The keys each computation in progress on this thread read or wrote (innermost last;
    /// see [`recording`]).
    static RECORDING: RefCell<Vec<Vec<Key>>> = const { RefCell::new(Vec::new()) };
}

/// Notes `key` as used by the innermost [`recording`] on this thread, if any.
fn note_use(key: &Key) {
    RECORDING.with(|r| {
        if let Some(top) = r.borrow_mut().last_mut() {
            top.push(*key);
        }
    });
}

/// Runs `f` and returns with its result the keys of the entries it read or wrote on this
/// thread. Recordings nest (a thread waiting inside `f` may run another note's work); work `f`
/// hands to other threads is not seen, which only costs those entries their place in the file.
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<Key>) {
    /// Ends the recording even when `f` unwinds.
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            RECORDING.with(|r| r.borrow_mut().pop());
        }
    }
    RECORDING.with(|r| r.borrow_mut().push(Vec::new()));
    let pop = Pop;
    let out = f();
    let keys = RECORDING.with(|r| r.borrow_mut().last_mut().map(std::mem::take));
    drop(pop);
    (out, keys.unwrap_or_default())
}

/// More entries than this and the store forgets everything (a long `serve` session must not
/// grow without bound). A site holds about two per note (the note's own, see [`notes`], and
/// its code blocks and calculations): 100,000 notes are some 210,000 entries.
const MAX_ENTRIES: usize = 1_000_000;

pub fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(Store::new)
}

impl Store {
    fn new() -> Store {
        Store {
            entries: RwLock::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
            loaded: Mutex::new(HashSet::new()),
            on_disk: Mutex::new(HashMap::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn get(&self, key: &Key) -> Option<Value> {
        let found = self.entries.read().ok().and_then(|e| e.get(key).cloned());
        let Some(v) = found else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut u) = self.used.lock() {
            u.insert(*key);
        }
        note_use(key);
        Some(v)
    }

    /// Marks `keys` as used without reading them: the entries a note's cached blocks were made
    /// from stay in the file, so that an edit of the note finds them (see [`notes`]).
    pub fn touch(&self, keys: &[Key]) {
        if let Ok(mut u) = self.used.lock() {
            u.extend(keys.iter().copied());
        }
    }

    /// How many look-ups since the process started found their result in the cache, and how
    /// many had to compute it (what `corem -v serve` reports of its first build).
    pub fn reads(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Makes room for `entries` entries in all, so that a build that is about to store about
    /// that many does not grow the table (and the set of keys used) step by step, rehashing
    /// everything at each step under the write lock.
    pub fn reserve(&self, entries: usize) {
        let entries = entries.min(MAX_ENTRIES);
        if let Ok(mut e) = self.entries.write() {
            let more = entries.saturating_sub(e.len());
            e.reserve(more);
        }
        if let Ok(mut u) = self.used.lock() {
            let more = entries.saturating_sub(u.len());
            u.reserve(more);
        }
    }

    pub fn put(&self, key: Key, value: Vec<u8>) {
        if let Ok(mut e) = self.entries.write() {
            if e.len() >= MAX_ENTRIES {
                e.clear();
            }
            let range = 0..value.len();
            let buf = Arc::new(value);
            e.insert(key, Value { buf, range });
        }
        if let Ok(mut u) = self.used.lock() {
            u.insert(key);
        }
        note_use(&key);
    }

    /// Reads a cache file into the store, once per file per process. Anything wrong with the
    /// file makes it an empty cache.
    pub fn load(&self, path: &Path) {
        let first = self
            .loaded
            .lock()
            .is_ok_and(|mut l| l.insert(path.to_path_buf()));
        if !first {
            return;
        }
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let Some(entries) = verified(machine_key(), &bytes).and_then(decode) else {
            return;
        };
        self.remember(path, keys_digest(entries.iter().map(|(k, _)| k)));
        let buf = Arc::new(bytes);
        if let Ok(mut e) = self.entries.write() {
            e.reserve(entries.len());
            for (k, range) in entries {
                let buf = Arc::clone(&buf);
                e.entry(k).or_insert(Value { buf, range });
            }
        }
    }

    /// [`Store::load`] on a thread of its own; the file is in the store once the returned
    /// [`Background`] is finished or dropped. (Without a thread, it is read at once.)
    pub fn load_in_background(&'static self, path: PathBuf) -> Background {
        let on_thread = path.clone();
        let spawned = std::thread::Builder::new()
            .name("corem-cache-read".into())
            .spawn(move || self.load(&on_thread));
        match spawned {
            Ok(h) => Background(Some(h)),
            Err(_) => {
                self.load(&path);
                Background::default()
            }
        }
    }

    fn remember(&self, path: &Path, digest: [u8; 32]) {
        if let Ok(mut d) = self.on_disk.lock() {
            d.insert(path.to_path_buf(), digest);
        }
    }

    /// Saves the entries used since the last save to `path` (see [`Store::save`]), then
    /// forgets every entry: a one-shot build calls it once its pages' blocks are computed, so
    /// the cache's copies do not stay in memory beside them while the pages are rendered. A
    /// later build in the same process reads the file again.
    pub fn save_and_release(&self, path: &Path) {
        let pending = self.pending(path);
        self.release(path);
        if let Some(p) = pending {
            p.write(self);
        }
    }

    /// [`Store::save_and_release`], the file written on a thread of its own (the build goes on
    /// rendering meanwhile; the entries leave memory once written). The write is waited for by
    /// [`Background::finish`], or when the `Background` is dropped (a failed build too, so that no
    /// half-written temporary file is left behind).
    pub fn save_and_release_in_background(&'static self, path: &Path) -> Background {
        let pending = self.pending(path);
        self.release(path);
        self.write_in_background(pending)
    }

    /// [`Store::save`] on a thread of its own, the entries kept in memory: `serve` saves what
    /// its first build computed, so that the next `serve` or `build` starts from it, and goes
    /// on using the entries for the notes edited meanwhile. When no entry was used since the
    /// last save, the file is left as it is: a first build that read `graph.html` from the
    /// built site drew no layout, and must not empty the cache of layouts.
    pub fn save_in_background(&'static self, path: &Path) -> Background {
        if self.used.lock().is_ok_and(|u| u.is_empty()) {
            return Background::default();
        }
        let pending = self.pending(path);
        self.write_in_background(pending)
    }

    fn write_in_background(&'static self, pending: Option<PendingSave>) -> Background {
        let Some(p) = pending else {
            return Background::default();
        };
        let spawned = std::thread::Builder::new()
            .name("corem-cache-save".into())
            .spawn(move || p.write(self));
        // No thread (resource limits): the cache is only an optimisation, so it is not written.
        Background(spawned.ok())
    }

    fn release(&self, path: &Path) {
        if let Ok(mut e) = self.entries.write() {
            *e = HashMap::new();
        }
        if let Ok(mut l) = self.loaded.lock() {
            l.remove(path);
        }
    }

    /// Writes the entries used since the last save to `path`, atomically, unless the file
    /// already holds exactly those entries (a rebuild that changed nothing). Failing to write a
    /// cache never fails a build.
    pub fn save(&self, path: &Path) {
        if let Some(p) = self.pending(path) {
            p.write(self);
        }
    }

    /// What a save of `path` would write (the used entries, sorted), or `None` when the file
    /// already holds exactly those (or the store is unusable).
    fn pending(&self, path: &Path) -> Option<PendingSave> {
        let used: Vec<Key> = self.used.lock().ok()?.drain().collect();
        let entries = self.entries.read().ok()?;
        let mut keep: Vec<(Key, Value)> = used
            .iter()
            .filter_map(|k| entries.get(k).map(|v| (*k, v.clone())))
            .collect();
        drop(entries);
        keep.sort_unstable_by_key(|(k, _)| *k);
        let digest = keys_digest(keep.iter().map(|(k, _)| k));
        let unchanged = (self.on_disk.lock()).is_ok_and(|d| d.get(path) == Some(&digest));
        if unchanged && path.is_file() {
            return None;
        }
        Some(PendingSave {
            path: path.to_path_buf(),
            keep,
            digest,
        })
    }
}

/// A cache file being read or written on a thread of its own.
#[derive(Default)]
pub struct Background(Option<std::thread::JoinHandle<()>>);

impl Background {
    /// Waits for the file to be read or written (a cache that cannot be read or written never
    /// fails a build).
    pub fn finish(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A cache file to write: its entries, sorted by key.
struct PendingSave {
    path: PathBuf,
    keep: Vec<(Key, Value)>,
    digest: [u8; 32],
}

impl PendingSave {
    /// Streams the entries to a temporary file (its tag computed as it goes: a large site's
    /// cache is large, 333 MB at 100,000 notes, not to be copied) renamed over the file.
    fn write(self, store: &Store) {
        let path = &self.path;
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = crate::output::temp_beside(path);
        let written = (|| -> std::io::Result<()> {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(machine_key())
                .map_err(std::io::Error::other)?;
            let mut put = |bytes: &[u8]| {
                mac.update(bytes);
                out.write_all(bytes)
            };
            put(MAGIC)?;
            for (k, v) in &self.keep {
                put(k)?;
                put(&(v.len() as u64).to_le_bytes())?;
                put(v)?;
            }
            let t: [u8; TAG_LEN] = mac.finalize().into_bytes().into();
            out.write_all(&t)?;
            out.flush()
        })();
        if written.is_err() || std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        } else {
            store.remember(path, self.digest);
        }
    }
}

/// A digest of a sorted list of keys (what a cache file holds, its values aside).
fn keys_digest<'a>(keys: impl Iterator<Item = &'a Key>) -> [u8; 32] {
    let mut h = Sha256::new();
    for k in keys {
        h.update(k);
    }
    h.finalize().into()
}

/// Length of the HMAC-SHA256 tag that ends a cache file.
const TAG_LEN: usize = 32;

/// The machine's key for cache files, read (or made) once per process. Without a home for it,
/// a key for this process only: caches then last as long as the process.
fn machine_key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("corem"));
        if let Some(dir) = &dir {
            let file = dir.join("cache-key");
            if let Ok(bytes) = std::fs::read(&file)
                && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
            {
                return key;
            }
            let key = random_key();
            let tmp = crate::output::temp_beside(&file);
            if std::fs::create_dir_all(dir).is_ok() && std::fs::write(&tmp, key).is_ok() {
                // Another process may have won the race: use whichever key is on disk.
                let _ = std::fs::rename(&tmp, &file);
                if let Ok(bytes) = std::fs::read(&file)
                    && let Ok(on_disk) = <[u8; 32]>::try_from(bytes.as_slice())
                {
                    return on_disk;
                }
            }
            let _ = std::fs::remove_file(&tmp);
            return key;
        }
        random_key()
    })
}

/// 32 random bytes from the operating system (falling back to hashed time and process data).
fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom")
        && std::io::Read::read_exact(&mut f, &mut key).is_ok()
    {
        return key;
    }
    let mut h = Sha256::new();
    h.update(format!("{:?}", std::time::SystemTime::now()));
    h.update(std::process::id().to_le_bytes());
    h.update(format!("{:p}", &key));
    key.copy_from_slice(&h.finalize());
    key
}

/// The tag of `content` under `key` (what [`Store::save`] computes as it writes).
#[cfg(test)]
fn tag(key: &[u8; 32], content: &[u8]) -> [u8; TAG_LEN] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(content);
    mac.finalize().into_bytes().into()
}

/// The content of a cache file whose tag checks out under `key`.
fn verified<'a>(key: &[u8; 32], bytes: &'a [u8]) -> Option<&'a [u8]> {
    let (content, t) = bytes.split_at_checked(bytes.len().checked_sub(TAG_LEN)?)?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(content);
    mac.verify_slice(t).ok()?;
    Some(content)
}

/// The entries of a cache file's content (its tag left out): each key and the range of its
/// value in the content, in file order (sorted by key).
fn decode(content: &[u8]) -> Option<Vec<(Key, std::ops::Range<usize>)>> {
    if !content.starts_with(MAGIC) {
        return None;
    }
    let mut at = MAGIC.len();
    let mut out = Vec::new();
    while at < content.len() {
        let (k, r) = content[at..].split_first_chunk::<16>()?;
        let (len, r) = r.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        if len > r.len() {
            return None;
        }
        let start = at + 24;
        out.push((*k, start..start + len));
        at = start + len;
    }
    Some(out)
}

/// Strings packed into bytes (each length-prefixed), for values made of several strings.
pub fn pack(strings: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in strings {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    out
}

/// The strings of [`pack`]; `None` when the bytes are not such a list.
pub fn unpack(mut bytes: &[u8]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (len, r) = bytes.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        if len > r.len() {
            return None;
        }
        let (s, r) = r.split_at(len);
        out.push(String::from_utf8(s.to_vec()).ok()?);
        bytes = r;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(key("k", &[b"ab", b"c"]), key("k", &[b"a", b"bc"]));
        assert_ne!(key("a", &[b"x"]), key("b", &[b"x"]));
        assert_eq!(key("a", &[b"x"]), key("a", &[b"x"]));
    }

    #[test]
    fn reserving_keeps_entries_and_makes_room_once() {
        let store = Store::new();
        let k = |i: u32| key("r", &[&i.to_le_bytes()]);
        store.put(k(0), b"zero".to_vec());
        store.reserve(5000);
        let capacity = || store.entries.read().unwrap().capacity();
        let room = capacity();
        assert!(room >= 5000, "{room}");
        // Less than is there already changes nothing.
        store.reserve(10);
        assert_eq!(capacity(), room);
        // The entries reserved for go in without the table growing.
        for i in 1..5000 {
            store.put(k(i), i.to_le_bytes().to_vec());
        }
        assert_eq!(capacity(), room);
        assert!(store.used.lock().unwrap().capacity() >= 5000);
        assert_eq!(&store.get(&k(0)).unwrap()[..], b"zero");
        assert_eq!(&store.get(&k(4999)).unwrap()[..], 4999u32.to_le_bytes());
    }

    #[test]
    fn saves_used_entries_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c");
        let s = Store::new();
        s.put(key("t", &[b"1"]), b"one".to_vec());
        s.put(key("t", &[b"2"]), b"two".to_vec());
        s.save(&file);
        // Only what the next build uses is kept.
        assert_eq!(s.get(&key("t", &[b"2"])).as_deref(), Some(&b"two"[..]));
        s.save(&file);
        let t = Store::new();
        t.load(&file);
        assert_eq!(t.get(&key("t", &[b"1"])), None);
        assert_eq!(t.get(&key("t", &[b"2"])).as_deref(), Some(&b"two"[..]));
    }

    /// A rebuild that uses exactly what the file holds does not write it again (at 100,000
    /// notes it is 333 MB); one that uses anything else does.
    #[cfg(unix)]
    #[test]
    fn an_unchanged_cache_is_not_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c");
        let inode = || std::fs::metadata(&file).unwrap().ino();
        let s = Store::new();
        s.put(key("t", &[b"1"]), b"one".to_vec());
        s.put(key("t", &[b"2"]), b"two".to_vec());
        s.save(&file);
        let first = inode();

        // Another process reads it and uses the same entries: the file stays.
        let t = Store::new();
        t.load(&file);
        assert!(t.get(&key("t", &[b"1"])).is_some() && t.get(&key("t", &[b"2"])).is_some());
        t.save(&file);
        assert_eq!(inode(), first, "the same entries were written again");

        // One entry fewer: written, and it is what a third process reads.
        assert!(t.get(&key("t", &[b"2"])).is_some());
        t.save(&file);
        assert_ne!(inode(), first);
        let u = Store::new();
        u.load(&file);
        assert_eq!(u.get(&key("t", &[b"1"])), None);
        assert_eq!(u.get(&key("t", &[b"2"])).as_deref(), Some(&b"two"[..]));

        // A new entry is written too, and a deleted file is written again.
        u.put(key("t", &[b"3"]), b"three".to_vec());
        let before = inode();
        u.save(&file);
        assert_ne!(inode(), before);
        std::fs::remove_file(&file).unwrap();
        assert!(u.get(&key("t", &[b"3"])).is_some());
        u.get(&key("t", &[b"2"]));
        u.save(&file);
        assert!(file.is_file());
    }

    /// `serve` saves in the background what its first build used; a build that used nothing
    /// of a file's kind (the graph page read from the built site, not drawn) leaves the file
    /// as it is instead of emptying it. Look-ups are counted.
    #[test]
    fn a_background_save_that_used_nothing_leaves_the_file() {
        let (_dir, file) = file_of_one_entry(b"one");

        let t: &'static Store = Box::leak(Box::new(Store::new()));
        t.load(&file);
        t.save_in_background(&file).finish();
        let u = Store::new();
        u.load(&file);
        assert_eq!(u.get(&key("t", &[b"1"])).as_deref(), Some(&b"one"[..]));
        assert_eq!(u.get(&key("t", &[b"2"])), None);
        assert_eq!(u.reads(), (1, 1), "one found, one not");

        // Used: written in the background, entries kept in memory.
        t.put(key("t", &[b"2"]), b"two".to_vec());
        t.save_in_background(&file).finish();
        assert!(t.get(&key("t", &[b"2"])).is_some(), "still in memory");
        let v = Store::new();
        v.load(&file);
        assert_eq!(v.get(&key("t", &[b"2"])).as_deref(), Some(&b"two"[..]));
        assert_eq!(
            v.get(&key("t", &[b"1"])),
            None,
            "only what was used is kept"
        );
    }

    #[test]
    fn a_corrupt_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c");
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[7u8; 16]);
        bytes.extend_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(&file, bytes).unwrap();
        assert!(decode(&std::fs::read(&file).unwrap()).is_none());
        std::fs::write(&file, b"something else").unwrap();
        assert!(decode(&std::fs::read(&file).unwrap()).is_none());
    }

    /// A cache file (in a folder of its own) holding one entry, `t 1`.
    fn file_of_one_entry(value: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c");
        let s = Store::new();
        s.put(key("t", &[b"1"]), value.to_vec());
        s.save(&file);
        (dir, file)
    }

    #[test]
    fn a_file_not_signed_by_this_machine_is_an_empty_cache() {
        let (_dir, file) = file_of_one_entry(b"<p>safe</p>");
        let good = std::fs::read(&file).unwrap();
        let t = Store::new();
        t.load(&file);
        assert!(t.get(&key("t", &[b"1"])).is_some(), "its own file is read");

        // The same entries with another value, as someone might ship in a repository: the
        // content no longer matches the tag…
        let mut tampered = good.clone();
        let at = tampered.windows(4).position(|w| w == b"safe").unwrap();
        tampered[at..at + 4].copy_from_slice(b"evil");
        std::fs::write(&file, &tampered).unwrap();
        let u = Store::new();
        u.load(&file);
        assert_eq!(u.get(&key("t", &[b"1"])), None);
        // …and a file tagged with another key is refused too.
        let mut other = good[..good.len() - TAG_LEN].to_vec();
        other[at..at + 4].copy_from_slice(b"evil");
        let forged = tag(&[9u8; 32], &other);
        other.extend_from_slice(&forged);
        assert!(verified(machine_key(), &other).is_none());
        assert!(verified(&[9u8; 32], &other).is_some());
    }

    #[test]
    fn packs_strings() {
        let v = pack(&["a", "", "héllo"]);
        assert_eq!(unpack(&v).unwrap(), ["a", "", "héllo"]);
        assert!(unpack(&v[..v.len() - 1]).is_none());
    }
}
