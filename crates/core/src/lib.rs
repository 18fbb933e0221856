//! `remsim-core` is the vocabulary every other remsim crate speaks: the 17 rare-earth
//! [`Element`]s and the element vector [`ElementVec`] that is the unit of account,
//! [`Region`] and [`Country`], units ([`units`]), the monthly calendar ([`Month`]), deposit
//! types with their element distributions ([`deposit`]), and the one door to randomness
//! ([`rng::stream_rng`]), and the metric catalog ([`catalog`]): the name, unit and meaning of
//! every metric and outcome remsim writes.
//!
//! It depends on no other remsim crate and does no IO. It knows nothing of agents, markets
//! or config files. Invariant: every random draw in remsim comes from a stream made by
//! [`rng::stream_rng`], so a draw depends only on (master seed, trial, stream).

#[macro_use]
mod text;

pub mod capacity;
pub mod catalog;
pub mod country;
pub mod deposit;
pub mod element;
pub mod error;
pub mod month;
pub mod rng;
pub mod suggest;
pub mod trajectory;
pub mod units;
pub mod vec;

pub use capacity::CapacityPipeline;
pub use country::{Country, Region};
pub use deposit::{DepositProfile, DepositType};
pub use element::Element;
pub use error::CoreError;
pub use month::Month;
pub use trajectory::Trajectory;
pub use vec::ElementVec;
