//! The checks of `[[shocks]]`: unique ids, a sound timing, exactly one effect table, and
//! each effect's fields (one arm per kind of [`ShockEffect`], so a new kind does not
//! compile until it is checked).

use super::*;

/// The ids a shock's effect may refer to.
struct ShockRefs<'a> {
    sectors: Vec<&'a str>,
    magnet_sectors: Vec<&'a str>,
    mines: Vec<&'a str>,
}

pub(super) fn check_shocks(c: &mut Checker, config: &ScenarioConfig) {
    let refs = ShockRefs {
        sectors: config.demand.iter().map(|d| d.id.as_str()).collect(),
        magnet_sectors: config
            .demand
            .iter()
            .filter(|d| d.kind == DemandKind::Magnet)
            .map(|d| d.id.as_str())
            .collect(),
        mines: config
            .miners
            .iter()
            .map(|m| m.id.as_str())
            .chain(
                config
                    .rivals
                    .iter()
                    .filter(|r| r.stage == Stage::Mine)
                    .map(|r| r.id.as_str()),
            )
            .collect(),
    };
    let list = At::keys(&["shocks"]);
    let mut seen: Vec<&str> = Vec::new();
    for shock in &config.shocks {
        let p = list.id(&shock.id);
        if seen.contains(&shock.id.as_str()) {
            c.fail(
                p.key("id"),
                format!("shock id `{}` is used twice", shock.id),
            );
        }
        seen.push(&shock.id);
        let kinds = shock.kinds();
        if kinds.len() != 1 {
            c.fail(
                p,
                format!(
                    "expected exactly one effect table (one of {}), found {}",
                    ShockConfig::KINDS.join(", "),
                    if kinds.is_empty() {
                        "none".to_string()
                    } else {
                        kinds.join(", ")
                    }
                ),
            );
        }
        let w = p.key("when");
        check_timing(c, &w, &shock.when);
        for effect in shock.effects() {
            check_effect(c, &p.key(effect.kind()), effect, &refs);
            if matches!(effect, ShockEffect::OutboundInvestment(_))
                && shock.when.hazard_per_year.is_some()
            {
                c.fail(
                    w,
                    "an outbound investment is a decision: give `start`, not a hazard".to_string(),
                );
            }
        }
    }
}

fn check_timing(c: &mut Checker, w: &At<'_>, t: &crate::shocks::ShockTiming) {
    match (t.start, t.hazard_per_year) {
        (Some(_), Some(_)) | (None, None) => c.fail(
            *w,
            "expected either `start` (scheduled) or `hazard_per_year` (stochastic)".to_string(),
        ),
        (None, Some(h)) => {
            c.non_negative(w, "hazard_per_year", h);
            if t.duration_months.is_none() {
                c.fail(
                    w.key("duration_months"),
                    "expected how long each stochastic event lasts".to_string(),
                );
            }
        }
        (Some(_), None) => {}
    }
    c.month_in_horizon(w, "start", t.start);
    c.month_in_horizon(w, "from", t.from);
    c.month_in_horizon(w, "until", t.until);
    // A window that ends before it begins can never fire.
    if let (Some(from), Some(until)) = (t.from, t.until)
        && until < from
    {
        c.fail(
            w.key("until"),
            format!("expected a month at or after `from` ({from}), found {until}: the window is reversed and the shock could never fire"),
        );
    }
    c.non_negative(w, "ramp_months", t.ramp_months);
    if let Some(d) = t.duration_months {
        c.non_negative(w, "duration_months", d);
    }
}

fn check_element_names(c: &mut Checker, path: At<'_>, names: &[String]) {
    for (i, name) in names.iter().enumerate() {
        if let Err(e) = Element::parse(name) {
            c.fail(path.index(i), e.to_string());
        }
    }
}

fn check_region_names(c: &mut Checker, path: At<'_>, names: &[String]) {
    for (i, name) in names.iter().enumerate() {
        if Region::parse(name).is_none() {
            c.fail(
                path.index(i),
                format!("expected a region, `cn` or `row`, found `{name}`"),
            );
        }
    }
}

fn check_country_codes(c: &mut Checker, path: At<'_>, codes: &[String]) {
    for (i, code) in codes.iter().enumerate() {
        if let Err(e) = Country::parse(code) {
            c.fail(path.index(i), e.to_string());
        }
    }
}

/// The checks of one shock effect table at `q`: one arm per kind.
fn check_effect(c: &mut Checker, q: &At<'_>, effect: ShockEffect<'_>, refs: &ShockRefs<'_>) {
    match effect {
        ShockEffect::ReeFree(x) => {
            for (i, id) in x.sectors.iter().enumerate() {
                let path = At::Index(&q.key("sectors"), i);
                agent_ref(c, path, id, &refs.magnet_sectors, "magnet demand sector");
            }
            c.range(
                q,
                "midpoint_year",
                x.midpoint_year,
                1900.0,
                2300.0,
                "a year",
            );
            c.positive(q, "steepness", x.steepness);
            c.share(q, "ceiling", x.ceiling);
            if let Some(pull) = x.price_pull_years {
                c.non_negative(q, "price_pull_years", pull);
            }
        }
        ShockEffect::CeSubstitution(x) | ShockEffect::HeavyReduction(x) => {
            c.share(q, "share", x.share);
            check_region_names(c, q.key("regions"), &x.regions);
        }
        ShockEffect::ExportQuota(x) | ShockEffect::ElementQuota(x) => {
            c.elements(&q.key("t_per_year"), &x.t_per_year);
        }
        ShockEffect::ExportLicence(x) => {
            check_element_names(c, q.key("elements"), &x.elements);
            c.share(q, "approval", x.approval);
            c.non_negative(q, "delay_months", x.delay_months);
        }
        ShockEffect::Tariff(x) => {
            check_element_names(c, q.key("elements"), &x.elements);
            let what = "a tariff as a fraction of value";
            c.range(q, "rate", x.rate, 0.0, 5.0, what);
        }
        ShockEffect::Shipping(x) => {
            c.share(q, "capacity_cut", x.capacity_cut);
            c.non_negative(q, "freight_add_usd_per_kg", x.freight_add_usd_per_kg);
        }
        ShockEffect::SupplyDisruption(x) => {
            for (i, id) in x.miners.iter().enumerate() {
                agent_ref(c, q.key("miners").index(i), id, &refs.mines, "mine");
            }
            check_country_codes(c, q.key("countries"), &x.countries);
            if x.miners.is_empty() && x.countries.is_empty() {
                let what = "expected `miners` or `countries` to disrupt";
                c.fail(*q, what.to_string());
            }
            c.share(q, "fraction", x.fraction);
        }
        ShockEffect::GreenMining(x) => c.share(q, "conversion_outage", x.conversion_outage),
        ShockEffect::MagneticSeparation(x) => {
            c.share(q, "adoption", x.adoption);
            c.share(q, "waste_cut", x.waste_cut);
            c.share(q, "cost_cut", x.cost_cut);
        }
        ShockEffect::Consolidation(x) => c.share(q, "share", x.share),
        ShockEffect::EprRecycling(x) => {
            c.share(q, "collection_rate", x.collection_rate);
            check_region_names(c, q.key("regions"), &x.regions);
            c.non_negative(q, "capacity_growth", x.capacity_growth);
        }
        ShockEffect::DeepProcessing(x) => {
            c.non_negative(q, "magnet_capacity_growth", x.magnet_capacity_growth);
        }
        ShockEffect::OutboundInvestment(x) => {
            c.country(q, &x.country);
            c.deposit(q, &x.deposit);
            c.non_negative(q, "capacity_t", x.capacity_t);
            c.non_negative(q, "cash_cost_usd_per_kg", x.cash_cost_usd_per_kg);
            c.non_negative(q, "lead_time_years", x.lead_time_years);
            c.non_negative(q, "ramp_years", x.ramp_years);
            c.share(q, "failure_probability", x.failure_probability);
        }
        ShockEffect::TechnologyExport(x) => {
            check_country_codes(c, q.key("countries"), &x.countries);
            c.share(q, "cost_cut", x.cost_cut);
            c.non_negative(q, "capacity_growth", x.capacity_growth);
        }
        ShockEffect::Stockpile(x) => {
            c.region(q, "region", Some(&x.region));
            c.elements(&q.key("target_months"), &x.target_months);
            c.non_negative(q, "buy_below", x.buy_below);
            c.non_negative(q, "release_above", x.release_above);
        }
        ShockEffect::PriceFloor(x) => {
            c.non_negative(q, "usd_per_kg", x.usd_per_kg);
            c.share(q, "share", x.share);
        }
        ShockEffect::Demand(x) => {
            for (i, id) in x.sectors.iter().enumerate() {
                let path = At::Index(&q.key("sectors"), i);
                agent_ref(c, path, id, &refs.sectors, "demand sector");
            }
            c.range(q, "factor", x.factor, 0.0, 10.0, "a demand multiplier");
        }
    }
}
