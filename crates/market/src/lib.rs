//! `remsim-market` clears one tick's trades of one element: the offers and bids of China
//! and of the rest of the world, coupled by the one-way export link China → rest of world.
//! It offers the same equilibrium in two forms:
//!
//! * [`CoupledMarket`] clears discrete orders: it holds the two [`RegionBook`]s and writes a
//!   [`Clearing`] (prices, flow, fills, unsold tonnes, shortage). The rest of these docs
//!   describe it.
//! * [`ScheduleMarket`] clears piecewise-linear net supply schedules ([`Schedule`], built
//!   from a region's [`Participants`]): a stock holder or a group of end users is one
//!   participant with a smooth curve instead of dozens of orders. This is what the
//!   simulation uses; a book of single orders clears on it exactly as on [`CoupledMarket`]
//!   (tested), see the `schedule` module docs.
//!
//! It knows no agent kind, reads no config and does no IO; it depends only on
//! `remsim-core`. Invariants: clearing conserves tonnes (China sold = China bought + flow,
//! rest-of-world bought = rest-of-world sold + flow, up to float rounding of the order of
//! 1e-12 of the volume); prices are finite and within the caller's [`PriceBounds`]; the
//! result depends on the books only through the values of their items (not their order),
//! and is fully deterministic; invalid input is refused with a [`MarketError`], never a
//! panic; a clearing in steady state does not allocate.
//!
//! ```
//! use remsim_core::Region;
//! use remsim_market::{Bid, Clearing, CoupledMarket, Link, Offer, PriceBounds};
//!
//! let mut market = CoupledMarket::new();
//! market.book_mut(Region::China).push_offer(Offer::new(40.0, 10.0)); // 40 t at 10 USD/kg
//! market.book_mut(Region::RestOfWorld).push_bid(Bid::new(50.0, 40.0)); // 50 t up to 40
//! let link = Link { capacity_t: 20.0, wedge_usd_per_kg: 5.0 };
//! let bounds = PriceBounds { floor_usd_per_kg: 0.0, cap_usd_per_kg: 1000.0 };
//! let mut out = Clearing::new();
//! market.clear(link, bounds, [10.0, 40.0], &mut out)?;
//! // The 20 t quota binds: China stays at its ask, the rest of world at its bid.
//! assert_eq!((out.flow_t, out.price_usd_per_kg), (20.0, [10.0, 40.0]));
//! assert!(out.link_binding);
//! assert_eq!((out.unsold_t[0], out.unmet_t[1]), (20.0, 30.0));
//! market.clear_books(); // next tick
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
//!   scarcity rent, and [`Clearing::link_binding`] is set when it is positive);
//! * in each region, offers asking less than the price sell all they offer, bids above the
//!   price are served in full, and only items exactly at the price may fill partially.
//!
//! Price bounds act on the items: an ask below the floor counts as the floor and a
//! reservation above the cap as the cap; an offer above the cap or a bid below the floor
//! cannot trade (it is reported unsold or unmet). The conditions above hold for these
//! effective prices.
//!
//! # Algorithm
//!
//! 1. Per region, sort offers and bids together by (effective price, side, quantity) and
//!    group them into price levels; the region's excess supply (sold − bought) is then a
//!    non-decreasing step curve of the price, with one flat stretch per level. The market
//!    keeps each region's order from the last clearing for books of up to 64 orders: a
//!    book of the same shape is laid out in it and insertion-sorted (`O(n)` plus a move
//!    per inversion; a caller that pushes the same kinds of orders every tick mostly
//!    finds it still in order). Larger books are counting-sorted on their keys' offset
//!    from the smallest (about four buckets per order) and finished by one insertion
//!    pass, falling back to the standard sort when that pass grows expensive; the order,
//!    and so every sum, is the same either way.
//! 2. China at excess supply `f` and the rest of world at `−f` each have a marginal price.
//!    Starting from `f = 0`, raise `f` level boundary by level boundary while the
//!    rest-of-world marginal price exceeds the China one by more than the wedge, stopping
//!    at the capacity or when either side runs out. This is the smallest flow that
//!    maximises surplus (`O(levels · log levels)`).
//! 3. Each region's position on its curve gives an interval of admissible prices; pick
//!    prices by the rule below.
//! 4. Fill: levels below the position sell all their offers, levels above serve all their
//!    bids; in the marginal level offers and bids trade as much as possible with each other
//!    and the remainder is shared pro rata by quantity (`O(n)`).
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
//!
//! Reported totals (`sold_t`, `bought_t`) are the sums of whole price levels plus the
//! marginal quantity, formed in sorted order; the per-item fills add up to them within
//! float rounding.

mod book;
mod clearing;
mod curve;
mod error;
mod schedule;

pub use book::{Bid, Offer, RegionBook};
pub use clearing::{Clearing, CoupledMarket, Link, PriceBounds};
pub use error::MarketError;
pub use schedule::{
    Fills, Participants, Position, Schedule, ScheduleClearing, ScheduleMarket, Values,
};
