//! `sha256(s)`, `md5(s)` and `hmac_sha256(key, message)` in calc blocks.
//!
//! numbat has no hash functions, and it offers no way to add one: its foreign-function table is
//! private and fixed at compile time. corem therefore evaluates these calls itself, *before*
//! numbat sees the statement:
//!
//! 1. the scanner finds calls to these names (outside strings and comments);
//! 2. each argument is evaluated by numbat in the note's context (so `sha256(message)` works
//!    when `message` was defined above; a plain literal `"…"` is read directly), and must be a
//!    `String`; calls nested in arguments are computed first;
//! 3. the digest is computed here with the RustCrypto crates and the call is replaced by a
//!    numbat string literal of its lower-case hex, so numbat sees e.g.
//!    `let mac = "98e7…2fc7"` and everything after it (`str_length(mac)`, `assert(mac != …)`,
//!    inline `= mac`) is ordinary numbat;
//! 4. positions in the rewritten text map back to the original, so an error still points at the
//!    right column.
//!
//! The three names are reserved: a calc block cannot define its own `sha256`.

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha2::{Digest, Sha256};

/// The functions corem provides, with their number of arguments.
pub const FUNCTIONS: [(&str, usize); 3] = [("sha256", 1), ("md5", 1), ("hmac_sha256", 2)];

/// Names only.
pub const NAMES: [&str; 3] = ["sha256", "md5", "hmac_sha256"];

/// How many arguments `name` takes.
pub fn arity(name: &str) -> Option<usize> {
    FUNCTIONS.iter().find(|f| f.0 == name).map(|f| f.1)
}

/// The lower-case hex digest of `name` applied to `args` (UTF-8 bytes of the strings).
pub fn digest(name: &str, args: &[&str]) -> Option<String> {
    match (name, args) {
        ("sha256", [s]) => Some(hex(&Sha256::digest(s.as_bytes()))),
        ("md5", [s]) => Some(hex(&Md5::digest(s.as_bytes()))),
        ("hmac_sha256", [key, message]) => {
            // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
            let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()?;
            mac.update(message.as_bytes());
            Some(hex(&mac.finalize().into_bytes()))
        }
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // Reference values: RFC 1321 / FIPS 180-4 test vectors and Python's hashlib/hmac.
        assert_eq!(
            digest("md5", &[""]).unwrap(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            digest("sha256", &["abc"]).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digest("md5", &["hello"]).unwrap(),
            "5d41402abc4b2a76b9719d911017c592"
        );
        assert_eq!(
            digest("hmac_sha256", &["secret-key", "hello"]).unwrap(),
            "98e7ffb964bb5a3f902db1fc101a5baa98b6f2cd56858210c9d70f26ac762fc7"
        );
        // RFC 4231 test case 2.
        assert_eq!(
            digest("hmac_sha256", &["Jefe", "what do ya want for nothing?"]).unwrap(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(digest("sha256", &["a", "b"]), None);
        assert_eq!(arity("hmac_sha256"), Some(2));
    }
}
