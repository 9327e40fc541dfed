//! Text normalization for search: the same function is applied to what people type and to
//! what the directory says, so that matching is a plain comparison of stems.
//!
//! Steps: lower case; apostrophes (’ ' ʼ ` ‘ ′) removed, so «б'є», «бʼє» and «бє» are one word;
//! letters people write in different ways folded to one — ґ to г; є, е, э and ё to е; і, ї, ы
//! and и to и; the Russian hard sign dropped — so Russian-influenced spellings («юрыст»,
//! «пристаєт») meet the Ukrainian and Russian forms in the data; in a word with Cyrillic letters,
//! Latin letters that look alike (a, c, e, i, o, p, x, y, k, m, t, h, b) read as the Cyrillic
//! ones; every other character that is not a letter or digit becomes a word break; stop words
//! dropped; each word reduced to a stem by stripping one common Ukrainian inflectional ending
//! (or an English plural "s"). The stemmer is deliberately crude: it only has to make «Дніпро»
//! and «Дніпрі», «насильство» and «насильства» meet. Irregular forms go into the data files as
//! synonyms.

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

/// One letter as search compares it (see the module documentation); `None` drops it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        'ґ' => 'г',
        'є' | 'э' | 'ё' => 'е',
        'і' | 'ї' | 'ы' => 'и',
        'ъ' => return None,
        c => c,
    })
}

/// The Cyrillic letter a Latin one looks like, in a word written in Cyrillic.
fn look_alike(c: char) -> char {
    match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'и',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'k' => 'к',
        'm' => 'м',
        't' => 'т',
        'h' => 'н',
        'b' => 'в',
        c => c,
    }
}

/// Lower-cases and folds the characters that people type in different ways.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut latin, mut cyrillic) = (false, false);
    for ch in text.chars() {
        if APOSTROPHES.contains(&ch) {
            continue;
        }
        for lower in ch.to_lowercase() {
            let Some(folded) = fold(lower) else {
                continue;
            };
            let folded = if folded.is_alphanumeric() {
                folded
            } else {
                ' '
            };
            latin |= folded.is_ascii_lowercase();
            cyrillic |= is_cyrillic_char(folded);
            out.push(folded);
        }
    }
    if !(latin && cyrillic) {
        return out;
    }
    // Some word may mix the two: read its Latin look-alikes as Cyrillic.
    let mut mixed = String::with_capacity(out.len());
    for (i, word) in out.split(' ').enumerate() {
        if i > 0 {
            mixed.push(' ');
        }
        if word.chars().any(is_cyrillic_char) && word.chars().any(|c| c.is_ascii_lowercase()) {
            mixed.extend(word.chars().map(look_alike));
        } else {
            mixed.push_str(word);
        }
    }
    mixed
}

fn is_cyrillic_char(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

fn is_cyrillic(word: &str) -> bool {
    word.chars().any(is_cyrillic_char)
}

/// Reduces one normalized word to its stem (a word not yet normalized is folded first).
pub fn stem(word: &str) -> String {
    let chars: Vec<char> = word.chars().filter_map(fold).collect();
    if is_cyrillic(word) {
        let mut end = chars.len();
        for ending in UK_ENDINGS {
            let n = ending.chars().count();
            if end >= n + 3
                && chars[end - n..end]
                    .iter()
                    .copied()
                    .eq(ending.chars().filter_map(fold))
            {
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
        chars.into_iter().collect()
    }
}

/// The stop words as `normalize` leaves them.
static STOP: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| STOP_WORDS.iter().map(|w| normalize(w)).collect());

fn is_stop_word(word: &str) -> bool {
    STOP.contains(word)
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
            vec!["домашн", "насильств", "днипр"]
        );
        assert_eq!(stems("I need help in Kyiv"), vec!["kyiv"]);
    }

    #[test]
    fn spellings_people_mix_up_meet() {
        assert_eq!(stems("юрыст"), stems("юрист"));
        assert_eq!(stems("пристаєт"), stems("пристает"));
        assert_eq!(stems("психологичэская"), stems("психологическая"));
        assert_eq!(stems("подъезд"), stems("подезд"));
        assert_eq!(stems("жінки"), stems("жинки"));
    }

    #[test]
    fn latin_look_alikes_in_a_cyrillic_word_read_as_cyrillic() {
        // «чоловiк» with a Latin i, «домaгання» with a Latin a, «CНПК» with a Latin C.
        assert_eq!(stems("чоловiк"), stems("чоловік"));
        assert_eq!(stems("домaгання"), stems("домагання"));
        assert_eq!(stems("CНПК"), stems("СНПК"));
        // A word in Latin letters stays Latin, beside Cyrillic ones too.
        assert_eq!(stems("юрист Kyiv"), vec!["юрист", "kyiv"]);
    }

    #[test]
    fn numbers_are_kept() {
        assert_eq!(stems("Резолюція 1325"), vec!["резолюци", "1325"]);
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
