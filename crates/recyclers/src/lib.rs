//! `remsim-recyclers` holds the [`Recycler`] — a plant that turns magnet scrap (pre-consumer
//! swarf and collected end-of-life magnets) back into oxides, at a collection rate that
//! producer-responsibility mandates raise and a recovery of up to 92% — and the
//! [`ProductStock`]: magnets in use in one end use, which come back at the end of the
//! products' lives.
//!
//! Lifetimes are Erlang distributions (gamma with integer shape k), kept as a cascade of k
//! first-order stages — the material delay of system dynamics. Why not a Weibull convolution
//! over the whole history: the cascade is exact in mass, costs O(k) per tick instead of
//! O(history), and its shape parameter plays the Weibull shape's role (k = 3 gives a
//! coefficient of variation of 0.58, Weibull 1.8 about the same).
//!
//! It depends on `remsim-core` and `remsim-scenario` only; it knows no other agent kind.
//! Invariants: processed scrap = oxides + losses and stock in = stock + returns, element by
//! element; throughput never exceeds capacity.

use remsim_core::{Country, ElementVec, Region, units};
use remsim_scenario::RecyclerConfig;

/// Why a recycler could not be built.
#[derive(Debug, thiserror::Error)]
#[error("recycler `{id}`: {message}")]
pub struct RecyclerError {
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

/// One recycling plant.
#[derive(Debug, Clone)]
pub struct Recycler {
    /// Config id.
    pub id: String,
    /// Where it is.
    pub country: Country,
    /// Capacity, t REO in scrap per year.
    pub capacity_t: f64,
    /// Share of end-of-life magnets its collection network recovers.
    pub collection_rate: f64,
    /// Share of rare earths in scrap recovered as oxide.
    pub recovery: f64,
    /// Processing cost, USD/kg REO recovered.
    pub cost_usd_per_kg: f64,
}

/// One month's recycling.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recycled {
    /// Oxides recovered, t.
    pub oxides: ElementVec,
    /// Lost in processing, t.
    pub losses: ElementVec,
}

impl Recycler {
    /// Builds a recycler from its (drawn) config.
    pub fn from_config(cfg: &RecyclerConfig) -> Result<Recycler, RecyclerError> {
        let country = Country::parse(&cfg.country).map_err(|e| RecyclerError {
            id: cfg.id.clone(),
            message: e.to_string(),
        })?;
        Ok(Recycler {
            id: cfg.id.clone(),
            country,
            capacity_t: cfg.capacity_t.max(0.0),
            collection_rate: cfg.collection_rate.clamp(0.0, 1.0),
            recovery: cfg.recovery.clamp(0.0, 1.0),
            cost_usd_per_kg: cfg.cost_usd_per_kg.max(0.0),
        })
    }

    /// The market zone it sells into.
    pub fn region(&self) -> Region {
        self.country.region()
    }

    /// Scrap it can take this month, t REO.
    pub fn capacity_per_month(&self) -> f64 {
        units::per_month(self.capacity_t)
    }

    /// Processes `scrap`.
    pub fn process(&self, scrap: &ElementVec) -> Recycled {
        let oxides = *scrap * self.recovery;
        Recycled {
            oxides,
            losses: *scrap - oxides,
        }
    }
}

/// Capacity-weighted collection rate of each region's recyclers, each rate raised to at
/// least that region's `mandated` floor (a producer-responsibility mandate in force); 0
/// where a region has no recycling capacity.
pub fn collection_rates(recyclers: &[Recycler], mandated: [f64; 2]) -> [f64; 2] {
    let mut weighted = [0.0f64; 2];
    let mut capacity = [0.0f64; 2];
    for rc in recyclers {
        let r = rc.region().index();
        weighted[r] += rc.collection_rate.max(mandated[r]) * rc.capacity_t;
        capacity[r] += rc.capacity_t;
    }
    [0, 1].map(|r| {
        if capacity[r] > 0.0 {
            weighted[r] / capacity[r]
        } else {
            0.0
        }
    })
}

/// Magnets in use in one end use and region, returning after an Erlang-distributed life.
#[derive(Debug, Clone)]
pub struct ProductStock {
    /// Rare earths in each lifetime stage, t REO.
    stages: Vec<ElementVec>,
    /// Share of a stage's content that moves on each month.
    rate_per_month: f64,
}

impl ProductStock {
    /// A stock with mean life `mean_life_years` and `shape` stages (rounded, at least 1),
    /// filled as if `monthly_inflow` t had been arriving for ever, growing at `growth_per_year`
    /// — the stock a market of that history would hold today.
    pub fn in_steady_growth(
        mean_life_years: f64,
        shape: f64,
        monthly_inflow: ElementVec,
        growth_per_year: f64,
    ) -> ProductStock {
        let k = shape.round().clamp(1.0, 12.0) as usize;
        let mean_months = (mean_life_years * 12.0).max(1.0);
        let rate = (k as f64 / mean_months).min(1.0);
        // Monthly growth r: each stage holds what flows into it divided by (rate + r).
        let r = (1.0 + growth_per_year.max(-0.5)).powf(1.0 / 12.0) - 1.0;
        let mut stages = Vec::with_capacity(k);
        let mut inflow = monthly_inflow;
        for _ in 0..k {
            let stage = inflow * (1.0 / (rate + r).max(1e-9));
            inflow = stage * rate;
            stages.push(stage);
        }
        ProductStock {
            stages,
            rate_per_month: rate,
        }
    }

    /// Everything in use, t REO.
    pub fn total(&self) -> ElementVec {
        self.stages.iter().copied().sum()
    }

    /// One month: `inflow` enters service, and the returns (end of life) leave.
    #[inline]
    pub fn step(&mut self, inflow: ElementVec) -> ElementVec {
        let mut carried = inflow;
        for stage in &mut self.stages {
            let leaving = *stage * self.rate_per_month;
            *stage += carried;
            *stage -= leaving;
            carried = leaving;
        }
        carried
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_core::Element;

    #[test]
    fn mean_life_and_mass_of_the_cascade() {
        let mut stock = ProductStock::in_steady_growth(10.0, 3.0, ElementVec::ZERO, 0.0);
        let pulse = ElementVec::unit(Element::Nd, 1.0);
        let mut returned = stock.step(pulse);
        let mut weighted = 0.0;
        for month in 1..2400 {
            let out = stock.step(ElementVec::ZERO);
            weighted += out[Element::Nd] * month as f64;
            returned += out;
        }
        assert!((returned[Element::Nd] - 1.0).abs() < 1e-9, "all comes back");
        assert!(
            (weighted / 12.0 - 10.0).abs() < 0.2,
            "mean life {}",
            weighted / 12.0
        );
    }

    #[test]
    fn steady_state_returns_equal_inflow_without_growth() {
        let inflow = ElementVec::unit(Element::Dy, 5.0);
        let mut stock = ProductStock::in_steady_growth(15.0, 3.0, inflow, 0.0);
        let out = stock.step(inflow);
        assert!((out[Element::Dy] - 5.0).abs() < 1e-9);
        let grown = ProductStock::in_steady_growth(15.0, 3.0, inflow, 0.1);
        let mut g = grown.clone();
        assert!(
            g.step(inflow)[Element::Dy] < 5.0,
            "growing markets return less than they take"
        );
        assert!(grown.total()[Element::Dy] < stock.total()[Element::Dy]);
    }

    #[test]
    fn processing_conserves_mass() {
        let r = Recycler::from_config(&RecyclerConfig {
            id: "r".into(),
            name: "r".into(),
            country: "CN".into(),
            capacity_t: 1200.0,
            collection_rate: 0.1,
            recovery: 0.9,
            cost_usd_per_kg: 5.0,
        })
        .unwrap();
        let scrap = ElementVec::unit(Element::Nd, 7.0);
        let out = r.process(&scrap);
        assert_eq!(out.oxides[Element::Nd] + out.losses[Element::Nd], 7.0);
        assert_eq!(r.capacity_per_month(), 100.0);
    }
}
