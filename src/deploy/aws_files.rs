//! The AWS shared files, read the way the AWS CLI reads them: `~/.aws/credentials` and
//! `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`), the profile named by
//! `AWS_PROFILE` (default `default`). The environment wins over the credentials file, which
//! wins over the config file. Only what an S3 deploy needs is taken: the key pair, a session
//! token, the region and an endpoint URL; or, for a profile without a key pair, what its
//! credentials are to be fetched with (`credential_process`, SSO, `role_arn` with
//! `source_profile`; `credentials` fetches them) or a web identity token file and role.
//! A form onair cannot use (`mfa_serial`, `credential_source`, `login_session`) is an error
//! naming it, never a silent fall back to other credentials.
//!
//! The files are INI: `[section]` lines, `key = value` lines, comments on lines of their own
//! starting with `#` or `;` (and after a value, when preceded by whitespace: no key, secret,
//! token, region or URL holds whitespace), indented lines under a key with an empty value as
//! nested settings (`s3 =` then `  addressing_style = path`), which are skipped. In the
//! credentials file a profile's section is `[NAME]`; in the config file it is `[profile NAME]`,
//! except `[default]` (`[profile default]` is taken too).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A malformed or unreadable file, or a profile that is not there: the message, and the file
/// and line it is about (for a `path:line: error: ...` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A value and the 1-based line it was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub line: usize,
}

/// One parsed INI file: each section's keys (lower case), a later key or a repeated section
/// adding to or overriding what came before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ini {
    pub sections: BTreeMap<String, BTreeMap<String, Value>>,
}

impl Ini {
    pub fn section(&self, name: &str) -> Option<&BTreeMap<String, Value>> {
        self.sections.get(name)
    }
}

/// Cuts a comment that follows whitespace (` # ...`, `\t; ...`) off a value or section line.
fn strip_inline_comment(s: &str) -> &str {
    let bytes = s.as_bytes();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && bytes[i - 1].is_ascii_whitespace() {
            return s[..i].trim_end();
        }
    }
    s
}

/// Parses INI text; an error is the 1-based line and what is wrong with it.
pub fn parse(text: &str) -> Result<Ini, (usize, String)> {
    let mut ini = Ini::default();
    let mut current: Option<String> = None;
    // Whether the last key had an empty value: indented lines after it are nested settings.
    let mut nesting = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && nesting {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let rest = strip_inline_comment(rest);
            let Some(name) = rest.strip_suffix(']') else {
                return Err((
                    n,
                    format!("`{line}` opens a section without closing it with `]`"),
                ));
            };
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.is_empty() {
                return Err((n, "a section with no name (`[]`)".into()));
            }
            ini.sections.entry(name.clone()).or_default();
            current = Some(name);
            nesting = false;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err((
                n,
                format!("expected `key = value` or `[section]`, found `{line}`"),
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err((n, format!("a value with no key: `{line}`")));
        }
        let Some(section) = &current else {
            return Err((n, format!("`{key}` comes before any `[section]` line")));
        };
        let value = strip_inline_comment(value.trim()).to_string();
        nesting = value.is_empty();
        ini.sections.entry(section.clone()).or_default().insert(
            key,
            Value {
                text: value,
                line: n,
            },
        );
    }
    Ok(ini)
}

/// Reads and parses a file; Ok(None) when there is no such file.
pub fn read(path: &Path) -> Result<Option<Ini>, FileError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(FileError {
                path: path.to_path_buf(),
                line: None,
                message: format!("cannot read it: {e}"),
            });
        }
    };
    parse(&text).map(Some).map_err(|(line, message)| FileError {
        path: path.to_path_buf(),
        line: Some(line),
        message,
    })
}

/// Where the credentials came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Environment,
    File {
        path: PathBuf,
        profile: String,
    },
    /// Fetched for a profile: by its `credential_process`, from its SSO portal, or by
    /// assuming its `role_arn` (`how` says which).
    Fetched {
        path: PathBuf,
        profile: String,
        how: String,
    },
    /// Neither the environment nor the files: object_store's own chain (a container's or an
    /// instance's role) is left to find them.
    None,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Environment => {
                write!(f, "from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
            }
            Source::File { path, profile } => {
                write!(f, "from profile `{profile}` in {}", path.display())
            }
            Source::Fetched { how, profile, .. } if profile.is_empty() => {
                write!(f, "{how} (AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN)")
            }
            Source::Fetched { path, profile, how } => {
                write!(f, "{how} of profile `{profile}` in {}", path.display())
            }
            Source::None => write!(
                f,
                "from an instance or container role: none in the environment or the AWS files"
            ),
        }
    }
}

/// A key pair and the session token that may go with it.
pub type Key = (String, String, Option<String>);

/// A profile's credentials that onair must fetch (see `credentials`): where the profile is,
/// and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub path: PathBuf,
    pub profile: String,
    pub form: Form,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `credential_process`: a command printing the credentials as JSON.
    Process { command: String, line: usize },
    /// `sso_session` (its `[sso-session NAME]` section) or the older `sso_start_url` and
    /// `sso_region`, with `sso_account_id` and `sso_role_name`.
    Sso {
        start_url: String,
        region: String,
        account_id: String,
        role_name: String,
    },
    /// `role_arn` with `source_profile`: the source profile's credentials, resolved the same
    /// way, assume the role.
    AssumeRole {
        role_arn: String,
        session_name: Option<String>,
        region: Option<String>,
        source: Box<Settings>,
    },
    /// A web identity token (as GitHub Actions' OIDC gives) for a role: the profile's
    /// `web_identity_token_file` and `role_arn`, or AWS_WEB_IDENTITY_TOKEN_FILE and
    /// AWS_ROLE_ARN (then `Fetch::profile` is empty).
    WebIdentity {
        token_file: String,
        role_arn: String,
        session_name: Option<String>,
    },
}

/// What an S3 deploy takes from the environment and the AWS files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// A key pair (and session token) from the environment or a file.
    pub key: Option<Key>,
    pub source: Source,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Credentials still to fetch (none when `key` is there).
    pub fetch: Option<Fetch>,
}

/// The files' paths: the variables, else `$HOME/.aws/...`; None when neither is known.
fn file_path(env: &dyn Fn(&str) -> Option<String>, var: &str, name: &str) -> Option<PathBuf> {
    let home = || env("HOME").or_else(|| env("USERPROFILE"));
    match env(var) {
        Some(p) => match p.strip_prefix("~/") {
            Some(rest) => home().map(|h| Path::new(&h).join(rest)),
            None => Some(PathBuf::from(p)),
        },
        None => home().map(|h| Path::new(&h).join(".aws").join(name)),
    }
}

/// Both files, read.
struct Files {
    cred_path: Option<PathBuf>,
    conf_path: Option<PathBuf>,
    creds: Option<Ini>,
    conf: Option<Ini>,
}

type Section = BTreeMap<String, Value>;

impl Files {
    fn load(env: &dyn Fn(&str) -> Option<String>) -> Result<Files, FileError> {
        let cred_path = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let conf_path = file_path(env, "AWS_CONFIG_FILE", "config");
        let load = |p: &Option<PathBuf>| match p {
            Some(p) => read(p),
            None => Ok(None),
        };
        Ok(Files {
            creds: load(&cred_path)?,
            conf: load(&conf_path)?,
            cred_path,
            conf_path,
        })
    }

    /// A profile's section in the credentials file and in the config file.
    fn sections(&self, profile: &str) -> (Option<&Section>, Option<&Section>) {
        let cred = self.creds.as_ref().and_then(|i| i.section(profile));
        let conf = self.conf.as_ref().and_then(|i| {
            if profile == "default" {
                i.section("default")
                    .or_else(|| i.section("profile default"))
            } else {
                i.section(&format!("profile {profile}"))
            }
        });
        (cred, conf)
    }

    fn missing_profile(&self, profile: &str, named_by: &str) -> FileError {
        let shown = |p: &Option<PathBuf>, name: &str| {
            p.as_ref()
                .map_or(format!("~/.aws/{name} (HOME is not set)"), |p| {
                    p.display().to_string()
                })
        };
        // The message names both files: no one place to point at.
        FileError {
            path: PathBuf::new(),
            line: None,
            message: format!(
                "{named_by} names the profile `{profile}`, which is neither `[{profile}]` in {} nor `[profile {profile}]` in {}",
                shown(&self.cred_path, "credentials"),
                shown(&self.conf_path, "config")
            ),
        }
    }
}

/// A key pair from one file's section, or an error when half of it is there.
fn pair(
    section: Option<&Section>,
    path: &Option<PathBuf>,
    profile: &str,
) -> Result<Option<Key>, FileError> {
    let Some(s) = section else { return Ok(None) };
    let get = |k: &str| s.get(k).filter(|v| !v.text.is_empty());
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Some((
            id.text.clone(),
            secret.text.clone(),
            get("aws_session_token").map(|t| t.text.clone()),
        ))),
        (None, None) => Ok(None),
        (Some(v), None) | (None, Some(v)) => Err(FileError {
            path: path.clone().unwrap_or_default(),
            line: Some(v.line),
            message: format!(
                "profile `{profile}` has only one of `aws_access_key_id` and `aws_secret_access_key`: give both"
            ),
        }),
    }
}

/// Resolves the settings. `env` looks a variable up (an empty one counts as unset).
pub fn resolve(env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, FileError> {
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let named = env("AWS_PROFILE");
    let profile = named.clone().unwrap_or_else(|| "default".to_string());
    let files = Files::load(&env)?;
    let (cred_section, conf_section) = files.sections(&profile);
    if named.is_some() && cred_section.is_none() && conf_section.is_none() {
        return Err(files.missing_profile(&profile, "AWS_PROFILE"));
    }
    let from_env = match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Some((id, secret, env("AWS_SESSION_TOKEN"))),
        _ => None,
    };
    let mut settings = match from_env {
        Some(k) => Settings {
            key: Some(k),
            source: Source::Environment,
            region: None,
            endpoint_url: None,
            fetch: None,
        },
        None => {
            let s = profile_settings(&files, &profile, &env, 0)?;
            let nothing = s.key.is_none() && s.fetch.is_none();
            match (env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN")) {
                // After the profile, as the AWS SDKs look.
                (Some(token_file), Some(role_arn)) if nothing => Settings {
                    fetch: Some(Fetch {
                        path: PathBuf::from(&token_file),
                        profile: String::new(),
                        form: Form::WebIdentity {
                            token_file,
                            role_arn,
                            session_name: env("AWS_ROLE_SESSION_NAME"),
                        },
                    }),
                    ..s
                },
                _ => s,
            }
        }
    };
    let from_files = |k: &str| {
        [cred_section, conf_section]
            .into_iter()
            .flatten()
            .find_map(|s| s.get(k).filter(|v| !v.text.is_empty()))
            .map(|v| v.text.clone())
    };
    settings.region = env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| from_files("region"));
    settings.endpoint_url = env("AWS_ENDPOINT_URL")
        .or_else(|| env("AWS_ENDPOINT_URL_S3"))
        .or_else(|| from_files("endpoint_url"));
    Ok(settings)
}

/// The credentials a profile gives: a key pair in either file, else what must be fetched
/// (`Form`), else a web identity, else nothing. A form onair cannot use is an error naming
/// the key and its line. `depth` counts `source_profile` hops (at most 5).
fn profile_settings(
    files: &Files,
    profile: &str,
    env: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Result<Settings, FileError> {
    let (cred_section, conf_section) = files.sections(profile);
    let mut s = Settings {
        key: None,
        source: Source::None,
        region: None,
        endpoint_url: None,
        fetch: None,
    };
    for (section, path) in [
        (cred_section, &files.cred_path),
        (conf_section, &files.conf_path),
    ] {
        if let Some(k) = pair(section, path, profile)? {
            s.key = Some(k);
            s.source = Source::File {
                path: path.clone().unwrap_or_default(),
                profile: profile.to_string(),
            };
            return Ok(s);
        }
    }
    for (section, path) in [
        (cred_section, &files.cred_path),
        (conf_section, &files.conf_path),
    ] {
        let Some(section) = section else { continue };
        let path = path.clone().unwrap_or_default();
        if let Some(form) = fetch_form(files, profile, section, &path, env, depth)? {
            s.fetch = Some(Fetch {
                path,
                profile: profile.to_string(),
                form,
            });
            return Ok(s);
        }
    }
    Ok(s)
}

/// What a profile's section says is to be fetched, None when it says nothing of the kind.
fn fetch_form(
    files: &Files,
    profile: &str,
    section: &Section,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Result<Option<Form>, FileError> {
    let get = |k: &str| section.get(k).filter(|v| !v.text.is_empty());
    let fail = |v: &Value, message: String| FileError {
        path: path.to_path_buf(),
        line: Some(v.line),
        message,
    };
    for key in ["mfa_serial", "credential_source", "login_session"] {
        if let Some(v) = get(key) {
            return Err(fail(
                v,
                format!(
                    "profile `{profile}` uses `{key}`, which onair cannot use yet: give the profile `source_profile` (for a role), `credential_process`, SSO settings or a key pair, or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
                ),
            ));
        }
    }
    if let Some(v) = get("credential_process") {
        return Ok(Some(Form::Process {
            command: v.text.clone(),
            line: v.line,
        }));
    }
    if let Some(role) = get("role_arn") {
        let Some(source) = get("source_profile") else {
            if let Some(token) = get("web_identity_token_file") {
                return Ok(Some(Form::WebIdentity {
                    token_file: token.text.clone(),
                    role_arn: role.text.clone(),
                    session_name: get("role_session_name").map(|v| v.text.clone()),
                }));
            }
            return Err(fail(
                role,
                format!(
                    "profile `{profile}` has `role_arn` but no `source_profile` (nor `web_identity_token_file`): name the profile whose credentials assume the role"
                ),
            ));
        };
        if depth >= 5 || source.text == profile {
            return Err(fail(
                source,
                format!(
                    "profile `{profile}`: `source_profile` goes round in a circle (or deeper than 5 profiles)"
                ),
            ));
        }
        let (c, f) = files.sections(&source.text);
        if c.is_none() && f.is_none() {
            let mut e = files.missing_profile(
                &source.text,
                &format!("`source_profile` of profile `{profile}`"),
            );
            e.path = path.to_path_buf();
            e.line = Some(source.line);
            return Err(e);
        }
        let src = profile_settings(files, &source.text, env, depth + 1)?;
        if src.key.is_none() && src.fetch.is_none() {
            return Err(fail(
                source,
                format!(
                    "profile `{profile}` takes its credentials from profile `{}`, which has none onair can use",
                    source.text
                ),
            ));
        }
        return Ok(Some(Form::AssumeRole {
            role_arn: role.text.clone(),
            session_name: get("role_session_name").map(|v| v.text.clone()),
            region: get("region").map(|v| v.text.clone()),
            source: Box::new(src),
        }));
    }
    sso_form(files, profile, section, path)
}

/// The SSO settings of a profile: its `sso_session`'s section, or its own `sso_*` keys.
fn sso_form(
    files: &Files,
    profile: &str,
    section: &Section,
    path: &Path,
) -> Result<Option<Form>, FileError> {
    let get = |k: &str| section.get(k).filter(|v| !v.text.is_empty());
    let session = get("sso_session");
    if session.is_none() && get("sso_start_url").is_none() {
        return Ok(None);
    }
    let session_section = match session {
        Some(v) => {
            let name = format!("sso-session {}", v.text);
            match files.conf.as_ref().and_then(|i| i.section(&name)) {
                Some(s) => Some(s),
                None => {
                    return Err(FileError {
                        path: path.to_path_buf(),
                        line: Some(v.line),
                        message: format!(
                            "profile `{profile}` names `sso_session = {}`, but the config file has no `[{name}]`",
                            v.text
                        ),
                    });
                }
            }
        }
        None => None,
    };
    let either = |k: &str| {
        session_section
            .and_then(|s| s.get(k))
            .or_else(|| section.get(k))
            .filter(|v| !v.text.is_empty())
            .map(|v| v.text.clone())
    };
    let need = |k: &str| {
        either(k).ok_or_else(|| FileError {
            path: path.to_path_buf(),
            line: session
                .map(|v| v.line)
                .or_else(|| get("sso_start_url").map(|v| v.line)),
            message: format!("profile `{profile}` uses SSO but has no `{k}`"),
        })
    };
    Ok(Some(Form::Sso {
        start_url: need("sso_start_url")?,
        region: need("sso_region")?,
        account_id: need("sso_account_id")?,
        role_name: need("sso_role_name")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn get<'a>(ini: &'a Ini, section: &str, key: &str) -> Option<&'a str> {
        ini.section(section)?.get(key).map(|v| v.text.as_str())
    }

    #[test]
    fn parses_sections_keys_comments_and_whitespace() {
        let ini = parse(
            "# a comment\n; another\n\n  [default]  \naws_access_key_id=AKIA1\n\taws_secret_access_key =  s3cr/et+  \n\
             [ profile   work ] ; inline comment\nregion = eu-west-1 # trailing comment\nAWS_Session_Token = tok#en\n",
        )
        .unwrap();
        assert_eq!(get(&ini, "default", "aws_access_key_id"), Some("AKIA1"));
        assert_eq!(
            get(&ini, "default", "aws_secret_access_key"),
            Some("s3cr/et+")
        );
        assert_eq!(get(&ini, "profile work", "region"), Some("eu-west-1"));
        // A `#` not after whitespace is part of the value; keys are case-insensitive.
        assert_eq!(
            get(&ini, "profile work", "aws_session_token"),
            Some("tok#en")
        );
        assert_eq!(ini.section("profile work").unwrap()["region"].line, 8);
    }

    #[test]
    fn nested_settings_are_skipped_and_repeats_merge() {
        let ini = parse(
            "[default]\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 20\nregion = us-west-2\n[default]\nregion = us-east-2\noutput = json\n",
        )
        .unwrap();
        assert_eq!(get(&ini, "default", "s3"), Some(""));
        assert_eq!(get(&ini, "default", "addressing_style"), None);
        assert_eq!(get(&ini, "default", "region"), Some("us-east-2"));
        assert_eq!(get(&ini, "default", "output"), Some("json"));
        assert!(parse("").unwrap().sections.is_empty());
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let e = parse("[default]\nregion = x\njust words\n").unwrap_err();
        assert_eq!(e.0, 3);
        assert!(
            e.1.contains("expected `key = value` or `[section]`"),
            "{}",
            e.1
        );
        assert_eq!(parse("\n[default\n").unwrap_err().0, 2);
        assert!(
            parse("[default\n")
                .unwrap_err()
                .1
                .contains("without closing")
        );
        assert!(
            parse("region = x\n")
                .unwrap_err()
                .1
                .contains("before any `[section]`")
        );
        assert_eq!(parse("[a]\n = x\n").unwrap_err().0, 2);
        assert_eq!(parse("[]\n").unwrap_err().0, 1);
        // An indented line with no key before it is no nested setting.
        assert_eq!(parse("[a]\nk = v\n  oops\n").unwrap_err().0, 3);
    }

    struct Home {
        dir: tempfile::TempDir,
        vars: HashMap<String, String>,
    }

    impl Home {
        fn new() -> Home {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join(".aws")).unwrap();
            let mut vars = HashMap::new();
            vars.insert("HOME".into(), dir.path().display().to_string());
            Home { dir, vars }
        }
        fn write(&self, name: &str, text: &str) -> PathBuf {
            let p = self.dir.path().join(".aws").join(name);
            std::fs::write(&p, text).unwrap();
            p
        }
        fn set(&mut self, k: &str, v: &str) -> &mut Home {
            self.vars.insert(k.into(), v.into());
            self
        }
        fn resolve(&self) -> Result<Settings, FileError> {
            resolve(&|k| self.vars.get(k).cloned())
        }
    }

    #[test]
    fn no_files_and_no_environment_is_nothing() {
        let h = Home::new();
        let s = h.resolve().unwrap();
        assert_eq!(s.key, None);
        assert_eq!(s.source, Source::None);
        assert_eq!(s.region, None);
        // Nor without a HOME at all.
        assert_eq!(resolve(&|_| None).unwrap().key, None);
    }

    #[test]
    fn the_environment_wins_then_credentials_then_config() {
        let mut h = Home::new();
        let creds = h.write(
            "credentials",
            "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\naws_session_token = FILETOKEN\n",
        );
        let conf = h.write(
            "config",
            "[default]\nregion = eu-north-1\naws_access_key_id = CONFKEY\naws_secret_access_key = CONFSECRET\n\
             [profile other]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9000\naws_access_key_id = OTHERKEY\naws_secret_access_key = OTHERSECRET\n",
        );
        let s = h.resolve().unwrap();
        assert_eq!(
            s.key,
            Some((
                "FILEKEY".into(),
                "FILESECRET".into(),
                Some("FILETOKEN".into())
            ))
        );
        assert_eq!(
            s.source,
            Source::File {
                path: creds.clone(),
                profile: "default".into()
            }
        );
        assert_eq!(s.region.as_deref(), Some("eu-north-1"));

        // A profile only in the config file: its keys, region and endpoint.
        h.set("AWS_PROFILE", "other");
        let s = h.resolve().unwrap();
        assert_eq!(s.key, Some(("OTHERKEY".into(), "OTHERSECRET".into(), None)));
        assert_eq!(
            s.source,
            Source::File {
                path: conf,
                profile: "other".into()
            }
        );
        assert_eq!(s.region.as_deref(), Some("ap-south-1"));
        assert_eq!(s.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));

        // The environment's pair wins; half a pair in the environment does not count.
        h.set("AWS_ACCESS_KEY_ID", "ENVKEY");
        assert_eq!(h.resolve().unwrap().key.unwrap().0, "OTHERKEY");
        h.set("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
            .set("AWS_REGION", "us-west-1")
            .set("AWS_ENDPOINT_URL", "http://env:1");
        let s = h.resolve().unwrap();
        assert_eq!(s.key, Some(("ENVKEY".into(), "ENVSECRET".into(), None)));
        assert_eq!(s.source, Source::Environment);
        assert_eq!(s.region.as_deref(), Some("us-west-1"));
        assert_eq!(s.endpoint_url.as_deref(), Some("http://env:1"));
    }

    #[test]
    fn the_variables_move_the_files() {
        let mut h = Home::new();
        h.write(
            "credentials",
            "[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = S\n",
        );
        let elsewhere = h.dir.path().join("creds.ini");
        std::fs::write(
            &elsewhere,
            "[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = CISECRET\n",
        )
        .unwrap();
        let conf = h.dir.path().join("conf.ini");
        std::fs::write(&conf, "[profile ci]\nregion = sa-east-1\n").unwrap();
        h.set(
            "AWS_SHARED_CREDENTIALS_FILE",
            &elsewhere.display().to_string(),
        )
        .set("AWS_CONFIG_FILE", &conf.display().to_string())
        .set("AWS_PROFILE", "ci");
        let s = h.resolve().unwrap();
        assert_eq!(s.key.unwrap().0, "CIKEY");
        assert_eq!(s.region.as_deref(), Some("sa-east-1"));
        // `~/` in a variable is HOME.
        h.set("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
            .set("AWS_PROFILE", "default");
        assert_eq!(h.resolve().unwrap().key.unwrap().0, "HOMEKEY");
    }

    #[test]
    fn a_named_profile_that_is_not_there_is_an_error_naming_it_and_the_files() {
        let mut h = Home::new();
        let creds = h.write(
            "credentials",
            "[default]\naws_access_key_id = A\naws_secret_access_key = B\n",
        );
        h.write("config", "[profile work]\nregion = x\n");
        h.set("AWS_PROFILE", "wrok");
        let e = h.resolve().unwrap_err();
        assert_eq!(e.line, None);
        assert_eq!(
            e.message,
            format!(
                "AWS_PROFILE names the profile `wrok`, which is neither `[wrok]` in {} nor `[profile wrok]` in {}",
                creds.display(),
                h.dir.path().join(".aws/config").display()
            )
        );
        // `[work]` in the config file is not `[profile work]`.
        h.write("config", "[work]\nregion = x\n");
        h.set("AWS_PROFILE", "work");
        assert!(h.resolve().is_err());
        // The default profile may be missing: nothing found, no error.
        h.vars.remove("AWS_PROFILE");
        std::fs::remove_file(&creds).unwrap();
        assert_eq!(h.resolve().unwrap().key, None);
    }

    #[test]
    fn a_malformed_file_or_half_a_key_pair_names_the_file_and_line() {
        let h = Home::new();
        let conf = h.write("config", "[default]\nregion = x\n\nnot a setting\n");
        let e = h.resolve().unwrap_err();
        assert_eq!(e.path, conf);
        assert_eq!(e.line, Some(4));
        assert!(
            e.to_string()
                .starts_with(&format!("{}:4: ", conf.display())),
            "{e}"
        );
        h.write("config", "");
        let creds = h.write("credentials", "[default]\n\naws_access_key_id = A\n");
        let e = h.resolve().unwrap_err();
        assert_eq!((e.path, e.line), (creds, Some(3)));
        assert!(e.message.contains("only one of"), "{}", e.message);
    }

    #[test]
    fn profiles_that_fetch_their_credentials_say_how() {
        let mut h = Home::new();
        let conf = h.write(
            "config",
            "[profile proc]\ncredential_process = /bin/creds --json\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Deploy\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile old-sso]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-2\nsso_account_id = 1\nsso_role_name = R\n\
             [profile role]\nrole_arn = arn:aws:iam::1:role/deploy\nsource_profile = proc\nregion = eu-north-1\n\
             [profile oidc]\nrole_arn = arn:aws:iam::1:role/ci\nweb_identity_token_file = /run/token\n",
        );
        let form = |h: &mut Home, p: &str| {
            h.set("AWS_PROFILE", p);
            let s = h.resolve().unwrap();
            assert_eq!(s.key, None);
            s.fetch.map(|f| {
                assert_eq!((f.path, f.profile), (conf.clone(), p.to_string()));
                f.form
            })
        };
        assert_eq!(
            form(&mut h, "proc"),
            Some(Form::Process {
                command: "/bin/creds --json".into(),
                line: 2
            })
        );
        let sso = |url: &str, region: &str, account: &str, role: &str| Form::Sso {
            start_url: url.into(),
            region: region.into(),
            account_id: account.into(),
            role_name: role.into(),
        };
        assert_eq!(
            form(&mut h, "sso"),
            Some(sso(
                "https://corp.awsapps.com/start",
                "eu-west-1",
                "111122223333",
                "Deploy"
            ))
        );
        assert_eq!(
            form(&mut h, "old-sso"),
            Some(sso("https://old.awsapps.com/start", "us-east-2", "1", "R"))
        );
        match form(&mut h, "role") {
            Some(Form::AssumeRole {
                role_arn,
                region,
                source,
                ..
            }) => {
                assert_eq!(role_arn, "arn:aws:iam::1:role/deploy");
                assert_eq!(region.as_deref(), Some("eu-north-1"));
                assert!(matches!(source.fetch.unwrap().form, Form::Process { .. }));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            form(&mut h, "oidc"),
            Some(Form::WebIdentity {
                token_file: "/run/token".into(),
                role_arn: "arn:aws:iam::1:role/ci".into(),
                session_name: None
            })
        );
    }

    #[test]
    fn a_profile_form_onair_cannot_use_is_an_error_naming_it() {
        let mut h = Home::new();
        let conf = h.write(
            "config",
            "[profile mfa]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n\
             [profile base]\naws_access_key_id = A\naws_secret_access_key = B\n\
             [profile ec2]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2InstanceMetadata\n\
             [profile lonely]\nrole_arn = arn:aws:iam::1:role/r\n\
             [profile loop]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = loop\n\
             [profile gone]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nowhere\n\
             [profile half-sso]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile no-session]\nsso_session = missing\n",
        );
        for (profile, line, want) in [
            ("mfa", 4, "uses `mfa_serial`, which onair cannot use yet"),
            (
                "ec2",
                10,
                "uses `credential_source`, which onair cannot use yet",
            ),
            ("lonely", 12, "has `role_arn` but no `source_profile`"),
            ("loop", 15, "goes round in a circle"),
            (
                "gone",
                18,
                "`source_profile` of profile `gone` names the profile `nowhere`",
            ),
            ("half-sso", 20, "uses SSO but has no `sso_account_id`"),
            ("no-session", 23, "has no `[sso-session missing]`"),
        ] {
            h.set("AWS_PROFILE", profile);
            let e = h.resolve().unwrap_err();
            assert!(e.message.contains(want), "{profile}: {}", e.message);
            assert_eq!((&e.path, e.line), (&conf, Some(line)), "{profile}");
        }
    }

    #[test]
    fn config_default_may_be_written_as_profile_default() {
        let h = Home::new();
        h.write(
            "config",
            "[profile default]\naws_access_key_id = A\naws_secret_access_key = B\nregion = r\n",
        );
        let s = h.resolve().unwrap();
        assert_eq!(s.key.unwrap().0, "A");
        assert_eq!(s.region.as_deref(), Some("r"));
    }
}
