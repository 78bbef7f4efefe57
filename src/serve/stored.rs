//! The bytes of one served file as `serve` keeps them: LZ4-compressed when that makes them
//! smaller. `serve` holds the whole rendered site in memory (5.8 GB of files at 100,000
//! notes, held in 2.7 GB); each request decompresses its file again, at about 2.6 GB/s (7 µs
//! for a 27 KB page, measured with the features shipped: `safe-encode`, `safe-decode`).
//!
//! LZ4 (the `lz4_flex` crate, pure Rust) rather than gzip: it compresses about twice as fast
//! (460 MB/s against 240 MB/s for gzip level 1 with zlib-rs, on the 10,000-note site's files
//! on this project's machine), which is what the start-up waits for, for a little less
//! (2.17× against 2.39×); the server never sends compressed bytes (it adds the reload client
//! to every page, and it serves the local machine).

use bytes::Bytes;

/// Files smaller than this are kept as they are (compression saves little on them).
const MIN_COMPRESSED: usize = 512;

/// One served file's bytes. Equal bytes are stored equally (compression is deterministic),
/// so comparing two `Stored` tells whether a file changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// As they are: small files, files that do not compress, and copied files (images,
    /// fonts, the theme's assets), whose bytes are shared with the cache of copied files.
    Plain(Bytes),
    /// LZ4 block format, the original length first (`lz4_flex::compress_prepend_size`).
    Lz4(Bytes),
}

impl Stored {
    /// `bytes`, compressed if that makes them at least an eighth smaller.
    pub fn new(bytes: impl Into<Bytes>) -> Stored {
        let bytes = bytes.into();
        if bytes.len() < MIN_COMPRESSED {
            return Stored::Plain(bytes);
        }
        let packed = lz4_flex::compress_prepend_size(&bytes);
        if packed.len() <= bytes.len() - bytes.len() / 8 {
            Stored::Lz4(Bytes::from(packed))
        } else {
            Stored::Plain(bytes)
        }
    }

    /// The file's bytes. `None` only if the compressed bytes were damaged, which corem's own
    /// compression does not do.
    pub fn bytes(&self) -> Option<Bytes> {
        match self {
            Stored::Plain(b) => Some(b.clone()),
            Stored::Lz4(b) => {
                let (len, _) = lz4_flex::block::uncompressed_size(b).ok()?;
                let out = lz4_flex::decompress_size_prepended(b).ok()?;
                (out.len() == len).then(|| Bytes::from(out))
            }
        }
    }

    /// The file's size (what [`Stored::bytes`] gives; 0 if the compressed bytes are damaged).
    pub fn len(&self) -> usize {
        match self {
            Stored::Plain(b) => b.len(),
            Stored::Lz4(b) => lz4_flex::block::uncompressed_size(b).map_or(0, |(n, _)| n),
        }
    }

    /// True for an empty file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of memory the file takes.
    pub fn stored_len(&self) -> usize {
        match self {
            Stored::Plain(b) | Stored::Lz4(b) => b.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_kept_smaller_and_comes_back_whole() {
        let page: String = (0..200)
            .map(|i| {
                format!("<li class=\"nav-note\"><a href=\"note-{i}.html\">Note {i}</a></li>\n")
            })
            .collect();
        let s = Stored::new(page.clone());
        assert!(matches!(s, Stored::Lz4(_)));
        assert!(
            s.stored_len() * 3 < page.len(),
            "{} of {}",
            s.stored_len(),
            page.len()
        );
        assert_eq!(s.bytes().as_deref(), Some(page.as_bytes()));
        assert_eq!(s.len(), page.len());
        // Equal bytes are stored equally, different bytes differently.
        assert_eq!(Stored::new(page.clone()), s);
        assert_ne!(Stored::new(page.replace("Note 7<", "Note 8<")), s);
    }

    #[test]
    fn small_and_incompressible_files_are_kept_as_they_are() {
        assert_eq!(
            Stored::new("<p>hi</p>"),
            Stored::Plain(Bytes::from("<p>hi</p>"))
        );
        // Bytes with no repeats (a compressed image, say) do not shrink.
        let mut x: u32 = 0x9e37_79b9;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let s = Stored::new(noise.clone());
        assert!(matches!(s, Stored::Plain(_)));
        assert_eq!(s.bytes().as_deref(), Some(&noise[..]));
    }

    #[test]
    fn damaged_bytes_are_refused_not_served() {
        let page = "<p>Consistent hashing maps keys to nodes on a ring.</p>\n".repeat(40);
        let Stored::Lz4(packed) = Stored::new(page) else {
            panic!("the page is compressed");
        };
        // Cut short, or claiming more bytes than it holds.
        let cut = Stored::Lz4(packed.slice(..packed.len() - 3));
        assert_eq!(cut.bytes(), None);
        let mut longer = packed.to_vec();
        longer[0] = longer[0].wrapping_add(1);
        assert_eq!(Stored::Lz4(Bytes::from(longer)).bytes(), None);
    }
}
