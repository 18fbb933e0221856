//! `remsim-miners` holds the [`Miner`]: one mine (or a group of workings), its deposit's
//! element distribution, reserves, capacity, cash cost rising as reserves deplete, owner,
//! leaching method for ion-adsorption clays, and its decision rules — monthly output from the
//! expected value of its element basket against its cost, within its quota; yearly
//! investment when margins persist and closure when losses do.
//!
//! It depends on `remsim-core` and `remsim-scenario` (for its config) only; it knows no other
//! agent kind and never touches the market directly — the simulation hands it prices and
//! collects its concentrate. Invariants: output never exceeds capacity, quota or reserves;
//! reserves, capacity and utilisation never go negative; a miner draws randomness only from
//! the stream the simulation gives it.

use remsim_core::{Country, DepositProfile, DepositType, ElementVec, Month, Region, units};
use remsim_scenario::{EnvironmentConfig, Leaching, MinerConfig, Owner, QuotaGroup};
use std::sync::Arc;

/// Largest change of utilisation in one month: output adjusts gradually (DESIGN.md).
pub const MAX_UTILISATION_STEP: f64 = 0.03;
/// Recovery assumed when a miner values its concentrate: what separation typically yields.
pub const VALUATION_RECOVERY: f64 = 0.92;
/// Weight of the newest month in the miner's running margin (about a one-year memory).
const MARGIN_MEMORY: f64 = 1.0 / 12.0;
/// A margin above this share of cash cost, held for a year, triggers an expansion.
const EXPANSION_HURDLE: f64 = 0.25;

/// Why a miner could not be built from its config.
#[derive(Debug, thiserror::Error)]
pub enum MinerError {
    /// A name in the config that does not resolve (validation normally catches it).
    #[error("miner `{id}`: {message}")]
    Config {
        /// The miner's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// One mine.
#[derive(Debug, Clone)]
pub struct Miner {
    /// Config id.
    pub id: String,
    /// Where it is.
    pub country: Country,
    /// Region whose separators buy the concentrate.
    pub sells_to: Region,
    /// Geological type.
    pub deposit_type: DepositType,
    /// Shares of REO by element (sum 1), shared between identical units of one config
    /// entry (a fragmented sector streams through the tick without a copy per unit).
    pub shares: Arc<ElementVec>,
    /// Owner type.
    pub owner: Owner,
    /// Capacity, t REO per year.
    pub capacity_t: f64,
    /// Share of capacity in use.
    pub utilisation: f64,
    /// Remaining reserves, t REO.
    pub reserves_t: f64,
    initial_reserves_t: f64,
    /// Cash cost at full reserves, USD/kg REO.
    pub base_cash_cost_usd_per_kg: f64,
    depletion_cost_rise: f64,
    /// Leaching method (ion clays).
    pub leaching: Option<Leaching>,
    /// China's quota this mine draws on.
    pub quota_group: Option<QuotaGroup>,
    /// First month of output.
    pub start: Option<Month>,
    expansion_capex_usd_per_t: f64,
    expansion_lead_months: i32,
    expansion_step: f64,
    /// Capacity under construction: (month it comes online, t/yr).
    pending_expansions: remsim_core::CapacityPipeline,
    /// Running margin, USD/kg (about a year's memory).
    pub running_margin_usd_per_kg: f64,
    /// Months in a row with a negative running margin.
    pub loss_months: u32,
    /// Closed for good.
    pub closed: bool,
    /// Share of output lost this month to a disruption (set by the simulation).
    pub disrupted_share: f64,
    /// State subsidy, USD/kg REO (foreign support; set by the simulation).
    pub subsidy_usd_per_kg: f64,
    /// Multiplier on capacity this month, set by the simulation: a rival's ramp-up share,
    /// consolidation, technology export (1 for an ordinary mine in an ordinary month).
    pub available_share: f64,
    /// Multiplier on cash cost this month (technology export; 1 otherwise).
    pub cost_factor: f64,
    /// Moved to in-situ leaching by technology export this month.
    pub forced_in_situ: bool,
}

/// What a miner needs to know this month.
#[derive(Debug, Clone, Copy)]
pub struct MinerMarket<'a> {
    /// The month.
    pub month: Month,
    /// Expected oxide prices by region, USD/kg.
    pub expected_prices: &'a [ElementVec; 2],
    /// Share of contained oxide value paid for concentrate.
    pub payable_share: f64,
    /// Whether heap and pond leaching is banned this month.
    pub heap_pond_banned: bool,
    /// Whether the ban is enforced on small and illegal workings too.
    pub ban_on_illegal: bool,
    /// Environmental coefficients.
    pub environment: &'a EnvironmentConfig,
}

/// One month's production of a miner.
#[derive(Debug, Clone, Copy, Default)]
pub struct MinerOutput {
    /// Concentrate, t REO by element.
    pub concentrate: ElementVec,
    /// Ammonia-nitrogen wastewater, t.
    pub wastewater_t: f64,
    /// Radioactive residue the concentrate will leave when cracked, t.
    pub residue_potential_t: f64,
}

impl Miner {
    /// Builds a miner from its (drawn) config.
    pub fn from_config(cfg: &MinerConfig) -> Result<Miner, MinerError> {
        let err = |message: String| MinerError::Config {
            id: cfg.id.clone(),
            message,
        };
        let country = Country::parse(&cfg.country).map_err(|e| err(e.to_string()))?;
        let profile = DepositProfile::named(&cfg.deposit).map_err(|e| err(e.to_string()))?;
        let shares = match &cfg.distribution_pct {
            Some(map) => element_shares(map).ok_or_else(|| err("empty distribution".into()))?,
            None => profile.shares,
        };
        let sells_to = match &cfg.sells_to {
            Some(r) => Region::parse(r).ok_or_else(|| err(format!("unknown region `{r}`")))?,
            None => country.region(),
        };
        Ok(Miner {
            id: cfg.id.clone(),
            country,
            sells_to,
            deposit_type: profile.deposit_type,
            shares: Arc::new(shares),
            owner: cfg.owner,
            capacity_t: cfg.capacity_t.max(0.0),
            utilisation: cfg.utilisation.clamp(0.0, 1.0),
            reserves_t: cfg.reserves_t.max(0.0),
            initial_reserves_t: cfg.reserves_t.max(0.0),
            base_cash_cost_usd_per_kg: cfg.cash_cost_usd_per_kg.max(0.0),
            depletion_cost_rise: cfg.depletion_cost_rise.max(0.0),
            leaching: cfg.leaching,
            quota_group: cfg.quota_group,
            start: cfg.start,
            expansion_capex_usd_per_t: cfg.expansion_capex_usd_per_t.max(0.0),
            expansion_lead_months: (cfg.expansion_lead_time_years.max(0.0) * 12.0).round() as i32,
            expansion_step: cfg.expansion_step.clamp(0.0, 1.0),
            pending_expansions: remsim_core::CapacityPipeline::new(),
            running_margin_usd_per_kg: 0.0,
            loss_months: 0,
            closed: false,
            disrupted_share: 0.0,
            subsidy_usd_per_kg: 0.0,
            available_share: 1.0,
            cost_factor: 1.0,
            forced_in_situ: false,
        })
    }

    /// Region where the mine stands.
    pub fn region(&self) -> Region {
        self.country.region()
    }

    /// The leaching method in force: China's heap/pond ban moves its licensed miners to in-situ
    /// leaching; small and illegal workings ignore it (the problem consolidation targets)
    /// unless the ban is enforced on them; technology export can move a miner too.
    pub fn effective_leaching(&self, market: &MinerMarket<'_>) -> Option<Leaching> {
        // China's mandate binds Chinese workings only.
        let banned = market.heap_pond_banned
            && self.country == Country::CN
            && (self.owner != Owner::SmallIllegal || market.ban_on_illegal);
        match self.leaching {
            Some(Leaching::HeapPond) if banned || self.forced_in_situ => Some(Leaching::InSitu),
            other => other,
        }
    }

    /// Cash cost now, USD/kg REO: rises as reserves deplete; in-situ leaching costs more.
    #[inline]
    pub fn cash_cost_usd_per_kg(&self, market: &MinerMarket<'_>) -> f64 {
        let depleted = if self.initial_reserves_t > 0.0 {
            1.0 - self.reserves_t / self.initial_reserves_t
        } else {
            0.0
        };
        let mut cost = self.base_cash_cost_usd_per_kg
            * (1.0 + self.depletion_cost_rise * depleted)
            * self.cost_factor.max(0.0);
        if self.effective_leaching(market) == Some(Leaching::InSitu)
            && self.leaching == Some(Leaching::HeapPond)
        {
            // Switched by a mandate: pays the green premium its config did not include.
            cost *= 1.0 + market.environment.in_situ_cost_premium;
        }
        cost
    }

    /// What a kg of this mine's REO in concentrate is worth to it at `prices`, USD/kg:
    /// the payable share of the recoverable oxide value, plus any subsidy.
    pub fn basket_value_usd_per_kg(&self, prices: &ElementVec, payable_share: f64) -> f64 {
        self.basket_value_from_dot(self.shares.dot(prices), payable_share)
    }

    /// [`Miner::basket_value_usd_per_kg`] from `shares · prices` (`dot`, USD/kg), for a
    /// caller that values many units with the same shares at the same prices.
    #[inline]
    pub fn basket_value_from_dot(&self, dot: f64, payable_share: f64) -> f64 {
        dot * VALUATION_RECOVERY * payable_share + self.subsidy_usd_per_kg
    }

    /// Whether the mine produces this month at all.
    pub fn is_active(&self, month: Month) -> bool {
        !self.closed && self.start.is_none_or(|s| month >= s)
    }

    /// Sets this month's output, t REO: utilisation moves toward full when the expected
    /// basket covers cash cost and down in proportion to the loss when it does not, by at
    /// most [`MAX_UTILISATION_STEP`] a month; output stays within capacity, the quota cap
    /// (`quota_cap_t`, t this month) and reserves.
    pub fn plan_output(&mut self, market: &MinerMarket<'_>, quota_cap_t: f64) -> f64 {
        let prices = &market.expected_prices[self.sells_to.index()];
        let basket = self.basket_value_usd_per_kg(prices, market.payable_share);
        self.plan_output_valued(market, quota_cap_t, basket)
    }

    /// [`Miner::plan_output`] with the basket value at the expected prices of the region it
    /// sells to given (`basket_usd_per_kg`, as [`Miner::basket_value_usd_per_kg`] gives it).
    pub fn plan_output_valued(
        &mut self,
        market: &MinerMarket<'_>,
        quota_cap_t: f64,
        basket_usd_per_kg: f64,
    ) -> f64 {
        self.bring_expansions_online(market.month);
        if !self.is_active(market.month) {
            return 0.0;
        }
        let cash_cost = self.cash_cost_usd_per_kg(market);
        let margin = basket_usd_per_kg - cash_cost;
        let cost = cash_cost.max(1e-9);
        let target = if margin >= 0.0 {
            1.0
        } else {
            (1.0 + 2.0 * margin / cost).clamp(0.0, 1.0)
        };
        let step = (target - self.utilisation).clamp(-MAX_UTILISATION_STEP, MAX_UTILISATION_STEP);
        self.utilisation = (self.utilisation + step).clamp(0.0, 1.0);
        let wanted = units::per_month(self.capacity_t)
            * self.utilisation
            * self.available_share.max(0.0)
            * (1.0 - self.disrupted_share.clamp(0.0, 1.0));
        wanted
            .min(quota_cap_t.max(0.0))
            .min(self.reserves_t)
            .max(0.0)
    }

    /// Mines `tonnes` (from [`Miner::plan_output`], possibly scaled down by an
    /// element-level quota) and returns the concentrate and its waste.
    #[inline]
    pub fn produce(&mut self, tonnes: f64, market: &MinerMarket<'_>) -> MinerOutput {
        let tonnes = tonnes.clamp(0.0, self.reserves_t);
        self.reserves_t -= tonnes;
        let env = market.environment;
        let wastewater_per_t = match self.effective_leaching(market) {
            Some(Leaching::HeapPond) => env.heap_pond_wastewater_t_per_t,
            Some(Leaching::InSitu) => env.in_situ_wastewater_t_per_t,
            None => 0.0,
        };
        let residue_per_t = if self.deposit_type.is_radioactive() {
            env.monazite_residue_t_per_t
        } else {
            0.0
        };
        MinerOutput {
            concentrate: *self.shares * tonnes,
            wastewater_t: tonnes * wastewater_per_t,
            residue_potential_t: tonnes * residue_per_t,
        }
    }

    /// Books a month's realised margin (USD/kg) into the running margin.
    #[inline]
    pub fn record_margin(&mut self, margin_usd_per_kg: f64) {
        self.running_margin_usd_per_kg +=
            MARGIN_MEMORY * (margin_usd_per_kg - self.running_margin_usd_per_kg);
        if self.running_margin_usd_per_kg < 0.0 {
            self.loss_months += 1;
        } else {
            self.loss_months = 0;
        }
    }

    /// The yearly decision, each January. Expands by `expansion_step` of capacity when the
    /// running margin beats the hurdle and pays back the capex within ten years of margin,
    /// and when a quota (if any) leaves room (`quota_room_t`: annual quota not covered by
    /// capacity, t). Closes a private or small mine after two years of losses; state groups
    /// and supported rivals keep going. Returns the capital spent, million USD.
    pub fn decide_investment(&mut self, month: Month, quota_room_t: f64) -> f64 {
        if self.closed || !self.is_active(month) {
            return 0.0;
        }
        if self.loss_months >= 24 && matches!(self.owner, Owner::Private | Owner::SmallIllegal) {
            self.closed = true;
            return 0.0;
        }
        let base = self.base_cash_cost_usd_per_kg.max(1e-9);
        let margin = self.running_margin_usd_per_kg;
        let building = self.pending_expansions.building_t();
        let step_t = self.capacity_t * self.expansion_step;
        let pays_back = margin * units::KG_PER_TONNE * 10.0 >= self.expansion_capex_usd_per_t;
        if margin > EXPANSION_HURDLE * base
            && pays_back
            && step_t > 0.0
            && self.expansion_lead_months > 0
            && quota_room_t > building
            && self.reserves_t > 20.0 * (self.capacity_t + step_t)
        {
            let online = month.add_months(self.expansion_lead_months);
            self.pending_expansions.order(online, step_t);
            return step_t * self.expansion_capex_usd_per_t / 1e6;
        }
        0.0
    }

    fn bring_expansions_online(&mut self, month: Month) {
        self.capacity_t += self.pending_expansions.bring_online(month);
    }
}

/// Shares from a percent map of element names (validated upstream); `None` if empty.
pub fn element_shares(map: &remsim_scenario::ElementMap) -> Option<ElementVec> {
    let mut v = ElementVec::ZERO;
    for (key, value) in map {
        if let Ok(e) = remsim_core::Element::parse(key) {
            v[e] += value.max(0.0);
        }
    }
    v.normalised()
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_core::Element;

    fn env() -> EnvironmentConfig {
        EnvironmentConfig {
            heap_pond_wastewater_t_per_t: 1000.0,
            in_situ_wastewater_t_per_t: 400.0,
            in_situ_cost_premium: 0.25,
            monazite_residue_t_per_t: 2.0,
        }
    }

    fn miner(deposit: &str, leaching: Option<Leaching>, owner: Owner) -> Miner {
        Miner::from_config(&MinerConfig {
            id: "m".into(),
            name: "m".into(),
            country: "CN".into(),
            deposit: deposit.into(),
            distribution_pct: None,
            owner,
            capacity_t: 12000.0,
            utilisation: 0.5,
            reserves_t: 1e6,
            grade_pct: 1.0,
            cash_cost_usd_per_kg: 10.0,
            depletion_cost_rise: 0.5,
            leaching,
            quota_group: Some(QuotaGroup::IonClay),
            sells_to: None,
            start: None,
            expansion_capex_usd_per_t: 5000.0,
            expansion_lead_time_years: 2.0,
            expansion_step: 0.1,
            count: 1,
        })
        .unwrap()
    }

    fn prices(level: f64) -> [ElementVec; 2] {
        [ElementVec::splat(level), ElementVec::splat(level)]
    }

    /// January 2025 at expected prices `p`, with no leaching ban.
    fn market<'a>(p: &'a [ElementVec; 2], e: &'a EnvironmentConfig) -> MinerMarket<'a> {
        MinerMarket {
            month: Month::new(2025, 1).unwrap(),
            expected_prices: p,
            payable_share: 0.65,
            heap_pond_banned: false,
            ban_on_illegal: false,
            environment: e,
        }
    }

    #[test]
    fn output_rises_gradually_when_profitable_and_respects_the_quota() {
        let e = env();
        let p = prices(100.0);
        let market = market(&p, &e);
        let mut m = miner("bayan_obo", None, Owner::StateGroup);
        let out = m.plan_output(&market, f64::INFINITY);
        assert!((m.utilisation - 0.53).abs() < 1e-12);
        assert!((out - 1000.0 * 0.53).abs() < 1e-9);
        assert_eq!(m.plan_output(&market, 100.0), 100.0);
        let produced = m.produce(100.0, &market);
        assert!((produced.concentrate.sum() - 100.0).abs() < 1e-9);
        assert!(produced.concentrate[Element::Ce] > produced.concentrate[Element::Nd]);
        assert_eq!(
            produced.residue_potential_t, 200.0,
            "Bayan Obo is monazite-bearing"
        );
        assert_eq!(m.reserves_t, 1e6 - 100.0);
    }

    #[test]
    fn losses_cut_output_and_persistent_losses_close_private_mines() {
        let e = env();
        let p = prices(1.0);
        let market = market(&p, &e);
        let mut m = miner("ion_clay_heavy", Some(Leaching::HeapPond), Owner::Private);
        m.plan_output(&market, f64::INFINITY);
        assert!((m.utilisation - 0.47).abs() < 1e-12);
        for _ in 0..30 {
            m.record_margin(-5.0);
        }
        m.decide_investment(market.month, 0.0);
        assert!(m.closed);
        assert_eq!(m.plan_output(&market, f64::INFINITY), 0.0);
    }

    #[test]
    fn heap_pond_ban_switches_licensed_miners_to_in_situ() {
        let e = env();
        let p = prices(50.0);
        let mut market = market(&p, &e);
        let mut licensed = miner(
            "ion_clay_heavy",
            Some(Leaching::HeapPond),
            Owner::StateGroup,
        );
        let mut illegal = miner(
            "ion_clay_heavy",
            Some(Leaching::HeapPond),
            Owner::SmallIllegal,
        );
        let mut abroad = miner("ion_clay_heavy", Some(Leaching::HeapPond), Owner::Private);
        abroad.country = Country::MM;
        assert_eq!(licensed.produce(1.0, &market).wastewater_t, 1000.0);
        market.heap_pond_banned = true;
        assert_eq!(licensed.produce(1.0, &market).wastewater_t, 400.0);
        assert_eq!(illegal.produce(1.0, &market).wastewater_t, 1000.0);
        assert_eq!(
            abroad.produce(1.0, &market).wastewater_t,
            1000.0,
            "China's ban binds China"
        );
        market.ban_on_illegal = true;
        assert_eq!(
            illegal.produce(1.0, &market).wastewater_t,
            400.0,
            "enforced on illegal workings"
        );
        assert!((licensed.cash_cost_usd_per_kg(&market) - 12.5).abs() < 1e-3);
    }

    #[test]
    fn persistent_margins_expand_capacity_after_the_lead_time() {
        let mut m = miner("bayan_obo", None, Owner::StateGroup);
        for _ in 0..24 {
            m.record_margin(20.0);
        }
        let jan = Month::new(2026, 1).unwrap();
        let spent = m.decide_investment(jan, 1e9);
        assert!((spent - 1200.0 * 5000.0 / 1e6).abs() < 1e-9);
        let e = env();
        let p = prices(100.0);
        let mut market = MinerMarket {
            month: jan.add_months(23),
            expected_prices: &p,
            payable_share: 0.65,
            heap_pond_banned: false,
            ban_on_illegal: false,
            environment: &e,
        };
        m.plan_output(&market, f64::INFINITY);
        assert_eq!(m.capacity_t, 12000.0);
        market.month = jan.add_months(24);
        m.plan_output(&market, f64::INFINITY);
        assert_eq!(m.capacity_t, 13200.0);
    }
}
