//! The report's charts, drawn with plotters to SVG (no fonts loaded: the SVG
//! names a generic family and the browser sets the text).
//!
//! Every chart has a fixed `viewBox` and scales to its box; the CSS keeps a
//! minimum width so text stays readable on a phone (the box scrolls sideways
//! instead of shrinking the chart).

use janu_analysis::SideComparison;
use janu_analysis::breath::TimeRange;
use janu_analysis::phases::{Phase, PhaseName};
use janu_body::Side;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::words::{clock, compared_metric_words};
use crate::ReportError;

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
/// Points drawn per line at most: about one per horizontal pixel of the plot;
/// more only makes the file larger.
pub const MAX_LINE_POINTS: usize = 700;
/// Text size in chart pixels: at the chart's minimum CSS width (see the style
/// sheet) this is still about 12 CSS px.
pub const FONT_PX: u32 = 16;

/// Ink of axes and text.
pub const INK: RGBColor = RGBColor(45, 55, 72);
/// Light grid lines.
const GRID: RGBColor = RGBColor(226, 232, 240);
/// The person's left side (the extended leg's colour too); matches the skeleton.
pub const LEFT: RGBColor = RGBColor(43, 108, 176);
/// The person's right side.
pub const RIGHT: RGBColor = RGBColor(221, 107, 32);
/// Stretches where the breath was held.
const HELD: RGBColor = RGBColor(197, 48, 48);

/// The colour of a side.
pub fn side_colour(side: Side) -> RGBColor {
    match side {
        Side::Left => LEFT,
        Side::Right => RIGHT,
    }
}

/// The shading of a phase, and its CSS form for the legend.
pub fn phase_colour(p: PhaseName) -> (RGBColor, &'static str) {
    match p {
        PhaseName::Setup => (RGBColor(203, 213, 224), "#cbd5e0"),
        PhaseName::Lengthen => (RGBColor(246, 224, 94), "#f6e05e"),
        PhaseName::Fold => (RGBColor(246, 173, 85), "#f6ad55"),
        PhaseName::Hold => (RGBColor(104, 211, 145), "#68d391"),
        PhaseName::Release => (RGBColor(183, 148, 244), "#b794f4"),
    }
}

/// Opacity of phase shading, so the grid and the line show through.
const PHASE_ALPHA: f64 = 0.35;

fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

fn err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Chart(format!("{e:?}"))
}

/// Split `(t, v)` samples into runs without gaps, averaged into at most
/// [`MAX_LINE_POINTS`] bins over `[t0, t1]` (a bin with no value breaks the line).
fn line_runs(points: &[(f64, Option<f32>)], t0: f64, t1: f64) -> Vec<Vec<(f64, f64)>> {
    let span = (t1 - t0).max(1e-9);
    let bins = MAX_LINE_POINTS;
    let mut sum = vec![(0.0f64, 0.0f64, 0usize); bins];
    let mut seen = vec![false; bins];
    for (t, v) in points {
        let i = (((t - t0) / span) * bins as f64)
            .floor()
            .clamp(0.0, (bins - 1) as f64) as usize;
        seen[i] = true;
        if let Some(v) = v.filter(|v| v.is_finite()) {
            sum[i].0 += t;
            sum[i].1 += f64::from(v);
            sum[i].2 += 1;
        }
    }
    let mut runs = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for (i, (st, sv, n)) in sum.into_iter().enumerate() {
        if n > 0 {
            cur.push((st / n as f64, sv / n as f64));
        } else if seen[i] && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

fn svg_of(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
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
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails (not expected when drawing to a string).
pub fn fold_chart(c: &FoldChart<'_>) -> Result<String, ReportError> {
    let (t0, t1) = (c.range.0, c.range.1.max(c.range.0 + 1.0));
    let values = c
        .points
        .iter()
        .filter_map(|p| p.1)
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let y0 = if lo <= hi {
        f64::from(lo - 10.0).clamp(0.0, 30.0)
    } else {
        0.0
    };
    let y1 = if lo <= hi {
        f64::from(hi + 5.0).max(100.0)
    } else {
        100.0
    };
    let y0 = (y0 / 10.0).floor() * 10.0;
    let colour = side_colour(c.side);
    svg_of((CHART_WIDTH, FOLD_HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(12)
            .margin_right(18)
            .margin_left(6)
            .margin_bottom(4)
            .x_label_area_size(46)
            .y_label_area_size(62)
            .build_cartesian_2d(t0..t1, y0..y1)
            .map_err(err)?;
        chart
            .draw_series(c.phases.iter().map(|p| {
                let (rgb, _) = phase_colour(p.name);
                let end = if p.end_s > p.start_s {
                    p.end_s
                } else {
                    p.start_s + 0.2
                };
                Rectangle::new([(p.start_s, y0), (end, y1)], rgb.mix(PHASE_ALPHA).filled())
            }))
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|v| clock(*v))
            .y_label_formatter(&|v| format!("{v:.0}°"))
            .label_style(font(FONT_PX))
            .axis_desc_style(font(FONT_PX))
            .x_desc("time (min:s)")
            .y_desc("fold angle")
            .draw()
            .map_err(err)?;
        // 90° = sitting upright: a reference line.
        chart
            .draw_series(LineSeries::new(
                [(t0, 90.0), (t1, 90.0)],
                ShapeStyle::from(INK.mix(0.35)).stroke_width(1),
            ))
            .map_err(err)?;
        for run in line_runs(&c.points, t0, t1) {
            chart
                .draw_series(LineSeries::new(
                    run,
                    ShapeStyle::from(colour).stroke_width(3),
                ))
                .map_err(err)?;
        }
        if let Some((t, v)) = c.deepest {
            let v = f64::from(v);
            chart
                .draw_series([Circle::new((t, v), 6, ShapeStyle::from(INK).filled())])
                .map_err(err)?;
            let label = format!("deepest {v:.0}°");
            // Keep the label inside the plot: left of the dot near the right edge.
            let right_half = (t - t0) / (t1 - t0) > 0.7;
            let dx = if right_half {
                -(label.len() as i32) * 9 - 8
            } else {
                10
            };
            chart
                .draw_series([EmptyElement::at((t, v)) + Text::new(label, (dx, 10), font(FONT_PX))])
                .map_err(err)?;
        }
        Ok(())
    })
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
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails.
pub fn breath_chart(c: &BreathChart<'_>) -> Result<String, ReportError> {
    let t0 = c.t.first().copied().unwrap_or(0.0);
    let t1 = c.t.last().copied().unwrap_or(1.0).max(t0 + 1.0);
    let peak = c
        .value
        .iter()
        .filter(|v| v.is_finite())
        .fold(1.0f32, |m, v| m.max(v.abs()));
    let y = f64::from(peak) * 1.15;
    let colour = side_colour(c.side);
    let points: Vec<(f64, Option<f32>)> =
        c.t.iter()
            .zip(c.value)
            .map(|(t, v)| (*t, Some(*v)))
            .collect();
    svg_of((CHART_WIDTH, BREATH_HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(10)
            .margin_right(18)
            .margin_left(6)
            .margin_bottom(4)
            .x_label_area_size(46)
            .y_label_area_size(62)
            .build_cartesian_2d(t0..t1, -y..y)
            .map_err(err)?;
        chart
            .draw_series(
                c.holding.iter().map(|h| {
                    Rectangle::new([(h.start_s, -y), (h.end_s, y)], HELD.mix(0.18).filled())
                }),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(8)
            .y_labels(3)
            .x_label_formatter(&|v| clock(*v))
            .y_label_formatter(&|v| {
                if *v > 0.1 {
                    "in".into()
                } else if *v < -0.1 {
                    "out".into()
                } else {
                    String::new()
                }
            })
            .label_style(font(FONT_PX))
            .axis_desc_style(font(FONT_PX))
            .x_desc("time (min:s)")
            .y_desc("breath")
            .draw()
            .map_err(err)?;
        for run in line_runs(&points, t0, t1) {
            chart
                .draw_series(LineSeries::new(
                    run,
                    ShapeStyle::from(colour).stroke_width(2),
                ))
                .map_err(err)?;
        }
        for h in c.holding {
            chart
                .draw_series([Text::new(
                    "breath held".to_string(),
                    (h.start_s, y * 0.92),
                    font(FONT_PX - 2).color(&HELD),
                )])
                .map_err(err)?;
        }
        Ok(())
    })
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
    pub colour: RGBColor,
}

/// The whole session as a band of coloured stretches over a time axis.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails.
pub fn timeline_chart(items: &[TimelineItem], duration_s: f64) -> Result<String, ReportError> {
    let t1 = duration_s.max(1.0);
    let t0 = items.first().map_or(0.0, |i| i.start_s.min(0.0));
    svg_of((CHART_WIDTH, TIMELINE_HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(6)
            .margin_right(18)
            .margin_left(12)
            .x_label_area_size(40)
            .build_cartesian_2d(t0..t1, 0.0..1.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID.mix(0.0))
            .axis_style(INK)
            .x_labels(8)
            .x_label_formatter(&|v| clock(*v))
            .label_style(font(FONT_PX))
            .draw()
            .map_err(err)?;
        let px_per_s = f64::from(CHART_WIDTH - 40) / (t1 - t0).max(1e-9);
        for it in items {
            // A stretch of one frame still gets a sliver.
            let end = it.end_s.max(it.start_s + 0.5 / px_per_s.max(1e-9));
            chart
                .draw_series([Rectangle::new(
                    [(it.start_s, 0.1), (end, 0.9)],
                    it.colour.filled(),
                )])
                .map_err(err)?;
            let width_px = (end - it.start_s) * px_per_s;
            let text_px = it.label.chars().count() as f64 * f64::from(FONT_PX) * 0.6;
            if width_px > text_px + 10.0 {
                chart
                    .draw_series([Text::new(
                        it.label.clone(),
                        (it.start_s + 4.0 / px_per_s, 0.68),
                        font(FONT_PX).color(&WHITE),
                    )])
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}

/// Left against right: for each measure a bar to the left (left leg extended)
/// and one to the right (right leg extended), each as long as its share of the
/// larger of the two, with the values written at the ends.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails.
pub fn comparison_chart(c: &SideComparison) -> Result<String, ReportError> {
    let rows = c.metrics.len().max(1) as u32;
    let height = 40 + rows * COMPARE_ROW;
    svg_of((CHART_WIDTH, height), |root| {
        let mid = CHART_WIDTH as i32 / 2;
        let half = (CHART_WIDTH as i32 / 2) - 120;
        root.draw(&Text::new(
            "left leg extended".to_string(),
            (mid - 160, 8),
            font(FONT_PX).color(&LEFT),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            "right leg extended".to_string(),
            (mid + 20, 8),
            font(FONT_PX).color(&RIGHT),
        ))
        .map_err(err)?;
        for (i, m) in c.metrics.iter().enumerate() {
            let top = 34 + i as i32 * COMPARE_ROW as i32;
            let scale = m.left.abs().max(m.right.abs()).max(1e-9);
            let lw = ((m.left.abs() / scale) * f64::from(half)) as i32;
            let rw = ((m.right.abs() / scale) * f64::from(half)) as i32;
            let (name, unit, digits) = compared_metric_words(&m.metric);
            root.draw(&Text::new(
                name.to_string(),
                (
                    mid - (name.chars().count() as i32 * FONT_PX as i32 * 3 / 10),
                    top,
                ),
                font(FONT_PX - 1),
            ))
            .map_err(err)?;
            let bar_top = top + 18;
            let bar_bottom = top + 36;
            root.draw(&Rectangle::new(
                [(mid - lw, bar_top), (mid - 1, bar_bottom)],
                LEFT.filled(),
            ))
            .map_err(err)?;
            root.draw(&Rectangle::new(
                [(mid + 1, bar_top), (mid + rw, bar_bottom)],
                RIGHT.filled(),
            ))
            .map_err(err)?;
            let lt = format!("{:.*}{unit}", digits, m.left);
            let rt = format!("{:.*}{unit}", digits, m.right);
            let lt_px = lt.chars().count() as i32 * FONT_PX as i32 * 6 / 10;
            root.draw(&Text::new(
                lt,
                (mid - lw - 8 - lt_px, bar_top + 1),
                font(FONT_PX),
            ))
            .map_err(err)?;
            root.draw(&Text::new(rt, (mid + rw + 8, bar_top + 1), font(FONT_PX)))
                .map_err(err)?;
            root.draw(&PathElement::new(
                [(mid, bar_top - 3), (mid, bar_bottom + 3)],
                ShapeStyle::from(INK).stroke_width(2),
            ))
            .map_err(err)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_gaps_and_stay_short() {
        let mut pts: Vec<(f64, Option<f32>)> = (0..10_000)
            .map(|i| (f64::from(i) / 100.0, Some(50.0)))
            .collect();
        for p in &mut pts[4000..5000] {
            p.1 = None;
        }
        let runs = line_runs(&pts, 0.0, 100.0);
        assert_eq!(runs.len(), 2);
        assert!(runs.iter().map(Vec::len).sum::<usize>() <= MAX_LINE_POINTS);
    }

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
        })
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("polyline"), "{svg}");
        assert!(
            svg.contains("deepest 40°") || svg.contains("deepest 41°"),
            "{svg}"
        );
        assert!(svg.contains("fold angle"));
    }
}
