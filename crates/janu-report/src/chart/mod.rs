//! Janu's one chart kit: every chart Janu draws (the report's fold, breath,
//! timeline and left-against-right charts, the server's progress charts) is
//! SVG written here, with one set of axis and tick helpers and one colour rule
//! ([`LEFT`] blue, [`RIGHT`] orange, [`ASYMMETRY`] purple, [`MISTAKE`] red).
//!
//! The SVG has a fixed `viewBox` and scales to its box; it runs no script and
//! loads no font (it names a generic family), its text is escaped, and the
//! same data gives the same bytes.
//!
//! ```
//! use janu_report::chart::{LEFT, Series, ValueAxis, Weekly, weekly_lines};
//! let weeks = ["Mar 2".to_string(), "Mar 9".to_string()];
//! let series = [Series {
//!     name: "left",
//!     legend: "left leg",
//!     colour: LEFT,
//!     values: vec![Some(62.0), Some(55.0)],
//! }];
//! let svg = weekly_lines(&Weekly {
//!     label: "Fold depth",
//!     weeks: &weeks,
//!     series: &series,
//!     axis: ValueAxis::plain("°"),
//! });
//! assert!(svg.starts_with("<svg") && svg.contains("#2b6cb0"));
//! ```

mod axis;
mod colour;
mod line;
mod plot;
mod svg;
mod weekly;

pub use axis::{NiceRange, Scale, nice_step, number, ticks_within, time_step};
pub use colour::{
    ASYMMETRY, BASELINE, Colour, GOOD, GOOD_BAND, GRID, INK, LEFT, MISTAKE, MUTED, REFERENCE,
    RIGHT, WHITE, phase_colour, side_colour,
};
pub use line::{MAX_LINE_POINTS, line_runs};
pub use plot::Plot;
pub use svg::{Anchor, Paint, Rect, Svg, TextStyle, text_width};
pub use weekly::{
    CountRow, FONT as WEEKLY_FONT, HEIGHT as WEEKLY_HEIGHT, Series, Trend, ValueAxis,
    WIDTH as WEEKLY_WIDTH, Weekly, weekly_bars, weekly_counts, weekly_lines,
};
