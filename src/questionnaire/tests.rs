//! Tests of `readiness ask`: which questions are asked, the answer and
//! note prompts, going back, and answers saved one by one (interrupts and
//! end of input included).

use super::*;
use crate::rubric::model::Scale;
use crate::scan::EvidenceIndex;
use lines::LinePrompter;

fn setup() -> (Catalog, Report) {
    let catalog = crate::load_catalog(&[]).unwrap();
    let index = EvidenceIndex {
        hits: vec![Vec::new(); catalog.probes.len()],
        unknown: vec![Vec::new(); catalog.probes.len()],
        ..EvidenceIndex::default()
    };
    let report = crate::eval::build_report(&catalog, &index, None, None);
    (catalog, report)
}

fn options() -> AskOptions {
    AskOptions {
        review_detected: false,
        only: Vec::new(),
        areas: Vec::new(),
        max_level: None,
        next_only: false,
        max_age_days: 180,
        today: Date::parse("2026-11-22").unwrap(),
        by: "Tess Ter".into(),
        file: ".readiness/answers.yaml".into(),
    }
}

#[test]
fn filters_narrow_the_questions_to_an_area_a_level_or_the_next_step() {
    let (catalog, report) = setup();
    let all = plan(&catalog, &report, &Answers::default(), &options());
    let evals = plan(
        &catalog,
        &report,
        &Answers::default(),
        &AskOptions {
            areas: vec!["evals".into()],
            max_level: Some(2),
            ..options()
        },
    );
    assert!(!evals.is_empty() && evals.len() < all.len());
    assert!(evals
        .iter()
        .all(|i| i.area == "evals" && i.check.level <= 2));
    let next = plan(
        &catalog,
        &report,
        &Answers::default(),
        &AskOptions {
            next_only: true,
            ..options()
        },
    );
    assert!(!next.is_empty() && next.len() < all.len());
    assert!(next
        .iter()
        .all(|i| report.next_steps.iter().any(|s| s.check == i.check.id)));
}

/// The default plan's questions of one scale.
fn items_of(scale: Scale) -> Vec<Item> {
    let (catalog, report) = setup();
    let mut items = plan(&catalog, &report, &Answers::default(), &options());
    items.retain(|i| i.scale == scale);
    items
}

/// A whole session over the default plan's practice questions with
/// `typed` as input: the items, the answers it left and what it printed.
fn session(typed: &'static str) -> (Vec<Item>, Answers, String) {
    session_of(Scale::Practice, typed)
}

fn session_of(scale: Scale, typed: &'static str) -> (Vec<Item>, Answers, String) {
    let items = items_of(scale);
    let mut answers = Answers::default();
    let mut prompter = LinePrompter::new(io::Cursor::new(typed), Vec::new());
    run(&items, &mut answers, &options(), &mut prompter, |_| Ok(())).unwrap();
    let out = String::from_utf8(prompter.into_output()).unwrap();
    (items, answers, out)
}

#[test]
fn question_mark_shows_how_to_meet_the_check_and_asks_again() {
    let (items, answers, text) = session("?\nn\n\nq\n");
    let first_fix: String = items[0]
        .fix
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("How to meet it: "), "{text}");
    assert!(text.contains(&first_fix), "{first_fix}: {text}");
    assert_eq!(answers.entries.len(), 1);
    assert_eq!(answers.entries[0].answer, AnswerValue::No);
}

#[test]
fn yes_is_asked_again_never_taken_as_automated() {
    let (_, answers, text) = session("yes\nm\nq\n");
    assert!(
        text.contains("Yes, but how: [m] done manually or [a] automated?"),
        "{text}"
    );
    assert_eq!(answers.entries.len(), 1);
    assert_eq!(answers.entries[0].answer, AnswerValue::Manual);
    assert_eq!(answers.entries[0].note, None);
}

#[test]
fn a_question_of_fact_is_answered_yes_or_no() {
    let (items, answers, text) = session_of(Scale::YesNo, "m\na\ny see MODEL_CARD.md\nq\n");
    assert!(
        text.contains("[n] no  [y] yes  [x] not applicable"),
        "{text}"
    );
    assert!(
        text.contains("Please type one of n, y, x, s, b or q."),
        "{text}"
    );
    assert_eq!(answers.entries.len(), 1);
    assert_eq!(answers.entries[0].check, items[0].check.id);
    assert_eq!(answers.entries[0].answer, AnswerValue::Yes);
    assert_eq!(
        answers.entries[0].note.as_deref(),
        Some("see MODEL_CARD.md")
    );
}

#[test]
fn a_note_is_taken_only_when_typed_after_the_answer() {
    let (_, answers, text) = session("m promote.sh pins it\nn\nq\n");
    assert!(!text.contains("Note or link"), "{text}");
    assert_eq!(
        answers.entries[0].note.as_deref(),
        Some("promote.sh pins it")
    );
    assert_eq!(answers.entries[1].note, None);
}

#[test]
fn back_returns_to_the_previous_question_with_its_answer_shown() {
    let (items, answers, text) = session("b\nn\nb\na\nq\n");
    assert!(text.contains("This is the first question."), "{text}");
    assert!(
        text.contains("Current answer: no (Tess Ter, 2026-11-22)"),
        "{text}"
    );
    assert_eq!(answers.entries.len(), 1, "one check, answered twice");
    assert_eq!(answers.entries[0].check, items[0].check.id);
    assert_eq!(answers.entries[0].answer, AnswerValue::Automated);
    assert!(
        text.contains("1 answered, 0 skipped, stopped early"),
        "{text}"
    );
}

#[test]
fn an_interrupt_after_an_answer_keeps_it() {
    /// Input that gives one line, then fails as a read cut short by
    /// Ctrl-C does.
    struct Interrupted(Option<&'static [u8]>);
    impl io::Read for Interrupted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.take() {
                Some(line) => {
                    buf[..line.len()].copy_from_slice(line);
                    Ok(line.len())
                }
                None => Err(io::Error::other("interrupted")),
            }
        }
    }
    let items = items_of(Scale::Practice);
    let mut answers = Answers::default();
    let mut saved = Vec::new();
    let input = io::BufReader::new(Interrupted(Some(b"a\n")));
    let mut prompter = LinePrompter::new(input, Vec::new());
    let result = run(&items, &mut answers, &options(), &mut prompter, |a| {
        saved.push(a.entries.clone());
        Ok(())
    });
    assert!(result.is_err());
    assert_eq!(saved.len(), 1, "saved before the next question was asked");
    assert_eq!(saved[0][0].answer, AnswerValue::Automated);
}

#[test]
fn asks_unsettled_checks_with_questions_and_saves_each_answer() {
    let items = items_of(Scale::Practice);
    assert!(items.iter().all(|i| i.check.outcome != Outcome::Met));
    let first_two: Vec<&str> = items.iter().take(2).map(|i| i.check.id.as_str()).collect();
    let mut answers = Answers::default();
    let mut saves = Vec::new();
    let input = io::Cursor::new("a https://ci.example/eval\nwhat\nx\n\nno vector data\ns\nq\n");
    let mut prompter = LinePrompter::new(input, Vec::new());
    let summary = run(&items, &mut answers, &options(), &mut prompter, |a| {
        saves.push(a.entries.len());
        Ok(())
    })
    .unwrap();
    let text = String::from_utf8(prompter.into_output()).unwrap();
    assert_eq!(
        summary,
        Summary {
            answered: 2,
            skipped: 1,
            stopped: true
        }
    );
    assert_eq!(saves, vec![1, 2], "saved after every answer");
    assert_eq!(answers.entries[0].check, first_two[0]);
    assert_eq!(answers.entries[0].answer, AnswerValue::Automated);
    assert_eq!(
        answers.entries[0].note.as_deref(),
        Some("https://ci.example/eval")
    );
    assert_eq!(answers.entries[1].answer, AnswerValue::NotApplicable);
    assert_eq!(answers.entries[1].reason.as_deref(), Some("no vector data"));
    assert_eq!(answers.entries[1].by, "Tess Ter");
    assert!(text.contains("Please type one of"), "{text}");
    assert!(text.contains("A reason is required"), "{text}");
    assert!(
        text.contains("Scan: found no evidence in the repository"),
        "{text}"
    );
}

#[test]
fn answered_checks_are_not_asked_again_until_stale_or_revisited() {
    let (catalog, report) = setup();
    let all = plan(&catalog, &report, &Answers::default(), &options());
    let first = all[0].check.id.clone();
    let mut answers = Answers::default();
    let mut answer = Answer {
        check: first.clone(),
        answer: AnswerValue::Manual,
        reason: None,
        note: None,
        by: "a".into(),
        date: Date::parse("2026-11-01").unwrap(),
        rubric_version: "1.0.0".into(),
    };
    answers.set(answer.clone());
    let items = plan(&catalog, &report, &answers, &options());
    assert!(items.iter().all(|i| i.check.id != first));
    assert_eq!(items.len(), all.len() - 1);
    answer.date = Date::parse("2025-01-01").unwrap();
    answers.set(answer);
    let items = plan(&catalog, &report, &answers, &options());
    assert_eq!(items[0].check.id, first, "stale answers are asked again");
    let only = AskOptions {
        only: vec!["OWN-01".into()],
        ..options()
    };
    let items = plan(&catalog, &report, &answers, &only);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].check.id, "OWN-01");
}

#[test]
fn end_of_input_stops_without_losing_saved_answers() {
    let items = items_of(Scale::Practice);
    let mut answers = Answers::default();
    let mut prompter = LinePrompter::new(io::Cursor::new("m\n"), Vec::new());
    let summary = run(&items, &mut answers, &options(), &mut prompter, |_| Ok(())).unwrap();
    assert_eq!(summary.answered, 1);
    assert!(summary.stopped);
    assert_eq!(answers.entries[0].answer, AnswerValue::Manual);
}
