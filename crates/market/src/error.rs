//! The one error type of the market: inputs that cannot be cleared.

use remsim_core::Region;

/// Why [`crate::ScheduleMarket::clear`] refused to clear. Every variant names the offending
/// input (region, breakpoint, value) so that the caller can point at what produced it. A
/// refused clearing leaves the output untouched.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketError {
    /// The link capacity is NaN, infinite or negative.
    #[error(
        "link capacity {value} t is not a finite non-negative number (use f64::MAX for no quota)"
    )]
    LinkCapacity {
        /// The capacity given, in t.
        value: f64,
    },
    /// The link wedge is NaN, infinite or negative.
    #[error("link wedge {value} USD/kg is not a finite non-negative number")]
    LinkWedge {
        /// The wedge given, in USD/kg.
        value: f64,
    },
    /// The price floor is NaN, infinite or negative.
    #[error("price floor {value} USD/kg is not a finite non-negative number")]
    PriceFloor {
        /// The floor given, in USD/kg.
        value: f64,
    },
    /// The price cap is NaN, infinite or negative.
    #[error("price cap {value} USD/kg is not a finite non-negative number")]
    PriceCap {
        /// The cap given, in USD/kg.
        value: f64,
    },
    /// The price floor lies above the price cap.
    #[error("price floor {floor} USD/kg is above the price cap {cap} USD/kg")]
    FloorAboveCap {
        /// The floor given, in USD/kg.
        floor: f64,
        /// The cap given, in USD/kg.
        cap: f64,
    },
    /// A reference price is NaN, infinite or negative.
    #[error("reference price for {region} {value} USD/kg is not a finite non-negative number")]
    ReferencePrice {
        /// Region the reference price belongs to.
        region: Region,
        /// The reference price given, in USD/kg.
        value: f64,
    },
    /// A schedule breakpoint's price is not finite, lies outside the price bounds, or is
    /// below the previous breakpoint's.
    #[error(
        "schedule breakpoint {breakpoint} in {region}: price {value} USD/kg is not finite, out of the price bounds or below the previous breakpoint"
    )]
    SchedulePrice {
        /// Region of the schedule.
        region: Region,
        /// Index of the breakpoint.
        breakpoint: usize,
        /// The price given, in USD/kg.
        value: f64,
    },
    /// A schedule's total net supply is not finite, falls with price, sells below the
    /// lowest breakpoint or buys above the highest.
    #[error(
        "schedule breakpoint {breakpoint} in {region}: net supply {left_t} t below and {right_t} t above it is not finite, falls with price, sells below every price or buys above every price"
    )]
    ScheduleValues {
        /// Region of the schedule.
        region: Region,
        /// Index of the breakpoint.
        breakpoint: usize,
        /// Net supply just below the breakpoint, in t.
        left_t: f64,
        /// Net supply just above the breakpoint, in t.
        right_t: f64,
    },
}
