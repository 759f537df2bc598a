//! The report as pretty-printed JSON, ending in a newline. The field order is the
//! order of the report's types and every number is already rounded, so the same
//! report always gives the same bytes.

use janu_analysis::SessionReport;

use crate::ReportError;

/// Render the report as JSON.
///
/// # Errors
/// [`ReportError::Json`] if serialisation fails.
pub fn render(report: &SessionReport) -> Result<String, ReportError> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// Read a report back from its JSON.
///
/// # Errors
/// [`ReportError::Json`] if the text is not a report of this schema.
pub fn parse(text: &str) -> Result<SessionReport, ReportError> {
    Ok(serde_json::from_str(text)?)
}
