//! Clearing through a two-way link: China exports to the rest of the world through the
//! export link (quota, licences, tariff), and the rest of the world ships to China through
//! an import link (freight, any import duty) when China's price is the higher one by more
//! than that wedge. Oxide separated outside China is sold into China when it pays — Lynas
//! sold part of its NdPr there for years — so a China price cannot stay above the rest of
//! the world's by more than the cost of shipping (the law of one price, up to the wedge).
//!
//! The import direction is the export solver run on the mirrored market (the rest of the
//! world as the exporter), so both directions share one exact solver.

use crate::error::MarketError;
use crate::link::{Link, PriceBounds};
use crate::schedule::{ScheduleClearing, ScheduleMarket};

impl ScheduleMarket {
    /// Clears the two schedules through `export` (China → rest of world) and `import`
    /// (rest of world → China) into `out`. The export direction is cleared first, exactly
    /// as [`ScheduleMarket::clear`]; when China exports nothing and the import link is
    /// open, the mirrored market is cleared through `import`, and if it ships anything
    /// `out` holds that clearing with `flow_t` negative (tonnes imported by China) and
    /// `link_binding` telling whether the import capacity binds.
    ///
    /// # Errors
    /// As [`ScheduleMarket::clear`], for either link.
    pub fn clear_two_way(
        &mut self,
        export: Link,
        import: Link,
        bounds: PriceBounds,
        reference_price: [f64; 2],
        out: &mut ScheduleClearing,
    ) -> Result<(), MarketError> {
        self.clear(export, bounds, reference_price, out)?;
        // At zero flow each price lies in its region's clearing interval, so China's lowest
        // clearing price less the rest of world's highest is at most the spread of these
        // prices: when that spread does not exceed the import wedge, the mirrored market
        // ships nothing, and the second clearing (most months of an exporting China) is
        // skipped.
        let [cn, row] = out.price_usd_per_kg;
        if out.flow_t > 0.0 || import.capacity_t <= 0.0 || cn - row <= import.wedge_usd_per_kg {
            return Ok(());
        }
        self.schedules.swap(0, 1);
        let mut mirrored = ScheduleClearing::default();
        let result = self.clear(
            import,
            bounds,
            [reference_price[1], reference_price[0]],
            &mut mirrored,
        );
        self.schedules.swap(0, 1);
        result?;
        if mirrored.flow_t > 0.0 {
            let [a, b] = mirrored.price_usd_per_kg;
            out.price_usd_per_kg = [b, a];
            out.flow_t = -mirrored.flow_t;
            out.link_binding = mirrored.link_binding;
            let [a, b] = mirrored.position;
            out.position = [b, a];
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Link, Participants, PriceBounds, ScheduleClearing, ScheduleMarket, Values};

    const BOUNDS: PriceBounds = PriceBounds {
        floor_usd_per_kg: 0.0,
        cap_usd_per_kg: 1000.0,
    };

    /// A region with one seller offering `offer_t` at `ask` and one buyer bidding `bid_t`
    /// at `reservation`, as single orders.
    fn region(offer_t: f64, ask: f64, bid_t: f64, reservation: f64) -> Participants<2> {
        let mut p = Participants::<2>::new();
        let (lo, hi) = if ask <= reservation {
            (ask, reservation)
        } else {
            (reservation, ask)
        };
        for price in [lo, hi] {
            let seller = if price >= ask {
                Values::jump(if price == ask { 0.0 } else { offer_t }, offer_t)
            } else {
                Values::flat(0.0)
            };
            let buyer = if price <= reservation {
                Values::jump(-bid_t, if price == reservation { 0.0 } else { -bid_t })
            } else {
                Values::flat(0.0)
            };
            p.push_row(price, [seller, buyer]);
        }
        p
    }

    fn market(parts: [&Participants<2>; 2]) -> ScheduleMarket {
        let mut m = ScheduleMarket::new();
        for (p, s) in parts.iter().zip(&mut m.schedules) {
            p.total_into(s);
        }
        m
    }

    const OPEN: Link = Link {
        capacity_t: f64::MAX,
        wedge_usd_per_kg: 1.0,
    };

    /// 10 t offered at 50, 30 t bid at 80: a dear region.
    fn dear() -> Participants<2> {
        region(10.0, 50.0, 30.0, 80.0)
    }

    /// 40 t offered at 20, 10 t bid at 30: a cheap region.
    fn cheap() -> Participants<2> {
        region(40.0, 20.0, 10.0, 30.0)
    }

    /// Clears China `cn` and the rest of world `row` through both links.
    fn two_way(cn: &Participants<2>, row: &Participants<2>, import: Link) -> ScheduleClearing {
        let reference = [
            0.5 * (cn.price(0) + cn.price(1)),
            0.5 * (row.price(0) + row.price(1)),
        ];
        let mut out = ScheduleClearing::default();
        market([cn, row])
            .clear_two_way(OPEN, import, BOUNDS, reference, &mut out)
            .unwrap();
        out
    }

    #[test]
    fn dear_china_imports_until_the_spread_is_the_wedge() {
        let out = two_way(&dear(), &cheap(), OPEN);
        assert!(out.flow_t < 0.0, "{out:?}");
        let [cn, row] = out.price_usd_per_kg;
        assert!(cn - row <= OPEN.wedge_usd_per_kg + 1e-9);
        // With the import link closed, China clears alone at a higher price.
        let closed = two_way(&dear(), &cheap(), Link::CLOSED);
        assert_eq!(closed.flow_t, 0.0);
        assert!(closed.price_usd_per_kg[0] > cn);
    }

    #[test]
    fn the_import_direction_mirrors_the_export_solver() {
        // The same two regions, with the roles swapped, clear to the swapped result.
        let exported = two_way(&cheap(), &dear(), Link::CLOSED);
        let imported = two_way(&dear(), &cheap(), OPEN);
        assert!(exported.flow_t > 0.0);
        assert_eq!(imported.flow_t, -exported.flow_t);
        let [p, q] = exported.price_usd_per_kg;
        assert_eq!(imported.price_usd_per_kg, [q, p]);
        let [x, y] = exported.position;
        assert_eq!(imported.position, [y, x]);
    }

    #[test]
    fn an_exporting_china_is_cleared_as_before() {
        let (cn, row) = (cheap(), dear());
        let mut one = ScheduleClearing::default();
        market([&cn, &row])
            .clear(OPEN, BOUNDS, [25.0, 65.0], &mut one)
            .unwrap();
        assert!(one.flow_t > 0.0);
        assert_eq!(one, two_way(&cn, &row, OPEN));
    }
}
