//! What `onair init` writes, embedded from `src/scaffold/` (the media are made by
//! `scripts/make-scaffold-media.sh`), and the sample values in it that must never be published.
//! Kept below the commands so that `check`, `build` and `deploy` can recognise them.

pub const SITE_YAML: &str = include_str!("scaffold/site.yaml");
pub const WELCOME_EPISODE: &str = include_str!("scaffold/episodes/welcome.md");
pub const ABOUT_PAGE: &str = include_str!("scaffold/pages/about.md");
pub const GITIGNORE: &str = include_str!("scaffold/gitignore");
pub const WELCOME_AUDIO: &[u8] = include_bytes!("scaffold/audio/welcome.mp3");
pub const COVER_JPEG: &[u8] = include_bytes!("scaffold/assets/cover.jpg");
/// The CI recipes `onair init` and `onair ci` write (`@DEFAULTS@` / `@CD@`: where the site is
/// inside the repository, when it is not at its root).
pub const GITHUB_WORKFLOW: &str = include_str!("scaffold/ci/github.yml");
pub const GITLAB_CI: &str = include_str!("scaffold/ci/gitlab.yml");

/// The placeholder values of SITE_YAML: what a podcaster must replace before publishing.
pub const PLACEHOLDER_URL: &str = "https://podcast.example.com";
pub const PLACEHOLDER_NAME: &str = "Your Name";
pub const PLACEHOLDER_EMAIL: &str = "you@example.com";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placeholders_are_the_ones_site_yaml_holds() {
        assert!(SITE_YAML.contains(&format!("url: {PLACEHOLDER_URL}\n")));
        assert!(SITE_YAML.contains(&format!("author: {PLACEHOLDER_NAME}\n")));
        assert!(SITE_YAML.contains(&format!(
            "owner: {{ name: {PLACEHOLDER_NAME}, email: {PLACEHOLDER_EMAIL} }}"
        )));
    }
}
