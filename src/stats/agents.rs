//! User agents named by the OPAWG user-agents-v2 lists (src/stats/user-agents/, MIT; see the
//! NOTICE there): bots first, then apps, libraries and browsers, the first entry whose pattern
//! matches; and a device from the devices list. Each list is one `RegexSet`, so an agent is
//! matched against a list in one pass, and the caller matches each distinct agent once.

use std::path::Path;

use regex::RegexSet;

const LISTS: [&str; 5] = ["bots", "apps", "libraries", "browsers", "devices"];
const BUNDLED: [&str; 5] = [
    include_str!("user-agents/bots.json"),
    include_str!("user-agents/apps.json"),
    include_str!("user-agents/libraries.json"),
    include_str!("user-agents/browsers.json"),
    include_str!("user-agents/devices.json"),
];

/// The name given to an agent no list knows.
pub const UNKNOWN: &str = "Unknown";

struct List {
    names: Vec<String>,
    categories: Vec<Option<String>>,
    set: RegexSet,
}

impl List {
    fn parse(json: &str, what: &str) -> Result<List, String> {
        #[derive(serde::Deserialize)]
        struct Entry {
            name: String,
            pattern: String,
            #[serde(default)]
            category: Option<String>,
        }
        #[derive(serde::Deserialize)]
        struct File {
            entries: Vec<Entry>,
        }
        let file: File = serde_json::from_str(json).map_err(|e| format!("{what}: {e}"))?;
        let set = RegexSet::new(file.entries.iter().map(|e| e.pattern.as_str()))
            .map_err(|e| format!("{what}: a pattern does not compile: {e}"))?;
        Ok(List {
            names: file.entries.iter().map(|e| e.name.clone()).collect(),
            categories: file.entries.into_iter().map(|e| e.category).collect(),
            set,
        })
    }

    fn first(&self, agent: &str) -> Option<usize> {
        self.set.matches(agent).iter().next()
    }
}

/// What an agent is, as the lists say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agent {
    /// Never counted: the bots list's entry name (Apple Watch fetches among them), or the
    /// word the agent calls itself by.
    Bot { name: String, watch: bool },
    /// An app, library or browser (or `UNKNOWN`), and its device (or `UNKNOWN`).
    Listener { name: String, device: String },
}

pub struct Agents {
    bots: List,
    apps: List,
    libraries: List,
    browsers: List,
    devices: List,
}

impl Agents {
    /// The lists bundled with onair.
    pub fn bundled() -> Agents {
        let texts: Vec<String> = BUNDLED.iter().map(|s| s.to_string()).collect();
        Agents::from_texts(&texts, &LISTS.map(|l| format!("bundled {l}.json")))
            .expect("the bundled user-agent lists parse")
    }

    /// The lists of a newer copy: DIR holds bots.json, apps.json, libraries.json,
    /// browsers.json and devices.json (the runtime or source files of user-agents-v2).
    pub fn from_dir(dir: &Path) -> Result<Agents, String> {
        let mut texts = Vec::new();
        let mut names = Vec::new();
        for list in LISTS {
            let path = dir.join(format!("{list}.json"));
            let alt = dir.join(format!("{list}.runtime.json"));
            let path = if !path.is_file() && alt.is_file() {
                alt
            } else {
                path
            };
            texts.push(
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            );
            names.push(path.display().to_string());
        }
        let names: [String; 5] = names.try_into().expect("five lists");
        Agents::from_texts(&texts, &names)
    }

    fn from_texts(texts: &[String], names: &[String; 5]) -> Result<Agents, String> {
        Ok(Agents {
            bots: List::parse(&texts[0], &names[0])?,
            apps: List::parse(&texts[1], &names[1])?,
            libraries: List::parse(&texts[2], &names[2])?,
            browsers: List::parse(&texts[3], &names[3])?,
            devices: List::parse(&texts[4], &names[4])?,
        })
    }

    /// Names one agent. The lists' README: newlines removed, then the first match of bots,
    /// apps, libraries, browsers in that order; a device for anything but a bot.
    pub fn classify(&self, agent: &str) -> Agent {
        let agent: std::borrow::Cow<str> = if agent.contains(['\n', '\r']) {
            agent.replace(['\n', '\r'], "").into()
        } else {
            agent.into()
        };
        if let Some(i) = self.bots.first(&agent) {
            let name = self.bots.names[i].clone();
            let watch = name.contains("(Watch)");
            return Agent::Bot { name, watch };
        }
        if let Some(word) = self_declared_bot(&agent) {
            return Agent::Bot {
                name: word.to_string(),
                watch: false,
            };
        }
        let name = [&self.apps, &self.libraries, &self.browsers]
            .into_iter()
            .find_map(|l| l.first(&agent).map(|i| l.names[i].clone()))
            .unwrap_or_else(|| UNKNOWN.to_string());
        let device = self
            .devices
            .first(&agent)
            .map(|i| self.devices.names[i].clone())
            .unwrap_or_else(|| UNKNOWN.to_string());
        Agent::Listener { name, device }
    }

    /// A device's category (mobile, smart_speaker, computer...), by its name.
    pub fn device_category(&self, device: &str) -> Option<&str> {
        let i = self.devices.names.iter().position(|n| n == device)?;
        self.devices.categories[i].as_deref()
    }
}

/// "bot", "crawler" or "spider" anywhere in the agent, any case (IAB v2.3: agents that name
/// themselves so are filtered even when no list knows them).
fn self_declared_bot(agent: &str) -> Option<&'static str> {
    let lower = agent.to_ascii_lowercase();
    ["bot", "crawler", "spider"]
        .into_iter()
        .find(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listener(name: &str) -> Agent {
        Agent::Listener {
            name: name.to_string(),
            device: String::new(),
        }
    }

    fn name_of(a: &Agent) -> Agent {
        match a {
            Agent::Listener { name, .. } => listener(name),
            bot => bot.clone(),
        }
    }

    #[test]
    fn bundled_lists_compile_and_name_common_apps() {
        let a = Agents::bundled();
        assert_eq!(
            name_of(&a.classify("Podcasts/1650.20 CFNetwork/1404.0.5 Darwin/22.3.0")),
            listener("Apple Podcasts")
        );
        assert_eq!(
            name_of(&a.classify("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)")),
            listener("Overcast")
        );
        assert_eq!(
            name_of(&a.classify("Spotify/8.8.12 Android/33 (SM-G991B)")),
            listener("Spotify")
        );
        // The bots list names curl and Wget: never counted.
        assert!(matches!(a.classify("curl/8.5.0"), Agent::Bot { .. }));
        assert_eq!(name_of(&a.classify("made-up-agent/1.0")), listener(UNKNOWN));
    }

    #[test]
    fn bots_watch_and_self_declared_bots() {
        let a = Agents::bundled();
        assert!(matches!(
            a.classify("AhrefsBot/7.0"),
            Agent::Bot { watch: false, .. }
        ));
        assert!(matches!(
            a.classify("atc/1.0 watchOS/10.0"),
            Agent::Bot { watch: true, .. }
        ));
        assert_eq!(
            a.classify("MyOwnSpider 2.0"),
            Agent::Bot {
                name: "spider".into(),
                watch: false
            }
        );
    }

    #[test]
    fn devices() {
        let a = Agents::bundled();
        let Agent::Listener { device, .. } =
            a.classify("AppleCoreMedia/1.0.0.20E252 (iPhone; U; CPU OS 16_4 like Mac OS X)")
        else {
            panic!("a listener")
        };
        assert_eq!(device, "Apple iPhone");
        assert_eq!(a.device_category(&device), Some("mobile"));
    }
}
