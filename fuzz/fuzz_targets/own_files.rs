//! The files readiness reads for itself: a rubric, `readiness.toml`, and
//! the answers file, whose render -> parse round trip must keep every answer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readiness::rubric::{load_catalog, RubricSource};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let source = RubricSource {
        name: "fuzz.yaml".into(),
        origin: "fuzz.yaml".into(),
        text: text.clone(),
        trusted: false,
        parsed: None,
    };
    // Alone (the built-ins are validated by the test suite): a user rubric.
    let _ = load_catalog(&[], &[source]);
    let _ = readiness::config::parse("readiness.toml", &text, std::path::Path::new("/repo"));
    if let Ok(answers) = readiness::answers::parse("answers.yaml", &text) {
        let rendered = readiness::answers::render(&answers).expect("answers render as YAML");
        let again = readiness::answers::parse("answers.yaml", &rendered)
            .expect("a rendered answers file parses");
        assert_eq!(again.entries, answers.entries, "round trip");
    }
});
