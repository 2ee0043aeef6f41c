//! Instance IDs as operators type them: checked before they reach any call or file name.

/// An EC2 instance ID (`i-` and 8 or 17 hex digits), or one taken from an agent name
/// (`<stack>-i-0123456789abcdef0-1`); anything else is refused with what is accepted.
pub fn instance_id(text: &str) -> Result<String, String> {
    let is_id = |s: &str| {
        s.strip_prefix("i-").is_some_and(|h| {
            (h.len() == 8 || h.len() == 17)
                && h.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
    };
    let t = text.trim();
    if is_id(t) {
        return Ok(t.to_string());
    }
    // An agent name: the stack's name, the instance ID, the agent's number.
    for (pos, _) in t.match_indices("-i-") {
        let rest = &t[pos + 1..];
        let id: String = rest.chars().take(19).collect();
        if is_id(&id)
            && rest[id.len()..]
                .strip_prefix('-')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        {
            return Ok(id);
        }
        let short: String = rest.chars().take(10).collect();
        if is_id(&short)
            && rest[short.len()..].strip_prefix('-').is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        {
            return Ok(short);
        }
    }
    Err(format!(
        "'{text}' is not an instance ID (i-0123456789abcdef0) or an agent name (<stack>-i-0123456789abcdef0-1)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_and_agent_names() {
        assert_eq!(instance_id("i-0123456789abcdef0").as_deref(), Ok("i-0123456789abcdef0"));
        assert_eq!(instance_id("i-12345678").as_deref(), Ok("i-12345678"));
        assert_eq!(instance_id("ci-linux-i-0123456789abcdef0-2").as_deref(), Ok("i-0123456789abcdef0"));
        for bad in [
            "",
            "i-",
            "i-XYZ",
            "i-0123456789ABCDEF0",
            "i-0123456789abcdef",
            "ci-linux",
            "; rm -rf /",
            "i-0123456789abcdef0\x1b[2J",
        ] {
            assert!(instance_id(bad).is_err(), "{bad:?}");
        }
    }
}
