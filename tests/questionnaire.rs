//! The questionnaire end to end: the real binary in a pseudo-terminal
//! (answer, interrupt with Ctrl-C, resume), the answers file it leaves, and
//! how `score` uses, ignores or questions those answers.

mod support;
use readiness::answers::{self, AnswerValue, Date};
use readiness::report::{Outcome, Source};
use rexpect::session::spawn_command;
use std::path::Path;
use std::process::{Command, Stdio};
use support::{bin, copy_example, find, json_check, Repo, TODAY};

/// Keys as a terminal sends them.
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";

/// Types keys and flushes them to the terminal at once.
fn keys(session: &mut rexpect::session::PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

fn readiness() -> Command {
    let mut cmd = bin();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn score_json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = readiness()
        .args(["score", "--format", "json"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn interactive_session_can_be_interrupted_and_resumed() {
    let repo = copy_example("level-1-training");
    // An answer for a check from some other rubric must survive every save.
    repo.write(
        ".readiness/answers.yaml",
        b"version: 1\nanswers:\n  - check: FUTURE-01\n    answer: automated\n    by: someone\n    date: 2026-11-01\n    rubric_version: \"9.0\"\n",
    );
    let file = repo.path().join(".readiness/answers.yaml");

    // The arrow-key menus: a note first (only because it is asked for),
    // then "yes, done by hand" one row down.
    let mut cmd = readiness();
    cmd.args(["ask", "--by", "Tess Ter"]).arg(repo.path());
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    session.exp_string("questions to answer").unwrap();
    // The first open check with a question is VER-06 (VER-01..04 are
    // detected; VER-05 does not apply: there is no LLM code).
    session.exp_string("[1/").unwrap();
    session.exp_string("VER-06").unwrap();
    session.exp_string("Scan: found no evidence").unwrap();
    session.exp_string("Your answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    // VER-06 is a question of fact: no, yes, not applicable, then "add a
    // note" on the fourth row.
    keys(&mut session, &format!("{DOWN}{DOWN}{DOWN}{ENTER}"));
    session.exp_string("Note or link:").unwrap();
    keys(
        &mut session,
        &format!("promote.sh pins the version by hand{ENTER}"),
    );
    session.exp_string("note: promote.sh pins").unwrap();
    keys(&mut session, &format!("{DOWN}{ENTER}"));
    session.exp_string("Saved: VER-06 = yes.").unwrap();
    session.exp_string("[2/").unwrap();
    let (_, second) = session.exp_regex(r"[A-Z]{3}-\d\d").unwrap();
    session.exp_string("Your answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    keys(&mut session, ENTER);
    session
        .exp_string(&format!("Saved: {second} = no."))
        .unwrap();
    session.exp_string("[3/").unwrap();
    let (_, third) = session.exp_regex(r"[A-Z]{3}-\d\d").unwrap();
    session.exp_string("Your answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    // Esc goes back: the second question again, its answer marked and
    // highlighted; one row down is "yes".
    keys(&mut session, ESC);
    session.exp_string("[2/").unwrap();
    session.exp_string("Current answer: no (Tess Ter").unwrap();
    session.exp_string("(current answer)").unwrap();
    keys(&mut session, &format!("{DOWN}{ENTER}"));
    session
        .exp_string(&format!("Saved: {second} = yes."))
        .unwrap();
    session.exp_string("[3/").unwrap();
    session.exp_string("Your answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    // Ctrl-C stops; both answers are already on disk.
    session.send_control('c').unwrap();
    session
        .exp_string("2 answered, 0 skipped, stopped early")
        .unwrap();
    session.exp_eof().unwrap();

    let saved = answers::load(&file, "answers.yaml", readiness::fsutil::Chosen::ByUser).unwrap();
    let ids: Vec<&str> = saved.entries.iter().map(|a| a.check.as_str()).collect();
    assert_eq!(ids, ["FUTURE-01", "VER-06", second.as_str()]);
    assert_eq!(saved.entries[2].answer, AnswerValue::Yes);
    assert_eq!(saved.entries[1].answer, AnswerValue::Yes);
    assert_eq!(
        saved.entries[1].note.as_deref(),
        Some("promote.sh pins the version by hand")
    );
    assert_eq!(saved.entries[1].by, "Tess Ter");
    assert_eq!(saved.entries[1].date, Date::parse(TODAY).unwrap());
    let catalog = readiness::load_catalog(&[]).unwrap();
    let versioning = catalog
        .rubrics
        .iter()
        .find(|r| r.area == "versioning")
        .unwrap();
    assert_eq!(saved.entries[1].rubric_version, versioning.version);
    let leftovers: Vec<_> = std::fs::read_dir(repo.path().join(".readiness"))
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    // Resume with typed answers (--plain): answered checks are not asked
    // again; the third, never answered, comes first.
    let mut cmd = readiness();
    cmd.args(["ask", "--plain", "--by", "Tess Ter"])
        .arg(repo.path());
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    session.exp_string("[1/").unwrap();
    let (_, first) = session.exp_regex(r"[A-Z]{3}-\d\d").unwrap();
    assert_eq!(first, third);
    session.exp_string("> ").unwrap();
    session.send_line("x").unwrap();
    session.exp_string("Why does it not apply?").unwrap();
    session.send_line("").unwrap();
    session.exp_string("A reason is required").unwrap();
    session.send_line("tabular model, out of scope").unwrap();
    session.exp_string("Saved:").unwrap();
    session.exp_string("> ").unwrap();
    session.send_line("q").unwrap();
    session
        .exp_string("1 answered, 0 skipped, stopped early")
        .unwrap();
    session.exp_eof().unwrap();
    let saved = answers::load(&file, "answers.yaml", readiness::fsutil::Chosen::ByUser).unwrap();
    assert_eq!(saved.entries.len(), 4);
    assert_eq!(saved.entries[3].check, third);
    assert_eq!(saved.entries[3].answer, AnswerValue::NotApplicable);
    assert_eq!(
        saved.entries[3].reason.as_deref(),
        Some("tabular model, out of scope")
    );

    // `score` reads the file automatically.
    let report = score_json(repo.path(), &[]);
    let ver06 = json_check(&report, "VER-06");
    assert_eq!(ver06["outcome"], "met", "a question of fact: yes meets it");
    assert_eq!(ver06["credit"], 1.0);
    assert_eq!(ver06["source"], "answered");
    assert_eq!(ver06["answer"]["value"], "yes");
    assert!(report["answers"]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("answer for unknown check `FUTURE-01` is kept"));
}

#[test]
fn ask_never_prompts_without_a_terminal() {
    let repo = copy_example("level-1-training");
    let out = readiness()
        .args(["ask"])
        .arg(repo.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("stdin is not one"), "{err}");
    assert!(err.contains("--answers FILE"), "{err}");
    assert!(!repo.path().join(".readiness").exists(), "nothing written");
}

fn write_answers(repo: &Repo, entries: &[(&str, &str, &str)]) {
    let mut text = String::from("version: 1\nanswers:\n");
    for (check, answer, date) in entries {
        text.push_str(&format!("  - check: {check}\n    answer: {answer}\n"));
        if *answer == "not_applicable" {
            text.push_str("    reason: out of scope\n");
        }
        text.push_str(&format!(
            "    by: Alice\n    date: {date}\n    rubric_version: \"1.1.0\"\n"
        ));
    }
    repo.write(".readiness/answers.yaml", text.as_bytes());
}

#[test]
fn answers_settle_what_the_scan_cannot_see() {
    let repo = copy_example("level-1-training");
    let before = score_json(repo.path(), &[]);
    assert!(
        before.get("answers").is_none(),
        "no file, no answers section"
    );
    write_answers(
        &repo,
        &[
            ("EVL-03", "automated", TODAY),
            ("EVL-04", "manual", TODAY),
            ("OWN-04", "no", TODAY),
            ("VER-01", "no", TODAY),
            ("MON-05", "automated", "2025-01-10"),
        ],
    );
    let report = score_json(repo.path(), &[]);
    let evl03 = json_check(&report, "EVL-03");
    assert_eq!(
        (evl03["outcome"].as_str(), evl03["source"].as_str()),
        (Some("met"), Some("answered"))
    );
    let evl04 = json_check(&report, "EVL-04");
    assert_eq!(
        (evl04["outcome"].as_str(), evl04["credit"].as_f64()),
        (Some("unmet"), Some(0.5))
    );
    assert!(evl04["reason"]
        .as_str()
        .unwrap()
        .contains("needs it automated"));
    // Detected evidence plus a contradicting answer: reported, evidence kept.
    let ver01 = json_check(&report, "VER-01");
    assert_eq!(
        (ver01["outcome"].as_str(), ver01["source"].as_str()),
        (Some("met"), Some("both"))
    );
    let contradiction = &report["answers"]["contradictions"][0];
    assert_eq!(contradiction["check"], "VER-01");
    assert!(contradiction["message"]
        .as_str()
        .unwrap()
        .contains("found evidence at src/churn/train.py:15"));
    assert!(report["answers"]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("`MON-05` dates from 2025-01-10"));
    assert_eq!(report["answers"]["used"], 4);
    // Half credit for the manual answer raises the score but not the level:
    // evals level 2 needs the CI eval (EVL-03, answered `automated`) to
    // enforce thresholds (EVL-04), and a manual answer does not meet EVL-04.
    let evals = report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "evals")
        .unwrap();
    let evals_before = before["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "evals")
        .unwrap();
    assert!(evals["score"].as_u64() > evals_before["score"].as_u64());
    assert_eq!(evals["level"], 1, "EVL-04 answered manual blocks level 2");
    assert_eq!(evals_before["level"], 1);

    // --evidence-only: the strict gate ignores every answer.
    let strict = score_json(repo.path(), &["--evidence-only"]);
    assert_eq!(json_check(&strict, "EVL-03")["outcome"], "unmet");
    assert_eq!(strict["answers"]["ignored"], true);
    assert_eq!(strict["answers"]["used"], 0);
    let levels = |r: &serde_json::Value| -> Vec<(String, serde_json::Value, serde_json::Value)> {
        r["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_owned(),
                    a["level"].clone(),
                    a["score"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(levels(&strict), levels(&before));
    // The contradiction is still reported: nothing is silently resolved.
    assert_eq!(strict["answers"]["contradictions"][0]["check"], "VER-01");
}

#[test]
fn not_applicable_answer_contradicted_by_applicability_evidence() {
    // LLM code makes VER-05 (prompt versioning) apply; answering N/A is flagged.
    let repo = Repo::new(&[(
        "app/chat.py",
        "from openai import OpenAI\nclient = OpenAI()\n",
    )]);
    write_answers(&repo, &[("VER-05", "not_applicable", TODAY)]);
    let report = score_json(repo.path(), &[]);
    assert_eq!(json_check(&report, "VER-05")["outcome"], "not_applicable");
    let c = &report["answers"]["contradictions"][0];
    assert_eq!(c["check"], "VER-05");
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("found what makes this check apply"));
}

#[test]
fn malformed_answers_file_is_an_error_with_position() {
    let repo = Repo::new(&[]);
    repo.write(
        ".readiness/answers.yaml",
        b"version: 1\nanswers:\n  - check: EVL-03\n    answer: sometimes\n    by: a\n    date: 2026-11-01\n    rubric_version: \"1\"\n",
    );
    let out = readiness()
        .args(["score"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "readiness: error: 1 problem found in the answers file:\n  .readiness/answers.yaml:4:13: invalid answer `sometimes`; expected one of: no, manual, automated, not_applicable\n"
    );
    let out = readiness()
        .args(["score", "--answers", "no/such/answers.yaml"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("no/such/answers.yaml: answers file not found"));
}

#[test]
fn table_shows_answer_sources_and_contradictions() {
    let repo = copy_example("level-1-training");
    write_answers(
        &repo,
        &[("EVL-03", "automated", TODAY), ("VER-01", "no", TODAY)],
    );
    let out = readiness()
        .args(["score"])
        .arg(repo.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let answers = text
        .split("\nAnswers: ")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    insta::assert_snapshot!(answers, @r"
    1 check settled by answers in .readiness/answers.yaml
      contradiction: VER-01 answered `no`, but the scan found evidence at
        src/churn/train.py:15
    ");
    assert!(text.contains("  EVL-03 CI runs the model eval as a gate that can fail the build\n    answered: yes, automated (Alice, 2026-11-22)\n"), "{text}");
}

#[test]
fn library_evaluation_with_answers() {
    // The same rules through the library: answers change outcomes and credit.
    let repo = Repo::new(&[(
        "src/train.py",
        "import mlflow\nmlflow.register_model('runs:/1/m', 'm')\n",
    )]);
    let mut set = answers::Answers::default();
    set.set(answers::Answer {
        check: "VER-02".into(),
        answer: AnswerValue::Manual,
        reason: None,
        note: Some("snapshots in s3://bucket/v3".into()),
        by: "a".into(),
        date: Date::parse(TODAY).unwrap(),
        rubric_version: "1.1.0".into(),
    });
    let catalog = readiness::load_catalog(&[]).unwrap();
    let input = readiness::eval::AnswerInput {
        answers: &set,
        file: "answers.yaml".into(),
        today: Date::parse(TODAY).unwrap(),
        max_age_days: 180,
        ignore: false,
    };
    let report = readiness::score(
        repo.path(),
        &catalog,
        &Default::default(),
        Some(&input),
        None,
    )
    .unwrap();
    let ver02 = find(&report, "VER-02");
    // Level 1 checks need only "manual": met, with half the credit.
    assert_eq!(ver02.outcome, Outcome::Met);
    assert_eq!(ver02.credit, 0.5);
    assert_eq!(ver02.source, Some(Source::Answered));
}

#[test]
fn ask_never_runs_a_git_the_repository_ships() {
    let repo = copy_example("level-1-training");
    let marker = repo.path().join("pwned");
    repo.write(
        "git",
        format!("#!/bin/sh\ntouch '{}'\necho Mallory\n", marker.display()).as_bytes(),
    );
    let mut perms = std::fs::metadata(repo.path().join("git"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(repo.path().join("git"), perms).unwrap();
    let mut cmd = readiness();
    // A relative PATH entry first, run from inside the repository.
    cmd.env(
        "PATH",
        format!(".:{}", std::env::var("PATH").unwrap_or_default()),
    )
    .current_dir(repo.path())
    .args(["ask", "."]);
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    session.exp_string("Your answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    session.send_control('c').unwrap();
    session.exp_eof().unwrap();
    assert!(!marker.exists(), "the repository's ./git ran");
}

#[test]
fn filters_name_real_areas() {
    let repo = copy_example("level-1-training");
    let mut cmd = readiness();
    cmd.args(["ask", "--area", "evl"]).arg(repo.path());
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    session
        .exp_string("--area `evl` is not an area; did you mean `evals`?")
        .unwrap();
    session.exp_eof().unwrap();
    // A real area and --next narrow the session to what blocks the next
    // level in it.
    let mut cmd = readiness();
    cmd.args(["ask", "--area", "evals", "--next"])
        .arg(repo.path());
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    session.exp_string("questions to answer").unwrap();
    session.exp_string("[1/").unwrap();
    let (_, id) = session.exp_regex(r"[A-Z]{3}-\d\d").unwrap();
    assert!(id.starts_with("EVL-"), "{id}");
    session.exp_string("Your answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    session.send_control('c').unwrap();
    session.exp_eof().unwrap();
}

#[test]
fn yes_meets_a_question_of_fact_and_counts_as_manual_for_a_practice() {
    let repo = copy_example("level-1-training");
    // VER-06 (level 2) is a question of fact; EVL-04 (level 2) a practice.
    write_answers(&repo, &[("VER-06", "yes", TODAY), ("EVL-04", "yes", TODAY)]);
    let report = score_json(repo.path(), &[]);
    let fact = json_check(&report, "VER-06");
    assert_eq!(fact["outcome"], "met");
    assert_eq!(fact["credit"], 1.0);
    let practice = json_check(&report, "EVL-04");
    assert_eq!(practice["outcome"], "unmet");
    assert_eq!(practice["credit"], 0.5);
    assert!(
        practice["reason"]
            .as_str()
            .unwrap()
            .contains("answered `yes` without saying how"),
        "{practice}"
    );
}
