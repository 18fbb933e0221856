//! The reference solver's inputs and output: one region's order book of [`Offer`]s and
//! [`Bid`]s, and the [`Clearing`] of two books (prices, flow, per-order fills, totals).

use remsim_market::Link;

/// A seller's offer: up to `quantity_t` tonnes at any price of at least `ask_usd_per_kg`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Offer {
    /// Quantity offered this tick, in t.
    pub quantity_t: f64,
    /// Lowest price the seller accepts, in USD/kg.
    pub ask_usd_per_kg: f64,
}

impl Offer {
    /// An offer of `quantity_t` t at `ask_usd_per_kg` USD/kg or more.
    #[inline]
    pub const fn new(quantity_t: f64, ask_usd_per_kg: f64) -> Self {
        Offer {
            quantity_t,
            ask_usd_per_kg,
        }
    }
}

/// A buyer's bid: up to `quantity_t` tonnes at any price of at most `reservation_usd_per_kg`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bid {
    /// Quantity wanted this tick, in t.
    pub quantity_t: f64,
    /// Highest price the buyer pays, in USD/kg.
    pub reservation_usd_per_kg: f64,
}

impl Bid {
    /// A bid for `quantity_t` t at `reservation_usd_per_kg` USD/kg or less.
    #[inline]
    pub const fn new(quantity_t: f64, reservation_usd_per_kg: f64) -> Self {
        Bid {
            quantity_t,
            reservation_usd_per_kg,
        }
    }
}

/// The offers and bids of one region. Indices returned by [`RegionBook::push_offer`] and
/// [`RegionBook::push_bid`] are the indices of the fills in [`Clearing`].
///
/// Values are checked when the market clears, not when they are pushed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionBook {
    offers: Vec<Offer>,
    bids: Vec<Bid>,
}

impl RegionBook {
    /// An empty book.
    #[inline]
    pub const fn new() -> Self {
        RegionBook {
            offers: Vec::new(),
            bids: Vec::new(),
        }
    }

    /// An empty book with room for `offers` offers and `bids` bids.
    #[inline]
    pub fn with_capacity(offers: usize, bids: usize) -> Self {
        RegionBook {
            offers: Vec::with_capacity(offers),
            bids: Vec::with_capacity(bids),
        }
    }

    /// Adds an offer; returns its index (0, 1, 2, ... in push order).
    #[inline]
    pub fn push_offer(&mut self, offer: Offer) -> usize {
        self.offers.push(offer);
        self.offers.len() - 1
    }

    /// Adds a bid; returns its index (0, 1, 2, ... in push order).
    #[inline]
    pub fn push_bid(&mut self, bid: Bid) -> usize {
        self.bids.push(bid);
        self.bids.len() - 1
    }

    /// Removes all offers and bids, keeping the allocated room.
    #[inline]
    pub fn clear(&mut self) {
        self.offers.clear();
        self.bids.clear();
    }

    /// The offers, by index.
    #[inline]
    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }

    /// The bids, by index.
    #[inline]
    pub fn bids(&self) -> &[Bid] {
        &self.bids
    }

    /// Number of offers.
    #[inline]
    pub fn offer_len(&self) -> usize {
        self.offers.len()
    }

    /// Number of bids.
    #[inline]
    pub fn bid_len(&self) -> usize {
        self.bids.len()
    }

    /// Whether the book holds neither offers nor bids.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.offers.is_empty() && self.bids.is_empty()
    }
}

/// The result of one clearing. Arrays over regions are indexed by [`Region::index`]; fill
/// vectors are indexed like the offers and bids of the books, and are resized in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clearing {
    /// Uniform price of each region, in USD/kg, within the price bounds.
    pub price_usd_per_kg: [f64; 2],
    /// Tonnes exported China → rest of world, in `[0, capacity]`.
    pub flow_t: f64,
    /// Whether the quota binds: the flow is at capacity and the rest-of-world price
    /// exceeds the China price by more than the wedge (the licence earns a rent). With a
    /// closed link it is set whenever the spread exceeds the wedge.
    pub link_binding: bool,
    /// Tonnes sold by each offer, in t.
    pub offer_fill_t: [Vec<f64>; 2],
    /// Tonnes served to each bid, in t.
    pub bid_fill_t: [Vec<f64>; 2],
    /// Tonnes sold by the region's offers, in t.
    pub sold_t: [f64; 2],
    /// Tonnes bought by the region's bids, in t.
    pub bought_t: [f64; 2],
    /// Tonnes offered but not sold (the caller's inventory), in t.
    pub unsold_t: [f64; 2],
    /// Tonnes bid but not served (shortage), in t.
    pub unmet_t: [f64; 2],
}

impl Clearing {
    /// An empty clearing, to be filled by [`super::clear`].
    pub fn new() -> Self {
        Clearing::default()
    }

    /// Rest-of-world price minus China price, in USD/kg.
    pub fn spread_usd_per_kg(&self) -> f64 {
        self.price_usd_per_kg[1] - self.price_usd_per_kg[0]
    }

    /// Scarcity rent of the export licence, in USD/kg: the spread above the wedge when the
    /// link is binding, else zero.
    pub fn licence_rent_usd_per_kg(&self, link: Link) -> f64 {
        if self.link_binding {
            (self.spread_usd_per_kg() - link.wedge_usd_per_kg).max(0.0)
        } else {
            0.0
        }
    }
}
