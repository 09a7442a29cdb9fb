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
    let mut bytes = std::mem::take(out).into_bytes();
    bytes.clear();
    push_key(text, &mut bytes);
    *out = String::from_utf8(bytes).expect("a key of UTF-8 text is UTF-8");
}

/// Bytes that need more than lower-casing: syntax, white space and non-ASCII.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b >= 0x80
            || matches!(
                b as u8,
                b'[' | b']' | b'*' | b'`' | b'~' | b'_' | b' ' | b'\t' | b'\n' | b'\r' | 0x0C
            );
        b += 1;
    }
    table
};

/// Appends the key of `text` to `out` as UTF-8; the key is `out[base..]` where `base` is the
/// length of `out` on entry (what comes before is never read), so many keys can share one
/// buffer.
pub(crate) fn push_key(text: &str, out: &mut Vec<u8>) {
    let base = out.len();
    let bytes = text.as_bytes();
    out.reserve(bytes.len());
    let mut ascii = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[usize::from(b)] {
            // A run of plain ASCII, single spaces between its words included, is copied
            // and lowercased whole: most item text is such a run.
            let start = i;
            i += 1;
            loop {
                match bytes.get(i) {
                    Some(&c) if !SPECIAL[usize::from(c)] => i += 1,
                    Some(b' ') if bytes.get(i + 1).is_some_and(|&c| !SPECIAL[usize::from(c)]) => {
                        i += 2;
                    }
                    _ => break,
                }
            }
            let at = out.len();
            out.extend_from_slice(&bytes[start..i]);
            out[at..].make_ascii_lowercase();
            continue;
        }
        if b < 0x80 {
            match b {
                // A priority tag is dropped whole, any other `[` alone.
                b'[' => {
                    if let Some((len, _)) = priority_tag_at(text, i) {
                        i += len;
                        continue;
                    }
                }
                // Link destination: skip `(…)` right after `]`.
                b']' if bytes.get(i + 1) == Some(&b'(') => {
                    i = memchr::memchr(b')', &bytes[i + 2..]).map_or(text.len(), |p| i + 2 + p + 1);
                    continue;
                }
                b']' => out.push(b']'),
                b'*' | b'`' | b'~' => {}
                b'_' => {
                    let prev = text[..i].chars().next_back();
                    let next = text[i + 1..].chars().next();
                    if prev.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric)
                    {
                        out.push(b'_');
                    }
                }
                _ => push_space(out, base),
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
            push_space(out, base);
        } else {
            ascii = false;
            let mut utf8 = [0u8; 4];
            for lower in ch.to_lowercase() {
                out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
    // Punctuation at either end is dropped (for ASCII, a character is a byte).
    let (end, lead) = if ascii {
        let key = &out[base..];
        let end = key
            .iter()
            .rposition(u8::is_ascii_alphanumeric)
            .map_or(0, |p| p + 1);
        let lead = key[..end]
            .iter()
            .position(u8::is_ascii_alphanumeric)
            .unwrap_or(end);
        (end, lead)
    } else {
        let key = std::str::from_utf8(&out[base..]).expect("a key of UTF-8 text is UTF-8");
        let not_word = |c: char| !c.is_alphanumeric();
        let end = key.trim_end_matches(not_word).len();
        (end, end - key[..end].trim_start_matches(not_word).len())
    };
    out.truncate(base + end);
    if lead > 0 {
        out.drain(base..base + lead);
    }
}

/// Appends one space unless the key (`out[base..]`) is empty or already ends in one (white
/// space collapses).
fn push_space(out: &mut Vec<u8>, base: usize) {
    if out.len() > base && out.last() != Some(&b' ') {
        out.push(b' ');
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
    fn runs_of_plain_text_end_where_white_space_or_markup_starts() {
        for (text, key) in [
            ("Add Rate Limiting", "add rate limiting"),
            ("Add  Rate\tLimiting ", "add rate limiting"),
            ("Add \u{a0}Rate", "add rate"),
            ("Add *Rate* Limiting", "add rate limiting"),
            ("Add [P1] rate", "add rate"),
            ("a_b A_ _B", "a_b a b"),
            ("Go ✅ Now", "go now"),
            ("Éclair Crème", "éclair crème"),
            ("x", "x"),
            (" x ", "x"),
        ] {
            assert_eq!(normalize(text), key, "{text:?}");
        }
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
