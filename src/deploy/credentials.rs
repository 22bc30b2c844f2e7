//! Fetches the credentials a profile names rather than holds (see `aws_files::Form`): runs
//! its `credential_process`, asks its SSO portal with the token `aws sso login` cached, or
//! assumes its role with STS using the source profile's credentials. Endpoints follow the
//! AWS variables: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_SSO, else AWS_ENDPOINT_URL.

use std::path::{Path, PathBuf};

use super::aws_files::{Fetch, FileError, Form, Key, Settings, Source};

/// Turns `settings.fetch` into a key pair (and its source); nothing to do without one.
pub fn fetch(
    settings: &mut Settings,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), FileError> {
    let Some(f) = settings.fetch.take() else {
        return Ok(());
    };
    let (key, how) = fetch_one(&f, env)?;
    settings.key = Some(key);
    settings.source = Source::Fetched {
        path: f.path,
        profile: f.profile,
        how,
    };
    Ok(())
}

fn fetch_one(f: &Fetch, env: &dyn Fn(&str) -> Option<String>) -> Result<(Key, String), FileError> {
    let fail = |line: Option<usize>, message: String| FileError {
        path: f.path.clone(),
        line,
        message: match f.profile.as_str() {
            "" => format!("AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN: {message}"),
            p => format!("profile `{p}`: {message}"),
        },
    };
    match &f.form {
        Form::Process { command, line } => process(command)
            .map(|k| (k, "from the credential_process".to_string()))
            .map_err(|e| fail(Some(*line), format!("credential_process `{command}`: {e}"))),
        Form::Sso {
            start_url,
            region,
            account_id,
            role_name,
        } => {
            let token = sso_token(env, start_url, &f.profile).map_err(|e| fail(None, e))?;
            let endpoint = endpoint(env, "AWS_ENDPOINT_URL_SSO")
                .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
            sso_credentials(&endpoint, &token, account_id, role_name)
                .map(|k| (k, format!("from SSO ({start_url}, role {role_name})")))
                .map_err(|e| fail(None, format!("the SSO portal {endpoint}: {e}")))
        }
        Form::AssumeRole {
            role_arn,
            session_name,
            region,
            source,
        } => {
            let mut source = (**source).clone();
            fetch(&mut source, env)?;
            let Some(key) = source.key else {
                return Err(fail(None, "its source profile gave no credentials".into()));
            };
            let region = region.clone().unwrap_or_else(|| "us-east-1".into());
            let endpoint = endpoint(env, "AWS_ENDPOINT_URL_STS")
                .unwrap_or_else(|| format!("https://sts.{region}.amazonaws.com"));
            let session = session_name
                .clone()
                .unwrap_or_else(|| "onair-deploy".into());
            let params = [
                ("Action", "AssumeRole"),
                ("RoleArn", role_arn),
                ("RoleSessionName", &session),
            ];
            sts(&endpoint, Some((&region, &key)), &params)
                .map(|k| (k, format!("assuming {role_arn} ({})", source.source)))
                .map_err(|e| fail(None, format!("assuming {role_arn} at {endpoint}: {e}")))
        }
        Form::WebIdentity {
            token_file,
            role_arn,
            session_name,
        } => {
            let token = std::fs::read_to_string(token_file).map_err(|e| {
                fail(
                    None,
                    format!("cannot read the web identity token {token_file}: {e}"),
                )
            })?;
            let endpoint = endpoint(env, "AWS_ENDPOINT_URL_STS")
                .unwrap_or_else(|| "https://sts.amazonaws.com".to_string());
            let session = session_name
                .clone()
                .unwrap_or_else(|| "onair-deploy".into());
            let params = [
                ("Action", "AssumeRoleWithWebIdentity"),
                ("RoleArn", role_arn.as_str()),
                ("RoleSessionName", &session),
                ("WebIdentityToken", token.trim()),
            ];
            sts(&endpoint, None, &params)
                .map(|k| (k, format!("by web identity for {role_arn}")))
                .map_err(|e| {
                    fail(
                        None,
                        format!("assuming {role_arn} with a web identity at {endpoint}: {e}"),
                    )
                })
        }
    }
}

fn endpoint(env: &dyn Fn(&str) -> Option<String>, var: &str) -> Option<String> {
    env(var)
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches('/').to_string())
}

/// Runs a `credential_process` (through `sh -c`, as written) and reads its JSON: Version 1,
/// AccessKeyId, SecretAccessKey, and SessionToken when it gives one.
fn process(command: &str) -> Result<Key, String> {
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "it failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("its output is not JSON ({e})"))?;
    if v["Version"] != 1 {
        return Err(format!(
            "its output has Version {} where 1 is the one known",
            v["Version"]
        ));
    }
    let field = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    match (field("AccessKeyId"), field("SecretAccessKey")) {
        (Some(id), Some(secret)) => Ok((id, secret, field("SessionToken"))),
        _ => Err("its output lacks AccessKeyId or SecretAccessKey".into()),
    }
}

/// The access token `aws sso login` cached for `start_url` (a JSON file under
/// ~/.aws/sso/cache with `startUrl`, `accessToken` and `expiresAt`), if it has not expired.
fn sso_token(
    env: &dyn Fn(&str) -> Option<String>,
    start_url: &str,
    profile: &str,
) -> Result<String, String> {
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .unwrap_or_default();
    let dir = Path::new(&home).join(".aws/sso/cache");
    let login = format!("run `aws sso login --profile {profile}`");
    let mut found: Option<(PathBuf, serde_json::Value)> = None;
    for entry in std::fs::read_dir(&dir)
        .map_err(|e| format!("no SSO token cache in {} ({e}): {login}", dir.display()))?
    {
        let Ok(entry) = entry else { continue };
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        if v["startUrl"] == start_url && v["accessToken"].is_string() {
            found = Some((entry.path(), v));
        }
    }
    let Some((path, v)) = found else {
        return Err(format!(
            "no SSO token for {start_url} in {}: {login}",
            dir.display()
        ));
    };
    let expires = v["expiresAt"].as_str().unwrap_or("");
    let at: jiff::Timestamp = expires.parse().map_err(|e| {
        format!(
            "{}: `expiresAt` `{expires}` is no time ({e})",
            path.display()
        )
    })?;
    if at <= jiff::Timestamp::now() {
        return Err(format!(
            "the SSO token in {} expired at {expires}: {login}",
            path.display()
        ));
    }
    Ok(v["accessToken"].as_str().unwrap_or_default().to_string())
}

/// GetRoleCredentials of the SSO portal.
fn sso_credentials(endpoint: &str, token: &str, account: &str, role: &str) -> Result<Key, String> {
    let url = format!("{endpoint}/federation/credentials");
    let mut r = ureq::get(&url)
        .query("account_id", account)
        .query("role_name", role)
        .header("x-amz-sso_bearer_token", token)
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("it answered {status}: {}", body.trim()));
    }
    let v: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("its answer is not JSON ({e})"))?;
    let c = &v["roleCredentials"];
    let field = |k: &str| c[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    match (field("accessKeyId"), field("secretAccessKey")) {
        (Some(id), Some(secret)) => Ok((id, secret, field("sessionToken"))),
        _ => Err("its answer has no roleCredentials".into()),
    }
}

/// The text of the first `<name>` element of an XML answer.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + len])
}

/// An STS call (AssumeRole signed with SigV4 by object_store's signer with `signer`'s region
/// and key; AssumeRoleWithWebIdentity unsigned): its credentials.
fn sts(
    endpoint: &str,
    signer: Option<(&str, &Key)>,
    params: &[(&str, &str)],
) -> Result<Key, String> {
    use object_store::aws::{AwsAuthorizer, AwsCredential};
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let mut body = "Version=2011-06-15".to_string();
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", enc(v)));
    }
    let url = format!("{endpoint}/");
    let mut req: object_store::client::HttpRequest = http::Request::builder()
        .method("POST")
        .uri(&url)
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body.clone().into())
        .map_err(|e| e.to_string())?;
    if let Some((region, key)) = signer {
        let credential = AwsCredential {
            key_id: key.0.clone(),
            secret_key: key.1.clone(),
            token: key.2.clone(),
        };
        AwsAuthorizer::new(&credential, "sts", region)
            .try_authorize(&mut req, None)
            .map_err(|e| format!("cannot sign the request: {e}"))?;
    }
    let mut call = ureq::post(&url);
    for (name, value) in req.headers() {
        call = call.header(name.as_str(), value.to_str().unwrap_or_default());
    }
    let mut r = call
        .config()
        .http_status_as_error(false)
        .build()
        .send(body.as_bytes())
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let text = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
    if !status.is_success() {
        let code = element(&text, "Code").unwrap_or("");
        let message = element(&text, "Message").unwrap_or(text.trim());
        return Err(format!("STS answered {status} {code}: {message}"));
    }
    match (
        element(&text, "AccessKeyId"),
        element(&text, "SecretAccessKey"),
    ) {
        (Some(id), Some(secret)) => Ok((
            id.to_string(),
            secret.to_string(),
            element(&text, "SessionToken").map(str::to_string),
        )),
        _ => Err("STS answered without credentials".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_process_gives_its_json_keys_or_a_clear_error() {
        let k = process(
            r#"printf '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "S", "SessionToken": "T"}'"#,
        )
        .unwrap();
        assert_eq!(k, ("AKID".into(), "S".into(), Some("T".into())));
        assert!(
            process("echo oops >&2; exit 3")
                .unwrap_err()
                .contains("oops")
        );
        assert!(process("echo nope").unwrap_err().contains("not JSON"));
        assert!(
            process(r#"echo '{"Version": 2}'"#)
                .unwrap_err()
                .contains("Version 2")
        );
        assert!(
            process(r#"echo '{"Version": 1, "AccessKeyId": "A"}'"#)
                .unwrap_err()
                .contains("lacks")
        );
    }

    #[test]
    fn the_sso_token_is_the_cached_one_for_the_start_url_unless_expired() {
        let home = tempfile::tempdir().unwrap();
        let cache = home.path().join(".aws/sso/cache");
        std::fs::create_dir_all(&cache).unwrap();
        let h = home.path().display().to_string();
        let env = move |k: &str| (k == "HOME").then(|| h.clone());
        let write = |name: &str, url: &str, expires: &str| {
            std::fs::write(
                cache.join(name),
                format!(r#"{{"startUrl": "{url}", "accessToken": "tok-{name}", "expiresAt": "{expires}", "region": "eu-west-1"}}"#),
            )
            .unwrap();
        };
        write(
            "a.json",
            "https://other.awsapps.com/start",
            "2999-01-01T00:00:00Z",
        );
        write(
            "b.json",
            "https://mine.awsapps.com/start",
            "2999-01-01T00:00:00Z",
        );
        assert_eq!(
            sso_token(&env, "https://mine.awsapps.com/start", "p").unwrap(),
            "tok-b.json"
        );
        write(
            "b.json",
            "https://mine.awsapps.com/start",
            "2001-01-01T00:00:00Z",
        );
        let e = sso_token(&env, "https://mine.awsapps.com/start", "p").unwrap_err();
        assert!(
            e.contains("expired") && e.contains("aws sso login --profile p"),
            "{e}"
        );
        let e = sso_token(&env, "https://none.awsapps.com/start", "p").unwrap_err();
        assert!(
            e.starts_with("no SSO token for https://none.awsapps.com/start"),
            "{e}"
        );
    }
}
