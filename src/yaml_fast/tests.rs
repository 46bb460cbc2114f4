//! The fast reading must give exactly what the thorough parse gives, or
//! step aside: every case here is parsed both ways.

use super::documents;
use crate::node::parse_yaml_thoroughly;

/// Parses `text` both ways: where the fast reading answers, the trees are
/// equal. Returns whether it answered.
fn agrees(text: &str) -> bool {
    let Some(fast) = documents(text) else {
        return false;
    };
    let thorough = parse_yaml_thoroughly(text, false).unwrap_or_else(|e| {
        panic!("the fast reading accepted what the parser rejects ({e}):\n{text}")
    });
    assert_eq!(fast, thorough, "trees differ for:\n{text}");
    true
}

/// Texts the fast reading must answer (and agree on).
const TAKEN: &[&str] = &[
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/web:1.16.0\n---\napiVersion: v1\nkind: Service\nspec:\n  ports: [{port: 80}]\n",
    "name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          pip install -e .\n          pytest -q # comment\n      - name: eval\n        run: >\n          python eval.py\n          --threshold 0.8\n        continue-on-error: false\n",
    "a: 1\nb: -2\nc: 0\nd: 0.5\ne: -20.04\nf: 3.10\ng: 18446744073709551615\nh: -9223372036854775808\n",
    "lr: 1e-05\neps: 1.0e-05\nbig: 6.02e23\nneg: -2.5E+3\nexp: 1e03\ntiny: 1e-400\nzero: 0e0\nwide: 123456789012345678901234.5\n",
    "a: true\nb: False\nc: TRUE\nd: yes\ne: on\nf: ~\ng: null\nh: NULL\ni:\nj: Null\n",
    "a: 'single'\nb: \"double \\u00e9 \\n\"\nc: plain text with:colon and a # not-comment\nd: \"123\"\ne: '0.5'\nf: \"true\"\ng: ''\n",
    "{\"name\": \"x\", \"n\": 12, \"f\": 1.25, \"t\": true, \"z\": null, \"list\": [1, \"two\", {\"k\": \"v\"}]}",
    "- a\n- [b, c]\n- {d: e}\n-\n  - nested\n",
    "key: 1.2.3\nimage: python:3.8-slim\nversion: v1.0.0-rc1\nref: refs/heads/main\nhex: deadbeef\npath: .github/workflows\n",
    "# only a comment\n",
    "",
    "---\n---\na: 1\n...\n---\n~\n---\nplain root string\n",
    "\"on\": push\n'true': x\n\"1\": one\nlevels:\n  0: none\n  1: some\n  -2: x\n  0.5: half\n.github: dir\n-flag: on\n",
    "literal: |-\n  line one\n  line two\nfolded: >+\n  a\n  b\n\n",
    "emoji: \"😀\"\n日本: 語\nmixed: naïve café\n",
    "a:\n  b:\n    c:\n      d: [1, 2, {e: f}]\n",
    "args: [-c, -ec, -exc, --conf, .e, -fa, +a_b, -.-, -x.]\n-c: flag\n.: dot\nlone: .\nplus: +\nminus: -.\n",
    "base: &b {x: 1, y: [2, 3]}\nuse: *b\nagain:\n  - *b\n  - &s text\n  - *s\n---\nreused: &b 1\nhere: *b\n",
];

/// Texts it must leave to the thorough parse (either way the answer is the
/// thorough one).
const LEFT: &[&str] = &[
    "base: &b {x: 1}\n*b : key\n",
    "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "a: !Ref Bucket\n",
    "a: !!binary aGVsbG8=\n",
    "a: 1\na: 2\n",
    "? [complex, key]\n: value\n",
    "a: .inf\nb: -.Inf\nc: +.NAN\nd: .NaN\ne: -.inf\n",
    "huge: 1e400\n",
    "m: 1.e3\n",
    "l: 01e3\n",
    "k: -0e0\n",
    "j: 1e\n",
    "i: 1_0e3\n",
    "h: +1e3\n",
    "n: 0x1F\no: 0o17\nq: .inf\nr: -.nan\ns: 1_000\nt: 0127\nu: +5\nv: 10:30\nw: -0\nx: 99999999999999999999\ny: 2024-01-01\n",
    "01: one\n",
    "1.50: x\n",
    "True: x\n",
    "~: x\n",
    "<<: {a: 1}\n",
    "true: yes\n",
    "a: [1, 2\n",
    "a: b: c\n",
];

#[test]
fn the_fast_reading_takes_plain_yaml_and_agrees_with_the_parser() {
    for text in TAKEN {
        assert!(agrees(text), "not taken:\n{text}");
    }
}

#[test]
fn anything_it_does_not_repeat_exactly_goes_the_thorough_way() {
    for text in LEFT {
        assert!(!agrees(text), "taken:\n{text}");
    }
    // Each spelling on its own, too.
    for line in LEFT[6].lines() {
        assert!(!agrees(line), "taken: {line}");
    }
}

#[test]
fn aliases_never_nest_a_tree_deeper_than_a_document_may_be() {
    // Each anchor holds the previous one a level down: 30 levels of
    // aliases over a 30-level tree would be 900 deep.
    let mut text = format!("a0: &a0 {}x{}\n", "[".repeat(30), "]".repeat(30));
    for i in 1..30 {
        text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    assert!(!agrees(&text));
    // A shallow alias is still read fast.
    assert!(agrees("a: &a [1, [2]]\nb: [[*a]]\n"));
}

#[test]
fn deep_large_and_repeated_structures_stay_bounded_and_agree() {
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    assert!(!agrees(&deep));
    let mut wide = String::new();
    for i in 0..5000 {
        wide.push_str(&format!("key{i}: {i}\n"));
    }
    assert!(agrees(&wide));
    wide.push_str("key17: again\n");
    assert!(!agrees(&wide));
}

/// Every YAML and JSON file of the repository (rubrics, examples,
/// fixtures, workflows) read both ways.
#[test]
fn every_yaml_file_in_this_repository_agrees() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut taken = 0;
    let mut files = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | ".git" | "corpus") {
                    stack.push(path);
                }
            } else if name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files += 1;
                    taken += usize::from(agrees(&text));
                }
            }
        }
    }
    assert!(files > 50 && taken * 2 > files, "{taken} of {files} taken");
}

/// Found by the `nodes` fuzz target: serde-saphyr buffered comments while
/// looking ahead for a key, and past its budget for them it rejected valid
/// YAML that the fast reading (which skips comments) accepted. Neither
/// reads comments now, so both accept it.
#[test]
fn many_comments_where_the_parser_looks_ahead_are_valid_yaml() {
    let comments = "  # a comment\n".repeat(3000);
    for text in [
        format!("-\n{comments}  1:\n    capability: x\n"),
        format!("a:\n{comments}  b: 1\n"),
        format!("? \n{comments}: v\n"),
    ] {
        let thorough = parse_yaml_thoroughly(&text, false);
        assert!(thorough.is_ok(), "{thorough:?}");
        if let Some(fast) = documents(&text) {
            assert_eq!(Ok(fast), thorough);
        }
    }
}
