//! The 17 rare-earth elements.

use crate::error::CoreError;

/// One of the 17 rare-earth elements. The discriminant is the element's index in an
/// [`ElementVec`](crate::ElementVec); the order is Sc, Y, then the lanthanides by atomic number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // the variants are the chemical symbols
pub enum Element {
    Sc = 0,
    Y,
    La,
    Ce,
    Pr,
    Nd,
    Pm,
    Sm,
    Eu,
    Gd,
    Tb,
    Dy,
    Ho,
    Er,
    Tm,
    Yb,
    Lu,
}

/// How many elements an [`ElementVec`](crate::ElementVec) carries.
pub const N_ELEMENTS: usize = 17;

const SYMBOLS: [&str; N_ELEMENTS] = [
    "Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
    "Lu",
];
const NAMES: [&str; N_ELEMENTS] = [
    "scandium",
    "yttrium",
    "lanthanum",
    "cerium",
    "praseodymium",
    "neodymium",
    "promethium",
    "samarium",
    "europium",
    "gadolinium",
    "terbium",
    "dysprosium",
    "holmium",
    "erbium",
    "thulium",
    "ytterbium",
    "lutetium",
];

impl Element {
    /// Number of elements: the length of every per-element array.
    pub const COUNT: usize = N_ELEMENTS;

    /// All 17 elements in index order.
    pub const ALL: [Element; N_ELEMENTS] = [
        Element::Sc,
        Element::Y,
        Element::La,
        Element::Ce,
        Element::Pr,
        Element::Nd,
        Element::Pm,
        Element::Sm,
        Element::Eu,
        Element::Gd,
        Element::Tb,
        Element::Dy,
        Element::Ho,
        Element::Er,
        Element::Tm,
        Element::Yb,
        Element::Lu,
    ];

    /// The magnet elements whose demand drives the industry.
    pub const MAGNET: [Element; 4] = [Element::Nd, Element::Pr, Element::Dy, Element::Tb];

    /// Index of this element in an element vector.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The element at `index`, if `index < 17`.
    pub fn from_index(index: usize) -> Option<Element> {
        Self::ALL.get(index).copied()
    }

    /// Chemical symbol, e.g. `"Nd"`.
    pub const fn symbol(self) -> &'static str {
        SYMBOLS[self as usize]
    }

    /// Lower-case symbol as used in metric names and config keys, e.g. `"nd"`.
    pub fn key(self) -> String {
        self.symbol().to_ascii_lowercase()
    }

    /// English name, lower case, e.g. `"neodymium"`.
    pub const fn name(self) -> &'static str {
        NAMES[self as usize]
    }

    /// Light rare earths (La–Eu) versus the medium/heavy ones (Gd–Lu, and Y); Sc is neither
    /// in trade practice and is counted as heavy here because ion clays and by-products carry it.
    pub const fn is_light(self) -> bool {
        matches!(
            self,
            Element::La
                | Element::Ce
                | Element::Pr
                | Element::Nd
                | Element::Pm
                | Element::Sm
                | Element::Eu
        )
    }

    /// Parses a symbol or name in any case: `"nd"`, `"Nd"`, `"neodymium"`.
    pub fn parse(text: &str) -> Result<Element, CoreError> {
        // Without allocating: the names are lower-case ASCII, so a name equals the text
        // lower-cased exactly when it equals the text up to ASCII case.
        let trimmed = text.trim();
        for element in Self::ALL {
            if element.symbol().eq_ignore_ascii_case(trimmed)
                || element.name().eq_ignore_ascii_case(trimmed)
            {
                return Ok(element);
            }
        }
        let lower = trimmed.to_ascii_lowercase();
        let candidates = SYMBOLS.iter().chain(NAMES.iter()).copied();
        Err(CoreError::UnknownElement {
            given: text.to_string(),
            suggestion: crate::suggest::closest(&lower, candidates).map(|s| s.to_ascii_lowercase()),
        })
    }
}

text_form!(Element, symbol);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_ascii() {
        // `parse` compares names up to ASCII case, which equals comparing them with the
        // lower-cased text only for lower-case names.
        assert!(
            NAMES
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }

    #[test]
    fn parses_symbols_and_names_in_any_case() {
        for text in ["nd", "Nd", "ND", "neodymium", "Neodymium", " nd "] {
            assert_eq!(Element::parse(text), Ok(Element::Nd), "{text}");
        }
        assert_eq!(Element::parse("y"), Ok(Element::Y));
        assert_eq!(Element::parse("Lutetium"), Ok(Element::Lu));
    }

    #[test]
    fn every_element_round_trips_by_symbol_name_and_index() {
        for (i, e) in Element::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(Element::from_index(i), Some(*e));
            assert_eq!(Element::parse(e.symbol()), Ok(*e));
            assert_eq!(Element::parse(e.name()), Ok(*e));
        }
        assert_eq!(Element::from_index(17), None);
    }

    #[test]
    fn misspelt_name_suggests_the_right_one() {
        let err = Element::parse("neodymum").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown element `neodymum`; did you mean `neodymium`?"
        );
    }
}
