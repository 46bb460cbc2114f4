use super::{parts, MAX_DEFINITIONS, MIN_BYTES};
use crate::scan::plan::Plan;
use crate::scan::py_segments::{split, Segment};
use crate::scan::python::{facts, facts_in, Call};
use crate::scan::{ProbeId, ScanOptions};

fn built_in_plan() -> Plan {
    let catalog = crate::load_catalog(&[]).expect("built-ins load");
    Plan::new(&catalog, &ScanOptions::default()).expect("plan compiles")
}

fn every_python_rule(plan: &Plan) -> Vec<ProbeId> {
    (0..100_000)
        .filter(|id| plan.python.get(id).is_some())
        .collect()
}

/// Filler definitions that call nothing any rule names, to make a file
/// large enough to cut.
fn filler(count: usize) -> String {
    (0..count)
        .map(|i| format!("def helper_{i}(rows):\n    total = 0\n    for row in rows:\n        total += len(row) * {i}\n    return total\n\n"))
        .collect()
}

/// The text of the first line of each kept segment.
fn kept_heads<'t>(text: &'t str, kept: &[Segment]) -> Vec<&'t str> {
    kept.iter()
        .map(|s| text[s.start..s.end].lines().next().unwrap_or(""))
        .collect()
}

#[test]
fn a_large_file_is_parsed_where_a_rule_may_match_and_its_callers() {
    let text = format!(
        "import sys\nimport mlflow\nMIN_AUC = 0.8\n\n{}\
         def publish(uri):\n    mlflow.register_model(uri, 'churn')\n\n{}\
         def fail_run():\n    sys.exit(1)\n\n\
         def main():\n    auc = evaluate()\n    if auc < MIN_AUC:\n        fail_run()\n\n{}\
         if __name__ == '__main__':\n    main()\n",
        filler(40),
        filler(40),
        filler(40)
    );
    assert!(text.len() > MIN_BYTES);
    let plan = built_in_plan();
    let kept = parts(&plan, &text, &every_python_rule(&plan)).expect("cut");
    assert_eq!(
        kept_heads(&text, &kept),
        [
            "import sys",
            "def publish(uri):",
            "def fail_run():",
            "def main():",
            "if __name__ == '__main__':",
        ]
    );
    // What the parts say is what the whole file says there: the exit
    // inherits the guard of the call to its function in `main`.
    let lines = |s: &Segment| (s.start_row + 1) as u32..(s.end_row + 1) as u32;
    let in_kept = |c: &&Call| kept.iter().any(|s| lines(s).contains(&c.line));
    let whole: Vec<Call> = facts(&text)
        .unwrap()
        .calls
        .into_iter()
        .filter(|c| in_kept(&c))
        .collect();
    let sliced = facts_in(&text, &kept).unwrap().calls;
    assert_eq!(sliced, whole);
    let exit = sliced.iter().find(|c| c.name == "sys.exit").unwrap();
    assert_eq!(exit.guards[0].condition, "auc < MIN_AUC");
}

#[test]
fn a_function_passed_as_an_argument_is_not_called_there() {
    let text = format!(
        "import sys\n\ndef fail_run():\n    sys.exit(1)\n\n{}\
         def schedule():\n    if score < best:\n        register(callback=fail_run)\n\n\
         def main():\n    if score < best:\n        fail_run()\n",
        filler(80)
    );
    let plan = built_in_plan();
    let kept = parts(&plan, &text, &every_python_rule(&plan)).expect("cut");
    let heads = kept_heads(&text, &kept);
    assert!(heads.contains(&"def main():"), "{heads:?}");
    assert!(!heads.contains(&"def schedule():"), "{heads:?}");
    // A name in a string or a comment is no call either.
    let quoted = text.replace(
        "register(callback=fail_run)",
        "log('fail_run()')  # fail_run()",
    );
    let kept = parts(&plan, &quoted, &every_python_rule(&plan)).expect("cut");
    assert!(!kept_heads(&quoted, &kept).contains(&"def schedule():"));
}

#[test]
fn a_function_nested_in_another_is_called_only_there() {
    let text = format!(
        "import sys\n\nclass TestA:\n    def test_a(self):\n        def helper():\n            \
         raise ValueError('weak')\n        if score < best:\n            helper()\n\n{}\
         class TestB:\n    def test_b(self):\n        def helper():\n            pass\n        \
         if loss > limit:\n            helper()\n",
        filler(80)
    );
    let plan = built_in_plan();
    let kept = parts(&plan, &text, &every_python_rule(&plan)).expect("cut");
    let heads = kept_heads(&text, &kept);
    assert!(heads.contains(&"class TestA:"), "{heads:?}");
    assert!(!heads.contains(&"class TestB:"), "{heads:?}");
    let whole = facts(&text).unwrap().calls;
    let sliced = facts_in(&text, &kept).unwrap().calls;
    let raise = |calls: &[Call]| {
        let c = calls
            .iter()
            .find(|c| c.name == "ValueError")
            .unwrap()
            .clone();
        (c.line, c.guards)
    };
    assert_eq!(raise(&sliced), raise(&whole));
}

#[test]
fn a_module_level_alias_of_a_function_counts_as_it() {
    let text = format!(
        "import sys\n\ndef fail_run():\n    sys.exit(1)\n\nstop = fail_run\n\n{}\
         def main():\n    if score < best:\n        stop()\n",
        filler(80)
    );
    let plan = built_in_plan();
    let kept = parts(&plan, &text, &every_python_rule(&plan)).expect("cut");
    assert!(
        kept_heads(&text, &kept).contains(&"def main():"),
        "{:?}",
        kept_heads(&text, &kept)
    );
}

#[test]
fn small_files_and_files_that_are_not_plain_python_are_parsed_whole() {
    let plan = built_in_plan();
    let rules = every_python_rule(&plan);
    let small =
        "import mlflow\ndef a():\n    mlflow.register_model('u', 'n')\ndef b():\n    pass\n";
    assert_eq!(parts(&plan, small, &rules), None);
    let template = format!(
        "{{% if cookiecutter.mlflow %}}\nimport mlflow\n{{% endif %}}\n{}",
        filler(80)
    );
    assert_eq!(parts(&plan, &template, &rules), None);
    // Nothing to leave out: every definition may match.
    let all = (0..120)
        .map(|i| format!("def publish_{i}(uri):\n    mlflow.register_model(uri, 'model_{i}_with_a_longer_name')\n\n"))
        .collect::<String>();
    assert!(all.len() > MIN_BYTES);
    let text = format!("import mlflow\n{all}");
    let cut = parts(&plan, &text, &rules);
    assert_eq!(cut.as_ref().map(|k| kept_heads(&text, k)), None);
}

#[test]
fn a_file_of_very_many_definitions_is_parsed_whole() {
    // Which definitions call which is worked out pair by pair: bounded.
    let plan = built_in_plan();
    let rules = every_python_rule(&plan);
    let file = |fillers: usize| {
        format!(
            "import sys\n{}def main():\n    if auc < best:\n        sys.exit(1)\n",
            filler(fillers)
        )
    };
    assert!(parts(&plan, &file(MAX_DEFINITIONS - 1), &rules).is_some());
    assert_eq!(parts(&plan, &file(MAX_DEFINITIONS), &rules), None);
}

/// Every committed Python file, cut at each top-level definition in turn:
/// parsing the module-level code and that definition alone finds the same
/// calls there as parsing the whole file, with the same guards unless
/// another statement mentions a function it defines (whose calls may pass
/// theirs on).
#[test]
fn a_definition_parsed_alone_reads_as_in_the_whole_file() {
    let files = crate::scan::generated::committed_python_files();
    assert!(files.len() > 20, "{}", files.len());
    let mut compared = 0;
    for (path, text) in files {
        let Some(segments) = split(&text) else {
            continue;
        };
        let whole = facts(&text).unwrap().calls;
        for (k, definition) in segments.iter().enumerate().filter(|(_, s)| s.definition) {
            let parts: Vec<Segment> = segments
                .iter()
                .enumerate()
                .filter(|&(j, s)| j == k || !s.definition)
                .map(|(_, s)| *s)
                .collect();
            let rows = (definition.start_row + 1) as u32..(definition.end_row + 1) as u32;
            let strip = |c: &Call| {
                (
                    c.name.clone(),
                    c.written.clone(),
                    c.keywords.clone(),
                    c.line,
                )
            };
            let want: Vec<&Call> = whole.iter().filter(|c| rows.contains(&c.line)).collect();
            let got: Vec<Call> = facts_in(&text, &parts)
                .unwrap()
                .calls
                .into_iter()
                .filter(|c| rows.contains(&c.line))
                .collect();
            assert_eq!(
                got.iter().map(strip).collect::<Vec<_>>(),
                want.iter().map(|c| strip(c)).collect::<Vec<_>>(),
                "{} at line {}",
                path.display(),
                definition.start_row + 1
            );
            compared += got.len();
        }
    }
    assert!(compared > 50, "{compared}");
}
