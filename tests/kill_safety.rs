//! A build killed with SIGKILL at any moment leaves public/ complete: either the previous
//! site, file for file, or the new one, never a mix or a half-written folder.

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn onair() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onair"))
}

#[test]
fn killed_builds_leave_a_complete_public_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    write(
        &root,
        "site.yaml",
        "title: Kill\ndescription: Kill test.\nurl: https://k.example.com\nauthor: A\nimage: assets/cover.png\ncategories: [Technology]\n",
    );
    write(
        &root,
        "assets/cover.png",
        std::fs::read(fixtures.join("sites/basic/assets/cover.png")).unwrap(),
    );
    let episode = |i: usize| {
        format!(
            "---\ntitle: Episode {i}\ndate: 2020-01-01\naudio: https://cdn.k.example.com/{i}.mp3\nlength: {}\nduration: {}\nepisode: {i}\ntags: [t{}, all]\n---\n{}\n",
            1000 + i,
            60 + i,
            i % 20,
            // Chapter lines once: a list repeated would go back in time, which is an error.
            "Notes with a [link](https://example.com/) and *emphasis*.\n\n".repeat(5)
                + "- 00:00 - Start\n- 00:30 - Middle\n"
        )
    };
    for i in 1..=500 {
        write(&root, &format!("episodes/ep{i:04}.md"), episode(i));
    }
    let status = onair().arg("build").arg(&root).output().unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let public = root.join("public");
    let old = tree(&public);

    // The change every killed build tries to publish: one more episode.
    write(&root, "episodes/ep9999.md", episode(9999));
    let reference = tmp.path().join("reference");
    assert!(
        onair()
            .arg("build")
            .arg(&root)
            .arg("--output")
            .arg(&reference)
            .status()
            .unwrap()
            .success()
    );
    let new_files: BTreeSet<String> = tree(&reference).into_keys().collect();
    let old_files: BTreeSet<String> = old.keys().cloned().collect();
    assert_ne!(new_files, old_files);

    let mut saw_new = false;
    for delay_ms in [2u64, 30, 150, 400, 1000] {
        let mut child = onair().arg("build").arg(&root).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&public);
        let files: BTreeSet<String> = now.keys().cloned().collect();
        if files == old_files {
            assert_eq!(
                now, old,
                "killed after {delay_ms} ms: public/ has the old file list but changed content"
            );
        } else {
            assert_eq!(
                files, new_files,
                "killed after {delay_ms} ms: public/ is neither the old nor the new site"
            );
            saw_new = true;
            // The new site is complete: its feed parses and lists the new episode.
            let feed = String::from_utf8(now["feed.xml"].clone()).unwrap();
            assert!(feed.contains("Episode 9999"));
            assert!(feed.trim_end().ends_with("</rss>"));
            break;
        }
    }
    let _ = saw_new; // Either outcome is correct; a fast machine may never be caught mid-build.
    // Staging folders of killed builds are cleaned up by the next build.
    assert!(onair().arg("build").arg(&root).status().unwrap().success());
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".onair"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A full disk, made honestly without root: the build runs with RLIMIT_FSIZE below the size of
/// one of its pages, so the kernel refuses that write with EFBIG (SIGXFSZ ignored, as a real
/// ENOSPC would be reported). The previous public/ stays file for file, the staging folder is
/// gone, the error names the file and the exit status is 1 (PRODUCT.md: site errors).
#[test]
fn a_write_failure_while_publishing_leaves_the_previous_site() {
    use std::os::unix::process::CommandExt;

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    write(
        &root,
        "site.yaml",
        "title: Full\ndescription: Full disk test.\nurl: https://f.example.com\nauthor: A\nimage: assets/cover.png\ncategories: [Technology]\n",
    );
    write(
        &root,
        "assets/cover.png",
        std::fs::read(fixtures.join("sites/basic/assets/cover.png")).unwrap(),
    );
    write(
        &root,
        "audio/one.mp3",
        std::fs::read(fixtures.join("audio/mp3-cbr-info.mp3")).unwrap(),
    );
    write(
        &root,
        "episodes/2026-01-01-one.md",
        "---\ntitle: One\naudio: audio/one.mp3\nguid: one\n---\nShort notes.\n",
    );
    let first = onair().arg("build").arg(&root).output().unwrap();
    assert!(first.status.success(), "{first:?}");
    let before = tree(&root.join("public"));
    let lock_before = std::fs::read(root.join("onair.lock")).unwrap();

    // A second episode whose page (and so the feed) is far over the limit; the files of the
    // first build are all under it.
    let limit: u64 = 256 * 1024;
    write(
        &root,
        "audio/two.mp3",
        std::fs::read(fixtures.join("audio/mp3-cbr-info.mp3")).unwrap(),
    );
    let big_notes = "A long paragraph of show notes that goes on and on.\n\n".repeat(20_000);
    write(
        &root,
        "episodes/2026-01-02-two.md",
        format!("---\ntitle: Two\naudio: audio/two.mp3\nguid: two\n---\n{big_notes}"),
    );
    let mut cmd = onair();
    cmd.arg("build").arg(&root);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let public = root.join("public");
    assert!(
        err.contains(&format!("error: cannot write `{}/", public.display()))
            && err.contains("File too large"),
        "the error names the file it could not publish:\n{err}"
    );
    assert!(err.contains("nothing was published"), "{err}");
    assert_eq!(tree(&public), before, "the previous site is untouched");
    assert_eq!(
        std::fs::read(root.join("onair.lock")).unwrap(),
        lock_before,
        "the lock is only saved after a publish"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".onair"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("staging"))
                .collect()
        })
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "staging removed: {leftovers:?}");
}
