//! Where a TOML file's top-level `[[name]]` headers are, so a large array of tables can be
//! parsed one table at a time. Parsing a whole 8 MB directory file at once holds every token
//! and every value of it in memory together (~190 MB for 10,000 organizations); parsing one
//! organization at a time holds one.
//!
//! A split is made only at a header that really is one: the tokens come from the TOML lexer,
//! so a `[[organizations]]` inside a string (even a multi-line one) or inside an array value
//! is never taken for a header. A header written differently (quoted, dotted) is simply not a
//! split point and stays inside the part before it, which TOML reads the same way.

use std::ops::Range;

use toml_parser::Source;
use toml_parser::lexer::TokenKind;

/// A header being read: where it starts, and its tokens other than whitespace.
type Header = (usize, Vec<(TokenKind, Range<usize>)>);

/// The parts of `text`: what comes before the first `[[name]]` header, if anything, then one
/// part per header, each running to the next header. Together they cover `text` exactly.
pub(super) fn split_at_headers(text: &str, name: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let source = Source::new(text);
    let mut depth = 0usize;
    let mut line_start = true;
    let mut header: Option<Header> = None;
    for token in source.lex() {
        let kind = token.kind();
        let span = token.span().start()..token.span().end();
        if let Some((at, parts)) = header.as_mut() {
            match kind {
                TokenKind::Newline | TokenKind::Comment | TokenKind::Eof => {
                    if is_header(text, parts, name) && *at > 0 {
                        // A header at 0 begins the first part already.
                        starts.push(*at);
                    }
                    header = None;
                    line_start = kind != TokenKind::Comment;
                }
                TokenKind::Whitespace => {}
                _ => parts.push((kind, span)),
            }
            continue;
        }
        match kind {
            TokenKind::Newline => line_start = true,
            TokenKind::Whitespace => {}
            TokenKind::LeftSquareBracket if line_start && depth == 0 => {
                header = Some((span.start, vec![(kind, span)]));
                line_start = false;
            }
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => {
                depth += 1;
                line_start = false;
            }
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => {
                depth = depth.saturating_sub(1);
                line_start = false;
            }
            _ => line_start = false,
        }
    }
    let mut parts = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        parts.push(start..end);
    }
    parts
}

fn is_header(text: &str, parts: &[(TokenKind, Range<usize>)], name: &str) -> bool {
    use TokenKind::{Atom, LeftSquareBracket as L, RightSquareBracket as R};
    match parts {
        [(L, _), (L, _), (Atom, key), (R, _), (R, _)] => text.get(key.clone()) == Some(name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<&str> {
        split_at_headers(text, "organizations")
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn each_organization_is_its_own_part_and_the_parts_cover_the_file() {
        let text = "# directory\n[[organizations]]\nid = \"a\"\n[organizations.contacts]\nphone = \"1\"\n\n  [[ organizations ]] # b\nid = \"b\"\n";
        let got = parts(text);
        assert_eq!(
            got,
            vec![
                "# directory\n",
                "[[organizations]]\nid = \"a\"\n[organizations.contacts]\nphone = \"1\"\n\n  ",
                "[[ organizations ]] # b\nid = \"b\"\n",
            ]
        );
        assert_eq!(got.concat(), text);
    }

    #[test]
    fn a_header_inside_a_string_or_an_array_is_not_a_split() {
        let text = concat!(
            "[[organizations]]\n",
            "description.uk = \"\"\"\n[[organizations]]\n\"\"\"\n",
            "topics = [\n[\"x\"],\n]\n",
            "hours.uk = '''\n[[organizations]]'''\n",
            "[[organizations.nested]]\n",
            "[[\"organizations\"]]\n",
        );
        assert_eq!(parts(text), vec![text]);
    }

    #[test]
    fn a_file_without_headers_is_one_part() {
        assert_eq!(parts(""), vec![""]);
        assert_eq!(
            parts("organizations = [{ id = \"a\" }]\n"),
            vec!["organizations = [{ id = \"a\" }]\n"]
        );
    }
}
