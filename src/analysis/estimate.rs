//! Effort estimates from fields labelled Time, Estimate or Effort: `2-3 hours`, `30 minutes`,
//! `1 week`, `2+ weeks`. A range in hours (1 d = 8 h, 1 w = 5 d).

use super::model::{Document, Estimate, Item};

/// Labels whose values are estimates (compared case-insensitively).
pub const ESTIMATE_LABELS: &[&str] = &[
    "time",
    "estimate",
    "effort",
    "estimated time",
    "time estimate",
];

/// Parses the first number or range followed by a unit: `2-3 hours`, `30 mins`,
/// `Ongoing (1-2 hours per feature)`. `None` when there is no number with a unit.
pub fn parse_estimate(value: &str) -> Option<Estimate> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (low, after_low) = number(value, i);
        let mut j = skip_spaces(bytes, after_low);
        let mut high = low;
        if j < bytes.len() && (bytes[j] == b'-' || value[j..].starts_with('–') || bytes[j] == b'+')
        {
            let plus = bytes[j] == b'+';
            j += if bytes[j] == b'-' || plus {
                1
            } else {
                '–'.len_utf8()
            };
            j = skip_spaces(bytes, j);
            if !plus && j < bytes.len() && bytes[j].is_ascii_digit() {
                let (h, after) = number(value, j);
                high = h;
                j = skip_spaces(bytes, after);
            }
        } else if value[j..].starts_with("to ") {
            let k = skip_spaces(bytes, j + 3);
            if k < bytes.len() && bytes[k].is_ascii_digit() {
                let (h, after) = number(value, k);
                high = h;
                j = skip_spaces(bytes, after);
            }
        }
        // The unit word, lower-cased on the stack: no unit is longer than `minutes`.
        let word_len = bytes[j..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let mut word = [0u8; 7];
        let hours = if word_len <= word.len() {
            word[..word_len].copy_from_slice(&bytes[j..j + word_len]);
            word.make_ascii_lowercase();
            std::str::from_utf8(&word[..word_len])
                .ok()
                .and_then(unit_hours)
        } else {
            None
        };
        if let Some(hours) = hours {
            return Some(Estimate {
                low: low * hours,
                high: high.max(low) * hours,
            });
        }
        i = after_low.max(i + 1);
    }
    None
}

/// Sums the estimate fields of the items that `include` accepts, or `None` when none has one.
pub fn sum_estimates(doc: &Document, include: impl Fn(&Item) -> bool) -> Option<Estimate> {
    let mut total: Option<Estimate> = None;
    for item in &doc.items {
        if let Some(est) = doc.field(item).and_then(|f| f.estimate) {
            if include(item) {
                let t = total.get_or_insert_with(Estimate::default);
                t.low += est.low;
                t.high += est.high;
            }
        }
    }
    total
}

/// `2–3 h`, `1 h`, `2–3 d` for a hover or a table.
pub fn format_estimate(est: Estimate) -> String {
    let (low, high, unit) = if est.low >= 40.0 && est.high >= 40.0 {
        (est.low / 8.0, est.high / 8.0, "d")
    } else {
        (est.low, est.high, "h")
    };
    if (high - low).abs() < f64::EPSILON {
        format!("{} {unit}", trim_number(low))
    } else {
        format!("{}–{} {unit}", trim_number(low), trim_number(high))
    }
}

fn trim_number(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

fn number(s: &str, start: usize) -> (f64, usize) {
    let bytes = s.as_bytes();
    let mut end = start;
    while end < bytes.len()
        && (bytes[end].is_ascii_digit()
            || (bytes[end] == b'.' && end + 1 < bytes.len() && bytes[end + 1].is_ascii_digit()))
    {
        end += 1;
    }
    let written = &bytes[start..end];
    // Whole numbers (almost all estimates) without the float parser; exact below 2^53.
    if written.len() <= 15 && written.iter().all(u8::is_ascii_digit) {
        let whole = written
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        #[allow(clippy::cast_precision_loss)]
        return (whole as f64, end);
    }
    (s[start..end].parse().unwrap_or(0.0), end)
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    i
}

fn unit_hours(word: &str) -> Option<f64> {
    Some(match word {
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0 / 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 1.0,
        "d" | "day" | "days" => 8.0,
        "w" | "wk" | "wks" | "week" | "weeks" => 40.0,
        "month" | "months" => 160.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Option<(f64, f64)>) {
        let got = parse_estimate(input).map(|e| (e.low, e.high));
        assert_eq!(got, expected, "{input}");
    }

    #[test]
    fn estimates_from_the_seeds() {
        check("2-3 hours", Some((2.0, 3.0)));
        check("1 hour", Some((1.0, 1.0)));
        check("30 minutes", Some((0.5, 0.5)));
        check("2-3 weeks", Some((80.0, 120.0)));
        check("1 week", Some((40.0, 40.0)));
        check("2+ weeks", Some((80.0, 80.0)));
        check("Ongoing (1-2 hours per feature)", Some((1.0, 2.0)));
        check("4–5 days", Some((32.0, 40.0)));
        check("Weeks/months (optional learning)", None);
        check("v2 soon", None);
    }

    #[test]
    fn formatting_picks_a_readable_unit() {
        assert_eq!(
            format_estimate(Estimate {
                low: 2.0,
                high: 3.5
            }),
            "2–3.5 h"
        );
        assert_eq!(
            format_estimate(Estimate {
                low: 80.0,
                high: 120.0
            }),
            "10–15 d"
        );
        assert_eq!(
            format_estimate(Estimate {
                low: 1.0,
                high: 1.0
            }),
            "1 h"
        );
    }
}
