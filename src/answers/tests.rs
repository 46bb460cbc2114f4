//! Tests of the answers file: parsing with positions, round trips through
//! every YAML reader, merged and atomic saves (two sessions at once, a hand
//! edit between saves), kept comments and staleness.

use super::*;

fn answer(check: &str, value: AnswerValue) -> Answer {
    Answer {
        check: check.into(),
        answer: value,
        reason: (value == AnswerValue::NotApplicable).then(|| "no LLM here".into()),
        note: Some("see \"docs\": https://example.com/#x".into()),
        by: "Alice Example".into(),
        date: Date::parse("2026-11-20").unwrap(),
        rubric_version: "1.0.0".into(),
    }
}

#[test]
fn two_sessions_saving_at_once_lose_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".readiness/answers.yaml");
    let sessions: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|who| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                for i in 0..60 {
                    mine.push(answer(&format!("{who}-{i:02}"), AnswerValue::Manual));
                    save_merged(&path, "answers.yaml", &mine, crate::fsutil::Chosen::ByUser)
                        .unwrap();
                }
            })
        })
        .collect();
    for s in sessions {
        s.join().unwrap();
    }
    let saved = load(&path, "answers.yaml", crate::fsutil::Chosen::ByUser).unwrap();
    assert_eq!(saved.entries.len(), 120);
    // One fixed temporary name, and none left after the last write.
    let stray: Vec<_> = std::fs::read_dir(dir.path().join(".readiness"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn a_hand_edit_during_a_session_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.yaml");
    let by_user = crate::fsutil::Chosen::ByUser;
    save_merged(&path, "a", &[answer("MINE-1", AnswerValue::No)], by_user).unwrap();
    // Someone else adds an answer (a pull, an edit) between two saves.
    let mut edited = load(&path, "a", by_user).unwrap();
    edited.set(answer("THEIRS", AnswerValue::Automated));
    save(&path, &edited).unwrap();
    let mine = [
        answer("MINE-1", AnswerValue::No),
        answer("MINE-2", AnswerValue::Manual),
    ];
    let now = save_merged(&path, "a", &mine, by_user).unwrap();
    let checks: Vec<&str> = now.entries.iter().map(|a| a.check.as_str()).collect();
    assert_eq!(checks, vec!["MINE-1", "THEIRS", "MINE-2"]);
}

#[test]
fn the_comments_a_file_opens_with_are_kept_when_it_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.yaml");
    let by_user = crate::fsutil::Chosen::ByUser;
    let own = "# Platform team: ask #ml-platform before changing these.\n\n# Reviewed each quarter.\nversion: 1\nanswers: []\n";
    std::fs::write(&path, own).unwrap();
    save_merged(&path, "a", &[answer("MINE-1", AnswerValue::No)], by_user).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
            text.starts_with("# Platform team: ask #ml-platform before changing these.\n\n# Reviewed each quarter.\nversion: 1\n"),
            "{text}"
        );
    assert!(!text.contains("Answers to `readiness ask`"), "{text}");
    // A new file gets the tool's own header.
    let fresh = dir.path().join("new.yaml");
    save_merged(&fresh, "n", &[answer("MINE-1", AnswerValue::No)], by_user).unwrap();
    let text = std::fs::read_to_string(&fresh).unwrap();
    assert!(text.starts_with(HEADER), "{text}");
}

#[test]
fn a_carriage_return_ends_a_kept_comment_as_yaml_reads_it() {
    // Found by the `own_files` fuzz target: `#\r~` is a comment, then
    // a null document; keeping `~` in the header made the saved file
    // invalid YAML.
    for text in [
        "#\r~",
        "# team\r\n\u{2028}\n",
        "# a\r# b\rversion: 1\ranswers: []\r",
    ] {
        let Ok(answers) = parse("a.yaml", text) else {
            continue;
        };
        let rendered = render(&answers).unwrap();
        let again = parse("a.yaml", &rendered)
            .unwrap_or_else(|e| panic!("{text:?} -> {rendered:?}: {e:?}"));
        assert_eq!(again.entries, answers.entries);
        assert!(rendered.starts_with('#'), "{rendered:?}");
    }
    assert_eq!(leading_comments("#\r~").as_deref(), Some("#\r\n"));
    assert_eq!(
        leading_comments("# a\r# b\rversion: 1").as_deref(),
        Some("# a\r# b\r\n")
    );
}

#[test]
fn round_trip_keeps_every_field_and_order() {
    let mut answers = Answers::default();
    answers.set(answer("EVL-03", AnswerValue::Automated));
    answers.set(answer("VER-05", AnswerValue::NotApplicable));
    answers.set(answer("ZZZ-99", AnswerValue::Manual));
    let text = render(&answers).unwrap();
    let parsed = parse("a.yaml", &text).unwrap();
    assert_eq!(parsed.entries, answers.entries);
    assert_eq!(render(&parsed).unwrap(), text);
}

#[test]
fn every_yaml_reader_reads_the_answers_as_written() {
    // Strings a YAML 1.1 reader takes for something else, or rejects
    // or folds when written raw: booleans, dates, numbers, comments,
    // indicators, NEL, DEL and C1 controls, line and paragraph
    // separators, edge spaces, newlines.
    let tricky = [
        "no",
        "on",
        "2026-01-01",
        "1.0",
        "~",
        "#x",
        "a: b",
        "- x",
        "*x",
        "!x",
        "@x",
        "\u{85}nel",
        "del\u{7f}",
        "c1\u{9b}x",
        "a\u{2028}b",
        " lead",
        "trail ",
        "two\nlines",
        "tab\tx",
        "\"q\"",
        "'q'",
        "é ü",
    ];
    let mut answers = Answers::default();
    for (i, text) in tricky.iter().enumerate() {
        let mut a = answer(&format!("CHK-{i:02}"), AnswerValue::No);
        a.note = Some((*text).to_owned());
        a.by = (*text).to_owned();
        answers.set(a);
    }
    let text = render(&answers).unwrap();
    // A bare `no` is false to YAML 1.1 readers (PyYAML, yq v3, Ruby).
    assert!(!text.contains("answer: no\n"), "{text}");
    let parsed = parse("a.yaml", &text).unwrap();
    assert_eq!(parsed.entries, answers.entries);
    // Where PyYAML is installed, read the file with it too.
    let script = "import sys, json, yaml; d = yaml.safe_load(sys.stdin); \
                      print(json.dumps([[a['answer'], a['note'], a['by']] for a in d['answers']]))";
    if let Ok(mut child) = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            let read: Vec<[String; 3]> = serde_json::from_slice(&out.stdout).unwrap();
            let expected: Vec<[String; 3]> = tricky
                .iter()
                .map(|t| ["no".to_owned(), (*t).to_owned(), (*t).to_owned()])
                .collect();
            assert_eq!(read, expected);
        } else {
            // No PyYAML here; anything else is a failure to read.
            assert!(stderr.contains("No module named"), "{stderr}\n{text}");
        }
    }
}

#[test]
fn set_replaces_only_the_answer_given() {
    let mut answers = Answers::default();
    answers.set(answer("A", AnswerValue::No));
    answers.set(answer("B", AnswerValue::No));
    answers.set(answer("A", AnswerValue::Automated));
    assert_eq!(answers.entries.len(), 2);
    assert_eq!(answers.entries[0].answer, AnswerValue::Automated);
    assert_eq!(answers.entries[1].check, "B");
}

#[test]
fn bad_input_is_reported_with_positions() {
    let text = "version: 1\nanswers:\n  - check: EVL-03\n    answer: maybe\n    by: a\n    date: 2026-13-01\n    rubric_version: \"1\"\n  - check: VER-05\n    answer: not_applicable\n    by: a\n    date: 2026-01-01\n    rubric_version: \"1\"\n    colour: red\n";
    let errors = parse("answers.yaml", text).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
            shown,
            vec![
                "answers.yaml:4:13: invalid answer `maybe`; expected one of: no, manual, automated, not_applicable",
                "answers.yaml:6:11: invalid date `2026-13-01`; expected YYYY-MM-DD",
                "answers.yaml:13:5: unknown key `colour` in an answer; expected one of: check, answer, reason, note, by, date, rubric_version",
                "answers.yaml:8:5: a `not_applicable` answer needs a `reason`",
            ]
        );
    let syntax = parse("answers.yaml", "answers: [\n").unwrap_err();
    assert!(
        syntax[0].to_string().starts_with("answers.yaml:"),
        "{:?}",
        syntax
    );
}

#[test]
fn duplicate_answers_are_an_error() {
    let one = "  - {check: A, answer: no, by: x, date: 2026-01-01, rubric_version: \"1\"}\n";
    let text = format!("version: 1\nanswers:\n{one}{one}");
    let errors = parse("f", &text).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "f:4:13: check `A` is answered twice (first at line 3)"
    );
}

#[test]
fn dates_and_staleness() {
    let d = Date::parse("2024-02-29").unwrap();
    assert_eq!(Date::from_days(d.days()), d);
    assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
    assert!(Date::parse("2023-02-29").is_none());
    assert!(Date::parse("2026-1-01").is_none());
    assert!(Date::parse("2026-01-1x").is_none());
    assert!(Date::parse("+2026-01-01").is_none());
    assert_eq!(Date::parse("2000-03-01").unwrap().days(), 11_017);
    assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
    assert_eq!(Date::from_days(i64::MAX).year, 9999);
    let today = Date::parse("2026-11-22").unwrap();
    assert!(!is_stale(Date::parse("2026-05-26").unwrap(), today, 180));
    assert!(is_stale(Date::parse("2026-05-25").unwrap(), today, 180));
}

#[test]
fn save_is_atomic_and_leaves_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".readiness/answers.yaml");
    let mut answers = Answers::default();
    answers.set(answer("EVL-03", AnswerValue::Automated));
    save(&path, &answers).unwrap();
    assert_eq!(
        load(&path, "a", crate::fsutil::Chosen::ByUser)
            .unwrap()
            .entries,
        answers.entries
    );
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("answers.yaml")]);
    assert!(load(
        &dir.path().join("missing.yaml"),
        "m",
        crate::fsutil::Chosen::ByUser
    )
    .unwrap()
    .entries
    .is_empty());
}
