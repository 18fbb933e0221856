//! `remsim-market` clears one tick's trades of one element: the net supply of China and of
//! the rest of the world, coupled by the one-way export link China → rest of world.
//! [`ScheduleMarket`] clears piecewise-linear net supply schedules ([`Schedule`], the sum of
//! a region's [`Participants`]): a stock holder or a group of end users is one participant
//! with a smooth curve, and a discrete order is a schedule with one jump (see the
//! `schedule` module docs). The clearing says where each region sits on its schedule
//! ([`Position`]), from which each participant's fill follows ([`Participants::fills`]).
//!
//! It knows no agent kind, reads no config and does no IO; it depends only on
//! `remsim-core`. Invariants: each region's fills add up to its export (up to float
//! rounding of the order of 1e-15 of the volume); prices are finite and within the caller's
//! [`PriceBounds`]; the result is fully deterministic (what a market keeps from its last
//! clearing, search hints and the last flow bracket, only saves time); invalid input is
//! refused with a [`MarketError`], never a panic; a clearing in steady state does not
//! allocate. The clearing is checked against an independent order-book solver kept under
//! `tests/reference/` (`tests/schedule.rs`, `tests/schedule_edges.rs`).
//!
//! ```
//! use remsim_market::{Link, Participants, PriceBounds, ScheduleClearing, ScheduleMarket, Values};
//!
//! // China: a holder offers 40 t at 10 USD/kg or more; rest of world: buyers bid 50 t up
//! // to 40 USD/kg.
//! let mut parts = [Participants::<1>::new(), Participants::new()];
//! *parts[0].push_point(10.0) = [Values::jump(0.0, 40.0)];
//! *parts[1].push_point(40.0) = [Values::jump(-50.0, 0.0)];
//! let mut market = ScheduleMarket::new();
//! for (p, schedule) in parts.iter().zip(&mut market.schedules) {
//!     p.total_into(schedule);
//! }
//! let link = Link { capacity_t: 20.0, wedge_usd_per_kg: 5.0 };
//! let bounds = PriceBounds { floor_usd_per_kg: 0.0, cap_usd_per_kg: 1000.0 };
//! let mut out = ScheduleClearing::default();
//! market.clear(link, bounds, [10.0, 40.0], &mut out)?;
//! // The 20 t quota binds: China stays at its ask, the rest of world at its bid.
//! assert_eq!((out.flow_t, out.price_usd_per_kg), (20.0, [10.0, 40.0]));
//! assert!(out.link_binding);
//! assert_eq!(parts[0].fills(out.position[0]).net_supply_t, [20.0]);
//! # Ok::<(), remsim_market::MarketError>(())
//! ```
//!
//! # The market
//!
//! Each region runs a uniform-price auction. The link works like an interconnector between
//! two zonal power markets: a flow `f` in `[0, capacity]` is bought in China and sold in
//! the rest of world, at a cost of `wedge` USD/kg (tariff plus freight). The clearing is
//! the competitive equilibrium, which maximises total surplus given the link:
//!
//! * if `0 < f < capacity`, `price_row − price_cn = wedge`;
//! * if `f = 0` and the link is open, `price_row − price_cn <= wedge`;
//! * if `f = capacity > 0`, `price_row − price_cn >= wedge` (the excess is the licence's
//!   scarcity rent, and [`ScheduleClearing::link_binding`] is set when it is positive);
//! * in each region, offers asking less than the price sell all they offer, bids above the
//!   price are served in full, and only items exactly at the price may fill partially.
//!
//! In schedule terms an item is a participant's jump; a sloped stretch of a schedule is a
//! continuum of such items.
//!
//! Price bounds act on the items: an ask below the floor counts as the floor and a
//! reservation above the cap as the cap; an offer above the cap or a bid below the floor
//! cannot trade. The conditions above hold for these effective prices.
//!
//! # Price rule
//!
//! A region's admissible prices form an interval `[lo, hi]`. An end set by an item's price
//! is *hard*; an end that only the floor or cap sets (no item below or above) is *soft*.
//!
//! * Both ends hard: the midpoint (when the position is inside a level, `lo = hi` is that
//!   level's price).
//! * Otherwise (an empty book, or one side only, or nothing left on one side): the
//!   region's reference price, clamped into `[lo, hi]`.
//!
//! When the two prices so picked break the link condition for the flow found (always when
//! `0 < f < capacity`), the spread is pinned to the wedge: the China price is picked by the
//! same rule in `[lo_cn, hi_cn] ∩ [lo_row − wedge, hi_row − wedge]` (with the reference
//! `(ref_cn + ref_row − wedge) / 2`), and the rest-of-world price is the China price plus
//! the wedge. Where surplus is flat in the flow (a rest-of-world price exactly the wedge
//! above a China price), the smallest such flow is taken.

mod error;
mod flow;
mod link;
mod participants;
mod schedule;
mod two_way;

pub use error::MarketError;
pub use link::{Link, PriceBounds};
pub use participants::{Fills, Participants, Values};
pub use schedule::{Position, Schedule, ScheduleClearing, ScheduleMarket};
