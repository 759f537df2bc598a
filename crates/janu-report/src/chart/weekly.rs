//! Practice over the weeks (the server's progress page): a value per week and
//! side as lines or paired bars, and how often each mistake was seen per week.
//! The weeks sit in equal slots across; a week without a value leaves a gap
//! in the bars and is stepped over by the line.

use super::axis::{NiceRange, number};
use super::colour::{BASELINE, Colour, GOOD, GOOD_BAND, INK, MISTAKE, MUTED};
use super::plot::Plot;
use super::svg::{Anchor, Paint, Rect, Svg, TextStyle};

/// Width of a weekly chart, drawing units (it scales to the page).
pub const WIDTH: f64 = 460.0;
/// Height of a weekly value chart.
pub const HEIGHT: f64 = 230.0;
/// Text size of the weekly charts.
pub const FONT: f64 = 13.0;
/// Room left of the plot for the value labels.
const LEFT_ROOM: f64 = 50.0;
/// Room right of the plot.
const RIGHT_ROOM: f64 = 16.0;
/// Room above the plot for the legend.
const TOP_ROOM: f64 = 28.0;
/// Room under the plot for the week labels.
const BOTTOM_ROOM: f64 = 36.0;
/// Week labels shown at most, so they never overlap.
const MAX_WEEK_LABELS: usize = 5;
/// Widest bar, drawing units: a few weeks should not look like a wall.
const MAX_BAR: f64 = 28.0;
/// Height of one mistake's row: its name, then its bars.
const COUNT_ROW: f64 = 52.0;
/// Height of the tallest bar in a mistake's row.
const COUNT_BARS: f64 = 22.0;
/// Room at the right of a mistake's row for its trend word.
const TREND_ROOM: f64 = 96.0;

/// One line, or one bar a week: a value per week (`None` where nothing was
/// measured that week).
#[derive(Debug, Clone, PartialEq)]
pub struct Series<'a> {
    /// The name after the week in a tooltip (`left`); empty for none.
    pub name: &'a str,
    /// The name in the legend (`left leg`).
    pub legend: &'a str,
    /// Its colour (see [`super::side_colour`]).
    pub colour: Colour,
    /// One value per week.
    pub values: Vec<Option<f64>>,
}

/// The value axis of a weekly chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueAxis<'a> {
    /// Written after each value: `°`, ` s`, or nothing.
    pub unit: &'a str,
    /// Decimals of a value in its tooltip.
    pub digits: usize,
    /// The axis reaches down to 0 (bars, an index).
    pub from_zero: bool,
    /// The axis reaches at least this high.
    pub top_at_least: f64,
    /// Ticks are at least this far apart.
    pub step_at_least: f64,
    /// Smaller values are drawn higher (a fold angle: deeper is up).
    pub upside_down: bool,
    /// Values from 0 up to this read as good: shaded, with this label.
    pub good_below: Option<(f64, &'a str)>,
}

impl ValueAxis<'_> {
    /// A plain axis from the lowest to the highest value, in `unit` with
    /// whole numbers in the tooltips.
    pub const fn plain(unit: &str) -> ValueAxis<'_> {
        ValueAxis {
            unit,
            digits: 0,
            from_zero: false,
            top_at_least: f64::NEG_INFINITY,
            step_at_least: 0.0,
            upside_down: false,
            good_below: None,
        }
    }
}

/// A weekly chart's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Weekly<'a> {
    /// What the chart shows, for screen readers.
    pub label: &'a str,
    /// Each week's label (`Mar 2`), oldest first.
    pub weeks: &'a [String],
    /// The lines or bars.
    pub series: &'a [Series<'a>],
    /// The value axis.
    pub axis: ValueAxis<'a>,
}

impl Weekly<'_> {
    /// True when no series has a value: draw a sentence instead.
    pub fn is_empty(&self) -> bool {
        self.series
            .iter()
            .all(|s| s.values.iter().all(Option::is_none))
    }

    fn tip(&self, week: usize, series: &Series<'_>, v: f64) -> String {
        let gap = if series.name.is_empty() { "" } else { " " };
        format!(
            "{}{gap}{}: {v:.*}{}",
            self.weeks[week], series.name, self.axis.digits, self.axis.unit
        )
    }

    /// The picture with its grid, week labels and legend, and the plot to
    /// draw the values on.
    fn frame(&self) -> (Svg, Plot) {
        let values: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .collect();
        let a = self.axis;
        let mut range = NiceRange::covering(&values, a.from_zero.then_some(0.0));
        range.hi = range.hi.max(a.top_at_least);
        range.step = range.step.max(a.step_at_least);
        let area = Rect {
            x: LEFT_ROOM,
            y: TOP_ROOM,
            width: WIDTH - LEFT_ROOM - RIGHT_ROOM,
            height: HEIGHT - TOP_ROOM - BOTTOM_ROOM,
        };
        let n = self.weeks.len().max(1) as f64;
        let ends = if a.upside_down {
            (range.hi, range.lo)
        } else {
            (range.lo, range.hi)
        };
        let plot = Plot::new(area, (-0.5, n - 0.5), ends);
        let mut svg = Svg::new(WIDTH, HEIGHT, self.label, FONT);
        if let Some((below, words)) = a.good_below {
            let (y0, y1) = (plot.y.at(0.0), plot.y.at(below));
            svg.rect(
                Rect::between((area.x, y0), (area.right(), y1)),
                Paint::solid(GOOD_BAND).opacity(0.6),
                None,
            );
            svg.text(
                (area.right() - 4.0, plot.y.at(below / 2.0) + 4.0),
                words,
                TextStyle::new(GOOD, FONT).anchor(Anchor::End),
            );
        }
        let unit = a.unit;
        plot.y_ticks(
            &mut svg,
            &range.ticks(),
            &|v| format!("{}{unit}", number(v)),
            TextStyle::new(MUTED, FONT),
        );
        let every = self.weeks.len().div_ceil(MAX_WEEK_LABELS).max(1);
        let last = self.weeks.len().saturating_sub(1);
        let shown: Vec<f64> = (0..self.weeks.len())
            .filter(|i| i % every == 0 || *i == last)
            .map(|i| i as f64)
            .collect();
        plot.x_ticks(
            &mut svg,
            &shown,
            &|i| self.weeks[i as usize].clone(),
            TextStyle::new(MUTED, FONT),
            false,
        );
        let legend: Vec<(Colour, &str)> =
            self.series.iter().map(|s| (s.colour, s.legend)).collect();
        svg.legend((area.x, 8.0), &legend, TextStyle::new(INK, FONT));
        (svg, plot)
    }
}

/// One line per series through its weeks' values, a dot (with a tooltip) on
/// each.
pub fn weekly_lines(w: &Weekly<'_>) -> String {
    let (mut svg, plot) = w.frame();
    for s in w.series {
        let points: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        plot.line(&mut svg, &points, s.colour, 2.5);
        for (i, v) in &points {
            let tip = w.tip(*i as usize, s, *v);
            svg.dot(plot.point(*i, *v), 4.0, s.colour, Some(&tip));
        }
    }
    svg.finish()
}

/// The series side by side in each week's slot, one bar each from 0.
pub fn weekly_bars(w: &Weekly<'_>) -> String {
    let (mut svg, plot) = w.frame();
    let slot = plot.x.per_unit();
    let bar = (slot * 0.32).min(MAX_BAR);
    let base = plot.y.at(0.0).clamp(plot.area.y, plot.area.bottom());
    let count = w.series.len() as f64;
    for (k, s) in w.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let x = plot.x.at(i as f64) - bar * count / 2.0 + k as f64 * bar;
            let tip = w.tip(i, s, v);
            svg.rect(
                Rect::between((x, plot.y.at(v)), (x + bar - 2.0, base)),
                Paint::solid(s.colour).rounded(2.0),
                Some(&tip),
            );
        }
    }
    svg.finish()
}

/// Whether a mistake is seen less or more: the later half of the weeks against
/// the earlier half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Fewer than two weeks: nothing to compare.
    OneWeek,
    /// Seen less in the later weeks.
    Fading,
    /// Seen more in the later weeks.
    Growing,
    /// Seen as often.
    Steady,
}

impl Trend {
    /// The trend of per-week counts.
    pub fn of(series: &[u32]) -> Self {
        if series.len() < 2 {
            return Trend::OneWeek;
        }
        let half = series.len() / 2;
        let mean = |s: &[u32]| s.iter().map(|v| f64::from(*v)).sum::<f64>() / s.len() as f64;
        let (early, late) = (mean(&series[..half]), mean(&series[series.len() - half..]));
        if late < early {
            Trend::Fading
        } else if late > early {
            Trend::Growing
        } else {
            Trend::Steady
        }
    }

    /// The trend in words.
    pub fn words(self) -> &'static str {
        match self {
            Trend::OneWeek => "one week so far",
            Trend::Fading => "fading",
            Trend::Growing => "growing",
            Trend::Steady => "steady",
        }
    }

    /// Green when fading, red when growing.
    pub fn colour(self) -> Colour {
        match self {
            Trend::Fading => GOOD,
            Trend::Growing => MISTAKE,
            Trend::OneWeek | Trend::Steady => MUTED,
        }
    }
}

/// One mistake's counts, a count per week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow<'a> {
    /// The mistake's name as people read it.
    pub name: &'a str,
    /// How often it was seen each week.
    pub counts: &'a [u32],
}

/// One row per mistake: its name, a bar per week as tall as that week's
/// count against the largest, and its [`Trend`] at the right.
pub fn weekly_counts(label: &str, weeks: &[String], rows: &[CountRow<'_>]) -> String {
    let height = TOP_ROOM + COUNT_ROW * rows.len() as f64;
    let most = rows
        .iter()
        .flat_map(|r| r.counts.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1);
    let plot_w = WIDTH - TREND_ROOM;
    let slot = plot_w / weeks.len().max(1) as f64;
    let muted = TextStyle::new(MUTED, FONT);
    let mut svg = Svg::new(WIDTH, height, label, FONT);
    if let (Some(first), Some(last)) = (weeks.first(), weeks.last()) {
        svg.text((0.0, 14.0), first, muted);
        svg.text((plot_w, 14.0), last, muted.anchor(Anchor::End));
    }
    for (r, row) in rows.iter().enumerate() {
        let top = TOP_ROOM + COUNT_ROW * r as f64;
        let base = top + 18.0 + COUNT_BARS;
        svg.text(
            (0.0, top + 12.0),
            row.name,
            TextStyle::new(INK, FONT).bold(),
        );
        svg.line((0.0, base), (plot_w, base), BASELINE, 1.0);
        for (i, count) in row.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let bar_h = COUNT_BARS * f64::from(*count) / f64::from(most);
            let x = slot * i as f64 + slot * 0.15;
            let tip = format!("{}: {count}", weeks.get(i).map_or("", String::as_str));
            svg.rect(
                Rect {
                    x,
                    y: base - bar_h,
                    width: (slot * 0.7).max(2.0),
                    height: bar_h,
                },
                Paint::solid(MISTAKE).opacity(0.85).rounded(1.5),
                Some(&tip),
            );
        }
        let trend = Trend::of(row.counts);
        svg.text(
            (WIDTH, base - 4.0),
            trend.words(),
            TextStyle::new(trend.colour(), FONT)
                .anchor(Anchor::End)
                .bold(),
        );
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{LEFT, RIGHT};

    fn weeks() -> Vec<String> {
        ["Mar 2", "Mar 9", "Mar 16"].map(String::from).to_vec()
    }

    #[test]
    fn trends_compare_halves() {
        assert_eq!(Trend::of(&[3, 2, 1, 0]).words(), "fading");
        assert_eq!(Trend::of(&[0, 1]).words(), "growing");
        assert_eq!(Trend::of(&[1, 1, 1]).words(), "steady");
        assert_eq!(Trend::of(&[2]).words(), "one week so far");
    }

    #[test]
    fn lines_have_a_dot_per_value_and_the_sides_colours() {
        let weeks = weeks();
        let series = [
            Series {
                name: "left",
                legend: "left leg",
                colour: LEFT,
                values: vec![Some(60.0), None, Some(50.0)],
            },
            Series {
                name: "right",
                legend: "right <leg>",
                colour: RIGHT,
                values: vec![Some(62.0), Some(58.0), None],
            },
        ];
        let w = Weekly {
            label: "Fold",
            weeks: &weeks,
            series: &series,
            axis: ValueAxis::plain("°"),
        };
        let svg = weekly_lines(&w);
        assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(svg.contains("<title>Mar 16 left: 50°</title>"), "{svg}");
        assert!(svg.contains("#2b6cb0") && svg.contains("#dd6b20"));
        assert!(svg.contains("right &lt;leg&gt;"), "legend text escaped");
        assert_eq!(svg, weekly_lines(&w), "same data, same picture");
        let bars = weekly_bars(&w);
        assert_eq!(bars.matches("<title>").count(), 4, "{bars}");
    }

    #[test]
    fn counts_have_a_row_per_mistake() {
        let weeks = weeks();
        let rows = [
            CountRow {
                name: "Locked knee",
                counts: &[3, 1, 0],
            },
            CountRow {
                name: "Rounded back",
                counts: &[0, 0, 2],
            },
        ];
        let svg = weekly_counts("Mistakes", &weeks, &rows);
        assert!(
            svg.contains(">fading<") && svg.contains(">growing<"),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
    }
}
