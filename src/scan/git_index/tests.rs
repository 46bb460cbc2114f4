//! The streaming reader against indexes git writes (with `gix_index` as
//! the oracle) and against hand-made broken ones.

use super::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Entries as (path, mode).
type Entries = Vec<(Vec<u8>, u32)>;

/// The paths and modes the streaming reader hands on.
fn streamed(bytes: &[u8]) -> Result<(Entries, Rest), String> {
    let mut out = Vec::new();
    let (rest, _) = read_entries(bytes, bytes.len() as u64, |path, mode| {
        out.push((path.to_vec(), mode))
    })?;
    Ok((out, rest))
}

/// What `gix_index` reads from the same file.
fn decoded(index: &Path) -> Entries {
    let file = gix_index::File::at(
        index,
        gix_hash::Kind::Sha1,
        false,
        gix_index::decode::Options::default(),
    )
    .unwrap();
    file.entries()
        .iter()
        .map(|e| (e.path(&file).to_vec(), e.mode.bits()))
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// A work tree whose index lists files in nested folders, a link, an
/// executable and names that share long prefixes (what version 4
/// compresses).
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut names: Vec<String> = vec!["README.md".into(), "a b/ü.py".into()];
    for i in 0..40 {
        names.push(format!("services/model-{}/src/train_{i}.py", i % 7));
    }
    names.push(format!("deep/{}/f.py", "long-folder-name/".repeat(20)));
    for name in &names {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, name).unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("README.md", root.join("link")).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    dir
}

fn index_of(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join(".git").join("index")
}

#[test]
fn every_version_git_writes_reads_as_gix_index_decodes_it() {
    let dir = checkout();
    let index = index_of(&dir);
    // git writes version 3 only when an entry needs it (see below).
    for version in ["2", "4"] {
        git(dir.path(), &["update-index", "--index-version", version]);
        let bytes = std::fs::read(&index).unwrap();
        assert_eq!(
            u32::from_be_bytes(bytes[4..8].try_into().unwrap()).to_string(),
            version
        );
        let (entries, rest) = streamed(&bytes).unwrap();
        assert_eq!(rest, Rest::Nothing);
        assert_eq!(entries, decoded(&index), "version {version}");
        assert_eq!(entries.len(), 44);
        let files = entries
            .iter()
            .filter(|(_, mode)| names_a_file(*mode))
            .count();
        assert_eq!(files, 44);
    }
}

#[test]
fn extended_flags_are_read_past() {
    // Skip-worktree sets an extended flag, which makes git write version 3.
    let dir = checkout();
    git(
        dir.path(),
        &["update-index", "--skip-worktree", "README.md"],
    );
    git(dir.path(), &["add", "-N", "--", "."]);
    let index = index_of(&dir);
    let bytes = std::fs::read(&index).unwrap();
    assert_eq!(bytes[7], 3);
    let (entries, _) = streamed(&bytes).unwrap();
    assert_eq!(entries, decoded(&index));
}

#[test]
fn a_split_index_is_reported_for_the_shared_entries() {
    let dir = checkout();
    git(dir.path(), &["update-index", "--split-index"]);
    let bytes = std::fs::read(index_of(&dir)).unwrap();
    let (_, rest) = streamed(&bytes).unwrap();
    assert_eq!(rest, Rest::SharedIndex);
}

#[test]
fn submodules_and_sparse_directories_name_no_file() {
    assert!(names_a_file(0o100644));
    assert!(names_a_file(0o100755));
    assert!(names_a_file(0o120000));
    assert!(!names_a_file(0o160000));
    assert!(!names_a_file(0o040000));
}

/// An index of `entries` (path, extended flags) as git lays it out, with
/// its checksum.
fn made(version: u32, entries: &[(&[u8], Option<u16>)]) -> Vec<u8> {
    let mut out = b"DIRC".to_vec();
    out.extend(version.to_be_bytes());
    out.extend((entries.len() as u32).to_be_bytes());
    let mut previous: &[u8] = b"";
    for (path, extended) in entries {
        let start = out.len();
        out.extend([0u8; 24]);
        out.extend(0o100644u32.to_be_bytes());
        out.extend([0u8; 12 + 20]);
        let name = path.len().min(usize::from(NAME_MASK)) as u16;
        let flags = name | if extended.is_some() { EXTENDED } else { 0 };
        out.extend(flags.to_be_bytes());
        if let Some(ext) = extended {
            out.extend(ext.to_be_bytes());
        }
        if version == 4 {
            let common = previous
                .iter()
                .zip(*path)
                .take_while(|(a, b)| a == b)
                .count();
            out.push((previous.len() - common) as u8);
            out.extend(&path[common..]);
            out.push(0);
        } else {
            out.extend(*path);
            let used = out.len() - start;
            out.extend(vec![0u8; (used + 8) / 8 * 8 - used]);
        }
        previous = path;
    }
    with_checksum(out)
}

fn with_checksum(mut out: Vec<u8>) -> Vec<u8> {
    let mut hasher = gix_hash::hasher(gix_hash::Kind::Sha1);
    hasher.update(&out);
    out.extend(hasher.try_finalize().unwrap().as_bytes());
    out
}

fn paths(bytes: &[u8]) -> Vec<Vec<u8>> {
    streamed(bytes)
        .unwrap()
        .0
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn a_name_of_4095_bytes_or_more_ends_at_its_nul_and_is_padded() {
    let long = vec![b'x'; 5000];
    let bytes = made(2, &[(&long, None), (b"z.py", None)]);
    assert_eq!(paths(&bytes), [long.clone(), b"z.py".to_vec()]);
    for version in [3, 4] {
        let bytes = made(version, &[(b"a/b.py", Some(0x4000)), (b"a/c.py", None)]);
        assert_eq!(paths(&bytes), [b"a/b.py".to_vec(), b"a/c.py".to_vec()]);
    }
}

#[test]
fn a_checksum_git_did_not_write_is_not_checked() {
    let mut bytes = made(2, &[(b"a.py", None)]);
    let at = bytes.len() - 20;
    bytes[at..].fill(0);
    assert_eq!(paths(&bytes), [b"a.py".to_vec()]);
}

#[test]
fn broken_indexes_are_errors_that_say_what_is_wrong() {
    let good = made(2, &[(b"a.py", None), (b"b.py", None)]);
    let error = |bytes: &[u8]| streamed(bytes).unwrap_err();
    assert!(error(&good[..good.len() - 1]).contains("cut short"));
    // A file that shrinks while it is read.
    let shrunk = read_entries(&good[..100], good.len() as u64, |_, _| {}).unwrap_err();
    assert_eq!(shrunk, "entry 2 of 2: the index ends early");
    assert!(error(&good[..30]).contains("too short"));
    assert!(error(b"DIRC").contains("too short"));
    let mut flipped = good.clone();
    flipped[70] ^= 1;
    assert_eq!(error(&flipped), "checksum mismatch");
    let mut signature = good.clone();
    signature[0] = b'X';
    assert!(error(&with_checksum(signature[..signature.len() - 20].to_vec())).contains("DIRC"));
    let mut version = good[..good.len() - 20].to_vec();
    version[7] = 5;
    assert!(error(&with_checksum(version)).contains("version 5"));
    let mut count = good[..good.len() - 20].to_vec();
    count[11] = 200;
    assert!(error(&with_checksum(count)).contains("cannot fit"));
    let unknown = made(3, &[(b"a.py", Some(0x0001))]);
    assert!(error(&unknown).contains("entry 1 of 1: unknown extended flags"));
    // A version 4 entry cannot remove more than the previous path holds.
    let mut strip = made(4, &[(b"a.py", None), (b"b.py", None)]);
    strip.truncate(strip.len() - 20);
    let second = 12 + (FIXED + 1 + 4 + 1) + FIXED;
    assert_eq!(strip[second], 4);
    strip[second] = 9;
    assert!(error(&with_checksum(strip)).contains("entry 2 of 2: removes more"));
    // A path with no end is not buffered past the limit.
    let endless = made(2, &[(&vec![b'x'; MAX_PATH + 10], None)]);
    assert_eq!(error(&endless), "entry 1 of 1: a path longer than 64 KiB");
}

#[test]
fn extensions_are_skipped_and_must_fit() {
    let mut body = made(2, &[(b"a.py", None)]);
    body.truncate(body.len() - 20);
    let mut tree = body.clone();
    tree.extend(b"TREE");
    tree.extend(3u32.to_be_bytes());
    tree.extend(b"abc");
    assert_eq!(paths(&with_checksum(tree.clone())), [b"a.py".to_vec()]);
    let mut long = body.clone();
    long.extend(b"TREE");
    long.extend(99u32.to_be_bytes());
    long.extend(b"abc");
    assert!(streamed(&with_checksum(long))
        .unwrap_err()
        .contains("runs past the end"));
}

#[test]
fn the_tracked_list_is_the_same_whatever_the_index_layout() {
    use crate::scan::tracked::tracked_files;
    let dir = checkout();
    let listed = |dir: &tempfile::TempDir| {
        tracked_files(dir.path())
            .unwrap()
            .unwrap()
            .hidden(&globset::GlobSet::empty())
            .unwrap()
    };
    let plain = listed(&dir);
    assert_eq!(plain.len(), 44);
    assert!(plain.windows(2).all(|w| w[0] < w[1]));
    git(dir.path(), &["update-index", "--index-version", "4"]);
    assert_eq!(listed(&dir), plain);
    // A split index: most entries are in the shared index file.
    git(dir.path(), &["update-index", "--split-index"]);
    std::fs::write(dir.path().join("new.py"), "x").unwrap();
    git(dir.path(), &["add", "new.py"]);
    let split = listed(&dir);
    assert_eq!(split.len(), 45);
    assert!(split.contains(&"new.py".to_string()));
    assert!(plain.iter().all(|p| split.contains(p)));
}

#[test]
fn an_index_that_changes_between_readings_lists_nothing_and_says_so() {
    use crate::scan::tracked::tracked_files;
    let dir = checkout();
    let tracked = tracked_files(dir.path()).unwrap().unwrap();
    std::fs::write(dir.path().join("new.py"), "x").unwrap();
    git(dir.path(), &["add", "new.py"]);
    let error = tracked.hidden(&globset::GlobSet::empty()).unwrap_err();
    assert!(error.contains("changed during the scan"), "{error}");
    std::fs::remove_file(index_of(&dir)).unwrap();
    assert!(tracked.hidden(&globset::GlobSet::empty()).is_err());
}

#[test]
fn when_the_walk_reached_every_tracked_file_the_index_is_not_read_again() {
    use crate::scan::tracked::tracked_files;
    let dir = checkout();
    let tracked = tracked_files(dir.path()).unwrap().unwrap();
    let bytes = std::fs::read(index_of(&dir)).unwrap();
    for (path, _) in streamed(&bytes).unwrap().0 {
        tracked.mark_reached(&String::from_utf8_lossy(&path));
    }
    std::fs::remove_file(index_of(&dir)).unwrap();
    assert_eq!(tracked.hidden(&globset::GlobSet::empty()), Ok(Vec::new()));
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_put_in_place_of_the_index_is_refused_without_blocking() {
    use crate::scan::tracked::tracked_files;
    let dir = checkout();
    let tracked = tracked_files(dir.path()).unwrap().unwrap();
    let index = index_of(&dir);
    std::fs::remove_file(&index).unwrap();
    let fifo = std::ffi::CString::new(index.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let error = tracked.hidden(&globset::GlobSet::empty()).unwrap_err();
    assert!(error.contains("not a regular file"), "{error}");
    assert!(tracked_files(dir.path()).is_err());
    std::fs::remove_file(&index).unwrap();
    std::os::unix::fs::symlink(dir.path().join("README.md"), &index).unwrap();
    assert!(tracked.hidden(&globset::GlobSet::empty()).is_err());
}
