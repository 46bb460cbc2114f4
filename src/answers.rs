//! The answers file (`.readiness/answers.yaml`): what the team answered for
//! checks a scan cannot settle. Parsed strictly with positions, written
//! deterministically and atomically (temp file + rename), and never rewritten
//! except to add or change the answer that was just given.

use crate::diag::Diagnostic;
use crate::node::{self, Node, Pos, Value};
use std::path::Path;

/// Where `ask` writes and `score` reads answers, relative to the repository.
pub const DEFAULT_PATH: &str = ".readiness/answers.yaml";

/// Answers older than this many days are asked again.
pub const DEFAULT_MAX_AGE_DAYS: i64 = 180;

/// The ML Test Score scale, "yes" for questions of fact (a check whose
/// `scale` is `yes_no`), plus "not applicable" (skip is never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    No,
    Manual,
    Automated,
    NotApplicable,
    Yes,
}

impl AnswerValue {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerValue::No => "no",
            AnswerValue::Manual => "manual",
            AnswerValue::Automated => "automated",
            AnswerValue::NotApplicable => "not_applicable",
            AnswerValue::Yes => "yes",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            AnswerValue::No => "no",
            AnswerValue::Manual => "yes, done manually",
            AnswerValue::Automated => "yes, automated",
            AnswerValue::NotApplicable => "not applicable",
            AnswerValue::Yes => "yes",
        }
    }

    fn parse(s: &str) -> Option<AnswerValue> {
        Some(match s {
            "no" => AnswerValue::No,
            "manual" => AnswerValue::Manual,
            "automated" => AnswerValue::Automated,
            "not_applicable" => AnswerValue::NotApplicable,
            "yes" => AnswerValue::Yes,
            _ => return None,
        })
    }
}

/// One answer as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    pub check: String,
    pub answer: AnswerValue,
    /// Required for `not_applicable`: why the check does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A short note or a link to evidence the scan cannot see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub by: String,
    pub date: Date,
    pub rubric_version: String,
}

/// The answers of one file, in file order, with positions for diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub entries: Vec<Answer>,
    /// Position of each entry's `check` key, parallel to `entries`.
    pub positions: Vec<Pos>,
    /// The comment lines the file opens with, kept when it is saved again
    /// (the serializer cannot keep comments inside the entries).
    pub header: Option<String>,
}

impl Answers {
    pub fn get(&self, check: &str) -> Option<&Answer> {
        self.entries.iter().find(|a| a.check == check)
    }

    /// Adds or replaces the answer for one check; every other entry is kept
    /// exactly as it was.
    pub fn set(&mut self, answer: Answer) {
        match self.entries.iter().position(|a| a.check == answer.check) {
            Some(i) => self.entries[i] = answer,
            None => {
                self.entries.push(answer);
                self.positions.push(Pos::default());
            }
        }
    }
}

/// A calendar date (proleptic Gregorian), `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// `YYYY-MM-DD` exactly (four-digit year, two-digit month and day), a
    /// day that exists in that month.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shape {
            return None;
        }
        let date: jiff::civil::Date = s.parse().ok()?;
        Some(Date::from_civil(date))
    }

    fn from_civil(date: jiff::civil::Date) -> Date {
        Date {
            year: i32::from(date.year()),
            month: u8::try_from(date.month()).unwrap_or(1),
            day: u8::try_from(date.day()).unwrap_or(1),
        }
    }

    fn civil(self) -> Option<jiff::civil::Date> {
        jiff::civil::Date::new(
            i16::try_from(self.year).ok()?,
            i8::try_from(self.month).ok()?,
            i8::try_from(self.day).ok()?,
        )
        .ok()
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        let epoch = jiff::civil::date(1970, 1, 1);
        self.civil()
            .and_then(|d| epoch.until(d).ok())
            .map_or(0, |span| i64::from(span.get_days()))
    }

    /// The date `days` days after 1970-01-01, saturating at the years
    /// -9999 and 9999.
    pub fn from_days(days: i64) -> Date {
        let epoch = jiff::civil::date(1970, 1, 1);
        let date = jiff::Span::new()
            .try_days(days)
            .ok()
            .and_then(|span| epoch.checked_add(span).ok())
            .unwrap_or(if days > 0 {
                jiff::civil::Date::MAX
            } else {
                jiff::civil::Date::MIN
            });
        Date::from_civil(date)
    }

    /// Today: from `READINESS_TODAY` (YYYY-MM-DD) when set, so tests and
    /// reproducible CI runs can fix it; otherwise the system clock (UTC).
    /// This is the only place the tool reads the time.
    pub fn today() -> Result<Date, String> {
        if let Ok(fixed) = std::env::var("READINESS_TODAY") {
            return Date::parse(&fixed)
                .ok_or_else(|| format!("READINESS_TODAY=`{fixed}` is not a date (YYYY-MM-DD)"));
        }
        let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
        Ok(Date::from_civil(now.date()))
    }
}

/// Is an answer given on `date` too old to trust on `today`?
pub fn is_stale(date: Date, today: Date, max_age_days: i64) -> bool {
    today.days() - date.days() > max_age_days
}

const ENTRY_KEYS: &[&str] = &[
    "check",
    "answer",
    "reason",
    "note",
    "by",
    "date",
    "rubric_version",
];

/// The comment and blank lines before a file's first line of YAML, when
/// there is at least one comment. Lines end where YAML's do: at `\n`,
/// `\r\n` or a lone `\r` (`#\r~` is a comment, then a document), and only
/// YAML's blanks (space, tab) make a line blank.
fn leading_comments(text: &str) -> Option<String> {
    let mut header = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = match rest.find(['\r', '\n']) {
            Some(at) if rest[at..].starts_with("\r\n") => at + 2,
            Some(at) => at + 1,
            None => rest.len(),
        };
        let (line, after) = rest.split_at(end);
        let trimmed = line.trim_matches([' ', '\t', '\r', '\n']);
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            break;
        }
        header.push_str(line);
        rest = after;
    }
    if !header.ends_with('\n') && !header.is_empty() {
        header.push('\n');
    }
    header.contains('#').then_some(header)
}

/// Parses an answers file. Every problem is reported with its position.
pub fn parse(file: &str, text: &str) -> Result<Answers, Vec<Diagnostic>> {
    let root = node::parse_yaml(text).map_err(|e| {
        vec![Diagnostic::new(
            file,
            e.pos,
            format!("invalid YAML: {}", e.message),
        )]
    })?;
    let mut errors = Vec::new();
    let mut answers = Answers {
        header: leading_comments(text),
        ..Answers::default()
    };
    let err = |errors: &mut Vec<Diagnostic>, pos: Pos, msg: String| {
        errors.push(Diagnostic::new(file, pos, msg))
    };
    let Value::Map(top) = &root.value else {
        if root.value == Value::Null {
            return Ok(answers);
        }
        return Err(vec![Diagnostic::new(
            file,
            root.pos,
            "expected a mapping with `version` and `answers`",
        )]);
    };
    for entry in top {
        if !matches!(entry.key.as_str(), "version" | "answers") {
            err(
                &mut errors,
                entry.key_pos,
                format!(
                    "unknown key `{}`; expected `version` or `answers`",
                    entry.key
                ),
            );
        }
    }
    if let Some(v) = root.get("version") {
        if v.scalar_text().as_deref() != Some("1") {
            err(
                &mut errors,
                v.pos,
                "unsupported answers file `version`; this readiness reads version 1".into(),
            );
        }
    }
    let items: &[Node] = match root.get("answers") {
        None => &[],
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items,
        Some(Node {
            value: Value::Null, ..
        }) => &[],
        Some(other) => {
            err(&mut errors, other.pos, "`answers` must be a list".into());
            &[]
        }
    };
    for item in items {
        let Value::Map(fields) = &item.value else {
            err(
                &mut errors,
                item.pos,
                "each answer must be a mapping".into(),
            );
            continue;
        };
        for f in fields {
            if !ENTRY_KEYS.contains(&f.key.as_str()) {
                err(
                    &mut errors,
                    f.key_pos,
                    format!(
                        "unknown key `{}` in an answer; expected one of: {}",
                        f.key,
                        ENTRY_KEYS.join(", ")
                    ),
                );
            }
        }
        let text_of = |errors: &mut Vec<Diagnostic>, key: &str, required: bool| -> Option<String> {
            match item.get(key) {
                None if required => {
                    errors.push(Diagnostic::new(
                        file,
                        item.pos,
                        format!("answer is missing required key `{key}`"),
                    ));
                    None
                }
                None
                | Some(Node {
                    value: Value::Null, ..
                }) => None,
                Some(n) => match n.scalar_text() {
                    Some(t) if !t.trim().is_empty() => Some(t),
                    _ => {
                        errors.push(Diagnostic::new(
                            file,
                            n.pos,
                            format!("`{key}` must be a non-empty string"),
                        ));
                        None
                    }
                },
            }
        };
        let check = text_of(&mut errors, "check", true);
        let answer = text_of(&mut errors, "answer", true).and_then(|a| {
            let parsed = AnswerValue::parse(&a);
            if parsed.is_none() {
                let pos = item.get("answer").map(|n| n.pos).unwrap_or(item.pos);
                errors.push(Diagnostic::new(file, pos, format!("invalid answer `{a}`; expected one of: no, manual, automated, not_applicable")));
            }
            parsed
        });
        let reason = text_of(&mut errors, "reason", false);
        let note = text_of(&mut errors, "note", false);
        let by = text_of(&mut errors, "by", true);
        let date = text_of(&mut errors, "date", true).and_then(|d| {
            let parsed = Date::parse(&d);
            if parsed.is_none() {
                let pos = item.get("date").map(|n| n.pos).unwrap_or(item.pos);
                errors.push(Diagnostic::new(
                    file,
                    pos,
                    format!("invalid date `{d}`; expected YYYY-MM-DD"),
                ));
            }
            parsed
        });
        let rubric_version = text_of(&mut errors, "rubric_version", true);
        if answer == Some(AnswerValue::NotApplicable) && reason.is_none() {
            errors.push(Diagnostic::new(
                file,
                item.pos,
                "a `not_applicable` answer needs a `reason`",
            ));
        }
        let check_pos = item.get("check").map(|n| n.pos).unwrap_or(item.pos);
        if let Some(c) = &check {
            if let Some(i) = answers.entries.iter().position(|a| &a.check == c) {
                let line = answers.positions[i].line;
                errors.push(Diagnostic::new(
                    file,
                    check_pos,
                    format!("check `{c}` is answered twice (first at line {line})"),
                ));
                continue;
            }
        }
        if let (Some(check), Some(answer), Some(by), Some(date), Some(rubric_version)) =
            (check, answer, by, date, rubric_version)
        {
            answers.entries.push(Answer {
                check,
                answer,
                reason,
                note,
                by,
                date,
                rubric_version,
            });
            answers.positions.push(check_pos);
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Reads the answers file; a missing file is an empty set of answers. The
/// default file is the repository's: it must be a regular file inside it
/// (see [`crate::fsutil::read_bounded`]).
pub fn load(
    path: &Path,
    shown_as: &str,
    chosen: crate::fsutil::Chosen,
) -> Result<Answers, Vec<Diagnostic>> {
    match crate::fsutil::read_bounded(path, crate::fsutil::MAX_OWN_FILE, chosen) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|e| {
                vec![Diagnostic::new(
                    shown_as,
                    node::invalid_utf8_pos(&e),
                    "answers file is not valid UTF-8",
                )]
            })?;
            parse(shown_as, &text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Answers::default()),
        Err(e) => Err(vec![Diagnostic::new(
            shown_as,
            Pos::default(),
            format!("cannot read: {e}"),
        )]),
    }
}

/// The text every answers file starts with.
const HEADER: &str = "# Answers to `readiness ask`: what a repository scan cannot see.\n# Commit this file; `readiness score` reads it (use --evidence-only to ignore it).\n";

/// The file's text: its opening comments (the file's own, else ours), then
/// entries in the order given,
/// written by a YAML serializer (serde-saphyr), which quotes every string
/// a YAML 1.1 or 1.2 reader could take for something else (`no`, `on`,
/// dates, numbers) and escapes what they reject or fold (DEL, C1 controls,
/// NEL), so PyYAML, yq and GitHub's loaders read the values written.
pub fn render(answers: &Answers) -> std::io::Result<String> {
    #[derive(serde::Serialize)]
    struct File<'a> {
        version: u32,
        answers: &'a [Answer],
    }
    let body = serde_saphyr::to_string(&File {
        version: 1,
        answers: &answers.entries,
    })
    .map_err(|e| std::io::Error::other(format!("cannot write the answers as YAML: {e}")))?;
    let header = answers.header.as_deref().unwrap_or(HEADER);
    Ok(format!("{header}{body}"))
}

/// Writes the file atomically (see [`crate::fsutil::write_atomic`]).
pub fn save(path: &Path, answers: &Answers) -> std::io::Result<()> {
    crate::fsutil::write_atomic(path, render(answers)?.as_bytes())
}

/// Saves this session's answers without losing anyone else's: under a lock
/// beside the file, the file is read again (another `ask`, a `git pull` or a
/// hand edit may have changed it), the answers in `mine` replace those for
/// the same checks, everything else on disk is kept, and the result is
/// written atomically. Returns what is now on disk.
pub fn save_merged(
    path: &Path,
    shown_as: &str,
    mine: &[Answer],
    chosen: crate::fsutil::Chosen,
) -> std::io::Result<Answers> {
    let lock = crate::fsutil::lock_beside(path)?;
    let mut current = load(path, shown_as, chosen).map_err(|errors| {
        let first = errors
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("changed on disk during the session and no longer parses ({first}); fix it and run ask again"),
        )
    })?;
    for answer in mine {
        current.set(answer.clone());
    }
    crate::fsutil::write_atomic_locked(path, render(&current)?.as_bytes(), &lock)?;
    Ok(current)
}

#[cfg(test)]
mod tests;
