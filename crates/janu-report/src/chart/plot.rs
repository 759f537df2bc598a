//! A plot: a rectangle of the picture with a value axis across and one up,
//! and what every chart draws on them (grid, tick labels, axis titles, shaded
//! spans, lines).

use super::axis::Scale;
use super::colour::{Colour, GRID, INK};
use super::svg::{Anchor, Paint, Rect, Svg, TextStyle};

/// Room between a tick label and the plot, drawing units.
const LABEL_GAP: f64 = 8.0;

/// A plot's rectangle and the scales of its two axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plot {
    /// Where the plot sits in the picture.
    pub area: Rect,
    /// The values across: `x.0` at the left edge, `x.1` at the right.
    pub x: Scale,
    /// The values up: `y.0` at the bottom edge, `y.1` at the top (give them
    /// high to low for an axis that grows downwards).
    pub y: Scale,
}

impl Plot {
    /// A plot over `area` showing `x` across and `y` up.
    pub fn new(area: Rect, x: (f64, f64), y: (f64, f64)) -> Self {
        Plot {
            area,
            x: Scale::new(x, (area.x, area.right())),
            y: Scale::new(y, (area.bottom(), area.y)),
        }
    }

    /// Where the value pair `(x, y)` lands.
    pub fn point(&self, x: f64, y: f64) -> (f64, f64) {
        (self.x.at(x), self.y.at(y))
    }

    /// A horizontal grid line at each of `ticks` (values up) with its label
    /// left of the plot.
    pub fn y_ticks(
        &self,
        svg: &mut Svg,
        ticks: &[f64],
        label: &dyn Fn(f64) -> String,
        style: TextStyle,
    ) {
        for v in ticks {
            let y = self.y.at(*v);
            svg.line((self.area.x, y), (self.area.right(), y), GRID, 1.0);
            svg.text(
                (self.area.x - LABEL_GAP, y + style.size * 0.35),
                &label(*v),
                style.anchor(Anchor::End),
            );
        }
    }

    /// A label under the plot at each of `ticks` (values across), with an
    /// upright grid line when `grid`.
    pub fn x_ticks(
        &self,
        svg: &mut Svg,
        ticks: &[f64],
        label: &dyn Fn(f64) -> String,
        style: TextStyle,
        grid: bool,
    ) {
        for v in ticks {
            let x = self.x.at(*v);
            if grid {
                svg.line((x, self.area.y), (x, self.area.bottom()), GRID, 1.0);
            }
            svg.text(
                (x, self.area.bottom() + LABEL_GAP + style.size * 0.8),
                &label(*v),
                style.anchor(Anchor::Middle),
            );
        }
    }

    /// The axis lines: the left edge and the bottom edge.
    pub fn axes(&self, svg: &mut Svg) {
        let a = self.area;
        svg.line((a.x, a.y), (a.x, a.bottom()), INK, 1.0);
        svg.line((a.x, a.bottom()), (a.right(), a.bottom()), INK, 1.0);
    }

    /// The across axis's title, centred under the tick labels.
    pub fn x_title(&self, svg: &mut Svg, words: &str, style: TextStyle) {
        svg.text(
            (
                self.area.x + self.area.width / 2.0,
                self.area.bottom() + LABEL_GAP + style.size * 2.2,
            ),
            words,
            style.anchor(Anchor::Middle),
        );
    }

    /// The upright axis's title, reading upwards at `x`, centred on the plot.
    pub fn y_title(&self, svg: &mut Svg, x: f64, words: &str, style: TextStyle) {
        svg.text_upwards(
            (x, self.area.y + self.area.height / 2.0),
            words,
            style.anchor(Anchor::Middle),
        );
    }

    /// Shade the plot's full height from `from` to `to` (values across),
    /// clipped to the plot.
    pub fn span(&self, svg: &mut Svg, from: f64, to: f64, paint: Paint) {
        let a = self.area;
        let x0 = self.x.at(from).clamp(a.x, a.right());
        let x1 = self.x.at(to).clamp(a.x, a.right());
        svg.rect(Rect::between((x0, a.y), (x1, a.bottom())), paint, None);
    }

    /// A line through value pairs.
    pub fn line(&self, svg: &mut Svg, points: &[(f64, f64)], colour: Colour, width: f64) {
        let drawn: Vec<(f64, f64)> = points.iter().map(|(x, y)| self.point(*x, *y)).collect();
        svg.polyline(&drawn, colour, width);
    }
}
