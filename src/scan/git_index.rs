//! The entries of a git index file (`.git/index`), read as a stream.
//!
//! The index of a checkout of a million files is about 100 MB. Decoding it
//! whole (as `gix_index` does) holds every entry's stat data, object id and
//! path at once: about 190 MB at a million files, more than the rest of the
//! scan. The scan needs each entry's path and mode, once, in order, so this
//! reads one entry at a time through a small buffer and hands it on.
//!
//! The format is git's `Documentation/gitformat-index.txt`: versions 2, 3
//! and 4 (prefix-compressed paths), SHA-1 object ids. The trailing checksum
//! is verified unless git wrote it as zeros (`index.skipHash`). Extensions
//! are skipped, except that a split index (`link`) is reported: its other
//! entries live in a shared index file, which the caller reads with
//! `gix_index`, which merges the two.

use std::io::{BufRead, BufReader, Read};

/// Bytes of an entry before its path: times, stat data, a SHA-1 id, flags.
const FIXED: usize = 8 + 8 + 6 * 4 + 20 + 2;

/// The longest path accepted (git's own limit is the system's, 4 KiB on
/// Linux): a corrupt entry cannot make the reader buffer the whole file.
const MAX_PATH: usize = 64 << 10;

/// Flags of an entry on disk.
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// The extended flags git defines (skip-worktree, intent-to-add).
const KNOWN_EXTENDED: u16 = 0x6000;

/// Whether an entry of this mode is a file of the checkout: not a
/// submodule (another repository) nor a sparse index's directory. The mode
/// is read as `gix_index` reads it, keeping only the bits of the modes git
/// writes.
pub fn names_a_file(mode: u32) -> bool {
    const DIR: u32 = 0o040000;
    const COMMIT: u32 = 0o160000;
    const KNOWN: u32 = DIR | 0o100644 | 0o100755 | 0o120000 | COMMIT;
    !matches!(mode & KNOWN, DIR | COMMIT)
}

/// What the index holds besides the entries already handed on.
#[derive(Debug, PartialEq, Eq)]
pub enum Rest {
    /// Nothing more: the entries were all of them.
    Nothing,
    /// A split index: more entries are in the shared index file.
    SharedIndex,
}

/// Reads the index from `input` (`len` bytes in all), calling `each` with
/// every entry's path and mode in the order the file lists them. Returns
/// what else the index holds and the SHA-1 of its bytes (what a second
/// reading must find again).
pub fn read_entries(
    input: impl Read,
    len: u64,
    mut each: impl FnMut(&[u8], u32),
) -> Result<(Rest, [u8; 20]), String> {
    let mut stream = Stream {
        input: BufReader::with_capacity(64 << 10, input),
        hasher: gix_hash::hasher(gix_hash::Kind::Sha1),
        read: 0,
    };
    let body = len
        .checked_sub(20)
        .filter(|&body| body >= 12)
        .ok_or("too short for a git index")?;
    let mut header = [0u8; 12];
    stream.exact(&mut header)?;
    if &header[..4] != b"DIRC" {
        return Err("not a git index (no DIRC signature)".into());
    }
    let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if !(2..=4).contains(&version) {
        return Err(format!("index version {version} is not 2, 3 or 4"));
    }
    let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    // Every entry takes 64 bytes at least.
    if u64::from(count) > (body - 12) / 64 {
        return Err(format!("{count} entries cannot fit in {len} bytes"));
    }
    let mut path = Vec::new();
    for n in 1..=count {
        let mode = read_entry(&mut stream, version, &mut path)
            .map_err(|e| format!("entry {n} of {count}: {e}"))?;
        each(&path, mode);
    }
    if stream.read > body {
        return Err("the entries run into the checksum: the index is cut short".into());
    }
    let mut rest = Rest::Nothing;
    while stream.read < body {
        let mut head = [0u8; 8];
        stream.exact(&mut head)?;
        let size = u64::from(u32::from_be_bytes([head[4], head[5], head[6], head[7]]));
        if size > body - stream.read {
            return Err(format!(
                "extension {} runs past the end of the index",
                String::from_utf8_lossy(&head[..4]).escape_debug()
            ));
        }
        if &head[..4] == b"link" {
            rest = Rest::SharedIndex;
        }
        stream.skip(size)?;
    }
    // The checksum is not part of what it sums.
    let Stream {
        mut input, hasher, ..
    } = stream;
    let mut stored = [0u8; 20];
    input
        .read_exact(&mut stored)
        .map_err(|_| "the index ends before its checksum")?;
    let computed = hasher.try_finalize().map_err(|e| e.to_string())?;
    if stored != [0; 20] && computed.as_bytes() != stored {
        return Err("checksum mismatch".into());
    }
    let mut sha1 = [0u8; 20];
    sha1.copy_from_slice(computed.as_bytes());
    Ok((rest, sha1))
}

/// One entry: its path into `path` (which holds the previous entry's, the
/// base of a version 4 path), and its mode returned.
fn read_entry<R: Read>(
    stream: &mut Stream<R>,
    version: u32,
    path: &mut Vec<u8>,
) -> Result<u32, String> {
    let mut fixed = [0u8; FIXED];
    stream.exact(&mut fixed)?;
    let mode = u32::from_be_bytes([fixed[24], fixed[25], fixed[26], fixed[27]]);
    let flags = u16::from_be_bytes([fixed[FIXED - 2], fixed[FIXED - 1]]);
    let mut before_path = FIXED;
    if flags & EXTENDED != 0 {
        let mut extended = [0u8; 2];
        stream.exact(&mut extended)?;
        if u16::from_be_bytes(extended) & !KNOWN_EXTENDED != 0 {
            return Err("unknown extended flags".into());
        }
        before_path += 2;
    }
    if version == 4 {
        // The path is the previous one less its last `strip` bytes, then
        // the bytes up to a NUL.
        let strip = stream.varint()?;
        let keep = usize::try_from(strip)
            .ok()
            .and_then(|strip| path.len().checked_sub(strip))
            .ok_or("removes more of the previous path than it has")?;
        path.truncate(keep);
        stream.until_nul(path)?;
        return Ok(mode);
    }
    path.clear();
    let name_len = usize::from(flags & NAME_MASK);
    if name_len < usize::from(NAME_MASK) {
        path.resize(name_len, 0);
        stream.exact(path)?;
        // NULs pad the entry to a multiple of 8 bytes, one at least.
        let padding = (before_path + name_len + 8) / 8 * 8 - before_path - name_len;
        stream.skip(padding as u64)?;
    } else {
        // A long name: its length is where the NUL is.
        stream.until_nul(path)?;
        let padding = (before_path + path.len() + 8) / 8 * 8 - before_path - path.len();
        stream.skip(padding as u64 - 1)?;
    }
    Ok(mode)
}

/// The index's bytes in order, each one hashed as it is taken.
struct Stream<R> {
    input: BufReader<R>,
    hasher: gix_hash::Hasher,
    /// Bytes taken so far.
    read: u64,
}

impl<R: Read> Stream<R> {
    fn exact(&mut self, out: &mut [u8]) -> Result<(), String> {
        self.input
            .read_exact(out)
            .map_err(|_| "the index ends early")?;
        self.hasher.update(out);
        self.read += out.len() as u64;
        Ok(())
    }

    fn skip(&mut self, mut n: u64) -> Result<(), String> {
        let mut chunk = [0u8; 4096];
        while n > 0 {
            let take = n.min(chunk.len() as u64) as usize;
            self.exact(&mut chunk[..take])?;
            n -= take as u64;
        }
        Ok(())
    }

    /// Appends the bytes up to the next NUL (taken, not appended).
    fn until_nul(&mut self, path: &mut Vec<u8>) -> Result<(), String> {
        loop {
            let buffered = self.input.fill_buf().map_err(|e| e.to_string())?;
            if buffered.is_empty() {
                return Err("the index ends early".into());
            }
            let (found, take) = match memchr::memchr(0, buffered) {
                Some(i) => (true, i + 1),
                None => (false, buffered.len()),
            };
            let text = &buffered[..take - usize::from(found)];
            if path.len() + text.len() > MAX_PATH {
                return Err(format!("a path longer than {} KiB", MAX_PATH >> 10));
            }
            path.extend_from_slice(text);
            self.hasher.update(&buffered[..take]);
            self.read += take as u64;
            self.input.consume(take);
            if found {
                return Ok(());
            }
        }
    }

    /// git's variable-length integer (`decode_varint`): seven bits a byte,
    /// most significant first, each continuation adding one.
    fn varint(&mut self) -> Result<u64, String> {
        let mut byte = [0u8; 1];
        self.exact(&mut byte)?;
        let mut value = u64::from(byte[0] & 0x7f);
        while byte[0] & 0x80 != 0 {
            self.exact(&mut byte)?;
            value = value
                .checked_add(1)
                .filter(|v| v.leading_zeros() >= 7)
                .map(|v| (v << 7) | u64::from(byte[0] & 0x7f))
                .ok_or("a path length overflows")?;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests;
