//! The keymap in effect: the built-in one (`keymap::BINDINGS`) with the operator's own keys
//! from `[keys]` in `config.toml`, each `"scope.action" = "key"` (or a list of keys). Names are
//! the help's: a scope (`instances`, `logs`, `global`, …) and an action (`sort-next`,
//! `open-logs`, `focus-stacks`, …). An unknown name, an unreadable key or two actions on one
//! key in one scope is refused, with where it was written.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, BINDINGS, Key, Scope, key_label, normalise};

/// One binding as in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    pub scope: Scope,
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub bindings: Vec<Bound>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = BINDINGS
            .iter()
            .map(|b| Bound { scope: b.scope, keys: b.keys.to_vec(), action: b.action, desc: b.desc })
            .collect();
        Self { bindings }
    }
}

/// A scope's name in `[keys]`: `always`, `global`, `list`, `instances`, `logs`, ….
pub fn scope_name(s: Scope) -> String {
    kebab(&format!("{s:?}"))
}

/// An action's name in `[keys]`: `sort-next`, `open-logs`, `focus-instances`, ….
pub fn action_name(a: Action) -> String {
    match a {
        Action::FocusPane(p) => format!("focus-{}", kebab(&format!("{p:?}"))),
        other => kebab(&format!("{other:?}")),
    }
}

fn kebab(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A key as written in `[keys]`: a character (`q`, `G`, `?`), or a name (`enter`, `esc`,
/// `tab`, `shift-tab`, `space`, `backspace`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`,
/// `home`, `end`, `delete`, `f1`…`f12`), after `ctrl-` or `alt-` if held.
pub fn parse_key(text: &str) -> Option<Key> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        if lower.starts_with("ctrl-") && rest.len() > 5 {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[5..];
        } else if lower.starts_with("alt-") && rest.len() > 4 {
            mods |= KeyModifiers::ALT;
            rest = &rest[4..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => {
            KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) { c.to_ascii_lowercase() } else { c })
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" | "del" => KeyCode::Delete,
            f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?),
            _ => return None,
        },
    };
    Some(Key { code, mods })
}

/// One line of `[keys]`: what was written, and where (a byte offset in the file, for the
/// refusal's line and column).
pub struct Rebinding {
    pub name: String,
    pub keys: Vec<(String, usize)>,
    pub at: usize,
}

impl Keymap {
    /// The built-in keymap with `rebindings` applied; the first mistake, with its offset.
    pub fn with(rebindings: &[Rebinding]) -> Result<Self, (usize, String)> {
        let mut map = Self::default();
        for r in rebindings {
            let (scope, action) = r.name.split_once('.').ok_or_else(|| {
                (r.at, format!("'{}' is not scope.action (such as \"instances.sort-next\")", r.name))
            })?;
            let found = map
                .bindings
                .iter_mut()
                .find(|b| scope_name(b.scope) == scope && action_name(b.action) == action)
                .ok_or_else(|| (r.at, format!("no action '{action}' in scope '{scope}' (? lists them)")))?;
            let mut keys = Vec::new();
            for (text, at) in &r.keys {
                keys.push(parse_key(text).ok_or_else(|| (*at, format!("'{text}' is not a key")))?);
            }
            if keys.is_empty() {
                return Err((r.at, format!("{} needs a key", r.name)));
            }
            found.keys = keys;
        }
        // Two actions on one key in one scope: the second could never be reached.
        for (i, a) in map.bindings.iter().enumerate() {
            for b in &map.bindings[i + 1..] {
                if let Some(k) = a.keys.iter().find(|k| a.scope == b.scope && b.keys.contains(k)) {
                    let at = rebindings.iter().find(|r| {
                        let name = |x: &Bound| format!("{}.{}", scope_name(x.scope), action_name(x.action));
                        r.name == name(a) || r.name == name(b)
                    });
                    return Err((
                        at.map_or(0, |r| r.at),
                        format!(
                            "{} is bound to both {} and {} in {}",
                            key_label(k),
                            action_name(a.action),
                            action_name(b.action),
                            scope_name(a.scope)
                        ),
                    ));
                }
            }
        }
        Ok(map)
    }

    /// The first key that does `action` in `scope`, as the help writes it.
    pub fn key_for(&self, scope: Scope, action: Action) -> Option<String> {
        self.bindings.iter().find(|b| b.scope == scope && b.action == action)?.keys.first().map(key_label)
    }

    /// The action bound to `key` in the first of `scopes` that binds it.
    pub fn resolve(&self, scopes: &[Scope], key: &KeyEvent) -> Option<Action> {
        let key = normalise(key);
        scopes.iter().find_map(|scope| {
            self.bindings.iter().find(|b| b.scope == *scope && b.keys.contains(&key)).map(|b| b.action)
        })
    }

    /// The help's sections for where it was opened (see `keymap::help_sections_for`), with the
    /// keys in effect.
    pub fn help_sections_for(&self, from: &[Scope]) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let mut order: Vec<Scope> = from.iter().copied().filter(|s| *s != Scope::Always).collect();
        order.push(Scope::Always);
        if !from.contains(&Scope::Logs) {
            for b in &self.bindings {
                if !order.contains(&b.scope) {
                    order.push(b.scope);
                }
            }
        }
        let mut sections: Vec<(&'static str, Vec<(String, &'static str)>)> = Vec::new();
        for scope in order {
            for b in self.bindings.iter().filter(|b| b.scope == scope) {
                let keys = b.keys.iter().map(key_label).collect::<Vec<_>>().join(" ");
                match sections.iter_mut().find(|(t, _)| *t == scope.title()) {
                    Some((_, rows)) => rows.push((keys, b.desc)),
                    None => sections.push((scope.title(), vec![(keys, b.desc)])),
                }
            }
        }
        sections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rb(name: &str, keys: &[&str]) -> Rebinding {
        Rebinding { name: name.into(), keys: keys.iter().map(|k| (k.to_string(), 7)).collect(), at: 3 }
    }

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn names_are_the_actions_and_scopes_in_kebab_case() {
        assert_eq!(action_name(Action::SortNext), "sort-next");
        assert_eq!(action_name(Action::FocusPane(super::super::Pane::Instances)), "focus-instances");
        assert_eq!(scope_name(Scope::Instances), "instances");
        assert_eq!(parse_key("ctrl-r"), Some(Key { code: KeyCode::Char('r'), mods: KeyModifiers::CONTROL }));
        assert_eq!(parse_key("G"), Some(Key { code: KeyCode::Char('G'), mods: KeyModifiers::NONE }));
        assert_eq!(parse_key("pgdn").map(|k| k.code), Some(KeyCode::PageDown));
        assert_eq!(parse_key("f13"), None);
        assert_eq!(parse_key("banana"), None);
    }

    #[test]
    fn a_rebinding_moves_the_action_and_frees_the_old_key() {
        let map = Keymap::with(&[rb("instances.sort-next", &["S"])]).expect("fine");
        assert_eq!(map.resolve(&[Scope::Instances], &press('S')), Some(Action::SortNext));
        assert_eq!(map.resolve(&[Scope::Instances], &press('o')), None);
        let help = map.help_sections_for(&[Scope::Always, Scope::Instances, Scope::List, Scope::Global]);
        assert!(help[0].1.iter().any(|(k, d)| k == "S" && *d == "Sort by the next column"), "{help:?}");
    }

    #[test]
    fn mistakes_are_refused_with_where_they_are() {
        let err = |r: Rebinding| Keymap::with(&[r]).expect_err("refused");
        assert_eq!(
            err(rb("instances.sort-sideways", &["S"])),
            (3, "no action 'sort-sideways' in scope 'instances' (? lists them)".into())
        );
        assert_eq!(err(rb("sort-next", &["S"])).0, 3);
        assert_eq!(err(rb("instances.sort-next", &["banana"])), (7, "'banana' is not a key".into()));
        // `l` already opens the logs in the instances.
        assert_eq!(
            err(rb("instances.sort-next", &["l"])),
            (3, "l is bound to both sort-next and open-logs in instances".into())
        );
    }
}
