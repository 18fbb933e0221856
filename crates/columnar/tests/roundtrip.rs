//! CSV → Parquet → CSV gives back the same bytes; types, metadata and row groups are as
//! documented.

// Test helpers unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use remsim_columnar::{FileMeta, Table, csv_to_parquet, parquet_to_csv, read_metadata};
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("remsim-columnar-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn meta() -> FileMeta {
    FileMeta {
        config_hash: "abc123".to_string(),
        seed: 7,
        remsim_version: "0.1.0".to_string(),
    }
}

/// A trials-like table: counters, months (one missing), floats in every awkward form.
fn trials_csv(rows: usize) -> String {
    let mut text = String::from("trial,seed,peak_month.nd.cn,peak_price.nd.cn_usd_per_kg,x\n");
    let specials = [
        "NaN",
        "inf",
        "-inf",
        "",
        "0.0000000000000003116299292300148",
        "-0",
    ];
    for i in 0..rows {
        let month = if i % 7 == 3 {
            String::new()
        } else {
            format!("{}-{:02}", 2025 + i % 30, 1 + i % 12)
        };
        let x = specials[i % specials.len()];
        let price = (i as f64).sqrt() * 1.1;
        text.push_str(&format!("{i},18446744073709551615,{month},{price},{x}\n"));
    }
    text
}

#[test]
fn a_table_reads_back_as_the_same_csv_bytes() {
    let dir = scratch("bytes");
    let csv = dir.join("trials.csv");
    // More rows than one row group holds, so several groups are written.
    let text = trials_csv(70_000);
    std::fs::write(&csv, &text).unwrap();
    let parquet = dir.join("trials.parquet");
    let rows = csv_to_parquet(Table::Trials, &csv, &parquet, &meta()).unwrap();
    assert_eq!(rows, 70_000);
    let back = dir.join("back.csv");
    assert_eq!(parquet_to_csv(&parquet, &back).unwrap(), 70_000);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), text);
    assert!(!dir.join("trials.parquet.tmp").exists());
}

#[test]
fn summary_names_and_empty_quantiles_round_trip() {
    let dir = scratch("summary");
    let csv = dir.join("summary.csv");
    let text = "metric,tick,date,n,mean,p50,unit\n\
                price.nd.cn,0,2025-01,50,1.5,,USD/kg\n\
                price.nd.cn,1,2025-02,50,2.5,2,USD/kg\n\
                share.x,0,2025-01,50,0.25,0.5,\n";
    std::fs::write(&csv, text).unwrap();
    let parquet = dir.join("summary.parquet");
    csv_to_parquet(Table::Summary, &csv, &parquet, &meta()).unwrap();
    let back = dir.join("back.csv");
    parquet_to_csv(&parquet, &back).unwrap();
    assert_eq!(std::fs::read_to_string(&back).unwrap(), text);
    let pairs = read_metadata(&parquet).unwrap();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("remsim.config_hash"), Some("abc123"));
    assert_eq!(get("remsim.seed"), Some("7"));
    assert_eq!(get("remsim.table"), Some("summary"));
}

#[test]
fn the_same_csv_gives_the_same_parquet_bytes() {
    let dir = scratch("same");
    let csv = dir.join("trials.csv");
    std::fs::write(&csv, trials_csv(5_000)).unwrap();
    let (a, b) = (dir.join("a.parquet"), dir.join("b.parquet"));
    csv_to_parquet(Table::Trials, &csv, &a, &meta()).unwrap();
    csv_to_parquet(Table::Trials, &csv, &b, &meta()).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn a_bad_field_is_refused_naming_row_and_column() {
    let dir = scratch("bad");
    let csv = dir.join("trials.csv");
    std::fs::write(&csv, "trial,x\n0,1.5\n1,abc\n").unwrap();
    let out = dir.join("trials.parquet");
    let err = csv_to_parquet(Table::Trials, &csv, &out, &meta()).unwrap_err();
    assert!(
        err.to_string()
            .contains("row 3: column x: `abc` is not a number"),
        "{err}"
    );
    assert!(!out.exists());
    assert!(!dir.join("trials.parquet.tmp").exists());
}
