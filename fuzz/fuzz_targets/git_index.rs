//! The streaming reader of git's index file (`scan::git_index`): never a
//! panic nor a hang, and wherever gix_index decodes the same bytes, the
//! same entries in the same order, each a file
//! or not alike. The input gets a valid checksum, so
//! the fuzzer explores the entries and extensions rather than SHA-1.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readiness::scan::git_index::{names_a_file, read_entries};

fuzz_target!(|data: &[u8]| {
    let mut hasher = gix_hash::hasher(gix_hash::Kind::Sha1);
    hasher.update(data);
    let mut index = data.to_vec();
    index.extend(hasher.try_finalize().unwrap().as_bytes());
    let mut ours = Vec::new();
    let streamed = read_entries(&index[..], index.len() as u64, |path, mode| {
        assert!(path.len() <= 64 << 10);
        ours.push((path.to_vec(), names_a_file(mode)));
    });
    let decoded = gix_index::State::from_bytes(
        &index,
        filetime::FileTime::zero(),
        gix_hash::Kind::Sha1,
        gix_index::decode::Options::default(),
    );
    // gix_index reads a name of 4,095 bytes or more without its padding,
    // and may split the entries at offsets an extension gives: no oracle
    // for those.
    let comparable = !ours.iter().any(|(path, _)| path.len() >= 0xfff)
        && !data.windows(4).any(|w| w == b"EOIE" || w == b"IEOT");
    if let (Ok(_), Ok((state, _)), true) = (&streamed, &decoded, comparable) {
        // gix_index keeps only the mode bits of the modes git writes.
        let theirs: Vec<(Vec<u8>, bool)> = state
            .entries()
            .iter()
            .map(|e| (e.path(state).to_vec(), names_a_file(e.mode.bits())))
            .collect();
        assert_eq!(ours, theirs);
    }
});
