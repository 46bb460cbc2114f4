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

/// `name` registered as a called whole name: whether it counts in `text`
/// read as code (after `py_code::read`); it always counts in the raw text
/// when it is there.
fn called_in(name: &str, text: &str) -> bool {
    let mut names = Names::default();
    let id = names.called_id(name, true);
    let code = super::super::py_code::read(text);
    assert_eq!(names.present(text)[id], text.contains(name));
    names.present_in_python(text, &code)[id]
}

#[test]
fn a_called_name_counts_where_it_can_end_a_callee_or_a_bound_value() {
    for text in [
        "client.deploy(m)\n",
        "deploy (m)\n",
        "x.deploy \\\n  (m)\n",
        "(x.deploy)(m)\n",
        "run = x.deploy\nrun(m)\n",
        "run = x.deploy  # the step\n",
        "from steps import deploy as run\n",
        "import steps.deploy as run\n",
        "x = f'{client.deploy(m)}'\n",
        "with x.deploy as d:\n    pass\n",
        "await x.deploy\n",
    ] {
        assert!(called_in("deploy", text), "{text:?}");
    }
    for text in [
        "x.deploy.status(m)\n",
        "jobs = [x.deploy, y]\n",
        "f(deploy=True)\n",
        "if x.deploy == 1:\n    pass\n",
        "x.deploy[0](m)\n",
        "print('deploy(m)')\n",
        "# deploy(m)\n",
        "x = f'{client.deploy}'\n",
        "except x.deploy:\n",
    ] {
        assert!(!called_in("deploy", text), "{text:?}");
    }
    // A name a pattern spells in part counts where the identifier
    // holding it ends a callee.
    let mut names = Names::default();
    let error = names.called_id("Error", false);
    let partial =
        |text: &str| names.present_in_python(text, &super::super::py_code::read(text))[error];
    assert!(partial("raise ValueError(x)\n"));
    assert!(!partial("try:\n f()\nexcept ValueError:\n pass\n"));
    assert!(!partial("x = ErrorCode.A\n"));
    // Code the parser must recover from counts every occurrence: it may
    // skip what stands between a callee and its `(`.
    for broken in [
        "x.deploy](m)\n",
        "x = 'open\nx.deploy.y\n",
        "`x`; x.deploy.y\n",
        "x = {{ cfg.deploy }}\n",
        "{% if a %}x.deploy.y{% endif %}\n",
        "!pip install x\nx.deploy.y\n",
        "    %time x.deploy.y\n",
        "<<<<<<< HEAD\nx.deploy.y\n",
    ] {
        assert!(called_in("deploy", broken), "{broken:?}");
    }
}

#[test]
fn a_bare_call_through_a_module_level_alias_calls_the_aliased_name() {
    let import = "from evaluation import model_evaluation_import as ImportOp\n";
    // The alias is called, but the call's name is the import's.
    assert!(!called_in(
        "ImportOp",
        &format!("{import}def p():\n    ImportOp(x)\n")
    ));
    // Any other binding of the name, anywhere, may hold in some scope.
    for other in [
        "def p():\n    ImportOp = make()\n    ImportOp(x)\n",
        "def p():\n    from steps import ImportOp\n    ImportOp(x)\n",
        "def p(ImportOp):\n    ImportOp(x)\n",
        "def p():\n    import steps.x as ImportOp\n    ImportOp(x)\n",
        "if ok: import steps.x as ImportOp\nImportOp(x)\n",
        "def p(): a; import steps.x as ImportOp\nImportOp(x)\n",
        "ImportOp(x)\n",
    ] {
        let text = match other.contains("import steps.x") || other == "ImportOp(x)\n" {
            true => other.to_owned(),
            false => format!("{import}{other}"),
        };
        assert!(called_in("ImportOp", &text), "{text:?}");
    }
    // An alias of a name to itself calls that name.
    assert!(called_in(
        "ImportOp",
        "from steps import ImportOp as ImportOp\nImportOp(x)\n"
    ));
}

/// Every name the parser reads a call as (resolved or as written) counts
/// as called where its last part is spelled: in the raw text always, and
/// in the code of every text that parses without error. On every committed
/// Python file and on generated code, most of it broken: where the parser
/// recovers from errors it may make a call of a name followed by anything
/// (`go=r(x)` inside a broken dictionary), which only text Python cannot
/// run does.
#[test]
fn every_call_the_parser_reads_counts_as_called() {
    let mut texts: Vec<String> = super::super::generated::committed_python_files()
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    assert!(texts.len() > 20, "{}", texts.len());
    let pieces = [
        "import m.run as r\n",
        "from m import run as go\n",
        "from m import (a,\n run)\n",
        "    from m import run as r\n",
        "r(x)\n",
        "go()\n",
        "run(1)\n",
        "x.run(y)\n",
        "(a.run)(b)\n",
        "a.run\n",
        "g = a.run\n",
        "g()\n",
        "h = run\n",
        "h(2)\n",
        "def run(x):\n",
        "def f():\n",
        "class C:\n",
        "    ",
        "    run = x.y\n",
        "x = f'{a.run(1)}'\n",
        "f\"{a[\"k\"] + run(\"m\")}\"\n",
        "'run(' ",
        "\"go(\" ",
        "# run(x)\n",
        "\\\n",
        "(",
        ")",
        "[",
        "]",
        ":",
        ",",
        " ",
        ";",
        "\r\n",
        "'''",
        "\"",
        "'",
        "`",
        "=",
        ".",
        "run",
        "go",
        "r",
        "if ok:\n",
        "with a.run() as r:\n",
        "except E as go:\n",
        "lambda: run\n",
        "@run\n",
        "x := run\n",
        "{",
        "}",
        "f'",
        "rb'",
        "t'{run()}'\n",
        "\t",
        "async def run():\n",
        "raise ValueError(e)\n",
        "ValueError\n",
    ];
    for seed in [0x0ca1_1ed5, 0x5eed_0002] {
        let mut generated = super::super::generated::Generated::new(seed);
        for _ in 0..4_000 {
            texts.push(generated.text(&pieces, 30));
        }
    }
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    let (mut checked, mut valid) = (0, 0);
    for text in &texts {
        let Some(facts) = super::super::python::facts(text) else {
            continue;
        };
        let clean = !parser.parse(text, None).unwrap().root_node().has_error();
        let mut names = Names::default();
        let mut wanted = Vec::new();
        for call in &facts.calls {
            for name in std::iter::once(&call.name).chain(call.written.as_ref()) {
                let last = name.rsplit('.').next().unwrap_or(name);
                if last.len() >= 2 && last.bytes().all(is_identifier_byte) {
                    wanted.push((names.called_id(last, true), name.clone()));
                    wanted.push((names.called_id(&last[1..], false), name.clone()));
                }
            }
        }
        let code = super::super::py_code::read(text);
        let raw = names.present(text);
        let in_code = names.present_in_python(text, &code);
        let code = code.code;
        for (id, name) in wanted {
            assert!(raw[id], "{name} in {text:?}");
            if clean {
                assert!(in_code[id], "{name} in {text:?}\ncode: {code:?}");
                valid += 1;
            }
            checked += 1;
        }
    }
    assert!(checked > 10_000 && valid > 1_000, "{checked} {valid}");
}

/// The automaton's pass over a raw text finds the whole names that cutting
/// the text into identifiers finds: names inside, overlapping or
/// beside one another, next to non-ASCII letters, at either end.
#[test]
fn whole_names_found_by_the_automaton_are_the_identifiers_that_spell_them() {
    let mut names = Names::default();
    names.id("run", true);
    names.called_id("run", true);
    names.id("run_model", true);
    names.called_id("model", true);
    names.id("un", true);
    names.id("If", true);
    names.id("Deploy", false);
    let pieces = [
        "run", "_model", "model", "un", "r", "If", "if", "é", " ", "(", ".", "\n", "_", "1",
        "Deploy",
    ];
    let mut generated = super::super::generated::Generated::new(0x9e37_79b9);
    for case in 0..3_000 {
        let text = generated.text(&pieces, 24);
        assert_eq!(
            names.present(&text),
            names.present_by_identifiers(&text, false),
            "case {case}: {text:?}"
        );
    }
}
