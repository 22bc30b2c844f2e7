//! scripts/episode-add.sh, run under both dash and bash in temporary sites.

mod new_episode_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use new_episode_support::*;

const SHELLS: [&str; 2] = ["dash", "bash"];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/episode-add.sh")
}

/// Runs the hook with `shell` from `cwd`, onair given by $ONAIR, and no $ONAIR_SITE unless
/// `site_env` is set.
fn run_hook(shell: &str, cwd: &Path, site_env: Option<&Path>, args: &[&str]) -> Output {
    run_hook_with(shell, cwd, site_env, &onair_bin(), args)
}

fn run_hook_with(
    shell: &str,
    cwd: &Path,
    site_env: Option<&Path>,
    onair: &Path,
    args: &[&str],
) -> Output {
    let mut cmd = Command::new(shell);
    cmd.arg(script()).args(args).current_dir(cwd);
    cmd.env("ONAIR", onair).env_remove("ONAIR_SITE");
    if let Some(site) = site_env {
        cmd.env("ONAIR_SITE", site);
    }
    cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {shell} (install it: apt-get install -y {shell}): {e}")
    })
}

/// A new site (`onair init`) and, beside it, a folder of recordings.
fn setup(tmp: &Path) -> (PathBuf, PathBuf) {
    let site = tmp.join("my show");
    init_site(&site);
    let drop = tmp.join("drop box");
    fs::create_dir_all(&drop).unwrap();
    (site, drop)
}

fn episodes(site: &Path) -> Vec<String> {
    tree(&site.join("episodes"))
}

#[test]
fn happy_path_from_inside_the_site() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        let recording = drop.join("ep2.mp3");
        fs::write(&recording, SPEECH_MP3).unwrap();
        // Run from a subfolder: the site is found upward.
        let out = run_hook(
            shell,
            &site.join("pages"),
            None,
            &[
                recording.to_str().unwrap(),
                "Second episode",
                "--tag",
                "news",
            ],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let path = PathBuf::from(stdout(&out).trim());
        assert!(
            path.starts_with(site.canonicalize().unwrap()),
            "{shell}: {path:?}"
        );
        let front = front_matter(&path);
        assert_eq!(get_str(&front, "title"), "Second episode");
        assert_eq!(get_str(&front, "audio"), "audio/ep2.mp3");
        assert_eq!(get_u64(&front, "episode"), 2);
        assert_eq!(fs::read(site.join("audio/ep2.mp3")).unwrap(), SPEECH_MP3);
        assert_eq!(episodes(&site).len(), 2, "{shell}");
    }
}

#[test]
fn titles_with_quotes_dollars_and_unicode_and_paths_with_spaces() {
    let title = "It's \"our\" $HOME `pwd` \\ épisode 東京";
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        let recording = drop.join("Ep 3 – $final 'mix' ü.mp3");
        fs::write(&recording, SPEECH_MP3).unwrap();
        let out = run_hook(
            shell,
            tmp.path(),
            Some(&site),
            &[recording.to_str().unwrap(), title],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let path = PathBuf::from(stdout(&out).trim());
        let front = front_matter(&path);
        assert_eq!(get_str(&front, "title"), title, "{shell}");
        assert_eq!(get_str(&front, "audio"), "audio/Ep 3 – $final 'mix' ü.mp3");
        assert_eq!(
            fs::read(site.join("audio/Ep 3 – $final 'mix' ü.mp3")).unwrap(),
            SPEECH_MP3
        );
    }
}

#[test]
fn the_same_file_already_in_audio_is_fine() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        // Copied into audio/ by hand earlier, not used by any episode yet.
        fs::write(site.join("audio/ep2.mp3"), SPEECH_MP3).unwrap();
        fs::write(drop.join("ep2.mp3"), SPEECH_MP3).unwrap();
        let out = run_hook(
            shell,
            &site,
            None,
            &[drop.join("ep2.mp3").to_str().unwrap(), "Same content"],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert!(stderr(&out).contains("already there with the same content"));
        // The site's own file, given directly, works too.
        fs::write(site.join("audio/ep3.mp3"), SPEECH_MP3).unwrap();
        let out = run_hook(shell, &site, None, &["audio/ep3.mp3", "Own file"]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert_eq!(episodes(&site).len(), 3, "{shell}");
        // A failure afterwards does not remove audio the hook did not copy.
        let out = run_hook(shell, &site, None, &["audio/ep3.mp3", "Same audio twice"]);
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert!(site.join("audio/ep3.mp3").is_file(), "{shell}");
        assert_eq!(episodes(&site).len(), 3, "{shell}");
    }
}

#[test]
fn a_different_file_with_the_same_name_is_refused() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        let other = drop.join("welcome.mp3");
        fs::write(&other, &SPEECH_MP3[..SPEECH_MP3.len() / 2]).unwrap();
        let before = tree(&site);
        let out = run_hook(shell, &site, None, &[other.to_str().unwrap(), "Clash"]);
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert_eq!(
            stderr(&out),
            format!(
                "episode-add.sh: error: {}/audio/welcome.mp3 already exists and is a different \
                 file: rename one of them (nothing was changed)\n",
                site.canonicalize().unwrap().display()
            )
        );
        assert_eq!(tree(&site), before, "{shell}");
        assert_eq!(
            fs::read(site.join("audio/welcome.mp3")).unwrap(),
            SPEECH_MP3
        );
    }
}

#[test]
fn a_file_that_is_not_audio_leaves_nothing_behind() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        let text = drop.join("notes.mp3");
        fs::write(&text, "these are show notes, not audio\n".repeat(100)).unwrap();
        let before = tree(&site);
        let out = run_hook(shell, &site, None, &[text.to_str().unwrap(), "Not audio"]);
        assert_eq!(out.status.code(), Some(1), "{shell}");
        let err = stderr(&out);
        assert!(
            err.contains("error: is not audio onair can publish"),
            "{shell}: {err}"
        );
        assert!(
            err.ends_with(&format!(
                "episode-add.sh: error: onair new episode failed (see above); the episode was not added\n\
                 episode-add.sh: removed {}/audio/notes.mp3\n",
                site.canonicalize().unwrap().display()
            )),
            "{shell}: {err}"
        );
        assert_eq!(tree(&site), before, "{shell}");
    }
}

#[test]
fn a_failing_check_removes_the_episode_and_the_audio() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        // An onair whose `check` fails: everything else is the real one.
        let fake = tmp.path().join("onair-check-fails");
        fs::write(
            &fake,
            format!(
                "#!/bin/sh\nif [ \"$1\" = check ]; then echo 'feed.xml: error: boom' >&2; exit 1; fi\nexec '{}' \"$@\"\n",
                onair_bin().display()
            ),
        )
        .unwrap();
        make_executable(&fake);
        fs::write(drop.join("ep2.mp3"), SPEECH_MP3).unwrap();
        let before = tree(&site);
        let out = run_hook_with(
            shell,
            &site,
            None,
            &fake,
            &[drop.join("ep2.mp3").to_str().unwrap(), "Checked"],
        );
        assert_eq!(out.status.code(), Some(1), "{shell}");
        let err = stderr(&out);
        assert!(err.starts_with("feed.xml: error: boom\n"), "{shell}: {err}");
        assert!(
            err.contains(
                "error: onair check found problems (see above), so the episode was not added"
            ),
            "{shell}: {err}"
        );
        assert_eq!(tree(&site), before, "{shell}");
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn no_site_found() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let recording = tmp.path().join("ep.mp3");
        fs::write(&recording, SPEECH_MP3).unwrap();
        let out = run_hook(shell, tmp.path(), None, &["ep.mp3", "Lost"]);
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert_eq!(
            stderr(&out),
            format!(
                "episode-add.sh: error: no site found: no site.yaml in {} or any folder above it \
                 (cd into the site, or set ONAIR_SITE)\n",
                tmp.path().canonicalize().unwrap().display()
            )
        );
        let out = run_hook(shell, tmp.path(), Some(tmp.path()), &["ep.mp3", "Lost"]);
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert_eq!(
            stderr(&out),
            format!(
                "episode-add.sh: error: ONAIR_SITE={} is not an onair site (it has no site.yaml)\n",
                tmp.path().display()
            )
        );
        assert_eq!(tree(tmp.path()), ["ep.mp3"]);
    }
}

#[test]
fn usage_and_help() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let out = run_hook(shell, tmp.path(), None, &["--help"]);
        assert!(out.status.success());
        let help = stdout(&out);
        assert!(
            help.starts_with("Usage: episode-add.sh [--show NAME] AUDIO \"TITLE\" [OPTIONS]\n"),
            "{help}"
        );
        for word in [
            "ONAIR_SITE",
            "ONAIR ",
            "onair check",
            "Exit status",
            "--show NAME",
        ] {
            assert!(help.contains(word), "{shell}: help lacks {word}");
        }
        let out = run_hook(shell, tmp.path(), None, &["only-one-arg"]);
        assert_eq!(out.status.code(), Some(2), "{shell}");
        assert!(stderr(&out).starts_with("Usage: "));
        assert!(stdout(&out).is_empty());
        let (site, _) = setup(tmp.path());
        let out = run_hook(shell, &site, None, &["missing.mp3", "T"]);
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert_eq!(
            stderr(&out),
            "episode-add.sh: error: missing.mp3: no such file\n",
            "{shell}"
        );
    }
}

#[test]
fn onair_must_be_found() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, _) = setup(tmp.path());
        let out = run_hook_with(
            shell,
            &site,
            None,
            &tmp.path().join("no-such-onair"),
            &["audio/welcome.mp3", "T"],
        );
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert_eq!(
            stderr(&out),
            format!(
                "episode-add.sh: error: ONAIR={} is not a program that can be run\n",
                tmp.path().join("no-such-onair").display()
            )
        );
        let out = Command::new(shell)
            .arg(script())
            .args(["audio/welcome.mp3", "T"])
            .current_dir(&site)
            .env_remove("ONAIR")
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{shell}");
        assert_eq!(
            stderr(&out),
            "episode-add.sh: error: onair is not on PATH: install it, or set ONAIR to the onair program\n"
        );
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = fs::metadata(path).unwrap().permissions();
    perms.set_mode(0o755);
    fs::set_permissions(path, perms).unwrap();
}

#[test]
fn options_pass_through_and_drafts_and_future_dates_are_checked() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (site, drop) = setup(tmp.path());
        fs::write(drop.join("ep2.mp3"), SPEECH_MP3).unwrap();
        fs::write(drop.join("ep3.mp3"), SPEECH_MP3).unwrap();
        // `onair check` sees a draft or future episode only with --drafts; a fake onair
        // records how check was called.
        let log = tmp.path().join("check-args");
        let fake = tmp.path().join("onair-logging");
        fs::write(
            &fake,
            format!(
                "#!/bin/sh\nif [ \"$1\" = check ]; then printf '%s\\n' \"$*\" >> '{}'; fi\nexec '{}' \"$@\"\n",
                log.display(),
                onair_bin().display()
            ),
        )
        .unwrap();
        make_executable(&fake);
        let out = run_hook_with(
            shell,
            &site,
            None,
            &fake,
            &[
                drop.join("ep2.mp3").to_str().unwrap(),
                "Draft",
                "--draft",
                "--summary",
                "Two words: $x",
            ],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let front = front_matter(Path::new(stdout(&out).trim()));
        assert_eq!(front["draft"].as_bool(), Some(true));
        assert_eq!(get_str(&front, "summary"), "Two words: $x");
        let out = run_hook_with(
            shell,
            &site,
            None,
            &fake,
            &[
                drop.join("ep3.mp3").to_str().unwrap(),
                "Later",
                "--date",
                "2099-01-01",
            ],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let site_path = site.canonicalize().unwrap();
        assert_eq!(
            fs::read_to_string(&log).unwrap(),
            format!(
                "check --drafts {0}\ncheck --drafts {0}\n",
                site_path.display()
            ),
            "{shell}"
        );
    }
}

// --- in a network (a site with shows/) ------------------------------------------------------

/// The example network and, beside it, a folder with a recording.
fn network_setup(tmp: &Path) -> (PathBuf, PathBuf) {
    let net = tmp.join("the net");
    example_network(&net);
    let drop = tmp.join("drop box");
    fs::create_dir_all(&drop).unwrap();
    let recording = drop.join("story 3.mp3");
    fs::write(&recording, SPEECH_MP3).unwrap();
    (net, recording)
}

#[test]
fn show_puts_the_audio_and_the_episode_into_the_show() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (net, recording) = network_setup(tmp.path());
        // From inside another show's folder: the network is found upward, --show decides.
        let out = run_hook(
            shell,
            &net.join("shows/solder-club/episodes"),
            None,
            &[
                "--show",
                "night-shift",
                recording.to_str().unwrap(),
                "The Night Ferry",
                "--date",
                "2026-01-30 23:30",
            ],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let show = net.canonicalize().unwrap().join("shows/night-shift");
        let path = PathBuf::from(stdout(&out).trim());
        assert_eq!(
            path,
            show.join("episodes/2026-01-30-the-night-ferry.md"),
            "{shell}"
        );
        let front = front_matter(&path);
        assert_eq!(get_str(&front, "audio"), "audio/story 3.mp3", "{shell}");
        assert_eq!(get_u64(&front, "episode"), 3, "{shell}");
        assert_eq!(
            fs::read(show.join("audio/story 3.mp3")).unwrap(),
            SPEECH_MP3
        );
        assert!(!net.join("audio").exists(), "{shell}");
        assert_eq!(tree(&net.join("shows/solder-club/episodes")).len(), 2);
        builds_and_checks_clean(&net);
        // --show=NAME too, with ONAIR_SITE.
        let out = run_hook(
            shell,
            tmp.path(),
            Some(&net),
            &[
                "--show=solder-club",
                recording.to_str().unwrap(),
                "Soldering at Night",
                "--date",
                "2026-01-29",
            ],
        );
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("shows/solder-club/episodes/2026-01-29-soldering-at-night.md"),
            "{shell}: {}",
            stdout(&out)
        );
        assert!(net.join("shows/solder-club/audio/story 3.mp3").is_file());
    }
}

#[test]
fn show_errors_stop_before_anything_is_copied() {
    for shell in SHELLS {
        let tmp = tempfile::tempdir().unwrap();
        let (net, recording) = network_setup(tmp.path());
        let rec = recording.to_str().unwrap();
        let real = net.canonicalize().unwrap();
        let shows = "(the shows: night-shift, solder-club, tin-can-radio)";
        let cases: [(&[&str], String); 4] = [
            (
                &[rec, "T"],
                format!(
                    "episode-add.sh: error: {} is a network: say which show the episode is for with --show NAME {shows}\n",
                    real.display()
                ),
            ),
            (
                &["--show", "solder", rec, "T"],
                format!(
                    "episode-add.sh: error: --show solder: {} has no such show {shows}\n",
                    real.display()
                ),
            ),
            (
                &[rec, "T", "--show", "solder-club"],
                "episode-add.sh: error: give --show NAME first, before AUDIO: episode-add.sh --show NAME AUDIO \"TITLE\"\n".to_string(),
            ),
            (
                &["--show=", rec, "T"],
                "episode-add.sh: error: --show needs the show's name\n".to_string(),
            ),
        ];
        let before = tree(&net);
        for (args, message) in cases {
            let out = run_hook(shell, &net, None, args);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{shell} {args:?}: {}",
                stderr(&out)
            );
            assert_eq!(stderr(&out), message, "{shell} {args:?}");
            assert_eq!(stdout(&out), "", "{shell}");
        }
        assert_eq!(tree(&net), before, "{shell}");

        let (site, _) = setup(tmp.path());
        let before = tree(&site);
        let out = run_hook(shell, &site, None, &["--show", "main", rec, "T"]);
        assert_eq!(out.status.code(), Some(2), "{shell}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "episode-add.sh: error: --show main: {} is a single-show site (it has no shows/ folder); leave out --show\n",
                site.canonicalize().unwrap().display()
            ),
            "{shell}"
        );
        assert_eq!(tree(&site), before, "{shell}");
    }
}
