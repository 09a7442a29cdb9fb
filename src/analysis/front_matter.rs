//! YAML front matter: a `---` line at the very start of the file, a non-blank line after it,
//! and everything up to the next line that is `---` or `...`. Jekyll, Hugo, Docusaurus and
//! GitHub's renderer read it as metadata, so tickmark does too: it is neither a section nor
//! items, and its `last_updated:` (or `updated:`, `date:` …) is the document's date field.
//!
//! The delimiters are those of pulldown-cmark's metadata blocks. pulldown-cmark's own option
//! is not used: it also opens a metadata block at any `---` line later in the document that a
//! text line follows, which swallows the section under a thematic break.

use super::model::DateField;
use super::parse::parse_date;
use super::text::TextRange;

/// Keys whose date is when the document was last revised, most telling first: the first
/// one found is the date field.
const UPDATED_KEYS: &[&str] = &[
    "last_updated",
    "last-updated",
    "lastupdated",
    "updated",
    "last_modified",
    "last-modified",
    "last_modified_at",
    "lastmod",
];

/// Read only when no key of [`UPDATED_KEYS`] is there: many sites write the date a page was
/// first published under `date:`.
const FALLBACK_KEY: &str = "date";

/// Where the front matter at the start of `text` ends (after its closing line), or `None`
/// when the text has none.
///
/// A blank line right after the opening `---` (spec-kit's templates write one) is read too,
/// when every line up to the closing one looks like YAML (`key: value`, `- entry`, indented
/// lines): a document that starts with a thematic break and a blank line is Markdown, and a
/// heading or a paragraph before the next `---` shows it.
pub fn front_matter_end(text: &str) -> Option<usize> {
    let mut lines = lines_from(text, 0).peekable();
    let (_, first) = lines.next()?;
    if !is_opening(first) {
        return None;
    }
    let &(_, second) = lines.peek()?;
    if is_closing(second) {
        return None;
    }
    let strict = !is_blank(second);
    let mut keys = false;
    for (start, line) in lines {
        if is_closing(line) {
            return (strict || keys).then_some(start + line.len());
        }
        if !strict && !is_blank(line) {
            if !looks_like_yaml(line) {
                return None;
            }
            keys |= !line.starts_with([' ', '\t', '-']);
        }
    }
    None
}

/// True when `text` starts the way front matter does (a `---` line, then a non-blank line
/// that does not close it), closed or not: a `---` line added anywhere below would make
/// everything up to it front matter. (After a blank line, only lines that look like YAML
/// can be front matter, and a section's heading does not, so no `---` typed in a later
/// section can close it.)
pub fn opens_front_matter(text: &str) -> bool {
    let mut lines = lines_from(text, 0);
    matches!(
        (lines.next(), lines.next()),
        (Some((_, first)), Some((_, second)))
            if is_opening(first) && !is_blank(second) && !is_closing(second)
    )
}

/// `key: value`, `key:`, `- entry` or an indented line; never a heading or a comment.
fn looks_like_yaml(line: &str) -> bool {
    if line.starts_with([' ', '\t']) || line.starts_with("- ") {
        return true;
    }
    let Some(colon) = memchr::memchr(b':', line.as_bytes()) else {
        return false;
    };
    let key = &line[..colon];
    let after = &line[colon + 1..];
    key.starts_with(|c: char| c.is_alphanumeric() || matches!(c, '_' | '"' | '\''))
        && !key.contains('#')
        && (after.is_empty() || after.starts_with([' ', '\t', '\r', '\n']))
}

/// The date field of the front matter in `range`: the value of the first key of
/// [`UPDATED_KEYS`], else of `date:`, when it starts with a date (quotes are not part of it).
pub fn read_date(text: &str, range: TextRange) -> Option<DateField> {
    let mut fallback = None;
    let mut best: Option<(usize, DateField)> = None;
    for (start, line) in lines_from(&text[range.as_range()], range.start) {
        let Some((key, value)) = key_value(line, start) else {
            continue;
        };
        let rank = UPDATED_KEYS
            .iter()
            .position(|k| k.eq_ignore_ascii_case(key));
        if rank.is_none() && !key.eq_ignore_ascii_case(FALLBACK_KEY) {
            continue;
        }
        let Some(field) = date_at(text, value) else {
            continue;
        };
        match rank {
            Some(rank) if best.as_ref().is_none_or(|(r, _)| rank < *r) => {
                best = Some((rank, field));
            }
            Some(_) => {}
            None => {
                fallback.get_or_insert(field);
            }
        }
    }
    best.map(|(_, field)| field).or(fallback)
}

/// `key: value` on an unindented line: the key and where the value starts.
fn key_value(line: &str, start: usize) -> Option<(&str, usize)> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let colon = memchr::memchr(b':', line.as_bytes())?;
    let key = line[..colon].trim_end();
    let rest = &line[colon + 1..];
    if key.is_empty() || !rest.is_empty() && !rest.starts_with([' ', '\t', '\r', '\n']) {
        return None;
    }
    let value = colon + 1 + (rest.len() - rest.trim_start().len());
    Some((key, start + value))
}

/// A date at `at`, inside quotes or not.
fn date_at(text: &str, at: usize) -> Option<DateField> {
    let rest = &text[at..];
    let value = match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next().map(|v| (1, v)),
        _ => Some((0, &rest[..super::text::line_end(rest.as_bytes(), 0)])),
    };
    let (skip, value) = value?;
    let at = at + skip;
    let (date, len, style) = parse_date(value)?;
    Some(DateField {
        range: TextRange::new(at, at + len),
        date,
        style,
        generic: false,
    })
}

/// The lines of `text` with their terminators, each with its offset plus `base`.
fn lines_from(text: &str, base: usize) -> impl Iterator<Item = (usize, &str)> + '_ {
    super::text::lines_inclusive(text).scan(base, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line))
    })
}

/// `---` and nothing but white space after it.
fn is_opening(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| !rest.starts_with('-') && rest.bytes().all(|b| b.is_ascii_whitespace()))
}

/// `---` or `...` at the start of the line, then only spaces.
fn is_closing(line: &str) -> bool {
    let rest = line
        .strip_prefix("---")
        .or_else(|| line.strip_prefix("..."))
        .map(|rest| rest.trim_start_matches(' '));
    matches!(rest, Some("" | "\n" | "\r\n" | "\r"))
}

fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_closed_by_dashes_or_dots() {
        assert_eq!(front_matter_end("---\ntitle: x\n---\n# A\n"), Some(17));
        assert_eq!(front_matter_end("---\ntitle: x\n...\nrest"), Some(17));
        assert_eq!(front_matter_end("---  \r\ntitle: x\r\n---\r\n"), Some(22));
        assert_eq!(front_matter_end("---\ntitle: x\n---"), Some(16));
    }

    #[test]
    fn a_blank_line_after_the_opening_when_the_rest_is_yaml() {
        let text = "---\n\ndescription: \"Task list\"\ntags:\n  - a\n- b\n---\n# Tasks\n";
        assert_eq!(front_matter_end(text), text.find("# Tasks"));
        assert_eq!(front_matter_end("---\n\ntitle: x\n---\n"), Some(18));
        for text in [
            // A thematic break, a heading, a list, then a thematic break.
            "---\n\n# Roadmap\n- [ ] a\n---\n",
            // A paragraph, or only list entries (no key).
            "---\n\nSome text: here and more\nplain words\n---\n",
            "---\n\n- [ ] a\n---\n",
            "---\n\n---\n",
        ] {
            assert_eq!(front_matter_end(text), None, "{text:?}");
            assert!(!opens_front_matter(text));
        }
    }

    #[test]
    fn what_is_not_front_matter() {
        // Not at the very start, a closing second line, no closing line, more dashes.
        assert_eq!(front_matter_end("\n---\ntitle: x\n---\n"), None);
        assert_eq!(front_matter_end("---\n---\n"), None);
        assert_eq!(front_matter_end("---\ntitle: x\n"), None);
        assert_eq!(front_matter_end("----\ntitle: x\n----\n"), None);
        assert_eq!(front_matter_end("--- x\ntitle: x\n---\n"), None);
        assert_eq!(front_matter_end("---\ntitle: x\n----\n"), None);
        assert!(opens_front_matter("---\ntitle: x\n"));
        assert!(!opens_front_matter("---\n\n# A\n"));
        assert!(!opens_front_matter("# A\n---\ntitle: x\n---\n"));
    }

    #[test]
    fn the_date_field_prefers_the_last_update() {
        let text = "---\ndate: 2023-01-02\ntitle: Plan\nlast_updated: '2024-12-29'\n---\n";
        let end = front_matter_end(text).unwrap();
        let field = read_date(text, TextRange::new(0, end)).unwrap();
        assert_eq!(&text[field.range.as_range()], "2024-12-29");
        assert_eq!(field.date, jiff::civil::date(2024, 12, 29));

        let text = "---\nDate: \"January 7, 2026\"\n---\n";
        let field = read_date(text, TextRange::new(0, text.len())).unwrap();
        assert_eq!(&text[field.range.as_range()], "January 7, 2026");

        let text = "---\nupdated: 2024-05-01T10:00:00Z\nlast-updated: soon\n---\n";
        let field = read_date(text, TextRange::new(0, text.len())).unwrap();
        assert_eq!(&text[field.range.as_range()], "2024-05-01");
    }

    #[test]
    fn other_keys_and_nested_values_are_no_date() {
        for text in [
            "---\ncreated: 2024-01-01\n---\n",
            "---\nmeta:\n  updated: 2024-01-01\n---\n",
            "---\nlast_updated: 2026-03\n---\n",
            "---\ndate:2024-01-01\n---\n",
        ] {
            assert_eq!(
                read_date(text, TextRange::new(0, text.len())),
                None,
                "{text}"
            );
        }
    }
}
