//! Pure checks of the values an operator writes into the directory file.

/// An organization id: 2–40 characters of lower-case Latin letters, digits and hyphens,
/// starting with a letter. Ids go into buttons, so they must stay short and plain.
pub fn is_valid_slug(id: &str) -> bool {
    let len_ok = (2..=40).contains(&id.len());
    let first_ok = id.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    len_ok
        && first_ok
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A phone number: an optional leading +, then 3–15 digits, with spaces, hyphens or
/// parentheses between them.
pub fn is_valid_phone(phone: &str) -> bool {
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    allowed && (3..=15).contains(&digits)
}

/// A web address: http(s), a host with a dot, no spaces.
pub fn is_valid_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !url.contains(char::is_whitespace)
        }
        None => false,
    }
}

pub fn is_valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A Telegram username with its @: 5–32 letters, digits or underscores.
pub fn is_valid_telegram(handle: &str) -> bool {
    match handle.strip_prefix('@') {
        Some(name) => {
            (5..=32).contains(&name.len())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("demo-rivnist-dnipro"));
        assert!(!is_valid_slug("Demo"));
        assert!(!is_valid_slug("a"));
        assert!(!is_valid_slug("1abc"));
        assert!(!is_valid_slug("має-кирилицю"));
        assert!(!is_valid_slug(&"a".repeat(41)));
    }

    #[test]
    fn phones() {
        assert!(is_valid_phone("+380 44 123 45 67"));
        assert!(is_valid_phone("116 123"));
        assert!(is_valid_phone("0 800 213 103"));
        assert!(!is_valid_phone("call us"));
        assert!(!is_valid_phone("+380 44 123 45 67 89 00 11"));
        assert!(!is_valid_phone("12"));
    }

    #[test]
    fn urls_emails_and_handles() {
        assert!(is_valid_url("https://example.org/a"));
        assert!(!is_valid_url("example.org"));
        assert!(!is_valid_url("https://nodot"));
        assert!(is_valid_email("a@example.org"));
        assert!(!is_valid_email("a@b"));
        assert!(is_valid_telegram("@poruch_help"));
        assert!(!is_valid_telegram("poruch"));
    }
}
