//! Temporary driver (to be removed).
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    match remsim_report::write_report(std::path::Path::new(&dir), Default::default()) {
        Ok(o) => println!("{:?} {} charts {:?} in {:?}", o.html, o.charts.len(), o.notes, t.elapsed()),
        Err(e) => println!("error: {e}"),
    }
}
