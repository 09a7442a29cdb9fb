//! Date fields: a label such as Last Updated, a colon, and a date, written in the shapes
//! roadmaps use: `**Last Updated:** 2025-01-15`, `**Last Updated**: 2025-01-15`,
//! `*Last updated: December 29, 2024*`, `> Last updated: …`, `- Updated: January 7, 2026`,
//! and inside a line after a separator: `Version 2.1 | Last Updated: 2026-07-24`. Front
//! matter keys are read in [`super::front_matter`].

use super::model::{DateField, DateStyle};
use super::parse::marker_len;
use super::text::TextRange;

/// The labels of a date field, at the start of a line or inside one, after a
/// [`SEPARATORS`] character.
const LABELS: &[&str] = &[
    "last updated",
    "updated",
    "last update",
    "last modified",
    "modified",
    "last revised",
    "revised",
    "last reviewed",
];

/// Labels read only at the start of a line: inside a line they name other dates
/// (`Release | Date: …`), and under a section too (see [`DateField::generic`]).
const GENERIC_LABELS: &[&str] = &["date", "as of"];

/// What separates a date label from what comes before it on the line.
const SEPARATORS: &[char] = &['|', '·', '•', '—', '–', '(', ';'];

/// How far after the label's start its colon may be, in bytes.
const LABEL_REACH: usize = 40;

/// The date field on the line `range` (from its content, after indentation and `>`): a
/// label at the start, the list marker skipped, else, outside list items and table rows, a
/// label after a separator. The range is the date alone.
pub(super) fn read_date_field(text: &str, range: TextRange) -> Option<DateField> {
    let line = &text[range.as_range()];
    let mut s = line;
    let mut list_item = false;
    if let Some(n) = marker_len(s) {
        if s[n..].starts_with(' ') {
            s = s[n..].trim_start();
            list_item = true;
        }
    }
    let base = range.start + (line.len() - s.len());
    if let Some(field) = labelled_date(text, base, true) {
        return Some(field);
    }
    // An item's or a table row's own dates are not the document's.
    if list_item || s.starts_with('|') {
        return None;
    }
    s.char_indices()
        .filter(|&(_, c)| SEPARATORS.contains(&c))
        .find_map(|(p, c)| labelled_date(text, base + p + c.len_utf8(), false))
        .filter(|field| field.range.end <= range.end)
}

/// `Label: date` at `at` (emphasis and spaces around the label allowed), the label one of
/// [`LABELS`], or one of [`GENERIC_LABELS`] when `generic` ones are read here.
fn labelled_date(text: &str, at: usize, generic: bool) -> Option<DateField> {
    let line_end = super::text::line_end(text.as_bytes(), at);
    let bytes = &text.as_bytes()[at..line_end];
    let colon = memchr::memchr(b':', &bytes[..bytes.len().min(LABEL_REACH)])?;
    // Trimmed byte by byte: the three are ASCII, never part of another character.
    let label = &bytes[..colon];
    let trim = |b: &u8| matches!(b, b'*' | b'_' | b' ');
    let from = label.iter().position(|b| !trim(b)).unwrap_or(label.len());
    let to = label.iter().rposition(|b| !trim(b)).map_or(from, |p| p + 1);
    let label = &label[from..to];
    let is = |list: &[&str]| {
        list.iter()
            .any(|l| l.as_bytes().eq_ignore_ascii_case(label))
    };
    let generic_label = is(GENERIC_LABELS);
    if !(is(LABELS) || generic && generic_label) {
        return None;
    }
    let after = &text[at + colon + 1..line_end];
    let value = after.trim_start_matches(['*', '_']).trim_start();
    let start = line_end - after.len() + (after.len() - value.len());
    let (date, len, style) = parse_date(value)?;
    Some(DateField {
        range: TextRange::new(start, start + len),
        date,
        style,
        generic: generic_label,
    })
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parses a date at the start of `s`: `2025-01-15`, `2025/01/15`, `January 7, 2026`,
/// `Jan 7 2026`, `7 January 2026`. Returns the date, its length and its style. What follows
/// the year (`*`, `.`, `)`) is not part of the date.
pub fn parse_date(s: &str) -> Option<(jiff::civil::Date, usize, DateStyle)> {
    let b = s.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4] == b'-' || b[4] == b'/')
        && b[7] == b[4]
        && b[5..7].iter().chain(&b[8..10]).all(u8::is_ascii_digit)
    {
        let year: i16 = s[..4].parse().ok()?;
        let month: i8 = s[5..7].parse().ok()?;
        let day: i8 = s[8..10].parse().ok()?;
        let style = if b[4] == b'-' {
            DateStyle::Iso
        } else {
            DateStyle::Slashes
        };
        return Some((jiff::civil::Date::new(year, month, day).ok()?, 10, style));
    }
    let words: Vec<(usize, &str)> = s
        .split_inclusive([' ', ','])
        .scan(0usize, |pos, w| {
            let start = *pos;
            *pos += w.len();
            Some((start, w.trim_end_matches([' ', ','])))
        })
        .filter(|(_, w)| !w.is_empty())
        .take(3)
        .collect();
    if words.len() < 3 {
        return None;
    }
    let month_of = |w: &str| {
        let w = w.trim_end_matches('.').to_lowercase();
        (w.len() >= 3)
            .then(|| MONTHS.iter().position(|m| m.starts_with(&w)))
            .flatten()
            .map(|p| p as i8 + 1)
    };
    let day_of = |w: &str| {
        w.trim_end_matches(|c: char| c.is_alphabetic())
            .parse::<i8>()
            .ok()
    };
    let (year, year_len) = year_of(words[2].1)?;
    let date = if let (Some(m), Some(d)) = (month_of(words[0].1), day_of(words[1].1)) {
        (
            jiff::civil::Date::new(year, m, d).ok()?,
            DateStyle::MonthDayYear,
        )
    } else if let (Some(d), Some(m)) = (day_of(words[0].1), month_of(words[1].1)) {
        (
            jiff::civil::Date::new(year, m, d).ok()?,
            DateStyle::DayMonthYear,
        )
    } else {
        return None;
    };
    Some((date.0, words[2].0 + year_len, date.1))
}

/// A year of four digits at the start of a word, and its length: `2024`, `2024*`, `2024.`;
/// not `20245` or `2024th`.
fn year_of(word: &str) -> Option<(i16, usize)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &word[digits..];
    if digits != 4 || rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some((word[..4].parse().ok()?, 4))
}

/// Formats `date` in the given style (for rewriting a stale date).
pub fn format_date(date: jiff::civil::Date, style: DateStyle) -> String {
    let month = MONTHS[usize::from(date.month().unsigned_abs()) - 1];
    let month = format!("{}{}", month[..1].to_uppercase(), &month[1..]);
    match style {
        DateStyle::Iso => format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
        DateStyle::Slashes => format!("{:04}/{:02}/{:02}", date.year(), date.month(), date.day()),
        DateStyle::MonthDayYear => format!("{month} {}, {}", date.day(), date.year()),
        DateStyle::DayMonthYear => format!("{} {month} {}", date.day(), date.year()),
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::parse::parse;
    use crate::analysis::BoxStates;

    /// Each date field of `text`: the date as written and the date read.
    fn dates(text: &str) -> Vec<(&str, String)> {
        parse(text, &BoxStates::default())
            .dates
            .iter()
            .map(|d| (&text[d.range.as_range()], d.date.to_string()))
            .collect()
    }

    #[test]
    fn the_common_shapes() {
        for (line, written) in [
            ("**Last Updated:** 2025-01-15", "2025-01-15"),
            ("**Last Updated**: 2025-01-15", "2025-01-15"),
            ("*Last updated: December 29, 2024*", "December 29, 2024"),
            ("_Last Updated: 2024-12-29_", "2024-12-29"),
            ("__Last Revised:__ 29 December 2024", "29 December 2024"),
            ("> Last updated: June 29, 2025", "June 29, 2025"),
            (
                "> **Status: ACTIVE** | Last updated: 2025-07-05  ",
                "2025-07-05",
            ),
            ("Version 2.1 | Last Updated: 2026-07-24", "2026-07-24"),
            ("*Version 2.3.0 | Last Updated: 2025-12-18*", "2025-12-18"),
            ("# Roadmap (updated: Jan 5, 2026)", "Jan 5, 2026"),
            ("- Updated: January 7, 2026", "January 7, 2026"),
            ("Date: 2024-03-01", "2024-03-01"),
            ("**Last Modified**: 2026-04-27T03:01:03Z", "2026-04-27"),
            (
                "*Last updated: 2026-03-28 — traceability populated*",
                "2026-03-28",
            ),
        ] {
            let text = format!("{line}\n");
            let found = dates(&text);
            assert_eq!(found.len(), 1, "{line}");
            assert_eq!(found[0].0, written, "{line}");
        }
    }

    #[test]
    fn what_is_no_date_field() {
        for line in [
            // `Date` inside a line, or not the whole label.
            "Release v2 | Date: 2024-03-01",
            "Due Date: 2024-03-01",
            // A label inside a sentence, a list item's or a table row's own date.
            "The API was updated: 2024-01-01 brought breaking changes",
            "- [ ] Fix login | Updated: 2024-01-01",
            "| Search | Updated: 2024-01-01 |",
            // No day, or no date.
            "*Last Updated: May 2026*",
            "*Last Updated: 2024 | Version: 1.0.0 | Status: LIVE*",
            "Last updated: soon",
            "Last updated: January 7, 20256",
            // In code.
            "`Version 2 | Last Updated: 2026-07-24`",
            "Run `tickmark --since | Last Updated: 2026-07-24` to see",
        ] {
            assert_eq!(dates(&format!("{line}\n")), [], "{line}");
        }
    }

    #[test]
    fn the_date_alone_is_replaced() {
        let text = "*Last updated: December 29, 2024*\n";
        let doc = parse(text, &BoxStates::default());
        let field = &doc.dates[0];
        assert_eq!(field.range.end, text.len() - 2);
    }
}
