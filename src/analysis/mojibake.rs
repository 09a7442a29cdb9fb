//! Mojibake: UTF-8 bytes that were decoded as Windows-1252 or Mac Roman and saved again, so
//! `✅` became `âœ…` (Windows-1252) or `‚úÖ` (Mac Roman).
//!
//! Detection maps each non-ASCII character of a run back to the byte it would have been in
//! one of those code pages and looks for complete UTF-8 sequences in the result. Plain
//! accented text (`é`, `Größe`) never forms one, so it is left alone.

use std::borrow::Cow;

use super::text::TextRange;

/// The code page the UTF-8 bytes were wrongly read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misread {
    Windows1252,
    MacRoman,
}

impl Misread {
    pub const fn name(self) -> &'static str {
        match self {
            Misread::Windows1252 => "Windows-1252",
            Misread::MacRoman => "Mac Roman",
        }
    }
}

/// One damaged run of text and what it should read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub range: TextRange,
    pub repaired: String,
    pub misread: Misread,
}

/// Finds every damaged run in `text`; ranges are offsets into `text`.
pub fn find(text: &str) -> Vec<Damage> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i = next_non_ascii(bytes, i);
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] >= 0x80 {
            i += 1;
        }
        find_in_run(&text[start..i], start, &mut out);
    }
    out
}

/// The first non-ASCII byte at or after `from`, or the end: eight bytes at a time, as most of
/// a roadmap is ASCII.
fn next_non_ascii(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// `text` with every damaged run repaired.
pub fn repair(text: &str) -> Cow<'_, str> {
    let damage = find(text);
    if damage.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for d in damage {
        out.push_str(&text[cursor..d.range.start]);
        out.push_str(&d.repaired);
        cursor = d.range.end;
    }
    out.push_str(&text[cursor..]);
    Cow::Owned(out)
}

/// Looks for damage in a run of non-ASCII characters, trying Windows-1252 first.
fn find_in_run(run: &str, base: usize, out: &mut Vec<Damage>) {
    // Damage starts with a character standing for a UTF-8 lead byte (0xC2..=0xF4) in one of
    // the code pages; runs of correct emoji or accents have none and are skipped cheaply.
    // Both code pages stand for their bytes with characters of the Basic Multilingual Plane:
    // an emoji beyond it is never one.
    let lead = |c: char| {
        (c as u32) < 0x1_0000
            && (cp1252_byte(c).is_some_and(|b| (0xC2..=0xF4).contains(&b))
                || mac_roman_byte(c).is_some_and(|b| (0xC2..=0xF4).contains(&b)))
    };
    if run.chars().nth(1).is_none() || !run.chars().any(lead) {
        return;
    }
    let before = out.len();
    scan(run, base, Misread::Windows1252, out);
    if out.len() == before {
        scan(run, base, Misread::MacRoman, out);
    }
}

fn scan(run: &str, base: usize, misread: Misread, out: &mut Vec<Damage>) {
    // (byte offset in run, byte it encodes) for each char; None breaks the sequence.
    let chars: Vec<(usize, Option<u8>, usize)> = run
        .char_indices()
        .map(|(i, c)| {
            let b = match misread {
                Misread::Windows1252 => cp1252_byte(c),
                Misread::MacRoman => mac_roman_byte(c),
            };
            (i, b, c.len_utf8())
        })
        .collect();
    let mut k = 0;
    while k < chars.len() {
        // Try to read consecutive complete UTF-8 sequences starting at char k.
        let mut j = k;
        let mut decoded = String::new();
        while let Some((ch, used)) = decode_seq(&chars[j..]) {
            if misread == Misread::MacRoman && used == 2 && !is_latin(ch) {
                // Two Mac Roman characters that decode to Cyrillic, Greek or Hebrew are
                // punctuation and accents of correct text far more often than damage:
                // `–§` (an en dash before a section sign) would be `Ф`, `“é` would be `Ҏ`.
                break;
            }
            decoded.push(ch);
            j += used;
        }
        if j > k {
            let start = base + chars[k].0;
            let end = base + chars[j - 1].0 + chars[j - 1].2;
            out.push(Damage {
                range: TextRange::new(start, end),
                repaired: decoded,
                misread,
            });
            k = j;
        } else {
            k += 1;
        }
    }
}

/// Latin-1 Supplement and Latin Extended-A and -B: the accented letters that two-byte
/// damage of Western text stands for.
fn is_latin(ch: char) -> bool {
    matches!(ch as u32, 0x80..=0x24F)
}

/// Decodes one UTF-8 sequence of 2–4 bytes from the mapped chars.
fn decode_seq(chars: &[(usize, Option<u8>, usize)]) -> Option<(char, usize)> {
    let lead = chars.first()?.1?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if chars.len() < len {
        return None;
    }
    let mut buf = [0u8; 4];
    for (slot, c) in buf.iter_mut().zip(&chars[..len]) {
        *slot = c.1?;
    }
    let s = std::str::from_utf8(&buf[..len]).ok()?;
    let ch = s.chars().next()?;
    Some((ch, len))
}

/// The Windows-1252 byte for `c`; C1 controls stand for the five undefined bytes, as lenient
/// decoders produce them.
fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if (0x80..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    CP1252_HIGH
        .iter()
        .position(|&x| x == c)
        .map(|p| 0x80 + p as u8)
}

fn mac_roman_byte(c: char) -> Option<u8> {
    MAC_ROMAN_HIGH
        .iter()
        .position(|&x| x == c)
        .map(|p| 0x80 + p as u8)
}

/// Windows-1252 bytes 0x80..=0x9F (undefined bytes as their C1 control).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '•', '–', '—', '˜', '™', 'š', '›',
    'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Mac Roman bytes 0x80..=0xFF.
const MAC_ROMAN_HIGH: [char; 128] = [
    'Ä', 'Å', 'Ç', 'É', 'Ñ', 'Ö', 'Ü', 'á', 'à', 'â', 'ä', 'ã', 'å', 'ç', 'é', 'è', 'ê', 'ë', 'í',
    'ì', 'î', 'ï', 'ñ', 'ó', 'ò', 'ô', 'ö', 'õ', 'ú', 'ù', 'û', 'ü', '†', '°', '¢', '£', '§', '•',
    '¶', 'ß', '®', '©', '™', '´', '¨', '≠', 'Æ', 'Ø', '∞', '±', '≤', '≥', '¥', 'µ', '∂', '∑', '∏',
    'π', '∫', 'ª', 'º', 'Ω', 'æ', 'ø', '¿', '¡', '¬', '√', 'ƒ', '≈', '∆', '«', '»', '…', '\u{A0}',
    'À', 'Ã', 'Õ', 'Œ', 'œ', '–', '—', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '÷', '◊',
    'ÿ', 'Ÿ', '⁄', '€', '‹', '›', 'ﬁ', 'ﬂ', '‡', '·', '‚', '„', '‰', 'Â', 'Ê', 'Á', 'Ë', 'È', 'Í',
    'Î', 'Ï', 'Ì', 'Ó', 'Ô', '\u{F8FF}', 'Ò', 'Ú', 'Û', 'Ù', 'ı', 'ˆ', '˜', '¯', '˘', '˙', '˚',
    '¸', '˝', '˛', 'ˇ',
];

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_repair(input: &str, expected: &str) {
        assert_eq!(repair(input), expected);
    }

    #[test]
    fn windows_1252_emoji_and_punctuation() {
        check_repair("### âœ… Completed", "### ✅ Completed");
        check_repair("### ðŸ”´ Critical", "### 🔴 Critical");
        check_repair("### ðŸŸ¡ Important", "### 🟡 Important");
        check_repair("itâ€™s â€” done", "it’s — done");
        check_repair("cafÃ©", "café");
    }

    #[test]
    fn mac_roman_emoji_and_arrows() {
        check_repair("## ‚úÖ MVP COMPLETE", "## ✅ MVP COMPLETE");
        check_repair("## \u{F8FF}üî¥ Tier 1", "## 🔴 Tier 1");
        check_repair("## \u{F8FF}üü¢ Tier 3", "## 🟢 Tier 3");
        check_repair("logout‚Üílogin", "logout→login");
        check_repair("caf√© cr√®me", "café crème");
    }

    #[test]
    fn correct_text_is_left_alone() {
        for ok in [
            "Größe café été",
            "✅ 🔴 — “quoted”",
            "naïve résumé",
            "°C ±2",
            "Ünïcödé",
            "see (§6–§7)",
            "“école” —é",
        ] {
            assert!(find(ok).is_empty(), "{ok}: {:?}", find(ok));
        }
    }

    #[test]
    fn ranges_cover_each_damaged_run() {
        let text = "a âœ… b ðŸ”´";
        let found = find(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].range.as_range()], "âœ…");
        assert_eq!(found[1].repaired, "🔴");
        assert_eq!(found[0].misread, Misread::Windows1252);
    }
}
