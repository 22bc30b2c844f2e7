//! `onair ci github|gitlab [SITE]` (and `onair init --ci`): a CI recipe that builds and deploys
//! the site on every push and every hour, so that scheduled episodes go live on time. A static
//! site only changes when something rebuilds it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{CiArgs, CiService};
use crate::diag::Diagnostic;
use crate::scaffold::{GITHUB_WORKFLOW, GITLAB_CI};

pub fn run(args: &CiArgs) -> ExitCode {
    if !args.dir.join(crate::config::CONFIG_FILE).is_file() {
        eprintln!(
            "error: `{}` has no site.yaml: give the site folder (`onair ci github SITE`)",
            args.dir.display()
        );
        return super::exit(super::EXIT_USAGE);
    }
    let (root, site_rel) = repository_of(&args.dir);
    let Some((rel, text)) = recipe(args.service, &site_rel) else {
        return super::exit(super::EXIT_OK);
    };
    let path = root.join(&rel);
    match write_new(&path, &text) {
        Ok(()) => {
            println!("{}", path.display());
            eprintln!("{}", next_steps(args.service));
            super::exit(super::EXIT_OK)
        }
        Err(d) => {
            super::report([&d]);
            super::exit(super::EXIT_ERRORS)
        }
    }
}

/// The repository root holding `site` (the nearest folder up with a `.git`), and the site's
/// path inside it ("" at the root). Without one, the site folder is taken as the root.
fn repository_of(site: &Path) -> (PathBuf, String) {
    let abs = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    let root = abs
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf);
    match root {
        Some(root) => {
            let rel = crate::fsutil::rel(&root, &abs);
            (root, rel)
        }
        None => (site.to_path_buf(), String::new()),
    }
}

/// The recipe's path under the repository root and its text, for a site at `site_rel` in it;
/// None for `none`.
pub fn recipe(service: CiService, site_rel: &str) -> Option<(PathBuf, String)> {
    let quoted = crate::cmd::new_episode::yaml_quote(site_rel);
    match service {
        CiService::Github => {
            let defaults = match site_rel.is_empty() {
                true => String::new(),
                false => {
                    format!("    defaults:\n      run:\n        working-directory: {quoted}\n")
                }
            };
            Some((
                PathBuf::from(".github/workflows/onair.yml"),
                GITHUB_WORKFLOW.replace("@DEFAULTS@", &defaults),
            ))
        }
        CiService::Gitlab => {
            let cd = match site_rel.is_empty() {
                true => String::new(),
                false => format!("    - cd {quoted}\n"),
            };
            Some((
                PathBuf::from(".gitlab-ci.yml"),
                GITLAB_CI.replace("@CD@", &cd),
            ))
        }
        CiService::None => None,
    }
}

/// What the podcaster does next, in a line or two.
pub fn next_steps(service: CiService) -> &'static str {
    match service {
        CiService::Github => {
            "Next: set the repository secrets ONAIR_GIT and AWS_* that the workflow lists (Settings > Secrets and variables > Actions); docs/publishing-with-ci.md explains each"
        }
        CiService::Gitlab => {
            "Next: set the CI/CD variables the file lists and add an hourly pipeline schedule (Build > Pipeline schedules); docs/publishing-with-ci.md explains each"
        }
        CiService::None => "",
    }
}

/// Writes `path`, never over an existing file.
fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Diagnostic::error(
            "already exists; onair never overwrites it: merge the recipe by hand (see docs/publishing-with-ci.md) or remove the file first",
        )
        .at(path));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create the folder: {e}")).at(parent))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Diagnostic::error(format!("cannot write: {e}")).at(path))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Diagnostic::error(format!("cannot write: {e}")).at(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_in_a_subfolder_gets_its_working_directory() {
        let (path, text) = recipe(CiService::Github, "podcast").unwrap();
        assert_eq!(path, PathBuf::from(".github/workflows/onair.yml"));
        assert!(text.contains(
            "    defaults:\n      run:\n        working-directory: \"podcast\"\n    env:"
        ));
        let (_, root) = recipe(CiService::Github, "").unwrap();
        assert!(root.contains("    timeout-minutes: 30\n    env:\n"));
        assert!(!root.contains("@DEFAULTS@"));
        let (path, text) = recipe(CiService::Gitlab, "shows dir").unwrap();
        assert_eq!(path, PathBuf::from(".gitlab-ci.yml"));
        assert!(text.contains("  script:\n    - cd \"shows dir\"\n    - test -n"));
        assert!(recipe(CiService::None, "").is_none());
    }
}
