//! People credited on the show (`hosts:` in site.yaml) and on episodes (`people:` in front
//! matter): a name, and a role and group from the Podcast Index person taxonomy, which
//! `podcast:person` publishes and apps show as credits.

use std::path::Path;

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::slug::slugify;

/// The Podcast Index person taxonomy (podcast-namespace `taxonomy.json`): (group, role).
/// A role may appear in more than one group (`Editor`).
pub const TAXONOMY: &[(&str, &str)] = &[
    ("Creative Direction", "Director"),
    ("Creative Direction", "Assistant Director"),
    ("Creative Direction", "Executive Producer"),
    ("Creative Direction", "Senior Producer"),
    ("Creative Direction", "Producer"),
    ("Creative Direction", "Associate Producer"),
    ("Creative Direction", "Development Producer"),
    ("Creative Direction", "Creative Director"),
    ("Cast", "Host"),
    ("Cast", "Co-Host"),
    ("Cast", "Guest Host"),
    ("Cast", "Guest"),
    ("Cast", "Voice Actor"),
    ("Cast", "Narrator"),
    ("Cast", "Announcer"),
    ("Cast", "Reporter"),
    ("Writing", "Author"),
    ("Writing", "Editorial Director"),
    ("Writing", "Co-Writer"),
    ("Writing", "Writer"),
    ("Writing", "Songwriter"),
    ("Writing", "Guest Writer"),
    ("Writing", "Story Editor"),
    ("Writing", "Managing Editor"),
    ("Writing", "Script Editor"),
    ("Writing", "Script Coordinator"),
    ("Writing", "Researcher"),
    ("Writing", "Editor"),
    ("Writing", "Fact Checker"),
    ("Writing", "Translator"),
    ("Writing", "Transcriber"),
    ("Writing", "Logger"),
    ("Audio Production", "Studio Coordinator"),
    ("Audio Production", "Technical Director"),
    ("Audio Production", "Technical Manager"),
    ("Audio Production", "Audio Engineer"),
    ("Audio Production", "Remote Recording Engineer"),
    ("Audio Production", "Post Production Engineer"),
    ("Audio Post-Production", "Audio Editor"),
    ("Audio Post-Production", "Sound Designer"),
    ("Audio Post-Production", "Foley Artist"),
    ("Audio Post-Production", "Composer"),
    ("Audio Post-Production", "Theme Music"),
    ("Audio Post-Production", "Music Production"),
    ("Audio Post-Production", "Music Contributor"),
    ("Administration", "Production Coordinator"),
    ("Administration", "Booking Coordinator"),
    ("Administration", "Production Assistant"),
    ("Administration", "Content Manager"),
    ("Administration", "Marketing Manager"),
    ("Administration", "Sales Representative"),
    ("Administration", "Sales Manager"),
    ("Visuals", "Graphic Designer"),
    ("Visuals", "Cover Art Designer"),
    ("Community", "Social Media Manager"),
    ("Misc.", "Consultant"),
    ("Misc.", "Intern"),
    ("Video Production", "Camera Operator"),
    ("Video Production", "Lighting Designer"),
    ("Video Production", "Camera Grip"),
    ("Video Production", "Assistant Camera"),
    ("Video Post-Production", "Editor"),
    ("Video Post-Production", "Assistant Editor"),
];

/// One entry of `people:` or `hosts:` as written: a plain name (`- Jon Park`) or a mapping
/// (`{ name: Jon Park, role: guest }`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonEntry {
    pub name: String,
    pub role: Option<String>,
    pub group: Option<String>,
    pub href: Option<String>,
    pub img: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFields {
    name: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    href: Option<String>,
    #[serde(default)]
    img: Option<String>,
}

impl<'de> Deserialize<'de> for PersonEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = PersonEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name or `{ name: …, role: guest }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PersonEntry, E> {
                Ok(PersonEntry {
                    name: v.to_string(),
                    ..PersonEntry::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PersonEntry, A::Error> {
                let f =
                    PersonFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(PersonEntry {
                    name: f.name,
                    role: f.role,
                    group: f.group,
                    href: f.href,
                    img: f.img,
                })
            }
        }
        d.deserialize_any(Entry)
    }
}

/// A checked person: role and group are taxonomy values, lowercase as the namespace's
/// examples write them (`guest`, `cast`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Person {
    pub name: String,
    pub role: String,
    pub group: String,
    pub href: Option<String>,
    pub img: Option<String>,
    /// URL slug of the person's page, /people/<slug>/.
    pub slug: String,
}

/// `podcast:person` caps names at 128 characters.
const MAX_NAME: usize = 128;

impl PersonEntry {
    /// Checks the entry against the taxonomy (roles and groups case-insensitive; defaults
    /// `host` and `cast`). Errors name `path:line`.
    pub fn resolve(&self, path: &Path, line: Option<usize>) -> Result<Person, Vec<Diagnostic>> {
        let err = |m: String| {
            let d = Diagnostic::error(m).at(path);
            match line {
                Some(l) => d.line(l),
                None => d,
            }
        };
        let mut errors = Vec::new();
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(err("a person needs a name".to_string()));
        } else if name.chars().count() > MAX_NAME {
            errors.push(err(format!(
                "person name `{name}` is longer than {MAX_NAME} characters"
            )));
        }
        let role = self.role.as_deref().map(str::trim).unwrap_or("host");
        let group = self.group.as_deref().map(str::trim);
        let resolved = match resolve_role(role, group) {
            Ok(pair) => Some(pair),
            Err(message) => {
                errors.push(err(format!("person `{name}`: {message}")));
                None
            }
        };
        for (key, value) in [("href", &self.href), ("img", &self.img)] {
            if let Some(v) = value
                && !(v.starts_with("https://")
                    || v.starts_with("http://")
                    || (key == "img" && !v.contains("://")))
            {
                errors.push(err(format!(
                    "person `{name}`: {key} `{v}` must be an http(s) URL"
                )));
            }
        }
        match resolved {
            Some((group, role)) if errors.is_empty() => Ok(Person {
                slug: slugify(&name),
                name,
                role: role.to_lowercase(),
                group: group.to_lowercase(),
                href: self.href.clone().filter(|s| !s.is_empty()),
                img: self.img.clone().filter(|s| !s.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

/// The taxonomy's (group, role) for a role and optional group, case-insensitive. Without a
/// group, the role's first group (`editor` -> Writing).
pub fn resolve_role(
    role: &str,
    group: Option<&str>,
) -> Result<(&'static str, &'static str), String> {
    let matching: Vec<&(&str, &str)> = TAXONOMY
        .iter()
        .filter(|(_, r)| r.eq_ignore_ascii_case(role))
        .collect();
    if matching.is_empty() {
        let roles: Vec<&str> = TAXONOMY.iter().map(|(_, r)| *r).collect();
        return Err(match did_you_mean(role, &roles) {
            Some(s) => format!(
                "role `{role}` is not in the Podcast Index taxonomy; did you mean `{}`?",
                s.to_lowercase()
            ),
            None => format!(
                "role `{role}` is not in the Podcast Index taxonomy (such as host, co-host, guest, producer, editor)"
            ),
        });
    }
    let Some(group) = group else {
        return Ok(*matching[0]);
    };
    if let Some(pair) = matching.iter().find(|(g, _)| g.eq_ignore_ascii_case(group)) {
        return Ok(**pair);
    }
    let groups: Vec<&str> = TAXONOMY.iter().map(|(g, _)| *g).collect();
    if groups.iter().any(|g| g.eq_ignore_ascii_case(group)) {
        let in_groups: Vec<String> = matching.iter().map(|(g, _)| g.to_lowercase()).collect();
        return Err(format!(
            "role `{role}` is not in group `{group}`; it belongs to {}",
            in_groups.join(", ")
        ));
    }
    Err(match did_you_mean(group, &groups) {
        Some(s) => format!(
            "group `{group}` is not in the Podcast Index taxonomy; did you mean `{}`?",
            s.to_lowercase()
        ),
        None => format!("group `{group}` is not in the Podcast Index taxonomy"),
    })
}

/// The closest candidate within a few edits (case, spaces and hyphens ignored).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let word = norm(word);
    let limit = (word.len() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &norm(c)), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, role: Option<&str>, group: Option<&str>) -> PersonEntry {
        PersonEntry {
            name: name.into(),
            role: role.map(Into::into),
            group: group.map(Into::into),
            href: None,
            img: None,
        }
    }

    #[test]
    fn defaults_and_case() {
        let p = entry("Nick  Janetakis", None, None)
            .resolve(Path::new("site.yaml"), Some(4))
            .unwrap();
        assert_eq!(
            (p.name.as_str(), p.role.as_str(), p.group.as_str()),
            ("Nick Janetakis", "host", "cast")
        );
        assert_eq!(p.slug, "nick-janetakis");
        let p = entry("Alex Wood", Some("GUEST"), None)
            .resolve(Path::new("a.md"), None)
            .unwrap();
        assert_eq!((p.role.as_str(), p.group.as_str()), ("guest", "cast"));
        let p = entry("A", Some("Co-Host"), Some("cast"))
            .resolve(Path::new("a.md"), None)
            .unwrap();
        assert_eq!(p.role, "co-host");
    }

    #[test]
    fn roles_in_two_groups() {
        assert_eq!(resolve_role("editor", None), Ok(("Writing", "Editor")));
        assert_eq!(
            resolve_role("editor", Some("video post-production")),
            Ok(("Video Post-Production", "Editor"))
        );
        assert_eq!(
            resolve_role("editor", Some("cast")).unwrap_err(),
            "role `editor` is not in group `cast`; it belongs to writing, video post-production"
        );
    }

    #[test]
    fn unknown_roles_suggest_the_nearest() {
        let errors = entry("Alex", Some("guset"), None)
            .resolve(Path::new("episodes/218.md"), Some(9))
            .unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "episodes/218.md:9: error: person `Alex`: role `guset` is not in the Podcast Index taxonomy; did you mean `guest`?"
        );
        assert_eq!(
            resolve_role("cohost", None).unwrap_err(),
            "role `cohost` is not in the Podcast Index taxonomy; did you mean `co-host`?"
        );
        assert_eq!(
            resolve_role("sandwich maker", None).unwrap_err(),
            "role `sandwich maker` is not in the Podcast Index taxonomy (such as host, co-host, guest, producer, editor)"
        );
        assert_eq!(
            resolve_role("host", Some("casts")).unwrap_err(),
            "group `casts` is not in the Podcast Index taxonomy; did you mean `cast`?"
        );
    }

    #[test]
    fn every_taxonomy_role_resolves_to_itself() {
        for (group, role) in TAXONOMY {
            assert_eq!(
                resolve_role(&role.to_uppercase(), Some(group)),
                Ok((*group, *role))
            );
        }
        assert_eq!(TAXONOMY.len(), 63);
    }

    #[test]
    fn names_and_links_are_checked() {
        let mut e = entry("  ", Some("guest"), None);
        e.href = Some("example.com/me".into());
        let errors = e.resolve(Path::new("a.md"), Some(3)).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].message, "a person needs a name");
        assert!(
            errors[1]
                .message
                .contains("href `example.com/me` must be an http(s) URL")
        );
        let long = "x".repeat(129);
        assert!(
            entry(&long, None, None)
                .resolve(Path::new("a.md"), None)
                .is_err()
        );
    }
}
