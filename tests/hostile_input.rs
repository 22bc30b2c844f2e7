//! Broken and hostile input: every problem located and reported at once, nothing published,
//! nothing panics, and whatever text comes in, the feed, pages and JSON stay well-formed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

const SITE_YAML: &str = "title: Hostile\ndescription: Tests.\nurl: https://h.example.com\nauthor: A\nimage: assets/cover.png\ncategories: [Technology]\n";

/// A minimal valid site with one good episode (real audio from the probe fixtures).
fn base_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    write(&root, "site.yaml", SITE_YAML);
    write(
        &root,
        "assets/cover.png",
        std::fs::read(fixtures.join("sites/basic/assets/cover.png")).unwrap(),
    );
    write(
        &root,
        "audio/good.mp3",
        std::fs::read(fixtures.join("audio/mp3-cbr-info.mp3")).unwrap(),
    );
    write(
        &root,
        "episodes/2026-01-01-good.md",
        "---\ntitle: Good\naudio: audio/good.mp3\n---\nFine.\n",
    );
    (tmp, root)
}

fn build(root: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_onair"))
        .arg("build")
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).replace(&format!("{}/", root.display()), "");
    (out.status.code().unwrap_or(-1), err)
}

fn assert_has(err: &str, needle: &str) {
    assert!(err.contains(needle), "expected `{needle}` in:\n{err}");
}

#[test]
fn empty_site_yaml() {
    let (_t, root) = base_site();
    write(&root, "site.yaml", "\n\n");
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(&err, "site.yaml: error: site.yaml is empty");
}

#[test]
fn invalid_yaml_in_config_is_located() {
    let (_t, root) = base_site();
    write(
        &root,
        "site.yaml",
        format!("{SITE_YAML}owner: {{ name: x\n"),
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "site.yaml:8:1: error: did not find expected ',' or '}'",
    );
}

#[test]
fn missing_closing_fence() {
    let (_t, root) = base_site();
    write(
        &root,
        "episodes/2026-01-02-open.md",
        "---\ntitle: Open\naudio: audio/good.mp3\nNotes without a fence.\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "episodes/2026-01-02-open.md:1: error: front matter opened with `---` is never closed",
    );
}

#[test]
fn duplicate_slug_guid_and_number() {
    let (_t, root) = base_site();
    write(
        &root,
        "audio/b.mp3",
        std::fs::read(root.join("audio/good.mp3"))
            .unwrap()
            .iter()
            .chain(b"x")
            .copied()
            .collect::<Vec<u8>>(),
    );
    write(
        &root,
        "episodes/2026-01-01-good.md",
        "---\ntitle: Good\naudio: audio/good.mp3\nepisode: 1\nguid: same\n---\n",
    );
    write(
        &root,
        "episodes/2026-02-01-good.md",
        "---\ntitle: Again\naudio: audio/b.mp3\nepisode: 1\nguid: same\n---\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "error: same slug `good` as episodes/2026-01-01-good.md: rename one file or set `slug:`",
    );
    assert_has(
        &err,
        "error: same guid `same` as episodes/2026-01-01-good.md",
    );
    assert_has(
        &err,
        "error: same episode number `episode 1` as episodes/2026-01-01-good.md",
    );
}

#[test]
fn audio_that_is_not_audio_or_outside_the_site() {
    let (_t, root) = base_site();
    write(&root, "audio/notes.mp3", "this is a text file, not audio\n");
    write(
        &root,
        "episodes/2026-01-02-text.md",
        "---\ntitle: Text\naudio: audio/notes.mp3\n---\n",
    );
    write(
        &root,
        "episodes/2026-01-03-escape.md",
        "---\ntitle: Escape\naudio: ../../etc/passwd\n---\n",
    );
    write(
        &root,
        "episodes/2026-01-04-dir.md",
        "---\ntitle: Dir\naudio: audio\n---\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(&err, "episodes/2026-01-02-text.md:3: error: ");
    assert_has(
        &err,
        "episodes/2026-01-03-escape.md:3: error: the audio path `../../etc/passwd` leaves the site folder",
    );
    assert_has(&err, "episodes/2026-01-04-dir.md:3: error: ");
    assert!(!err.contains("root:"), "never reads the file: {err}");
}

#[test]
fn template_error_in_an_override_names_template_and_line() {
    let (_t, root) = base_site();
    write(
        &root,
        "templates/episode.html",
        "<h1>{{ episode.title }}</h1>\n<p>{% if %}</p>\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(&err, "templates/episode.html:2:");
}

#[test]
fn template_runtime_error_names_the_template() {
    let (_t, root) = base_site();
    write(&root, "templates/page.html", "{{ page.nope.deeper }}");
    write(&root, "pages/about.md", "About.\n");
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "templates/page.html: error: template `page.html` failed for /about/",
    );
}

#[test]
fn non_utf8_bom_and_crlf() {
    let (_t, root) = base_site();
    write(
        &root,
        "episodes/2026-01-02-latin1.md",
        b"---\ntitle: Caf\xe9\naudio: audio/good.mp3\n---\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "episodes/2026-01-02-latin1.md:2:11: error: not valid UTF-8: save the file as UTF-8",
    );

    std::fs::remove_file(root.join("episodes/2026-01-02-latin1.md")).unwrap();
    std::fs::remove_file(root.join("episodes/2026-01-01-good.md")).unwrap();
    write(
        &root,
        "episodes/2026-01-02-bom.md",
        "\u{feff}---\r\ntitle: Bom\r\naudio: audio/good.mp3\r\ndate: 2026-01-02\r\n---\r\nNotes\r\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    assert!(feed.contains("<title>Bom</title>"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_site_are_not_followed() {
    let (_t, root) = base_site();
    std::os::unix::fs::symlink(&root, root.join("episodes/loop")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("assets/etc")).unwrap();
    std::fs::create_dir_all(root.join("pages")).unwrap();
    std::os::unix::fs::symlink("p2", root.join("pages/p1")).unwrap();
    std::os::unix::fs::symlink("p1", root.join("pages/p2")).unwrap();
    // A link to an episode file inside the site is read like the file, under the link's name.
    write(
        &root,
        "drafts/kept.md",
        "---\ntitle: Linked\naudio: audio/good.mp3\nguid: linked\nepisode: 2\n---\n",
    );
    std::fs::remove_file(root.join("episodes/2026-01-01-good.md")).unwrap();
    std::os::unix::fs::symlink(
        "../drafts/kept.md",
        root.join("episodes/2026-01-05-linked.md"),
    )
    .unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    assert_has(
        &err,
        "episodes/loop: warning: the symbolic link `episodes/loop` leads to a folder, which is not searched: move the files here instead",
    );
    assert_has(
        &err,
        "pages/p1: warning: symbolic link loop: `pages/p1` -> `p2` never reaches a file: ignored",
    );
    assert_has(
        &err,
        "assets/etc: warning: symbolic link in assets/ not published (onair never follows links out of the site)",
    );
    assert!(!root.join("public/assets/etc").exists());
    assert!(root.join("public/episodes/linked/index.html").exists());

    // Episode files that are loops, broken or lead out of the site: errors, never followed.
    std::os::unix::fs::symlink("b.md", root.join("episodes/a.md")).unwrap();
    std::os::unix::fs::symlink("a.md", root.join("episodes/b.md")).unwrap();
    std::os::unix::fs::symlink("gone.md", root.join("episodes/broken.md")).unwrap();
    let outside = root.parent().unwrap().join("outside.md");
    std::fs::write(
        &outside,
        "---\ntitle: Outside\naudio: audio/good.mp3\n---\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, root.join("episodes/out.md")).unwrap();
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        "episodes/a.md: error: symbolic link loop: `episodes/a.md` -> `b.md` never reaches a file: replace it with the file itself",
    );
    assert_has(
        &err,
        "episodes/broken.md: error: broken symbolic link (`episodes/broken.md` -> `gone.md`, which does not exist): replace it with the file itself",
    );
    assert_has(
        &err,
        &format!(
            "episodes/out.md: error: the symbolic link `episodes/out.md` leads outside the site folder (to `{}`); onair never follows links out of the site: copy the file into the site",
            outside.display()
        ),
    );
}

#[test]
fn many_problems_are_reported_in_one_build() {
    let (_t, root) = base_site();
    write(
        &root,
        "episodes/2026-01-02-a.md",
        "---\ntitle: A\naudio: audio/missing.mp3\n---\n",
    );
    write(
        &root,
        "episodes/2026-01-03-b.md",
        "---\ntitle: B\naudio: audio/good.mp3\ndate: someday\n---\n",
    );
    write(
        &root,
        "episodes/2026-01-04-c.md",
        "---\ntitel: C\naudio: audio/good.mp3\n---\n",
    );
    write(&root, "episodes/2026-01-05-d.md", "---\ntitle: D\n");
    write(
        &root,
        "episodes/2026-01-06-e.md",
        "---\ntitle: E\naudio: https://cdn.example.com/e.mp3\nlength: 0\nduration: 10\n---\n",
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "episodes/2026-01-02-a.md:3: error: audio file not found",
    );
    assert_has(
        &err,
        "episodes/2026-01-03-b.md:4: error: `someday` is not a date",
    );
    assert_has(
        &err,
        "episodes/2026-01-04-c.md:2:1: error: unknown key `titel` (did you mean `title`?)",
    );
    assert_has(
        &err,
        "episodes/2026-01-05-d.md:1: error: front matter opened with `---` is never closed",
    );
    assert_has(
        &err,
        "episodes/2026-01-06-e.md:3: error: `length: 0` is not a byte length",
    );
    assert_has(&err, "build failed: 5 error(s)");
}

/// A YAML double-quoted scalar for any text.
fn yaml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn hostile_text_stays_well_formed_everywhere() {
    let (_t, root) = base_site();
    let nasty = "Q&A <script>alert(1)</script> ]]> \u{1} \u{202e}evil\u{202c} 🎙️ \"quotes\" 'apos' &amp; &nbsp;";
    write(
        &root,
        "episodes/2026-01-01-good.md",
        format!(
            "---\ntitle: {q}\naudio: audio/good.mp3\nsummary: {q}\ntags: [{q}]\n---\n{nasty}\n\n<div onclick=\"x()\">raw html ]]></div>\n",
            q = yaml_quote(nasty)
        ),
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&feed);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("feed not well-formed: {e}\n{feed}"),
        }
    }
    assert!(!feed.contains('\u{1}'));
    let page = std::fs::read_to_string(root.join("public/episodes/good/index.html")).unwrap();
    assert!(
        page.contains("Q&amp;A &lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("Q&amp;A &lt;script&gt;alert(1)&lt;/script&gt;"),
        "titles are escaped in pages"
    );
    assert!(
        !feed.contains("<script"),
        "no script in the feed, even inside CDATA"
    );
    let index = std::fs::read(root.join("public/episodes/index.json")).unwrap();
    let _: serde_json::Value = serde_json::from_slice(&index).expect("search index is valid JSON");
}

#[test]
fn output_that_cannot_be_written_fails_cleanly() {
    let (_t, root) = base_site();
    write(&root, "not-a-dir", "a file");
    let out = root.join("not-a-dir/public");
    let (code, err) = build(&root, &["--output", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_has(&err, "error: cannot create");
    assert_has(&err, "nothing was published");
}

#[test]
fn large_notes_and_many_tags() {
    let (_t, root) = base_site();
    let tags: Vec<String> = (0..10_000).map(|i| format!("tag{i}")).collect();
    write(
        &root,
        "episodes/2026-01-01-good.md",
        format!(
            "---\ntitle: Tagged\naudio: audio/good.mp3\ntags: [{}]\n---\nNotes\n",
            tags.join(", ")
        ),
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        "episodes/2026-01-01-good.md:4: error: 10000 tags on one episode; at most 100 are published",
    );

    let mut notes = String::new();
    while notes.len() < 10_000_000 {
        notes.push_str(
            "A paragraph of show notes with a [link](https://example.com/) and *emphasis*.\n\n",
        );
    }
    write(
        &root,
        "episodes/2026-01-01-good.md",
        format!(
            "---\ntitle: Big\naudio: audio/good.mp3\ntags: [{}]\n---\n{notes}",
            tags[..100].join(", ")
        ),
    );
    let (code, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(root.join("public/tags/tag99/index.html").exists());
    let feed = std::fs::read_to_string(root.join("public/feed.xml")).unwrap();
    // The description stays within Apple's 4000 bytes; the full notes go in content:encoded.
    let item = &feed[feed.find("<item>").unwrap()..];
    let d0 = item.find("<description>").unwrap();
    let d1 = item.find("</description>").unwrap();
    assert!(d1 - d0 < 4100, "description is {} bytes", d1 - d0);
}

/// Peak resident memory of the largest child process waited for so far, in bytes.
#[cfg(target_os = "linux")]
fn children_max_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}

#[cfg(target_os = "linux")]
#[test]
fn a_two_gigabyte_audio_file_is_handled_in_bounded_memory() {
    let (_t, root) = base_site();
    // Real MP3 frames, then a sparse hole up to 2 GB: the header promises little, the file
    // is huge, and nothing may be read whole into memory.
    let big = root.join("audio/big.mp3");
    std::fs::copy(root.join("audio/good.mp3"), &big).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    write(
        &root,
        "episodes/2026-01-01-good.md",
        "---\ntitle: Big\naudio: audio/big.mp3\n---\n",
    );
    let (code, err) = build(
        &root,
        &[
            "--output",
            root.parent().unwrap().join("out").to_str().unwrap(),
        ],
    );
    assert!(
        code == 0 || (code == 1 && err.contains("episodes/2026-01-01-good.md:3: error: ")),
        "{code}: {err}"
    );
    let rss = children_max_rss();
    assert!(rss < 512 << 20, "peak memory {} MB", rss >> 20);
}

/// Runs `onair build` so that file permissions mean what they say: as root (CI runs the tests
/// as root, for whom nothing is unreadable or read-only) the build runs as the unprivileged
/// user `nobody`, after the whole temporary tree was opened up to it; `restrict` then sets the
/// permissions under test. `nobody` runs a copy of the binary inside that tree: the checkout
/// (and so target/) may sit under a folder only root can enter, such as a `mktemp -d` one.
#[cfg(unix)]
fn build_with_permissions(
    tmp: &Path,
    root: &Path,
    extra: &[&str],
    restrict: impl FnOnce(),
) -> (i32, String) {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    let binary = if as_root {
        let unreachable: Vec<_> = tmp
            .ancestors()
            .skip(1)
            .filter(|dir| std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 == 0))
            .collect();
        assert!(
            unreachable.is_empty(),
            "the temporary folder {} is under {:?}, which the unprivileged user (uid 65534) \
             cannot enter, so this test cannot drop privileges: point TMPDIR at a folder \
             everyone can enter, such as /tmp",
            tmp.display(),
            unreachable
        );
        let copy = tmp.join("bin/onair");
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_onair"), &copy).unwrap();
        for entry in walkdir::WalkDir::new(tmp) {
            let entry = entry.unwrap();
            let mode = if entry.file_type().is_dir() || entry.path() == copy {
                0o777
            } else {
                0o666
            };
            if !entry.file_type().is_symlink() {
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))
                    .unwrap();
            }
        }
        copy
    } else {
        PathBuf::from(env!("CARGO_BIN_EXE_onair"))
    };
    let mut cmd = Command::new(&binary);
    cmd.arg("build").arg(root).args(extra);
    if as_root {
        cmd.uid(65534).gid(65534);
    }
    restrict();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} as uid 65534: {e}", binary.display()));
    let err = String::from_utf8_lossy(&out.stderr).replace(&format!("{}/", root.display()), "");
    (out.status.code().unwrap_or(-1), err)
}

#[cfg(unix)]
#[test]
fn unreadable_audio_is_an_error_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, root) = base_site();
    write(
        &root,
        "audio/private.mp3",
        std::fs::read(root.join("audio/good.mp3")).unwrap(),
    );
    write(
        &root,
        "episodes/2026-01-02-private.md",
        "---\ntitle: Private\naudio: audio/private.mp3\n---\n",
    );
    let audio = root.join("audio/private.mp3");
    let (code, err) = build_with_permissions(tmp.path(), &root, &[], || {
        std::fs::set_permissions(&audio, std::fs::Permissions::from_mode(0o000)).unwrap()
    });
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        "episodes/2026-01-02-private.md:3: error: cannot use the audio `audio/private.mp3`: cannot read: Permission denied (os error 13)",
    );
    assert_has(&err, "nothing was published");
    assert!(!root.join("public").exists());
}

#[cfg(unix)]
#[test]
fn a_read_only_output_location_fails_cleanly_and_keeps_the_previous_site() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, root) = base_site();
    let parent = tmp.path().join("readonly");
    let out = parent.join("public");
    std::fs::create_dir_all(&parent).unwrap();
    let (code, err) = build(&root, &["--output", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(out.join("feed.xml")).unwrap();
    write(
        &root,
        "audio/next.mp3",
        std::fs::read(root.join("audio/good.mp3")).unwrap(),
    );
    write(
        &root,
        "episodes/2026-01-02-next.md",
        "---\ntitle: Next\naudio: audio/next.mp3\nguid: next\n---\n",
    );
    let (code, err) = build_with_permissions(
        tmp.path(),
        &root,
        &["--output", out.to_str().unwrap()],
        || {
            std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
            std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
        },
    );
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &format!(
            "error: cannot publish into `{}`: the new site is written beside it first, and `{}/.public.staging-",
            out.display(),
            parent.display()
        ),
    );
    assert_has(&err, "cannot be created: Permission denied (os error 13)");
    assert_has(&err, "nothing was published");
    assert_eq!(std::fs::read(out.join("feed.xml")).unwrap(), before);
    // Writable again, so the temporary folder can be removed by a non-root run too.
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
}
