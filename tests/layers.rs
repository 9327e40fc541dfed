//! The shape of the crate, checked on its source (run alone: `cargo test --test layers`):
//!
//! - the domain and the use cases (`src/domain`, `src/app`) name neither teloxide nor sled,
//!   and the use cases no HTML or Fluent texts; the Telegram adapter does not name sled;
//! - layers depend one way: domain ← storage ← app ← telegram (the domain on nothing of
//!   Poruch's but itself);
//! - no module imports, directly or through others, a module that imports it.
//!
//! Imports are read from the text: `use` declarations and paths that start with `crate::`,
//! `super::` or `self::` (or with a child module's name, in the file that declares it).
//! A `pub use` in a module is a facade: a path through it counts as a path to the module
//! that defines the item.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every library source file by its module path (`src/app/help.rs` → `app::help`).
fn modules() -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("main.rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under src");
            let mut module: Module = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            out.insert(module, path);
        }
    }
    out
}

/// The source without comments and the contents of string literals.
fn code_of(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&chars, i) {
            // A raw string: r"…" or r#"…"#.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            // A char literal ('"' would otherwise open a string).
            out.push_str("' '");
            i += 3;
        } else if c == '\'' && next == Some('\\') {
            while i < chars.len() && !(chars[i] == '\'' && i > 0 && chars[i - 1] != '\\') {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The `use` declaration a statement holds (after any attributes or a closing brace before
/// it), and whether it is `pub` (a facade).
fn use_declaration(statement: &str) -> Option<(bool, &str)> {
    let chars: Vec<char> = statement.chars().collect();
    let mut from = 0;
    while let Some(found) = statement[from..].find("use ") {
        let at = from + found;
        from = at + 4;
        let char_at = statement[..at].chars().count();
        if ident_before(&chars, char_at) {
            continue;
        }
        let before = statement[..at].trim_end();
        let (public, before) = match before.strip_suffix("pub") {
            Some(rest) if !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_') => {
                (true, rest.trim_end())
            }
            _ => match before.rfind("pub(") {
                Some(p) if before.ends_with(')') => (false, before[..p].trim_end()),
                _ => (false, before),
            },
        };
        if before.is_empty() || before.ends_with(['}', ']', ';']) {
            return Some((public, statement[at + 4..].trim()));
        }
    }
    None
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The paths a `use` tree names, each with the name it binds (for `pub use` facades).
fn expand_use(tree: &str) -> Vec<(Vec<String>, String)> {
    fn go(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String)>) {
        let tree = tree.trim();
        if tree.is_empty() {
            return;
        }
        if let Some(open) = tree.find('{') {
            let head = tree[..open].trim_end_matches(':').trim();
            let mut path = prefix.to_vec();
            path.extend(
                head.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        go(&path, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            go(&path, &inner[start..], out);
            return;
        }
        let (path_text, alias) = match tree.split_once(" as ") {
            Some((p, a)) => (p.trim(), Some(a.trim().to_string())),
            None => (tree, None),
        };
        let mut path = prefix.to_vec();
        path.extend(path_text.split("::").map(|s| s.trim().to_string()));
        if path.last().is_some_and(|l| l == "self") {
            path.pop();
        }
        let name = alias.unwrap_or_else(|| path.last().cloned().unwrap_or_default());
        out.push((path, name));
    }
    let mut out = Vec::new();
    go(&[], tree, &mut out);
    out
}

/// One file, read.
struct File {
    module: Module,
    code: String,
    /// The code without its `use` declarations, for the paths written inline.
    body: String,
    /// Child modules it declares (`mod x;`).
    children: BTreeSet<String>,
    /// `use` paths, and which of them are `pub use` (name → path).
    uses: Vec<Vec<String>>,
    facade: BTreeMap<String, Vec<String>>,
}

/// The code without its `#[cfg(test)] mod … { … }` blocks: what tests import is not the
/// crate's structure (and `super` inside them is the file itself).
fn without_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let after = rest[at + "#[cfg(test)]".len()..].trim_start();
        let is_module = after.starts_with("mod ") || after.starts_with("pub mod ");
        let open = after.find('{');
        let semicolon = after.find(';');
        match (is_module, open) {
            (true, Some(open)) if semicolon.is_none_or(|s| s > open) => {
                out.push_str(&rest[..at]);
                let block = &after[open..];
                let mut depth = 0usize;
                let mut end = block.len();
                for (i, c) in block.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &block[end..];
            }
            _ => {
                out.push_str(&rest[..at + "#[cfg(test)]".len()]);
                rest = &rest[at + "#[cfg(test)]".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn read(module: &Module, path: &Path) -> File {
    let code = without_tests(&code_of(
        &std::fs::read_to_string(path).expect("a readable source file"),
    ));
    let mut children = BTreeSet::new();
    let mut uses = Vec::new();
    let mut facade = BTreeMap::new();
    let mut body = String::with_capacity(code.len());
    for statement in code.split_inclusive(';') {
        let is_use = {
            let t = statement.trim_start();
            let t = t.strip_prefix("pub ").unwrap_or(t);
            let t = if t.starts_with("pub(") {
                t.split_once(')').map_or("", |(_, r)| r.trim_start())
            } else {
                t
            };
            t.starts_with("use ")
        };
        if !is_use {
            body.push_str(statement);
        }
    }
    for statement in code.split(';') {
        if let Some(name) = statement.trim().strip_prefix("mod ").or_else(|| {
            statement
                .trim()
                .strip_prefix("pub mod ")
                .or_else(|| statement.trim().rsplit_once("pub mod ").map(|(_, n)| n))
                .or_else(|| statement.trim().rsplit_once("\nmod ").map(|(_, n)| n))
        }) && !name.contains('{')
        {
            children.insert(name.trim().to_string());
        }
        let Some((public, declaration)) = use_declaration(statement) else {
            continue;
        };
        for (path, name) in expand_use(declaration) {
            if public {
                facade.insert(name, path.clone());
            }
            uses.push(path);
        }
    }
    File {
        module: module.clone(),
        code,
        body,
        children,
        uses,
        facade,
    }
}

/// An absolute module path for a path as written in `file`, if it is Poruch's.
fn absolute(file: &File, path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut at = match first.as_str() {
        "crate" => Vec::new(),
        "self" => file.module.clone(),
        "super" => {
            let mut m = file.module.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                m.pop()?;
                rest = &rest[1..];
            }
            m.extend(rest.iter().cloned());
            return Some(m);
        }
        child if file.children.contains(child) => {
            let mut m = file.module.clone();
            m.extend(path.iter().cloned());
            return Some(m);
        }
        _ => return None,
    };
    at.extend(path[1..].iter().cloned());
    Some(at)
}

/// The module that defines what a path names: the longest module prefix, followed through
/// `pub use` facades.
fn resolve(files: &BTreeMap<Module, File>, path: &[String], depth: usize) -> Option<Module> {
    let mut n = path.len();
    while n > 0 && !files.contains_key(&path[..n].to_vec()) {
        n -= 1;
    }
    let module = path[..n].to_vec();
    let file = files.get(&module)?;
    if depth < 8
        && let Some(item) = path.get(n)
        && let Some(target) = file.facade.get(item)
        && let Some(target) = absolute(file, target)
    {
        let mut target = target;
        target.extend(path[n + 1..].iter().cloned());
        return resolve(files, &target, depth + 1).or(Some(module));
    }
    Some(module)
}

/// Paths written inline: `crate::a::b`, `super::x`, `self::x`, `child::x`.
fn inline_paths(file: &File) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = file.body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if (chars[i].is_alphabetic() || chars[i] == '_') && !ident_before(&chars, i) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == ':')
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            if text.contains("::") {
                let path: Vec<String> = text
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                out.push(path);
            }
        } else {
            i += 1;
        }
    }
    out
}

fn graph() -> (BTreeMap<Module, File>, BTreeMap<Module, BTreeSet<Module>>) {
    let files: BTreeMap<Module, File> = modules()
        .iter()
        .map(|(m, p)| (m.clone(), read(m, p)))
        .collect();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for file in files.values() {
        let facade_paths: BTreeSet<&Vec<String>> = file.facade.values().collect();
        let written = file
            .uses
            .iter()
            .filter(|p| !facade_paths.contains(p))
            .cloned()
            .chain(inline_paths(file));
        for path in written {
            let Some(abs) = absolute(file, &path) else {
                continue;
            };
            if let Some(target) = resolve(&files, &abs, 0)
                && target != file.module
                && !target.is_empty()
            {
                edges.entry(file.module.clone()).or_default().insert(target);
            }
        }
    }
    (files, edges)
}

fn name(m: &Module) -> String {
    m.join("::")
}

#[test]
fn the_use_cases_and_the_domain_are_free_of_telegram_and_sled() {
    let (files, _) = graph();
    let words = |file: &File| -> BTreeSet<String> {
        file.code
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map(str::to_string)
            .collect()
    };
    let mut found = Vec::new();
    for file in files.values() {
        let layer = file.module.first().map(String::as_str).unwrap_or_default();
        let forbidden: &[&str] = match layer {
            "domain" => &["teloxide", "sled", "html", "i18n", "fluent_bundle"],
            "app" => &[
                "teloxide",
                "sled",
                "html",
                "i18n",
                "fluent_bundle",
                "telegram",
            ],
            "telegram" => &["sled"],
            // The dashboard goes through the use cases like the bot does; it sends nothing to
            // Telegram itself.
            "web" => &["sled", "teloxide"],
            _ => &[],
        };
        let words = words(file);
        for word in forbidden {
            if words.contains(*word) {
                found.push(format!("{} names {word}", name(&file.module)));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn layers_depend_one_way() {
    let (_, edges) = graph();
    // Which layers each may import (besides itself and the shared leaves).
    let allowed = |from: &str, to: &str| match from {
        "domain" => false,
        "storage" => to == "domain",
        "app" => matches!(to, "domain" | "storage" | "config"),
        "telegram" => matches!(to, "domain" | "storage" | "app" | "i18n"),
        // The card preview is the bot's own rendering (telegram::render), nothing else of it.
        "web" => matches!(
            to,
            "domain" | "storage" | "app" | "i18n" | "datafile" | "telegram"
        ),
        _ => true,
    };
    let mut wrong = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            let (a, b) = (from[0].as_str(), to[0].as_str());
            if a != b && !allowed(a, b) {
                wrong.push(format!("{} → {}", name(from), name(to)));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_module_imports_one_that_imports_it() {
    let (files, edges) = graph();
    assert!(
        edges.contains_key(&vec!["telegram".to_string(), "actions".to_string()]),
        "the reader sees imports at all"
    );
    // Tarjan's strongly connected components.
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on_stack: BTreeSet<Module>,
        next: usize,
        cycles: Vec<Vec<Module>>,
    }
    fn visit(s: &mut State<'_>, v: &Module) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        let targets: Vec<Module> = s
            .edges
            .get(v)
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        for w in targets {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = w == *v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                s.cycles.push(component);
            }
        }
    }
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        cycles: Vec::new(),
    };
    for module in files.keys() {
        if !state.index.contains_key(module) {
            visit(&mut state, module);
        }
    }
    // Each circle with the imports that close it, to find where to cut.
    let cycles: Vec<Vec<String>> = state
        .cycles
        .iter()
        .map(|members| {
            let inside: BTreeSet<&Module> = members.iter().collect();
            let mut lines = Vec::new();
            for from in members {
                for to in edges.get(from).into_iter().flatten() {
                    if inside.contains(to) {
                        lines.push(format!("{} → {}", name(from), name(to)));
                    }
                }
            }
            lines.sort();
            lines
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that import each other: {cycles:#?}"
    );
}

#[test]
fn the_reader_sees_through_braces_aliases_and_facades() {
    let paths = expand_use("crate::telegram::render::{self, Screen, expert as render_expert}");
    assert_eq!(
        paths,
        vec![
            (
                vec!["crate".into(), "telegram".into(), "render".into()],
                "render".into()
            ),
            (
                vec![
                    "crate".into(),
                    "telegram".into(),
                    "render".into(),
                    "Screen".into()
                ],
                "Screen".into()
            ),
            (
                vec![
                    "crate".into(),
                    "telegram".into(),
                    "render".into(),
                    "expert".into()
                ],
                "render_expert".into()
            ),
        ]
    );
    assert_eq!(
        code_of("let a = \"crate::x\"; // crate::y\nlet b = r#\"crate::z\"#; crate::w"),
        "let a = \"\"; \nlet b = \"\"; crate::w"
    );
}
