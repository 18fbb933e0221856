//! [`Shard`]: which contiguous slice of a batch's trials one process runs.
//!
//! Shard `K/N` of `T` trials runs trials `⌊K·T/N⌋ .. ⌊(K+1)·T/N⌋`: contiguous, so the
//! shards' `trials.csv` files concatenate in shard order into the unsharded file, and
//! together they cover every trial exactly once.

use crate::error::SchedulerError;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// The most trials in one batch (2³² − 1): bucket counts are 32-bit.
pub const MAX_TRIALS: u64 = u32::MAX as u64;

/// Shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based shard index, `< count`.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// The whole batch.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The trials this shard runs out of `trials`.
    pub fn range(&self, trials: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(trials) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// Checks that every shard of `trials` is non-empty.
    pub fn check(&self, trials: u64) -> Result<(), SchedulerError> {
        if trials == 0 || trials > MAX_TRIALS {
            return Err(SchedulerError::Trials {
                given: trials,
                max: MAX_TRIALS,
            });
        }
        if self.count > trials {
            return Err(SchedulerError::TooManyShards {
                shards: self.count,
                trials,
            });
        }
        Ok(())
    }
}

impl FromStr for Shard {
    type Err = SchedulerError;
    fn from_str(text: &str) -> Result<Shard, SchedulerError> {
        let bad = || SchedulerError::BadShard {
            given: text.to_string(),
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_cases() {
        let cases: &[(&str, Option<(u64, u64)>)] = &[
            ("0/1", Some((0, 1))),
            ("3/4", Some((3, 4))),
            (" 2 / 8 ", Some((2, 8))),
            ("4/4", None),
            ("1/0", None),
            ("-1/4", None),
            ("1", None),
            ("a/b", None),
        ];
        for (text, expected) in cases {
            let got = text.parse::<Shard>().ok().map(|s| (s.index, s.count));
            assert_eq!(got, *expected, "{text}");
        }
    }

    proptest! {
        /// The shards tile 0..trials in order, without gap or overlap.
        #[test]
        fn shards_tile_the_batch(trials in 1u64..100_000, count in 1u64..200) {
            let count = count.min(trials);
            let mut next = 0;
            for index in 0..count {
                let r = Shard { index, count }.range(trials);
                prop_assert_eq!(r.start, next);
                prop_assert!(r.end > r.start);
                next = r.end;
            }
            prop_assert_eq!(next, trials);
        }
    }
}
