//! Renderers of a [`SessionReport`]: JSON (the stable schema), a plain-text
//! summary for the terminal, CSV of the per-frame metrics, and a self-contained
//! HTML page with plots and key frames ([`html`]), its charts drawn by the one
//! chart kit every Janu chart uses ([`chart`]). The pictures and breathing
//! traces the HTML shows come with the report as [`media::ReportMedia`] (made by
//! `janu-pipeline` from the source); without them the page shows the rest.
//!
//! ```
//! use janu_body::file::parse_line;
//! let line = r#"{"t":0,"width":640,"height":480,"schema":"coco17","landmarks":null}"#;
//! let report = janu_analysis::analyze(&[parse_line(line).unwrap()]).unwrap();
//! let json = janu_report::render(&report, janu_report::Format::Json).unwrap();
//! assert!(json.contains("\"schema_version\": 1"));
//! let text = janu_report::render(&report, janu_report::Format::Text).unwrap();
//! assert!(text.contains("nobody"));
//! ```

pub mod chart;
pub mod csv;
pub mod html;
pub mod json;
pub mod media;
pub mod moments;
pub mod text;

pub use janu_analysis::SessionReport;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The report as JSON (see `docs/report-schema.md`).
    Json,
    /// A readable summary for the terminal.
    Text,
    /// One row of metrics per frame.
    Csv,
    /// A self-contained HTML page (no key frames or breathing traces: use
    /// [`html::document`] with [`media::ReportMedia`] for those).
    Html,
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Serialising to JSON failed (never expected: the report is plain data).
    #[error("cannot write the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// True when a photo's report shows the form measures of its one frame (the
/// pose is Janusirsasana or its revolved form). The picture measures behind the
/// pose call then go unsaid: they would state the same measures a second time,
/// as the camera sees them rather than in 3-D.
pub(crate) fn form_measures_shown(r: &SessionReport) -> bool {
    r.kind == janu_analysis::SessionKind::Photo
        && !r.frames.is_empty()
        && r.pose.as_ref().is_some_and(|p| {
            p.name.has_extended_leg() || p.name == janu_analysis::PoseName::Janusirsasana
        })
}

/// Render a report in a format.
///
/// # Errors
/// [`ReportError::Json`] if JSON serialisation fails.
pub fn render(report: &SessionReport, format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Json => json::render(report)?,
        Format::Text => text::render(report),
        Format::Csv => csv::render(report),
        Format::Html => html::document(report, &media::ReportMedia::none(), "Janu report")?,
    })
}
