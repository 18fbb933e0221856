//! Validation of meaning: what serde's types cannot say. Shares lie in [0, 1], capacities
//! and costs are ≥ 0, element distributions sum to 100 % (± 0.5), dates lie inside the
//! horizon, names of elements, countries, deposits and regions exist (with a "did you mean"
//! when they nearly do), agent ids are unique, every quantity stays below a stated
//! plausibility bound for its unit ([`crate::bounds`]), and shock windows are not reversed.

use crate::bounds::{LOWEST_MAX, implausible};
use crate::path::FieldPath;
use crate::schema::*;
#[allow(unused_imports)]
use crate::shocks::*;
use remsim_core::{Country, DepositProfile, Element, Month, Region};

mod shocks;
use shocks::check_shocks;

/// Tolerance on element distributions that should sum to 100 %.
pub const PERCENT_TOLERANCE: f64 = 0.5;
/// Best demonstrated recovery of rare earths from magnet scrap (source paper, §2.2).
pub const MAX_RECYCLING_RECOVERY: f64 = 0.92;

/// Checks fields of one config section, in order, each named once:
/// `fields!(c, &p, s; share(recovery), range(grade_pct, 0.0, 100.0, "a percentage"))` is
/// `c.share(&p, "recovery", s.recovery); c.range(&p, "grade_pct", s.grade_pct, 0.0, 100.0,
/// "a percentage");`.
macro_rules! fields {
    ($c:ident, $p:expr, $x:expr; $($check:ident($field:ident $(, $arg:expr)*)),+ $(,)?) => {
        $( $c.$check($p, stringify!($field), $x.$field $(, $arg)*); )+
    };
}

/// A yearly growth rate's bounds and name.
const GROWTH_RATE: (f64, f64, &str) = (-0.5, 1.0, "a yearly growth rate");
/// A price elasticity's bounds and name.
const ELASTICITY: (f64, f64, &str) = (-5.0, 0.0, "a price elasticity");

/// Where a checked value lives, as a [`FieldPath`] written out only for a problem: the
/// checks pass far more often than they fail (each bound of every parameter is validated),
/// so a path is a chain of borrows until [`At::to_path`] allocates it.
#[derive(Clone, Copy)]
enum At<'a> {
    /// The whole file.
    Root,
    /// A path of keys from the root.
    Keys(&'a [&'a str]),
    /// Agent `id` of the top-level list named first: `list[id]`.
    Agent(&'a str, &'a str),
    /// A key below a path.
    Key(&'a At<'a>, &'a str),
    /// An agent id below a path.
    Id(&'a At<'a>, &'a str),
    /// An array index below a path.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    fn keys(keys: &'a [&'a str]) -> At<'a> {
        At::Keys(keys)
    }

    fn key<'b>(&'b self, key: &'b str) -> At<'b> {
        At::Key(self, key)
    }

    fn id<'b>(&'b self, id: &'b str) -> At<'b> {
        At::Id(self, id)
    }

    fn index(&self, index: usize) -> At<'_> {
        At::Index(self, index)
    }

    /// The path written out: [`FieldPath`]'s own `keys`, `key`, `id` and `index`.
    fn to_path(self) -> FieldPath {
        match self {
            At::Root => FieldPath::root(),
            At::Keys(keys) => FieldPath::keys(keys),
            At::Agent(list, id) => FieldPath::keys(&[list]).id(id),
            At::Key(parent, key) => parent.to_path().key(key),
            At::Id(parent, id) => parent.to_path().id(id),
            At::Index(parent, index) => parent.to_path().index(index),
        }
    }
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_path().fmt(f)
    }
}

/// An element map's values by parsed element, in element order (a `BTreeMap<Element, f64>`
/// without its allocations: its order, as [`Element`]'s `Ord` follows the index).
#[derive(Default)]
struct Elements {
    values: [Option<f64>; Element::COUNT],
    len: usize,
}

impl Elements {
    /// Sets `e`'s value; whether it had one already (the new value is kept).
    fn insert(&mut self, e: Element, value: f64) -> bool {
        let had = self.values[e.index()].replace(value).is_some();
        if !had {
            self.len += 1;
        }
        had
    }

    fn len(&self) -> usize {
        self.len
    }

    fn contains_key(&self, e: &Element) -> bool {
        self.values[e.index()].is_some()
    }

    /// (element, value) in element order.
    fn iter(&self) -> impl Iterator<Item = (Element, f64)> + '_ {
        Element::ALL
            .iter()
            .zip(&self.values)
            .filter_map(|(&e, v)| v.map(|v| (e, v)))
    }
}

/// Collects problems as (path, message).
struct Checker {
    start: Month,
    end: Month,
    problems: Vec<(FieldPath, String)>,
}

impl Checker {
    fn fail(&mut self, path: At<'_>, message: String) {
        self.problems.push((path.to_path(), message));
    }

    fn non_negative(&mut self, path: &At<'_>, field: &str, value: f64) {
        self.finite(path, field, value, value >= 0.0, "≥ 0");
    }

    fn positive(&mut self, path: &At<'_>, field: &str, value: f64) {
        self.finite(path, field, value, value > 0.0, "> 0");
    }

    /// Refuses a `value` that is not finite or not `ok` (`expected` says what is), and a
    /// finite one that is implausible.
    fn finite(&mut self, path: &At<'_>, field: &str, value: f64, ok: bool, expected: &str) {
        if !(ok && value.is_finite()) {
            self.fail(
                path.key(field),
                format!("expected a number {expected}, found {value}"),
            );
        } else {
            self.plausible(path, field, value);
        }
    }

    /// Refuses a finite number above the stated bound for its unit (no field's bound is
    /// below [`LOWEST_MAX`], so the field's unit is looked up only above it).
    fn plausible(&mut self, path: &At<'_>, field: &str, value: f64) {
        if value > LOWEST_MAX
            && let Some(message) = implausible(field, value)
        {
            self.fail(path.key(field), message);
        }
    }

    fn share(&mut self, path: &At<'_>, field: &str, value: f64) {
        self.range(path, field, value, 0.0, 1.0, "a share");
    }

    fn range(&mut self, path: &At<'_>, field: &str, value: f64, lo: f64, hi: f64, what: &str) {
        if !(value >= lo && value <= hi) {
            self.fail(
                path.key(field),
                format!("expected {what} in [{lo}, {hi}], found {value}"),
            );
        }
    }

    /// [`Checker::range`] with the bounds and name of a kind of number (e.g. [`GROWTH_RATE`]).
    fn range_of(&mut self, path: &At<'_>, field: &str, value: f64, kind: (f64, f64, &str)) {
        self.range(path, field, value, kind.0, kind.1, kind.2);
    }

    fn units(&mut self, path: &At<'_>, count: u32) {
        if !(1..=MAX_UNITS_PER_ENTRY).contains(&count) {
            self.fail(
                path.key("count"),
                format!("expected between 1 and {MAX_UNITS_PER_ENTRY} units, found {count}"),
            );
        }
    }

    fn month_in_horizon(&mut self, path: &At<'_>, field: &str, month: Option<Month>) {
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

    fn country(&mut self, path: &At<'_>, code: &str) -> Option<Country> {
        match Country::parse(code) {
            Ok(c) => Some(c),
            Err(e) => {
                self.fail(path.key("country"), e.to_string());
                None
            }
        }
    }

    fn region(&mut self, path: &At<'_>, field: &str, text: Option<&str>) {
        if let Some(t) = text
            && Region::parse(t).is_none()
        {
            self.fail(
                path.key(field),
                format!("expected a region, `cn` or `row`, found `{t}`"),
            );
        }
    }

    fn deposit(&mut self, path: &At<'_>, name: &str) {
        if let Err(e) = DepositProfile::named(name) {
            self.fail(path.key("deposit"), e.to_string());
        }
    }

    /// Checks element keys; returns the parsed map (unknown keys dropped).
    fn elements(&mut self, path: &At<'_>, map: &ElementMap) -> Elements {
        let mut out = Elements::default();
        // The map's own name, written out (once) for a key's plausibility check, only when
        // a value exceeds the lowest bound: at or below it no field's bound is exceeded.
        let mut field: Option<String> = None;
        for (key, value) in map {
            match Element::parse(key) {
                Ok(e) => {
                    if out.insert(e, *value) {
                        self.fail(path.key(key), format!("element {e} given twice"));
                    }
                    if !(*value >= 0.0 && value.is_finite()) {
                        self.fail(
                            path.key(key),
                            format!("expected a number ≥ 0, found {value}"),
                        );
                    } else if *value > LOWEST_MAX
                        && let Some(message) =
                            implausible(field.get_or_insert_with(|| path.to_string()), *value)
                    {
                        // The map's own name carries the unit (e.g. `…_usd_per_kg`).
                        self.fail(path.key(key), message);
                    }
                }
                Err(err) => self.fail(path.key(key), err.to_string()),
            }
        }
        out
    }

    fn percent(&mut self, path: &At<'_>, map: &ElementMap) {
        let parsed = self.elements(path, map);
        if parsed.len() != map.len() {
            return; // a key is already reported; the sum would mislead
        }
        let total: f64 = parsed.iter().map(|(_, v)| v).sum();
        if (total - 100.0).abs() > PERCENT_TOLERANCE {
            self.fail(
                *path,
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
    let meta = At::keys(&["scenario"]);
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
    let tick = At::keys(&["tick"]);
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
        &At::keys(&["policy", "rest_of_world", "stockpile"]),
        &config.policy.rest_of_world.stockpile,
    );

    c.problems
}

/// The ids in use, and the list (e.g. `miners`) where each was first used: every agent id
/// must be unique. The first use's path, `list[id]`, is written out only for a message.
/// Kept sorted by id (a map without a tree's allocations).
#[derive(Default)]
struct Ids<'a>(Vec<(&'a str, &'static str)>);

impl<'a> Ids<'a> {
    /// The path of agent `id` in `list`, after checking that the id is unique and the
    /// country known; the country, if it is.
    fn agent(
        &mut self,
        c: &mut Checker,
        list: &'static str,
        id: &'a str,
        country: &str,
    ) -> (At<'a>, Option<Country>) {
        let p = At::Agent(list, id);
        self.unique(c, &p, list, id);
        let country = c.country(&p, country);
        (p, country)
    }

    fn unique(&mut self, c: &mut Checker, path: &At<'_>, list: &'static str, id: &'a str) {
        if id.is_empty() {
            c.fail(path.key("id"), "expected a non-empty id".to_string());
        } else {
            match self.0.binary_search_by_key(&id, |&(id, _)| id) {
                Ok(at) => {
                    let first = At::Agent(self.0[at].1, id);
                    c.fail(
                        path.key("id"),
                        format!("id `{id}` is already used by {first}"),
                    );
                }
                Err(at) => self.0.insert(at, (id, list)),
            }
        }
    }
}

/// Miners, separators and magnet makers.
fn check_mines_plants<'a>(c: &mut Checker, ids: &mut Ids<'a>, config: &'a ScenarioConfig) {
    let list = "miners";
    for m in &config.miners {
        let (p, country) = ids.agent(c, list, &m.id, &m.country);
        c.deposit(&p, &m.deposit);
        if let Some(d) = &m.distribution_pct {
            c.percent(&p.key("distribution_pct"), d);
        }
        fields!(c, &p, m;
            non_negative(capacity_t),
            share(utilisation),
            non_negative(reserves_t),
            range(grade_pct, 0.0, 100.0, "a percentage"),
            non_negative(cash_cost_usd_per_kg),
            non_negative(depletion_cost_rise),
            non_negative(expansion_capex_usd_per_t),
            non_negative(expansion_lead_time_years),
            range(expansion_step, 0.0, 1.0, "a fraction of capacity"),
            month_in_horizon(start),
        );
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

    let list = "separators";
    for s in &config.separators {
        let (p, _) = ids.agent(c, list, &s.id, &s.country);
        fields!(c, &p, s;
            non_negative(capacity_t),
            share(utilisation),
            share(recovery),
            non_negative(cost_usd_per_kg),
            non_negative(acid_waste_t_per_t),
            month_in_horizon(start),
        );
        if s.purity != "standard" && s.purity != "high" {
            c.fail(
                p.key("purity"),
                format!("expected `standard` or `high`, found `{}`", s.purity),
            );
        }
    }

    let list = "magnet_makers";
    for m in &config.magnet_makers {
        let (p, _) = ids.agent(c, list, &m.id, &m.country);
        fields!(c, &p, m; non_negative(capacity_t), share(utilisation), share(re_content));
        c.percent(&p.key("recipe_pct"), &m.recipe_pct);
        fields!(c, &p, m;
            share(gbd_share),
            share(gbd_heavy_cut),
            share(ce_substitution),
            share(yield_share),
            non_negative(cost_usd_per_kg),
            non_negative(expansion_lead_time_years),
        );
        c.units(&p, m.count);
    }
}

/// Rival projects and recyclers.
fn check_rivals_recyclers<'a>(c: &mut Checker, ids: &mut Ids<'a>, config: &'a ScenarioConfig) {
    let list = "rivals";
    for r in &config.rivals {
        let (p, _) = ids.agent(c, list, &r.id, &r.country);
        match (&r.deposit, r.stage) {
            (Some(d), _) => c.deposit(&p, d),
            (None, Stage::Mine) => c.fail(
                p.key("deposit"),
                "expected a deposit (element distribution) for a mine".to_string(),
            ),
            _ => {}
        }
        fields!(c, &p, r;
            non_negative(capacity_t),
            share(initial_utilisation),
            non_negative(cash_cost_usd_per_kg),
            share(recovery),
        );
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
        fields!(c, &p, r;
            non_negative(permitting_delay_years),
            non_negative(construction_years),
            non_negative(ramp_years),
            share(opposition_probability),
            non_negative(opposition_delay_years),
            share(failure_probability),
            non_negative(subsidy_usd_per_kg),
            share(offtake_share),
            non_negative(price_floor_usd_per_kg),
            share(chinese_owned_share),
        );
        c.region(&p, "sells_to", r.sells_to.as_deref());
    }

    let list = "recyclers";
    for r in &config.recyclers {
        let (p, _) = ids.agent(c, list, &r.id, &r.country);
        let best = "a recovery share (92 % is the best demonstrated, source paper §2.2)";
        fields!(c, &p, r;
            non_negative(capacity_t),
            share(collection_rate),
            range(recovery, 0.0, MAX_RECYCLING_RECOVERY, best),
            non_negative(cost_usd_per_kg),
        );
    }
}

/// Demand sectors.
fn check_demand<'a>(c: &mut Checker, ids: &mut Ids<'a>, config: &'a ScenarioConfig) {
    let list = "demand";
    for d in &config.demand {
        let p = At::Agent(list, &d.id);
        ids.unique(c, &p, list, &d.id);
        fields!(c, &p, d;
            non_negative(base_t),
            share(cn_share),
            range_of(growth_per_year, GROWTH_RATE),
            range_of(elasticity, ELASTICITY),
            range_of(long_run_elasticity, ELASTICITY),
            positive(adjustment_years),
            non_negative(lifetime_years),
            positive(lifetime_shape),
            range(noise_sd, 0.0, 1.0, "a standard deviation"),
        );
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
            fields!(c, &p.key("ree_free"), a;
                range(midpoint_year, 1900.0, 2300.0, "a year"),
                positive(steepness),
                share(ceiling),
                non_negative(price_pull_years),
            );
        }
    }
}

/// China's policy, and the shocks (checked in between, in the order problems were always listed).
fn check_china(c: &mut Checker, config: &ScenarioConfig) {
    let china = At::keys(&["policy", "china"]);
    let cp = &config.policy.china;
    fields!(c, &china, cp;
        non_negative(hard_rock_quota_t),
        non_negative(ion_clay_quota_t),
        range_of(quota_growth_per_year, GROWTH_RATE),
    );
    if let Some(growth) = cp.ion_clay_quota_growth_per_year {
        c.range_of(
            &china,
            "ion_clay_quota_growth_per_year",
            growth,
            GROWTH_RATE,
        );
    }
    c.elements(&china.key("element_quota_t"), &cp.element_quota_t);
    c.elements(&china.key("export_quota_t"), &cp.export_quota_t);
    let tariffs = c.elements(&china.key("export_tariff"), &cp.export_tariff);
    for (e, t) in tariffs.iter() {
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
    fields!(c, &china, cp;
        share(export_licence_approval),
        non_negative(export_licence_delay_months),
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
    let quota_path = china.key("quota_path");
    for (i, y) in cp.quota_path.iter().enumerate() {
        let q = quota_path.index(i);
        fields!(c, &q, y; non_negative(hard_rock_t), non_negative(ion_clay_t));
    }
    let export_years: Vec<i32> = cp.export_quota_path.iter().map(|y| y.year).collect();
    check_years(c, &china.key("export_quota_path"), &export_years);
    for (i, y) in cp.export_quota_path.iter().enumerate() {
        c.non_negative(&china.key("export_quota_path").index(i), "t", y.t);
    }
    check_stockpile(c, &china.key("stockpile"), &cp.stockpile);
    let response = "an elasticity of the quota to the price";
    fields!(c, &china, cp; range(quota_price_response, 0.0, 2.0, response));
}

/// Greenfield entry.
fn check_entry(c: &mut Checker, section: &str, entry: &EntryConfig) {
    let p = At::Key(&At::Root, section);
    c.country(&p, &entry.country);
    c.deposit(&p, &entry.deposit);
    fields!(c, &p, entry;
        non_negative(capacity_t),
        non_negative(cash_cost_usd_per_kg),
        non_negative(separation_cost_usd_per_kg),
        non_negative(hurdle),
    );
    c.region(&p, "sells_to", entry.sells_to.as_deref());
    let [lo, hi] = entry.lead_time_years;
    if !(lo >= 0.0 && lo <= hi && hi.is_finite()) {
        c.fail(
            p.key("lead_time_years"),
            format!("expected [shortest, longest] with 0 ≤ shortest ≤ longest, found [{lo}, {hi}]"),
        );
    }
    fields!(c, &p, entry; non_negative(ramp_years), share(failure_probability));
    if let Some(share) = entry.max_market_share_per_year
        && !(share > 0.0 && share <= 1.0)
    {
        c.fail(
            p.key("max_market_share_per_year"),
            format!("expected a share of the world market in (0, 1], found {share}"),
        );
    }
    if let Some(elasticity) = entry.forecast_elasticity
        && !(elasticity > 0.0 && elasticity <= 5.0)
    {
        c.fail(
            p.key("forecast_elasticity"),
            format!("expected a demand elasticity (magnitude) in (0, 5], found {elasticity}"),
        );
    }
}

fn check_market(c: &mut Checker, m: &MarketConfig) {
    let p = At::keys(&["market"]);
    fields!(c, &p, m;
        non_negative(freight_usd_per_kg),
        non_negative(price_floor_usd_per_kg),
    );
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
    for (e, price) in prices.iter() {
        if price <= 0.0 {
            c.fail(
                p.key("initial_price_cn_usd_per_kg").key(&e.key()),
                format!("expected a price > 0 USD/kg, found {price}"),
            );
        }
    }
    fields!(c, &p, m;
        range(initial_row_premium, 0.0, 10.0, "a premium fraction"),
        non_negative(stock_target_months),
        non_negative(initial_stock_months),
        share(expectation_smoothing),
        non_negative(trend_following),
        non_negative(stock_price_response),
        non_negative(fundamental_weight),
        share(expectation_cost_weight),
        share(storage_floor_share),
        share(china_import_duty),
        share(concentrate_payable_share),
        non_negative(magnet_markup),
    );
    // The elements some key names are the keys of `prices` (parsed above).
    let missing: Vec<&str> = Element::ALL
        .iter()
        .filter(|e| **e != Element::Pm)
        .filter(|e| !prices.contains_key(e))
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
fn check_years(c: &mut Checker, path: &At<'_>, years: &[i32]) {
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
fn agent_ref(c: &mut Checker, path: At<'_>, id: &str, known: &[&str], what: &str) {
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

fn check_stockpile(c: &mut Checker, p: &At<'_>, s: &StockpileConfig) {
    c.elements(&p.key("target_months"), &s.target_months);
    c.elements(&p.key("initial_months"), &s.initial_months);
    fields!(c, p, s; non_negative(buy_below), non_negative(release_above));
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
    let p = At::keys(&["environment"]);
    fields!(c, &p, e;
        non_negative(heap_pond_wastewater_t_per_t),
        non_negative(in_situ_wastewater_t_per_t),
        non_negative(in_situ_cost_premium),
        non_negative(monazite_residue_t_per_t),
    );
}
