//! Byte ranges, edits, and the line index that converts byte offsets to line/column
//! positions in UTF-8, UTF-16 or Unicode scalar values and back.
//!
//! Every range in the core is a byte range into the document text. Conversions happen only
//! at the edges (the server's `convert` module and the CLI renderers), through [`LineIndex`].

use std::borrow::Cow;
use std::ops::Range;

/// A half-open byte range `start..end` into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub const fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// True when `offset` is inside the range or at its end.
    pub const fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub const fn intersects(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn as_range(self) -> Range<usize> {
        self.start..self.end
    }

    #[must_use]
    pub const fn shift(self, by: usize) -> Self {
        Self {
            start: self.start + by,
            end: self.end + by,
        }
    }
}

impl From<Range<usize>> for TextRange {
    fn from(r: Range<usize>) -> Self {
        Self {
            start: r.start,
            end: r.end,
        }
    }
}

/// Replace the bytes of `range` with `insert`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    /// Most fixes insert a fixed string (`x`, nothing), which is then not allocated.
    pub insert: Cow<'static, str>,
}

impl Edit {
    pub fn replace(range: TextRange, insert: impl Into<Cow<'static, str>>) -> Self {
        Self {
            range,
            insert: insert.into(),
        }
    }

    pub fn insert(at: usize, insert: impl Into<Cow<'static, str>>) -> Self {
        Self {
            range: TextRange::empty(at),
            insert: insert.into(),
        }
    }

    pub fn delete(range: TextRange) -> Self {
        Self {
            range,
            insert: Cow::Borrowed(""),
        }
    }
}

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Unicode scalar values (what `tickmark check` prints).
    Utf32,
}

/// A zero-based line and column, the column counted in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Start offsets of every line of one text, for offset <-> line/column conversion.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as CommonMark and LSP count them (see
/// [`line_starts`]); the terminator is not part of the line's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
    /// For a text that is not all ASCII: how many characters, and how many of them take
    /// two UTF-16 units, come before every [`CHECKPOINT`]-th byte. A column is counted from
    /// the nearest one, never from the start of a long line (many positions on one long line
    /// would take time quadratic in its length).
    counts: Vec<(usize, usize)>,
}

/// Bytes between two entries of [`LineIndex::counts`].
const CHECKPOINT: usize = 1024;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(line_starts(text.as_bytes()));
        let bytes = text.as_bytes();
        let counts = if bytes.is_ascii() {
            Vec::new()
        } else {
            let mut counts = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
            let mut at = (0, 0);
            counts.push(at);
            for chunk in bytes.chunks(CHECKPOINT) {
                let (chars, astral) = count_chars(chunk);
                at = (at.0 + chars, at.1 + astral);
                counts.push(at);
            }
            counts
        };
        Self {
            line_starts: starts,
            len: text.len(),
            counts,
        }
    }

    /// The column of `offset` (on the line starting at `start`, both on character
    /// boundaries) in `encoding`.
    fn column(&self, text: &str, start: usize, offset: usize, encoding: Encoding) -> usize {
        if encoding == Encoding::Utf8 || self.counts.is_empty() {
            return offset - start;
        }
        if offset - start <= CHECKPOINT {
            // Most columns are near their line's start: counting there is the shorter way.
            let (chars, astral) = count_chars(&text.as_bytes()[start..offset]);
            return match encoding {
                Encoding::Utf32 => chars,
                _ => chars + astral,
            };
        }
        let (a, b) = (
            self.chars_before(text, start),
            self.chars_before(text, offset),
        );
        match encoding {
            Encoding::Utf32 => b.0 - a.0,
            _ => (b.0 + b.1) - (a.0 + a.1),
        }
    }

    /// How many characters, and how many of them astral, come before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> (usize, usize) {
        let k = offset / CHECKPOINT;
        let (chars, astral) = self.counts[k];
        let (more, more_astral) = count_chars(&text.as_bytes()[k * CHECKPOINT..offset]);
        (chars + more, astral + more_astral)
    }

    /// Number of lines; a text ending in `\n` has an empty last line.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line that holds `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// The content range of `line`, without its `\n`, `\r\n` or `\r` terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let Some(&next) = self.line_starts.get(line + 1) else {
            return Some(TextRange::new(start, self.len));
        };
        let bytes = text.as_bytes();
        let mut end = next - 1;
        if bytes.get(end) == Some(&b'\n') && end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(TextRange::new(start, end))
    }

    /// The range of `line` including its terminator.
    pub fn full_line_range(&self, line: usize) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        Some(TextRange::new(start, end))
    }

    /// Line and column of `offset`. An offset inside a multi-byte character is moved back to
    /// the character's start; one between the `\r` and `\n` of a line ending, to the end of
    /// the line's content (LSP has no position inside a line ending).
    pub fn line_col(&self, text: &str, offset: usize, encoding: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let bytes = text.as_bytes();
        if offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n') {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let col = self.column(text, start, offset, encoding);
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Byte offset of a line and column. A line past the end maps to the end of the text; a
    /// column past the end of its line maps to the end of the line (before `\r\n`); a column
    /// inside a character (a lone UTF-16 surrogate half) maps to the character's start.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: Encoding) -> usize {
        let Some(range) = self.line_range(text, pos.line as usize) else {
            return text.len();
        };
        let line = &text[range.as_range()];
        let want = pos.col as usize;
        let mut width = 0usize;
        for (i, ch) in line.char_indices() {
            let w = char_width(ch, encoding);
            if width + w > want {
                return range.start + i;
            }
            width += w;
        }
        range.end
    }

    /// Converts a byte range to a pair of line/columns.
    pub fn range(&self, text: &str, range: TextRange, encoding: Encoding) -> (LineCol, LineCol) {
        (
            self.line_col(text, range.start, encoding),
            self.line_col(text, range.end, encoding),
        )
    }
}

/// Width of `s` in the given encoding.
pub fn column_width(s: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.encode_utf16().count(),
        Encoding::Utf32 => s.chars().count(),
    }
}

/// The characters that start in `bytes`, and how many of them are astral (four bytes in
/// UTF-8, two units in UTF-16): counted by their first bytes.
fn count_chars(bytes: &[u8]) -> (usize, usize) {
    // Eight bytes at a time: a character starts at every byte that is not `10xxxxxx`, and
    // takes two UTF-16 units when it starts with `11110xxx` (or any byte from 0xF0 up).
    const LOW: u64 = 0x0101_0101_0101_0101;
    let mut words = bytes.chunks_exact(8);
    let (mut continuation, mut astral) = (0usize, 0usize);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        continuation += ((w >> 7) & !(w >> 6) & LOW).count_ones() as usize;
        astral += ((w >> 7) & (w >> 6) & (w >> 5) & (w >> 4) & LOW).count_ones() as usize;
    }
    let tail = words.remainder();
    let chars = bytes.len() - continuation - tail.len()
        + tail.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    let astral = astral + tail.iter().filter(|&&b| b >= 0xF0).count();
    (chars, astral)
}

fn char_width(ch: char, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => ch.len_utf8(),
        Encoding::Utf16 => ch.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// The engine's one definition of a line end: `\n`, `\r\n` or a lone `\r` (CommonMark's
/// line endings, and LSP's). Every line start after the first: the offset just past each
/// line break.
pub fn line_starts(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
        .map(|i| i + 1)
}

/// How many line breaks `bytes` holds (a `\r\n` is one; a `\r` at the end is one).
pub fn count_line_breaks(bytes: &[u8]) -> usize {
    line_starts(bytes).count()
}

/// Where the line holding `at` ends: the offset of its line break, or the end of `bytes`.
pub fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |n| at + n)
}

/// Where the line holding `at` ends with its line break: the next line's start, or the end
/// of `bytes`.
pub fn next_line_start(bytes: &[u8], at: usize) -> usize {
    let end = line_end(bytes, at);
    match bytes.get(end) {
        Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
        None => end,
    }
}

/// Where the line holding `at` starts (`at` being at most the offset of its line break).
pub fn line_start_before(bytes: &[u8], at: usize) -> usize {
    memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |n| n + 1)
}

/// The lines of `text` with their terminators (`\n`, `\r\n` or `\r`), as `str::lines`
/// would give them if it knew a lone `\r`.
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        if from >= text.len() {
            return None;
        }
        let next = next_line_start(text.as_bytes(), from);
        let line = &text[from..next];
        from = next;
        Some(line)
    })
}

/// `line` without its terminator (`\n`, `\r\n` or `\r`).
pub fn trim_line_end(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

#[cfg(test)]
mod tests {
    #[test]
    fn characters_are_counted_eight_bytes_at_a_time_as_one_by_one() {
        let text = "ab\u{e9}\u{1F534}c\u{2705}- [x] \u{e2}\u{153}\u{2026}\u{1F7E2}\u{10FFFF}z";
        let bytes: Vec<u8> = text.bytes().chain((0..=255u8).rev()).collect();
        for start in 0..bytes.len() {
            for end in start..bytes.len().min(start + 40) {
                let slice = &bytes[start..end];
                let one_by_one = (
                    slice.iter().filter(|&&b| b & 0xC0 != 0x80).count(),
                    slice.iter().filter(|&&b| b >= 0xF0).count(),
                );
                assert_eq!(super::count_chars(slice), one_by_one, "{start}..{end}");
            }
        }
        let chars = text.chars().count();
        let astral = text.chars().filter(|c| c.len_utf16() == 2).count();
        assert_eq!(super::count_chars(text.as_bytes()), (chars, astral));
    }

    use super::*;

    #[test]
    fn columns_in_every_encoding_on_an_astral_line() {
        let text = "# 🔴 Critical\r\n- [ ] é 𝄞 x\n";
        let index = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(
            index.line_col(text, x, Encoding::Utf8),
            LineCol { line: 1, col: 14 }
        );
        assert_eq!(
            index.line_col(text, x, Encoding::Utf16),
            LineCol { line: 1, col: 11 }
        );
        assert_eq!(
            index.line_col(text, x, Encoding::Utf32),
            LineCol { line: 1, col: 10 }
        );
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let lc = index.line_col(text, x, enc);
            assert_eq!(index.offset(text, lc, enc), x, "{enc:?}");
        }
        let c = text.find('C').unwrap();
        assert_eq!(
            index.line_col(text, c, Encoding::Utf16),
            LineCol { line: 0, col: 5 }
        );
    }

    proptest::proptest! {
        /// A column counted from the nearest checkpoint is the column counted from the
        /// start of the line, on lines longer than a checkpoint's reach too.
        #[test]
        fn columns_count_as_from_the_line_start(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "é", "😀", "中", "\r\n", "\n", "\r", "[P1] "]),
                0..400,
            ),
            repeat in 1usize..8,
        ) {
            let text = parts.concat().repeat(repeat);
            let index = LineIndex::new(&text);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                    let lc = index.line_col(&text, offset, encoding);
                    let start = index.line_start(lc.line as usize).unwrap();
                    let mut at = offset;
                    if at > 0 && text.as_bytes()[at - 1] == b'\r' && text.as_bytes().get(at) == Some(&b'\n') {
                        at -= 1;
                    }
                    proptest::prop_assert_eq!(
                        lc.col as usize,
                        column_width(&text[start..at], encoding),
                        "{:?} at {}", encoding, offset
                    );
                }
            }
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            2
        );
        assert_eq!(
            index.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            6
        );
        assert_eq!(index.line_range(text, 0), Some(TextRange::new(0, 2)));
        // Between `\r` and `\n`: the end of the line's content.
        assert_eq!(
            index.line_col(text, 3, Encoding::Utf16),
            LineCol { line: 0, col: 2 }
        );
        // Inside a surrogate pair: the start of the character.
        let text = "a𝄞b";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 2 }, Encoding::Utf16),
            1
        );
        assert_eq!(
            index.line_col(text, 2, Encoding::Utf16),
            LineCol { line: 0, col: 1 }
        );
    }
}
