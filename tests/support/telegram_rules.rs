//! What the real Bot API refuses, checked the same way here: unknown methods, missing or
//! mistyped parameters (from the Bot API spec in tests/fixtures), bad HTML, text over 4096
//! characters, callback data over 64 bytes, over-long answers and command descriptions.

use std::collections::HashMap;

use serde_json::Value;

/// A refusal, as Telegram would send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub description: String,
}

fn bad(description: impl Into<String>) -> Refusal {
    Refusal {
        code: 400,
        description: format!("Bad Request: {}", description.into()),
    }
}

struct Field {
    name: String,
    types: Vec<String>,
    required: bool,
}

/// The Bot API spec: every method and its parameters.
pub struct Spec {
    methods: HashMap<String, Vec<Field>>,
    /// Lower-case name → the spec's spelling (Telegram matches method names case-insensitively).
    names: HashMap<String, String>,
}

impl Spec {
    pub fn load() -> Spec {
        let text = include_str!("../fixtures/telegram-bot-api.min.json");
        let json: Value = serde_json::from_str(text).expect("the Bot API spec fixture parses");
        let mut methods = HashMap::new();
        let mut names = HashMap::new();
        for (name, method) in json["methods"].as_object().expect("methods").iter() {
            let fields = method["fields"]
                .as_array()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|f| Field {
                            name: f["name"].as_str().unwrap_or_default().to_string(),
                            types: f["types"]
                                .as_array()
                                .map(|t| {
                                    t.iter()
                                        .filter_map(|x| x.as_str().map(String::from))
                                        .collect()
                                })
                                .unwrap_or_default(),
                            required: f["required"].as_bool().unwrap_or(false),
                        })
                        .collect()
                })
                .unwrap_or_default();
            methods.insert(name.to_ascii_lowercase(), fields);
            names.insert(name.to_ascii_lowercase(), name.clone());
        }
        Spec { methods, names }
    }

    /// The spec's spelling of a method name, e.g. `setMyCommands` for `SetMyCommands`.
    pub fn canonical(&self, method: &str) -> Option<String> {
        self.names.get(&method.to_ascii_lowercase()).cloned()
    }

    /// Checks one call as Telegram would.
    pub fn check(&self, method: &str, params: &Value) -> Result<(), Refusal> {
        let Some(fields) = self.methods.get(&method.to_ascii_lowercase()) else {
            return Err(Refusal {
                code: 404,
                description: "Not Found: method not found".into(),
            });
        };
        let empty = serde_json::Map::new();
        let params_map = params.as_object().unwrap_or(&empty);
        for field in fields {
            match params_map.get(&field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err(bad(format!("parameter \"{}\" is required", field.name)));
                }
                Some(value)
                    if !value.is_null() && !field.types.iter().any(|t| type_matches(t, value)) =>
                {
                    return Err(bad(format!(
                        "parameter \"{}\" has a wrong type",
                        field.name
                    )));
                }
                _ => {}
            }
        }
        match method.to_ascii_lowercase().as_str() {
            "sendmessage" | "editmessagetext" => check_text(params)?,
            "answercallbackquery" => {
                if let Some(text) = params.get("text").and_then(Value::as_str)
                    && text.chars().count() > 200
                {
                    return Err(bad("answer text is too long"));
                }
            }
            "setmycommands" => check_commands(params)?,
            _ => {}
        }
        if let Some(markup) = params.get("reply_markup") {
            check_markup(markup)?;
        }
        Ok(())
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "Integer" => v.is_i64() || v.is_u64(),
        "Float" => v.is_number(),
        "String" => v.is_string(),
        "Boolean" => v.is_boolean(),
        t if t.starts_with("Array of") => v.is_array(),
        // InputFile can be a string (file_id/URL); other types are JSON objects.
        "InputFile" => v.is_string() || v.is_object(),
        _ => v.is_object(),
    }
}

fn check_text(params: &Value) -> Result<(), Refusal> {
    let text = params
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let visible = match params.get("parse_mode").and_then(Value::as_str) {
        Some("HTML") => {
            visible_html(text).map_err(|e| bad(format!("can't parse entities: {e}")))?
        }
        Some(other) if other != "MarkdownV2" && other != "Markdown" => {
            return Err(bad(format!("unsupported parse_mode {other}")));
        }
        _ => text.to_string(),
    };
    if visible.trim().is_empty() {
        return Err(bad("message text is empty"));
    }
    if visible.encode_utf16().count() > 4096 {
        return Err(bad("message is too long"));
    }
    Ok(())
}

const TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

/// The text Telegram would show for HTML, or why it refuses it.
pub fn visible_html(html: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut stack: Vec<String> = Vec::new();
    let mut chars = html.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '<' => {
                let end = html[i..]
                    .find('>')
                    .ok_or_else(|| format!("unclosed tag at byte {i}"))?;
                let inner = &html[i + 1..i + end];
                for _ in 0..inner.chars().count() + 1 {
                    chars.next();
                }
                if let Some(name) = inner.strip_prefix('/') {
                    match stack.pop() {
                        Some(open) if open == name.trim() => {}
                        _ => return Err(format!("unexpected end tag </{name}> at byte {i}")),
                    }
                } else {
                    let name = inner.split_whitespace().next().unwrap_or("").to_string();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!("unsupported start tag \"{name}\" at byte {i}"));
                    }
                    if name == "a" && !inner.contains("href=") {
                        return Err("a tag without href".into());
                    }
                    stack.push(name);
                }
            }
            '>' => return Err(format!("unescaped > at byte {i}")),
            '&' => {
                let end = html[i..]
                    .find(';')
                    .filter(|&e| e <= 10)
                    .ok_or_else(|| format!("unescaped & at byte {i}"))?;
                let entity = &html[i + 1..i + end];
                let decoded = match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    e if e.starts_with('#') => e[1..]
                        .parse::<u32>()
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("bad numeric entity &{e};"))?,
                    e => return Err(format!("unknown entity &{e};")),
                };
                for _ in 0..entity.chars().count() + 1 {
                    chars.next();
                }
                out.push(decoded);
            }
            c => out.push(c),
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("unclosed <{open}>"));
    }
    Ok(out)
}

fn check_markup(markup: &Value) -> Result<(), Refusal> {
    let Some(rows) = markup.get("inline_keyboard") else {
        return Ok(());
    };
    for row in rows
        .as_array()
        .ok_or_else(|| bad("inline_keyboard must be an array of arrays"))?
    {
        for button in row
            .as_array()
            .ok_or_else(|| bad("inline keyboard row must be an array"))?
        {
            let text = button
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if text.trim().is_empty() {
                return Err(bad("text buttons are unallowed in the inline keyboard"));
            }
            if let Some(data) = button.get("callback_data") {
                let data = data.as_str().unwrap_or_default();
                if data.is_empty() || data.len() > 64 {
                    return Err(bad("BUTTON_DATA_INVALID"));
                }
            }
        }
    }
    Ok(())
}

fn check_commands(params: &Value) -> Result<(), Refusal> {
    let commands = params
        .get("commands")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("commands must be an array"))?;
    if commands.len() > 100 {
        return Err(bad("too many commands"));
    }
    for c in commands {
        let name = c.get("command").and_then(Value::as_str).unwrap_or_default();
        let description = c
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let name_ok = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !name_ok {
            return Err(bad("BOT_COMMAND_INVALID"));
        }
        if description.is_empty() || description.chars().count() > 256 {
            return Err(bad("BOT_COMMAND_DESCRIPTION_INVALID"));
        }
    }
    Ok(())
}

#[cfg(test)]
// The bench binary that includes this file runs no #[test]: its imports go unused there.
#[allow(unused_imports)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn html_rules_match_telegram() {
        assert_eq!(visible_html("<b>a &amp; b</b>").as_deref(), Ok("a & b"));
        assert!(visible_html("<b>a</i>").is_err());
        assert!(visible_html("<div>a</div>").is_err());
        assert!(visible_html("a & b").is_err());
        assert!(visible_html("a < b").is_err());
        assert!(visible_html("<b>open").is_err());
    }

    #[test]
    fn spec_rules_match_telegram() {
        let spec = Spec::load();
        assert_eq!(
            spec.check("noSuchMethod", &json!({})).map_err(|r| r.code),
            Err(404)
        );
        assert!(spec.check("sendMessage", &json!({"text": "hi"})).is_err());
        assert!(
            spec.check("sendMessage", &json!({"chat_id": 1, "text": "hi"}))
                .is_ok()
        );
        assert!(
            spec.check(
                "sendMessage",
                &json!({"chat_id": 1, "text": "x".repeat(4097)})
            )
            .is_err()
        );
        let long_data =
            json!({"inline_keyboard": [[{"text": "a", "callback_data": "x".repeat(65)}]]});
        assert!(
            spec.check(
                "sendMessage",
                &json!({"chat_id": 1, "text": "hi", "reply_markup": long_data})
            )
            .is_err()
        );
    }
}
