//! The metric catalog: one table naming every monthly metric of `summary.csv` and every
//! per-trial outcome column of `trials.csv`, with its unit, label, kind and description.
//!
//! The simulation writes metrics, the scheduler reduces them to outcomes, `remsim validate`
//! reads targets of them and the report labels them: all name them through the [`Entry`]
//! constants here (a misspelt constant does not compile), and tests check that what each
//! of them produces is exactly what this table expands to (a misspelt argument fails a
//! test). `remsim metrics` prints the table.
//!
//! A key may hold placeholders, expanded over fixed sets, first placeholder outermost:
//! `{el}` — every traded element (all but Pm, which has no supply), `{mel}` — the magnet
//! elements Nd, Pr, Dy, Tb, `{region}` — `cn`, `row`, `{stage}` — `mine`, `separation`,
//! `magnet`, `deep_processing`, `{year}` — the reported years 2030 and 2035. In a label or
//! description the same placeholder stands for the value's words ("Nd", "rest of world",
//! "magnet making", "2035").
//!
//! Shares are stored as fractions (0..1); a probability outcome is a 0/1 flag per trial,
//! whose mean across trials is the probability.

use crate::{Element, Region};
use std::fmt;
use std::sync::OnceLock;

/// Which results file a name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// A monthly metric: a `metric` of `summary.csv`, one value per trial and month.
    Summary,
    /// A per-trial outcome: a column of `trials.csv`, one value per trial.
    Trials,
}

/// What a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A monthly quantity (tonnes, prices, money, errors).
    Series,
    /// A per-trial quantity (a peak, a sum, a count, a month).
    Outcome,
    /// A fraction 0..1 (monthly or per trial).
    Share,
    /// A per-trial 0/1 flag; its mean across trials is a probability.
    Probability,
}

/// One row of the catalog: a metric or outcome, or a pattern of them.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// Name, or name pattern with placeholders (see the module docs).
    pub key: &'static str,
    /// The file it appears in.
    pub table: Table,
    /// What it is.
    pub kind: Kind,
    /// Unit of the stored values.
    pub unit: &'static str,
    /// Short title for charts and tables (placeholders as in `key`).
    pub label: &'static str,
    /// One sentence on what it measures (placeholders as in `key`).
    pub description: &'static str,
}

/// A placeholder of a key pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    El,
    MagnetEl,
    Region,
    Stage,
    Year,
}

impl Slot {
    fn parse(name: &str) -> Option<Slot> {
        Some(match name {
            "el" => Slot::El,
            "mel" => Slot::MagnetEl,
            "region" => Slot::Region,
            "stage" => Slot::Stage,
            "year" => Slot::Year,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Slot::El => "el",
            Slot::MagnetEl => "mel",
            Slot::Region => "region",
            Slot::Stage => "stage",
            Slot::Year => "year",
        }
    }

    /// The values, each as (name part, words).
    fn values(self) -> Vec<(String, String)> {
        let element = |e: Element| (e.key(), e.symbol().to_string());
        match self {
            Slot::El => traded_elements().map(element).collect(),
            Slot::MagnetEl => Element::MAGNET.into_iter().map(element).collect(),
            Slot::Region => Region::ALL
                .into_iter()
                .map(|r| (r.key().to_string(), r.to_string()))
                .collect(),
            Slot::Stage => STAGES
                .iter()
                .map(|(key, words)| (key.to_string(), words.to_string()))
                .collect(),
            Slot::Year => YEARS
                .iter()
                .map(|y| (y.to_string(), y.to_string()))
                .collect(),
        }
    }
}

/// Elements that carry prices and appear in per-element metrics: all but Pm, which has no
/// supply.
pub fn traded_elements() -> impl Iterator<Item = Element> {
    Element::ALL.into_iter().filter(|e| *e != Element::Pm)
}

/// Years whose shares and prices are reported per trial (`{year}`).
pub const YEARS: [i32; 2] = [2030, 2035];

/// Stages whose China share is reported per trial (`{stage}`), with their words.
pub const STAGES: [(&str, &str); 4] = [
    ("mine", "mining"),
    ("separation", "separation"),
    ("magnet", "magnet making"),
    ("deep_processing", "deep processing"),
];

#[rustfmt::skip]
mod entries;

pub use entries::*;

/// The placeholders of a pattern, in order, and the text between them.
fn parts(pattern: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push(Part::Text(&rest[..open]));
        match Slot::parse(&rest[open + 1..close]) {
            Some(slot) => out.push(Part::Slot(slot)),
            None => out.push(Part::Text(&rest[open..=close])),
        }
        rest = &rest[close + 1..];
    }
    out.push(Part::Text(rest));
    out
}

#[derive(Debug, Clone, Copy)]
enum Part<'a> {
    Text(&'a str),
    Slot(Slot),
}

impl Entry {
    /// The placeholders of the key, in order (e.g. `["el", "region"]` for `price.{el}.{region}`).
    pub fn placeholders(&self) -> Vec<&'static str> {
        parts(self.key)
            .into_iter()
            .filter_map(|p| match p {
                Part::Slot(s) => Some(s.name()),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// The concrete name for these placeholder values, in the key's order:
    /// `PRICE.name(&["nd", "cn"])` is `price.nd.cn`. A missing value is left as its
    /// placeholder, which no test-checked producer accepts.
    pub fn name(&self, values: &[&str]) -> String {
        let mut out = String::with_capacity(self.key.len() + 8);
        let mut next = values.iter();
        for part in parts(self.key) {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Slot(s) => match next.next() {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(s.name());
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// Every concrete name of this entry, first placeholder outermost.
    pub fn expand(&'static self) -> Vec<Metric> {
        let slots: Vec<Slot> = parts(self.key)
            .into_iter()
            .filter_map(|p| match p {
                Part::Slot(s) => Some(s),
                Part::Text(_) => None,
            })
            .collect();
        let mut bindings: Vec<Vec<(Slot, String, String)>> = vec![Vec::new()];
        for slot in slots {
            let values = slot.values();
            bindings = bindings
                .into_iter()
                .flat_map(|b| {
                    values.iter().map(move |(key, words)| {
                        let mut b = b.clone();
                        b.push((slot, key.clone(), words.clone()));
                        b
                    })
                })
                .collect();
        }
        bindings
            .into_iter()
            .map(|b| {
                let keys: Vec<&str> = b.iter().map(|(_, k, _)| k.as_str()).collect();
                Metric {
                    entry: self,
                    name: self.name(&keys),
                    words: b.into_iter().map(|(s, _, w)| (s, w)).collect(),
                }
            })
            .collect()
    }
}

/// One concrete metric or outcome: an entry with its placeholders filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    entry: &'static Entry,
    name: String,
    words: Vec<(Slot, String)>,
}

impl Metric {
    /// The entry it comes from.
    pub fn entry(&self) -> &'static Entry {
        self.entry
    }

    /// The name, as in `summary.csv` or `trials.csv`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Unit of the stored values.
    pub fn unit(&self) -> &'static str {
        self.entry.unit
    }

    /// Which file it appears in.
    pub fn table(&self) -> Table {
        self.entry.table
    }

    /// What it is.
    pub fn kind(&self) -> Kind {
        self.entry.kind
    }

    /// Short title, e.g. "Nd oxide price, rest of world".
    pub fn label(&self) -> String {
        self.fill(self.entry.label)
    }

    /// One sentence on what it measures.
    pub fn description(&self) -> String {
        self.fill(self.entry.description)
    }

    fn fill(&self, pattern: &str) -> String {
        let mut out = String::with_capacity(pattern.len() + 16);
        for part in parts(pattern) {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Slot(s) => match self.words.iter().find(|(w, _)| *w == s) {
                    Some((_, words)) => out.push_str(words),
                    None => out.push_str(s.name()),
                },
            }
        }
        out
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Table::Summary => "summary.csv",
            Table::Trials => "trials.csv",
        })
    }
}

impl Metric {
    /// Kind and file in words: `monthly series`, `monthly share`, `per-trial outcome`,
    /// `per-trial share` or `per-trial probability`.
    pub fn kind_words(&self) -> &'static str {
        match (self.table(), self.kind()) {
            (Table::Summary, Kind::Share) => "monthly share",
            (Table::Summary, _) => "monthly series",
            (Table::Trials, Kind::Share) => "per-trial share",
            (Table::Trials, Kind::Probability) => "per-trial probability",
            (Table::Trials, _) => "per-trial outcome",
        }
    }
}

/// Every concrete metric and outcome, in catalog order.
pub fn all() -> &'static [Metric] {
    static ALL: OnceLock<Vec<Metric>> = OnceLock::new();
    ALL.get_or_init(|| ENTRIES.iter().flat_map(|e| e.expand()).collect())
}

/// The concrete names of one file, in catalog order (for `summary.csv`: the order the
/// simulation writes them).
pub fn names(table: Table) -> Vec<String> {
    all()
        .iter()
        .filter(|m| m.table() == table)
        .map(|m| m.name.clone())
        .collect()
}

/// The metric or outcome of this name (a monthly metric first where a name is both).
pub fn lookup(name: &str) -> Option<&'static Metric> {
    all().iter().find(|m| m.name == name)
}

/// The metric (`Table::Summary`) or outcome (`Table::Trials`) of this name.
pub fn lookup_in(table: Table, name: &str) -> Option<&'static Metric> {
    all().iter().find(|m| m.table() == table && m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_a_file_and_fully_described() {
        for table in [Table::Summary, Table::Trials] {
            let mut names = names(table);
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "a name of {table} appears twice");
        }
        for m in all() {
            assert!(
                !m.name().contains('{'),
                "{}: unexpanded placeholder",
                m.name()
            );
            for text in [m.label(), m.description(), m.unit().to_string()] {
                assert!(
                    !text.trim().is_empty() && !text.contains('{'),
                    "{}: {text:?}",
                    m.name()
                );
            }
        }
    }

    #[test]
    fn patterns_expand_and_fill() {
        assert_eq!(PRICE.name(&["nd", "cn"]), "price.nd.cn");
        assert_eq!(PRICE.placeholders(), ["el", "region"]);
        let m = lookup("price.dy.row").unwrap();
        assert_eq!(m.label(), "Dy oxide price, rest of world");
        assert_eq!(m.unit(), "USD/kg");
        assert_eq!(PRICE.expand().len(), 32);
        let first = traded_elements().next().unwrap().key();
        assert_eq!(PRICE.expand()[1].name(), format!("price.{first}.row"));
        assert!(lookup("price.pm.cn").is_none());
        let share = lookup_in(Table::Trials, "magnet.cn_share.2035").unwrap();
        assert_eq!(share.label(), "China's share of magnet making in 2035");
        assert_eq!(share.kind_words(), "per-trial share");
        assert_eq!(
            lookup_in(Table::Trials, "balance.max_rel_error")
                .unwrap()
                .kind(),
            Kind::Outcome
        );
        assert_eq!(
            lookup("balance.max_rel_error").unwrap().table(),
            Table::Summary
        );
    }
}
