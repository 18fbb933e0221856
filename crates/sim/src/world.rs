//! The world of one trial and its monthly tick. [`World`] owns a handful of sub-states
//! (`crate::state`); [`World::step`] is the list of the tick's phases (`crate::tick`), each
//! borrowing only the sub-states it reads and writes.

use crate::SimError;
use crate::metrics::MetricIndex;
use crate::state::{
    Clock, DemandState, Inventories, Markets, Params, PolicyState, PriceState, Supply,
};
use crate::tick::investment::InvestmentInputs;
use crate::tick::mining::MiningInputs;
use crate::tick::observation::Observed;
use crate::tick::schedules::ScheduleInputs;
use crate::tick::{self, Flows, Scratch};
use remsim_core::{ElementVec, Month, Trajectory};

/// Everything one trial owns.
pub struct World {
    /// Identity and calendar.
    pub(crate) clock: Clock,
    /// Where each metric goes in a trajectory row.
    pub(crate) metrics: MetricIndex,
    /// Settings fixed for the trial.
    pub(crate) params: Params,
    /// China's rules, shocks, greenfield entry.
    pub(crate) policy: PolicyState,
    /// Operating units of every stage and rival projects.
    pub(crate) supply: Supply,
    /// End-use sectors and magnets in use.
    pub(crate) demand: DemandState,
    /// Stocks between the stages.
    pub(crate) inventories: Inventories,
    /// Prices and expectations.
    pub(crate) prices: PriceState,
    /// Each element's market and export link.
    pub(crate) markets: Markets,
    /// Per-agent buffers of the tick, kept between ticks so that a tick does not allocate.
    pub(crate) scratch: Scratch,
}

impl World {
    /// Metric names, in column order.
    pub fn metric_names(&self) -> std::sync::Arc<[String]> {
        self.metrics.names.clone()
    }

    /// Runs every tick and returns the trajectory.
    pub fn run(mut self) -> Result<Trajectory, SimError> {
        let c = &self.clock;
        let mut out = Trajectory::zeros(c.start, self.metrics.names.clone(), c.n_ticks)
            .with_price_bounds(self.price_bounds());
        for tick in self.clock.ticks_done..self.clock.n_ticks {
            self.tick(out.tick_mut(tick))?;
        }
        Ok(out)
    }

    /// The floor and cap of every price metric, by metric index (`[NaN, NaN]` for the
    /// other metrics): what the per-trial `cap_months` and `floor_months` count against.
    pub fn price_bounds(&self) -> std::sync::Arc<[[f64; 2]]> {
        let mut bounds = vec![[f64::NAN; 2]; self.metrics.names.len()];
        for e in crate::metrics::traded_elements() {
            for column in self.metrics.price[e.index()] {
                bounds[column] = [self.params.floor[e], self.params.cap[e]];
            }
        }
        bounds.into()
    }

    /// Last month's prices, USD/kg, by region (China, rest of world).
    pub fn prices(&self) -> [ElementVec; 2] {
        self.prices.price
    }

    /// Last month's exports from China to the rest of the world by element, t.
    pub fn exports_t(&self) -> ElementVec {
        self.markets.exports_t
    }

    /// Last month's price wedge of each element's export link, USD/kg: tariff, freight
    /// and the licence rent.
    pub fn export_wedges_usd_per_kg(&self) -> ElementVec {
        let mut wedges = ElementVec::ZERO;
        for e in crate::metrics::traded_elements() {
            wedges[e] = self.markets.links[e.index()].wedge_usd_per_kg
                + self.markets.licence_rent_usd_per_kg;
        }
        wedges
    }

    /// What a licence under an all-element export quota earned last month, USD/kg (zero
    /// without such a quota, or when it did not bind).
    pub fn licence_rent_usd_per_kg(&self) -> f64 {
        self.markets.licence_rent_usd_per_kg
    }

    /// Number of monthly ticks of the trial.
    pub fn n_ticks(&self) -> usize {
        self.clock.n_ticks
    }

    /// Ticks run so far.
    pub fn ticks_done(&self) -> usize {
        self.clock.ticks_done
    }

    /// Runs the next tick and writes its metrics into `row` (one value per metric, in
    /// [`World::metric_names`] order): [`World::run`] one month at a time, for benchmarks
    /// and tools that look inside a trial.
    ///
    /// # Errors
    /// An invariant broken by the tick, or a call after the last tick (`Build`).
    pub fn tick(&mut self, row: &mut [f64]) -> Result<(), SimError> {
        let n_ticks = self.clock.n_ticks;
        if self.clock.ticks_done >= n_ticks {
            return Err(SimError::Build(format!(
                "the trial has run all its {n_ticks} ticks"
            )));
        }
        if row.len() != self.metrics.names.len() {
            return Err(SimError::Build(format!(
                "a tick writes {} metrics, not {}",
                self.metrics.names.len(),
                row.len()
            )));
        }
        let month = self.clock.start.add_months(self.clock.ticks_done as i32);
        self.step(month, row)?;
        if let Some(what) = self.invariant_violation(row[self.metrics.balance]) {
            return Err(SimError::Invariant {
                month: month.to_string(),
                what,
            });
        }
        self.clock.ticks_done += 1;
        Ok(())
    }

    /// One month: the tick's phases in order (see `crate::tick` for what each reads and
    /// writes, and `ARCHITECTURE.md`, "The tick").
    fn step(&mut self, month: Month, row: &mut [f64]) -> Result<(), SimError> {
        let f = &mut Flows::new(month);
        self.policy_phase(f)?;
        self.demand_phase(f);
        self.orders_phase(f);
        self.production_phases(f);
        self.schedules_phase(f);
        self.clearing_phase(f)?;
        self.magnets_phase(f);
        tick::prices::run(&mut self.prices, &self.params, f);
        tick::settlement::run(
            &mut self.supply,
            &self.prices,
            &self.params,
            &self.scratch,
            f,
        );
        self.investment_phase(f)?;
        self.observation_phase(f, row);
        Ok(())
    }

    fn policy_phase(&mut self, f: &mut Flows) -> Result<(), SimError> {
        tick::policy::run(
            &mut self.policy,
            &mut self.supply,
            &mut self.demand,
            &self.prices,
            &self.params,
            &self.clock,
            f,
        )
    }

    fn demand_phase(&mut self, f: &mut Flows) {
        let overlay = &self.policy.overlay;
        tick::demand::run(
            &mut self.demand,
            &self.prices,
            overlay,
            &mut self.scratch,
            f,
        );
    }

    fn orders_phase(&mut self, f: &mut Flows) {
        let overlay = &self.policy.overlay;
        let scratch = &mut self.scratch;
        tick::orders::run(
            &mut self.supply,
            &self.prices,
            overlay,
            &self.clock,
            scratch,
            f,
        );
        tick::orders::open_stocks(&mut self.inventories, &self.params, f);
    }

    /// Mining, separation and recycling: the material phases, in stage order.
    fn production_phases(&mut self, f: &mut Flows) {
        let overlay = &self.policy.overlay;
        let mining = MiningInputs {
            china: &self.policy.china,
            overlay,
            params: &self.params,
            clock: &self.clock,
        };
        let (supply, inventories, scratch) =
            (&mut self.supply, &mut self.inventories, &mut self.scratch);
        tick::mining::run(supply, inventories, &mining, scratch, f);
        tick::separation::run(supply, inventories, &self.params, overlay, scratch, f);
        tick::recycling::run(supply, inventories, overlay, f);
    }

    fn schedules_phase(&mut self, f: &mut Flows) {
        let books = ScheduleInputs {
            params: &self.params,
            prices: &self.prices,
            inventories: &self.inventories,
            supply: &self.supply,
            china: &self.policy.china,
            overlay: &self.policy.overlay,
            scratch: &self.scratch,
        };
        tick::schedules::run(&mut self.markets, &books, f);
    }

    fn clearing_phase(&mut self, f: &mut Flows) -> Result<(), SimError> {
        // An element that is not traded keeps last month's price.
        f.new_price = self.prices.price;
        tick::clearing::run(
            &mut self.markets,
            &mut self.inventories,
            &self.supply,
            &self.policy,
            &self.params,
            &mut self.scratch,
            f,
        )?;
        // Magnets nobody had the capacity to make are a shortage of magnet-making capacity,
        // written as `shortage.magnet_t`, not a shortage of the elements in them: their
        // oxides were never demanded at the market, so none went unmet there.
        Ok(())
    }

    fn magnets_phase(&mut self, f: &mut Flows) {
        tick::magnets::run(
            &mut self.supply,
            &mut self.demand,
            &mut self.inventories,
            &self.params,
            &self.policy.overlay,
            &self.scratch,
            f,
        );
    }

    fn investment_phase(&mut self, f: &mut Flows) -> Result<(), SimError> {
        let investors = InvestmentInputs {
            prices: &self.prices,
            inventories: &self.inventories,
            params: &self.params,
            clock: &self.clock,
        };
        tick::investment::run(&mut self.supply, &mut self.policy, &investors, f)
    }

    fn observation_phase(&self, f: &Flows, row: &mut [f64]) {
        let observed = Observed {
            inventories: &self.inventories,
            prices: &self.prices,
            markets: &self.markets,
            demand: &self.demand,
            params: &self.params,
        };
        tick::observation::run(&self.metrics, &observed, f, row);
    }

    /// The first broken invariant after a tick, if any: the mass balance within
    /// [`crate::MAX_BALANCE_ERROR`], and no negative or non-finite stock, price, capacity,
    /// utilisation or reserve.
    pub fn invariant_violation(&self, balance_error: f64) -> Option<String> {
        // NaN fails this check too.
        if balance_error.is_nan() || balance_error > crate::MAX_BALANCE_ERROR {
            return Some(format!("mass balance residual {balance_error:e}"));
        }
        let (inv, prices, supply) = (&self.inventories, &self.prices, &self.supply);
        if tick::observation::all_states_valid(inv, prices, supply) {
            return None;
        }
        tick::observation::invalid_state(inv, prices, supply)
    }
}
