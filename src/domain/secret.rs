/// A token (the Buildkite agent token) that never shows: printing it, with `{}` or `{:?}`,
/// gives a redaction, so it cannot reach the screen or the log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("bkua_0123456789abcdef");
        assert_eq!(format!("{s} {s:?}"), "(redacted) Secret(redacted)");
        assert_eq!(s.expose(), "bkua_0123456789abcdef");
    }
}
