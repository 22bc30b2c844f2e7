//! Nothing of `onair init`'s samples reaches listeners: `check` and `build` warn about each
//! placeholder at its line, `deploy` refuses them; and the other quiet mistakes of a first
//! site (an empty description, an audio file no episode uses, two episodes on one file).

use std::path::{Path, PathBuf};
use std::process::Output;

mod site_support;
use site_support::publish;

fn onair(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn init() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("show");
    let o = onair(&["init", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (tmp, site)
}

fn welcome_file(site: &Path) -> String {
    std::fs::read_dir(site.join("episodes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.ends_with("-welcome.md"))
        .unwrap()
}

/// The lines of `out` that name a placeholder.
fn placeholder_lines(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.contains("`onair init` wrote"))
        .map(str::to_string)
        .collect()
}

const SITE_YAML_PLACEHOLDERS: [&str; 6] = [
    "site.yaml:10: LEVEL: `url: https://podcast.example.com` is the placeholder `onair init` wrote: set it to the address the site will be published at (every link in the feed is absolute)",
    "site.yaml:14: LEVEL: `author: Your Name` is the placeholder `onair init` wrote: give the host's or the company's name",
    "site.yaml:16: LEVEL: `owner: { name: Your Name }` is the placeholder `onair init` wrote: give the owner's name",
    "site.yaml:16: LEVEL: `email: you@example.com` is the placeholder `onair init` wrote: directories send the show's verification code to this address, so give yours",
    "site.yaml:18: LEVEL: `image: assets/cover.jpg` is still the sample artwork `onair init` wrote: replace the file with the show's own cover",
    "site.yaml:26: LEVEL: `copyright:` still names \"Your Name\", the placeholder `onair init` wrote: give the rights holder",
];

fn expected(level: &str, welcome: &str) -> Vec<String> {
    let mut want: Vec<String> = SITE_YAML_PLACEHOLDERS
        .iter()
        .map(|l| l.replace("LEVEL", level))
        .collect();
    want.push(format!(
        "episodes/{welcome}:4: {level}: this is the sample episode `onair init` wrote (`audio/welcome.mp3` is its five-second sample audio): delete the episode file and the audio before publishing"
    ));
    want
}

#[test]
fn init_placeholders_are_warned_about_and_refused_by_deploy() {
    let (_tmp, site) = init();
    let dir = site.to_str().unwrap();
    let welcome = welcome_file(&site);
    for cmd in ["build", "check"] {
        let o = onair(&[cmd, dir]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
        let mut got = placeholder_lines(&o);
        got.sort();
        let mut want = expected("warning", &welcome);
        want.sort();
        assert_eq!(got, want, "{cmd}");
    }
    let (target, o) = publish(&site, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut got = placeholder_lines(&o);
    got.retain(|l| !l.starts_with("deploy failed"));
    got.sort();
    let mut want = expected("error", &welcome);
    want.sort();
    assert_eq!(got, want);
    assert!(stderr(&o).contains("nothing was deployed"));
    assert!(std::fs::read_dir(target.path()).unwrap().next().is_none());
    // Without a build, the site.yaml part is refused all the same.
    let to = format!("file://{}", target.path().display());
    let o = onair(&["deploy", dir, "--to", &to, "--no-build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("site.yaml:10: error: `url: https://podcast.example.com`"));
}

/// The sample site made the podcaster's own: values, cover, and a real first episode.
fn make_it_ours(site: &Path) {
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml = yaml
        .replace("https://podcast.example.com", "https://kitchen.example.net")
        .replace("Your Name", "Ada Baker")
        .replace("you@example.com", "ada@kitchen.example.net")
        .replace("assets/cover.jpg", "assets/cover.png");
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    std::fs::copy(
        example.join("assets/cover.png"),
        site.join("assets/cover.png"),
    )
    .unwrap();
    std::fs::remove_file(site.join("assets/cover.jpg")).unwrap();
    std::fs::remove_file(site.join("episodes").join(welcome_file(site))).unwrap();
    std::fs::remove_file(site.join("audio/welcome.mp3")).unwrap();
    std::fs::copy(
        example.join("audio/trailer.mp3"),
        site.join("audio/first.mp3"),
    )
    .unwrap();
    let o = onair(&[
        "new",
        "episode",
        site.to_str().unwrap(),
        "--audio",
        site.join("audio/first.mp3").to_str().unwrap(),
        "--title",
        "First Bake",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_site_made_its_own_deploys_and_the_quiet_mistakes_are_warned_about() {
    let (_tmp, site) = init();
    make_it_ours(&site);
    let dir = site.to_str().unwrap();
    let o = onair(&["check", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(placeholder_lines(&o).is_empty(), "{}", stderr(&o));
    let (_target, o) = publish(&site, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // new episode warns about audio another episode already has: the build would fail.
    let o = onair(&[
        "new",
        "episode",
        dir,
        "--audio",
        site.join("audio/first.mp3").to_str().unwrap(),
        "--title",
        "Second Bake",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(": warning: `audio/first.mp3` is already the audio of episodes/")
            && stderr(&o).contains("so the build refuses both until one names another file"),
        "{}",
        stderr(&o)
    );
    let second = String::from_utf8_lossy(&o.stdout).trim().to_string();
    std::fs::remove_file(&second).unwrap();

    // An audio file nothing names, and an episode with nothing to describe it.
    std::fs::copy(site.join("audio/first.mp3"), site.join("audio/take2.mp3")).unwrap();
    std::fs::copy(site.join("audio/first.mp3"), site.join("audio/empty.mp3")).unwrap();
    std::fs::write(
        site.join("episodes/2026-01-01-empty.md"),
        "---\ntitle: Empty\naudio: audio/empty.mp3\nepisode: 7\n---\n",
    )
    .unwrap();
    let o = onair(&["check", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("audio/take2.mp3: warning: no episode uses this file, so it is not published: give an episode `audio: audio/take2.mp3`, or remove the file"),
        "{err}"
    );
    assert!(!err.contains("audio/empty.mp3: warning"), "{err}");
    assert!(
        err.contains("episodes/2026-01-01-empty.md: warning: no `summary:` and no show notes: apps show this episode with an empty description"),
        "{err}"
    );
}
