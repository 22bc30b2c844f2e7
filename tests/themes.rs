//! `theme: NAME` uses the site's themes/NAME/ (templates/ and static/ over the built-in theme,
//! file by file, under the site's own templates/ and assets/), an unknown theme is an error at
//! its line, and `extra:` reaches templates as written.

use std::path::Path;
use std::process::Output;

mod site_support;
use site_support::{copy_site, fixture};

fn build(root: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_onair"))
        .arg("build")
        .arg(root)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn append_site_yaml(root: &Path, text: &str) {
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{yaml}{text}")).unwrap();
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

#[test]
fn a_theme_folder_overrides_the_built_in_theme_file_by_file() {
    let (_tmp, root) = copy_site(&fixture("basic"));
    append_site_yaml(
        &root,
        "theme: kitchen\nextra:\n  sponsor: Acme Flour\n  links: [{ name: Shop, url: \"https://shop.example\" }]\n",
    );
    write(
        &root,
        "themes/kitchen/templates/episode.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"kitchen\">{{ episode.title }}</h1><p>Sponsor: {{ site.extra.sponsor }}</p><p>Guest site: {{ episode.extra.guest_site | default(value=\"none\") }}</p>{% endblock main %}",
    );
    write(
        &root,
        "themes/kitchen/static/style.css",
        "body { color: tomato; }\n",
    );
    write(
        &root,
        "themes/kitchen/static/kitchen.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    // The site's own templates/ still wins over the theme.
    write(
        &root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"site-page\">{{ page.title }}</h1>{{ page.extra.note | default(value=\"\") }}{% endblock main %}",
    );
    let ep = read(&root, "episodes/2026-01-05-first-steps.md");
    std::fs::write(
        root.join("episodes/2026-01-05-first-steps.md"),
        ep.replacen(
            "---\n",
            "---\nextra: { guest_site: \"https://guest.example\" }\n",
            1,
        ),
    )
    .unwrap();
    let o = build(&root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let page = read(&root, "public/episodes/first-steps/index.html");
    assert!(
        page.contains("<h1 class=\"kitchen\">First Steps</h1>"),
        "{page}"
    );
    assert!(page.contains("<p>Sponsor: Acme Flour</p>"), "{page}");
    assert!(
        page.contains("<p>Guest site: https://guest.example</p>"),
        "{page}"
    );
    let other = read(&root, "public/episodes/second-thoughts/index.html");
    assert!(other.contains("<p>Guest site: none</p>"), "{other}");
    // Templates the theme leaves alone are the built-in ones.
    let home = read(&root, "public/index.html");
    assert!(!home.contains("class=\"kitchen\""));
    assert!(home.contains("First Steps"));
    // The theme's stylesheet replaces the built-in one; its other files are published too.
    let css_key = between(&home, "<link rel=\"stylesheet\" href=\"/show/", "\"");
    assert_eq!(
        read(&root, &format!("public/{css_key}")),
        "body { color: tomato; }\n"
    );
    assert!(
        std::fs::read_dir(root.join("public/assets"))
            .unwrap()
            .any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("kitchen."))
    );
    let pages: Vec<_> = std::fs::read_dir(root.join("public"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").is_file())
        .filter_map(|p| std::fs::read_to_string(p.join("index.html")).ok())
        .filter(|t| t.contains("class=\"site-page\""))
        .collect();
    assert!(!pages.is_empty(), "the site's page.html renders the pages");
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let from = s.find(open).unwrap_or_else(|| panic!("{open} not in {s}")) + open.len();
    &s[from..from + s[from..].find(close).unwrap()]
}

#[test]
fn an_unknown_theme_and_an_extra_that_is_no_map_are_errors_at_their_lines() {
    let (_tmp, root) = copy_site(&fixture("basic"));
    append_site_yaml(&root, "theme: kitchen\n");
    let o = build(&root);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("site.yaml:15: error: unknown theme `kitchen`: there is no folder themes/kitchen/ in the site (themes here: default)"),
        "{}",
        stderr(&o)
    );
    assert!(!root.join("public").exists());

    let (_tmp, root) = copy_site(&fixture("basic"));
    append_site_yaml(&root, "extra: [sponsor]\n");
    let o = build(&root);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("site.yaml:15: error: `extra:` is a map of your own keys for templates (`extra: { sponsor: Acme }`), given to them as `site.extra`"),
        "{}",
        stderr(&o)
    );

    let (_tmp, root) = copy_site(&fixture("basic"));
    let ep = read(&root, "episodes/2026-01-05-first-steps.md");
    std::fs::write(
        root.join("episodes/2026-01-05-first-steps.md"),
        ep.replacen("---\n", "---\nextra: just text\n", 1),
    )
    .unwrap();
    let o = build(&root);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("episodes/2026-01-05-first-steps.md:2: error: `extra:` is a map of your own keys for templates (`extra: { guest_site: https://... }`), given to them as `episode.extra`"),
        "{err}"
    );
}
