//! [`FieldPath`]: where in a scenario a value lives, e.g. `miners[bayan-obo].capacity_t`.

use std::fmt;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An element of an array of agents, named by its `id`.
    Id(String),
    /// An element of a plain array, by position.
    Index(usize),
}

/// A path from the root of a scenario to one value.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The empty path (the whole file).
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.to_string()));
        p
    }

    /// This path extended by an agent id.
    pub fn id(&self, id: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Segment::Id(id.to_string()));
        p
    }

    /// This path extended by an array index.
    pub fn index(&self, index: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Segment::Index(index));
        p
    }

    /// Builds a path from dotted keys, e.g. `FieldPath::keys(&["market", "freight_usd_per_kg"])`.
    pub fn keys(keys: &[&str]) -> FieldPath {
        FieldPath(keys.iter().map(|k| Segment::Key(k.to_string())).collect())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Id(id) => write!(f, "[{id}]")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_keys_ids_and_indices() {
        let p = FieldPath::root()
            .key("miners")
            .id("bayan-obo")
            .key("capacity_t");
        assert_eq!(p.to_string(), "miners[bayan-obo].capacity_t");
        let q = FieldPath::keys(&["policy", "china"])
            .key("export_licence_elements")
            .index(2);
        assert_eq!(q.to_string(), "policy.china.export_licence_elements[2]");
    }
}
