//! Progress charts as hand-written SVG, drawn on the server: no script, no
//! library in the page, the same picture for the same data.
//!
//! Colours follow one rule everywhere: the left side (left leg extended) is
//! blue, the right side orange, asymmetry purple, mistakes red.

use janu_store::{Progress, SideWeek, WeekProgress};

use crate::html::escape;

/// The left side's colour.
pub const LEFT_COLOUR: &str = "#2b6cb0";
/// The right side's colour.
pub const RIGHT_COLOUR: &str = "#dd6b20";
/// The asymmetry trend's colour.
pub const ASYMMETRY_COLOUR: &str = "#6b46c1";
/// The mistakes' colour.
pub const MISTAKE_COLOUR: &str = "#c53030";
/// Asymmetry below this reads as even: a 10 % difference between the sides is
/// within what a camera measures from one session to the next.
pub const EVEN_ASYMMETRY: f64 = 0.1;

/// Size of a chart in SVG units (it scales to the page width).
const W: f64 = 460.0;
const H: f64 = 230.0;
const LEFT: f64 = 50.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 36.0;

fn week_label(w: &WeekProgress) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {}",
        MONTHS[usize::from(u8::from(w.monday.month())) - 1],
        w.monday.day()
    )
}

/// x of week `i` of `n`, in the middle of its slot.
fn x_of(i: usize, n: usize) -> f64 {
    let slot = (W - LEFT - RIGHT) / n.max(1) as f64;
    LEFT + slot * (i as f64 + 0.5)
}

/// A "nice" step for about `ticks` ticks over `span`.
fn nice_step(span: f64, ticks: f64) -> f64 {
    let raw = (span / ticks).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Axis range `[lo, hi]` on nice steps covering the values (with `floor` as a
/// lower bound when given), and its step.
fn range(values: &[f64], floor: Option<f64>) -> (f64, f64, f64) {
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if let Some(f) = floor {
        lo = lo.min(f);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let step = nice_step(hi - lo, 4.0);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

struct Chart {
    svg: String,
}

impl Chart {
    fn new(label: &str) -> Self {
        Chart {
            svg: format!(
                "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" \
                 xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" font-size=\"13\">",
                escape(label)
            ),
        }
    }

    /// Horizontal grid lines and y labels for `[lo, hi]`; `y` maps values.
    fn y_axis(&mut self, lo: f64, hi: f64, step: f64, y: &dyn Fn(f64) -> f64, unit: &str) {
        let mut v = lo;
        let mut guard = 0;
        while v <= hi + step * 0.01 && guard < 50 {
            let yy = y(v);
            self.svg.push_str(&format!(
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e2e8f0\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#4a5568\">{}{unit}</text>",
                W - RIGHT,
                LEFT - 6.0,
                yy + 4.0,
                trim_num(v)
            ));
            v += step;
            guard += 1;
        }
    }

    fn x_labels(&mut self, weeks: &[WeekProgress]) {
        let n = weeks.len();
        // At most about 5 labels, so they never overlap.
        let every = n.div_ceil(5).max(1);
        for (i, w) in weeks.iter().enumerate() {
            if i % every == 0 || i + 1 == n {
                self.svg.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#4a5568\">{}</text>",
                    x_of(i, n),
                    H - BOTTOM + 18.0,
                    week_label(w)
                ));
            }
        }
    }

    fn legend(&mut self, items: &[(&str, &str)]) {
        let mut x = LEFT;
        for (colour, label) in items {
            self.svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{colour}\"/>\
                 <text x=\"{}\" y=\"18\" fill=\"#2d3748\">{}</text>",
                x + 16.0,
                escape(label)
            ));
            x += 28.0 + 7.5 * label.len() as f64;
        }
    }

    fn line(&mut self, points: &[(f64, f64, String)], colour: &str) {
        let path: Vec<String> = points
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        if points.len() > 1 {
            self.svg.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" \
                 stroke-linejoin=\"round\"/>",
                path.join(" ")
            ));
        }
        for (x, y, tip) in points {
            self.svg.push_str(&format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{colour}\"><title>{}</title></circle>",
                escape(tip)
            ));
        }
    }

    fn finish(mut self, id: &str, title: &str, caption: &str) -> String {
        self.svg.push_str("</svg>");
        format!(
            "<figure class=\"chart card\" data-testid=\"chart-{id}\"><h3>{}</h3>{}<figcaption>{}</figcaption></figure>",
            escape(title),
            self.svg,
            escape(caption)
        )
    }
}

fn trim_num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

fn empty(id: &str, title: &str, text: &str) -> String {
    format!(
        "<figure class=\"chart card empty\" data-testid=\"chart-{id}\"><h3>{}</h3><p>{}</p></figure>",
        escape(title),
        escape(text)
    )
}

type SideValue = fn(&SideWeek) -> Option<f64>;

/// Fold depth per side and week. The angle axis is upside down, so a deeper
/// fold (a smaller angle) is higher: progress goes up.
pub fn fold_chart(p: &Progress) -> String {
    side_lines(
        p,
        "fold",
        "Fold depth per side",
        |s| s.fold_angle_deg_mean,
        "°",
        "Weekly mean trunk-to-thigh angle; up is deeper (a smaller angle). Blue: left leg extended, orange: right.",
    )
}

fn side_lines(
    p: &Progress,
    id: &str,
    title: &str,
    get: SideValue,
    unit: &str,
    caption: &str,
) -> String {
    let n = p.weeks.len();
    let values: Vec<f64> = p
        .weeks
        .iter()
        .flat_map(|w| [get(&w.left), get(&w.right)])
        .flatten()
        .collect();
    if values.is_empty() {
        return empty(
            id,
            title,
            "No fold measured yet: the camera must see the fold from the side or the front-diagonal.",
        );
    }
    let (lo, hi, step) = range(&values, None);
    let y = |v: f64| TOP + (v - lo) / (hi - lo) * (H - TOP - BOTTOM);
    let mut c = Chart::new(title);
    c.y_axis(lo, hi, step, &y, unit);
    c.x_labels(&p.weeks);
    for (colour, label, pick) in [
        (
            LEFT_COLOUR,
            "left",
            (|w: &WeekProgress| &w.left) as fn(&WeekProgress) -> &SideWeek,
        ),
        (RIGHT_COLOUR, "right", |w: &WeekProgress| &w.right),
    ] {
        let pts: Vec<(f64, f64, String)> = p
            .weeks
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                get(pick(w)).map(|v| {
                    (
                        x_of(i, n),
                        y(v),
                        format!("{} {label}: {v:.0}{unit}", week_label(w)),
                    )
                })
            })
            .collect();
        c.line(&pts, colour);
    }
    c.legend(&[(LEFT_COLOUR, "left leg"), (RIGHT_COLOUR, "right leg")]);
    c.finish(id, title, caption)
}

/// Hold per side and week, as paired bars.
pub fn hold_chart(p: &Progress) -> String {
    let title = "Hold per side";
    let n = p.weeks.len();
    let values: Vec<f64> = p
        .weeks
        .iter()
        .flat_map(|w| [w.left.hold_s_mean, w.right.hold_s_mean])
        .flatten()
        .collect();
    if values.is_empty() {
        return empty("hold", title, "No hold measured yet.");
    }
    let (_, hi, step) = range(&values, Some(0.0));
    let y = |v: f64| H - BOTTOM - v / hi.max(1e-9) * (H - TOP - BOTTOM);
    let mut c = Chart::new(title);
    c.y_axis(0.0, hi, step, &y, " s");
    c.x_labels(&p.weeks);
    let slot = (W - LEFT - RIGHT) / n.max(1) as f64;
    let bar = (slot * 0.32).min(28.0);
    for (i, w) in p.weeks.iter().enumerate() {
        for (k, (colour, side, v)) in [
            (LEFT_COLOUR, "left", w.left.hold_s_mean),
            (RIGHT_COLOUR, "right", w.right.hold_s_mean),
        ]
        .into_iter()
        .enumerate()
        {
            let Some(v) = v else { continue };
            let x = x_of(i, n) - bar + k as f64 * bar;
            let top = y(v);
            c.svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"2\" fill=\"{colour}\">\
                 <title>{} {side}: {v:.0} s</title></rect>",
                bar - 2.0,
                (H - BOTTOM - top).max(0.0),
                week_label(w)
            ));
        }
    }
    c.legend(&[(LEFT_COLOUR, "left leg"), (RIGHT_COLOUR, "right leg")]);
    c.finish(
        "hold",
        title,
        "Weekly mean time held in the fold, seconds. Even bars mean even sides.",
    )
}

/// The asymmetry trend, with the band that reads as even.
pub fn asymmetry_chart(p: &Progress) -> String {
    let title = "Left–right asymmetry";
    let n = p.weeks.len();
    let values: Vec<f64> = p.weeks.iter().filter_map(|w| w.asymmetry_mean).collect();
    if values.is_empty() {
        return empty(
            "asymmetry",
            title,
            "Practise both sides in one session to see how they compare.",
        );
    }
    let (_, hi, step) = range(&values, Some(0.0));
    let hi = hi.max(EVEN_ASYMMETRY * 2.0);
    let y = |v: f64| H - BOTTOM - v / hi * (H - TOP - BOTTOM);
    let mut c = Chart::new(title);
    c.svg.push_str(&format!(
        "<rect x=\"{LEFT}\" y=\"{:.1}\" width=\"{}\" height=\"{:.1}\" fill=\"#c6f6d5\" opacity=\"0.6\"/>\
         <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#276749\">even</text>",
        y(EVEN_ASYMMETRY),
        W - LEFT - RIGHT,
        y(0.0) - y(EVEN_ASYMMETRY),
        W - RIGHT - 4.0,
        y(EVEN_ASYMMETRY / 2.0) + 4.0
    ));
    c.y_axis(0.0, hi, step.max(0.05), &y, "");
    c.x_labels(&p.weeks);
    let pts: Vec<(f64, f64, String)> = p
        .weeks
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            w.asymmetry_mean
                .map(|v| (x_of(i, n), y(v), format!("{}: {v:.2}", week_label(w))))
        })
        .collect();
    c.line(&pts, ASYMMETRY_COLOUR);
    c.legend(&[(ASYMMETRY_COLOUR, "asymmetry index")]);
    c.finish(
        "asymmetry",
        title,
        "Weekly mean symmetry index of the two sides (0 = even). Down into the green band is better.",
    )
}

/// The name of a mistake id as people read it.
fn mistake_name(id: &str) -> String {
    let dashed = id.replace('_', "-");
    if let Ok(m) = dashed.parse::<janu_pose::MistakeId>()
        && let Some(k) = janu_pose::knowledge().mistake(m)
    {
        return k.name.clone();
    }
    let s = id.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `fading`, `growing` or `steady`: the later half of the weeks against the
/// earlier half.
pub fn trend(series: &[u32]) -> &'static str {
    if series.len() < 2 {
        return "one week so far";
    }
    let half = series.len() / 2;
    let mean = |s: &[u32]| s.iter().map(|v| f64::from(*v)).sum::<f64>() / s.len().max(1) as f64;
    let (early, late) = (mean(&series[..half]), mean(&series[series.len() - half..]));
    if late < early {
        "fading"
    } else if late > early {
        "growing"
    } else {
        "steady"
    }
}

/// One row per mistake: how often it was seen each week, and whether it fades.
pub fn mistakes_chart(p: &Progress) -> String {
    let title = "Mistakes over the weeks";
    if p.mistake_ids.is_empty() {
        return empty("mistakes", title, "No mistakes seen so far.");
    }
    let n = p.weeks.len();
    // Each mistake takes two lines: its name, then one bar per week under it.
    let row = 52.0;
    let bars_h = 22.0;
    let trend_w = 96.0;
    let h = TOP + row * p.mistake_ids.len() as f64;
    let max = p
        .mistake_ids
        .iter()
        .flat_map(|id| p.mistake_series(id))
        .max()
        .unwrap_or(1)
        .max(1);
    let plot_w = W - trend_w;
    let slot = plot_w / n.max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {W} {h:.0}\" role=\"img\" aria-label=\"{title}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\
         <text x=\"0\" y=\"14\" fill=\"#4a5568\">{first}</text>\
         <text x=\"{plot_w:.0}\" y=\"14\" text-anchor=\"end\" fill=\"#4a5568\">{last}</text>",
        first = p.weeks.first().map(week_label).unwrap_or_default(),
        last = p.weeks.last().map(week_label).unwrap_or_default(),
    );
    for (r, id) in p.mistake_ids.iter().enumerate() {
        let series = p.mistake_series(id);
        let top = TOP + row * r as f64;
        let base = top + 18.0 + bars_h;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\" fill=\"#2d3748\" font-weight=\"600\">{}</text>\
             <line x1=\"0\" x2=\"{plot_w:.0}\" y1=\"{base:.1}\" y2=\"{base:.1}\" stroke=\"#cbd5e0\"/>",
            top + 12.0,
            escape(&mistake_name(id)),
        ));
        for (i, count) in series.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let bh = bars_h * f64::from(*count) / f64::from(max);
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" rx=\"1.5\" fill=\"{MISTAKE_COLOUR}\" opacity=\"0.85\">\
                 <title>{}: {count}</title></rect>",
                slot * i as f64 + slot * 0.15,
                base - bh,
                (slot * 0.7).max(2.0),
                week_label(&p.weeks[i])
            ));
        }
        let word = trend(&series);
        let colour = match word {
            "fading" => "#276749",
            "growing" => MISTAKE_COLOUR,
            _ => "#4a5568",
        };
        svg.push_str(&format!(
            "<text x=\"{W}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{colour}\" font-weight=\"600\">{word}</text>",
            base - 4.0
        ));
    }
    svg.push_str("</svg>");
    format!(
        "<figure class=\"chart card\" data-testid=\"chart-mistakes\"><h3>{title}</h3>{svg}\
         <figcaption>How often each mistake was seen, week by week; \"fading\" when the later \
         weeks show it less than the earlier ones.</figcaption></figure>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trends_compare_halves() {
        assert_eq!(trend(&[3, 2, 1, 0]), "fading");
        assert_eq!(trend(&[0, 1]), "growing");
        assert_eq!(trend(&[1, 1, 1]), "steady");
        assert_eq!(trend(&[2]), "one week so far");
    }

    #[test]
    fn ranges_are_nice() {
        assert_eq!(range(&[43.0, 61.0], None), (40.0, 65.0, 5.0));
        assert_eq!(range(&[12.0, 30.0], Some(0.0)), (0.0, 30.0, 10.0));
        assert_eq!(trim_num(0.10000001), "0.1");
        assert_eq!(
            mistake_name("locked_knee"),
            janu_pose::knowledge()
                .mistake(janu_pose::MistakeId::LockedKnee)
                .unwrap()
                .name
        );
    }
}
