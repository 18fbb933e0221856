//! `remsim check`: the resolved scenario in a page of plain text.

use remsim_core::{Country, Element, Region};
use remsim_scenario::{DemandKind, Scenario, ScenarioConfig, Stage};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// `remsim check`: prints what the config describes, or its problems (exit 2).
pub fn run(path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(scenario) = crate::load_scenario(path) else {
        return Ok(ExitCode::from(2));
    };
    print!("{}", summary(&scenario));
    print!("{}", coefficients(&scenario));
    Ok(ExitCode::SUCCESS)
}

/// The tick's behavioural coefficients (`[tick]`): value, unit, whether drawn per trial or
/// changed from the built-in default, and where each number comes from.
pub fn coefficients(scenario: &Scenario) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nbehavioural coefficients [tick]  (* uncertain, ! changed from the default)"
    );
    for k in scenario.central().tick.entries() {
        let path = format!("tick.{}", k.key);
        let uncertain = scenario
            .uncertain()
            .iter()
            .any(|p| p.path.to_string() == path);
        let mark = match (uncertain, k.value == k.default) {
            (true, _) => "*",
            (false, false) => "!",
            (false, true) => " ",
        };
        let _ = writeln!(
            out,
            "  {:<28} {:>7}{mark} {:<36} {}",
            k.key,
            format!("{}", k.value),
            k.unit,
            k.source.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    out
}

fn region_of(code: &str) -> Region {
    Country::parse(code).map_or(Region::RestOfWorld, Country::region)
}

/// Sums by region: [China, rest of world].
#[derive(Default, Clone, Copy)]
struct ByRegion([f64; 2]);

impl ByRegion {
    fn add(&mut self, code: &str, value: f64) {
        self.0[region_of(code).index()] += value;
    }
    fn total(&self) -> f64 {
        self.0[0] + self.0[1]
    }
    fn cn_share(&self) -> String {
        if self.total() > 0.0 {
            format!("{:>5.0}%", 100.0 * self.0[0] / self.total())
        } else {
            "     -".to_string()
        }
    }
}

fn tonnes(x: f64) -> String {
    // Thousands separators make 250850 readable at a glance.
    remsim_report::axis::thousands(x.round() as i64)
}

/// How many agents a config runs: miners and magnet makers unit by unit (an entry with a
/// `count` is that many), separators, rivals, recyclers and demand sectors.
pub(super) fn agent_count(c: &ScenarioConfig) -> usize {
    let units = |n: u32| n as usize;
    c.miners.iter().map(|m| units(m.count)).sum::<usize>()
        + c.separators.len()
        + c.magnet_makers
            .iter()
            .map(|m| units(m.count))
            .sum::<usize>()
        + c.rivals.len()
        + c.recyclers.len()
        + c.demand.len()
}

fn elements_list(map: &remsim_scenario::ElementMap, unit: &str) -> String {
    if map.is_empty() {
        return "none".to_string();
    }
    map.iter()
        .map(|(k, v)| {
            let symbol = Element::parse(k).map_or(k.clone(), |e| e.symbol().to_string());
            format!("{symbol} {}{unit}", tonnes_or_plain(*v))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn tonnes_or_plain(v: f64) -> String {
    if v.abs() >= 1000.0 {
        tonnes(v)
    } else {
        format!("{v}")
    }
}

/// What `remsim check` prints about a loaded scenario.
pub fn summary(scenario: &Scenario) -> String {
    let c: &ScenarioConfig = scenario.central();
    let mut out = String::new();
    header(&mut out, scenario);
    agents(&mut out, c);
    capacity(&mut out, c);
    policies(&mut out, c);
    support(&mut out, c);
    shocks(&mut out, c);
    uncertain(&mut out, scenario);
    out
}

/// The section of `remsim check`: the name, files, horizon and config hash.
fn header(out: &mut String, scenario: &Scenario) {
    let c: &ScenarioConfig = scenario.central();
    let months = c.scenario.end.months_since(c.scenario.start) + 1;
    let _ = writeln!(out, "scenario   {}", c.scenario.name);
    if !c.scenario.description.is_empty() {
        let _ = writeln!(out, "           {}", c.scenario.description);
    }
    let _ = writeln!(out, "files      {}", scenario.files().join(" <- "));
    let _ = writeln!(
        out,
        "horizon    {} .. {} ({months} monthly ticks)",
        c.scenario.start, c.scenario.end
    );
    let _ = writeln!(out, "config     blake3 {}", &scenario.config_hash()[..16]);
}

/// The section of `remsim check`: agents by kind and region.
fn agents(out: &mut String, c: &ScenarioConfig) {
    let _ = writeln!(
        out,
        "\nagents by kind and region        China  rest of world  total"
    );
    // (country code, units): an entry with a `count` stands for that many agents.
    let mut count = |name: &str, codes: Vec<(&str, u32)>| {
        let mut n = [0usize; 2];
        for (code, units) in &codes {
            n[region_of(code).index()] += *units as usize;
        }
        let _ = writeln!(
            out,
            "  {name:<30} {:>5}  {:>13}  {:>5}",
            n[0],
            n[1],
            n[0] + n[1]
        );
    };
    count(
        "miners",
        c.miners
            .iter()
            .map(|m| (m.country.as_str(), m.count))
            .collect(),
    );
    count(
        "separators",
        c.separators
            .iter()
            .map(|s| (s.country.as_str(), 1))
            .collect(),
    );
    count(
        "magnet makers",
        c.magnet_makers
            .iter()
            .map(|m| (m.country.as_str(), m.count))
            .collect(),
    );
    count(
        "foreign rivals",
        c.rivals.iter().map(|r| (r.country.as_str(), 1)).collect(),
    );
    count(
        "recyclers",
        c.recyclers
            .iter()
            .map(|r| (r.country.as_str(), 1))
            .collect(),
    );
    let total_agents = agent_count(c);
    let _ = writeln!(
        out,
        "  {:<30} {:>5}  {:>13}  {:>5}",
        "demand sectors (global)",
        "",
        "",
        c.demand.len()
    );
    let _ = writeln!(
        out,
        "  {:<30} {:>5}  {:>13}  {:>5}",
        "all agents", "", "", total_agents
    );
}

/// The section of `remsim check`: capacity and demand by stage and region.
fn capacity(out: &mut String, c: &ScenarioConfig) {
    let mut mining = ByRegion::default();
    let mut separation = ByRegion::default();
    let mut magnets = ByRegion::default();
    let mut recycling = ByRegion::default();
    let mut projects = ByRegion::default();
    for m in &c.miners {
        mining.add(&m.country, m.capacity_t * f64::from(m.count));
    }
    for s in &c.separators {
        separation.add(&s.country, s.capacity_t);
    }
    for m in &c.magnet_makers {
        magnets.add(&m.country, m.capacity_t * f64::from(m.count));
    }
    for r in &c.recyclers {
        recycling.add(&r.country, r.capacity_t);
    }
    for r in &c.rivals {
        let operating = r.decision.is_none();
        let target = match (operating, r.stage) {
            (false, _) => &mut projects,
            (true, Stage::Mine) => &mut mining,
            (true, Stage::Separation) => &mut separation,
            (true, Stage::Magnet) => &mut magnets,
        };
        target.add(&r.country, r.capacity_t);
    }
    let _ = writeln!(
        out,
        "\ncapacity by stage, per year        China   rest of world  China share"
    );
    for (name, v) in [
        ("mining, t REO", mining),
        ("separation, t REO", separation),
        ("magnets, t magnet", magnets),
        ("recycling, t REO", recycling),
        ("rival projects not yet built", projects),
    ] {
        let _ = writeln!(
            out,
            "  {name:<30} {:>9}  {:>13}  {}",
            tonnes(v.0[0]),
            tonnes(v.0[1]),
            v.cn_share()
        );
    }

    let mut demand = ByRegion::default();
    let mut magnet_demand = 0.0;
    for d in &c.demand {
        demand.0[0] += d.base_t * d.cn_share;
        demand.0[1] += d.base_t * (1.0 - d.cn_share);
        if d.kind == DemandKind::Magnet {
            magnet_demand += d.base_t;
        }
    }
    let _ = writeln!(
        out,
        "  {:<30} {:>9}  {:>13}  {}",
        "end-use demand, t REO",
        tonnes(demand.0[0]),
        tonnes(demand.0[1]),
        demand.cn_share()
    );
    let _ = writeln!(
        out,
        "  of which in magnets            {:>9} t REO ({:.0}% of demand)",
        tonnes(magnet_demand),
        100.0 * magnet_demand / demand.total().max(1.0)
    );
}

/// The section of `remsim check`: China's quotas, tariffs, licences and bans.
fn policies(out: &mut String, c: &ScenarioConfig) {
    let cp = &c.policy.china;
    let _ = writeln!(out, "\npolicies");
    let _ = writeln!(
        out,
        "  China mining quotas            hard rock {} t, ion clay {} t per year, growing {:.1}%/yr",
        tonnes(cp.hard_rock_quota_t),
        tonnes(cp.ion_clay_quota_t),
        100.0 * cp.quota_growth_per_year
    );
    let _ = writeln!(
        out,
        "  China element-level quotas     {}",
        elements_list(&cp.element_quota_t, " t")
    );
    let _ = writeln!(
        out,
        "  China export quotas            {}",
        elements_list(&cp.export_quota_t, " t")
    );
    let _ = writeln!(
        out,
        "  China export tariffs           {}",
        elements_list(&cp.export_tariff, "")
    );
    if cp.export_licence_elements.is_empty() {
        let _ = writeln!(out, "  China export licences          none");
    } else {
        let symbols: Vec<String> = cp
            .export_licence_elements
            .iter()
            .map(|e| Element::parse(e).map_or(e.clone(), |e| e.symbol().to_string()))
            .collect();
        let from = cp
            .export_licence_from
            .map_or(String::from("the start"), |m| m.to_string());
        let _ = writeln!(
            out,
            "  China export licences          {} from {from}; {:.0}% of volume approved after {} months",
            symbols.join(", "),
            100.0 * cp.export_licence_approval,
            cp.export_licence_delay_months
        );
    }
    let _ = writeln!(
        out,
        "  heap/pond leaching ban         {}",
        cp.heap_pond_ban_from
            .map_or("none".to_string(), |m| format!("from {m}"))
    );
}

/// The section of `remsim check`: stockpiles and state support.
fn support(out: &mut String, c: &ScenarioConfig) {
    let cp = &c.policy.china;
    for (who, stock) in [
        ("China state reserve", &cp.stockpile),
        (
            "RoW strategic stockpiles",
            &c.policy.rest_of_world.stockpile,
        ),
    ] {
        let _ = writeln!(
            out,
            "  {who:<30} {} of demand; buys below {}x, releases above {}x the opening price",
            elements_list(&stock.target_months, " months"),
            stock.buy_below,
            stock.release_above
        );
    }
    for r in c
        .rivals
        .iter()
        .filter(|r| r.price_floor_usd_per_kg > 0.0 || r.subsidy_usd_per_kg > 0.0)
    {
        let mut support = Vec::new();
        if r.subsidy_usd_per_kg > 0.0 {
            support.push(format!("subsidy {} USD/kg", r.subsidy_usd_per_kg));
        }
        if r.price_floor_usd_per_kg > 0.0 {
            support.push(format!(
                "floor {} USD/kg on {:.0}% offtake",
                r.price_floor_usd_per_kg,
                100.0 * r.offtake_share
            ));
        }
        let _ = writeln!(out, "  state support: {:<20} {}", r.id, support.join(", "));
    }
}

/// The section of `remsim check`: the shocks and their timing.
fn shocks(out: &mut String, c: &ScenarioConfig) {
    let _ = writeln!(out, "\nshocks ({})", c.shocks.len());
    for shock in &c.shocks {
        let t = &shock.when;
        let timing = match (t.start, t.hazard_per_year) {
            (Some(start), _) => {
                let mut s = format!("from {start}");
                if t.ramp_months > 0.0 {
                    s.push_str(&format!(", ramp {} months", t.ramp_months));
                }
                match t.duration_months {
                    Some(d) => s.push_str(&format!(", lasting {d} months")),
                    None => s.push_str(", to the end"),
                }
                s
            }
            (None, Some(h)) => format!(
                "random, {h} a year, {} months each",
                t.duration_months.unwrap_or(0.0)
            ),
            (None, None) => "never".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:<28} {:<20} {timing}",
            shock.id,
            shock.kinds().join(", ")
        );
    }
}

/// The section of `remsim check`: the parameters drawn per trial.
fn uncertain(out: &mut String, scenario: &Scenario) {
    let params = scenario.uncertain();
    let _ = writeln!(
        out,
        "\nuncertain parameters, drawn once per trial ({})",
        params.len()
    );
    for p in params {
        let _ = writeln!(out, "  {:<58} {}", p.path.to_string(), p.dist.describe());
    }
}
