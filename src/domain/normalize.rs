//! Text normalization for search: the same function is applied to what people type and to
//! what the directory says, so that matching is a plain comparison of stems.
//!
//! Steps: lower case; apostrophes (’ ' ʼ ` ‘ ′) removed; ґ folded to г; every other
//! character that is not a letter or digit becomes a word break; stop words dropped; each
//! word reduced to a stem by stripping one common Ukrainian inflectional ending (or an English
//! plural "s"). The stemmer is deliberately crude: it only has to make "Дніпро" and "Дніпрі",
//! "насильство" and "насильства" meet. Irregular forms go into the data files as synonyms.

const APOSTROPHES: [char; 6] = ['\'', '’', 'ʼ', '`', '‘', '′'];

/// Ukrainian endings, longest first. One is stripped if at least three letters remain.
const UK_ENDINGS: [&str; 38] = [
    "ями", "ами", "ого", "ому", "ими", "іми", "ий", "ій", "ої", "ім", "им", "их", "іх", "ах", "ях",
    "ою", "ею", "єю", "ові", "еві", "єві", "ів", "ам", "ям", "ом", "ем", "єм", "а", "я", "у", "ю",
    "і", "ї", "и", "о", "е", "є", "ь",
];

/// Words that carry no meaning for search (already normalized, before stemming).
const STOP_WORDS: &[&str] = &[
    "у",
    "в",
    "на",
    "з",
    "із",
    "зі",
    "та",
    "і",
    "й",
    "до",
    "для",
    "про",
    "по",
    "від",
    "що",
    "як",
    "мені",
    "мене",
    "мій",
    "моя",
    "мої",
    "я",
    "ми",
    "нам",
    "нас",
    "треба",
    "потрібна",
    "потрібен",
    "потрібно",
    "потрібні",
    "шукаю",
    "де",
    "допомога",
    "допомоги",
    "допомогу",
    "допомогою",
    "область",
    "області",
    "обл",
    "місто",
    "місті",
    "м",
    "район",
    "районі",
    "організація",
    "організації",
    "a",
    "an",
    "the",
    "in",
    "of",
    "for",
    "and",
    "or",
    "to",
    "with",
    "i",
    "me",
    "my",
    "need",
    "help",
    "looking",
    "where",
    "oblast",
    "region",
    "city",
    "organization",
    "organisation",
    "near",
];

/// Lower-cases and folds the characters that people type in different ways.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if APOSTROPHES.contains(&ch) {
            continue;
        }
        for lower in ch.to_lowercase() {
            let folded = match lower {
                'ґ' => 'г',
                'ё' => 'е',
                c if c.is_alphanumeric() => c,
                _ => ' ',
            };
            out.push(folded);
        }
    }
    out
}

fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// Reduces one normalized word to its stem.
pub fn stem(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    if is_cyrillic(word) {
        let mut end = chars.len();
        for ending in UK_ENDINGS {
            let n = ending.chars().count();
            if end >= n + 3 && chars[end - n..end].iter().copied().eq(ending.chars()) {
                end -= n;
                break;
            }
        }
        if end > 3 && chars[end - 1] == 'ь' {
            end -= 1;
        }
        chars[..end].iter().collect()
    } else if chars.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        chars[..chars.len() - 1].iter().collect()
    } else {
        word.to_string()
    }
}

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The stems of a text, in order, without stop words and one-letter words (digits are kept).
pub fn stems(text: &str) -> Vec<String> {
    normalize(text)
        .split_whitespace()
        .filter(|w| !is_stop_word(w))
        .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit()))
        .map(stem)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn case_and_apostrophes_do_not_matter() {
        assert_eq!(stems("ПОВ’ЯЗАНЕ"), stems("пов'язане"));
        assert_eq!(stems("повʼязане"), stems("повязане"));
        assert_eq!(stems("Ґендер"), stems("гендер"));
    }

    #[test]
    fn inflected_forms_meet_at_one_stem() {
        assert_eq!(stem("дніпро"), stem("дніпрі"));
        assert_eq!(stem("насильство"), stem("насильства"));
        assert_eq!(stem("домашнього"), stem("домашнє"));
        assert_eq!(stem("домашньому"), stem("домашнє"));
        assert_eq!(stem("психологічної"), stem("психологічна"));
        assert_eq!(stem("одесі"), stem("одеса"));
        assert_eq!(stem("veterans"), stem("veteran"));
    }

    #[test]
    fn stop_words_and_prepositions_are_dropped() {
        assert_eq!(
            stems("домашнього насильства у Дніпрі"),
            vec!["домашн", "насильств", "дніпр"]
        );
        assert_eq!(stems("I need help in Kyiv"), vec!["kyiv"]);
    }

    #[test]
    fn numbers_are_kept() {
        assert_eq!(stems("Резолюція 1325"), vec!["резолюці", "1325"]);
    }

    proptest! {
        #[test]
        fn normalization_is_idempotent(text in "\\PC{0,40}") {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn stems_never_panic_and_are_never_empty(text in "\\PC{0,60}") {
            for s in stems(&text) {
                prop_assert!(!s.is_empty());
            }
        }

        #[test]
        fn apostrophe_variants_give_the_same_stems(
            left in "[а-яіїєґ]{1,8}", right in "[а-яіїєґ]{1,8}", ap in prop::sample::select(vec!['\'', '’', 'ʼ', '`'])
        ) {
            let plain = format!("{left}'{right}");
            let other = format!("{left}{ap}{right}");
            prop_assert_eq!(stems(&plain), stems(&other));
        }
    }
}
