//! `--since` and `--until` values: a duration back from now (`90s`, `10m`, `2h30m`, `1d`) or an
//! RFC 3339 time (`2026-11-23T10:00:00Z`).

use super::Timestamp;

/// A point in time from `now`, or an explanation of what is accepted.
pub fn parse_when(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(Timestamp(ts.as_millisecond()));
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut units = 0;
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().map_err(|_| explain(t))?;
        digits.clear();
        let secs = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(explain(t)),
        };
        total =
            total.checked_add(n.checked_mul(secs).ok_or_else(|| explain(t))?).ok_or_else(|| explain(t))?;
        units += 1;
    }
    if !digits.is_empty() || units == 0 {
        return Err(explain(t));
    }
    // CloudWatch keeps logs ten years at most: further back is a typo, not a question.
    if total > TEN_YEARS {
        return Err(format!("'{t}' is more than ten years back, older than any log CloudWatch keeps"));
    }
    Ok(now.plus_secs(-total))
}

const TEN_YEARS: i64 = 10 * 366 * 86_400;

fn explain(text: &str) -> String {
    format!(
        "'{text}' is not a time: use a duration such as 90s, 10m, 2h30m or 1d, or an RFC 3339 time such as 2026-11-23T10:00:00Z"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_795_000_000_000);

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(parse_when("10m", NOW), Ok(NOW.plus_secs(-600)));
        assert_eq!(parse_when("2h30m", NOW), Ok(NOW.plus_secs(-9000)));
        assert_eq!(parse_when("1d", NOW), Ok(NOW.plus_secs(-86_400)));
        assert_eq!(parse_when(" 90s ", NOW), Ok(NOW.plus_secs(-90)));
    }

    #[test]
    fn rfc3339_times_are_absolute() {
        assert_eq!(parse_when("2026-11-18T11:06:40Z", NOW), Ok(NOW));
        assert_eq!(parse_when("2026-11-18T12:06:40+01:00", NOW), Ok(NOW));
    }

    #[test]
    fn nonsense_is_explained() {
        for bad in ["", "10", "m", "10x", "yesterday", "99999999999999999999h"] {
            let err = parse_when(bad, NOW).expect_err(bad);
            assert!(err.contains("use a duration such as 90s"), "{err}");
        }
    }

    #[test]
    fn nonsense_durations_are_refused_not_wrapped() {
        for t in ["10000000000000000s", "99999999999999999999s", "3700d", "600w"] {
            assert!(parse_when(t, NOW).is_err(), "{t}");
        }
        assert!(parse_when("3650d", NOW).is_ok());
        assert_eq!(Timestamp(i64::MAX).plus_secs(10), Timestamp(i64::MAX));
    }
}
