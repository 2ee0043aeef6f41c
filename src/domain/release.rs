//! The Elastic CI Stack's releases: a stack's version against the latest published one, as
//! the published template's description names it (`Description: "Buildkite stack v6.80.0"`).

/// A release, `vMAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    /// `v6.71.1` (or `6.71.1`); `None` for anything else (`?`, a fork's `v6.71.1-acme`).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().trim_start_matches('v').split('.');
        let mut next = || parts.next().and_then(|p| p.parse::<u32>().ok());
        let v = Version { major: next()?, minor: next()?, patch: next()? };
        parts.next().is_none().then_some(v)
    }
}

/// The version a template's top-level `Description` names, as the stack's own description
/// does; `None` when it names none.
pub fn template_version(template: &str) -> Option<String> {
    let line = template.lines().find(|l| l.starts_with("Description:"))?;
    let text = line["Description:".len()..].trim().trim_matches(|c| c == '"' || c == '\'');
    let word = text.split_whitespace().find(|w| Version::parse(w).is_some())?;
    Some(word.to_string())
}

/// How far a stack is behind the latest release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// It runs the latest (or a newer one).
    Current,
    /// Within its major version: how many minor releases.
    Minor(u32),
    /// A major version behind: the upgrade changes what the stack is (its parameters, its
    /// AMI's OS), and wants its own reading of the release notes.
    Major,
}

/// `None` when either version cannot be read.
pub fn behind(current: &str, latest: &str) -> Option<Behind> {
    let (c, l) = (Version::parse(current)?, Version::parse(latest)?);
    Some(if c >= l {
        Behind::Current
    } else if c.major < l.major {
        Behind::Major
    } else if c.minor < l.minor {
        Behind::Minor(l.minor - c.minor)
    } else {
        // A patch release of the same minor.
        Behind::Minor(0)
    })
}

impl Behind {
    pub fn is_behind(self) -> bool {
        self != Behind::Current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_templates_description_names_its_version() {
        let published = "---\nAWSTemplateFormatVersion: \"2010-09-09\"\nDescription: \"Buildkite stack v6.80.0\"\n\nParameters:\n  Description: not this\n";
        assert_eq!(template_version(published).as_deref(), Some("v6.80.0"));
        assert_eq!(template_version("Description: Buildkite stack v6.7.0\n").as_deref(), Some("v6.7.0"));
        assert_eq!(template_version("Description: \"Buildkite stack %v\"\n"), None);
        assert_eq!(template_version("<Error><Code>AccessDenied</Code></Error>"), None);
    }

    #[test]
    fn a_stack_is_behind_by_minor_releases_or_a_major_one() {
        assert_eq!(behind("v6.71.1", "v6.80.0"), Some(Behind::Minor(9)));
        assert_eq!(behind("v6.80.0", "v6.80.1"), Some(Behind::Minor(0)));
        assert_eq!(behind("v6.80.0", "v6.80.0"), Some(Behind::Current));
        assert_eq!(behind("v6.81.0", "v6.80.0"), Some(Behind::Current), "a newer one is not behind");
        assert_eq!(behind("v5.22.0", "v6.1.0"), Some(Behind::Major));
        assert_eq!(behind("?", "v6.80.0"), None);
        assert_eq!(behind("v6.71.1-acme", "v6.80.0"), None, "a fork's version is not compared");
        assert!(Behind::Minor(0).is_behind() && !Behind::Current.is_behind());
    }
}
