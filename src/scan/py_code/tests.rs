use super::read;

fn code(text: &str) -> String {
    read(text).code
}

#[test]
fn comments_docstrings_and_annotations_go_conditions_stay() {
    let text = "\"\"\"Module about accuracy > 0.9.\"\"\"\n\
        def score(x) -> float:  # score > 1 here\n    \
        '''Returns the best\n    score > baseline.'''\n    \
        if metrics['accuracy'] >= THRESHOLD and (\n        \
        auc  # the AUC\n        > 0.8):\n        \
        raise ValueError(\"accuracy too low: \" '< 0.9')\n";
    assert_eq!(
        code(text),
        "def score(x) float:\n if metrics[''] >= THRESHOLD and ( auc > 0.8):\n \
         raise ValueError('' '')\n"
    );
    // Conditions keep their strings: a metric is often a key.
    assert!(read(text)
        .conditions
        .starts_with("if metrics['accuracy'] >= THRESHOLD and ( auc > 0.8):\n"));
}

#[test]
fn strings_inside_expressions_read_empty_and_f_strings_stay() {
    assert_eq!(
        code("x = f\"{a}\" + rb'\\'' \nprint('''a\n  b''')\n"),
        "x = f\"{a}\" + ''\nprint('')\n"
    );
    // Identifiers ending in a prefix letter are not string prefixes.
    assert_eq!(code("bar'x'\n"), "bar''\n");
    // Statements after `;` are logical lines of their own, indented
    // by their blank space: `def f(): a; import b` is no module level.
    assert_eq!(code("x = 1; 'doc'; y = 2\n"), "x = 1\n y = 2\n");
    assert_eq!(code("def f(): a;import b\n"), "def f(): a\n import b\n");
    // A string with a `{` may be a template string (`t'{deploy()}'`,
    // a prefix this lexer does not know) and stays, as does one left
    // open, whose rest the parser may read as code.
    assert_eq!(
        code("t'{deploy()}' + '{}'.format(x)\n"),
        "t'{deploy()}' + '{}'.format(x)\n"
    );
    assert_eq!(code("x = 'it\\'s\nrun(a)\n"), "x = 'it\\'s\nrun(a)\n");
    assert_eq!(code("x = '''open\nrun(a)"), "x = '''open run(a)");
    // Where the parser reads strings otherwise (a quote nested in an
    // f-string's field, a backquote), no later string reads empty.
    assert_eq!(
        code("a('x')\nf\"{a[\"k\"] + deploy(\"m\")}\"\nb('y')\n"),
        "a('')\nf\"{a[\"k\"] + deploy(\"m\")}\"\nb('y')\n"
    );
    assert_eq!(
        code("a('x')\n`'`; run(); '`'\n"),
        "a('')\n`'`; run(); '`'\n"
    );
    assert_eq!(code("f'{{x}}' + 'y'\n"), "f'{{x}}' + ''\n");
}

#[test]
fn a_name_assigned_a_comparison_reads_as_its_condition_does() {
    let text = "is_best = new > old  # keep\nlimit: float = 0.5\nok: bool = a == b\nx == y\n";
    let read = read(text);
    assert_eq!(
        read.conditions,
        "not is_best (new > old)\nnot ok (a == b)\n"
    );
    assert!(!read.code.contains("not is_best"), "{}", read.code);
}

#[test]
fn every_guard_the_parser_reads_is_text_of_what_the_prefilter_reads() {
    let text = r#""""Promotion."""
import mlflow
def promote(run, best) -> None:
'''Promote when better.'''
wins = run.auc > best.auc  # strictly
done = ok = run.f1 >= 0.8
limit: float = 0.5
if not wins:
    raise ValueError('worse')
if not ok:
    raise ValueError('weak')
if ok and \
        run.loss < limit:
    mlflow.register_model(run.uri, 'm')
while (run.recall  # not yet
       < 0.9):
    run = retry(run)
x = mlflow.register_model(run.uri, 'n') if run.acc > 0.5 else None
"#;
    let facts = crate::scan::python::facts(text).unwrap();
    let conditions = read(text).conditions;
    let guards: Vec<&str> = facts
        .calls
        .iter()
        .flat_map(|c| c.guards.iter().map(|g| g.condition.as_str()))
        .collect();
    assert!(guards.len() >= 4, "{guards:?}");
    for guard in guards {
        assert!(
            conditions.lines().any(|line| line.contains(guard)),
            "{guard:?} not in a line of {conditions:?}"
        );
    }
}

#[test]
fn a_chain_of_assignments_names_only_its_last_target() {
    assert_eq!(read("a = b = x > y\n").conditions, "not b (x > y)\n");
    // A hostile chain stays one pass and adds no more than the line.
    let chain = format!("{}x > 1\n", "a = ".repeat(100_000));
    let read = read(&chain);
    assert!(read.code.len() < 2 * chain.len(), "{}", read.code.len());
    assert!(read.conditions.len() < 2 * chain.len());
    assert!(read.conditions.ends_with("not a (x > 1)\n"));
}

#[test]
fn only_lines_that_can_hold_a_condition_are_conditions() {
    let text = "best = max(scores)  # > 0.5\nraise ValueError(f'score {s} < {best}')\n\
        if (score\n        > best):\n    register(m)\n\
        with dsl.Condition(acc >= 0.9):\n    deploy()\n\
        x = a if auc > 0.8 else b\nassert f1 > 0.7, 'weak'\nwhile loss > 1: step()\n\
        elif_count = score > 1\nverified = 1\n";
    assert_eq!(
        read(text).conditions,
        "if (score > best):\nwith dsl.Condition(acc >= 0.9):\n\
         x = a if auc > 0.8 else b\nassert f1 > 0.7, 'weak'\n\
         while loss > 1: step()\nnot x (a if auc > 0.8 else b)\nnot elif_count (score > 1)\n"
    );
    // An f-string's field can hold a conditional expression.
    assert_eq!(
        read("rows.append(f'{d if d is not None else \"-\"} ms')\n").conditions,
        "rows.append(f'{d if d is not None else \"-\"} ms')\n"
    );
    // A keyword inside a plain string or a longer name is not one.
    assert_eq!(read("print('if a > b')\nifs = [a, b]\n").conditions, "");
}

#[test]
fn a_continuation_keeps_its_backslash() {
    assert_eq!(code("if a \\\n  and b:\n"), "if a \\ and b:\n");
}

#[test]
fn broken_code_is_kept_rather_than_lost() {
    assert_eq!(
        code("if (acc > 1\n'unterminated"),
        "if (acc > 1 'unterminated"
    );
    let open = code("a = '''open\nb > c");
    assert!(open.starts_with("a = '''open b > c"), "{open}");
    assert_eq!(code(""), "");
    assert_eq!(code("é > 1 \\\n and\u{a0}x"), "é > 1 \\ and x");
}

/// Whitespace collapsing as `str::split_whitespace` defines it.
#[test]
fn a_token_s_blank_runs_collapse_as_split_whitespace_reads_them() {
    let reference = |before: &str, token: &str| {
        let mut text = before.to_owned();
        let space = |t: &mut String| {
            if !t.is_empty() && !t.ends_with(' ') {
                t.push(' ');
            }
        };
        for (k, part) in token.split_whitespace().enumerate() {
            if k > 0 || token.starts_with(char::is_whitespace) {
                space(&mut text);
            }
            text.push_str(part);
        }
        if token.ends_with(char::is_whitespace) {
            space(&mut text);
        }
        text
    };
    let pieces = [
        "a", "é", "\u{a0}", "\u{2028}", " ", "\t", "\u{b}", "\r\n", "→", "\u{3000}", "'",
    ];
    let mut generated = super::super::generated::Generated::new(0x7e57);
    for _ in 0..2_000 {
        let (before, token) = (generated.text(&pieces, 4), generated.text(&pieces, 12));
        let mut out = super::Output::with_capacity(0);
        out.text.push_str(&before);
        out.push(&token);
        assert_eq!(out.text, reference(&before, &token), "{before:?} {token:?}");
    }
}

#[test]
fn whitespace_beyond_ascii_separates_and_control_characters_stay() {
    // A line of no-break space alone, or of a string and one, is no
    // code; a vertical tab separates like a space; NUL is kept as text.
    assert_eq!(code("\u{a0}\n'doc'\u{a0}\nx\u{b}=\u{0}1\n"), "x =\u{0}1\n");
}
