//! What bkops says it is: its version and the commit it was built from (see `build.rs`).

/// `0.1.0 (abc1234)`, `0.1.0 (abc1234, dirty)`, or `0.1.0` from the packaged crate.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("BKOPS_BUILD"));

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_starts_with_the_packages_and_names_a_commit_only_in_parentheses() {
        let v = super::VERSION;
        assert!(v.starts_with(env!("CARGO_PKG_VERSION")), "{v}");
        let rest = &v[env!("CARGO_PKG_VERSION").len()..];
        assert!(
            rest.is_empty() || (rest.starts_with(" (") && rest.ends_with(')') && rest.len() >= 10),
            "{v}"
        );
    }
}
