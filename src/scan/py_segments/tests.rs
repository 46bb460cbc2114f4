use super::{outer_functions, split, Segment};

/// Each segment as (its text, whether it is a definition).
fn parts(text: &str) -> Vec<(&str, bool)> {
    split(text)
        .expect("plain Python")
        .iter()
        .map(|s| (&text[s.start..s.end], s.definition))
        .collect()
}

#[test]
fn definitions_and_module_code_alternate_and_cover_the_text() {
    let text = "import os\nMIN = 0.8\n\n@decorator\n@other(x=1)\ndef f(a):\n    return a\n\n\
        # a comment at column 0 inside nothing\nclass C(Base):\n    x = 1\n# column 0 comment\n    \
        def m(self):\n        pass\nif __name__ == '__main__':\n    f(1)\nelse:\n    pass\n\
        async def g():\n    await f(2)\n";
    assert_eq!(
        parts(text),
        vec![
            ("import os\nMIN = 0.8\n\n", false),
            ("@decorator\n@other(x=1)\ndef f(a):\n    return a\n\n# a comment at column 0 inside nothing\n", true),
            ("class C(Base):\n    x = 1\n# column 0 comment\n    def m(self):\n        pass\n", true),
            ("if __name__ == '__main__':\n    f(1)\nelse:\n    pass\n", false),
            ("async def g():\n    await f(2)\n", true),
        ]
    );
    let segments = split(text).unwrap();
    assert_eq!(segments[0].start, 0);
    assert_eq!(segments.last().unwrap().end, text.len());
    assert!(segments.windows(2).all(|w| w[0].end == w[1].start));
}

#[test]
fn rows_count_lines() {
    let text = "x = 1\ndef f():\n    pass\ny = 2";
    assert_eq!(
        split(text).unwrap(),
        vec![
            Segment {
                start: 0,
                end: 6,
                start_row: 0,
                end_row: 1,
                definition: false
            },
            Segment {
                start: 6,
                end: 24,
                start_row: 1,
                end_row: 3,
                definition: true
            },
            Segment {
                start: 24,
                end: 29,
                start_row: 3,
                end_row: 4,
                definition: false
            },
        ]
    );
}

#[test]
fn strings_brackets_and_continuations_hide_column_zero() {
    // Column-0 text inside a docstring, a bracket or after a backslash
    // starts nothing.
    let text =
        "def f():\n    s = \"\"\"\ndef not_a_def():\nclass Nope:\n\"\"\"\n    t = (1,\n2)\n    \
        u = 1 + \\\n2\n    v = '#' + \"(\" # ( not open\n    return s\ndef g():\n    pass\n";
    let got = parts(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].0.ends_with("return s\n"));
    assert_eq!(got[1], ("def g():\n    pass\n", true));
}

#[test]
fn blank_lines_and_comments_before_the_first_statement_are_module_code() {
    assert_eq!(
        parts("\n# header\n\ndef f():\n    pass\n"),
        vec![("\n# header\n\n", false), ("def f():\n    pass\n", true)]
    );
    assert_eq!(parts(""), vec![]);
}

#[test]
fn text_that_is_not_plain_python_at_the_top_is_not_split() {
    for text in [
        // A Jinja template, a merge marker.
        "{% if x %}\nimport a\n{% endif %}\n",
        "def f():\n    pass\n<<<<<<< HEAD\n",
        // Open at the end: a bracket, a docstring, a continuation.
        "x = (1,\n",
        "def f():\n    '''never closed\n",
        "x = 1 + \\\n",
        // A decorator with nothing to decorate; a clause after a definition.
        "@decorator\nx = 1\n",
        "def f():\n    pass\nelse:\n    pass\n",
        // A one-quote string still open at the end.
        "x = 'a\\\n",
    ] {
        assert_eq!(split(text), None, "{text:?}");
    }
}

#[test]
fn a_one_quote_string_continued_over_a_line_break_hides_what_it_holds() {
    let text = "x = 'a\\\ndef not_a_def(): b'\ndef g():\n    pass\n";
    assert_eq!(
        parts(text),
        vec![
            ("x = 'a\\\ndef not_a_def(): b'\n", false),
            ("def g():\n    pass\n", true),
        ]
    );
}

#[test]
fn string_prefixes_escapes_and_crlf() {
    let text = "x = rb'\\'' + f\"{y}\\\"\"\r\ndef f():\r\n    return u'''a\r\n'''\r\n";
    assert_eq!(
        parts(text),
        vec![
            ("x = rb'\\'' + f\"{y}\\\"\"\r\n", false),
            ("def f():\r\n    return u'''a\r\n'''\r\n", true),
        ]
    );
}

#[test]
fn outer_functions_are_those_not_nested_in_a_function() {
    let text = "class C(Base):\n    x = '''\ndef not_code():\n'''\n    @property\n    def m(self):\n        \
        def inner():\n            pass\n        class Local:\n            def hidden(self):\n                pass\n\n\
        # def commented():\n    async  def   n(self, a=(\n        1)):\n        pass\n    class Nested:\n        \
        def deep(self):\n            pass\n";
    assert_eq!(outer_functions(text), Some(vec!["m", "n", "deep"]));
    let text = "def top(a):\n    def inner():\n        pass\n    return inner\n";
    assert_eq!(outer_functions(text), Some(vec!["top"]));
    // Tabs indent as the parser counts them, which this does not: no
    // answer, nor for text left open.
    assert_eq!(
        outer_functions("class C:\n\tdef m(self):\n\t\tpass\n"),
        None
    );
    assert_eq!(outer_functions("def f():\n    x = (\n"), None);
    assert_eq!(outer_functions("def \\\n  f():\n    pass\n"), None);
}

/// On every committed Python file, each top-level definition's outer
/// functions hold every function the parser finds outside a function.
#[test]
fn outer_functions_agree_with_the_parser() {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    let mut compared = 0;
    for (path, text) in crate::scan::generated::committed_python_files() {
        let Some(segments) = split(&text) else {
            continue;
        };
        for segment in segments.iter().filter(|s| s.definition) {
            let own = &text[segment.start..segment.end];
            let Some(found) = outer_functions(own) else {
                continue;
            };
            let tree = parser.parse(own, None).unwrap();
            let mut want = Vec::new();
            let mut stack = vec![(tree.root_node(), false)];
            while let Some((node, in_function)) = stack.pop() {
                let function = node.kind() == "function_definition";
                if function && !in_function {
                    let name = node.child_by_field_name("name").unwrap();
                    want.push(&own[name.byte_range()]);
                }
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    stack.push((child, in_function || function));
                }
            }
            for name in &want {
                assert!(found.contains(name), "{name} in {}", path.display());
            }
            compared += want.len();
        }
    }
    assert!(compared > 30, "{compared}");
}
