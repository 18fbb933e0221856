//! [`Region`]s of the two-zone market and the [`Country`]s that belong to them.

use crate::error::CoreError;
use std::fmt;

/// A market zone. The two zones are coupled by an export link from China to the rest of
/// the world (see `remsim-market`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Region {
    /// Mainland China.
    China = 0,
    /// Everywhere else.
    RestOfWorld = 1,
}

impl Region {
    /// Both regions, in index order.
    pub const ALL: [Region; 2] = [Region::China, Region::RestOfWorld];

    /// Index 0 or 1, for arrays over regions.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Short key as used in metric names: `cn` or `row`.
    pub const fn key(self) -> &'static str {
        match self {
            Region::China => "cn",
            Region::RestOfWorld => "row",
        }
    }

    /// Parses `cn` / `china` or `row` / `rest_of_world`.
    pub fn parse(text: &str) -> Option<Region> {
        // Without allocating: the names are lower-case ASCII, so a name equals the text
        // lower-cased exactly when it equals the text up to ASCII case.
        let text = text.trim();
        let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(text));
        if is(&["cn", "china"]) {
            Some(Region::China)
        } else if is(&["row", "rest_of_world", "rest-of-world"]) {
            Some(Region::RestOfWorld)
        } else {
            None
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::China => "China",
            Region::RestOfWorld => "rest of world",
        })
    }
}

/// A country (or group) where an agent sits. Each maps to one [`Region`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Country {
    /// China.
    CN,
    /// Myanmar: ion-adsorption clays whose concentrate feeds Chinese separators.
    MM,
    /// Australia.
    AU,
    /// United States.
    US,
    /// Canada.
    CA,
    /// Vietnam.
    VN,
    /// Brazil.
    BR,
    /// Malaysia (Lynas' separation plant).
    MY,
    /// India.
    IN,
    /// Russia.
    RU,
    /// Japan.
    JP,
    /// The European Union.
    EU,
    /// Greenland.
    GL,
    /// Laos.
    LA,
    /// Thailand.
    TH,
    /// South Korea.
    KR,
    /// Africa (Nigeria, Tanzania, South Africa, Madagascar, …) as one group.
    AFRICA,
    /// Everything not listed.
    OTHER,
}

impl Country {
    /// Every country, in a fixed order.
    pub const ALL: [Country; 18] = [
        Country::CN,
        Country::MM,
        Country::AU,
        Country::US,
        Country::CA,
        Country::VN,
        Country::BR,
        Country::MY,
        Country::IN,
        Country::RU,
        Country::JP,
        Country::EU,
        Country::GL,
        Country::LA,
        Country::TH,
        Country::KR,
        Country::AFRICA,
        Country::OTHER,
    ];

    /// The code as written in configs, e.g. `"MM"`.
    pub const fn code(self) -> &'static str {
        match self {
            Country::CN => "CN",
            Country::MM => "MM",
            Country::AU => "AU",
            Country::US => "US",
            Country::CA => "CA",
            Country::VN => "VN",
            Country::BR => "BR",
            Country::MY => "MY",
            Country::IN => "IN",
            Country::RU => "RU",
            Country::JP => "JP",
            Country::EU => "EU",
            Country::GL => "GL",
            Country::LA => "LA",
            Country::TH => "TH",
            Country::KR => "KR",
            Country::AFRICA => "AFRICA",
            Country::OTHER => "OTHER",
        }
    }

    /// The market zone the country trades in. Myanmar's concentrate is sold into China
    /// through an import route, but the mine itself stands outside China's quota and
    /// counts as rest-of-world mining.
    pub const fn region(self) -> Region {
        match self {
            Country::CN => Region::China,
            _ => Region::RestOfWorld,
        }
    }

    /// Parses a code in any case, e.g. `"mm"`.
    pub fn parse(text: &str) -> Result<Country, CoreError> {
        // Without allocating: the codes are upper-case ASCII (a test says so), so a code
        // equals the text upper-cased exactly when it equals the text up to ASCII case.
        let trimmed = text.trim();
        if let Some(c) = Self::ALL
            .iter()
            .find(|c| c.code().eq_ignore_ascii_case(trimmed))
        {
            return Ok(*c);
        }
        let upper = trimmed.to_ascii_uppercase();
        let codes: Vec<&str> = Self::ALL.iter().map(|c| c.code()).collect();
        Err(CoreError::UnknownCountry {
            given: text.to_string(),
            suggestion: crate::suggest::closest(&upper, codes.iter().copied()),
            expected: codes.join(", "),
        })
    }
}

text_form!(Country, code);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_map_to_regions() {
        assert_eq!(Country::CN.region(), Region::China);
        for c in Country::ALL.iter().filter(|c| **c != Country::CN) {
            assert_eq!(c.region(), Region::RestOfWorld, "{c}");
        }
    }

    #[test]
    fn codes_are_upper_case_ascii() {
        for c in Country::ALL {
            assert!(
                c.code()
                    .bytes()
                    .all(|b| b.is_ascii() && !b.is_ascii_lowercase()),
                "{c}"
            );
            assert_eq!(Country::parse(&c.code().to_ascii_lowercase()), Ok(c));
        }
        assert_eq!(Region::parse(" Rest_Of_World "), Some(Region::RestOfWorld));
        assert_eq!(Region::parse("CHINA"), Some(Region::China));
        assert_eq!(Region::parse("chin"), None);
    }

    #[test]
    fn parses_codes_and_suggests() {
        assert_eq!(Country::parse("mm"), Ok(Country::MM));
        assert_eq!(Country::parse("Africa"), Ok(Country::AFRICA));
        let err = Country::parse("AFRCA").unwrap_err().to_string();
        assert!(err.contains("did you mean `AFRICA`"), "{err}");
    }
}
