//! `--html DIR`: one self-contained `index.html` (inline CSS and SVG, no JavaScript):
//! downloads per day, each episode's first 30 days side by side (the launch curve), apps and
//! devices.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::report::{Report, day_range};
use super::time::parse_day;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: f64 = 720.0;
const H: f64 = 220.0;
const PAD: f64 = 40.0;
const COLORS: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// A bar a day.
fn per_day_svg(r: &Report) -> String {
    let days = day_range(&r.period);
    let values: Vec<u64> = days
        .iter()
        .map(|d| r.days.get(d).copied().unwrap_or(0))
        .collect();
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = (W - 2.0 * PAD) / values.len().max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Downloads per day\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    axes(&mut svg, max);
    for (i, (d, v)) in days.iter().zip(&values).enumerate() {
        let h = (*v as f64 / max) * (H - 2.0 * PAD);
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{d}: {v}</title></rect>",
            PAD + i as f64 * bw,
            H - PAD - h,
            (bw * 0.85).max(0.5),
            COLORS[0]
        );
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            svg,
            "<text x=\"{PAD}\" y=\"{}\" font-size=\"11\">{first}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{last}</text>",
            H - PAD + 16.0,
            W - PAD,
            H - PAD + 16.0
        );
    }
    svg.push_str("</svg>");
    svg
}

fn axes(svg: &mut String, max: f64) {
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#888\"/><line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{0}\" stroke=\"#888\"/><text x=\"{2}\" y=\"{3}\" font-size=\"11\" text-anchor=\"end\">{max}</text><text x=\"{2}\" y=\"{0}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        H - PAD,
        W - PAD,
        PAD - 4.0,
        PAD + 4.0
    );
}

/// Cumulative downloads of each of the 8 newest episodes with downloads, by day since it was
/// published (day 0 to 29).
fn launch_svg(r: &Report) -> String {
    let curves: Vec<(&str, Vec<u64>)> = r
        .episodes
        .iter()
        .filter(|e| e.downloads > 0)
        .take(COLORS.len())
        .map(|e| {
            let start = parse_day(&e.published).unwrap_or(0);
            let mut total = 0;
            let curve = (0..30)
                .map(|i| {
                    total += e
                        .days
                        .get(&super::time::day_string(start + i))
                        .copied()
                        .unwrap_or(0);
                    total
                })
                .collect();
            (e.title.as_str(), curve)
        })
        .collect();
    let max = curves
        .iter()
        .filter_map(|(_, c)| c.last().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Each episode's first 30 days\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    axes(&mut svg, max);
    let step = (W - 2.0 * PAD) / 29.0;
    for (i, (title, curve)) in curves.iter().enumerate() {
        let points: Vec<String> = curve
            .iter()
            .enumerate()
            .map(|(d, v)| {
                let y = H - PAD - (*v as f64 / max) * (H - 2.0 * PAD);
                format!("{:.1},{y:.1}", PAD + d as f64 * step)
            })
            .collect();
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"{}\" points=\"{}\"><title>{}</title></polyline>",
            COLORS[i],
            points.join(" "),
            esc(title)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{PAD}\" y=\"{0}\" font-size=\"11\">day 1</text><text x=\"{1}\" y=\"{0}\" font-size=\"11\" text-anchor=\"end\">day 30</text></svg>",
        H - PAD + 16.0,
        W - PAD
    );
    let legend: String = curves
        .iter()
        .enumerate()
        .map(|(i, (t, c))| {
            format!(
                "<li><span style=\"color:{}\">■</span> {} ({})</li>",
                COLORS[i],
                esc(t),
                c.last().unwrap_or(&0)
            )
        })
        .collect();
    format!("{svg}<ul class=\"legend\">{legend}</ul>")
}

/// Horizontal bars, largest first (the top 12).
fn bars_svg(map: &BTreeMap<String, u64>, label: &str) -> String {
    let mut v: Vec<(&String, &u64)> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.truncate(12);
    let max = v.first().map_or(1, |x| *x.1).max(1) as f64;
    let h = 22.0 * v.len() as f64 + 10.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (i, (name, n)) in v.iter().enumerate() {
        let y = 5.0 + i as f64 * 22.0;
        let w = (**n as f64 / max) * (W - 260.0);
        let _ = write!(
            svg,
            "<text x=\"200\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text><rect x=\"210\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"16\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{n}</text>",
            y + 12.0,
            esc(name),
            COLORS[2],
            214.0 + w,
            y + 12.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The whole page.
pub fn page(r: &Report, title: &str) -> String {
    let mut rows = String::new();
    for e in &r.episodes {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            e.published,
            esc(&match &e.show {
                Some(s) => format!("{s}: {}", e.title),
                None => e.title.clone(),
            }),
            e.downloads
        );
    }
    let excluded: String = r
        .excluded
        .iter()
        .map(|(k, v)| format!("<li>{} {v}</li>", esc(k)))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"generator\" content=\"onair stats\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}: downloads</title><style>body{{font-family:system-ui,sans-serif;max-width:780px;margin:2em auto;padding:0 1em;color:#222}}svg{{width:100%;height:auto}}table{{border-collapse:collapse;width:100%}}td,th{{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left}}.n{{text-align:right}}.legend{{list-style:none;padding:0;font-size:.9em}}</style></head><body>\n<h1>{t}</h1><p><strong>{n}</strong> downloads, {from} to {to}.</p>\n<h2>Downloads per day</h2>{per_day}\n<h2>The first 30 days of each episode</h2>{launch}\n<h2>Apps</h2>{apps}\n<h2>Devices</h2>{devices}\n<h2>Episodes</h2><table><tr><th>Published</th><th>Episode</th><th class=\"n\">Downloads</th></tr>{rows}</table>\n<h2>How this was counted</h2><p>{method}.</p><p>{read} log lines read, {unparsed} unparsed. Not counted:</p><ul>{excluded}</ul>\n</body></html>\n",
        t = esc(title),
        n = r.downloads,
        from = r.period.from.as_deref().unwrap_or("-"),
        to = r.period.to.as_deref().unwrap_or("-"),
        per_day = per_day_svg(r),
        launch = launch_svg(r),
        apps = bars_svg(&r.apps, "Apps"),
        devices = bars_svg(&r.devices, "Devices"),
        method = esc(&r.method),
        read = r.lines.read,
        unparsed = r.lines.unparsed,
    )
}

/// Where `onair serve` shows the report.
pub const SERVE_PATH: &str = "/_onair/stats";

/// The report of the site's whole history, as `onair serve` shows it; None when the site has
/// no history yet.
pub fn history_page(site: &std::path::Path, title: &str) -> Result<Option<String>, String> {
    use super::history::History;
    if !History::exists(site) {
        return Ok(None);
    }
    let history = History::open(site)?;
    let catalog = super::episodes::Catalog::new(history.episodes()?);
    let tally = history.load(&catalog, super::count::Period::default())?;
    let counted = super::count::count(&tally, &catalog, &super::agents::Agents::bundled());
    let r = super::report::build(&counted, &tally, &catalog, (None, None));
    Ok(Some(page(&r, title)))
}
