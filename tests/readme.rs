//! The README's sample output is the tool's real output: each line it shows
//! appears, in order, in what the command prints today (a line ending in
//! `...` stands for the start of a longer one; a line of `...` alone for
//! lines left out), and the questionnaire sample asks as many questions as
//! `readiness ask` does.

mod support;
use rexpect::session::spawn_command;
use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The lines of the README's text block that starts with `$ command`.
fn sample(command: &str) -> Vec<String> {
    let text = readme();
    let start = text
        .find(&format!("```text\n$ {command}\n"))
        .unwrap_or_else(|| panic!("README has no sample of `{command}`"));
    text[start..]
        .lines()
        .skip(2)
        .take_while(|l| *l != "```")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_score_sample_is_what_score_prints() {
    let out = support::bin()
        .args(["score", "--color", "never", "examples/level-1-training"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    let mut lines = printed.lines();
    for shown in sample("readiness score examples/level-1-training") {
        if shown.trim() == "..." {
            continue;
        }
        let found = match shown.strip_suffix(" ...") {
            Some(prefix) => lines.any(|l| l.starts_with(prefix)),
            None => lines.any(|l| l == shown),
        };
        assert!(
            found,
            "README line not in the output (in this order):\n{shown}\n\noutput:\n{printed}"
        );
    }
}

#[test]
fn the_questionnaire_sample_asks_as_many_questions_as_ask_does() {
    let shown = sample("readiness ask examples/level-1-training");
    let count = |line: &str| line.split_whitespace().next().unwrap().to_owned();
    let repo = support::copy_example("level-1-training");
    let mut cmd = support::bin();
    cmd.env("NO_COLOR", "1").arg("ask").arg(repo.path());
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    let (_, line) = session.exp_regex(r"\d+ questions to answer").unwrap();
    session.exp_string("Ctrl-C stops").unwrap();
    session.send_control('c').unwrap();
    session.exp_eof().unwrap();
    assert_eq!(count(&shown[0]), count(&line), "README: {}", shown[0]);
}
