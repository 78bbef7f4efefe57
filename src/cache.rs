//! A cache of build results that depend only on their inputs: highlighted code blocks and a
//! note's calc results. It lives in memory for the life of the process (so `serve` reuses it on
//! every rebuild) and on disk between builds, in one file beside the output folder
//! (`.NAME.corem-cache`, next to the output's spare folder; see [`crate::output`]).
//!
//! Every entry is keyed by a SHA-256 of everything its value depends on, corem's version first,
//! so a new corem or a changed input never meets a stale entry. The file is only an
//! optimisation: a missing, unreadable or corrupt file is an empty cache, and it is written
//! atomically (a temporary file renamed over it) after a successful build, keeping only the
//! entries that build used.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

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

/// The process-wide store.
pub struct Store {
    entries: RwLock<HashMap<Key, Arc<[u8]>>>,
    /// Keys read or written since the last [`Store::save`]: what the file keeps.
    used: Mutex<HashSet<Key>>,
    /// Files already read into `entries`.
    loaded: Mutex<HashSet<PathBuf>>,
}

/// More entries than this and the store forgets everything (a long `serve` session must not
/// grow without bound).
const MAX_ENTRIES: usize = 200_000;

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
        }
    }

    pub fn get(&self, key: &Key) -> Option<Arc<[u8]>> {
        let v = self.entries.read().ok()?.get(key).cloned()?;
        if let Ok(mut u) = self.used.lock() {
            u.insert(*key);
        }
        Some(v)
    }

    pub fn put(&self, key: Key, value: Vec<u8>) {
        if let Ok(mut e) = self.entries.write() {
            if e.len() >= MAX_ENTRIES {
                e.clear();
            }
            e.insert(key, value.into());
        }
        if let Ok(mut u) = self.used.lock() {
            u.insert(key);
        }
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
        let Some(entries) = decode(&bytes) else {
            return;
        };
        if let Ok(mut e) = self.entries.write() {
            for (k, v) in entries {
                e.entry(k).or_insert_with(|| v.into());
            }
        }
    }

    /// Saves the entries used since the last save to `path` (see [`Store::save`]), then
    /// forgets every entry: a one-shot build calls it once its pages' blocks are computed, so
    /// the cache's copies do not stay in memory beside them while the pages are rendered. A
    /// later build in the same process reads the file again.
    pub fn save_and_release(&self, path: &Path) {
        self.save(path);
        if let Ok(mut e) = self.entries.write() {
            *e = HashMap::new();
        }
        if let Ok(mut l) = self.loaded.lock() {
            l.remove(path);
        }
    }

    /// Writes the entries used since the last save to `path`, atomically. Failing to write a
    /// cache never fails a build.
    pub fn save(&self, path: &Path) {
        let used: Vec<Key> = match self.used.lock() {
            Ok(mut u) => u.drain().collect(),
            Err(_) => return,
        };
        let Ok(entries) = self.entries.read() else {
            return;
        };
        let mut keep: Vec<(&Key, &Arc<[u8]>)> = used
            .iter()
            .filter_map(|k| entries.get_key_value(k))
            .collect();
        keep.sort_unstable_by_key(|(k, _)| **k);
        // Streamed to the file: a large site's cache is hundreds of MB, not to be copied.
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            out.write_all(MAGIC)?;
            for (k, v) in keep {
                out.write_all(k)?;
                out.write_all(&(v.len() as u64).to_le_bytes())?;
                out.write_all(v)?;
            }
            out.flush()
        })();
        drop(entries);
        if written.is_err() || std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

fn decode(bytes: &[u8]) -> Option<Vec<(Key, Vec<u8>)>> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (k, r) = rest.split_first_chunk::<16>()?;
        let (len, r) = r.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        if len > r.len() {
            return None;
        }
        let (v, r) = r.split_at(len);
        out.push((*k, v.to_vec()));
        rest = r;
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

    #[test]
    fn packs_strings() {
        let v = pack(&["a", "", "héllo"]);
        assert_eq!(unpack(&v).unwrap(), ["a", "", "héllo"]);
        assert!(unpack(&v[..v.len() - 1]).is_none());
    }
}
