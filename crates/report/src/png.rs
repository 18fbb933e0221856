//! PNG copies of the SVG charts, for slides.
//!
//! Why this path: a chart is drawn once, as SVG (plotters), and the PNG is that same SVG
//! rasterised by `resvg` — pure Rust, anti-aliased, no system libraries — so the two files
//! can never disagree. The alternative, plotters' bitmap backend, would draw every chart a
//! second time through other code (with aliased lines) and needs a font either from the
//! system (font-kit, absent on a bare CI machine) or registered through its `ab_glyph`
//! feature anyway. Text needs a font and a machine may have none, so Roboto (Apache-2.0,
//! `crates/report/fonts/`) is compiled in and handed to `resvg` as its only face and as
//! `sans-serif`: the PNGs come out the same on every machine.

use resvg::{tiny_skia, usvg};

/// Roboto Regular, Apache License 2.0 (see `fonts/README.md`).
static ROBOTO: &[u8] = include_bytes!("../fonts/Roboto-Regular.ttf");

/// Pixels per SVG unit in the PNGs: 2, sharp on slides and high-density screens.
pub const PNG_SCALE: f32 = 2.0;

/// Turns SVG documents into PNG bytes with the bundled font.
pub struct Rasteriser {
    options: usvg::Options<'static>,
}

impl Default for Rasteriser {
    fn default() -> Self {
        Rasteriser::new()
    }
}

impl Rasteriser {
    /// A rasteriser whose only font is the bundled Roboto.
    pub fn new() -> Rasteriser {
        let mut options = usvg::Options {
            font_family: "Roboto".to_string(),
            ..usvg::Options::default()
        };
        let fonts = options.fontdb_mut();
        fonts.load_font_data(ROBOTO.to_vec());
        fonts.set_sans_serif_family("Roboto");
        Rasteriser { options }
    }

    /// The PNG of `svg`, `scale` pixels per SVG unit, on white.
    pub fn png(&self, svg: &str, scale: f32) -> Result<Vec<u8>, String> {
        let tree = usvg::Tree::from_str(svg, &self.options).map_err(|e| e.to_string())?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(scale)
            .ok_or_else(|| format!("cannot scale {:?} by {scale}", tree.size()))?;
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| format!("cannot allocate {}×{} pixels", size.width(), size.height()))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap.encode_png().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_is_loaded() {
        let r = Rasteriser::new();
        assert!(
            r.options
                .fontdb
                .faces()
                .any(|f| f.families.iter().any(|(n, _)| n == "Roboto"))
        );
    }

    #[test]
    fn text_is_drawn_without_system_fonts() {
        let r = Rasteriser::new();
        let blank = r
            .png(
                r#"<svg width="80" height="30" xmlns="http://www.w3.org/2000/svg"></svg>"#,
                1.0,
            )
            .unwrap();
        let text = r
            .png(
                r#"<svg width="80" height="30" xmlns="http://www.w3.org/2000/svg"><text x="4" y="20" font-family="sans-serif" font-size="14">2035</text></svg>"#,
                1.0,
            )
            .unwrap();
        assert_eq!(&text[1..4], b"PNG");
        assert!(text.len() > blank.len() + 100, "glyphs were rendered");
    }
}
