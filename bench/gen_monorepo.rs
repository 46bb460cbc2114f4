//! Writes a deterministic synthetic ML monorepo for benchmarking.
//!
//! Usage: `cargo run --release --example gen-monorepo -- OUT_DIR FILES [ML_PERCENT]`
//!
//! The same arguments always yield the same bytes. ML_PERCENT (default 8)
//! is the share of Python modules that hold an ML line (an import or call
//! the rules look for): changing it changes which files hit and nothing
//! else (the same paths, kinds and sizes), so the memory a scan needs per
//! hit can be measured at a fixed tree shape. The mix follows real ML
//! repositories: Python packages with tests, notebooks, docs with non-ASCII
//! prose (ASCII-only trees hide the Unicode regex cliff), YAML configs and
//! Kubernetes manifests, CI workflows, manifests, minified JS bundles with
//! very long lines, CSV and binary filler, and an ignored `node_modules/`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const WORDS: &[&str] = &[
    "customer", "feature", "model", "score", "batch", "window", "label", "token", "vector",
    "query", "revenue", "region", "session", "event", "payload", "weight", "metric", "cohort",
    "signal", "index",
];
const PROSE: &[&str] = &[
    "Le modèle est réentraîné chaque semaine à partir des données validées.",
    "データの品質を確認してから学習を開始します。",
    "Die Vorhersagen werden stündlich überprüft — siehe Dashboard.",
    "El equipo de datos es responsable de la canalización de características.",
    "Модель обслуживается через внутренний API.",
    "This service ranks documents for the support assistant 🚀.",
    "TODO: add monitoring and alerting before launch.",
];
const ML_LINES: &[&str] = &[
    "import mlflow",
    "mlflow.set_experiment(\"ranking\")",
    "from sklearn.metrics import f1_score",
    "from evidently import Report",
    "import pandera as pa",
    "mlflow.sklearn.log_model(model, \"model\", registered_model_name=\"ranker\")",
    "from prometheus_client import Counter",
    "client = MlflowClient()",
    "vectors = OpenAIEmbeddings(model=\"text-embedding-3-small\")",
];

fn ident(rng: &mut Rng) -> String {
    format!("{}_{}", rng.pick(WORDS), rng.pick(WORDS))
}

/// The share of Python modules with an ML line, in percent.
const DEFAULT_ML_PERCENT: u64 = 8;

/// A Python module, file number `file` of the tree.
fn python(rng: &mut Rng, ml_percent: u64, file: usize) -> String {
    let mut s = String::from("\"\"\"Generated module.\"\"\"\nimport os\nimport json\n\n");
    // The main sequence draws exactly as it does at the default share, so
    // the tree's shape never depends on `ml_percent`.
    let drawn = rng.chance(DEFAULT_ML_PERCENT).then(|| rng.pick(ML_LINES));
    let line = if ml_percent == DEFAULT_ML_PERCENT {
        drawn
    } else {
        // A sequence of the module's own decides, by its file number.
        let mut own = Rng(0x9E37_79B9_7F4A_7C15 ^ (file as u64).wrapping_mul(0x100_0000_01B3));
        own.next();
        own.chance(ml_percent)
            .then(|| drawn.unwrap_or_else(|| own.pick(ML_LINES)))
    };
    if let Some(line) = line {
        let _ = writeln!(s, "{line}");
    }
    for _ in 0..(3 + rng.below(12)) {
        let name = ident(rng);
        let _ = writeln!(s, "\ndef {name}(rows, limit={}):", rng.below(500));
        let _ = writeln!(
            s,
            "    \"\"\"Compute {} for each row.\"\"\"",
            rng.pick(WORDS)
        );
        let _ = writeln!(s, "    out = []");
        let _ = writeln!(s, "    for row in rows[:limit]:");
        let _ = writeln!(
            s,
            "        value = row.get(\"{}\", 0) * {}",
            rng.pick(WORDS),
            rng.below(97)
        );
        if rng.chance(20) {
            let _ = writeln!(s, "        # {}", rng.pick(PROSE));
        }
        let _ = writeln!(s, "        out.append(value)");
        let _ = writeln!(s, "    return out");
    }
    s
}

fn markdown(rng: &mut Rng) -> String {
    let mut s = format!("# {}\n\n", ident(rng));
    for _ in 0..(5 + rng.below(30)) {
        let _ = writeln!(s, "{} {}\n", rng.pick(PROSE), rng.pick(PROSE));
    }
    s
}

fn notebook(rng: &mut Rng) -> String {
    let mut cells = Vec::new();
    for _ in 0..(3 + rng.below(8)) {
        let line = if rng.chance(30) {
            rng.pick(ML_LINES).to_owned()
        } else {
            format!("df_{} = load()", rng.pick(WORDS))
        };
        cells.push(format!(
            "  {{\n   \"cell_type\": \"code\",\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    {}\n   ]\n  }}",
            serde_json::to_string(&line).unwrap()
        ));
        cells.push(format!(
            "  {{\n   \"cell_type\": \"markdown\",\n   \"metadata\": {{}},\n   \"source\": [\n    {}\n   ]\n  }}",
            serde_json::to_string(rng.pick(PROSE)).unwrap()
        ));
    }
    format!(
        "{{\n \"cells\": [\n{}\n ],\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n",
        cells.join(",\n")
    )
}

fn k8s(rng: &mut Rng) -> String {
    let name = ident(rng).replace('_', "-");
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/{name}:1.{}.0\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports: [{{port: 80}}]\n",
        1 + rng.below(5),
        rng.below(40)
    )
}

fn config(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..(5 + rng.below(30)) {
        let _ = writeln!(s, "{}: {}", ident(rng), rng.below(10_000));
    }
    s
}

fn workflow(rng: &mut Rng, i: usize) -> String {
    let step = if rng.chance(30) {
        "python -m pipeline.evaluate --min-auc 0.8"
    } else {
        "make test"
    };
    format!(
        "name: wf-{i}\non:\n  pull_request:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n      - run: {step}\n"
    )
}

fn minified(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(200_000);
    for _ in 0..(500 + rng.below(1500)) {
        let _ = write!(
            s,
            "var {}=function(a,b){{return a*{}+b}};",
            ident(rng),
            rng.below(1000)
        );
    }
    s.push_str("/* ünïcödé ✓ */\n");
    s
}

fn csv(rng: &mut Rng) -> String {
    let mut s = String::from("id,region,score,label\n");
    for i in 0..(50 + rng.below(400)) {
        let _ = writeln!(
            s,
            "{i},{},{}.{},{}",
            rng.pick(WORDS),
            rng.below(100),
            rng.below(100),
            rng.below(2)
        );
    }
    s
}

fn binary(rng: &mut Rng) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0];
    for _ in 0..(2000 + rng.below(20_000)) {
        b.push(rng.next() as u8);
    }
    b
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: gen-monorepo OUT_DIR FILES"));
    let total: usize = args
        .next()
        .expect("usage: gen-monorepo OUT_DIR FILES")
        .parse()
        .expect("FILES is a number");
    let ml_percent: u64 = args
        .next()
        .map(|p| p.parse().expect("ML_PERCENT is a number from 0 to 100"))
        .unwrap_or(DEFAULT_ML_PERCENT);
    assert!(ml_percent <= 100, "ML_PERCENT is a number from 0 to 100");
    if out.exists() {
        fs::remove_dir_all(&out).unwrap();
    }
    let mut rng = Rng(0x5EED_0000_0000_0001 ^ total as u64);
    write(&out, ".gitignore", b"node_modules/\n*.pyc\n/build/\n");
    write(
        &out,
        "CODEOWNERS",
        b"* @acme/platform\n/services/ranking/ @acme/ml\n",
    );
    let mut written = 2;
    let mut i = 0;
    while written < total {
        let team = format!("services/{}-{}", rng.pick(WORDS), i / 400);
        let pkg = format!("{team}/src/pkg{}", (i / 40) % 10);
        let kind = rng.below(100);
        let (rel, bytes): (String, Vec<u8>) = match kind {
            0..=39 => (
                format!("{pkg}/mod_{i}.py"),
                python(&mut rng, ml_percent, i).into_bytes(),
            ),
            40..=49 => (
                format!("{team}/tests/test_{i}.py"),
                python(&mut rng, ml_percent, i).into_bytes(),
            ),
            50..=59 => (
                format!("{team}/docs/page_{i}.md"),
                markdown(&mut rng).into_bytes(),
            ),
            60..=64 => (
                format!("{team}/notebooks/explore_{i}.ipynb"),
                notebook(&mut rng).into_bytes(),
            ),
            65..=70 => (
                format!("{team}/deploy/k8s_{i}.yaml"),
                k8s(&mut rng).into_bytes(),
            ),
            71..=77 => (
                format!("{team}/config/conf_{i}.yaml"),
                config(&mut rng).into_bytes(),
            ),
            78 => (
                format!("{team}/web/bundle_{i}.min.js"),
                minified(&mut rng).into_bytes(),
            ),
            79..=86 => (
                format!("{team}/data/sample_{i}.csv"),
                csv(&mut rng).into_bytes(),
            ),
            87..=89 => (format!("{team}/assets/img_{i}.png"), binary(&mut rng)),
            90..=91 => (
                format!("{team}/svc{i}/requirements.txt"),
                b"pandas>=2\nscikit-learn\nmlflow\nrequests\n".to_vec(),
            ),
            92 => (
                format!("{team}/svc{i}/pyproject.toml"),
                b"[project]\nname = \"svc\"\ndependencies = [\"fastapi\", \"pydantic>=2\"]\n"
                    .to_vec(),
            ),
            93 => (
                format!("{team}/web{i}/package.json"),
                b"{\n  \"name\": \"web\",\n  \"dependencies\": {\"react\": \"^18\"}\n}\n".to_vec(),
            ),
            94 => (
                format!(".github/workflows/wf_{i}.yml"),
                workflow(&mut rng, i).into_bytes(),
            ),
            95..=96 => (
                format!("node_modules/lib{}/index_{i}.js", i % 50),
                python(&mut rng, ml_percent, i).into_bytes(),
            ),
            _ => (
                format!("{team}/scripts/run_{i}.sh"),
                format!("#!/bin/sh\nset -e\npython -m {} \"$@\"\n", ident(&mut rng)).into_bytes(),
            ),
        };
        write(&out, &rel, &bytes);
        written += 1;
        i += 1;
    }
}
