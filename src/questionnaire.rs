//! The questionnaire: after a scan, asks what the scan could not settle and
//! records each answer at once through a save callback (the binary saves the
//! answers file atomically), so an interrupted session loses nothing.
//!
//! Generic over `BufRead` + `Write`: the binary passes the terminal, tests
//! pass scripted input. It never decides whether input is interactive; the
//! binary refuses to run it when stdin is not a terminal.

use crate::answers::{is_stale, Answer, AnswerValue, Answers, Date};
use crate::report::{CheckResult, Outcome, Report};
use crate::rubric::Catalog;
use std::io::{self, BufRead, Write};

#[derive(Debug, Clone)]
pub struct AskOptions {
    /// Also ask checks whose evidence was detected.
    pub review_detected: bool,
    /// Ask exactly these checks (revisiting answers), when not empty.
    pub only: Vec<String>,
    /// Only these areas, when not empty.
    pub areas: Vec<String>,
    /// Only checks at or below this level.
    pub max_level: Option<u8>,
    /// Only what stands between the project and its next level (the
    /// report's next steps).
    pub next_only: bool,
    pub max_age_days: i64,
    pub today: Date,
    /// Recorded as `by` in every answer.
    pub by: String,
    /// Shown in messages: where answers are saved.
    pub file: String,
}

/// One question to ask.
#[derive(Debug, Clone)]
pub struct Item {
    pub area: String,
    pub area_title: String,
    pub check: CheckResult,
    pub question: String,
    pub why: String,
    /// How to meet the check (shown on `?`).
    pub fix: String,
    pub rubric_version: String,
    pub existing: Option<Answer>,
}

/// Chooses the questions, area by area in catalogue order, lowest level first.
/// `scan` is the evidence-only report of the same catalogue.
pub fn plan(
    catalog: &Catalog,
    scan: &Report,
    answers: &Answers,
    options: &AskOptions,
) -> Vec<Item> {
    let mut items = Vec::new();
    for (rubric, area) in catalog.rubrics.iter().zip(&scan.areas) {
        for result in &area.checks {
            let Some(check) = rubric.checks.iter().find(|c| c.id == result.id) else {
                continue;
            };
            let existing = answers.get(&check.id).cloned();
            let wanted = if options.only.is_empty() {
                let settled = result.outcome == Outcome::Met && !options.review_detected;
                let answered_fresh = existing
                    .as_ref()
                    .is_some_and(|a| !is_stale(a.date, options.today, options.max_age_days));
                check.question.is_some()
                    && result.outcome != Outcome::NotApplicable
                    && !settled
                    && !answered_fresh
            } else {
                options.only.contains(&check.id)
            };
            let in_filters = (options.areas.is_empty() || options.areas.contains(&rubric.area))
                && options.max_level.is_none_or(|m| result.level <= m)
                && (!options.next_only || scan.next_steps.iter().any(|s| s.check == result.id));
            if !wanted || !in_filters {
                continue;
            }
            items.push(Item {
                area: rubric.area.clone(),
                area_title: rubric.title.clone(),
                check: result.clone(),
                question: check
                    .question
                    .clone()
                    .unwrap_or_else(|| format!("Is this in place: {}?", check.title)),
                why: check.why.clone(),
                fix: check.fix.clone(),
                rubric_version: rubric.version.clone(),
                existing,
            });
        }
    }
    items
}

/// What a session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub answered: usize,
    pub skipped: usize,
    /// The user quit (or input ended) before the last question.
    pub stopped: bool,
}

const CHOICES: &str =
    "[n] no  [m] manually  [a] automated  [x] not applicable  [s] skip  [q] quit  [?] help";

enum Choice {
    Answer(AnswerValue),
    Skip,
    Quit,
}

fn is_help(line: &str) -> bool {
    matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "?" | "h" | "help"
    )
}

fn parse_choice(line: &str) -> Option<Choice> {
    Some(match line.trim().to_ascii_lowercase().as_str() {
        "n" | "no" => Choice::Answer(AnswerValue::No),
        "m" | "manual" | "manually" => Choice::Answer(AnswerValue::Manual),
        "a" | "auto" | "automated" => Choice::Answer(AnswerValue::Automated),
        "x" | "na" | "n/a" | "not applicable" => Choice::Answer(AnswerValue::NotApplicable),
        "s" | "skip" | "" => Choice::Skip,
        "q" | "quit" | "exit" => Choice::Quit,
        _ => return None,
    })
}

/// Reads one line; `None` at end of input.
fn read_line(input: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
}

fn wrap(out: &mut impl Write, text: &str, first: &str, indent: &str) -> io::Result<()> {
    let mut s = String::new();
    crate::render::table::wrap_into(&mut s, crate::render::table::WIDTH, text, first, indent);
    out.write_all(s.as_bytes())
}

fn describe_scan(check: &CheckResult) -> String {
    match check.outcome {
        Outcome::Met => {
            let places: Vec<String> = check
                .evidence
                .iter()
                .take(3)
                .map(|e| format!("{}:{} `{}`", e.path, e.line, e.snippet))
                .collect();
            format!("found {}", places.join("; "))
        }
        Outcome::Unknown => format!(
            "could not tell: {}",
            check
                .reason
                .as_deref()
                .unwrap_or("a file it needs could not be read")
        ),
        _ if !check.unconfirmed.is_empty() => {
            let places: Vec<String> = check
                .unconfirmed
                .iter()
                .take(3)
                .map(|e| {
                    format!(
                        "{}:{} `{}` ({}, {})",
                        e.path,
                        e.line,
                        e.snippet,
                        e.class.as_str(),
                        e.strength.as_str()
                    )
                })
                .collect();
            format!(
                "found only evidence it cannot accept on its own: {}",
                places.join("; ")
            )
        }
        _ => "found no evidence in the repository".to_owned(),
    }
}

/// Asks every item in turn. `save` is called after each answer with the full
/// set; an error from it stops the session (nothing else is written).
pub fn run(
    items: &[Item],
    answers: &mut Answers,
    options: &AskOptions,
    input: &mut impl BufRead,
    out: &mut impl Write,
    mut save: impl FnMut(&Answers) -> io::Result<()>,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    if items.is_empty() {
        writeln!(
            out,
            "Nothing to ask: every check with a question is detected or already answered."
        )?;
        writeln!(
            out,
            "Use --review to go over detected checks, or --check ID to revisit an answer."
        )?;
        return Ok(summary);
    }
    writeln!(
        out,
        "{} question{} to answer; each answer is saved to {} at once.",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        options.file
    )?;
    writeln!(
        out,
        "Press Enter to skip a question, q to stop; run `readiness ask` again to resume."
    )?;
    let mut area = "";
    for (i, item) in items.iter().enumerate() {
        if item.area != area {
            area = &item.area;
            writeln!(out, "\n== {} ({}) ==", item.area_title, item.area)?;
        }
        let c = &item.check;
        writeln!(out)?;
        wrap(
            out,
            &format!(
                "[{}/{}] {} (level {}) {}",
                i + 1,
                items.len(),
                c.id,
                c.level,
                c.title
            ),
            "",
            "      ",
        )?;
        wrap(out, &item.why, "  Why: ", "       ")?;
        wrap(out, &describe_scan(c), "  Scan: ", "       ")?;
        if let Some(existing) = &item.existing {
            let stale = if is_stale(existing.date, options.today, options.max_age_days) {
                ", stale"
            } else {
                ""
            };
            wrap(
                out,
                &format!(
                    "{} ({}, {}{stale})",
                    existing.answer.describe(),
                    crate::text::printable(&existing.by),
                    existing.date
                ),
                "  Current answer: ",
                "       ",
            )?;
        }
        wrap(out, &item.question, "  Q: ", "     ")?;
        let choice = loop {
            writeln!(out, "  {CHOICES}")?;
            write!(out, "> ")?;
            out.flush()?;
            let Some(line) = read_line(input)? else {
                break Choice::Quit;
            };
            if is_help(&line) {
                wrap(out, &item.fix, "  How to meet it: ", "       ")?;
                writeln!(
                    out,
                    "  Answer for what is in place today: n no, m done by hand, a automated \
                     (runs without anyone), x does not apply (say why), s skip, q stop."
                )?;
                continue;
            }
            match parse_choice(&line) {
                Some(choice) => break choice,
                // "Yes" does not say how: asked again, never guessed.
                None if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") => {
                    writeln!(out, "  Yes, but how: [m] done manually or [a] automated?")?
                }
                None => writeln!(out, "  Please type one of n, m, a, x, s or q.")?,
            }
        };
        let value = match choice {
            Choice::Quit => {
                summary.stopped = true;
                break;
            }
            Choice::Skip => {
                summary.skipped += 1;
                continue;
            }
            Choice::Answer(value) => value,
        };
        let reason = if value == AnswerValue::NotApplicable {
            let mut reason = None;
            while reason.is_none() {
                write!(out, "  Why does it not apply? (required) ")?;
                out.flush()?;
                match read_line(input)? {
                    None => break,
                    Some(line) if line.trim().is_empty() => {
                        writeln!(out, "  A reason is required for `not applicable`.")?
                    }
                    Some(line) => reason = Some(line.trim().to_owned()),
                }
            }
            match reason {
                Some(r) => Some(r),
                None => {
                    summary.stopped = true;
                    break;
                }
            }
        } else {
            None
        };
        // The answer is saved before anything else is asked: Ctrl-C or an
        // error at the note prompt loses nothing chosen.
        let mut answer = Answer {
            check: c.id.clone(),
            answer: value,
            reason,
            note: None,
            by: options.by.clone(),
            date: options.today,
            rubric_version: item.rubric_version.clone(),
        };
        answers.set(answer.clone());
        save(answers)?;
        summary.answered += 1;
        writeln!(out, "  Saved: {} = {}.", c.id, value.describe())?;
        write!(out, "  Note or link (optional, Enter for none): ")?;
        out.flush()?;
        match read_line(input)? {
            None => {
                summary.stopped = true;
                break;
            }
            Some(line) if !line.trim().is_empty() => {
                answer.note = Some(line.trim().to_owned());
                answers.set(answer);
                save(answers)?;
            }
            Some(_) => {}
        }
    }
    writeln!(
        out,
        "\n{} answered, {} skipped{}. Run `readiness score` to see the effect.",
        summary.answered,
        summary.skipped,
        if summary.stopped {
            ", stopped early"
        } else {
            ""
        }
    )?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::EvidenceIndex;

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

    /// A whole session over the default plan with `typed` as input: the
    /// items, the answers it left and what it printed.
    fn session(typed: &'static str) -> (Vec<Item>, Answers, String) {
        let (catalog, report) = setup();
        let items = plan(&catalog, &report, &Answers::default(), &options());
        let mut answers = Answers::default();
        let mut out = Vec::new();
        let mut input = io::Cursor::new(typed);
        run(
            &items,
            &mut answers,
            &options(),
            &mut input,
            &mut out,
            |_| Ok(()),
        )
        .unwrap();
        (items, answers, String::from_utf8(out).unwrap())
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
        // "yes", then the note prompt must not receive the next key: the
        // question is asked again until it says how.
        let (_, answers, text) = session("yes\nm\n\nq\n");
        assert!(
            text.contains("Yes, but how: [m] done manually or [a] automated?"),
            "{text}"
        );
        assert_eq!(answers.entries.len(), 1);
        assert_eq!(answers.entries[0].answer, AnswerValue::Manual);
        assert_eq!(answers.entries[0].note, None);
    }

    #[test]
    fn an_interrupt_at_the_note_prompt_keeps_the_answer() {
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
        let (catalog, report) = setup();
        let items = plan(&catalog, &report, &Answers::default(), &options());
        let mut answers = Answers::default();
        let mut saved = Vec::new();
        let mut input = io::BufReader::new(Interrupted(Some(b"a\n")));
        let mut out = Vec::new();
        let result = run(
            &items,
            &mut answers,
            &options(),
            &mut input,
            &mut out,
            |a| {
                saved.push(a.entries.clone());
                Ok(())
            },
        );
        assert!(result.is_err());
        assert_eq!(saved.len(), 1, "saved before the note was asked");
        assert_eq!(saved[0][0].answer, AnswerValue::Automated);
    }

    #[test]
    fn asks_unsettled_checks_with_questions_and_saves_each_answer() {
        let (catalog, report) = setup();
        let items = plan(&catalog, &report, &Answers::default(), &options());
        assert!(items.iter().all(|i| i.check.outcome != Outcome::Met));
        let first_two: Vec<&str> = items.iter().take(2).map(|i| i.check.id.as_str()).collect();
        let mut answers = Answers::default();
        let mut saves = Vec::new();
        let mut input =
            io::Cursor::new("a\nhttps://ci.example/eval\nwhat\nx\n\nno vector data\n\ns\nq\n");
        let mut out = Vec::new();
        let summary = run(
            &items,
            &mut answers,
            &options(),
            &mut input,
            &mut out,
            |a| {
                saves.push(a.entries.len());
                Ok(())
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            summary,
            Summary {
                answered: 2,
                skipped: 1,
                stopped: true
            }
        );
        // Saved once chosen, again with the note.
        assert_eq!(saves, vec![1, 1, 2], "saved after every answer");
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
        let (catalog, report) = setup();
        let items = plan(&catalog, &report, &Answers::default(), &options());
        let mut answers = Answers::default();
        let mut input = io::Cursor::new("m\n");
        let summary = run(
            &items,
            &mut answers,
            &options(),
            &mut input,
            &mut Vec::new(),
            |_| Ok(()),
        )
        .unwrap();
        assert_eq!(summary.answered, 1);
        assert!(summary.stopped);
        assert_eq!(answers.entries[0].answer, AnswerValue::Manual);
    }
}
