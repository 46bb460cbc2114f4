//! The questionnaire over typed lines: a letter per answer, an optional
//! note after it (`m see runbook.md`), `b` to go back, `?` for help. For
//! terminals the arrow-key prompts cannot drive, and for tests.

use super::{Prompter, Question, Step};
use crate::answers::AnswerValue;
use crate::rubric::model::Scale;
use std::io::{self, BufRead, Write};

const PRACTICE: &str =
    "[n] no  [m] manually  [a] automated  [x] not applicable  [s] skip  [b] back  [q] quit  [?] help";
const YES_NO: &str = "[n] no  [y] yes  [x] not applicable  [s] skip  [b] back  [q] quit  [?] help";

/// Prompts on `output`, reads answers from `input`.
pub struct LinePrompter<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> LinePrompter<R, W> {
    pub fn new(input: R, output: W) -> Self {
        LinePrompter { input, output }
    }

    /// What was written (for tests that prompt into a buffer).
    pub fn into_output(self) -> W {
        self.output
    }

    /// Reads one line; `None` at end of input.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
    }

    fn wrap(&mut self, text: &str, first: &str, indent: &str) -> io::Result<()> {
        let mut s = String::new();
        crate::render::table::wrap_into(&mut s, crate::render::table::WIDTH, text, first, indent);
        self.output.write_all(s.as_bytes())
    }

    /// The required reason for "not applicable"; `None` when input ends.
    fn reason(&mut self) -> io::Result<Option<String>> {
        loop {
            write!(self.output, "  Why does it not apply? (required) ")?;
            self.output.flush()?;
            match self.read_line()? {
                None => return Ok(None),
                Some(line) if line.trim().is_empty() => {
                    writeln!(self.output, "  A reason is required for `not applicable`.")?
                }
                Some(line) => return Ok(Some(line.trim().to_owned())),
            }
        }
    }
}

/// A typed line: a choice and, after it, the note (or the reason for `x`).
/// The letters are the question's scale's: `m` and `a` for a practice, `y`
/// for a fact.
fn parse(line: &str, scale: Scale) -> Option<(Choice, Option<String>)> {
    let line = line.trim();
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let choice = match word.to_ascii_lowercase().as_str() {
        "n" | "no" => Choice::Answer(AnswerValue::No),
        "m" | "manual" | "manually" if scale == Scale::Practice => {
            Choice::Answer(AnswerValue::Manual)
        }
        "a" | "auto" | "automated" if scale == Scale::Practice => {
            Choice::Answer(AnswerValue::Automated)
        }
        "y" | "yes" if scale == Scale::YesNo => Choice::Answer(AnswerValue::Yes),
        "x" | "na" | "n/a" => Choice::Answer(AnswerValue::NotApplicable),
        "s" | "skip" | "" => Choice::Skip,
        "b" | "back" => Choice::Back,
        "q" | "quit" | "exit" => Choice::Quit,
        "?" | "h" | "help" => Choice::Help,
        _ => return None,
    };
    Some((choice, (!rest.is_empty()).then(|| rest.to_owned())))
}

enum Choice {
    Answer(AnswerValue),
    Skip,
    Back,
    Quit,
    Help,
}

impl<R: BufRead, W: Write> Prompter for LinePrompter<R, W> {
    fn say(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.output, "{text}")
    }

    fn ask(&mut self, q: &Question) -> io::Result<Step> {
        self.output.write_all(super::header(q).as_bytes())?;
        let (choices, letters) = match q.item.scale {
            Scale::Practice => (PRACTICE, "n, m, a, x, s, b or q"),
            Scale::YesNo => (YES_NO, "n, y, x, s, b or q"),
        };
        loop {
            writeln!(self.output, "  {choices}")?;
            writeln!(
                self.output,
                "  (a note goes after the letter: `{} see the runbook`)",
                if q.item.scale == Scale::YesNo {
                    "y"
                } else {
                    "m"
                }
            )?;
            write!(self.output, "> ")?;
            self.output.flush()?;
            let Some(line) = self.read_line()? else {
                return Ok(Step::Quit);
            };
            let Some((choice, rest)) = parse(&line, q.item.scale) else {
                // "Yes" to a practice does not say how: asked again, never
                // guessed.
                let word = line.trim().to_ascii_lowercase();
                if q.item.scale == Scale::Practice && matches!(word.as_str(), "y" | "yes") {
                    writeln!(
                        self.output,
                        "  Yes, but how: [m] done manually or [a] automated?"
                    )?;
                } else {
                    writeln!(self.output, "  Please type one of {letters}.")?;
                }
                continue;
            };
            match choice {
                Choice::Help => {
                    let fix = q.item.fix.clone();
                    self.wrap(&fix, "  How to meet it: ", "       ")?;
                    writeln!(
                        self.output,
                        "  {}",
                        match q.item.scale {
                            Scale::Practice =>
                                "Answer for what is in place today: n no, m done by hand, \
                                a automated (runs without anyone), x does not apply (say why), \
                                s skip, b back, q stop.",
                            Scale::YesNo =>
                                "Answer for what is true today: n no, y yes, x does not \
                                apply (say why), s skip, b back, q stop.",
                        }
                    )?;
                }
                Choice::Back if !q.can_go_back => {
                    writeln!(self.output, "  This is the first question.")?
                }
                Choice::Back => return Ok(Step::Back),
                Choice::Skip => return Ok(Step::Skip),
                Choice::Quit => return Ok(Step::Quit),
                Choice::Answer(AnswerValue::NotApplicable) => {
                    let reason = match rest {
                        Some(reason) => reason,
                        None => match self.reason()? {
                            Some(reason) => reason,
                            None => return Ok(Step::Quit),
                        },
                    };
                    return Ok(Step::Answer {
                        value: AnswerValue::NotApplicable,
                        reason: Some(reason),
                        note: None,
                    });
                }
                Choice::Answer(value) => {
                    return Ok(Step::Answer {
                        value,
                        reason: None,
                        note: rest,
                    })
                }
            }
        }
    }
}
