//! Telegram HTML: escaping text that is not ours, and splitting long messages.

/// Telegram's limit on a message's text.
pub const MAX_MESSAGE: usize = 4096;

/// Escapes text for Telegram's HTML parse mode, and drops the bidirectional embedding,
/// override and isolate controls (U+202A–U+202E, U+2066–U+2069): text that is not ours must
/// not reverse the text around it ("RLO spoofing" of a code, a name or a link).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Shortens text to at most `max` characters, ending with "…" if cut. Cut before escaping.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Telegram measures length in UTF-16 code units.
fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Whether text fits one message.
pub fn fits(text: &str) -> bool {
    units(text) <= MAX_MESSAGE
}

/// Splits HTML into messages of at most `MAX_MESSAGE` units, at line breaks where possible.
/// A single longer line is cut outside tags and entities; lines we build keep tags short and
/// on one line, so no tag is ever split across messages.
pub fn split(text: &str) -> Vec<String> {
    split_at(text, MAX_MESSAGE)
}

fn split_at(text: &str, limit: usize) -> Vec<String> {
    // Nearly every message fits: one pass to count, no copying line by line.
    if units(text) <= limit {
        let text = text.trim_end_matches('\n');
        return if text.trim().is_empty() {
            Vec::new()
        } else {
            vec![text.to_string()]
        };
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_units = 0;
    for line in text.split_inclusive('\n') {
        let line_units = units(line);
        if current_units + line_units <= limit {
            current.push_str(line);
            current_units += line_units;
            continue;
        }
        if !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        if line_units <= limit {
            current.push_str(line);
            current_units = line_units;
            continue;
        }
        // A line longer than a message: cut it where no tag or entity is open.
        let mut in_markup = false;
        let mut piece = String::new();
        let mut piece_units = 0;
        let mut last_safe = 0;
        for ch in line.chars() {
            while piece_units + ch.len_utf16() > limit {
                let cut = if last_safe > 0 {
                    last_safe
                } else {
                    piece.len()
                };
                let rest = piece.split_off(cut);
                parts.push(std::mem::replace(&mut piece, rest));
                piece_units = units(&piece);
                last_safe = 0;
            }
            piece.push(ch);
            piece_units += ch.len_utf16();
            match ch {
                '<' | '&' => in_markup = true,
                '>' | ';' if in_markup => in_markup = false,
                _ => {}
            }
            if !in_markup {
                last_safe = piece.len();
            }
        }
        current_units = units(&piece);
        current = piece;
    }
    if !current.trim().is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
        .into_iter()
        .map(|p| p.trim_end_matches('\n').to_string())
        .filter(|p| !p.trim().is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bidirectional_overrides_in_text_that_is_not_ours_are_dropped() {
        assert_eq!(escape("R-7K3Q\u{202E}fdp.exe"), "R-7K3Qfdp.exe");
        assert_eq!(escape("a\u{2066}b\u{2069}c"), "abc");
        assert_eq!(escape("Київ — «Поруч»"), "Київ — «Поруч»");
    }

    #[test]
    fn escapes_what_telegram_parses() {
        assert_eq!(
            escape("<b>Tom & \"Jerry\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn short_text_is_one_message() {
        assert_eq!(split("hello\nworld"), vec!["hello\nworld"]);
    }

    #[test]
    fn long_text_splits_at_line_breaks() {
        let line = format!("{}\n", "а".repeat(1000));
        let text = line.repeat(9);
        let parts = split(&text);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| units(p) <= MAX_MESSAGE));
        assert_eq!(parts.concat().replace('\n', ""), text.replace('\n', ""));
    }

    #[test]
    fn a_huge_line_is_cut_outside_entities() {
        let text = "&amp;".repeat(2000);
        for part in split(&text) {
            assert!(units(&part) <= MAX_MESSAGE);
            assert!(part.starts_with("&amp;") && part.ends_with("&amp;"));
        }
    }

    proptest! {
        #[test]
        fn every_part_fits_and_nothing_is_lost(text in "(\\PC{0,300}\n?){0,40}", limit in 50usize..400) {
            let parts = split_at(&text, limit);
            for p in &parts {
                prop_assert!(units(p) <= limit);
            }
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(strip(&parts.concat()), strip(&text));
        }
    }
}
