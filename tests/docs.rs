//! `docs/checks.md` is generated from the rubrics; this fails when it is
//! stale. Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

use std::path::Path;

#[test]
fn checks_md_is_current() {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let expected = readiness::rubric::doc::checks_markdown(&catalog);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/checks.md is stale: run `UPDATE_DOCS=1 cargo test --test docs` and commit it"
    );
}

#[test]
fn catalogue_covers_every_area_at_every_level() {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let total: usize = catalog.rubrics.iter().map(|r| r.checks.len()).sum();
    assert!(total >= 40, "{total} checks");
    for rubric in &catalog.rubrics {
        for level in 1..=3 {
            assert!(
                rubric.checks.iter().any(|c| c.level == level),
                "{} has no level-{level} check",
                rubric.area
            );
        }
    }
}

#[test]
fn each_check_states_its_level_weight_and_role_in_order() {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let doc = readiness::rubric::doc::checks_markdown(&catalog);
    // VER-01 defines versioning's rungs with weight 3 (rubrics/versioning.yaml).
    let (_, check) = catalog.check("VER-01").unwrap();
    let line = format!(
        "Level {}, weight {}. Defines the area's rung",
        check.level, check.weight
    );
    assert!(doc.contains(&line), "missing {line:?}");
    assert!(
        !doc.contains("(see the area's rungs).;"),
        "role and weight are swapped"
    );
}
