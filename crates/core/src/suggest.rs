//! "Did you mean" suggestions for misspelt names, shared by every name lookup.

/// The candidate closest to `given` by Jaro-Winkler similarity (case-insensitive), if it is
/// close enough to be a plausible typo (similarity ≥ 0.8).
pub fn closest<'a, I>(given: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let given = given.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&given, &candidate.to_ascii_lowercase());
        // Strictly greater keeps the first of equal candidates: deterministic.
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.8)
        .map(|(_, c)| c.to_string())
}

/// Formats an optional suggestion as `; did you mean `x`?`, or nothing.
pub fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["neodymium", "praseodymium", "dysprosium"];
        assert_eq!(closest("neodymum", names).as_deref(), Some("neodymium"));
        assert_eq!(closest("zzz", names), None);
    }
}
