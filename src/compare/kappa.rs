//! Chance-corrected agreement: Cohen's kappa for two readers, Fleiss' kappa for more.

use std::collections::BTreeMap;

/// Cohen's kappa of a square confusion matrix (rows one reader, columns the other):
/// (p_o - p_e) / (1 - p_e), with p_o the observed agreement and p_e the agreement expected
/// from each reader's label frequencies (Cohen 1960). Computed in integers as
/// (N·Σ n_ii - Σ r_i·c_i) / (N² - Σ r_i·c_i), so identical readers give exactly 1.
/// Undefined (`None`) with no items, or when chance agreement is certain (both readers gave
/// every item the same single label).
pub fn cohen(m: &[Vec<u64>]) -> Option<f64> {
    let k = m.len();
    let n: u128 = m.iter().flatten().map(|&x| x as u128).sum();
    let diag: u128 = (0..k)
        .map(|i| m[i].get(i).copied().unwrap_or(0) as u128)
        .sum();
    let chance: u128 = (0..k)
        .map(|i| {
            let row: u128 = m[i].iter().map(|&x| x as u128).sum();
            let col: u128 = m
                .iter()
                .map(|r| r.get(i).copied().unwrap_or(0) as u128)
                .sum();
            row * col
        })
        .sum();
    let denominator = n * n - chance;
    if n == 0 || denominator == 0 {
        return None;
    }
    Some(((n * diag) as f64 - chance as f64) / denominator as f64)
}

/// Fleiss' kappa tallies (Fleiss 1971), kept as sums so that recordings can be pooled: the
/// number of items, the sum over items of P_i = (Σ_j n_ij² - n) / (n (n - 1)), and how often
/// each label was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleiss {
    pub raters: u64,
    pub items: u64,
    pub sum_agreement: f64,
    pub totals: BTreeMap<String, u64>,
}

impl Fleiss {
    pub fn new(raters: u64) -> Fleiss {
        Fleiss {
            raters,
            items: 0,
            sum_agreement: 0.0,
            totals: BTreeMap::new(),
        }
    }

    /// One item: how many raters gave it each label (the counts sum to `raters`).
    pub fn add_item<'a>(&mut self, counts: impl IntoIterator<Item = (&'a str, u64)>) {
        let n = self.raters;
        let mut squares = 0u64;
        for (label, c) in counts {
            squares += c * c;
            *self.totals.entry(label.to_string()).or_default() += c;
        }
        self.items += 1;
        if n >= 2 {
            self.sum_agreement += squares.saturating_sub(n) as f64 / (n * (n - 1)) as f64;
        }
    }

    /// (P̄ - P̄_e) / (1 - P̄_e), P̄ the mean of P_i, P̄_e = Σ_j p_j², p_j the share of all
    /// ratings given label j. Undefined with no items, fewer than two raters, or one label.
    pub fn kappa(&self) -> Option<f64> {
        if self.items == 0 || self.raters < 2 {
            return None;
        }
        let ratings = (self.items * self.raters) as f64;
        let p_bar = self.sum_agreement / self.items as f64;
        let p_e: f64 = self
            .totals
            .values()
            .map(|&t| (t as f64 / ratings).powi(2))
            .sum();
        (p_e < 1.0).then(|| (p_bar - p_e) / (1.0 - p_e))
    }

    pub fn add(&mut self, o: &Fleiss) {
        self.items += o.items;
        self.sum_agreement += o.sum_agreement;
        for (l, t) in &o.totals {
            *self.totals.entry(l.clone()).or_default() += t;
        }
    }
}

/// Fleiss' kappa of a table of items by labels (each row: raters per label).
pub fn fleiss(rows: &[Vec<u64>]) -> Option<f64> {
    let raters = rows.first()?.iter().sum();
    let names: Vec<String> = (0..rows[0].len()).map(|j| j.to_string()).collect();
    let mut f = Fleiss::new(raters);
    for row in rows {
        f.add_item(names.iter().map(String::as_str).zip(row.iter().copied()));
    }
    f.kappa()
}
