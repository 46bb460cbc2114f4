//! Tests of the partition: own and shared evidence, read-back passes and outcome keys.

use super::*;

/// A detected project in folder `name`.
fn detected(name: &str) -> crate::projects::Project {
    crate::projects::Project {
        name: name.to_owned(),
        folders: vec![name.to_owned()],
        origin: crate::projects::Origin::Detected,
    }
}

#[test]
fn outcome_keys_hold_the_kinds_of_hit_and_the_unreadable_probes_only() {
    use crate::rubric::model::Strength;
    let names = ["a", "b", "c", "d", "e"];
    let layout = Layout {
        projects: names.map(detected).to_vec(),
        other_work: Vec::new(),
    };
    let mut index = EvidenceIndex {
        hits: vec![Vec::new(); 2],
        unknown: vec![Vec::new(); 2],
        ..EvidenceIndex::default()
    };
    let hit = |path: &str, line, strength| Evidence::new(path, line, "x".into(), strength);
    // `a` and `b`: the same kinds in other files, on other lines, one
    // of them twice; `c`: a weaker hit; `d`: nothing own; `e`: `a`'s
    // kinds and a file it could not read.
    for (path, line, strength) in [
        ("a/train.py", 3, Strength::Strong),
        ("a/serve.py", 9, Strength::Weak),
        ("b/fit.py", 40, Strength::Weak),
        ("b/model.py", 1, Strength::Strong),
        ("b/model2.py", 7, Strength::Strong),
        ("c/train.py", 3, Strength::Medium),
        ("e/train.py", 3, Strength::Strong),
        ("e/serve.py", 9, Strength::Weak),
    ] {
        index
            .pending
            .push_file(vec![(0, hit(path, line, strength))]);
    }
    index
        .pending
        .push_file(vec![(1, hit("lib/x.py", 1, Strength::Weak))]);
    index.unknown[1].push("e/ci.yml: cannot be parsed".to_owned());
    let partition = Partition::new(&mut index, &layout, &|_| None).expect("reads back");
    let keys: Vec<OutcomeKey> = (0..names.len())
        .map(|p| partition.outcome_key(&index, p).expect("probes fit"))
        .collect();
    assert_eq!(keys[0], keys[1], "paths, lines and counts are left out");
    assert_ne!(keys[0], keys[2], "a strength is a kind");
    assert_ne!(keys[0], keys[3]);
    assert_ne!(keys[0], keys[4], "a file the probe could not read");
    // The shared library's hit is in every key.
    let shared = 1 << MARK_BITS | kind_bit(&hit("lib/x.py", 1, Strength::Weak));
    assert!(keys[..4].iter().all(|k| k.0.contains(&shared)));
    assert_eq!(keys[4].0[1], shared | UNREADABLE);
    // Every kind has its own mark, below the unreadable one.
    let mut marks = Vec::new();
    for class in [Class::Prod, Class::Test, Class::Example, Class::Notebook] {
        for strength in [Strength::Weak, Strength::Medium, Strength::Strong] {
            let mut kind = hit("a.py", 1, strength);
            kind.class = class;
            marks.push(kind_bit(&kind));
        }
    }
    marks.sort_unstable();
    marks.dedup();
    assert_eq!(marks.len(), 12);
    assert!(marks.iter().all(|&m| m < UNREADABLE));
}

#[test]
fn own_evidence_is_classed_inside_the_project() {
    let hit = Evidence::new(
        "examples/churn/train.py",
        3,
        "x".into(),
        crate::rubric::model::Strength::Strong,
    );
    assert_eq!(hit.class, Class::Example);
    assert_eq!(
        reclassed(hit.clone(), "examples/churn".len()).class,
        Class::Prod
    );
    let mut promoted = Evidence::new(
        "examples/churn/run.ipynb",
        1,
        "x".into(),
        crate::rubric::model::Strength::Strong,
    );
    promoted.class = Class::Prod;
    assert_eq!(
        reclassed(promoted.clone(), "examples/churn".len()).class,
        Class::Prod
    );
}

#[test]
fn outcomes_keep_one_shared_hit_of_each_kind_and_every_own_one_in_full() {
    use crate::rubric::model::Strength;
    let layout = Layout {
        projects: vec![detected("a"), detected("b")],
        other_work: Vec::new(),
    };
    let hit = |path: &str, line: u32, strength| Evidence::new(path, line, String::new(), strength);
    let index = EvidenceIndex {
        hits: vec![vec![
            hit("a/train.py", 1, Strength::Weak),
            hit("b/train.py", 1, Strength::Strong),
            hit("docs/one.md", 1, Strength::Weak),
            hit("docs/two.md", 1, Strength::Weak),
            hit("lib/serve.py", 4, Strength::Weak),
            hit("lib/serve.py", 9, Strength::Strong),
        ]],
        unknown: vec![vec!["x.yaml: bad".to_owned(), "y.yaml: bad".to_owned()]],
        ..EvidenceIndex::default()
    };
    let mut index = index;
    let partition = Partition::new(&mut index, &layout, &|_| None).expect("reads back");
    let paths = |detail| {
        let scoped = partition.scoped(&index, 0, detail);
        let hits: Vec<(String, u32)> = scoped.hits[0]
            .iter()
            .map(|e| (e.path.to_string(), e.line))
            .collect();
        (hits, scoped.unknown[0].len())
    };
    let (full, unknown) = paths(Detail::Full);
    assert_eq!(full.len(), 5, "{full:?}");
    assert!(!full.iter().any(|(p, _)| p.starts_with("b/")));
    assert_eq!(unknown, 2);
    // Its own weak line stands for the library's weak one; the strong
    // library line is another kind (a check that wants strong evidence
    // must still find it), and one weak doc stands for both.
    let (outcomes, unknown) = paths(Detail::Outcomes);
    let kinds: Vec<(&str, u32)> = outcomes.iter().map(|(p, l)| (p.as_str(), *l)).collect();
    assert_eq!(
        kinds,
        [("a/train.py", 1), ("docs/one.md", 1), ("lib/serve.py", 9)]
    );
    assert_eq!(unknown, 1);
}

#[test]
fn own_hits_read_back_a_few_projects_at_a_time_are_all_of_them() {
    use crate::rubric::model::Strength;
    let layout = Layout {
        projects: ["a", "examples/b", "c", "d"].map(detected).to_vec(),
        other_work: vec!["lab".to_owned()],
    };
    let mut index = EvidenceIndex {
        hits: vec![Vec::new(); 3],
        unknown: vec![Vec::new(); 3],
        ..EvidenceIndex::default()
    };
    let hit = |path: &str, line| Evidence::new(path, line, "x".into(), Strength::Strong);
    for i in 0..20u32 {
        for folder in ["c", "a", "lab", "lib", "examples/b"] {
            let path = format!("{folder}/m{i}.py");
            let hits = vec![
                (0, hit(&path, 1)),
                (1, hit(&path, 1)),
                (2, hit(&path, i + 2)),
            ];
            index.pending.push_file(hits);
        }
    }
    let mut by_project: Vec<Vec<Vec<Vec<Evidence>>>> = Vec::new();
    // Passes that skip other projects' files by the owners `new`
    // recorded read back what passes that look every folder up do.
    for (pass_hits, owners_known) in [(usize::MAX, true), (1, true), (7, true), (1, false)] {
        let mut copy = index.clone();
        let mut partition = Partition::new(&mut copy, &layout, &|_| None).expect("reads");
        assert_eq!(partition.block_owners.len(), 100, "one per file offered");
        if !owners_known {
            partition.block_owners.clear();
        }
        partition.pass_hits = pass_hits;
        partition.prepare(&copy, 0..1);
        let mut seen = vec![Vec::new(); 4];
        for p in [2, 0, 3, 1] {
            seen[p] = partition.scoped(&copy, p, Detail::Full).hits;
        }
        by_project.push(seen);
    }
    assert!(by_project.iter().all(|seen| *seen == by_project[0]));
    let a = &by_project[0][0];
    // Its own 20 files and the 20 of the shared library, none of `c`,
    // of the other work in `lab` or of `b`.
    assert_eq!(a[0].len(), 40);
    assert_eq!(a[2].len(), 40);
    assert!(a[0]
        .iter()
        .all(|e| e.path.starts_with("a/") || e.path.starts_with("lib/")));
    // A project under `examples/` is production code to itself.
    let b = &by_project[0][1];
    assert!(b[0]
        .iter()
        .all(|e| !e.path.starts_with("examples/b/") || e.class == Class::Prod));
    assert_eq!(b[0].len(), 40);
    assert_eq!(by_project[0][3][0].len(), 20, "`d` has only the library");
}
