//! Themes: TOML files of semantic roles (`warn`, `selection`, ...), resolved to ratatui styles.
//! Built-in themes are embedded; `--theme` also takes a name in the user's theme directory or
//! a path. A theme may name a `parent` and set only the roles it changes.

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

pub const BUILT_IN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
];

macro_rules! roles {
    ($($role:ident),* $(,)?) => {
        /// What a style means on screen.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub enum Role { $($role),* }

        impl Role {
            pub const ALL: &[Role] = &[$(Role::$role),*];
            pub fn name(self) -> &'static str {
                match self { $(Role::$role => stringify!($role)),* }
            }
        }

        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RolesFile { $($role: Option<StyleFile>),* }

        impl RolesFile {
            fn get(&self, role: Role) -> Option<&StyleFile> {
                match role { $(Role::$role => self.$role.as_ref()),* }
            }
        }
    };
}

roles!(
    base,
    muted,
    title,
    accent,
    border,
    border_focused,
    header,
    selection,
    marked,
    ok,
    warn,
    danger,
    paused,
    status_bar,
    prompt,
    chart_scheduled,
    chart_running,
    chart_waiting,
);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleFile {
    fg: Option<Spanned<ColourValue>>,
    bg: Option<Spanned<ColourValue>>,
    bold: Option<bool>,
    italic: Option<bool>,
    underlined: Option<bool>,
    reversed: Option<bool>,
}

/// A colour as written: a name or `"#rrggbb"` in quotes, or an index 0-255 with or without.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ColourValue {
    Text(String),
    Index(i64),
}

impl ColourValue {
    fn text(&self) -> String {
        match self {
            ColourValue::Text(t) => t.clone(),
            ColourValue::Index(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: Option<String>,
    parent: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    theme: Header,
    #[serde(default)]
    roles: RolesFile,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: Vec<Style>,
}

impl Theme {
    /// No colours at all: for measuring text, where styles do not matter.
    pub fn plain() -> Self {
        Self { name: "plain".into(), styles: Vec::new() }
    }

    pub fn style(&self, role: Role) -> Style {
        self.styles.get(role as usize).copied().unwrap_or_default()
    }

    /// The theme with no colour at all, for `NO_COLOR` and monochrome terminals: what colour
    /// said, modifiers say. The cursor is reversed, a marked row underlined (both: reversed and
    /// underlined), a badge reversed, warnings bold, muted text dim.
    pub fn without_colour(self) -> Self {
        let styles = Role::ALL
            .iter()
            .map(|role| {
                let s = self.style(*role);
                let s = Style { fg: None, bg: None, underline_color: None, ..s };
                let (add, remove) = match role {
                    Role::selection | Role::paused => {
                        (Modifier::REVERSED | Modifier::BOLD, Modifier::empty())
                    }
                    Role::marked => (Modifier::UNDERLINED | Modifier::BOLD, Modifier::REVERSED),
                    Role::danger | Role::warn | Role::title | Role::border_focused => {
                        (Modifier::BOLD, Modifier::empty())
                    }
                    Role::header => (Modifier::BOLD | Modifier::UNDERLINED, Modifier::empty()),
                    Role::muted => (Modifier::DIM, Modifier::empty()),
                    _ => (Modifier::empty(), Modifier::REVERSED),
                };
                s.add_modifier(add).remove_modifier(remove)
            })
            .collect();
        Self { name: self.name, styles }
    }
}

/// Whether the environment asks for no colour (`NO_COLOR` set and not empty, no-color.org).
pub fn no_colour_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// A theme for this terminal: `load`, without colour when the environment asks for none.
pub fn load_for_terminal(spec: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    let theme = load(spec, user_dir)?;
    Ok(if no_colour_wanted() { theme.without_colour() } else { theme })
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ThemeError {
    #[error("no theme named '{name}'; built-in themes: {builtins}; or give a path to a .toml file")]
    NotFound { name: String, builtins: String },
    #[error("cannot read theme file {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid { path: String, line: usize, column: usize, message: String },
    #[error("theme '{0}' inherits from itself")]
    Cycle(String),
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where a theme file sets its `parent` (the start of the file if nowhere).
fn parent_offset(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let key = line.trim_start();
        if key.strip_prefix("parent").is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return at + (line.len() - key.len());
        }
        at += line.len();
    }
    0
}

fn invalid(path: &str, text: &str, offset: usize, message: String) -> ThemeError {
    let (line, column) = line_col(text, offset);
    ThemeError::Invalid { path: path.to_string(), line, column, message }
}

fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("reset") || s.eq_ignore_ascii_case("default") {
        return Some(Color::Reset);
    }
    if let Ok(n) = s.parse::<u8>() {
        return Some(Color::Indexed(n));
    }
    if s.starts_with('#') && s.len() != 7 {
        return None;
    }
    s.parse::<Color>().ok()
}

/// Where a theme came from, for error messages.
struct Source {
    label: String,
    text: String,
}

fn find(spec: &str, user_dir: Option<&Path>) -> Result<Source, ThemeError> {
    let is_path = spec.contains('/') || spec.contains('\\') || spec.ends_with(".toml");
    let read = |path: &Path| {
        // A theme is a page of colours: a FIFO, a device or a huge file is refused at once.
        crate::paths::read_regular(path, 1 << 20, false)
            .map(|text| Source { label: path.display().to_string(), text })
            .map_err(|e| ThemeError::Io { path: path.to_path_buf(), reason: e.to_string() })
    };
    if is_path {
        return read(Path::new(spec));
    }
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{spec}.toml"));
        if path.is_file() {
            return read(&path);
        }
    }
    BUILT_IN
        .iter()
        .find(|(name, _)| *name == spec)
        .map(|(name, text)| Source { label: format!("built-in theme '{name}'"), text: text.to_string() })
        .ok_or_else(|| ThemeError::NotFound { name: spec.to_string(), builtins: built_in_names().join(", ") })
}

fn apply(base: Style, file: &StyleFile, source: &Source) -> Result<Style, ThemeError> {
    let mut style = base;
    for (value, is_fg) in [(&file.fg, true), (&file.bg, false)] {
        if let Some(v) = value {
            let text = v.get_ref().text();
            let color = parse_color(&text).ok_or_else(|| {
                invalid(
                    &source.label,
                    &source.text,
                    v.span().start,
                    format!("'{text}' is not a colour (a name such as red, \"#rrggbb\", 0-255, or reset)"),
                )
            })?;
            style = if is_fg { style.fg(color) } else { style.bg(color) };
        }
    }
    for (flag, modifier) in [
        (file.bold, Modifier::BOLD),
        (file.italic, Modifier::ITALIC),
        (file.underlined, Modifier::UNDERLINED),
        (file.reversed, Modifier::REVERSED),
    ] {
        style = match flag {
            Some(true) => style.add_modifier(modifier),
            Some(false) => style.remove_modifier(modifier),
            None => style,
        };
    }
    Ok(style)
}

/// Loads a theme by built-in name, user theme name, or path. `monochrome` is the default
/// theme without colour.
pub fn load(spec: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    if spec == MONOCHROME && !user_dir.is_some_and(|d| d.join("monochrome.toml").is_file()) {
        let theme = load_depth("dark", None, 0)?.without_colour();
        return Ok(Theme { name: MONOCHROME.into(), ..theme });
    }
    load_depth(spec, user_dir, 0)
}

const MONOCHROME: &str = "monochrome";

/// The names `--theme` and `:theme` know without a file.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).chain([MONOCHROME]).collect()
}

fn load_depth(spec: &str, user_dir: Option<&Path>, depth: usize) -> Result<Theme, ThemeError> {
    if depth > 8 {
        return Err(ThemeError::Cycle(spec.to_string()));
    }
    let source = find(spec, user_dir)?;
    let file: ThemeFile = toml::from_str(&source.text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        invalid(&source.label, &source.text, offset, e.message().to_string())
    })?;
    let name = file.theme.name.clone().unwrap_or_else(|| spec.to_string());
    // A theme without a parent inherits the default for the roles it leaves out.
    let parent = match file.theme.parent.as_deref() {
        Some(p) if p == spec || Some(p) == file.theme.name.as_deref() => {
            return Err(ThemeError::Cycle(p.to_string()));
        }
        // A parent that is not there is this file's mistake: said at its `parent` line.
        Some(p) => Some(load_depth(p, user_dir, depth + 1).map_err(|e| match e {
            ThemeError::NotFound { name, builtins } => {
                let offset = parent_offset(&source.text);
                invalid(
                    &source.label,
                    &source.text,
                    offset,
                    format!("its parent theme '{name}' does not exist; built-in themes: {builtins}; or a path to a .toml file"),
                )
            }
            other => other,
        })?),
        None if spec == "dark" && source.label.starts_with("built-in") => None,
        None => Some(load_depth("dark", None, depth + 1)?),
    };
    let mut styles = Vec::with_capacity(Role::ALL.len());
    for role in Role::ALL {
        let base = parent.as_ref().map_or_else(Style::default, |p| p.style(*role));
        styles.push(match file.roles.get(*role) {
            Some(f) => apply(base, f, &source)?,
            None => base,
        });
    }
    Ok(Theme { name, styles })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    fn tmpdir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bkops-theme-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    #[test]
    fn built_in_themes_load_and_define_every_role() {
        for (name, text) in BUILT_IN {
            let theme = load(name, None).expect(name);
            assert_eq!(theme.name, name);
            let file: ThemeFile = toml::from_str(text).expect("parses");
            for role in Role::ALL {
                assert!(file.roles.get(*role).is_some(), "{name} lacks {}", role.name());
            }
        }
        assert_ne!(load("dark", None).expect("dark"), load("light", None).expect("light"));
    }

    #[test]
    fn a_partial_theme_inherits_from_its_parent() {
        let dir = tmpdir("partial");
        let path = write(
            &dir,
            "prod.toml",
            "[theme]\nname = \"prod\"\nparent = \"light\"\n[roles]\nborder = { fg = \"red\" }\n",
        );
        let theme = load(path.to_str().expect("utf8"), None).expect("loads");
        let light = load("light", None).expect("light");
        assert_eq!(theme.style(Role::border).fg, Some(Color::Red));
        assert_eq!(theme.style(Role::selection), light.style(Role::selection));
        // By name from the user's theme directory, too.
        assert_eq!(load("prod", Some(&dir)).expect("by name").name, "prod");
    }

    #[test]
    fn a_bad_colour_is_refused_with_its_line_and_column() {
        let dir = tmpdir("colour");
        let path =
            write(&dir, "bad.toml", "[roles]\nbase = { fg = \"#12\" }\nwarn = { fg = \"yellowish\" }\n");
        let err = load(path.to_str().expect("utf8"), None).expect_err("refused");
        assert_eq!(
            err.to_string(),
            format!(
                "{}:2:15: '#12' is not a colour (a name such as red, \"#rrggbb\", 0-255, or reset)",
                path.display()
            )
        );
    }

    #[test]
    fn a_colour_may_be_a_bare_index() {
        let dir = tmpdir("index");
        let path = write(&dir, "ix.toml", "[roles]\nbase = { fg = 42, bg = \"17\" }\nwarn = { fg = 300 }\n");
        let err = load(path.to_str().expect("utf8"), None).expect_err("300 is refused");
        assert!(err.to_string().contains(":3:15: '300' is not a colour"), "{err}");
        let path = write(&dir, "ok.toml", "[roles]\nbase = { fg = 42, bg = \"17\" }\n");
        let theme = load(path.to_str().expect("utf8"), None).expect("loads");
        assert_eq!(
            (theme.style(Role::base).fg, theme.style(Role::base).bg),
            (Some(Color::Indexed(42)), Some(Color::Indexed(17)))
        );
    }

    #[test]
    fn broken_toml_and_unknown_roles_are_refused_with_positions() {
        let dir = tmpdir("syntax");
        let path = write(&dir, "broken.toml", "[roles]\nbase = { fg = \"red\"\n");
        match load(path.to_str().expect("utf8"), None) {
            Err(ThemeError::Invalid { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        let path =
            write(&dir, "unknown.toml", "[roles]\nbase = { fg = \"red\" }\nsparkle = { fg = \"red\" }\n");
        match load(path.to_str().expect("utf8"), None) {
            Err(ThemeError::Invalid { line, column, message, .. }) => {
                assert_eq!((line, column), (3, 1));
                assert!(message.contains("unknown field `sparkle`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_names_missing_files_and_cycles_are_errors() {
        assert_eq!(
            load("solarised", None).expect_err("unknown").to_string(),
            "no theme named 'solarised'; built-in themes: dark, light, high-contrast, monochrome; or give a path to a .toml file"
        );
        assert!(matches!(load("/nonexistent/x.toml", None), Err(ThemeError::Io { .. })));
        let dir = tmpdir("cycle");
        write(&dir, "a.toml", "[theme]\nparent = \"b\"\n");
        write(&dir, "b.toml", "[theme]\nparent = \"a\"\n");
        assert!(matches!(load("a", Some(&dir)), Err(ThemeError::Cycle(_))));
        // A parent that does not exist is said at the line that names it.
        write(&dir, "orphan.toml", "# mine\n[theme]\nname = \"orphan\"\n  parent = \"nope\"\n[roles]\n");
        match load("orphan", Some(&dir)) {
            Err(ThemeError::Invalid { path, line, column, message }) => {
                assert!(path.ends_with("orphan.toml"), "{path}");
                assert_eq!((line, column), (4, 3));
                assert!(message.contains("its parent theme 'nope' does not exist"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
