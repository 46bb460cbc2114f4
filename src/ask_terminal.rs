//! `readiness ask` on a terminal: arrow-key menus (inquire) with the answer
//! on file highlighted, Esc to go back, a note only when asked for, and an
//! explanation on request. Ctrl-C stops; every answer chosen is saved first.

use readiness::answers::AnswerValue;
use readiness::questionnaire::{header, Prompter, Question, Step};
use readiness::rubric::model::Scale;
use std::fmt;
use std::io::{self, Write};

/// One entry of the menu.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pick {
    Answer(AnswerValue),
    Note,
    Explain,
    Skip,
    Back,
    Stop,
}

impl fmt::Display for Pick {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Pick::Answer(AnswerValue::No) => "no: not in place",
            Pick::Answer(AnswerValue::Manual) => "yes, done by hand",
            Pick::Answer(AnswerValue::Automated) => "yes, automated: runs without anyone",
            Pick::Answer(AnswerValue::NotApplicable) => "does not apply here (say why)",
            Pick::Answer(AnswerValue::Yes) => "yes",
            Pick::Note => "add a note or link, then answer",
            Pick::Explain => "explain: how to meet this check",
            Pick::Skip => "skip for now",
            Pick::Back => "back to the previous question",
            Pick::Stop => "stop here (every answer so far is saved)",
        })
    }
}

/// A menu entry with a mark on the answer on file.
struct Entry {
    pick: Pick,
    current: bool,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.pick)?;
        if self.current {
            f.write_str("  (current answer)")?;
        }
        Ok(())
    }
}

pub struct TerminalPrompter;

impl TerminalPrompter {
    /// Menus in the terminal's colours, or plain under `NO_COLOR`
    /// (no-color.org: any non-empty value).
    pub fn new() -> TerminalPrompter {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            inquire::set_global_render_config(inquire::ui::RenderConfig::empty());
        }
        TerminalPrompter
    }
}

fn failed(err: inquire::InquireError) -> io::Error {
    match err {
        inquire::InquireError::IO(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

impl TerminalPrompter {
    fn print(&self, text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// A line of text; `None` on Esc (go back to the menu).
    fn text(&self, message: &str, required: bool) -> io::Result<Option<String>> {
        let mut prompt = inquire::Text::new(message);
        if required {
            prompt = prompt.with_validator(|s: &str| {
                Ok(if s.trim().is_empty() {
                    inquire::validator::Validation::Invalid("A reason is required.".into())
                } else {
                    inquire::validator::Validation::Valid
                })
            });
        }
        match prompt.prompt_skippable() {
            Ok(text) => Ok(text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())),
            Err(inquire::InquireError::OperationInterrupted) => {
                Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"))
            }
            Err(e) => Err(failed(e)),
        }
    }
}

impl Prompter for TerminalPrompter {
    fn say(&mut self, text: &str) -> io::Result<()> {
        self.print(&format!("{text}\n"))
    }

    fn ask(&mut self, q: &Question) -> io::Result<Step> {
        self.print(&header(q))?;
        let current = q.current.map(|a| a.answer);
        let mut note: Option<String> = None;
        loop {
            let answers: &[AnswerValue] = match q.item.scale {
                Scale::Practice => &[
                    AnswerValue::No,
                    AnswerValue::Manual,
                    AnswerValue::Automated,
                    AnswerValue::NotApplicable,
                ],
                Scale::YesNo => &[
                    AnswerValue::No,
                    AnswerValue::Yes,
                    AnswerValue::NotApplicable,
                ],
            };
            let mut picks: Vec<Pick> = answers.iter().map(|&a| Pick::Answer(a)).collect();
            picks.extend([Pick::Note, Pick::Explain, Pick::Skip]);
            if q.can_go_back {
                picks.push(Pick::Back);
            }
            picks.push(Pick::Stop);
            let start = picks
                .iter()
                .position(|p| current.is_some_and(|c| *p == Pick::Answer(c)))
                .unwrap_or(0);
            let entries: Vec<Entry> = picks
                .iter()
                .map(|&pick| Entry {
                    pick,
                    current: current.is_some_and(|c| pick == Pick::Answer(c)),
                })
                .collect();
            let message = match &note {
                Some(n) => format!("Your answer (note: {n})"),
                None => "Your answer".to_owned(),
            };
            let help = if q.can_go_back {
                "↑↓ move, Enter chooses, type to filter, Esc goes back, Ctrl-C stops"
            } else {
                "↑↓ move, Enter chooses, type to filter, Ctrl-C stops"
            };
            let chosen = inquire::Select::new(&message, entries)
                .with_starting_cursor(start)
                .with_help_message(help)
                .with_page_size(10)
                .prompt_skippable();
            let pick = match chosen {
                Ok(Some(entry)) => entry.pick,
                Ok(None) if q.can_go_back => return Ok(Step::Back),
                Ok(None) => continue,
                Err(inquire::InquireError::OperationInterrupted) => return Ok(Step::Quit),
                Err(e) => return Err(failed(e)),
            };
            match pick {
                Pick::Answer(AnswerValue::NotApplicable) => {
                    let interrupted = |e: &io::Error| e.kind() == io::ErrorKind::Interrupted;
                    match self.text("Why does it not apply? (required)", true) {
                        Ok(Some(reason)) => {
                            return Ok(Step::Answer {
                                value: AnswerValue::NotApplicable,
                                reason: Some(reason),
                                note,
                            })
                        }
                        Ok(None) => continue,
                        Err(e) if interrupted(&e) => return Ok(Step::Quit),
                        Err(e) => return Err(e),
                    }
                }
                Pick::Answer(value) => {
                    return Ok(Step::Answer {
                        value,
                        reason: None,
                        note,
                    })
                }
                Pick::Note => match self.text("Note or link:", false) {
                    Ok(text) => note = text.or(note),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(Step::Quit),
                    Err(e) => return Err(e),
                },
                Pick::Explain => {
                    let mut text = String::new();
                    readiness::render::table::wrap_into(
                        &mut text,
                        readiness::render::table::WIDTH,
                        &q.item.fix,
                        "  How to meet it: ",
                        "       ",
                    );
                    self.print(&text)?;
                }
                Pick::Skip => return Ok(Step::Skip),
                Pick::Back => return Ok(Step::Back),
                Pick::Stop => return Ok(Step::Quit),
            }
        }
    }
}
