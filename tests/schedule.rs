//! Scheduled episodes are named with their release time, `--at` builds the site as it will be
//! then, and the CI recipes that publish on time are written (never over a file).

use std::path::Path;
use std::process::Output;

mod site_support;
use site_support::{copy_site, fixture};

fn onair(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_build_names_each_scheduled_episode_and_at_builds_it_as_it_will_be() {
    let (_tmp, root) = copy_site(&fixture("basic"));
    let dir = root.to_str().unwrap();
    let o = onair(&["build", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The site's zone is America/New_York; the file's date has none, so it is midnight there.
    assert!(
        text(&o).contains("1 scheduled: From the Future, 2099-01-01 00:00 America/New_York (in "),
        "{}",
        text(&o)
    );
    assert!(!root.join("public/episodes/future").exists());

    let o = onair(&["build", dir, "--at", "2099-01-01 00:00"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!text(&o).contains("scheduled"), "{}", text(&o));
    // Checked as of that time: its date is no future date then.
    assert!(!text(&o).contains("pubdate-future"), "{}", text(&o));
    assert!(root.join("public/episodes/future/index.html").is_file());
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert!(feed.contains("<title>From the Future</title>"));

    let o = onair(&["build", dir, "--at", "next tuesday"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("error: --at `next tuesday`: "),
        "{}",
        text(&o)
    );
}

fn init(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["init", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    onair(&args)
}

#[test]
fn init_writes_a_github_workflow_and_ci_adds_one_never_over_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("show");
    let o = init(&site, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let workflow = std::fs::read_to_string(site.join(".github/workflows/onair.yml")).unwrap();
    assert!(workflow.contains("cron: \"17 * * * *\""));
    assert!(workflow.contains("run: onair build --locked"));
    assert!(workflow.contains("run: onair deploy --no-build"));
    assert!(text(&o).contains("set the repository secrets ONAIR_GIT"));

    let before = workflow.clone();
    let o = onair(&["ci", "github", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("onair.yml: error: already exists; onair never overwrites it"));
    assert_eq!(
        std::fs::read_to_string(site.join(".github/workflows/onair.yml")).unwrap(),
        before
    );

    let o = onair(&["ci", "gitlab", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let gitlab = std::fs::read_to_string(site.join(".gitlab-ci.yml")).unwrap();
    // GitLab reads it as YAML: one job whose script builds, then deploys.
    let yaml: serde_yaml::Value = serde_yaml::from_str(&gitlab).unwrap();
    let script: Vec<&str> = yaml["publish"]["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        &script[2..],
        [
            "\"$ONAIR_HOME/bin/onair\" build --locked",
            "\"$ONAIR_HOME/bin/onair\" deploy --no-build"
        ]
    );

    let bare = tmp.path().join("bare");
    let o = init(&bare, &["--ci", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!bare.join(".github").exists() && !bare.join(".gitlab-ci.yml").exists());
}

#[test]
fn a_site_inside_a_repository_gets_the_recipe_at_its_root() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let site = tmp.path().join("podcast");
    assert_eq!(init(&site, &["--ci", "none"]).status.code(), Some(0));
    let o = onair(&["ci", "github", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let workflow = std::fs::read_to_string(tmp.path().join(".github/workflows/onair.yml")).unwrap();
    assert!(
        workflow.contains("    defaults:\n      run:\n        working-directory: \"podcast\"\n"),
        "{workflow}"
    );
    let o = onair(&["ci", "github", tmp.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
