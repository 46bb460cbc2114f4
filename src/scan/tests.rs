//! The scan's own behaviour: paths, templates, snippets, what a visit keeps.

use super::*;

#[test]
fn relative_paths_are_the_same_with_or_without_the_fast_path() {
    let cases = [
        ("repo", "repo/src/train.py", "src/train.py"),
        ("repo/", "repo/src/train.py", "src/train.py"),
        ("./repo", "./repo/a.yml", "a.yml"),
        ("/abs/repo", "/abs/repo/x/y/z.py", "x/y/z.py"),
        ("repo", "repo/a//b.py", "a/b.py"),
        ("repo", "repo/a/./b.py", "a/b.py"),
        ("repo", "repo/a/../b.py", "a/../b.py"),
        ("repo", "repo2/x.py", "repo2/x.py"),
    ];
    for (root, path, want) in cases {
        assert_eq!(
            relative(Path::new(root), Path::new(path)),
            want,
            "{root} {path}"
        );
    }
    assert_eq!(
        relative(Path::new("repo"), Path::new("repo/a\nFAKE.py")),
        "a\\u{a}FAKE.py"
    );
    assert_eq!(plain_relative(Path::new("repo"), Path::new("repo")), None);
    assert_eq!(
        plain_relative(Path::new("repo"), Path::new("repox/a")),
        None
    );
}

#[test]
fn only_production_files_that_cannot_be_parsed_decide_a_check() {
    assert!(decides(".github/workflows/ci.yml"));
    assert!(decides("deploy/k8s/model.yaml"));
    assert!(!decides("tests/cassettes/openai.yaml"));
    assert!(!decides("test/cfn_templates/pipeline.yaml"));
    assert!(!decides("docs/proposals/broken.yaml"));
    assert!(!decides("template/.github/workflows/ci.yml.tmpl"));
    assert!(!decides("{{cookiecutter.name}}/pyproject.toml"));
}

#[test]
fn templates_are_matched_as_the_files_they_render() {
    assert_eq!(rendered_name("deploy/deploy.py.tmpl"), "deploy/deploy.py");
    assert_eq!(
        rendered_name(".github/workflows/cd.yml.j2"),
        ".github/workflows/cd.yml"
    );
    assert_eq!(rendered_name("Dockerfile.jinja2"), "Dockerfile");
    assert_eq!(rendered_name("train.py"), "train.py");
    assert_eq!(rendered_name("dir/.tmpl"), "dir/.tmpl");
}

#[test]
fn only_the_dependencies_a_probe_names_are_kept_from_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("requirements.txt");
    std::fs::write(&manifest, "numpy==2.0\nmlflow>=2\npandas\n").unwrap();
    let catalog = Catalog {
        rubrics: Vec::new(),
        probes: vec![Probe::Dependency {
            names: vec!["mlflow".into()],
            ecosystem: None,
        }],
        strengths: vec![Strength::Strong],
    };
    let options = ScanOptions::default();
    let plan = Plan::new(&catalog, &options).unwrap();
    let entry = Entry {
        path: &manifest,
        file_type: std::fs::symlink_metadata(&manifest).unwrap().file_type(),
        depth: 1,
    };
    let result = visit(&plan, dir.path(), &entry, &mut Scratch::default()).expect("a file");
    let kept: Vec<(&str, u32, &str)> = result
        .declared
        .iter()
        .map(|(d, path)| (d.name.as_str(), d.line, path.as_str()))
        .collect();
    assert_eq!(kept, [("mlflow", 2, "requirements.txt")]);
    let index = scan(dir.path(), &catalog, &options).unwrap();
    assert_eq!(index.hits[0].len(), 1);
    assert_eq!(
        index.hits[0][0].snippet.as_str(),
        "python dependency `mlflow`"
    );
}

#[test]
fn one_read_buffer_serves_file_after_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let large = write("large.txt", &vec![b'x'; KEPT_BUFFER + 10]);
    let small = write("small.txt", b"import mlflow\n");
    let lossy = write("lossy.txt", b"caf\xe9\n");
    let binary = write("binary.bin", b"ab\0cd");
    let mut stats = ScanStats::default();
    let mut buffer = Vec::new();
    let mut read = |path: &Path, buffer: &mut Vec<u8>| {
        read_text(path, 1 << 30, &mut stats, buffer)
            .unwrap()
            .map(|text| text.into_owned())
    };
    assert_eq!(read(&large, &mut buffer).unwrap().len(), KEPT_BUFFER + 10);
    assert_eq!(read(&small, &mut buffer).unwrap(), "import mlflow\n");
    // The large file's buffer was let go before the small file was read.
    assert!(buffer.capacity() <= KEPT_BUFFER);
    assert_eq!(read(&lossy, &mut buffer).unwrap(), "caf\u{fffd}\n");
    assert_eq!(read(&binary, &mut buffer), None);
    assert_eq!(read(&small, &mut buffer).unwrap(), "import mlflow\n");
    assert_eq!((stats.read_lossily, stats.skipped_binary), (1, 1));
}

/// Files of every size around the one-call read's limit read whole, a NUL
/// in the first 8 KiB marks a file binary wherever the limit falls, and a
/// file over the size limit is not read.
#[test]
fn files_read_in_one_call_or_several_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let limit = BINARY_TEST_BYTES as usize;
    let mut buffer = Vec::new();
    for size in [0, 1, 2, limit - 2, limit - 1, limit, limit + 1, 3 * limit] {
        let text: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        let path = dir.path().join(format!("f{size}.txt"));
        std::fs::write(&path, &text).unwrap();
        let mut stats = ScanStats::default();
        let read = read_text(&path, 1 << 30, &mut stats, &mut buffer).unwrap();
        assert_eq!(
            read.as_deref().map(str::as_bytes),
            Some(&text[..]),
            "{size}"
        );
        assert_eq!(stats.files_read, 1);
        for nul_at in [0, size / 2, size.saturating_sub(1)] {
            if size == 0 {
                continue;
            }
            let mut binary = text.clone();
            binary[nul_at] = 0;
            std::fs::write(&path, &binary).unwrap();
            let mut stats = ScanStats::default();
            let read = read_text(&path, 1 << 30, &mut stats, &mut buffer).unwrap();
            let binary_expected = nul_at < limit;
            assert_eq!(read.is_none(), binary_expected, "{size}, NUL at {nul_at}");
            assert_eq!(stats.skipped_binary == 1, binary_expected);
        }
        std::fs::write(&path, &text).unwrap();
        if size > 0 {
            let mut stats = ScanStats::default();
            let max = size as u64 - 1;
            assert!(read_text(&path, max, &mut stats, &mut buffer)
                .unwrap()
                .is_none());
            assert_eq!(stats.skipped_too_large, 1, "{size}");
        }
    }
}
