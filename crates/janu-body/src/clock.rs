//! Times as people read them, one way everywhere: `m:ss` (`1:05`), minutes
//! not padded, optionally with tenths (`1:05.3`).

/// `t` seconds as `m:ss`, rounded to the second; a negative or non-finite
/// time reads `0:00`.
pub fn clock(t: f64) -> String {
    clock_with(t, false)
}

/// `t` seconds as `m:ss`, or as `m:ss.s` (rounded to the tenth) when `tenths`.
pub fn clock_with(t: f64, tenths: bool) -> String {
    let t = if t.is_finite() { t.max(0.0) } else { 0.0 };
    if tenths {
        let d = (t * 10.0).round() as u64;
        format!("{}:{:02}.{}", d / 600, (d / 10) % 60, d % 10)
    } else {
        let s = t.round() as u64;
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// `ms` milliseconds as `m:ss`, counting whole seconds passed (a timer
/// reads `0:59` until the minute is full).
pub fn clock_ms(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_as_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(73.4), "1:13");
        assert_eq!(clock(3725.0), "62:05");
        assert_eq!(clock_with(73.44, true), "1:13.4");
        assert_eq!(clock(f64::NAN), "0:00");
        assert_eq!(clock(-3.0), "0:00");
        assert_eq!(clock_ms(59_999), "0:59");
        assert_eq!(clock_ms(65_000), "1:05");
    }
}
