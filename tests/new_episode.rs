//! `onair new episode`: numbering, slugs, front matter, and writing nothing on bad input.

mod new_episode_support;

use std::fs;
use std::path::Path;

use new_episode_support::*;

/// A fresh site (from `onair init`, whose sample is episode 1) in New York time, with a
/// recording ready in its audio/ folder.
fn site_with_recording(tmp: &Path) -> std::path::PathBuf {
    let site = tmp.join("show");
    init_site(&site);
    set_site_key(&site, "timezone", "America/New_York");
    fs::write(site.join("audio/ep2.mp3"), SPEECH_MP3).unwrap();
    site
}

fn new_episode(site: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["new", "episode", site.to_str().unwrap()];
    args.extend_from_slice(extra);
    onair(&args)
}

#[test]
fn writes_the_next_episode_with_its_front_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    let out = new_episode(
        &site,
        &[
            "--audio",
            site.join("audio/ep2.mp3").to_str().unwrap(),
            "--title",
            "It's \"live\": $HOME & Ünïcödé 東京",
            "--date",
            "2026-01-05 09:30",
            "--tag",
            "interviews",
            "--tag",
            "rust: the language",
            "--season",
            "2",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = site.join("episodes/2026-01-05-it-s-live-home-unicode-dong-jing.md");
    assert_eq!(stdout(&out), format!("{}\n", expected.display()));
    let front = front_matter(&expected);
    assert_eq!(
        get_str(&front, "title"),
        "It's \"live\": $HOME & Ünïcödé 東京"
    );
    // Written without an offset, the date is the site's time zone's (EST in January).
    assert_eq!(get_str(&front, "date"), "2026-01-05T09:30:00-05:00");
    assert_eq!(get_str(&front, "audio"), "audio/ep2.mp3");
    assert_eq!(get_u64(&front, "episode"), 2);
    assert_eq!(get_u64(&front, "season"), 2);
    assert_eq!(get_str(&front, "summary"), "");
    let tags: Vec<&str> = front["tags"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(tags, ["interviews", "rust: the language"]);
    let guid = uuid::Uuid::parse_str(get_str(&front, "guid")).unwrap();
    assert_eq!(guid.get_version_num(), 4);
    assert!(!front.contains_key("draft"));
    let text = fs::read_to_string(&expected).unwrap();
    assert!(text.ends_with(onair::cmd::new_episode::NOTES_PLACEHOLDER));
}

#[test]
fn numbers_follow_the_highest_including_jekyll_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    // A moved-over Jekyll episode numbered with `episode_number:`.
    fs::write(
        site.join("episodes/2015-07-29-old-one.md"),
        "---\nlayout: post\ntitle: Old one\ndate: 2015-07-29 15:00:00\nepisode_number: 41\n\
         audio_url: https://media.example.com/41.mp3\nduration: \"0:58:45\"\nlength: 1000\n---\nNotes\n",
    )
    .unwrap();
    let audio = site.join("audio/ep2.mp3");
    let audio = audio.to_str().unwrap();
    let first = new_episode(&site, &["--audio", audio, "--title", "Next", "--draft"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let first_path = stdout(&first).trim().to_string();
    assert_eq!(
        get_u64(&front_matter(Path::new(&first_path)), "episode"),
        42
    );
    assert!(
        front_matter(Path::new(&first_path))["draft"]
            .as_bool()
            .unwrap()
    );

    // The same title again: the next number, and a slug made unique.
    let second = new_episode(&site, &["--audio", audio, "--title", "Next"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let second_path = stdout(&second).trim().to_string();
    assert_eq!(
        get_u64(&front_matter(Path::new(&second_path)), "episode"),
        43
    );
    assert!(first_path.ends_with("-next.md"), "{first_path}");
    assert!(second_path.ends_with("-next-2.md"), "{second_path}");

    // An explicit number is used as given; one already taken is refused.
    let chosen = new_episode(
        &site,
        &["--audio", audio, "--title", "Bonus", "--number", "7"],
    );
    assert!(chosen.status.success(), "{}", stderr(&chosen));
    assert_eq!(
        get_u64(&front_matter(Path::new(stdout(&chosen).trim())), "episode"),
        7
    );
    let before = tree(&site);
    let taken = new_episode(
        &site,
        &["--audio", audio, "--title", "Again", "--number", "41"],
    );
    assert_eq!(taken.status.code(), Some(2));
    assert_eq!(
        stderr(&taken),
        "error: episode 41 already exists (episodes/2015-07-29-old-one.md); choose another --number\n"
    );
    assert_eq!(tree(&site), before);
}

#[test]
fn titles_without_letters_get_a_numbered_slug() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    let out = new_episode(
        &site,
        &[
            "--audio",
            "audio/ep2.mp3",
            "--title",
            "?!",
            "--date",
            "2026-02-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        site.join("episodes/2026-02-01-episode-2.md")
            .to_str()
            .unwrap()
    );
}

#[test]
fn audio_is_found_from_the_current_folder_or_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    // Relative to the site folder (the current folder is elsewhere).
    let out = new_episode(&site, &["--audio", "audio/ep2.mp3", "--title", "From site"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Relative to the current folder.
    let out = std::process::Command::new(onair_bin())
        .current_dir(site.join("audio"))
        .args([
            "new",
            "episode",
            "..",
            "--audio",
            "ep2.mp3",
            "--title",
            "From here",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    assert!(path.starts_with("../episodes/"), "{path}");
    assert_eq!(
        get_str(&front_matter(&site.join("audio").join(&path)), "audio"),
        "audio/ep2.mp3"
    );
}

#[test]
fn not_audio_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    fs::write(
        site.join("audio/notes.mp3"),
        "just some text, not audio\n".repeat(50),
    )
    .unwrap();
    let before = tree(&site);
    let out = new_episode(&site, &["--audio", "audio/notes.mp3", "--title", "Oops"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "{}: error: is not audio onair can publish (",
            site.join("audio/notes.mp3").display()
        )),
        "{err}"
    );
    assert!(err.trim_end().ends_with("); nothing was written"), "{err}");
    assert_eq!(tree(&site), before);
}

#[test]
fn audio_outside_the_site_or_missing_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    let outside = tmp.path().join("elsewhere.mp3");
    fs::write(&outside, SPEECH_MP3).unwrap();
    let before = tree(&site);
    let out = new_episode(
        &site,
        &["--audio", outside.to_str().unwrap(), "--title", "X"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: error: is not inside the site folder; copy it into {} first \
             (scripts/episode-add.sh does that for you)\n",
            outside.display(),
            site.join("audio").display()
        )
    );
    let out = new_episode(&site, &["--audio", "audio/nope.mp3", "--title", "X"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "audio/nope.mp3: error: no such audio file (looked in the current folder and in the site folder)\n"
    );
    assert_eq!(tree(&site), before);
}

#[test]
fn never_overwrites_an_existing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    // This file's slug is `other`, so `hello` looks free, but the file name is taken.
    let taken = site.join("episodes/2026-03-01-hello.md");
    let mine = "---\ntitle: Mine\ndate: 2026-03-01\naudio: audio/ep2.mp3\nslug: other\n---\nMine\n";
    fs::write(&taken, mine).unwrap();
    let out = new_episode(
        &site,
        &[
            "--audio",
            "audio/ep2.mp3",
            "--title",
            "Hello",
            "--date",
            "2026-03-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: error: already exists; onair new episode never overwrites a file\n",
            taken.display()
        )
    );
    assert_eq!(fs::read_to_string(&taken).unwrap(), mine);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    let before = tree(&site);
    let out = new_episode(&site, &["--audio", "audio/ep2.mp3", "--title", "  "]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: --title is empty\n");
    let out = new_episode(
        &site,
        &[
            "--audio",
            "audio/ep2.mp3",
            "--title",
            "T",
            "--date",
            "last tuesday",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --date: "),
        "{}",
        stderr(&out)
    );
    let out = new_episode(
        &site,
        &["--audio", "audio/ep2.mp3", "--title", "T", "--number", "0"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: --number must be a positive number\n");
    assert_eq!(tree(&site), before);
}

#[test]
fn a_folder_without_site_yaml_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.mp3"), SPEECH_MP3).unwrap();
    let out = new_episode(tmp.path(), &["--audio", "a.mp3", "--title", "T"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no site.yaml in"), "{}", stderr(&out));
    assert_eq!(tree(tmp.path()), ["a.mp3"]);
}

#[test]
fn a_new_episode_builds_and_its_placeholder_is_not_published() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    let out = new_episode(
        &site,
        &[
            "--audio",
            "audio/ep2.mp3",
            "--title",
            "Built",
            "--date",
            "2026-01-05",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let built = onair::pipeline::build_site(&onair::pipeline::BuildOptions {
        root: site.clone(),
        ..Default::default()
    })
    .unwrap_or_else(|d| panic!("{:?}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>()));
    let ep = built
        .site
        .episodes
        .iter()
        .find(|e| e.slug == "built")
        .expect("the new episode is built");
    assert_eq!(ep.number, Some(2));
    assert_eq!(ep.facts.size, SPEECH_MP3.len() as u64);
    assert_eq!(ep.notes.html.trim(), "");
    assert_eq!(onair::dates::rfc3339(&ep.date), "2026-01-05T00:00:00-05:00");
}

#[test]
fn remote_audio_known_to_the_lock_needs_no_network() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    // What `onair probe --lock URL` records; the URL is never fetched in this test.
    let url = "https://cdn.example.org/shows/ep2.mp3";
    let lock = format!(
        "{{\"version\": 1, \"audio\": {{\"{url}\": {{\"format\": \"mp3\", \"size\": 4321000, \
         \"duration\": 1800.5, \"codec\": \"mp3\", \"sample_rate\": 44100, \"channels\": 2, \
         \"bitrate\": 19200, \"method\": \"xing header\"}}}}}}\n"
    );
    fs::write(site.join("onair.lock"), &lock).unwrap();
    let out = new_episode(&site, &["--audio", url, "--title", "Remote"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let front = front_matter(Path::new(stdout(&out).trim()));
    assert_eq!(get_str(&front, "audio"), url);
    assert_eq!(get_u64(&front, "episode"), 2);
    assert_eq!(fs::read_to_string(site.join("onair.lock")).unwrap(), lock);
}

#[test]
fn an_episode_dated_now_is_in_a_build_right_away() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_recording(tmp.path());
    let out = new_episode(&site, &["--audio", "audio/ep2.mp3", "--title", "Just now"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Its date is never ahead of the clock, so it is not held back as a future episode.
    let built = onair::pipeline::build_site(&onair::pipeline::BuildOptions {
        root: site.clone(),
        ..Default::default()
    })
    .unwrap_or_else(|d| panic!("{:?}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>()));
    assert!(built.site.episodes.iter().any(|e| e.slug == "just-now"));
}

// --- in a network (a site with shows/) ------------------------------------------------------

/// The example network with a new recording in the Solder Club's audio/ folder.
fn network_with_recording(tmp: &Path) -> std::path::PathBuf {
    let net = tmp.join("net");
    example_network(&net);
    fs::write(net.join("shows/solder-club/audio/ep3.mp3"), SPEECH_MP3).unwrap();
    net
}

#[test]
fn in_a_network_the_episode_goes_into_its_show() {
    let tmp = tempfile::tempdir().unwrap();
    let net = network_with_recording(tmp.path());
    // The audio as the show sees it (relative to its folder), like a single site's.
    let out = new_episode(
        &net,
        &[
            "--show",
            "solder-club",
            "--audio",
            "audio/ep3.mp3",
            "--title",
            "Third Hand Tools",
            "--date",
            "2026-02-05 18:00",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = net.join("shows/solder-club/episodes/2026-02-05-third-hand-tools.md");
    assert_eq!(stdout(&out), format!("{}\n", expected.display()));
    let front = front_matter(&expected);
    assert_eq!(get_str(&front, "audio"), "audio/ep3.mp3");
    // The show's own numbers (it has 1 and 2; Tin Can Radio's are higher) and the network's
    // time zone, which the show inherits.
    assert_eq!(get_u64(&front, "episode"), 3);
    assert_eq!(get_str(&front, "date"), "2026-02-05T18:00:00+01:00");
    assert!(!net.join("episodes").exists());
    builds_and_checks_clean(&net);
    let feed = fs::read_to_string(net.join("public/solder-club/feed.xml")).unwrap();
    assert!(feed.contains("<title>Third Hand Tools</title>"), "{feed}");
    assert!(
        net.join("public/solder-club/episodes/third-hand-tools/index.html")
            .is_file()
    );
    let root_feed = fs::read_to_string(net.join("public/feed.xml")).unwrap();
    assert!(!root_feed.contains("Third Hand Tools"));
}

#[test]
fn a_show_is_named_by_its_slug_or_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let net = network_with_recording(tmp.path());
    fs::rename(net.join("shows/night-shift"), net.join("shows/Night_Shift")).unwrap();
    fs::write(net.join("shows/Night_Shift/audio/story.mp3"), SPEECH_MP3).unwrap();
    fs::write(net.join("shows/Night_Shift/audio/story2.mp3"), SPEECH_MP3).unwrap();
    for (name, audio, title) in [
        ("night-shift", "audio/story.mp3", "By slug"),
        ("Night_Shift", "audio/story2.mp3", "By folder"),
    ] {
        let out = new_episode(
            &net,
            &[
                "--show",
                name,
                "--audio",
                audio,
                "--title",
                title,
                "--date",
                "2026-02-01",
            ],
        );
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("shows/Night_Shift/episodes/2026-02-01-by-"),
            "{name}: {}",
            stdout(&out)
        );
    }
    let numbers: Vec<u64> = ["by-slug", "by-folder"]
        .iter()
        .map(|s| {
            get_u64(
                &front_matter(&net.join(format!("shows/Night_Shift/episodes/2026-02-01-{s}.md"))),
                "episode",
            )
        })
        .collect();
    assert_eq!(numbers, [3, 4]);
}

#[test]
fn which_show_is_a_usage_error_when_missing_unknown_or_not_a_network() {
    let tmp = tempfile::tempdir().unwrap();
    let net = network_with_recording(tmp.path());
    let audio = net.join("shows/solder-club/audio/ep3.mp3");
    let audio = audio.to_str().unwrap();
    let shows = "(the shows: night-shift, solder-club, tin-can-radio)";
    let cases: [(&[&str], String); 2] = [
        (
            &["--audio", audio, "--title", "T"],
            format!(
                "error: {} is a network: say which show the episode is for with --show NAME {shows}\n",
                net.display()
            ),
        ),
        (
            &["--show", "soldering", "--audio", audio, "--title", "T"],
            format!(
                "error: --show soldering: {} has no such show {shows}\n",
                net.display()
            ),
        ),
    ];
    for (args, message) in cases {
        let out = new_episode(&net, args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(stderr(&out), message);
        assert_eq!(stdout(&out), "");
    }
    let site = site_with_recording(tmp.path());
    let out = new_episode(
        &site,
        &["--show", "main", "--audio", "audio/ep2.mp3", "--title", "T"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: --show main: {} is a single-show site (it has no shows/ folder); leave out --show\n",
            site.display()
        )
    );
    assert_eq!(tree(&site.join("episodes")).len(), 1);
    assert_eq!(tree(&net.join("shows/solder-club/episodes")).len(), 2);
}

#[test]
fn another_shows_audio_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let net = network_with_recording(tmp.path());
    let audio = net.join("shows/solder-club/audio/ep3.mp3");
    let out = new_episode(
        &net,
        &[
            "--show",
            "night-shift",
            "--audio",
            audio.to_str().unwrap(),
            "--title",
            "T",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: error: is not inside the show's folder shows/night-shift (it is shows/solder-club's audio); copy it into {} first (scripts/episode-add.sh --show night-shift does that for you)\n",
            audio.display(),
            net.join("shows/night-shift/audio").display()
        )
    );
    assert_eq!(tree(&net.join("shows/night-shift/episodes")).len(), 2);
}

#[test]
fn a_shows_remote_audio_is_known_from_the_networks_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    example_network(&net);
    let url = "https://cdn.example.org/night/ep3.mp3";
    let lock = format!(
        "{{\"version\": 1, \"audio\": {{\"{url}\": {{\"format\": \"mp3\", \"size\": 4321000, \
         \"duration\": 1800.5, \"codec\": \"mp3\", \"sample_rate\": 44100, \"channels\": 2, \
         \"bitrate\": 19200, \"method\": \"xing header\"}}}}}}\n"
    );
    fs::write(net.join("onair.lock"), &lock).unwrap();
    let out = new_episode(
        &net,
        &[
            "--show",
            "night-shift",
            "--audio",
            url,
            "--title",
            "Remote",
            "--date",
            "2026-02-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let front = front_matter(Path::new(stdout(&out).trim()));
    assert_eq!(get_str(&front, "audio"), url);
    assert_eq!(get_u64(&front, "episode"), 3);
    assert!(!net.join("shows/night-shift/onair.lock").exists());
    builds_and_checks_clean(&net);
    let feed = fs::read_to_string(net.join("public/night-shift/feed.xml")).unwrap();
    assert!(
        feed.contains(&format!("url=\"{url}\" length=\"4321000\"")),
        "{feed}"
    );
}
