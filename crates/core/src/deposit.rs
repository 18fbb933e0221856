//! Deposit types and the element distributions of named deposits.
//!
//! A deposit yields its elements in fixed proportions: this is the balance problem. The
//! profiles below are the calibration table of Castor & Hedrick (2006) and Long et al. (2010,
//! USGS SIR 2010-5220), as given in `shared/data/calibration.md` §5 (approx.). "trace" is
//! taken as 0 and the "Ho–Lu" group is split as the table states for Longnan and evenly
//! otherwise. The published columns do not sum to exactly 100, so every profile is
//! normalised to shares summing to 1 when it is built.

use crate::element::Element;
use crate::error::CoreError;
use crate::vec::ElementVec;
use std::fmt;

/// The geological kind of a source of rare earths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DepositType {
    /// Hard-rock bastnaesite (fluorocarbonate), e.g. Mountain Pass: light rare earths.
    HardRockBastnaesite,
    /// Hard-rock monazite-bearing ore, e.g. Mount Weld, or mixed ores like Bayan Obo:
    /// light rare earths, with thorium that leaves radioactive residue.
    HardRockMonazite,
    /// Southern ion-adsorption clay, leached with ammonium salts: medium/heavy rare earths.
    IonAdsorptionClay,
    /// End-of-life and pre-consumer magnet scrap.
    RecycledScrap,
}

impl DepositType {
    /// The config spelling.
    pub const fn key(self) -> &'static str {
        match self {
            DepositType::HardRockBastnaesite => "hard_rock_bastnaesite",
            DepositType::HardRockMonazite => "hard_rock_monazite",
            DepositType::IonAdsorptionClay => "ion_adsorption_clay",
            DepositType::RecycledScrap => "recycled_scrap",
        }
    }

    /// Whether processing this ore leaves thorium-bearing radioactive residue.
    pub const fn is_radioactive(self) -> bool {
        matches!(self, DepositType::HardRockMonazite)
    }

    /// Whether the ore is leached in place or in heaps/ponds (ion clays), with
    /// ammonia-nitrogen wastewater.
    pub const fn is_leached(self) -> bool {
        matches!(self, DepositType::IonAdsorptionClay)
    }
}

impl fmt::Display for DepositType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A named element distribution: a deposit's (or scrap stream's) shares of REO.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DepositProfile {
    /// Config name, e.g. `"bayan_obo"`.
    pub name: &'static str,
    /// The deposit type.
    pub deposit_type: DepositType,
    /// Shares of REO by element, summing to 1.
    pub shares: ElementVec,
    /// Where the figures come from.
    pub source: &'static str,
}

/// Percentages as published, in the order of the calibration table.
struct RawProfile {
    name: &'static str,
    deposit_type: DepositType,
    percent: &'static [(Element, f64)],
    source: &'static str,
}

const CASTOR: &str = "Castor & Hedrick 2006; Long et al. 2010 (USGS SIR 2010-5220); approx.";

const RAW: [RawProfile; 6] = {
    use Element::*;
    [
        RawProfile {
            name: "bayan_obo",
            deposit_type: DepositType::HardRockMonazite,
            percent: &[
                (La, 23.0),
                (Ce, 50.0),
                (Pr, 6.2),
                (Nd, 18.5),
                (Sm, 0.8),
                (Eu, 0.2),
                (Gd, 0.7),
                (Tb, 0.1),
                (Dy, 0.1),
            ],
            source: CASTOR,
        },
        RawProfile {
            name: "mountain_pass",
            deposit_type: DepositType::HardRockBastnaesite,
            percent: &[
                (La, 33.2),
                (Ce, 49.1),
                (Pr, 4.3),
                (Nd, 12.0),
                (Sm, 0.8),
                (Eu, 0.1),
                (Gd, 0.2),
                (Tb, 0.02),
                (Dy, 0.03),
                (Y, 0.1),
            ],
            source: CASTOR,
        },
        RawProfile {
            name: "mount_weld",
            deposit_type: DepositType::HardRockMonazite,
            percent: &[
                (La, 25.5),
                (Ce, 46.7),
                (Pr, 5.3),
                (Nd, 18.5),
                (Sm, 2.3),
                (Eu, 0.4),
                (Gd, 1.0),
                (Tb, 0.1),
                (Dy, 0.2),
                (Ho, 0.05),
                (Er, 0.1),
                (Yb, 0.05),
                (Y, 0.3),
            ],
            source: CASTOR,
        },
        RawProfile {
            name: "ion_clay_heavy",
            deposit_type: DepositType::IonAdsorptionClay,
            percent: &[
                (La, 1.8),
                (Ce, 0.4),
                (Pr, 0.7),
                (Nd, 3.0),
                (Sm, 2.8),
                (Eu, 0.1),
                (Gd, 6.9),
                (Tb, 1.3),
                (Dy, 6.7),
                (Ho, 1.6),
                (Er, 4.9),
                (Tm, 0.7),
                (Yb, 2.5),
                (Lu, 0.4),
                (Y, 65.0),
            ],
            source: "Longnan deposit; Castor & Hedrick 2006; Long et al. 2010; approx.",
        },
        RawProfile {
            name: "ion_clay_light",
            deposit_type: DepositType::IonAdsorptionClay,
            percent: &[
                (La, 43.4),
                (Ce, 2.4),
                (Pr, 9.0),
                (Nd, 31.7),
                (Sm, 3.9),
                (Eu, 0.5),
                (Gd, 3.0),
                (Ho, 0.1),
                (Er, 0.1),
                (Yb, 0.1),
                (Y, 8.0),
            ],
            source: "Xunwu deposit; Castor & Hedrick 2006; Long et al. 2010; approx.",
        },
        RawProfile {
            name: "ndfeb_scrap",
            deposit_type: DepositType::RecycledScrap,
            // NdFeB: NdPr 75:25 by industry practice, Dy ≈ 1-6 wt% of magnet (≈ 5% of its
            // rare-earth content), Tb up to 0.5 wt% (calibration.md §6).
            percent: &[
                (Nd, 69.0),
                (Pr, 23.0),
                (Dy, 6.0),
                (Tb, 1.0),
                (Gd, 0.5),
                (Ho, 0.5),
            ],
            source: "NdFeB composition, calibration.md §6 (approx.)",
        },
    ]
};

impl DepositProfile {
    /// Every named profile.
    pub fn all() -> impl Iterator<Item = DepositProfile> {
        RAW.iter().map(DepositProfile::from_raw)
    }

    /// The profile called `name` (e.g. `"mount_weld"`), with a suggestion if misspelt.
    pub fn named(name: &str) -> Result<DepositProfile, CoreError> {
        let wanted = name.trim().to_ascii_lowercase();
        if let Some(raw) = RAW.iter().find(|r| r.name == wanted) {
            return Ok(DepositProfile::from_raw(raw));
        }
        let names: Vec<&str> = RAW.iter().map(|r| r.name).collect();
        Err(CoreError::UnknownDeposit {
            given: name.to_string(),
            suggestion: crate::suggest::closest(&wanted, names.iter().copied()),
            expected: names.join(", "),
        })
    }

    /// The names of every profile.
    pub fn names() -> impl Iterator<Item = &'static str> {
        RAW.iter().map(|r| r.name)
    }

    fn from_raw(raw: &RawProfile) -> DepositProfile {
        let mut percent = ElementVec::ZERO;
        for &(e, p) in raw.percent {
            percent[e] += p;
        }
        // Every raw profile has a positive total, so normalising cannot fail; the fallback
        // only keeps this function total.
        let shares = percent.normalised().unwrap_or(ElementVec::ZERO);
        DepositProfile {
            name: raw.name,
            deposit_type: raw.deposit_type,
            shares,
            source: raw.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_normalised_and_show_the_balance_problem() {
        for p in DepositProfile::all() {
            assert!((p.shares.sum() - 1.0).abs() < 1e-12, "{}", p.name);
            assert_eq!(p.shares[Element::Pm], 0.0, "Pm is never mined");
        }
        let bayan = DepositProfile::named("bayan_obo").unwrap();
        assert!(bayan.shares[Element::Ce] + bayan.shares[Element::La] > 0.7);
        let clay = DepositProfile::named("ion_clay_heavy").unwrap();
        assert!(clay.shares[Element::Dy] > 30.0 * bayan.shares[Element::Dy]);
        assert!(clay.deposit_type.is_leached() && bayan.deposit_type.is_radioactive());
    }

    #[test]
    fn misspelt_profile_suggests() {
        let err = DepositProfile::named("mount_weeld")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `mount_weld`"), "{err}");
    }
}
