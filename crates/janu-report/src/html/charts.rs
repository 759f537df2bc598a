//! The report's charts, drawn with the crate's [`crate::chart`] kit: the fold
//! angle and the breathing of each attempt over time, the session's timeline,
//! and left against right.
//!
//! Every chart has a fixed `viewBox` and scales to its box; the CSS keeps a
//! minimum width so text stays readable on a phone (the box scrolls sideways
//! instead of shrinking the chart).

use janu_analysis::SideComparison;
use janu_analysis::breath::TimeRange;
use janu_analysis::phases::Phase;
use janu_body::Side;

use super::words::{clock, compared_metric_words};
use crate::chart::{
    Anchor, Colour, INK, LEFT, MISTAKE, MUTED, Paint, Plot, REFERENCE, RIGHT, Rect, Svg, TextStyle,
    WHITE, line_runs, nice_step, phase_colour, side_colour, text_width, ticks_within, time_step,
};

/// Width of every chart's drawing, SVG pixels (the report column's width).
pub const CHART_WIDTH: u32 = 760;
/// Height of the fold-angle chart.
pub const FOLD_HEIGHT: u32 = 280;
/// Height of the breathing chart.
pub const BREATH_HEIGHT: u32 = 200;
/// Height of the session timeline.
pub const TIMELINE_HEIGHT: u32 = 96;
/// Height of one metric's row in the comparison chart.
pub const COMPARE_ROW: u32 = 46;
/// Text size in chart pixels: at the chart's minimum CSS width (see the style
/// sheet) this is still about 12 CSS px.
pub const FONT_PX: f64 = 16.0;
/// Room left of a time chart's plot for its value labels and axis title.
const LABELS_LEFT: f64 = 68.0;
/// Room right of every plot.
const ROOM_RIGHT: f64 = 18.0;
/// Room under a time chart's plot for the clock labels and the axis title.
const LABELS_BELOW: f64 = 50.0;
/// Clock labels on a time axis, about.
const TIME_TICKS: f64 = 8.0;
/// Opacity of phase shading, so the grid and the line show through.
const PHASE_ALPHA: f64 = 0.35;
/// Opacity of a held breath's shading.
const HELD_ALPHA: f64 = 0.18;

fn text(colour: Colour) -> TextStyle {
    TextStyle::new(colour, FONT_PX)
}

/// A chart `height` high, titled `title`, and its plot of values `y` over the
/// time `t`, `top` units under the chart's top edge.
fn time_chart(height: u32, top: f64, t: (f64, f64), y: (f64, f64), title: &str) -> (Plot, Svg) {
    let height = f64::from(height);
    let area = Rect {
        x: LABELS_LEFT,
        y: top,
        width: f64::from(CHART_WIDTH) - LABELS_LEFT - ROOM_RIGHT,
        height: height - top - LABELS_BELOW,
    };
    let svg = Svg::new(f64::from(CHART_WIDTH), height, title, FONT_PX);
    (Plot::new(area, t, y), svg)
}

/// The clock under a time plot, upright grid lines at its ticks if `grid`.
fn clock_axis(svg: &mut Svg, plot: &Plot, grid: bool) {
    let (t0, t1) = plot.x.values;
    let ticks = ticks_within(t0, t1, time_step(t1 - t0, TIME_TICKS));
    plot.x_ticks(svg, &ticks, &|t| clock(t), text(INK), grid);
}

/// The clock under a time plot (with upright grid lines), the value ticks
/// `y_ticks` labelled by `y_label`, the axis lines and both axis titles.
fn time_axes(
    svg: &mut Svg,
    plot: &Plot,
    y_ticks: &[f64],
    y_label: &dyn Fn(f64) -> String,
    y_title: &str,
) {
    clock_axis(svg, plot, true);
    plot.y_ticks(svg, y_ticks, y_label, text(INK));
    plot.axes(svg);
    plot.x_title(svg, "time (min:s)", text(INK));
    plot.y_title(svg, FONT_PX + 2.0, y_title, text(INK));
}

/// What the fold chart shows of one side.
pub struct FoldChart<'a> {
    /// The extended leg.
    pub side: Side,
    /// Start and end of the attempt, seconds.
    pub range: (f64, f64),
    /// Its phases.
    pub phases: &'a [Phase],
    /// Fold angle per frame (`None` = not visible).
    pub points: Vec<(f64, Option<f32>)>,
    /// The deepest moment, marked with a dot: time and angle.
    pub deepest: Option<(f64, f32)>,
}

/// Fold angle over time with the phases shaded and the deepest moment marked.
pub fn fold_chart(c: &FoldChart<'_>) -> String {
    let (t0, t1) = (c.range.0, c.range.1.max(c.range.0 + 1.0));
    let values = c
        .points
        .iter()
        .filter_map(|p| p.1)
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
    // Always show 90° (sitting upright); the top a little over the highest
    // angle, the bottom a little under the deepest on a ten.
    let (y0, y1) = if lo <= hi {
        (
            f64::from(lo - 10.0).clamp(0.0, 30.0),
            f64::from(hi + 5.0).max(100.0),
        )
    } else {
        (0.0, 100.0)
    };
    let y0 = (y0 / 10.0).floor() * 10.0;
    let (plot, mut svg) = time_chart(
        FOLD_HEIGHT,
        12.0,
        (t0, t1),
        (y0, y1),
        "fold angle over time",
    );
    for p in c.phases {
        // A phase of one frame still gets a sliver.
        let end = if p.end_s > p.start_s {
            p.end_s
        } else {
            p.start_s + 0.2
        };
        plot.span(
            &mut svg,
            p.start_s,
            end,
            Paint::solid(phase_colour(p.name)).opacity(PHASE_ALPHA),
        );
    }
    let y_ticks = ticks_within(y0, y1, nice_step(y1 - y0, 6.0));
    time_axes(
        &mut svg,
        &plot,
        &y_ticks,
        &|v| format!("{v:.0}°"),
        "fold angle",
    );
    plot.line(&mut svg, &[(t0, 90.0), (t1, 90.0)], REFERENCE, 1.0);
    let colour = side_colour(c.side);
    for run in line_runs(&c.points, t0, t1) {
        plot.line(&mut svg, &run, colour, 3.0);
    }
    if let Some((t, v)) = c.deepest {
        let v = f64::from(v);
        let (x, y) = plot.point(t, v);
        svg.dot((x, y), 6.0, INK, None);
        // Keep the label inside the plot: left of the dot near the right
        // edge, above it near the bottom.
        let label = format!("deepest {v:.0}°");
        let (dx, anchor) = if (t - t0) / (t1 - t0) > 0.7 {
            (-10.0, Anchor::End)
        } else {
            (10.0, Anchor::Start)
        };
        let below = y + 24.0;
        let baseline = if below > plot.area.bottom() - 4.0 {
            y - 12.0
        } else {
            below
        };
        svg.text((x + dx, baseline), &label, text(INK).anchor(anchor));
    }
    svg.finish()
}

/// What the breathing chart shows.
pub struct BreathChart<'a> {
    /// The extended leg.
    pub side: Side,
    /// Sample times, seconds.
    pub t: &'a [f64],
    /// Detrended motion, standard deviations.
    pub value: &'a [f32],
    /// Stretches without breathing.
    pub holding: &'a [TimeRange],
}

/// The breathing motion during a hold, with held breaths shaded.
pub fn breath_chart(c: &BreathChart<'_>) -> String {
    let t0 = c.t.first().copied().unwrap_or(0.0);
    let t1 = c.t.last().copied().unwrap_or(1.0).max(t0 + 1.0);
    let peak = c
        .value
        .iter()
        .filter(|v| v.is_finite())
        .fold(1.0f32, |m, v| m.max(v.abs()));
    let y = f64::from(peak) * 1.15;
    let points: Vec<(f64, Option<f32>)> =
        c.t.iter()
            .zip(c.value)
            .map(|(t, v)| (*t, Some(*v)))
            .collect();
    let (plot, mut svg) = time_chart(
        BREATH_HEIGHT,
        10.0,
        (t0, t1),
        (-y, y),
        "breathing over time",
    );
    for h in c.holding {
        plot.span(
            &mut svg,
            h.start_s,
            h.end_s,
            Paint::solid(MISTAKE).opacity(HELD_ALPHA),
        );
    }
    // Up is a breath in, down a breath out; the size has no unit worth reading.
    let in_out = |v: f64| match v {
        v if v > 0.0 => "in".to_string(),
        v if v < 0.0 => "out".to_string(),
        _ => String::new(),
    };
    time_axes(
        &mut svg,
        &plot,
        &[-y / 2.0, 0.0, y / 2.0],
        &in_out,
        "breath",
    );
    for run in line_runs(&points, t0, t1) {
        plot.line(&mut svg, &run, side_colour(c.side), 2.0);
    }
    for h in c.holding {
        let (x, top) = plot.point(h.start_s.max(t0), y);
        svg.text(
            (x + 4.0, top + FONT_PX),
            "breath held",
            TextStyle::new(MISTAKE, FONT_PX - 2.0),
        );
    }
    svg.finish()
}

/// One stretch of the session timeline.
pub struct TimelineItem {
    /// Start and end, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Short label.
    pub label: String,
    /// Fill.
    pub colour: Colour,
}

/// The whole session as a band of coloured stretches over a time axis.
pub fn timeline_chart(items: &[TimelineItem], duration_s: f64) -> String {
    let t1 = duration_s.max(1.0);
    let t0 = items.first().map_or(0.0, |i| i.start_s.min(0.0));
    let height = f64::from(TIMELINE_HEIGHT);
    // Room at the left for half of the first clock label.
    let area = Rect {
        x: 24.0,
        y: 6.0,
        width: f64::from(CHART_WIDTH) - 24.0 - ROOM_RIGHT,
        height: height - 6.0 - 40.0,
    };
    let plot = Plot::new(area, (t0, t1), (0.0, 1.0));
    let mut svg = Svg::new(
        f64::from(CHART_WIDTH),
        height,
        "the session's poses over time",
        FONT_PX,
    );
    let px_per_s = plot.x.per_unit();
    for it in items {
        // A stretch of one frame still gets a sliver.
        let end = it.end_s.max(it.start_s + 0.5 / px_per_s.max(1e-9));
        let (x0, top) = plot.point(it.start_s, 0.9);
        let (x1, bottom) = plot.point(end, 0.1);
        svg.rect(
            Rect::between((x0, top), (x1, bottom)),
            Paint::solid(it.colour),
            Some(&it.label),
        );
        if x1 - x0 > text_width(&it.label, FONT_PX) + 10.0 {
            svg.text(
                (x0 + 4.0, (top + bottom) / 2.0 + FONT_PX * 0.35),
                &it.label,
                text(WHITE),
            );
        }
    }
    clock_axis(&mut svg, &plot, false);
    svg.line(
        (area.x, area.bottom()),
        (area.right(), area.bottom()),
        INK,
        1.0,
    );
    svg.finish()
}

/// Left against right: for each measure a bar to the left (left leg extended)
/// and one to the right (right leg extended), each as long as its share of the
/// larger of the two, with the values written at the ends.
pub fn comparison_chart(c: &SideComparison) -> String {
    let rows = c.metrics.len().max(1) as u32;
    let height = f64::from(40 + rows * COMPARE_ROW);
    let width = f64::from(CHART_WIDTH);
    let mut svg = Svg::new(width, height, "left against right", FONT_PX);
    let mid = width / 2.0;
    // The longest bar leaves room for its value beside it.
    let half = mid - 120.0;
    svg.text(
        (mid - 12.0, 20.0),
        "left leg extended",
        text(LEFT).anchor(Anchor::End),
    );
    svg.text((mid + 12.0, 20.0), "right leg extended", text(RIGHT));
    for (i, m) in c.metrics.iter().enumerate() {
        let top = 34.0 + f64::from(COMPARE_ROW) * i as f64;
        let scale = m.left.abs().max(m.right.abs()).max(1e-9);
        let (name, unit, digits) = compared_metric_words(&m.metric);
        svg.text(
            (mid, top + 12.0),
            name,
            TextStyle::new(MUTED, FONT_PX - 1.0).anchor(Anchor::Middle),
        );
        let (bar_top, bar_bottom) = (top + 18.0, top + 36.0);
        let baseline = bar_bottom - 4.0;
        for (value, colour, towards) in [(m.left, LEFT, -1.0), (m.right, RIGHT, 1.0)] {
            let length = value.abs() / scale * half;
            let end = mid + towards * length;
            svg.rect(
                Rect::between((mid + towards, bar_top), (end, bar_bottom)),
                Paint::solid(colour),
                None,
            );
            let anchor = if towards < 0.0 {
                Anchor::End
            } else {
                Anchor::Start
            };
            svg.text(
                (end + towards * 8.0, baseline),
                &format!("{value:.digits$}{unit}"),
                text(INK).anchor(anchor),
            );
        }
        svg.line((mid, bar_top - 3.0), (mid, bar_bottom + 3.0), INK, 2.0);
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use janu_analysis::phases::PhaseName;

    use super::*;

    #[test]
    fn a_fold_chart_is_svg_with_the_line_and_the_marker() {
        let phases = [Phase {
            name: PhaseName::Hold,
            start_s: 2.0,
            end_s: 8.0,
        }];
        let svg = fold_chart(&FoldChart {
            side: Side::Left,
            range: (0.0, 10.0),
            phases: &phases,
            points: (0..100)
                .map(|i| (f64::from(i) / 10.0, Some(90.0 - i as f32 / 2.0)))
                .collect(),
            deepest: Some((9.9, 40.5)),
        });
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("polyline"), "{svg}");
        assert!(
            svg.contains("deepest 40°") || svg.contains("deepest 41°"),
            "{svg}"
        );
        assert!(svg.contains("fold angle"));
        assert!(svg.contains("#2b6cb0"), "the left side's blue");
        assert!(svg.contains("#68d391"), "the hold's shade");
    }
}
