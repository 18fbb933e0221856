//! The metrics one trial writes every tick and their column positions. Their names come
//! from the metric catalog (`remsim_core::catalog`), the contract with the scheduler,
//! reports and users; a test checks that the names written are exactly the catalog's
//! monthly metrics, in its order.

use remsim_core::catalog::{self as cat, Entry};
use remsim_core::{Element, Region};
use std::sync::Arc;

pub use remsim_core::catalog::traded_elements;

/// Elements whose recycled share is reported (`{mel}` of the catalog).
pub const RECYCLED_ELEMENTS: [Element; 4] = Element::MAGNET;

/// The composition of traded NdPr oxide (PrNd oxide, "didymium"), by mass of REO: Nd₂O₃
/// 75%, Pr₆O₁₁ 25% — the grade quoted by Chinese price reporters (SMM, Asian Metal:
/// Pr₆O₁₁/TREO 25 ± 2%, Nd₂O₃/TREO 75 ± 2%) and the split the baseline's magnet recipe
/// uses (configs/baseline.toml, calibration.md §6). `price.ndpr.<region>` is the
/// composition-weighted mean of the Nd and Pr oxide prices, in USD/kg.
pub const NDPR_COMPOSITION: [(Element, f64); 2] = [(Element::Nd, 0.75), (Element::Pr, 0.25)];

/// Column positions of every metric.
#[derive(Debug, Clone)]
pub struct MetricIndex {
    /// All names, in column order.
    pub names: Arc<[String]>,
    /// `price.<el>.cn` and `.row` by element index and region index (`usize::MAX` for Pm).
    pub price: [[usize; 2]; 17],
    /// `price.ndpr.cn` and `.row`: traded NdPr oxide ([`NDPR_COMPOSITION`]), USD/kg.
    pub price_ndpr: [usize; 2],
    /// `incentive_price.{el}` by element index (`usize::MAX` where not traded).
    pub incentive: [usize; 17],
    /// `demand.<el>_t` by element index.
    pub demand: [usize; 17],
    /// `shortage.<el>_t` by element index.
    pub shortage: [usize; 17],
    /// `shortage.magnet_t`: magnets ordered that no maker could make, t REO content.
    pub shortage_magnet: usize,
    /// `stock.<el>_t` by element index.
    pub stock: [usize; 17],
    /// `recycled_share.<el>` for [`RECYCLED_ELEMENTS`].
    pub recycled_share: [usize; 4],
    /// `mine.world_t`.
    pub mine_world: usize,
    /// `separation.world_t`.
    pub separation_world: usize,
    /// `magnet.world_t`.
    pub magnet_world: usize,
    /// `mine.cn_share`.
    pub mine_cn_share: usize,
    /// `separation.cn_share`.
    pub separation_cn_share: usize,
    /// `magnet.cn_share`.
    pub magnet_cn_share: usize,
    /// `row_supply_share`.
    pub row_supply_share: usize,
    /// `deep_processing.cn_share`.
    pub deep_processing_cn_share: usize,
    /// `ev.ree_free_share`.
    pub ev_ree_free_share: usize,
    /// `wastewater.cn_t`.
    pub wastewater_cn: usize,
    /// `radioactive_residue.cn_t` and `.row_t`.
    pub residue: [usize; 2],
    /// `profit.cn_musd` and `.row_musd`.
    pub profit: [usize; 2],
    /// `exports.cn_t`: China's oxide exports, all elements, t.
    pub exports_cn: usize,
    /// `export_licence.rent_usd_per_kg`: what a licence under an all-element export quota
    /// earned (zero without one).
    pub licence_rent: usize,
    /// `balance.max_rel_error`.
    pub balance: usize,
}

impl MetricIndex {
    /// The fixed metric set.
    pub fn new() -> MetricIndex {
        let mut names: Vec<String> = Vec::new();
        let mut add = |entry: &Entry, values: &[&str]| {
            names.push(entry.name(values));
            names.len() - 1
        };
        let mut price = [[usize::MAX; 2]; 17];
        for e in traded_elements() {
            for region in Region::ALL {
                price[e.index()][region.index()] = add(&cat::PRICE, &[&e.key(), region.key()]);
            }
        }
        let price_ndpr = Region::ALL.map(|r| add(&cat::PRICE_NDPR, &[r.key()]));
        let mut incentive = [usize::MAX; 17];
        for e in traded_elements() {
            incentive[e.index()] = add(&cat::INCENTIVE_PRICE, &[&e.key()]);
        }
        let mine_world = add(&cat::MINE_WORLD, &[]);
        let separation_world = add(&cat::SEPARATION_WORLD, &[]);
        let magnet_world = add(&cat::MAGNET_WORLD, &[]);
        let mine_cn_share = add(&cat::MINE_CN_SHARE, &[]);
        let separation_cn_share = add(&cat::SEPARATION_CN_SHARE, &[]);
        let magnet_cn_share = add(&cat::MAGNET_CN_SHARE, &[]);
        let row_supply_share = add(&cat::ROW_SUPPLY_SHARE, &[]);
        let deep_processing_cn_share = add(&cat::DEEP_PROCESSING_CN_SHARE, &[]);
        let mut demand = [usize::MAX; 17];
        let mut shortage = [usize::MAX; 17];
        let mut stock = [usize::MAX; 17];
        for (entry, index) in [
            (&cat::DEMAND, &mut demand),
            (&cat::SHORTAGE, &mut shortage),
            (&cat::STOCK, &mut stock),
        ] {
            for e in traded_elements() {
                index[e.index()] = add(entry, &[&e.key()]);
            }
        }
        let shortage_magnet = add(&cat::SHORTAGE_MAGNET, &[]);
        let mut recycled_share = [0; 4];
        for (i, e) in RECYCLED_ELEMENTS.iter().enumerate() {
            recycled_share[i] = add(&cat::RECYCLED_SHARE, &[&e.key()]);
        }
        let ev_ree_free_share = add(&cat::EV_REE_FREE_SHARE, &[]);
        let wastewater_cn = add(&cat::WASTEWATER_CN, &[]);
        let residue = Region::ALL.map(|r| add(&cat::RADIOACTIVE_RESIDUE, &[r.key()]));
        let profit = Region::ALL.map(|r| add(&cat::PROFIT, &[r.key()]));
        let exports_cn = add(&cat::EXPORTS_CN, &[]);
        let licence_rent = add(&cat::LICENCE_RENT, &[]);
        let balance = add(&cat::BALANCE, &[]);
        MetricIndex {
            names: names.into(),
            price,
            price_ndpr,
            incentive,
            demand,
            shortage,
            shortage_magnet,
            stock,
            recycled_share,
            mine_world,
            separation_world,
            magnet_world,
            mine_cn_share,
            separation_cn_share,
            magnet_cn_share,
            row_supply_share,
            deep_processing_cn_share,
            ev_ree_free_share,
            wastewater_cn,
            residue,
            profit,
            exports_cn,
            licence_rent,
            balance,
        }
    }
}

impl Default for MetricIndex {
    fn default() -> Self {
        MetricIndex::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metrics_written_are_the_catalogs_monthly_metrics_in_order() {
        let index = MetricIndex::new();
        assert_eq!(
            index.names.to_vec(),
            cat::names(cat::Table::Summary),
            "crates/sim/src/metrics.rs and remsim_core::catalog disagree"
        );
    }
}
