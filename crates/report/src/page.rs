//! The HTML page: one self-contained file — styles inline, charts as inline SVG, no script,
//! no external resource of any kind (not even a favicon request), so it opens the same
//! from a mail attachment, a shared drive or an air-gapped machine.

/// A drawn chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Identifier: file stem in `plots/` and `chart-<id>` in the page.
    pub id: String,
    /// The SVG document.
    pub svg: String,
    /// Caption under it (plain text).
    pub caption: String,
    /// Spans the page's full width.
    pub wide: bool,
}

/// A section of the page.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Anchor.
    pub id: String,
    /// Heading.
    pub title: String,
    /// HTML before the charts (already escaped where needed).
    pub intro: String,
    /// Charts, in a two-column grid.
    pub charts: Vec<Chart>,
    /// HTML after the charts.
    pub outro: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The chart's SVG for inline use: the root element gets its id and an accessible name.
pub fn inline_svg(chart: &Chart) -> String {
    let label = escape(chart.caption.split(". ").next().unwrap_or(""));
    match chart.svg.strip_prefix("<svg ") {
        Some(rest) => format!(
            "<svg id=\"chart-{}\" class=\"chart\" role=\"img\" aria-label=\"{label}\" {rest}",
            escape(&chart.id)
        ),
        None => chart.svg.clone(),
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid #ddd; }
p.lead { color: #555; margin: 0 0 16px; }
table { border-collapse: collapse; font-size: 0.92rem; margin: 8px 0 16px; }
th, td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid th, table.grid td { border-bottom: 1px solid #eee; padding: 3px 10px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f6f6f6; padding: 12px; overflow-x: auto; border: 1px solid #e3e3e3; }
nav ul { columns: 3; padding-left: 18px; margin: 4px 0 0; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px 22px; }
figure { margin: 0; }
figure.wide { grid-column: 1 / -1; }
svg.chart { width: 100%; height: auto; display: block; border: 1px solid #e6e6e6; }
figcaption { font-size: 0.85rem; color: #555; margin-top: 4px; }
figcaption .files { color: #888; }
.note { background: #fff8e6; border-left: 4px solid #E69F00; padding: 8px 12px; }
@media (max-width: 820px) { .charts { grid-template-columns: 1fr; } nav ul { columns: 1; } }
"#;

/// The whole page.
pub fn page(title: &str, lead: &str, identity: &str, sections: &[Section], config: &str) -> String {
    let n_charts: usize = sections.iter().map(|s| s.charts.len()).sum();
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No favicon request: the page loads nothing at all.
    html.push_str("<link rel=\"icon\" href=\"data:,\">\n");
    html.push_str(&format!(
        "<meta name=\"remsim-chart-count\" content=\"{n_charts}\">\n"
    ));
    html.push_str(&format!("<title>{}</title>\n", escape(title)));
    html.push_str(&format!(
        "<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    ));
    html.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"lead\">{lead}</p>\n",
        escape(title)
    ));
    html.push_str(identity);
    html.push_str("<nav><strong>Contents</strong><ul>\n");
    for s in sections {
        html.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            escape(&s.id),
            escape(&s.title)
        ));
    }
    html.push_str("<li><a href=\"#config\">Resolved configuration</a></li>\n</ul></nav>\n");
    for s in sections {
        html.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n{}\n",
            escape(&s.id),
            escape(&s.title),
            s.intro
        ));
        if !s.charts.is_empty() {
            html.push_str("<div class=\"charts\">\n");
            for c in &s.charts {
                html.push_str(&format!(
                    "<figure id=\"fig-{id}\"{wide}>\n{svg}<figcaption>{caption} <span class=\"files\">plots/{id}.svg · plots/{id}.png</span></figcaption>\n</figure>\n",
                    id = escape(&c.id),
                    wide = if c.wide { " class=\"wide\"" } else { "" },
                    svg = inline_svg(c),
                    caption = escape(&c.caption),
                ));
            }
            html.push_str("</div>\n");
        }
        html.push_str(&s.outro);
        html.push_str("</section>\n");
    }
    html.push_str("<section id=\"config\">\n<h2>Resolved configuration</h2>\n");
    html.push_str(
        "<p>The configuration the batch ran, after <code>extends</code> was followed, \
         distributions included — enough to rerun it.</p>\n<details>\
         <summary>Show the configuration</summary>\n<pre>",
    );
    html.push_str(&escape(config));
    html.push_str("</pre>\n</details>\n</section>\n</main>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained() {
        let chart = Chart {
            id: "price-dy-cn".into(),
            svg:
                "<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>"
                    .into(),
            caption: "Dy price. More.".into(),
            wide: false,
        };
        let sections = [Section {
            id: "prices".into(),
            title: "Prices".into(),
            charts: vec![chart],
            ..Section::default()
        }];
        let html = page(
            "t <x>",
            "lead",
            "",
            &sections,
            "a = \"<b>\"\nhttps://example.org",
        );
        assert!(html.contains("<svg id=\"chart-price-dy-cn\" class=\"chart\" role=\"img\" aria-label=\"Dy price\" width="));
        assert!(html.contains("content=\"1\""));
        assert!(html.contains("a = &quot;&lt;b&gt;&quot;"), "config escaped");
        assert!(
            !html.contains("<script") && !html.contains("src="),
            "nothing is loaded"
        );
        assert!(!html.contains("href=\"http"), "no links out");
    }
}
