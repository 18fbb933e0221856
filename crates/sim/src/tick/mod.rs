//! The monthly tick as a sequence of named phases, one file each. [`crate::World`]'s
//! `step` calls them in this order (see `ARCHITECTURE.md`, "The tick"):
//!
//! 1. [`policy`]: China's yearly quota decision; expected prices; the shocks' overlay.
//! 2. [`demand`]: each sector's orders at expected prices (oxide and magnets).
//! 3. [`orders`]: rival life cycles and shocks on separators and makers; magnet orders
//!    placed with makers; the makers' oxide needs; opening stocks.
//! 4. [`mining`]: miners plan and produce concentrate under quotas.
//! 5. [`separation`]: separators turn the concentrate pools into oxide.
//! 6. [`recycling`]: recyclers turn scrap into oxide.
//! 7. [`schedules`]: each element's supply and demand schedules and export link.
//! 8. [`clearing`]: the all-element licence rent, each element's clearing and its fills.
//! 9. [`magnets`]: makers make magnets; deliveries; magnets in use; end of life.
//! 10. [`prices`]: new prices; smoothed, trend and long-run expectations.
//! 11. [`settlement`]: profits and margins.
//! 12. [`investment`]: each January, capacity decisions and greenfield entry.
//! 13. [`observation`]: the mass balance and the month's metrics.
//!
//! What a phase hands the next within the month lives in [`Flows`]; what lasts from month
//! to month lives in the world's sub-states (`crate::state`). Floating-point sums are
//! written in the order the model was calibrated with: reordering one changes output bytes.

pub(crate) mod clearing;
pub(crate) mod demand;
pub(crate) mod investment;
pub(crate) mod magnets;
pub(crate) mod mining;
pub(crate) mod observation;
pub(crate) mod orders;
pub(crate) mod policy;
pub(crate) mod prices;
pub(crate) mod recycling;
pub(crate) mod schedules;
pub(crate) mod separation;
pub(crate) mod settlement;

use crate::state::PerRegion;
use remsim_core::{Element, ElementVec, Month};
use std::sync::Arc;

/// Mass-balance ledger of one tick, t by element.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ledger {
    /// Concentrate mined.
    pub mined: ElementVec,
    /// End-of-life magnets collected as scrap.
    pub eol_collected: ElementVec,
    /// Oxide consumed by end users and put into magnets.
    pub consumed: ElementVec,
    /// Process losses and float dust.
    pub losses: ElementVec,
}

/// What the phases of one month hand each other (on the stack; nothing here outlives the
/// month). Each field is written by one phase and read by later ones.
pub(crate) struct Flows {
    /// The month being ticked.
    pub month: Month,
    /// Expected prices by region (policy).
    pub expected: PerRegion<ElementVec>,
    /// Whether heap and pond leaching is banned this month (policy).
    pub heap_pond_banned: bool,
    /// The month's mass-balance ledger (every material phase).
    pub ledger: Ledger,
    /// End users' oxide demand at expected prices (demand).
    pub oxide_demand: PerRegion<ElementVec>,
    /// China's oxide demand in sectors that count as deep processing (demand).
    pub cn_deep_demand: ElementVec,
    /// Magnet orders by the region they come from, t REO (demand).
    pub magnet_orders: PerRegion<f64>,
    /// Makers' oxide need by region (orders).
    pub regional_need: PerRegion<ElementVec>,
    /// Oxide demand of end users and makers together, by region (orders).
    pub demand_by_region: PerRegion<ElementVec>,
    /// Magnet orders nobody had the capacity to make, t REO (orders).
    pub unmade_magnets: f64,
    /// All stocks at the start of the material phases (orders).
    pub stocks_before: ElementVec,
    /// Capacity drawing on each of China's quota groups (mining).
    pub group_capacity: [f64; 2],
    /// Concentrate mined by the miners' region, t (mining).
    pub mined_by_region: PerRegion<f64>,
    /// Concentrate that entered each region's pool, by the region it is sold to, t
    /// (mining).
    pub concentrate_in: PerRegion<f64>,
    /// Wastewater of China's mines, t (mining).
    pub wastewater_cn: f64,
    /// Oxide separated by region (separation).
    pub separated: PerRegion<ElementVec>,
    /// Radioactive residue by region, t (separation).
    pub residue: PerRegion<f64>,
    /// Oxide recycled by region (recycling).
    pub recycled: PerRegion<ElementVec>,
    /// Makers' oxide need by element and region, t (schedules).
    pub maker_need_total: [PerRegion<f64>; Element::COUNT],
    /// Total demand by element, t (schedules).
    pub demanded: ElementVec,
    /// Oxide end users bought, by region (clearing).
    pub consumer_fill: PerRegion<ElementVec>,
    /// Unserved demand by element, t (clearing, magnets).
    pub shortage: ElementVec,
    /// This month's clearing prices (clearing).
    pub new_price: PerRegion<ElementVec>,
    /// Magnets' rare-earth content made by region, t (magnets).
    pub magnets_made: PerRegion<f64>,
    /// Oxide China's makers put into magnets, t (magnets).
    pub cn_maker_input: f64,
    /// Profit by region, million USD (magnets, settlement).
    pub profit: PerRegion<f64>,
}

impl Flows {
    /// The flows of `month` before any phase ran.
    pub fn new(month: Month) -> Flows {
        Flows {
            month,
            expected: [ElementVec::ZERO; 2],
            heap_pond_banned: false,
            ledger: Ledger::default(),
            oxide_demand: [ElementVec::ZERO; 2],
            cn_deep_demand: ElementVec::ZERO,
            magnet_orders: [0.0; 2],
            regional_need: [ElementVec::ZERO; 2],
            demand_by_region: [ElementVec::ZERO; 2],
            unmade_magnets: 0.0,
            stocks_before: ElementVec::ZERO,
            group_capacity: [0.0; 2],
            mined_by_region: [0.0; 2],
            concentrate_in: [0.0; 2],
            wastewater_cn: 0.0,
            separated: [ElementVec::ZERO; 2],
            residue: [0.0; 2],
            recycled: [ElementVec::ZERO; 2],
            maker_need_total: [[0.0; 2]; Element::COUNT],
            demanded: ElementVec::ZERO,
            consumer_fill: [ElementVec::ZERO; 2],
            shortage: ElementVec::ZERO,
            new_price: [ElementVec::ZERO; 2],
            magnets_made: [0.0; 2],
            cn_maker_input: 0.0,
            profit: [0.0; 2],
        }
    }
}

/// Buffers a tick fills and reads, one entry per agent (or sector); each tick resizes and
/// zeroes them, so their contents never carry over.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Magnet orders by sector index and region.
    pub sector_orders: Vec<PerRegion<f64>>,
    /// (demand at expected prices, sector index) of each oxide sector, by region, in sector
    /// order.
    pub sector_oxide: PerRegion<Vec<(ElementVec, usize)>>,
    /// Magnets each maker plans to make this month.
    pub maker_plan: Vec<f64>,
    /// Each maker's orders by the region they come from.
    pub maker_orders_from: Vec<PerRegion<f64>>,
    /// Each maker's oxide need.
    pub maker_need: Vec<ElementVec>,
    /// Oxide each maker bought.
    pub maker_input: Vec<ElementVec>,
    /// Each miner's planned output.
    pub planned: Vec<f64>,
    /// Each miner's output.
    pub miner_output: Vec<f64>,
    /// Each separator's feed.
    pub separator_feed: Vec<ElementVec>,
    /// Each separator's wanted throughput in the region being separated.
    pub separator_wanted: Vec<f64>,
}

/// `v` emptied and refilled with `n` copies of `value`, keeping its room.
pub(crate) fn reset<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

/// Adds `x` to `sum` `times` times, one addition after another: bit for bit what `times`
/// identical units booked one by one add (a product `times * x` would round differently).
#[inline]
pub(crate) fn add_repeated(sum: &mut f64, x: f64, times: u32) {
    let mut acc = *sum;
    for _ in 0..times {
        acc += x;
    }
    *sum = acc;
}

/// `numerator / denominator`, or 0 when the denominator is not positive.
pub(crate) fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        0.0
    }
}

/// Bit pattern of `+inf`: a state value `x` is finite and non-negative exactly when
/// [`state_bits`]`(x)` is below it.
pub(crate) const INF_BITS: u64 = 0x7FF0_0000_0000_0000;

/// The bit pattern of `x + 0.0` (which turns `-0.0` into `+0.0`): below [`INF_BITS`]
/// exactly when `x` is finite and non-negative, since negative numbers have the sign bit
/// set and NaNs lie above `+inf`.
pub(crate) fn state_bits(x: f64) -> u64 {
    (x + 0.0).to_bits()
}

/// The last `shares · prices` computed in a pass over the miners: units of one config entry
/// share their element shares (one allocation), so in a fragmented sector a unit reuses its
/// predecessor's dot product, the same number.
#[derive(Default)]
pub(crate) struct DotMemo {
    /// Address of the shares and region of the prices of the last dot product, and its value.
    last: Option<(*const ElementVec, usize, f64)>,
}

impl DotMemo {
    /// `shares · prices[region]`.
    #[inline]
    pub fn dot(
        &mut self,
        shares: &Arc<ElementVec>,
        region: usize,
        prices: &PerRegion<ElementVec>,
    ) -> f64 {
        let key = Arc::as_ptr(shares);
        match self.last {
            Some((k, r, dot)) if k == key && r == region => dot,
            _ => {
                let dot = shares.dot(&prices[region]);
                self.last = Some((key, region, dot));
                dot
            }
        }
    }
}

/// Clamping float dust to zero, with the dust booked as a loss so the ledger still closes.
pub(crate) trait ClampTracked {
    /// `self` with negative entries set to zero, their amount added to `losses`.
    fn clamp_non_negative_tracked(&self, losses: &mut ElementVec) -> ElementVec;
}

impl ClampTracked for ElementVec {
    fn clamp_non_negative_tracked(&self, losses: &mut ElementVec) -> ElementVec {
        let clamped = self.clamp_non_negative();
        *losses -= clamped - *self;
        clamped
    }
}
