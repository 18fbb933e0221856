//! The metrics one trial writes every tick: their names (the contract with the scheduler,
//! reports and users) and their column positions.

use remsim_core::Element;
use std::sync::Arc;

/// Elements that carry prices and appear in per-element metrics: all but Pm, which has no
/// supply.
pub fn traded_elements() -> impl Iterator<Item = Element> {
    Element::ALL.into_iter().filter(|e| *e != Element::Pm)
}

/// Elements whose recycled share is reported.
pub const RECYCLED_ELEMENTS: [Element; 4] = [Element::Nd, Element::Pr, Element::Dy, Element::Tb];

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
    /// `demand.<el>_t` by element index.
    pub demand: [usize; 17],
    /// `shortage.<el>_t` by element index.
    pub shortage: [usize; 17],
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
        let mut add = |name: String| {
            names.push(name);
            names.len() - 1
        };
        let mut price = [[usize::MAX; 2]; 17];
        for e in traded_elements() {
            for (r, region) in ["cn", "row"].iter().enumerate() {
                price[e.index()][r] = add(format!("price.{}.{region}", e.key()));
            }
        }
        let price_ndpr = [add("price.ndpr.cn".into()), add("price.ndpr.row".into())];
        let mine_world = add("mine.world_t".into());
        let separation_world = add("separation.world_t".into());
        let magnet_world = add("magnet.world_t".into());
        let mine_cn_share = add("mine.cn_share".into());
        let separation_cn_share = add("separation.cn_share".into());
        let magnet_cn_share = add("magnet.cn_share".into());
        let row_supply_share = add("row_supply_share".into());
        let deep_processing_cn_share = add("deep_processing.cn_share".into());
        let mut demand = [usize::MAX; 17];
        let mut shortage = [usize::MAX; 17];
        let mut stock = [usize::MAX; 17];
        for e in traded_elements() {
            demand[e.index()] = add(format!("demand.{}_t", e.key()));
        }
        for e in traded_elements() {
            shortage[e.index()] = add(format!("shortage.{}_t", e.key()));
        }
        for e in traded_elements() {
            stock[e.index()] = add(format!("stock.{}_t", e.key()));
        }
        let mut recycled_share = [0; 4];
        for (i, e) in RECYCLED_ELEMENTS.iter().enumerate() {
            recycled_share[i] = add(format!("recycled_share.{}", e.key()));
        }
        let ev_ree_free_share = add("ev.ree_free_share".into());
        let wastewater_cn = add("wastewater.cn_t".into());
        let residue = [
            add("radioactive_residue.cn_t".into()),
            add("radioactive_residue.row_t".into()),
        ];
        let profit = [add("profit.cn_musd".into()), add("profit.row_musd".into())];
        let exports_cn = add("exports.cn_t".into());
        let licence_rent = add("export_licence.rent_usd_per_kg".into());
        let balance = add("balance.max_rel_error".into());
        MetricIndex {
            names: names.into(),
            price,
            price_ndpr,
            demand,
            shortage,
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
