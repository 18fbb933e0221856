//! The rows of the metric catalog (see the parent module): one constant per metric or
//! outcome pattern, one line each, and [`ENTRIES`], all of them in order.

use super::{Entry, Kind, Table};

const fn entry(key: &'static str, table: Table, kind: Kind, unit: &'static str, label: &'static str, description: &'static str) -> Entry {
    Entry { key, table, kind, unit, label, description }
}
const fn series(key: &'static str, unit: &'static str, label: &'static str, description: &'static str) -> Entry {
    entry(key, Table::Summary, Kind::Series, unit, label, description)
}
const fn share(key: &'static str, label: &'static str, description: &'static str) -> Entry {
    entry(key, Table::Summary, Kind::Share, SHARE_UNIT, label, description)
}
const fn share_in_trial(key: &'static str, label: &'static str, description: &'static str) -> Entry {
    entry(key, Table::Trials, Kind::Share, SHARE_UNIT, label, description)
}
const fn outcome(key: &'static str, unit: &'static str, label: &'static str, description: &'static str) -> Entry {
    entry(key, Table::Trials, Kind::Outcome, unit, label, description)
}

/// The unit of every share.
pub const SHARE_UNIT: &str = "fraction (0-1)";

// --- Monthly metrics (summary.csv), in the order the simulation writes them -------------

/// `price.{el}.{region}`.
pub const PRICE: Entry = series("price.{el}.{region}", "USD/kg", "{el} oxide price, {region}", "Clearing price of {el} oxide in {region}.");
/// `price.ndpr.{region}`.
pub const PRICE_NDPR: Entry = series("price.ndpr.{region}", "USD/kg", "NdPr oxide price, {region}", "Traded NdPr oxide (75% Nd2O3, 25% Pr6O11 by mass, the grade SMM and Asian Metal quote): the composition-weighted mean of the Nd and Pr oxide prices in {region}.");
/// `incentive_price.{el}`.
pub const INCENTIVE_PRICE: Entry = series("incentive_price.{el}", "USD/kg", "{el} incentive price", "Long-run incentive price of {el} oxide in the rest of the world: what the marginal greenfield project ([entry] for light elements, [heavy_entry] for heavy ones) needs to earn its full cost, spread over its basket at opening relative prices (docs/model.md).");
/// `mine.world_t`.
pub const MINE_WORLD: Entry = series("mine.world_t", "t REO per month", "World output of mining", "Rare-earth oxide content of the world's mine output.");
/// `separation.world_t`.
pub const SEPARATION_WORLD: Entry = series("separation.world_t", "t REO per month", "World output of separation", "Separated oxide produced by the world's separators.");
/// `magnet.world_t`.
pub const MAGNET_WORLD: Entry = series("magnet.world_t", "t REO per month", "World output of magnet making", "Rare-earth content of the NdFeB magnets made worldwide.");
/// `mine.cn_share`.
pub const MINE_CN_SHARE: Entry = share("mine.cn_share", "China's share of mining", "China's share of world mine output (t REO).");
/// `separation.cn_share`.
pub const SEPARATION_CN_SHARE: Entry = share("separation.cn_share", "China's share of separation", "China's share of world separated oxide output.");
/// `magnet.cn_share`.
pub const MAGNET_CN_SHARE: Entry = share("magnet.cn_share", "China's share of magnet making", "China's share of world magnet output.");
/// `row_supply_share`.
pub const ROW_SUPPLY_SHARE: Entry = share("row_supply_share", "Ex-China mine output over world demand", "Mine output outside China divided by world demand (may exceed 1).");
/// `deep_processing.cn_share`.
pub const DEEP_PROCESSING_CN_SHARE: Entry = share("deep_processing.cn_share", "China's share of deep processing", "China's own deep-processing use of its separated output, as a share.");
/// `demand.{el}_t`.
pub const DEMAND: Entry = series("demand.{el}_t", "t REO per month", "{el} demand", "End users' and magnet makers' demand for {el} oxide.");
/// `shortage.{el}_t`.
pub const SHORTAGE: Entry = series("shortage.{el}_t", "t REO per month", "{el} shortage (unmet demand)", "Demand for {el} oxide that found no supply.");
/// `stock.{el}_t`.
pub const STOCK: Entry = series("stock.{el}_t", "t REO", "{el} stocks", "Stocks of {el} oxide held by merchants, producers and stockpiles, end of month.");
/// `shortage.magnet_t`.
pub const SHORTAGE_MAGNET: Entry = series("shortage.magnet_t", "t REO per month", "Magnet shortage (unmade magnets)", "Rare-earth content of magnets ordered that no maker had the capacity to make: a shortage of magnet-making capacity, not of any element.");
/// `recycled_share.{mel}`.
pub const RECYCLED_SHARE: Entry = share("recycled_share.{mel}", "Recycled share of {mel} supply", "Recycled {mel} oxide as a share of all {mel} oxide supplied.");
/// `ev.ree_free_share`.
pub const EV_REE_FREE_SHARE: Entry = share("ev.ree_free_share", "Rare-earth-free motors, share of new EVs", "Share of new electric vehicles with rare-earth-free motors.");
/// `wastewater.cn_t`.
pub const WASTEWATER_CN: Entry = series("wastewater.cn_t", "t wastewater per month", "Leaching wastewater, China", "Wastewater from heap, pond and in-situ leaching in China.");
/// `radioactive_residue.{region}_t`.
pub const RADIOACTIVE_RESIDUE: Entry = series("radioactive_residue.{region}_t", "t residue per month", "Radioactive residue, {region}", "Thorium- and uranium-bearing residue (monazite cracking) produced in {region}.");
/// `profit.{region}_musd`.
pub const PROFIT: Entry = series("profit.{region}_musd", "million USD per month", "Industry profit, {region}", "Operating profit of all producers in {region}.");
/// `exports.cn_t`.
pub const EXPORTS_CN: Entry = series("exports.cn_t", "t REO per month", "China's net oxide exports", "China's oxide exports to the rest of the world less its oxide imports from it, all elements (negative when China imports more than it exports).");
/// `export_licence.rent_usd_per_kg`.
pub const LICENCE_RENT: Entry = series("export_licence.rent_usd_per_kg", "USD/kg", "Export licence rent", "What a licence under an all-element export quota earned per kg exported (zero without one).");
/// `balance.max_rel_error`.
pub const BALANCE: Entry = series("balance.max_rel_error", "relative error", "Worst mass-balance residual", "Largest relative mass-balance residual over the elements this month.");

// --- Per-trial outcomes (trials.csv) ------------------------------------------------------

/// `seed`, the column of `trials.csv` after `trial`: not computed from the trajectory.
pub const SEED: Entry = outcome("seed", "integer (u64)", "Trial seed", "The trial's own seed, derived from the master seed and the trial index.");
/// `peak_price.{mel}.{region}_usd_per_kg`.
pub const PEAK_PRICE: Entry = outcome("peak_price.{mel}.{region}_usd_per_kg", "USD/kg", "Peak {mel} price, {region}", "Highest monthly {mel} oxide price in {region} over the horizon.");
/// `peak_month.{mel}.{region}`.
pub const PEAK_MONTH: Entry = outcome("peak_month.{mel}.{region}", "YYYY-MM", "Month of the peak {mel} price, {region}", "First month in which the {mel} oxide price in {region} reached its peak.");
/// `cap_months.{el}.{region}`.
pub const CAP_MONTHS: Entry = outcome("cap_months.{el}.{region}", "months", "Months at the {el} price cap, {region}", "Number of months in which the {el} oxide price in {region} stood at its cap (the backstop price, price_cap_multiple x its opening level).");
/// `floor_months.{el}.{region}`.
pub const FLOOR_MONTHS: Entry = outcome("floor_months.{el}.{region}", "months", "Months at the {el} price floor, {region}", "Number of months in which the {el} oxide price in {region} stood at its floor (the market floor or the storage floor, storage_floor_share x its incentive price, whichever is higher).");
/// `shortage_months.{el}`.
pub const SHORTAGE_MONTHS: Entry = outcome("shortage_months.{el}", "months", "Months with a {el} shortage", "Number of months with unmet {el} demand.");
/// `shortage_cum.{el}_t`.
pub const SHORTAGE_CUM: Entry = outcome("shortage_cum.{el}_t", "t REO", "Cumulative {el} shortage", "Unmet {el} demand summed over the horizon.");
/// `shortage_months.magnet`.
pub const SHORTAGE_MONTHS_MAGNET: Entry = outcome("shortage_months.magnet", "months", "Months with a magnet shortage", "Number of months in which magnets were ordered that no maker had the capacity to make.");
/// `shortage_cum.magnet_t`.
pub const SHORTAGE_CUM_MAGNET: Entry = outcome("shortage_cum.magnet_t", "t REO", "Cumulative magnet shortage", "Rare-earth content of unmade magnets summed over the horizon.");
/// `{stage}.cn_share.{year}`.
pub const CN_SHARE_IN_YEAR: Entry = share_in_trial("{stage}.cn_share.{year}", "China's share of {stage} in {year}", "China's share of world {stage}, mean of the months of {year}.");
/// `row_supply_share.{year}`.
pub const ROW_SUPPLY_SHARE_IN_YEAR: Entry = share_in_trial("row_supply_share.{year}", "Ex-China mine output over demand in {year}", "Mine output outside China over world demand, mean of the months of {year}.");
/// `profit_cum.{region}_musd`.
pub const PROFIT_CUM: Entry = outcome("profit_cum.{region}_musd", "million USD", "Cumulative profit, {region}", "Operating profit of all producers in {region}, summed over the horizon.");
/// `ev.ree_free_share.2035`.
pub const EV_REE_FREE_SHARE_2035: Entry = share_in_trial("ev.ree_free_share.2035", "Rare-earth-free share of new EVs in 2035", "Share of new EVs with rare-earth-free motors, mean of the months of 2035.");
/// `wastewater_cum.cn_t`.
pub const WASTEWATER_CUM_CN: Entry = outcome("wastewater_cum.cn_t", "t wastewater", "Cumulative leaching wastewater, China", "Leaching wastewater in China, summed over the horizon.");
/// `radioactive_residue_cum.{region}_t`.
pub const RADIOACTIVE_RESIDUE_CUM: Entry = outcome("radioactive_residue_cum.{region}_t", "t residue", "Cumulative radioactive residue, {region}", "Radioactive residue produced in {region}, summed over the horizon.");
/// `price_mean.ndpr.{region}.{year}`.
pub const PRICE_MEAN_NDPR: Entry = outcome("price_mean.ndpr.{region}.{year}", "USD/kg", "Mean NdPr price in {year}, {region}", "Mean traded NdPr oxide price (`price.ndpr.{region}`: 75% Nd, 25% Pr) in {region} over the months of {year}.");
/// `price_mean.dy.{region}.{year}`.
pub const PRICE_MEAN_DY: Entry = outcome("price_mean.dy.{region}.{year}", "USD/kg", "Mean Dy price in {year}, {region}", "Mean Dy oxide price in {region} over the months of {year}.");
/// `shortage_any.dy_tb.by_2035`.
pub const DY_TB_SHORTAGE_BY_2035: Entry = entry("shortage_any.dy_tb.by_2035", Table::Trials, Kind::Probability, "0/1 flag", "Any Dy or Tb shortage by 2035", "1 if Dy or Tb demand went unmet in any month up to the end of 2035, else 0; its mean across trials is the probability.");
/// `balance.max_rel_error` of `trials.csv`.
pub const BALANCE_WORST: Entry = outcome("balance.max_rel_error", "relative error", "Worst mass-balance residual", "Largest relative mass-balance residual over all elements and months of the trial.");

/// Every entry: the monthly metrics in the order the simulation writes them, then the
/// per-trial outcomes.
pub const ENTRIES: [&Entry; 42] = [
    &PRICE,
    &PRICE_NDPR,
    &INCENTIVE_PRICE,
    &MINE_WORLD,
    &SEPARATION_WORLD,
    &MAGNET_WORLD,
    &MINE_CN_SHARE,
    &SEPARATION_CN_SHARE,
    &MAGNET_CN_SHARE,
    &ROW_SUPPLY_SHARE,
    &DEEP_PROCESSING_CN_SHARE,
    &DEMAND,
    &SHORTAGE,
    &STOCK,
    &SHORTAGE_MAGNET,
    &RECYCLED_SHARE,
    &EV_REE_FREE_SHARE,
    &WASTEWATER_CN,
    &RADIOACTIVE_RESIDUE,
    &PROFIT,
    &EXPORTS_CN,
    &LICENCE_RENT,
    &BALANCE,
    &SEED,
    &PEAK_PRICE,
    &PEAK_MONTH,
    &CAP_MONTHS,
    &FLOOR_MONTHS,
    &SHORTAGE_MONTHS,
    &SHORTAGE_CUM,
    &SHORTAGE_MONTHS_MAGNET,
    &SHORTAGE_CUM_MAGNET,
    &CN_SHARE_IN_YEAR,
    &ROW_SUPPLY_SHARE_IN_YEAR,
    &PROFIT_CUM,
    &EV_REE_FREE_SHARE_2035,
    &WASTEWATER_CUM_CN,
    &RADIOACTIVE_RESIDUE_CUM,
    &PRICE_MEAN_NDPR,
    &PRICE_MEAN_DY,
    &DY_TB_SHORTAGE_BY_2035,
    &BALANCE_WORST,
];
