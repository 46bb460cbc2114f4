//! Notebooks and scripts that a job definition runs. `ladder.md`: notebooks
//! count only where they are what the pipeline runs, and the report says
//! so. A Databricks job task names its notebook or script
//! (`notebook_task.notebook_path`, `spark_python_task.python_file`, relative
//! to the job's YAML file); such a file is pipeline code wherever it lives.

use super::Evidence;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

static REFERENCE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r#"(?m)^\s*-?\s*"?(?:notebook_path|python_file)"?\s*:\s*["']?([^"'\s#,{}$]+)"#,
    )
    .expect("valid regex")
});

/// Whether a file may define jobs worth reading for references.
pub fn may_define_jobs(text: &str) -> bool {
    // memchr's searcher: several times faster than `str::contains` on
    // the large YAML files most job candidates are.
    let holds = |word: &str| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some();
    holds("notebook_path") || holds("python_file")
}

/// The repository paths a job file's tasks run, resolved against the job
/// file's directory. Workspace paths (`/Workspace/...`), URLs and
/// variables cannot be resolved to a file here and are left out.
pub fn references(job_file: &str, text: &str) -> Vec<String> {
    let dir = job_file.rsplit_once('/').map_or("", |(d, _)| d);
    REFERENCE
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter_map(|m| resolve(dir, m.as_str()))
        .collect()
}

fn resolve(dir: &str, reference: &str) -> Option<String> {
    if reference.starts_with('/') || reference.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(without_extension(&parts.join("/")).to_owned())
}

/// Databricks names notebooks with or without their extension.
pub fn without_extension(path: &str) -> &str {
    for ext in [".py", ".ipynb", ".sql", ".scala", ".r", ".R"] {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}

/// Evidence in a notebook or script that a job runs is pipeline code, not
/// exploration, wherever the file lives; each such file gets a scan note.
/// The index keeps the files a job runs (its pending hits are promoted as
/// they are read back, see [`super::EvidenceIndex::for_each_hit`]).
pub fn promote_job_runs(
    index: &mut super::EvidenceIndex,
    job_runs: &BTreeSet<(String, String)>,
) -> Result<(), String> {
    if job_runs.is_empty() {
        return Ok(());
    }
    // A file several jobs run is credited to the last in order.
    let run_by: BTreeMap<String, String> = job_runs.iter().cloned().collect();
    index.job_runs = std::sync::Arc::new(run_by);
    for evidence in index.hits.iter_mut().flatten() {
        if let Some(job) = promotion(&index.job_runs, evidence) {
            evidence.class = crate::rubric::model::Class::Prod;
            index.notes.push(note(&evidence.path, job));
        }
    }
    let mut notes = Vec::new();
    index
        .pending
        .for_each(|_, evidence| {
            if let Some(job) = promotion(&index.job_runs, evidence) {
                notes.push(note(&evidence.path, job));
            }
        })
        .map_err(|e| format!("cannot read back the scan's hits: {e}"))?;
    index.notes.extend(notes);
    index.notes.sort();
    index.notes.dedup();
    Ok(())
}

fn note(path: &str, job: &str) -> String {
    format!("{path}: run by a job defined in {job}; read as pipeline code")
}

/// The job that runs the file of `evidence`, when its class is one a job
/// run promotes (an example or a notebook).
pub fn promotion<'r>(run_by: &'r BTreeMap<String, String>, evidence: &Evidence) -> Option<&'r str> {
    use crate::rubric::model::Class;
    if !matches!(evidence.class, Class::Example | Class::Notebook) {
        return None;
    }
    let key = without_extension(super::rendered_name(&evidence.path));
    run_by.get(key).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_paths_resolve_against_the_job_file() {
        let job = "resources:\n  jobs:\n    train:\n      tasks:\n        - task_key: Train\n          notebook_task:\n            notebook_path: ../training/notebooks/Train.py\n        - task_key: Score\n          spark_python_task:\n            python_file: \"../scoring/score.py\"\n        - notebook_task: {notebook_path: /Workspace/Shared/x}\n        - notebook_task:\n            notebook_path: ${var.path}/y\n";
        assert_eq!(
            references("proj/resources/train-job.yml", job),
            vec!["proj/training/notebooks/Train", "proj/scoring/score"]
        );
        // A path that climbs out of the repository names nothing here.
        assert!(references("a.yml", "notebook_path: ../../x.py\n").is_empty());
    }
}
