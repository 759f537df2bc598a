//! The one colour rule of every Janu chart: the left side (left leg extended)
//! is blue, the right side orange, asymmetry purple, mistakes red; the phases
//! of an attempt each have their own light shade.

use std::fmt;

use janu_analysis::phases::PhaseName;
use janu_body::Side;

/// A colour as red, green and blue bytes; it writes itself as CSS `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour(pub u8, pub u8, pub u8);

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The person's left side (left leg extended); the skeleton uses it too.
pub const LEFT: Colour = Colour(0x2b, 0x6c, 0xb0);
/// The person's right side (right leg extended).
pub const RIGHT: Colour = Colour(0xdd, 0x6b, 0x20);
/// The asymmetry of the two sides.
pub const ASYMMETRY: Colour = Colour(0x6b, 0x46, 0xc1);
/// Mistakes, and a breath held (the mistake the breath chart shows).
pub const MISTAKE: Colour = Colour(0xc5, 0x30, 0x30);
/// Axes, titles and legend text.
pub const INK: Colour = Colour(0x2d, 0x37, 0x48);
/// Tick labels and quieter text.
pub const MUTED: Colour = Colour(0x4a, 0x55, 0x68);
/// Grid lines.
pub const GRID: Colour = Colour(0xe2, 0xe8, 0xf0);
/// A quiet reference line (90°, sitting upright, on the fold chart).
pub const REFERENCE: Colour = Colour(0xa0, 0xae, 0xc0);
/// A base line under bars.
pub const BASELINE: Colour = Colour(0xcb, 0xd5, 0xe0);
/// What is going well (a fading mistake, an even band's label).
pub const GOOD: Colour = Colour(0x27, 0x67, 0x49);
/// The band of values that read as good.
pub const GOOD_BAND: Colour = Colour(0xc6, 0xf6, 0xd5);
/// The page behind a chart, and text on a coloured bar.
pub const WHITE: Colour = Colour(0xff, 0xff, 0xff);

/// The colour of a side.
pub fn side_colour(side: Side) -> Colour {
    match side {
        Side::Left => LEFT,
        Side::Right => RIGHT,
    }
}

/// The shade of a phase (drawn see-through over the grid).
pub fn phase_colour(phase: PhaseName) -> Colour {
    match phase {
        PhaseName::Setup => BASELINE,
        PhaseName::Lengthen => Colour(0xf6, 0xe0, 0x5e),
        PhaseName::Fold => Colour(0xf6, 0xad, 0x55),
        PhaseName::Hold => Colour(0x68, 0xd3, 0x91),
        PhaseName::Release => Colour(0xb7, 0x94, 0xf4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_write_as_css() {
        assert_eq!(LEFT.to_string(), "#2b6cb0");
        assert_eq!(RIGHT.to_string(), "#dd6b20");
        assert_eq!(phase_colour(PhaseName::Hold).to_string(), "#68d391");
    }
}
