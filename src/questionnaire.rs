//! The questionnaire: after a scan, asks what the scan could not settle and
//! records each answer at once through a save callback (the binary saves the
//! answers file atomically), so an interrupted session loses nothing.
//!
//! Generic over a [`Prompter`]: the binary's arrow-key prompts on a
//! terminal, [`lines::LinePrompter`] for typed lines (and the tests). It
//! never decides whether input is interactive; the binary refuses to run it
//! when stdin is not a terminal.

pub mod lines;

use crate::answers::{is_stale, Answer, AnswerValue, Answers, Date};
use crate::report::{CheckResult, Outcome, Report};
use crate::rubric::Catalog;
use std::io;

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
    /// The answers the question offers.
    pub scale: crate::rubric::model::Scale,
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
                why: check.why.to_string(),
                fix: check.fix.to_string(),
                rubric_version: rubric.version.clone(),
                existing,
                scale: check.scale,
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

/// What the scan saw for a check, in one line.
pub fn describe_scan(check: &CheckResult) -> String {
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

/// One question as a prompter shows it.
pub struct Question<'a> {
    pub item: &'a Item,
    /// 1-based position in the session, and how many questions there are.
    pub number: usize,
    pub total: usize,
    /// The first question of its area (prompters show the area's title).
    pub first_in_area: bool,
    /// What the scan saw ([`describe_scan`]).
    pub scan: String,
    /// The answer on file now (this session's, once given), with whether it
    /// is older than the allowed age.
    pub current: Option<&'a Answer>,
    pub stale: bool,
    /// There is a previous question to go back to.
    pub can_go_back: bool,
}

/// The text shown above a question: its area when it opens one, then
/// number, check, why it matters, what the scan saw and the answer on file.
pub fn header(q: &Question) -> String {
    use crate::render::table::{wrap_into, WIDTH};
    let item = q.item;
    let mut out = String::new();
    if q.first_in_area {
        out.push_str(&format!("\n== {} ({}) ==\n", item.area_title, item.area));
    }
    out.push('\n');
    let c = &item.check;
    let title = format!(
        "[{}/{}] {} (level {}) {}",
        q.number, q.total, c.id, c.level, c.title
    );
    wrap_into(&mut out, WIDTH, &title, "", "      ");
    wrap_into(&mut out, WIDTH, &item.why, "  Why: ", "       ");
    wrap_into(&mut out, WIDTH, &q.scan, "  Scan: ", "       ");
    if let Some(current) = q.current {
        let stale = if q.stale { ", stale" } else { "" };
        let text = format!(
            "{} ({}, {}{stale})",
            current.answer.describe(),
            crate::text::printable(&current.by),
            current.date
        );
        wrap_into(&mut out, WIDTH, &text, "  Current answer: ", "       ");
    }
    wrap_into(&mut out, WIDTH, &item.question, "  Q: ", "     ");
    out
}

/// What the user chose for a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An answer; `reason` is given for (and required by) not applicable,
    /// `note` only when the user asked to add one.
    Answer {
        value: AnswerValue,
        reason: Option<String>,
        note: Option<String>,
    },
    Skip,
    Back,
    Quit,
}

/// How questions reach the user: the terminal's arrow-key prompts in the
/// binary, typed lines in [`lines::LinePrompter`].
pub trait Prompter {
    /// A line of information (the session's introduction, a saved answer,
    /// the closing summary).
    fn say(&mut self, text: &str) -> io::Result<()>;
    /// Shows one question and returns the user's choice.
    fn ask(&mut self, question: &Question) -> io::Result<Step>;
}

impl<P: Prompter + ?Sized> Prompter for Box<P> {
    fn say(&mut self, text: &str) -> io::Result<()> {
        (**self).say(text)
    }
    fn ask(&mut self, question: &Question) -> io::Result<Step> {
        (**self).ask(question)
    }
}

/// Asks the items in order, forward and back as the user goes. `save` is
/// called after each answer with the full set, before anything else is
/// asked; an error from it stops the session (nothing else is written).
pub fn run(
    items: &[Item],
    answers: &mut Answers,
    options: &AskOptions,
    prompter: &mut impl Prompter,
    mut save: impl FnMut(&Answers) -> io::Result<()>,
) -> io::Result<Summary> {
    if items.is_empty() {
        prompter.say(
            "Nothing to ask: every check with a question is detected or already answered.\n\
             Use --review to go over detected checks, or --check ID to revisit an answer.",
        )?;
        return Ok(Summary::default());
    }
    prompter.say(&format!(
        "{} question{} to answer; each answer is saved to {} at once.",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        options.file
    ))?;
    let mut answered = std::collections::BTreeSet::new();
    let mut skipped = std::collections::BTreeSet::new();
    let mut stopped = false;
    let mut at = 0;
    while at < items.len() {
        let item = &items[at];
        let id = item.check.id.as_str();
        let current = answers.get(id).cloned();
        let question = Question {
            item,
            number: at + 1,
            total: items.len(),
            first_in_area: at == 0 || items[at - 1].area != item.area,
            scan: describe_scan(&item.check),
            current: current.as_ref(),
            stale: current
                .as_ref()
                .is_some_and(|a| is_stale(a.date, options.today, options.max_age_days)),
            can_go_back: at > 0,
        };
        match prompter.ask(&question)? {
            Step::Quit => {
                stopped = true;
                break;
            }
            Step::Back => at = at.saturating_sub(1),
            Step::Skip => {
                if !answered.contains(id) {
                    skipped.insert(id);
                }
                at += 1;
            }
            Step::Answer {
                value,
                reason,
                note,
            } => {
                answers.set(Answer {
                    check: id.to_owned(),
                    answer: value,
                    reason,
                    note,
                    by: options.by.clone(),
                    date: options.today,
                    rubric_version: item.rubric_version.clone(),
                });
                save(answers)?;
                answered.insert(id);
                skipped.remove(id);
                prompter.say(&format!("Saved: {id} = {}.", value.describe()))?;
                at += 1;
            }
        }
    }
    let summary = Summary {
        answered: answered.len(),
        skipped: skipped.len(),
        stopped,
    };
    prompter.say(&format!(
        "{} answered, {} skipped{}. Run `readiness score` to see the effect.",
        summary.answered,
        summary.skipped,
        if summary.stopped {
            ", stopped early"
        } else {
            ""
        }
    ))?;
    Ok(summary)
}

#[cfg(test)]
mod tests;
