//! Text normalisation for comparing two items (SPEC §1): drop the list marker, task box,
//! priority tags, emphasis/code/link syntax (keeping link text), emoji and surrounding
//! punctuation; fold case and collapse white space. `**API Documentation**` and
//! `API documentation.` have the same key.

use super::parse::priority_tag_at;

/// The comparison key of an item's text (the text after marker and box).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// [`normalize`] into `out` (cleared first), so a caller keying many items can reuse one
/// buffer.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b'[' => {
                    if let Some((len, _)) = priority_tag_at(text, i) {
                        i += len;
                        continue;
                    }
                }
                // Link destination: skip `(…)` right after `]`.
                b']' if bytes.get(i + 1) == Some(&b'(') => {
                    i = text[i + 2..]
                        .find(')')
                        .map_or(text.len(), |p| i + 2 + p + 1);
                    continue;
                }
                b'*' | b'`' | b'~' => {}
                b'_' => {
                    let prev = text[..i].chars().next_back();
                    let next = text[i + 1..].chars().next();
                    if prev.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric)
                    {
                        out.push('_');
                    }
                }
                b' ' | b'\t' | b'\n' | b'\r' | 0x0C => push_space(out),
                _ => out.push(b.to_ascii_lowercase() as char),
            }
            i += 1;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        i += ch.len_utf8();
        if is_emoji(ch) {
            continue;
        }
        if ch.is_whitespace() {
            push_space(out);
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    let not_word = |c: char| !c.is_alphanumeric();
    let end = out.trim_end_matches(not_word).len();
    out.truncate(end);
    let start = out.len() - out.trim_start_matches(not_word).len();
    out.drain(..start);
}

/// Appends one space unless the key is empty or already ends in one (white space collapses).
fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Emoji, pictographs, dingbats, and the joiners and selectors that combine them.
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
        | 0xFE00..=0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F | 0x2190..=0x21FF
        | 0x25A0..=0x25FF | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x2122 | 0x2139
    )
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[track_caller]
    fn same(a: &str, b: &str) {
        assert_eq!(normalize(a), normalize(b), "{a:?} vs {b:?}");
    }

    #[test]
    fn spec_examples_are_equal() {
        same("**API Documentation**", "API documentation.");
        same("[P1] Add rate limiting", "Add  rate limiting");
        same("✅ Ship `v2` [docs](./docs.md)", "ship v2 docs");
        same("⏫ Fix login", "fix login!");
        assert_eq!(normalize("**API Documentation**"), "api documentation");
        assert_eq!(normalize("snake_case _emph_"), "snake_case emph");
    }

    #[test]
    fn different_items_differ() {
        assert_ne!(
            normalize("Rate limiting"),
            normalize("Rate limiting (express-rate-limit)")
        );
        assert_eq!(normalize("🔴"), "");
    }
}
