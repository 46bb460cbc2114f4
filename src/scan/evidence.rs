//! A hit: the place in the repository that supports a finding, and the
//! short quote shown with it.
//!
//! A large tree holds hundreds of thousands of hits until it is scored, so
//! their texts are shared behind thin pointers: a file's hits hold one copy
//! of its path, and equal snippets one copy each. Snippets repeat: the same
//! import, call or key in many files (on the composite real tree of the
//! benchmark, 4,021 hits quote 585 distinct snippets).

use crate::rubric::model::{Class, Strength};
use arcstr::ArcStr;
use serde::Serialize;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

/// A place in the repository that supports a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    pub path: ArcStr,
    pub line: u32,
    pub snippet: ArcStr,
    /// Where the file lives: production, tests, or examples/docs/notebooks.
    pub class: Class,
    /// How much the hit says on its own (from the rule's primitive).
    pub strength: Strength,
}

impl Evidence {
    pub fn new(path: &str, line: u32, snippet: String, strength: Strength) -> Evidence {
        Evidence {
            path: ArcStr::from(path),
            line,
            snippet: shared(snippet),
            class: Class::of(path),
            strength,
        }
    }

    /// The hit of a probe that asks only whether a file exists.
    pub fn file_present(path: &str, strength: Strength) -> Evidence {
        Evidence {
            snippet: arcstr::literal!("file present"),
            ..Evidence::new(path, 1, String::new(), strength)
        }
    }
}

/// A short, single-line quote of the evidence.
pub fn snippet(line: &str) -> String {
    const MAX: usize = 80;
    let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let squeezed = crate::text::printable(&squeezed).into_owned();
    if squeezed.chars().count() <= MAX {
        return squeezed;
    }
    let mut out: String = squeezed.chars().take(MAX - 1).collect();
    out.push('…');
    out
}

/// Slots in each thread's table of recent snippets.
const RECENT_SLOTS: usize = 4096;

thread_local! {
    /// The snippets this thread made last, by hash: a slot holds the last
    /// one that hashed to it. Bounded (at most [`RECENT_SLOTS`] snippets of
    /// at most 80 characters) and lossy: a collision costs one more copy,
    /// never a wrong text (the slot's text is compared before it is shared).
    static RECENT: RefCell<Vec<Option<ArcStr>>> = RefCell::new(vec![None; RECENT_SLOTS]);
}

/// `snippet` behind a thin shared pointer: the copy made for an equal
/// snippet earlier on this thread when there is one.
pub(super) fn shared(snippet: String) -> ArcStr {
    if snippet.is_empty() {
        return ArcStr::new();
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    snippet.hash(&mut hasher);
    let slot = (hasher.finish() % RECENT_SLOTS as u64) as usize;
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        match &recent[slot] {
            Some(known) if known.as_str() == snippet => known.clone(),
            _ => {
                let made = ArcStr::from(snippet);
                recent[slot] = Some(made.clone());
                made
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_snippets_share_one_copy_and_keep_their_text() {
        let a = Evidence::new("a.py", 1, "import mlflow".into(), Strength::Strong);
        let b = Evidence::new("b.py", 9, "import mlflow".into(), Strength::Strong);
        assert!(ArcStr::ptr_eq(&a.snippet, &b.snippet));
        assert_eq!(b.snippet, "import mlflow");
        let c = Evidence::new("c.py", 2, "import wandb".into(), Strength::Strong);
        assert_eq!(c.snippet, "import wandb");
    }

    #[test]
    fn a_slot_taken_by_another_snippet_never_gives_a_wrong_text() {
        // More distinct snippets than slots: every slot is overwritten,
        // and each hit still quotes its own line.
        let hits: Vec<Evidence> = (0..RECENT_SLOTS * 2)
            .map(|i| Evidence::new("a.py", 1, format!("x = {i}"), Strength::Weak))
            .collect();
        for (i, hit) in hits.iter().enumerate() {
            assert_eq!(hit.snippet, format!("x = {i}").as_str());
        }
        let again = Evidence::new(
            "b.py",
            1,
            format!("x = {}", RECENT_SLOTS * 2 - 1),
            Strength::Weak,
        );
        assert_eq!(again.snippet, hits.last().unwrap().snippet);
    }

    #[test]
    fn snippets_are_single_line_and_bounded() {
        assert_eq!(snippet("  a   b\tc "), "a b c");
        let long = "é".repeat(200);
        let s = snippet(&long);
        assert_eq!(s.chars().count(), 80);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn evidence_orders_and_serializes_by_text() {
        let a = Evidence::new("a/b.py", 3, "z".into(), Strength::Medium);
        let b = Evidence::new("a/b.py", 3, "zz".into(), Strength::Medium);
        let c = Evidence::new("a/c.py", 1, "a".into(), Strength::Medium);
        assert!(a < b && b < c);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["path"], "a/b.py");
        assert_eq!(json["snippet"], "z");
        let present = Evidence::file_present("dvc.yaml", Strength::Strong);
        assert_eq!((present.line, &*present.snippet), (1, "file present"));
    }
}
