//! The SVG writer every chart draws with: a handful of shapes, text escaped,
//! coordinates with one decimal, so the same picture is the same bytes.

use std::fmt::Write as _;

use super::colour::Colour;
use crate::html::escape;

/// Where a text sits against its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The text starts at the point.
    Start,
    /// The text is centred on the point.
    Middle,
    /// The text ends at the point.
    End,
}

/// How a text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Its colour.
    pub colour: Colour,
    /// Its size, drawing units.
    pub size: f64,
    /// Where it sits against its point.
    pub anchor: Anchor,
    /// Bold.
    pub bold: bool,
}

impl TextStyle {
    /// Plain text of `size` in `colour`, starting at its point.
    pub const fn new(colour: Colour, size: f64) -> Self {
        TextStyle {
            colour,
            size,
            anchor: Anchor::Start,
            bold: false,
        }
    }

    /// The same, placed by `anchor`.
    pub const fn anchor(self, anchor: Anchor) -> Self {
        TextStyle { anchor, ..self }
    }

    /// The same, bold.
    pub const fn bold(self) -> Self {
        TextStyle { bold: true, ..self }
    }

    /// The same, in `colour`.
    pub const fn colour(self, colour: Colour) -> Self {
        TextStyle { colour, ..self }
    }
}

/// About how wide `words` are set in a sans-serif face at `size` (0.6 em a
/// character): enough to keep a label clear of its neighbours.
pub fn text_width(words: &str, size: f64) -> f64 {
    words.chars().count() as f64 * size * 0.6
}

/// How a shape is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    /// The colour.
    pub colour: Colour,
    /// 1 is solid, 0 invisible.
    pub opacity: f64,
    /// Radius of the corners, drawing units.
    pub corner: f64,
}

impl Paint {
    /// Solid `colour`, square corners.
    pub const fn solid(colour: Colour) -> Self {
        Paint {
            colour,
            opacity: 1.0,
            corner: 0.0,
        }
    }

    /// The same, see-through.
    pub const fn opacity(self, opacity: f64) -> Self {
        Paint { opacity, ..self }
    }

    /// The same, with round corners.
    pub const fn rounded(self, corner: f64) -> Self {
        Paint { corner, ..self }
    }
}

/// A rectangle of the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// The rectangle between two corners, given in any order.
    pub fn between(a: (f64, f64), b: (f64, f64)) -> Self {
        Rect {
            x: a.0.min(b.0),
            y: a.1.min(b.1),
            width: (a.0 - b.0).abs(),
            height: (a.1 - b.1).abs(),
        }
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

/// One SVG picture being drawn.
#[derive(Debug)]
pub struct Svg {
    out: String,
}

impl Svg {
    /// A picture `width` by `height` drawing units that scales to its box,
    /// described as `label` for screen readers, its text `font_size` unless
    /// a text says otherwise.
    pub fn new(width: f64, height: f64, label: &str, font_size: f64) -> Self {
        Svg {
            out: format!(
                "<svg viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\" \
                 xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" \
                 font-size=\"{font_size}\">",
                escape(label)
            ),
        }
    }

    /// A filled rectangle, with `tip` as its tooltip.
    pub fn rect(&mut self, r: Rect, paint: Paint, tip: Option<&str>) {
        let _ = write!(
            self.out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"",
            r.x, r.y, r.width, r.height
        );
        if paint.corner > 0.0 {
            let _ = write!(self.out, " rx=\"{}\"", paint.corner);
        }
        let _ = write!(self.out, " fill=\"{}\"", paint.colour);
        if paint.opacity < 1.0 {
            let _ = write!(self.out, " fill-opacity=\"{}\"", paint.opacity);
        }
        self.close(tip, "rect");
    }

    /// A straight line.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), colour: Colour, width: f64) {
        let _ = write!(
            self.out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"{width}\"/>",
            from.0, from.1, to.0, to.1
        );
    }

    /// A line through `points` (nothing for fewer than two).
    pub fn polyline(&mut self, points: &[(f64, f64)], colour: Colour, width: f64) {
        if points.len() < 2 {
            return;
        }
        self.out.push_str("<polyline points=\"");
        for (i, (x, y)) in points.iter().enumerate() {
            let gap = if i == 0 { "" } else { " " };
            let _ = write!(self.out, "{gap}{x:.1},{y:.1}");
        }
        let _ = write!(
            self.out,
            "\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
        );
    }

    /// A filled dot, with `tip` as its tooltip.
    pub fn dot(&mut self, at: (f64, f64), radius: f64, colour: Colour, tip: Option<&str>) {
        let _ = write!(
            self.out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{radius}\" fill=\"{colour}\"",
            at.0, at.1
        );
        self.close(tip, "circle");
    }

    /// Text with its baseline at `at`.
    pub fn text(&mut self, at: (f64, f64), words: &str, style: TextStyle) {
        self.text_turned(at, words, style, false);
    }

    /// Text reading upwards (an upright axis's title), its baseline through
    /// `at`.
    pub fn text_upwards(&mut self, at: (f64, f64), words: &str, style: TextStyle) {
        self.text_turned(at, words, style, true);
    }

    fn text_turned(&mut self, at: (f64, f64), words: &str, style: TextStyle, upwards: bool) {
        let (x, y) = at;
        let _ = write!(self.out, "<text x=\"{x:.1}\" y=\"{y:.1}\"");
        if upwards {
            let _ = write!(self.out, " transform=\"rotate(-90 {x:.1} {y:.1})\"");
        }
        match style.anchor {
            Anchor::Start => {}
            Anchor::Middle => self.out.push_str(" text-anchor=\"middle\""),
            Anchor::End => self.out.push_str(" text-anchor=\"end\""),
        }
        let _ = write!(
            self.out,
            " font-size=\"{}\" fill=\"{}\"",
            style.size, style.colour
        );
        if style.bold {
            self.out.push_str(" font-weight=\"600\"");
        }
        let _ = write!(self.out, ">{}</text>", escape(words));
    }

    /// A row of colour swatches with their names, starting at `at` (the
    /// swatches' top left).
    pub fn legend(&mut self, at: (f64, f64), items: &[(Colour, &str)], style: TextStyle) {
        let box_side = style.size.round() - 1.0;
        let mut x = at.0;
        for (colour, name) in items {
            self.rect(
                Rect {
                    x,
                    y: at.1,
                    width: box_side,
                    height: box_side,
                },
                Paint::solid(*colour).rounded(2.0),
                None,
            );
            let words_x = x + box_side + 4.0;
            self.text(
                (words_x, at.1 + box_side - 2.0),
                name,
                style.anchor(Anchor::Start),
            );
            x = words_x + text_width(name, style.size) + 16.0;
        }
    }

    fn close(&mut self, tip: Option<&str>, element: &str) {
        match tip {
            Some(t) => {
                let _ = write!(self.out, "><title>{}</title></{element}>", escape(t));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// The finished picture.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::colour::{INK, LEFT};

    #[test]
    fn text_and_tips_are_escaped() {
        let mut svg = Svg::new(100.0, 50.0, "a <b> & \"c\"", 12.0);
        svg.text((1.0, 2.0), "<script>", TextStyle::new(INK, 12.0));
        svg.dot((3.0, 4.0), 2.0, LEFT, Some("x & y"));
        let s = svg.finish();
        assert!(
            s.contains("aria-label=\"a &lt;b&gt; &amp; &quot;c&quot;\""),
            "{s}"
        );
        assert!(
            s.contains("&lt;script&gt;") && !s.contains("<script"),
            "{s}"
        );
        assert!(s.contains("<title>x &amp; y</title></circle>"), "{s}");
        assert!(s.ends_with("</svg>"));
    }
}
