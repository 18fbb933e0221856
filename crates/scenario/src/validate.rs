//! Validation of meaning: what serde's types cannot say. Shares lie in [0, 1], capacities
//! and costs are ≥ 0, element distributions sum to 100 % (± 0.5), dates lie inside the
//! horizon, names of elements, countries, deposits and regions exist (with a "did you mean"
//! when they nearly do), agent ids are unique, every quantity stays below a stated
//! plausibility bound for its unit ([`crate::bounds`]), and shock windows are not reversed.

use crate::bounds::implausible;
use crate::path::FieldPath;
use crate::schema::*;
#[allow(unused_imports)]
use crate::shocks::*;
use remsim_core::{Country, DepositProfile, Element, Month, Region};
use std::collections::BTreeMap;

mod shocks;
use shocks::check_shocks;

/// Tolerance on element distributions that should sum to 100 %.
pub const PERCENT_TOLERANCE: f64 = 0.5;
/// Best demonstrated recovery of rare earths from magnet scrap (source paper, §2.2).
pub const MAX_RECYCLING_RECOVERY: f64 = 0.92;

/// Collects problems as (path, message).
struct Checker {
    start: Month,
    end: Month,
    problems: Vec<(FieldPath, String)>,
}

impl Checker {
    fn fail(&mut self, path: FieldPath, message: String) {
        self.problems.push((path, message));
    }

    fn non_negative(&mut self, path: &FieldPath, field: &str, value: f64) {
        if !(value >= 0.0 && value.is_finite()) {
            self.fail(
                path.key(field),
                format!("expected a number ≥ 0, found {value}"),
            );
        } else {
            self.plausible(path, field, value);
        }
    }

    fn positive(&mut self, path: &FieldPath, field: &str, value: f64) {
        if !(value > 0.0 && value.is_finite()) {
            self.fail(
                path.key(field),
                format!("expected a number > 0, found {value}"),
            );
        } else {
            self.plausible(path, field, value);
        }
    }

    /// Refuses a finite number above the stated bound for its unit.
    fn plausible(&mut self, path: &FieldPath, field: &str, value: f64) {
        if let Some(message) = implausible(field, value) {
            self.fail(path.key(field), message);
        }
    }

    fn share(&mut self, path: &FieldPath, field: &str, value: f64) {
        self.range(path, field, value, 0.0, 1.0, "a share");
    }

    fn range(&mut self, path: &FieldPath, field: &str, value: f64, lo: f64, hi: f64, what: &str) {
        if !(value >= lo && value <= hi) {
            self.fail(
                path.key(field),
                format!("expected {what} in [{lo}, {hi}], found {value}"),
            );
        }
    }

    fn units(&mut self, path: &FieldPath, count: u32) {
        if !(1..=MAX_UNITS_PER_ENTRY).contains(&count) {
            self.fail(
                path.key("count"),
                format!("expected between 1 and {MAX_UNITS_PER_ENTRY} units, found {count}"),
            );
        }
    }

    fn month_in_horizon(&mut self, path: &FieldPath, field: &str, month: Option<Month>) {
        if let Some(m) = month
            && (m < self.start || m > self.end)
        {
            self.fail(
                path.key(field),
                format!(
                    "expected a month inside the horizon {} .. {}, found {m}",
                    self.start, self.end
                ),
            );
        }
    }

    fn country(&mut self, path: &FieldPath, code: &str) -> Option<Country> {
        match Country::parse(code) {
            Ok(c) => Some(c),
            Err(e) => {
                self.fail(path.key("country"), e.to_string());
                None
            }
        }
    }

    fn region(&mut self, path: &FieldPath, field: &str, text: Option<&str>) {
        if let Some(t) = text
            && Region::parse(t).is_none()
        {
            self.fail(
                path.key(field),
                format!("expected a region, `cn` or `row`, found `{t}`"),
            );
        }
    }

    fn deposit(&mut self, path: &FieldPath, name: &str) {
        if let Err(e) = DepositProfile::named(name) {
            self.fail(path.key("deposit"), e.to_string());
        }
    }

    /// Checks element keys; returns the parsed map (unknown keys dropped).
    fn elements(&mut self, path: &FieldPath, map: &ElementMap) -> BTreeMap<Element, f64> {
        let mut out = BTreeMap::new();
        for (key, value) in map {
            match Element::parse(key) {
                Ok(e) => {
                    if out.insert(e, *value).is_some() {
                        self.fail(path.key(key), format!("element {e} given twice"));
                    }
                    if !(*value >= 0.0 && value.is_finite()) {
                        self.fail(
                            path.key(key),
                            format!("expected a number ≥ 0, found {value}"),
                        );
                    } else if let Some(message) = implausible(&path.to_string(), *value) {
                        // The map's own name carries the unit (e.g. `…_usd_per_kg`).
                        self.fail(path.key(key), message);
                    }
                }
                Err(err) => self.fail(path.key(key), err.to_string()),
            }
        }
        out
    }

    fn percent(&mut self, path: &FieldPath, map: &ElementMap) {
        let parsed = self.elements(path, map);
        if parsed.len() != map.len() {
            return; // a key is already reported; the sum would mislead
        }
        let total: f64 = parsed.values().sum();
        if (total - 100.0).abs() > PERCENT_TOLERANCE {
            self.fail(
                path.clone(),
                format!("expected element shares summing to 100 % (± {PERCENT_TOLERANCE}), found {total:.2} %"),
            );
        }
    }
}

/// Every problem in `config`, as (path, message), in a fixed order.
pub fn validate(config: &ScenarioConfig) -> Vec<(FieldPath, String)> {
    let mut c = Checker {
        start: config.scenario.start,
        end: config.scenario.end,
        problems: Vec::new(),
    };
    let meta = FieldPath::keys(&["scenario"]);
    if config.scenario.end < config.scenario.start {
        c.fail(
            meta.key("end"),
            format!(
                "expected the end ({}) on or after the start ({})",
                config.scenario.end, config.scenario.start
            ),
        );
    } else if config.scenario.end.months_since(config.scenario.start) > 12 * 200 {
        c.fail(
            meta.key("end"),
            "expected a horizon of at most 200 years".to_string(),
        );
    }
    if !c.problems.is_empty() {
        // Every date check below depends on a sound horizon.
        return c.problems;
    }
    check_market(&mut c, &config.market);
    let tick = FieldPath::keys(&["tick"]);
    for k in config.tick.entries() {
        c.range(&tick, k.key, k.value, k.min, k.max, k.unit);
    }
    check_environment(&mut c, &config.environment);
    let mut ids = Ids::default();
    check_mines_plants(&mut c, &mut ids, config);
    check_rivals_recyclers(&mut c, &mut ids, config);
    check_demand(&mut c, &mut ids, config);
    check_china(&mut c, config);
    if let Some(entry) = &config.entry {
        check_entry(&mut c, "entry", entry);
    }
    if let Some(entry) = &config.heavy_entry {
        check_entry(&mut c, "heavy_entry", entry);
    }
    check_stockpile(
        &mut c,
        &FieldPath::keys(&["policy", "rest_of_world", "stockpile"]),
        &config.policy.rest_of_world.stockpile,
    );

    c.problems
}

/// The ids in use, and where each was first used: every agent id must be unique.
#[derive(Default)]
struct Ids(BTreeMap<String, FieldPath>);

impl Ids {
    fn unique(&mut self, c: &mut Checker, path: FieldPath, id: &str) {
        if id.is_empty() {
            c.fail(path.key("id"), "expected a non-empty id".to_string());
        } else if let Some(first) = self.0.get(id) {
            c.fail(
                path.key("id"),
                format!("id `{id}` is already used by {first}"),
            );
        } else {
            self.0.insert(id.to_string(), path);
        }
    }
}

/// Miners, separators and magnet makers.
fn check_mines_plants(c: &mut Checker, ids: &mut Ids, config: &ScenarioConfig) {
    let list = FieldPath::keys(&["miners"]);
    for m in &config.miners {
        let p = list.id(&m.id);
        ids.unique(c, p.clone(), &m.id);
        let country = c.country(&p, &m.country);
        c.deposit(&p, &m.deposit);
        if let Some(d) = &m.distribution_pct {
            c.percent(&p.key("distribution_pct"), d);
        }
        c.non_negative(&p, "capacity_t", m.capacity_t);
        c.share(&p, "utilisation", m.utilisation);
        c.non_negative(&p, "reserves_t", m.reserves_t);
        c.range(&p, "grade_pct", m.grade_pct, 0.0, 100.0, "a percentage");
        c.non_negative(&p, "cash_cost_usd_per_kg", m.cash_cost_usd_per_kg);
        c.non_negative(&p, "depletion_cost_rise", m.depletion_cost_rise);
        c.non_negative(&p, "expansion_capex_usd_per_t", m.expansion_capex_usd_per_t);
        c.non_negative(&p, "expansion_lead_time_years", m.expansion_lead_time_years);
        c.range(
            &p,
            "expansion_step",
            m.expansion_step,
            0.0,
            1.0,
            "a fraction of capacity",
        );
        c.month_in_horizon(&p, "start", m.start);
        c.units(&p, m.count);
        c.region(&p, "sells_to", m.sells_to.as_deref());
        let leached = DepositProfile::named(&m.deposit).is_ok_and(|d| d.deposit_type.is_leached());
        if leached && m.leaching.is_none() {
            c.fail(
                p.key("leaching"),
                "expected `heap_pond` or `in_situ` for an ion-adsorption clay mine".to_string(),
            );
        }
        if country == Some(Country::CN) && m.quota_group.is_none() && m.owner != Owner::SmallIllegal
        {
            c.fail(
                p.key("quota_group"),
                "expected `hard_rock` or `ion_clay`: every licensed Chinese mine draws on a quota"
                    .to_string(),
            );
        }
    }

    let list = FieldPath::keys(&["separators"]);
    for s in &config.separators {
        let p = list.id(&s.id);
        ids.unique(c, p.clone(), &s.id);
        c.country(&p, &s.country);
        c.non_negative(&p, "capacity_t", s.capacity_t);
        c.share(&p, "utilisation", s.utilisation);
        c.share(&p, "recovery", s.recovery);
        c.non_negative(&p, "cost_usd_per_kg", s.cost_usd_per_kg);
        c.non_negative(&p, "acid_waste_t_per_t", s.acid_waste_t_per_t);
        c.month_in_horizon(&p, "start", s.start);
        if s.purity != "standard" && s.purity != "high" {
            c.fail(
                p.key("purity"),
                format!("expected `standard` or `high`, found `{}`", s.purity),
            );
        }
    }

    let list = FieldPath::keys(&["magnet_makers"]);
    for m in &config.magnet_makers {
        let p = list.id(&m.id);
        ids.unique(c, p.clone(), &m.id);
        c.country(&p, &m.country);
        c.non_negative(&p, "capacity_t", m.capacity_t);
        c.share(&p, "utilisation", m.utilisation);
        c.share(&p, "re_content", m.re_content);
        c.percent(&p.key("recipe_pct"), &m.recipe_pct);
        c.share(&p, "gbd_share", m.gbd_share);
        c.share(&p, "gbd_heavy_cut", m.gbd_heavy_cut);
        c.share(&p, "ce_substitution", m.ce_substitution);
        c.share(&p, "yield_share", m.yield_share);
        c.non_negative(&p, "cost_usd_per_kg", m.cost_usd_per_kg);
        c.non_negative(&p, "expansion_lead_time_years", m.expansion_lead_time_years);
        c.units(&p, m.count);
    }
}

/// Rival projects and recyclers.
fn check_rivals_recyclers(c: &mut Checker, ids: &mut Ids, config: &ScenarioConfig) {
    let list = FieldPath::keys(&["rivals"]);
    for r in &config.rivals {
        let p = list.id(&r.id);
        ids.unique(c, p.clone(), &r.id);
        c.country(&p, &r.country);
        match (&r.deposit, r.stage) {
            (Some(d), _) => c.deposit(&p, d),
            (None, Stage::Mine) => c.fail(
                p.key("deposit"),
                "expected a deposit (element distribution) for a mine".to_string(),
            ),
            _ => {}
        }
        c.non_negative(&p, "capacity_t", r.capacity_t);
        c.share(&p, "initial_utilisation", r.initial_utilisation);
        c.non_negative(&p, "cash_cost_usd_per_kg", r.cash_cost_usd_per_kg);
        c.share(&p, "recovery", r.recovery);
        if let Some(d) = r.decision
            && d > c.end
        {
            c.fail(
                p.key("decision"),
                format!(
                    "expected a month before the horizon ends ({}), found {d}",
                    c.end
                ),
            );
        }
        c.non_negative(&p, "permitting_delay_years", r.permitting_delay_years);
        c.non_negative(&p, "construction_years", r.construction_years);
        c.non_negative(&p, "ramp_years", r.ramp_years);
        c.share(&p, "opposition_probability", r.opposition_probability);
        c.non_negative(&p, "opposition_delay_years", r.opposition_delay_years);
        c.share(&p, "failure_probability", r.failure_probability);
        c.non_negative(&p, "subsidy_usd_per_kg", r.subsidy_usd_per_kg);
        c.share(&p, "offtake_share", r.offtake_share);
        c.non_negative(&p, "price_floor_usd_per_kg", r.price_floor_usd_per_kg);
        c.share(&p, "chinese_owned_share", r.chinese_owned_share);
        c.region(&p, "sells_to", r.sells_to.as_deref());
    }

    let list = FieldPath::keys(&["recyclers"]);
    for r in &config.recyclers {
        let p = list.id(&r.id);
        ids.unique(c, p.clone(), &r.id);
        c.country(&p, &r.country);
        c.non_negative(&p, "capacity_t", r.capacity_t);
        c.share(&p, "collection_rate", r.collection_rate);
        c.range(
            &p,
            "recovery",
            r.recovery,
            0.0,
            MAX_RECYCLING_RECOVERY,
            "a recovery share (92 % is the best demonstrated, source paper §2.2)",
        );
        c.non_negative(&p, "cost_usd_per_kg", r.cost_usd_per_kg);
    }
}

/// Demand sectors.
fn check_demand(c: &mut Checker, ids: &mut Ids, config: &ScenarioConfig) {
    let list = FieldPath::keys(&["demand"]);
    for d in &config.demand {
        let p = list.id(&d.id);
        ids.unique(c, p.clone(), &d.id);
        c.non_negative(&p, "base_t", d.base_t);
        c.share(&p, "cn_share", d.cn_share);
        c.range(
            &p,
            "growth_per_year",
            d.growth_per_year,
            -0.5,
            1.0,
            "a yearly growth rate",
        );
        c.range(
            &p,
            "elasticity",
            d.elasticity,
            -5.0,
            0.0,
            "a price elasticity",
        );
        c.range(
            &p,
            "long_run_elasticity",
            d.long_run_elasticity,
            -5.0,
            0.0,
            "a price elasticity",
        );
        c.positive(&p, "adjustment_years", d.adjustment_years);
        c.non_negative(&p, "lifetime_years", d.lifetime_years);
        c.positive(&p, "lifetime_shape", d.lifetime_shape);
        c.range(&p, "noise_sd", d.noise_sd, 0.0, 1.0, "a standard deviation");
        match (d.kind, &d.mix_pct) {
            (DemandKind::Oxide, Some(mix)) => c.percent(&p.key("mix_pct"), mix),
            (DemandKind::Oxide, None) => c.fail(
                p.key("mix_pct"),
                "expected the element mix (percent by element) of an oxide demand sector"
                    .to_string(),
            ),
            (DemandKind::Magnet, Some(_)) => c.fail(
                p.key("mix_pct"),
                "a magnet sector buys magnets, whose recipe the magnet makers set: remove mix_pct"
                    .to_string(),
            ),
            (DemandKind::Magnet, None) => {}
        }
        if let Some(a) = &d.ree_free {
            let ap = p.key("ree_free");
            c.range(
                &ap,
                "midpoint_year",
                a.midpoint_year,
                1900.0,
                2300.0,
                "a year",
            );
            c.positive(&ap, "steepness", a.steepness);
            c.share(&ap, "ceiling", a.ceiling);
            c.non_negative(&ap, "price_pull_years", a.price_pull_years);
        }
    }
}

/// China's policy, and the shocks (checked in between, in the order problems were always listed).
fn check_china(c: &mut Checker, config: &ScenarioConfig) {
    let china = FieldPath::keys(&["policy", "china"]);
    let cp = &config.policy.china;
    c.non_negative(&china, "hard_rock_quota_t", cp.hard_rock_quota_t);
    c.non_negative(&china, "ion_clay_quota_t", cp.ion_clay_quota_t);
    c.range(
        &china,
        "quota_growth_per_year",
        cp.quota_growth_per_year,
        -0.5,
        1.0,
        "a yearly growth rate",
    );
    if let Some(growth) = cp.ion_clay_quota_growth_per_year {
        c.range(
            &china,
            "ion_clay_quota_growth_per_year",
            growth,
            -0.5,
            1.0,
            "a yearly growth rate",
        );
    }
    c.elements(&china.key("element_quota_t"), &cp.element_quota_t);
    c.elements(&china.key("export_quota_t"), &cp.export_quota_t);
    let tariffs = c.elements(&china.key("export_tariff"), &cp.export_tariff);
    for (e, t) in tariffs {
        if t > 5.0 {
            c.fail(
                china.key("export_tariff").key(&e.key()),
                format!("expected a tariff as a fraction of value (0.25 = 25 %), found {t}"),
            );
        }
    }
    for (i, name) in cp.export_licence_elements.iter().enumerate() {
        if let Err(e) = Element::parse(name) {
            c.fail(china.key("export_licence_elements").index(i), e.to_string());
        }
    }
    if !cp.export_licence_elements.is_empty() {
        c.month_in_horizon(&china, "export_licence_from", cp.export_licence_from);
    }
    c.share(
        &china,
        "export_licence_approval",
        cp.export_licence_approval,
    );
    c.non_negative(
        &china,
        "export_licence_delay_months",
        cp.export_licence_delay_months,
    );
    let approvals = china.key("export_licence_approval_path");
    for (i, step) in cp.export_licence_approval_path.iter().enumerate() {
        let at = approvals.index(i);
        c.share(&at, "share", step.share);
        if !cp.export_licence_elements.is_empty() {
            c.month_in_horizon(&at, "month", Some(step.month));
        }
        if i > 0 && step.month <= cp.export_licence_approval_path[i - 1].month {
            c.fail(
                at.key("month"),
                format!("expected months in increasing order, found {}", step.month),
            );
        }
    }
    c.month_in_horizon(&china, "heap_pond_ban_from", cp.heap_pond_ban_from);
    check_shocks(c, config);
    let years = |path: &[QuotaYear]| path.iter().map(|y| y.year).collect::<Vec<_>>();
    check_years(c, &china.key("quota_path"), &years(&cp.quota_path));
    for (i, y) in cp.quota_path.iter().enumerate() {
        let q = china.key("quota_path").index(i);
        c.non_negative(&q, "hard_rock_t", y.hard_rock_t);
        c.non_negative(&q, "ion_clay_t", y.ion_clay_t);
    }
    let export_years: Vec<i32> = cp.export_quota_path.iter().map(|y| y.year).collect();
    check_years(c, &china.key("export_quota_path"), &export_years);
    for (i, y) in cp.export_quota_path.iter().enumerate() {
        c.non_negative(&china.key("export_quota_path").index(i), "t", y.t);
    }
    check_stockpile(c, &china.key("stockpile"), &cp.stockpile);
    c.range(
        &china,
        "quota_price_response",
        cp.quota_price_response,
        0.0,
        2.0,
        "an elasticity of the quota to the price",
    );
}

/// Greenfield entry.
fn check_entry(c: &mut Checker, section: &str, entry: &EntryConfig) {
    let p = FieldPath::keys(&[section]);
    c.country(&p, &entry.country);
    c.deposit(&p, &entry.deposit);
    c.non_negative(&p, "capacity_t", entry.capacity_t);
    c.non_negative(&p, "cash_cost_usd_per_kg", entry.cash_cost_usd_per_kg);
    c.non_negative(
        &p,
        "separation_cost_usd_per_kg",
        entry.separation_cost_usd_per_kg,
    );
    c.non_negative(&p, "hurdle", entry.hurdle);
    c.region(&p, "sells_to", entry.sells_to.as_deref());
    let [lo, hi] = entry.lead_time_years;
    if !(lo >= 0.0 && lo <= hi && hi.is_finite()) {
        c.fail(
            p.key("lead_time_years"),
            format!("expected [shortest, longest] with 0 ≤ shortest ≤ longest, found [{lo}, {hi}]"),
        );
    }
    c.non_negative(&p, "ramp_years", entry.ramp_years);
    c.share(&p, "failure_probability", entry.failure_probability);
}

fn check_market(c: &mut Checker, m: &MarketConfig) {
    let p = FieldPath::keys(&["market"]);
    c.non_negative(&p, "freight_usd_per_kg", m.freight_usd_per_kg);
    c.non_negative(&p, "price_floor_usd_per_kg", m.price_floor_usd_per_kg);
    if !(m.price_cap_multiple > 1.0 && m.price_cap_multiple.is_finite()) {
        c.fail(
            p.key("price_cap_multiple"),
            format!("expected a multiple > 1, found {}", m.price_cap_multiple),
        );
    }
    let prices = c.elements(
        &p.key("initial_price_cn_usd_per_kg"),
        &m.initial_price_cn_usd_per_kg,
    );
    for (e, price) in prices {
        if price <= 0.0 {
            c.fail(
                p.key("initial_price_cn_usd_per_kg").key(&e.key()),
                format!("expected a price > 0 USD/kg, found {price}"),
            );
        }
    }
    c.range(
        &p,
        "initial_row_premium",
        m.initial_row_premium,
        0.0,
        10.0,
        "a premium fraction",
    );
    c.non_negative(&p, "stock_target_months", m.stock_target_months);
    c.non_negative(&p, "initial_stock_months", m.initial_stock_months);
    c.share(&p, "expectation_smoothing", m.expectation_smoothing);
    c.non_negative(&p, "trend_following", m.trend_following);
    c.non_negative(&p, "stock_price_response", m.stock_price_response);
    c.non_negative(&p, "fundamental_weight", m.fundamental_weight);
    c.share(&p, "expectation_cost_weight", m.expectation_cost_weight);
    c.share(&p, "storage_floor_share", m.storage_floor_share);
    c.share(&p, "china_import_duty", m.china_import_duty);
    c.share(&p, "concentrate_payable_share", m.concentrate_payable_share);
    c.non_negative(&p, "magnet_markup", m.magnet_markup);
    let missing: Vec<&str> = Element::ALL
        .iter()
        .filter(|e| **e != Element::Pm)
        .filter(|e| {
            !m.initial_price_cn_usd_per_kg
                .keys()
                .any(|k| Element::parse(k).ok() == Some(**e))
        })
        .map(|e| e.symbol())
        .collect();
    if !missing.is_empty() {
        c.fail(
            p.key("initial_price_cn_usd_per_kg"),
            format!(
                "expected an opening price for every element but Pm; missing {}",
                missing.join(", ")
            ),
        );
    }
}

/// Years of a path (`quota_path`, `export_quota_path`): increasing and inside the horizon.
fn check_years(c: &mut Checker, path: &FieldPath, years: &[i32]) {
    let (first, last) = (c.start.year(), c.end.year());
    let mut previous = i32::MIN;
    for (i, &year) in years.iter().enumerate() {
        if year < first || year > last || year <= previous {
            c.fail(
                path.index(i).key("year"),
                format!(
                    "expected increasing years inside the horizon {first}..{last}, found {year}"
                ),
            );
        }
        previous = year;
    }
}

/// Names an agent of `kinds` by id, with a "did you mean" from those ids.
fn agent_ref(c: &mut Checker, path: FieldPath, id: &str, known: &[&str], what: &str) {
    if !known.contains(&id) {
        let hint = remsim_core::suggest::closest(id, known.iter().copied());
        c.fail(
            path,
            format!(
                "unknown {what} `{id}`{}",
                remsim_core::suggest::did_you_mean(&hint)
            ),
        );
    }
}

fn check_stockpile(c: &mut Checker, p: &FieldPath, s: &StockpileConfig) {
    c.elements(&p.key("target_months"), &s.target_months);
    c.non_negative(p, "buy_below", s.buy_below);
    c.non_negative(p, "release_above", s.release_above);
    if s.release_above > 0.0 && s.release_above <= s.buy_below {
        c.fail(
            p.key("release_above"),
            format!(
                "expected a release price above the buying price ({}), found {}",
                s.buy_below, s.release_above
            ),
        );
    }
}

fn check_environment(c: &mut Checker, e: &EnvironmentConfig) {
    let p = FieldPath::keys(&["environment"]);
    c.non_negative(
        &p,
        "heap_pond_wastewater_t_per_t",
        e.heap_pond_wastewater_t_per_t,
    );
    c.non_negative(
        &p,
        "in_situ_wastewater_t_per_t",
        e.in_situ_wastewater_t_per_t,
    );
    c.non_negative(&p, "in_situ_cost_premium", e.in_situ_cost_premium);
    c.non_negative(&p, "monazite_residue_t_per_t", e.monazite_residue_t_per_t);
}
