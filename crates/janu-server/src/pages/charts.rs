//! The progress page's charts: janu-store's weekly [`Progress`] turned into the
//! inputs of janu-report's chart kit ([`janu_report::chart`], the one that
//! draws the report's charts too), each in a titled, captioned figure. No
//! script and no library in the page: the same data gives the same picture.
//!
//! Colours follow the kit's one rule: the left side (left leg extended) is
//! blue, the right side orange, asymmetry purple, mistakes red.

use janu_report::chart::{
    ASYMMETRY, CountRow, LEFT, RIGHT, Series, ValueAxis, Weekly, weekly_bars, weekly_counts,
    weekly_lines,
};
use janu_store::{Progress, SideWeek, WeekProgress};
use maud::{PreEscaped, html};

/// Asymmetry below this reads as even: a 10 % difference between the sides is
/// within what a camera measures from one session to the next.
pub const EVEN_ASYMMETRY: f64 = 0.1;

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

fn week_labels(p: &Progress) -> Vec<String> {
    p.weeks.iter().map(week_label).collect()
}

/// A side's value each week, as the chart's series for both sides.
fn side_series(p: &Progress, get: fn(&SideWeek) -> Option<f64>) -> [Series<'static>; 2] {
    [
        Series {
            name: "left",
            legend: "left leg",
            colour: LEFT,
            values: p.weeks.iter().map(|w| get(&w.left)).collect(),
        },
        Series {
            name: "right",
            legend: "right leg",
            colour: RIGHT,
            values: p.weeks.iter().map(|w| get(&w.right)).collect(),
        },
    ]
}

/// A chart as a titled figure with its caption.
fn figure(id: &str, title: &str, svg: &str, caption: &str) -> String {
    html! {
        figure.chart.card data-testid=(format!("chart-{id}")) {
            h3 { (title) }
            // Safe: the chart kit builds this SVG itself and escapes every text in it.
            (PreEscaped(svg))
            figcaption { (caption) }
        }
    }
    .into_string()
}

/// A chart with nothing to draw: its title and a sentence instead.
fn empty(id: &str, title: &str, text: &str) -> String {
    html! {
        figure.chart.card.empty data-testid=(format!("chart-{id}")) {
            h3 { (title) }
            p { (text) }
        }
    }
    .into_string()
}

/// Fold depth per side and week. The angle axis is upside down, so a deeper
/// fold (a smaller angle) is higher: progress goes up.
pub fn fold_chart(p: &Progress) -> String {
    let title = "Fold depth per side";
    let weeks = week_labels(p);
    let series = side_series(p, |s| s.fold_angle_deg_mean);
    let chart = Weekly {
        label: title,
        weeks: &weeks,
        series: &series,
        axis: ValueAxis {
            upside_down: true,
            ..ValueAxis::plain("°")
        },
    };
    if chart.is_empty() {
        return empty(
            "fold",
            title,
            "No fold measured yet: the camera must see the fold from the side or the front-diagonal.",
        );
    }
    figure(
        "fold",
        title,
        &weekly_lines(&chart),
        "Weekly mean trunk-to-thigh angle; up is deeper (a smaller angle). Blue: left leg extended, orange: right.",
    )
}

/// Hold per side and week, as paired bars.
pub fn hold_chart(p: &Progress) -> String {
    let title = "Hold per side";
    let weeks = week_labels(p);
    let series = side_series(p, |s| s.hold_s_mean);
    let chart = Weekly {
        label: title,
        weeks: &weeks,
        series: &series,
        axis: ValueAxis {
            from_zero: true,
            ..ValueAxis::plain(" s")
        },
    };
    if chart.is_empty() {
        return empty("hold", title, "No hold measured yet.");
    }
    figure(
        "hold",
        title,
        &weekly_bars(&chart),
        "Weekly mean time held in the fold, seconds. Even bars mean even sides.",
    )
}

/// The asymmetry trend, with the band that reads as even.
pub fn asymmetry_chart(p: &Progress) -> String {
    let title = "Left–right asymmetry";
    let weeks = week_labels(p);
    let series = [Series {
        name: "",
        legend: "asymmetry index",
        colour: ASYMMETRY,
        values: p.weeks.iter().map(|w| w.asymmetry_mean).collect(),
    }];
    let chart = Weekly {
        label: title,
        weeks: &weeks,
        series: &series,
        axis: ValueAxis {
            digits: 2,
            from_zero: true,
            // The even band always shows, with room above it.
            top_at_least: EVEN_ASYMMETRY * 2.0,
            step_at_least: 0.05,
            good_below: Some((EVEN_ASYMMETRY, "even")),
            ..ValueAxis::plain("")
        },
    };
    if chart.is_empty() {
        return empty(
            "asymmetry",
            title,
            "Practise both sides in one session to see how they compare.",
        );
    }
    figure(
        "asymmetry",
        title,
        &weekly_lines(&chart),
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

/// One row per mistake: how often it was seen each week, and whether it fades.
pub fn mistakes_chart(p: &Progress) -> String {
    let title = "Mistakes over the weeks";
    if p.mistake_ids.is_empty() {
        return empty("mistakes", title, "No mistakes seen so far.");
    }
    let names: Vec<String> = p.mistake_ids.iter().map(|id| mistake_name(id)).collect();
    let counts: Vec<Vec<u32>> = p
        .mistake_ids
        .iter()
        .map(|id| p.mistake_series(id))
        .collect();
    let rows: Vec<CountRow<'_>> = names
        .iter()
        .zip(&counts)
        .map(|(name, counts)| CountRow { name, counts })
        .collect();
    figure(
        "mistakes",
        title,
        &weekly_counts(title, &week_labels(p), &rows),
        "How often each mistake was seen, week by week; \"fading\" when the later weeks show it less than the earlier ones.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistakes_read_as_names() {
        assert_eq!(
            mistake_name("locked_knee"),
            janu_pose::knowledge()
                .mistake(janu_pose::MistakeId::LockedKnee)
                .unwrap()
                .name
        );
        assert_eq!(mistake_name("some_new_thing"), "Some new thing");
    }
}
