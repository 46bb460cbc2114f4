//! The ML projects of a repository. A course, a collection of samples or a
//! platform monorepo holds several projects, and `ladder.md` says their
//! capabilities do not add up: each project is scored on its own evidence
//! plus what the repository provides to it (see `scope`).
//!
//! Projects come from `readiness.toml` (`[[project]]`, see [`declared`]) or,
//! when none are declared, from the repository's layout (see [`detect`]).
//! Fewer than two projects means one system: the report is the one a
//! repository has always had.

mod claims;
pub mod declared;
mod detect;
pub mod rollup;
mod scope;

pub use declared::{ProjectConfig, ProjectDecl, RollupRule};
pub use detect::{detect, MIN_DETECTED};
pub use scope::{Detail, OutcomeKey, Partition};

use serde::Serialize;

/// One ML project: a name and the folders that hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    pub name: String,
    /// Repository-relative folders, without a trailing `/`.
    pub folders: Vec<String>,
    pub origin: Origin,
}

/// How a project became one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Named in `readiness.toml`.
    Declared,
    /// Found from the repository's layout.
    Detected,
}

/// The projects of a repository, and the folders that hold ML work of
/// their own but are no project (a sample without a manifest, a model no
/// declared project includes): evidence there counts for no project, and
/// is not shared with any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub projects: Vec<Project>,
    pub other_work: Vec<String>,
}

/// Whether `path` is `folder` or lies below it.
pub fn under(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Dependency manifests: a folder with one builds on its own, but a root
/// with one may only hold a collection's tooling.
const MANIFESTS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "pipfile",
    "environment.yml",
    "environment.yaml",
    "conda.yml",
    "conda.yaml",
    "package.json",
];

/// Files that make the folder holding them one system, and the whole
/// repository one when they are at its root: a deployment or pipeline
/// definition for all of it (DVC, MLflow Projects, an image, a Databricks
/// bundle, BentoML, CDK, Serverless, SAM), services composed together
/// (Compose, the Azure Developer CLI, Skaffold, Tilt, JavaScript
/// workspaces), a project template, or one build for the whole tree (a Go
/// module; a Cargo, Maven, Gradle or Bazel workspace).
const SYSTEMS: &[&str] = &[
    "dvc.yaml",
    "mlproject",
    "dockerfile",
    "databricks.yml",
    "databricks.yaml",
    "bentofile.yaml",
    "cdk.json",
    "serverless.yml",
    "serverless.yaml",
    "template.yaml",
    "template.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "azure.yaml",
    "skaffold.yaml",
    "tiltfile",
    "pnpm-workspace.yaml",
    "lerna.json",
    "nx.json",
    "turbo.json",
    "cookiecutter.json",
    "copier.yml",
    "copier.yaml",
    "databricks_template_schema.json",
    "go.mod",
    "cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    "workspace",
    "workspace.bazel",
    "module.bazel",
];

/// Files whose presence makes their folder a unit that builds or runs on
/// its own: dependency manifests (with `requirements*.txt`, conda files),
/// pipeline and deployment definitions (with `buildspec*.yml`), and
/// project templates.
pub fn is_marker(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    MANIFESTS.contains(&lower.as_str())
        || SYSTEMS.contains(&lower.as_str())
        || (lower.starts_with("requirements")
            && (lower.ends_with(".txt") || lower.ends_with(".in")))
        || conda_environment(&lower)
        || (lower.starts_with("buildspec") && (lower.ends_with(".yml") || lower.ends_with(".yaml")))
}

/// A conda environment file under the names teams give it besides
/// `environment.yml`: `conda_dependencies.yml`, `train-env.yml`, `myenv.yml`.
fn conda_environment(lower_name: &str) -> bool {
    let Some(stem) = lower_name
        .strip_suffix(".yml")
        .or_else(|| lower_name.strip_suffix(".yaml"))
    else {
        return false;
    };
    stem.contains("conda") || stem.ends_with("env") || stem.ends_with("environment")
}

/// Root files that make the whole repository one system (`SYSTEMS`).
/// Dependency manifests alone are not: a collection's root often holds one
/// for its tooling.
pub fn is_system_definition(path: &str) -> bool {
    !path.contains('/') && SYSTEMS.contains(&path.to_ascii_lowercase().as_str())
}

/// The projects of the repository the scan saw: those `readiness.toml`
/// declares, else those its layout shows (unless detection is off).
pub fn layout(
    catalog: &crate::rubric::Catalog,
    index: &crate::scan::EvidenceIndex,
    settings: &ProjectConfig,
) -> Result<Layout, String> {
    if !settings.declared.is_empty() {
        let projects = declared::resolve(&settings.declared, &folders_seen(index)?)?;
        return Ok(Layout {
            other_work: detect::other_work(catalog, index, &projects)?,
            projects,
        });
    }
    if settings.detect {
        detect(catalog, index)
    } else {
        Ok(Layout::default())
    }
}

/// Every folder above a file the scan recorded (a hit or a marker): what a
/// declared glob can match.
fn folders_seen(
    index: &crate::scan::EvidenceIndex,
) -> Result<std::collections::BTreeSet<String>, String> {
    let mut out = std::collections::BTreeSet::new();
    let mut add = |path: &str| {
        for (i, _) in path.match_indices('/') {
            if !out.contains(&path[..i]) {
                out.insert(path[..i].to_owned());
            }
        }
    };
    let mut last = arcstr::ArcStr::new();
    index.for_each_hit(|_, hit| {
        if hit.path != last {
            last = hit.path.clone();
            add(&hit.path);
        }
    })?;
    for marker in &index.markers {
        add(marker);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_manifests_pipeline_definitions_and_templates() {
        for name in [
            "requirements.txt",
            "a/requirements-dev.in",
            "a/b/pyproject.toml",
            "x/Dockerfile",
            "dvc.yaml",
            "MLproject",
            "t/cookiecutter.json",
            "seed/buildspec-deploy.yml",
            "score/myenv.yml",
            "a/conda_dependencies.yml",
            "training-env.yaml",
        ] {
            assert!(is_marker(name), "{name}");
        }
        for name in [
            "README.md",
            "train.py",
            "requirements.md",
            "docs/dockerfile.md",
            "deploy/envoy.yaml",
            "values.yml",
        ] {
            assert!(!is_marker(name), "{name}");
        }
    }

    #[test]
    fn a_system_is_defined_at_the_root_only() {
        for name in [
            "docker-compose.yml",
            "cdk.json",
            "dvc.yaml",
            "Dockerfile",
            "azure.yaml",
        ] {
            assert!(is_system_definition(name), "{name}");
            assert!(is_marker(name), "{name}");
            assert!(!is_system_definition(&format!("svc/{name}")), "{name}");
        }
        for name in ["pyproject.toml", "requirements.txt", "package.json"] {
            assert!(!is_system_definition(name), "{name}");
        }
    }

    #[test]
    fn a_folder_holds_itself_and_what_is_below_it_not_its_namesakes() {
        assert!(under("week_1/train.py", "week_1"));
        assert!(under("week_1", "week_1"));
        assert!(!under("week_10/train.py", "week_1"));
        assert!(under("anything", ""));
    }
}
