//! Tests of rubric loading: what loads, and every problem reported at once
//! with its position.

use super::*;

fn src(name: &str, text: &str) -> RubricSource {
    RubricSource {
        name: name.to_owned(),
        origin: name.to_owned(),
        text: text.to_owned(),
        trusted: false,
        parsed: None,
    }
}

#[test]
fn the_ascii_fast_path_finds_what_reading_every_character_finds() {
    let slow = |s: &str| s.chars().find(|&c| forbidden_in_text(c));
    for code in (0u32..0x3000).chain([0x202e, 0x2066, 0x2069, 0x061c, 0xfeff]) {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        for text in [c.to_string(), format!("plain text {c} more\n")] {
            assert_eq!(first_forbidden(&text), slow(&text), "U+{code:04X}");
        }
    }
    assert_eq!(first_forbidden("a\tb\nc"), None);
    assert_eq!(first_forbidden("a\u{1b}[2Jb"), Some('\u{1b}'));
    assert_eq!(first_forbidden("é\u{7f}"), Some('\u{7f}'));
}

#[test]
fn builtin_rubrics_pass_full_validation_when_not_trusted() {
    // Built-ins skip regex parsing at run time; this keeps that safe.
    let untrusted: Vec<RubricSource> = crate::rubric::builtin::sources()
        .into_iter()
        .map(|s| RubricSource {
            trusted: false,
            ..s
        })
        .collect();
    let full = load_catalog(&untrusted, &[]).unwrap();
    let fast = load_catalog(&crate::rubric::builtin::sources(), &[]).unwrap();
    assert_eq!(full.probes, fast.probes);
    for pattern in full.probes.iter().filter_map(|p| match p {
        Probe::Content { pattern, .. } => Some(pattern),
        Probe::Python(py) => py.guarded.as_ref(),
        _ => None,
    }) {
        assert!(
            crate::scan::content::compile_regex(pattern).is_ok(),
            "{pattern}"
        );
    }
}

const GOOD: &str = r#"
area: demo
title: Demo
version: "1.0.0"
checks:
  - id: DEMO-01
    title: Has a Dockerfile
    level: 1
    weight: 2
    why: Because.
    fix: Add one.
    evidence:
      any:
        - file: "**/Dockerfile"
        - content: { files: "**/*.py", pattern: 'import\s+docker' }
"#;

#[test]
fn a_good_rubric_loads_and_shares_probes() {
    let catalog = load_catalog(&[src("a.yaml", GOOD)], &[]).unwrap();
    assert_eq!(catalog.rubrics.len(), 1);
    let check = &catalog.rubrics[0].checks[0];
    assert_eq!(check.level, 1);
    assert_eq!(check.weight, 2);
    assert_eq!(catalog.probes.len(), 2);
    assert!(catalog.rubrics[0].digest.starts_with("sha256:"));
}

#[test]
fn a_check_that_reads_only_notebooks_accepts_them_unless_told_otherwise() {
    let rubric = |files: &str, from: &str| {
        format!(
                "area: nb\ntitle: Nb\nversion: \"1\"\nchecks:\n  - id: NB-01\n    title: t\n    level: 1\n    why: w\n    fix: f\n{from}    evidence: {{ content: {{ files: \"{files}\", pattern: seed }} }}\n"
            )
    };
    let accepts = |text: String| {
        let catalog = load_catalog(&[src("nb.yaml", &text)], &[]).unwrap();
        catalog.rubrics[0].checks[0]
            .accept
            .accepts(Class::Notebook, Strength::Medium)
    };
    assert!(accepts(rubric("**/*.ipynb", "")));
    assert!(accepts(rubric("{a,b}/*.ipynb", "")));
    assert!(!accepts(rubric("**/*.{py,ipynb}", "")));
    assert!(!accepts(rubric("**/*.py", "")));
    assert!(!accepts(rubric(
        "**/*.ipynb",
        "    evidence_from: [prod]\n"
    )));
    assert!(accepts(rubric(
        "**/*.py",
        "    evidence_from: [notebook]\n"
    )));
}

#[test]
fn every_problem_is_reported_at_once_with_positions() {
    let bad = r#"
area: demo
title: Demo
version: "1"
checks:
  - id: DEMO-01
    title: One
    level: 4
    why: w
    fix: f
    evidnce: {}
    evidence:
      content: { files: "**/*.py", pattern: '(unclosed' }
  - id: DEMO-01
    title: Two
    level: 1
    why: w
    fix: f
    evidence: { file: "a" }
"#;
    let err = load_catalog(&[src("bad.yaml", bad)], &[]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bad.yaml:8:12: bad level `4`"), "{text}");
    assert!(
        text.contains("bad.yaml:11:5: unknown key `evidnce`"),
        "{text}"
    );
    assert!(
        text.contains("bad.yaml:13:45: regex in `content.pattern` does not compile"),
        "{text}"
    );
    assert!(
        text.contains("bad.yaml:14:9: duplicate check id `DEMO-01`"),
        "{text}"
    );
    assert_eq!(err.0.len(), 4, "{text}");
}

#[test]
fn a_regex_too_large_for_the_scanner_is_rejected_with_its_position() {
    // Parses, but its automaton exceeds the scanner's size limit.
    let text = GOOD.replace(r"import\s+docker", "(?:[a-z]{100}){1000}");
    let Err(err) = load_catalog(&[src("big.yaml", &text)], &[]) else {
        panic!("an oversized regex was accepted");
    };
    let err = err.to_string();
    assert!(err.contains("big.yaml:15:"), "{err}");
    assert!(err.contains("does not compile"), "{err}");
}

#[test]
fn a_has_condition_may_list_several_regexes_for_one_path() {
    let with_list = GOOD.replace(
            r#"        - content: { files: "**/*.py", pattern: 'import\s+docker' }"#,
            r#"        - key: { files: 'ci.yml', path: 'jobs.*', has: { steps.*.run: ['dvc pull', 'evaluate'], runs-on: ~ } }"#,
        );
    let catalog = load_catalog(&[src("a.yaml", &with_list)], &[]).unwrap();
    let key = catalog
        .probes
        .iter()
        .find_map(|p| match p {
            Probe::Key(key) => Some(key),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        key.has,
        vec![
            ("runs-on".to_owned(), None),
            ("steps.*.run".to_owned(), Some("dvc pull".to_owned())),
            ("steps.*.run".to_owned(), Some("evaluate".to_owned())),
        ]
    );
    let empty = with_list.replace("['dvc pull', 'evaluate']", "[]");
    let err = load_catalog(&[src("a.yaml", &empty)], &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("`key.has` `steps.*.run` lists no regex"),
        "{err}"
    );
}

#[test]
fn rubric_text_cannot_carry_escape_sequences_or_forge_lines() {
    let hostile = GOOD
        .replace(
            "title: Has a Dockerfile",
            "title: \"Has a Dockerfile\\e]0;owned\\a\"",
        )
        .replace("why: Because.", "why: \"Because\\u202e.\"");
    let err = load_catalog(&[src("a.yaml", &hostile)], &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a.yaml:7:12: `title` in check `DEMO-01` contains U+001B"),
        "{err}"
    );
    assert!(
        err.contains("a.yaml:10:10: `why` in check `DEMO-01` contains U+202E"),
        "{err}"
    );
    let two_lines = GOOD.replace(
        "title: Has a Dockerfile",
        "title: \"Has a Dockerfile\\nFAKE: all checks met\"",
    );
    let err = load_catalog(&[src("a.yaml", &two_lines)], &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`title` in check `DEMO-01` must be one line"),
        "{err}"
    );
    // Prose may still break lines and hold tabs.
    let prose = GOOD.replace("why: Because.", "why: \"Because\\n\\tit helps.\"");
    assert!(load_catalog(&[src("a.yaml", &prose)], &[]).is_ok());
}

#[test]
fn rungs_name_the_checks_that_define_each_level() {
    let with_rungs = GOOD.replace(
            "checks:\n",
            "rungs:\n  1: { capability: a Dockerfile, met_when: DEMO-01 }\n  2: { capability: more, met_when: { all: [DEMO-01] } }\n  3: { capability: most, met_when: { any: [DEMO-01] } }\nchecks:\n",
        );
    let catalog = load_catalog(&[src("a.yaml", &with_rungs)], &[]).unwrap();
    let rubric = &catalog.rubrics[0];
    assert_eq!(rubric.rungs.len(), 3);
    assert!(rubric.defines("DEMO-01"));
    assert!(!rubric.defines("OTHER"));
    // A rung naming a check the rubric does not have, at its position.
    let bad = with_rungs.replace("met_when: DEMO-01 }", "met_when: DEMO-99 }");
    let err = load_catalog(&[src("a.yaml", &bad)], &[]).unwrap_err();
    assert!(
        err.to_string().contains(
            "a.yaml:6:44: `met_when` names `DEMO-99`, which is not a check of this rubric"
        ),
        "{err}"
    );
    // A rubric without rungs keeps the old rule: every check defines it.
    let plain = load_catalog(&[src("a.yaml", GOOD)], &[]).unwrap();
    assert!(plain.rubrics[0].rungs.is_empty());
    assert!(plain.rubrics[0].defines("DEMO-01"));
}

#[test]
fn a_check_level_not_applicable_reason_needs_an_applies_when_rule() {
    let with_rule = GOOD.replace(
            "    evidence:\n",
            "    applies_when: { file: \"**/*.py\" }\n    not_applicable: No Python here.\n    evidence:\n",
        );
    let catalog = load_catalog(&[src("a.yaml", &with_rule)], &[]).unwrap();
    assert_eq!(
        catalog.rubrics[0].checks[0].not_applicable.as_deref(),
        Some("No Python here.")
    );
    let without = GOOD.replace(
        "    evidence:\n",
        "    not_applicable: No Python here.\n    evidence:\n",
    );
    let err = load_catalog(&[src("a.yaml", &without)], &[]).unwrap_err();
    assert!(
            err.to_string().contains(
                "a.yaml:12:21: check `DEMO-01` has `not_applicable` but no `applies_when` rule it explains"
            ),
            "{err}"
        );
}

#[test]
fn invalid_yaml_is_reported_with_position() {
    let err = load_catalog(&[src("x.yaml", "area: [\n")], &[]).unwrap_err();
    assert!(err.to_string().contains("x.yaml:"), "{err}");
    assert!(err.to_string().contains("invalid YAML"), "{err}");
}

#[test]
fn user_rubric_replaces_builtin_area_but_not_another_user_rubric() {
    let user = GOOD.replace("Has a Dockerfile", "Custom title");
    let catalog = load_catalog(&[src("builtin.yaml", GOOD)], &[src("mine.yaml", &user)]).unwrap();
    assert_eq!(catalog.rubrics.len(), 1);
    assert_eq!(&*catalog.rubrics[0].checks[0].title, "Custom title");
    let err = load_catalog(&[], &[src("a.yaml", GOOD), src("b.yaml", GOOD)]).unwrap_err();
    assert!(
        err.to_string()
            .contains("area `demo` is already defined in a.yaml:2"),
        "{err}"
    );
}

#[test]
fn a_user_rubric_shown_under_a_builtin_name_is_not_a_duplicate_of_itself() {
    let catalog = load_catalog(
        &[src("rubrics/a.yaml", GOOD)],
        &[src("rubrics/a.yaml", GOOD)],
    )
    .unwrap();
    assert_eq!(catalog.rubrics.len(), 1);
}

#[test]
fn check_ids_must_be_unique_across_rubrics() {
    let other = GOOD.replace("area: demo", "area: other");
    let err = load_catalog(&[src("a.yaml", GOOD), src("b.yaml", &other)], &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("duplicate check id `DEMO-01` (also defined in a.yaml:6)"),
        "{err}"
    );
}

#[test]
fn brace_alternatives_cannot_span_path_segments() {
    let bad = GOOD.replace(
        "- file: \"**/Dockerfile\"",
        "- key: { files: \"a.yaml\", path: \"{a,b.c}\" }",
    );
    let err = load_catalog(&[src("a.yaml", &bad)], &[]).unwrap_err();
    assert!(err.to_string().contains("cannot contain a `.`"), "{err}");
}

#[test]
fn rules_need_exactly_one_known_key() {
    let bad = GOOD.replace(
        "any:\n        - file: \"**/Dockerfile\"",
        "anyy:\n        - file: \"**/Dockerfile\"",
    );
    let err = load_catalog(&[src("a.yaml", &bad)], &[]).unwrap_err();
    assert!(err.to_string().contains("unknown rule `anyy`"), "{err}");
}
