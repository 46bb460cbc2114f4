//! Which Python names a file's text holds, found in one pass over its
//! identifiers: the test that decides whether a file is worth parsing for a
//! `python` rule.
//!
//! A name a rule spells out whole (`register_model`, a keyword argument)
//! can only be called or passed as a whole identifier, so the text is cut
//! into identifiers and each is compared with the names of its first byte
//! and length. A substring test would also pass `run` in `running`, `log`
//! in `logging` and `fit` in `profit`, and send most files of a real
//! repository to the parser for nothing. A name a pattern only partly
//! spells (`*Deploy*`) is searched as a substring.

use memchr::memmem::Finder;
use std::collections::HashMap;

/// A set of names, each with an id, and the test of which occur in a text.
#[derive(Default)]
pub struct Names {
    ids: HashMap<(String, bool), usize>,
    /// Whole names by first byte: (name, id).
    whole: Vec<Vec<(Box<[u8]>, usize)>>,
    /// Per first byte, a bit per name length (lengths of 63 and more share
    /// the last bit): most identifiers are rejected with one test.
    lengths: Vec<u64>,
    partial: Vec<(Finder<'static>, usize)>,
    /// All the partial names in one packed (SIMD) searcher, built on first
    /// use when there are several: one pass over a text instead of one per
    /// name. `None`: each name is searched for in turn.
    partial_together: std::sync::OnceLock<Option<aho_corasick::packed::Searcher>>,
}

/// At most this many partial names go into one packed searcher (its limit).
const PACKED_LIMIT: usize = 64;

/// Bytes that continue a Python identifier: ASCII letters, digits and `_`,
/// and every byte of a non-ASCII character (Python allows Unicode letters,
/// so `logé` is one identifier, not `log`).
pub(super) fn is_identifier_byte(b: u8) -> bool {
    IDENTIFIER[usize::from(b)]
}

/// [`is_identifier_byte`] as a table: the scan loop is one load per byte.
static IDENTIFIER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80;
        b += 1;
    }
    table
};

fn length_bit(len: usize) -> u64 {
    1u64 << len.min(63)
}

impl Names {
    /// The id of `name`, added when new. `whole` says the name must be a
    /// whole identifier; otherwise any occurrence counts. A name that is
    /// not an identifier is always searched as a substring.
    pub fn id(&mut self, name: &str, whole: bool) -> usize {
        let whole = whole && !name.is_empty() && name.bytes().all(is_identifier_byte);
        let next = self.ids.len();
        let id = *self.ids.entry((name.to_owned(), whole)).or_insert(next);
        if id != next {
            return id;
        }
        if whole {
            if self.whole.is_empty() {
                self.whole = vec![Vec::new(); 256];
                self.lengths = vec![0; 256];
            }
            let first = usize::from(name.as_bytes()[0]);
            self.whole[first].push((name.as_bytes().into(), id));
            self.lengths[first] |= length_bit(name.len());
        } else {
            self.partial
                .push((Finder::new(name.as_bytes()).into_owned(), id));
        }
        id
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Marks the partial names that occur in `bytes`.
    fn mark_partial(&self, bytes: &[u8], present: &mut [bool]) {
        let together = self.partial_together.get_or_init(|| {
            let usable = (2..=PACKED_LIMIT).contains(&self.partial.len())
                && self.partial.iter().all(|(f, _)| !f.needle().is_empty());
            usable.then(|| {
                let mut builder = aho_corasick::packed::Config::new().builder();
                for (finder, _) in &self.partial {
                    builder.add(finder.needle());
                }
                builder.build()
            })?
        });
        let Some(searcher) = together else {
            for (finder, id) in &self.partial {
                present[*id] = finder.find(bytes).is_some();
            }
            return;
        };
        // The searcher reports one name per place, the first that starts
        // there: every name is tried wherever one starts, and the search
        // goes on from the next byte, so overlapping names count too.
        let (mut at, mut missing) = (0, self.partial.len());
        while missing > 0 {
            let Some(found) = searcher.find_in(bytes, aho_corasick::Span::from(at..bytes.len()))
            else {
                break;
            };
            let here = &bytes[found.start()..];
            for (finder, id) in &self.partial {
                if !present[*id] && here.starts_with(finder.needle()) {
                    present[*id] = true;
                    missing -= 1;
                }
            }
            at = found.start() + 1;
        }
    }

    /// Which names (by id) occur in `text`.
    pub fn present(&self, text: &str) -> Vec<bool> {
        let mut present = vec![false; self.len()];
        self.mark_partial(text.as_bytes(), &mut present);
        if self.whole.is_empty() {
            return present;
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        loop {
            while at < bytes.len() && !is_identifier_byte(bytes[at]) {
                at += 1;
            }
            let start = at;
            while at < bytes.len() && is_identifier_byte(bytes[at]) {
                at += 1;
            }
            if start == at {
                break;
            }
            let first = usize::from(bytes[start]);
            if self.lengths[first] & length_bit(at - start) == 0 {
                continue;
            }
            let word = &bytes[start..at];
            for (name, id) in &self.whole[first] {
                if **name == *word {
                    present[*id] = true;
                }
            }
        }
        present
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_name_counts_only_as_a_whole_identifier() {
        let mut names = Names::default();
        let run = names.id("run", true);
        let log_model = names.id("log_model", true);
        assert_eq!((run, log_model), (0, 1));
        assert_eq!(names.present("return running(x) # rerun"), [false, false]);
        assert_eq!(names.present("self.run()"), [true, false]);
        assert_eq!(
            names.present("mlflow.sklearn.log_model(m)\n"),
            [false, true]
        );
        // At the very start and end of the text, and beside punctuation.
        assert_eq!(names.present("run"), [true, false]);
        assert_eq!(names.present("(log_model,run)"), [true, true]);
    }

    #[test]
    fn non_ascii_letters_continue_an_identifier() {
        let mut names = Names::default();
        names.id("log", true);
        assert_eq!(names.present("logé = 1"), [false]);
        assert_eq!(names.present("élog = 1"), [false]);
        assert_eq!(names.present("é log = 1"), [true]);
    }

    #[test]
    fn a_partial_name_is_found_inside_identifiers() {
        let mut names = Names::default();
        names.id("Deploy", false);
        assert_eq!(names.present("step = ModelDeployStep()"), [true]);
        assert_eq!(names.present("deploy()"), [false]);
    }

    #[test]
    fn partial_names_searched_together_are_found_as_one_by_one() {
        let parts = [
            "Error",
            "rror",
            "Exception",
            "Exit",
            "Ex",
            "deploy",
            "Deploy",
            "é",
        ];
        let mut together = Names::default();
        for p in parts {
            together.id(p, false);
        }
        let pieces = [
            "Err", "or", "r", "Exc", "eption", "Exit", "E", "x", "deplo", "y", "De", "é", " ", "\n",
        ];
        let mut generated = super::super::generated::Generated::new(0x51ed_270b);
        for case in 0..2_000 {
            let text = generated.text(&pieces, 30);
            let one_by_one: Vec<bool> = parts.iter().map(|p| text.contains(p)).collect();
            assert_eq!(together.present(&text), one_by_one, "case {case}: {text:?}");
        }
        assert!(together.partial_together.get().is_some_and(Option::is_some));
    }

    #[test]
    fn a_name_that_is_not_an_identifier_is_a_substring() {
        let mut names = Names::default();
        names.id("a-b", true);
        assert_eq!(names.present("xa-by"), [true]);
    }

    #[test]
    fn each_name_and_kind_gets_one_id() {
        let mut names = Names::default();
        let whole = names.id("register", true);
        assert_eq!(names.id("register", true), whole);
        let longer = names.id("register_model", true);
        let partial = names.id("register", false);
        assert_eq!(names.len(), 3);
        assert_ne!(partial, whole);
        assert_ne!(longer, whole);
        assert_eq!(names.present("register_model()"), [false, true, true]);
        assert_eq!(names.present("x.register()"), [true, false, true]);
    }

    #[test]
    fn very_long_names_share_the_last_length_bit() {
        let long = "a".repeat(70);
        let mut names = Names::default();
        names.id(&long, true);
        assert_eq!(names.present(&"a".repeat(64)), [false]);
        assert_eq!(names.present(&format!("x = {long}")), [true]);
    }
}
