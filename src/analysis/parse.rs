//! From text to [`Document`]: pulldown-cmark events with byte offsets give the structure
//! (headings, list items and their nesting, code, HTML, links); the raw text of each item's
//! first line gives the details (marker, box, tags, field label). A line scan finds the
//! near-misses CommonMark reads as plain text (`-[ ] task`).
//!
//! Parsing never fails: any text gives a document.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

pub use super::dates::{format_date, parse_date};
use super::estimate::{parse_estimate, ESTIMATE_LABELS};
use super::front_matter;
use super::limits;
use super::line_scan;
use super::model::{
    Document, Field, Item, ItemId, ItemKind, LegendEntry, Level, Link, ListLabel, MalformedBox,
    MalformedTag, PriorityTag, Run, Section, State, Suppression, TagDialect,
};
use super::mojibake;
use super::normalize::is_emoji;
use super::text::{Edit, LineIndex, TextRange};
use super::BoxStates;

/// The pulldown-cmark options tickmark reads roadmaps with. Front matter is not among
/// them: [`parse`] reads the text after it (see [`front_matter`]).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Builds the document model of `text`.
pub fn parse(text: &str, states: &BoxStates) -> Document {
    let mut doc = Document {
        line_index: LineIndex::new(text),
        ..Document::default()
    };
    let mut headings: Vec<(u8, TextRange)> = Vec::new();
    // Open items (innermost last), each with where its children start in `pending`, and
    // the list each item belongs to. The children of the open items wait in `pending`,
    // the innermost item's last, and move to `doc.child_ids` when their parent ends.
    let mut open_items: Vec<(ItemId, usize)> = Vec::new();
    let mut pending: Vec<ItemId> = Vec::new();
    let mut lists: Vec<usize> = Vec::new();
    // Per open list: its first item and label, when a bold paragraph introduces it.
    let mut labels: Vec<Option<(usize, TextRange)>> = Vec::new();
    let mut list_counter = 0usize;
    let mut legend = LegendFinder::default();
    let mut html: Vec<TextRange> = Vec::new();
    let mut paragraphs: Vec<TextRange> = Vec::new();
    let mut tables: Vec<TextRange> = Vec::new();
    doc.items.reserve(likely_items(text, &doc.line_index));
    // Items start in document order: their lines are found walking forward from the last.
    let mut line = 0usize;
    // Items open below the nesting limit, not read.
    let mut too_deep = 0usize;

    // Front matter is metadata, not Markdown: the rest is read after it.
    let body = front_matter::front_matter_end(text).unwrap_or(0);
    if body > 0 {
        let range = TextRange::new(0, body);
        doc.front_matter = Some(range);
        doc.code.push(range);
        doc.dates.extend(front_matter::read_date(text, range));
    }
    let mut events = Parser::new_ext(&text[body..], markdown_options()).into_offset_iter();
    for (event, range) in events.by_ref() {
        let range = TextRange::from(range).shift(body);
        match event {
            Event::Start(Tag::Heading { level, .. }) => headings.push((level as u8, range)),
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => doc.code.push(range),
            Event::Start(Tag::Paragraph) => paragraphs.push(range),
            Event::Start(Tag::Table(_)) => tables.push(range),
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => {
                doc.code.push(range);
                html.push(range);
            }
            Event::Start(Tag::List(_)) => {
                list_counter += 1;
                lists.push(list_counter);
                let label = paragraphs
                    .last()
                    .filter(|p| p.end <= range.start && text[p.end..range.start].trim().is_empty())
                    .and_then(|&p| list_label(text, p));
                labels.push(label.map(|l| (doc.items.len(), l)));
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if let Some(Some((first, label))) = labels.pop() {
                    doc.list_labels.push(ListLabel {
                        first: first as u32,
                        end: doc.items.len() as u32,
                        label,
                    });
                }
            }
            // Past the nesting limit, items are read as their ancestor's text: the model,
            // the rules and every answer stay linear in the text, however deep the lists.
            Event::Start(Tag::Item) if open_items.len() >= limits::MAX_DEPTH => {
                too_deep += 1;
                if doc.depth_cut.is_none() {
                    doc.depth_cut = Some(doc.line_index.line_of(range.start.min(text.len())));
                }
            }
            Event::End(TagEnd::Item) if too_deep > 0 => too_deep -= 1,
            Event::Start(Tag::Item) => {
                let range = TextRange::new(marker_start(text.as_bytes(), range), range.end);
                let id = doc.items.len();
                let parent = open_items.last().map(|&(p, _)| p);
                line = line_at(&doc.line_index, line, range.start);
                let mut item = read_item(
                    text,
                    &mut doc,
                    id,
                    (range, line),
                    parent,
                    open_items.len(),
                    states,
                );
                if parent.is_some() {
                    pending.push(id);
                }
                // Sections are the headings so far, in order: the last one holds the item.
                item.section_id = headings.len().checked_sub(1).map(|s| s as u32);
                // A task marks its ancestors, up to one that is marked already.
                if item.is_task() {
                    for &(a, _) in open_items.iter().rev() {
                        if std::mem::replace(&mut doc.items[a].has_tasks_below, true) {
                            break;
                        }
                    }
                }
                doc.items.push(item);
                legend.see(text, &mut doc, id, lists.last().copied().unwrap_or(0));
                open_items.push((id, pending.len()));
            }
            Event::End(TagEnd::Item) => {
                if let Some((id, from)) = open_items.pop() {
                    let start = doc.child_ids.len();
                    doc.child_ids.extend(pending.drain(from..));
                    doc.items[id].children = Run::new(start, doc.child_ids.len());
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                if let Some(link) = read_link(text, range, link_type, &dest_url) {
                    doc.links.push(link);
                }
            }
            _ => {}
        }
    }

    doc.list_labels.sort_by_key(|l| l.first);
    doc.has_reference_definitions = events.reference_definitions().iter().next().is_some();
    doc.code.sort_unstable();
    merge_ranges(&mut doc.code);
    build_sections(text, &mut doc, &headings);
    legend.finish(&mut doc);
    let prose = line_scan::Prose {
        paragraphs: &paragraphs,
        tables: &tables,
        defines: &|label| events.reference_definitions().get(label).is_some(),
        states,
    };
    line_scan::scan_lines(text, &mut doc, &prose);
    for range in html {
        read_suppressions(text, &doc.line_index, range, &mut doc.suppressions);
    }
    doc
}

/// The label of a paragraph that is one bold phrase on one line, a colon inside or after it
/// allowed (`**Stage 2: Tests**`, `**Files to Modify**:`): the text between the markers.
fn list_label(text: &str, paragraph: TextRange) -> Option<TextRange> {
    let raw = &text[paragraph.as_range()];
    let start = paragraph.start + (raw.len() - raw.trim_start().len());
    let line = raw.trim();
    if line.contains(['\n', '\r']) {
        return None;
    }
    let (open, body) = strip_emphasis_open(line);
    let marker = &line[..open];
    let body = body.trim_end_matches(':').trim_end().strip_suffix(marker)?;
    if open == 0 || body.contains(marker) {
        return None;
    }
    let inner = body.trim_end_matches(':').trim_end();
    let lead = inner.len() - inner.trim_start().len();
    (inner.len() > lead).then(|| TextRange::new(start + open + lead, start + open + inner.len()))
}

/// Where a list item's marker is. pulldown-cmark starts an item's range anywhere in the
/// white space before its marker: at the line end before it (`- a\n\t- b`), or within the
/// indentation (`* a\n    - b`). A marker is never white space or a block quote's `>`, so
/// the first other byte is the marker, on the item's own first line.
fn marker_start(bytes: &[u8], range: TextRange) -> usize {
    bytes[range.as_range()]
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'>'))
        .map_or(range.start, |n| range.start + n)
}

/// How many list items `text` likely has: its lines that start with a list marker. Only a
/// capacity, so the item arena is not copied as it grows.
fn likely_items(text: &str, index: &LineIndex) -> usize {
    let bytes = text.as_bytes();
    (0..index.line_count())
        .filter_map(|line| index.line_start(line))
        .filter(|&start| {
            let first = bytes[start..]
                .iter()
                .position(|&b| !matches!(b, b' ' | b'\t' | b'>'))
                .map(|n| start + n);
            first.is_some_and(|i| matches!(bytes[i], b'-' | b'*' | b'+' | b'0'..=b'9'))
        })
        .count()
}

/// The line holding `offset`, searched forward from line `from` (the line of an earlier
/// offset); the same as [`LineIndex::line_of`], without a search of the whole index.
fn line_at(index: &LineIndex, from: usize, offset: usize) -> usize {
    if index.line_start(from).is_none_or(|start| start > offset) {
        return index.line_of(offset);
    }
    let mut line = from;
    while index
        .line_start(line + 1)
        .is_some_and(|next| next <= offset)
    {
        line += 1;
    }
    line
}

/// Reads one list item from its first line (`range` is the item's, `line` the line where
/// it starts).
fn read_item(
    text: &str,
    doc: &mut Document,
    id: ItemId,
    (range, line): (TextRange, usize),
    parent: Option<ItemId>,
    depth: usize,
    states: &BoxStates,
) -> Item {
    let line_end = doc
        .line_index
        .line_range(text, line)
        .map_or(text.len(), |r| r.end)
        .max(range.start);
    let bytes = text.as_bytes();
    let marker_end =
        marker_len(&text[range.start..line_end]).map_or(range.start, |n| range.start + n);
    let content_start = skip_blanks(bytes, marker_end, line_end);

    let mut kind = ItemKind::Plain;
    let mut checkbox = None;
    let mut text_start = content_start;
    if let Some(found) = read_box(text, content_start, line_end, states) {
        kind = ItemKind::Task(found.state);
        checkbox = Some(found.range);
        text_start = skip_blanks(bytes, found.range.end, line_end);
        if let Some(fix) = found.fix {
            doc.malformed_boxes.push(MalformedBox {
                range: found.range,
                state: found.state,
                fix,
                item: Some(id),
            });
        }
    }
    let text_end = trim_end(text, text_start, line_end);
    let text_range = TextRange::new(text_start, text_end);
    let item_text = &text[text_range.as_range()];

    let tags_start = doc.tags.len();
    if kind != ItemKind::Plain {
        if let Some(level) = todo_txt_priority(item_text) {
            doc.tags.push(PriorityTag {
                range: TextRange::new(text_start, text_start + 3),
                level,
                dialect: TagDialect::TodoTxt,
            });
        }
    }
    let mut i = text_start;
    // Backticks before `i` on the line, counted once as the scan goes (an odd count: `i`
    // is in a code span).
    let mut ticks = Ticks {
        counted_to: text_start,
        odd: false,
    };
    while i < text_end {
        // Tags start with `[` or are emoji, whose UTF-8 starts with 0xE2 or 0xF0.
        let Some(skip) = memchr::memchr3(b'[', 0xE2, 0xF0, &bytes[i..text_end]) else {
            break;
        };
        i += skip;
        if let Some((len, (level, dialect))) = priority_tag_at(text, i) {
            if !doc.code.last().is_some_and(|c| c.contains(i)) && !ticks.in_code_span(bytes, i) {
                doc.tags.push(PriorityTag {
                    range: TextRange::new(i, i + len),
                    level,
                    dialect,
                });
            }
            i += len;
        } else {
            i += 1;
        }
    }
    if let Some((len, level)) = malformed_tag_at(item_text) {
        doc.malformed_tags.push(MalformedTag {
            range: TextRange::new(text_start, text_start + len),
            level,
        });
    }

    let field = if checkbox.is_none() {
        read_field(text, text_range).map(|f| {
            doc.fields.push(f);
            (doc.fields.len() - 1) as u32
        })
    } else {
        None
    };
    if field.is_some() {
        kind = ItemKind::Field;
    }
    Item {
        id,
        kind,
        line,
        range,
        checkbox,
        text: text_range,
        depth: depth as u32,
        parent_id: parent.map(|p| p as u32),
        children: Run::default(),
        section_id: None,
        tags: Run::new(tags_start, doc.tags.len()),
        field,
        is_legend: false,
        has_tasks_below: false,
    }
}

/// Length of a list marker at the start of `line`: `-`, `*`, `+`, `12.`, `3)`.
pub(crate) fn marker_len(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    match bytes.first()? {
        b'-' | b'*' | b'+' => Some(1),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            matches!(bytes.get(digits), Some(b'.' | b')')).then_some(digits + 1)
        }
        _ => None,
    }
}

pub(super) struct FoundBox {
    pub range: TextRange,
    pub state: State,
    /// The edit that makes a near-miss render; `None` for a well-formed box.
    pub fix: Option<Edit>,
}

/// Reads a task box (or a near-miss of one) at `at`.
pub(super) fn read_box(
    text: &str,
    at: usize,
    line_end: usize,
    states: &BoxStates,
) -> Option<FoundBox> {
    let rest = &text[at..line_end];
    if !rest.starts_with('[') {
        return None;
    }
    let close = rest[1..].char_indices().take(4).find(|&(_, c)| c == ']')?.0 + 1;
    let inner = &rest[1..close];
    let range = TextRange::new(at, at + close + 1);
    let after = rest[close + 1..].chars().next();
    let spaced = after.is_none_or(char::is_whitespace);
    let mut chars = inner.chars();
    let (state, inner_fix): (State, Option<Edit>) = match (chars.next(), chars.next(), chars.next())
    {
        (Some(c), None, _) => {
            if let Some(state) = states.state_of(c) {
                (state, None)
            } else if matches!(c, 'v' | 'V' | '✓' | '✔' | '√') {
                (
                    State::Done,
                    Some(Edit::replace(
                        TextRange::new(at + 1, at + 1 + c.len_utf8()),
                        "x",
                    )),
                )
            } else {
                return None;
            }
        }
        (None, _, _) => (State::Open, Some(Edit::insert(at + 1, " "))),
        (Some(' '), Some(' '), None) => (
            State::Open,
            Some(Edit::delete(TextRange::new(at + 1, at + 2))),
        ),
        (Some(' '), Some(c @ ('x' | 'X')), None) => {
            let _ = c;
            (
                State::Done,
                Some(Edit::delete(TextRange::new(at + 1, at + 2))),
            )
        }
        (Some('x' | 'X'), Some(' '), None) => (
            State::Done,
            Some(Edit::delete(TextRange::new(at + 2, at + 3))),
        ),
        _ if !inner.is_empty() && inner.chars().all(|c| c == ' ') => (
            State::Open,
            Some(Edit::delete(TextRange::new(at + 2, at + close))),
        ),
        _ => return None,
    };
    // `[x]Text`: a box glued to its text. `[P]` or `[a]link` never get here.
    if !spaced && inner_fix.is_none() {
        return Some(FoundBox {
            range,
            state,
            fix: Some(Edit::insert(range.end, " ")),
        });
    }
    if !spaced {
        // Both problems at once: rewrite the box and add the space.
        let canonical = if state == State::Done { "[x] " } else { "[ ] " };
        return Some(FoundBox {
            range,
            state,
            fix: Some(Edit::replace(range, canonical)),
        });
    }
    Some(FoundBox {
        range,
        state,
        fix: inner_fix,
    })
}

/// A priority tag at byte `i`: `[P1]`, `[#A]` or an Obsidian emoji. Returns its length,
/// level and dialect.
pub fn priority_tag_at(text: &str, i: usize) -> Option<(usize, (Level, TagDialect))> {
    let rest = &text[i..];
    let bytes = rest.as_bytes();
    if *bytes.first()? == b'[' {
        if bytes.get(1) == Some(&b'P') {
            let digits = bytes[2..].iter().take_while(|b| b.is_ascii_digit()).count();
            if (1..=2).contains(&digits) && bytes.get(2 + digits) == Some(&b']') {
                let level: Level = rest[2..2 + digits].parse().ok()?;
                return Some((digits + 3, (level, TagDialect::Bracket)));
            }
        } else if bytes.get(1) == Some(&b'#') {
            if let (Some(&c), Some(b']')) = (bytes.get(2), bytes.get(3)) {
                if c.is_ascii_uppercase() {
                    return Some((4, (c - b'A', TagDialect::Org)));
                }
            }
        }
        return None;
    }
    let ch = rest.chars().next()?;
    let level = match ch {
        '🔺' => 0,
        '⏫' => 1,
        '🔼' => 2,
        '🔽' => 3,
        '⏬' => 4,
        _ => return None,
    };
    let mut len = ch.len_utf8();
    if rest[len..].starts_with('\u{FE0F}') {
        len += '\u{FE0F}'.len_utf8();
    }
    Some((len, (level, TagDialect::Emoji)))
}

/// todo.txt `(A) ` at the very start of a task's text.
fn todo_txt_priority(text: &str) -> Option<Level> {
    let b = text.as_bytes();
    if b.len() >= 3
        && b[0] == b'('
        && b[1].is_ascii_uppercase()
        && b[2] == b')'
        && b.get(3).is_none_or(|&c| c == b' ')
    {
        Some(b[1] - b'A')
    } else {
        None
    }
}

/// `[p1]`, `[P 1]`, `[P-1]`, `(P1)` (with or without `**`) at the start of an item's text.
fn malformed_tag_at(text: &str) -> Option<(usize, Level)> {
    let b = text.as_bytes();
    let (open, close) = match b.first()? {
        b'[' => (b'[', b']'),
        b'(' => (b'(', b')'),
        _ => return None,
    };
    let end = b.iter().take(7).position(|&c| c == close)?;
    let inner = &text[1..end];
    let _ = open;
    let mut chars = inner.chars();
    let p = chars.next()?;
    if p != 'p' && p != 'P' {
        return None;
    }
    let rest = chars.as_str();
    let digits = rest.trim_start_matches([' ', '-']);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) || digits.len() > 2 {
        return None;
    }
    let well_formed = b[0] == b'[' && p == 'P' && digits.len() == rest.len();
    if well_formed {
        return None;
    }
    Some((end + 1, digits.parse().ok()?))
}

/// Is `i` inside a backtick code span that starts on this line at or after `line_start`?
struct Ticks {
    counted_to: usize,
    odd: bool,
}

impl Ticks {
    /// True when an odd number of backticks come before `i` (at or after the last offset
    /// asked) on the line: `i` is in a code span.
    fn in_code_span(&mut self, bytes: &[u8], i: usize) -> bool {
        let ticks = memchr::memchr_iter(b'`', &bytes[self.counted_to..i]).count();
        self.odd ^= ticks % 2 == 1;
        self.counted_to = i;
        self.odd
    }
}

/// `**Impact:** value`, `When: value`: a label of 1–4 words, at most 30 characters, starting
/// with a letter, then a colon.
fn read_field(text: &str, range: TextRange) -> Option<Field> {
    let s = &text[range.as_range()];
    let (open, body) = strip_emphasis_open(s);
    let colon = memchr::memchr(b':', body.as_bytes())?;
    let raw_label = &body[..colon];
    let label = raw_label.trim_end_matches(['*', '_']).trim_end();
    let label_start = label.len() - label.trim_start().len();
    let label = &label[label_start..];
    let first = label.chars().next()?;
    if !first.is_alphabetic() || label.len() > 30 && label.chars().count() > 30 {
        return None;
    }
    let words = label.split_whitespace().count();
    if !(1..=4).contains(&words)
        || label.contains(['[', ']', '`', '(', ')']) && !label.ends_with(')')
    {
        return None;
    }
    // After the colon: optional closing emphasis, then white space or the end.
    let mut after = colon + 1;
    let tail = &body[after..];
    let closing = tail.len() - tail.trim_start_matches(['*', '_']).len();
    if raw_label.ends_with(['*', '_']) && closing > 0 {
        return None;
    }
    after += closing;
    if !body[after..].is_empty() && !body[after..].starts_with([' ', '\t']) {
        return None;
    }
    let label_end = range.start + open + after;
    let value_start =
        range.start + open + after + (body[after..].len() - body[after..].trim_start().len());
    let value_range = TextRange::new(value_start.min(range.end), range.end);
    let estimate = ESTIMATE_LABELS
        .iter()
        .any(|l| l.eq_ignore_ascii_case(label))
        .then(|| parse_estimate(&text[value_range.as_range()]))
        .flatten();
    let label_start = range.start + open + label_start;
    Some(Field {
        label_range: TextRange::new(label_start, label_start + label.len()),
        label_raw_range: TextRange::new(range.start, label_end),
        value_range,
        estimate,
    })
}

fn strip_emphasis_open(s: &str) -> (usize, &str) {
    for open in ["**", "__"] {
        if let Some(rest) = s.strip_prefix(open) {
            return (open.len(), rest);
        }
    }
    (0, s)
}

fn read_link(text: &str, range: TextRange, link_type: LinkType, dest: &str) -> Option<Link> {
    if !matches!(link_type, LinkType::Inline) {
        return None;
    }
    let raw = &text[range.as_range()];
    let bytes = raw.as_bytes();
    // The destination follows a `](`. Link text may hold one too (an image, a code span) and
    // so may a title: the `](` whose destination reads as pulldown-cmark's wins, else the
    // last one.
    let mut found = None;
    for close in memchr::memchr_iter(b']', bytes).filter(|&p| bytes.get(p + 1) == Some(&b'(')) {
        let destination = link_destination(raw, close + 2).shift(range.start);
        found = Some(destination);
        if &text[destination.as_range()] == dest {
            break;
        }
    }
    Some(Link {
        destination: found?,
        relative_path: relative_path(dest),
    })
}

/// The destination of an inline link whose `(` ends just before `from`, as CommonMark reads
/// it: after spaces, tabs and at most one line ending (ASCII white space only: a no-break or
/// ideographic space is part of the destination), either `<…>` (the range is inside the
/// brackets) or a run without ASCII space or control characters and with balanced
/// parentheses. Every place it stops is an ASCII byte, so the range lies on character
/// boundaries.
fn link_destination(raw: &str, from: usize) -> TextRange {
    let b = raw.as_bytes();
    let mut i = from;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    if b.get(i) == Some(&b'<') {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && !matches!(b[j], b'>' | b'<' | b'\n' | b'\r') {
            j += if b[j] == b'\\' && b.get(j + 1).is_some_and(u8::is_ascii_punctuation) {
                2
            } else {
                1
            };
        }
        return TextRange::new(start, j.min(b.len()));
    }
    let start = i;
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                i += 2;
                continue;
            }
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            c if c <= b' ' || c == 0x7f => break,
            _ => {}
        }
        i += 1;
    }
    TextRange::new(start, i.min(b.len()))
}

/// The file part of a relative destination, or `None` for URLs, fragments and absolute paths.
pub fn relative_path(dest: &str) -> Option<String> {
    let dest = dest.trim_matches(|c: char| c.is_ascii_whitespace());
    if dest.is_empty() || dest.starts_with(['#', '/', '\\']) || dest.starts_with("//") {
        return None;
    }
    if let Some(colon) = memchr::memchr(b':', dest.as_bytes()) {
        let scheme = &dest.as_bytes()[..colon];
        if !scheme.is_empty()
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        {
            return None;
        }
    }
    let path = &dest[..memchr::memchr2(b'#', b'?', dest.as_bytes()).unwrap_or(dest.len())];
    if path.is_empty() {
        return None;
    }
    if memchr::memchr(b'%', path.as_bytes()).is_none() {
        return Some(path.to_owned());
    }
    Some(percent_decode(path))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|&b| hex_digit(b)),
                bytes.get(i + 2).and_then(|&b| hex_digit(b)),
            ) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn build_sections(text: &str, doc: &mut Document, headings: &[(u8, TextRange)]) {
    let mut stack: Vec<usize> = Vec::new();
    for (idx, &(level, range)) in headings.iter().enumerate() {
        let end = headings[idx + 1..]
            .iter()
            .find(|(l, _)| *l <= level)
            .map_or(text.len(), |(_, r)| r.start);
        while stack
            .last()
            .is_some_and(|&s| doc.sections[s].level >= level)
        {
            stack.pop();
        }
        let parent = stack.last().copied();
        let line = doc.line_index.line_of(range.start);
        let title = heading_title(text, &doc.line_index, range, line);
        let repaired = mojibake::repair(&text[title.as_range()]);
        let own = heading_kind(&repaired);
        let in_criteria = parent.is_some_and(|p| doc.sections[p].criteria);
        // `### ✅ Login` under `## Acceptance Criteria` is a criterion, not done work.
        let done = (own == HeadingKind::Done && !in_criteria)
            || parent.is_some_and(|p| doc.sections[p].done);
        let id = doc.sections.len();
        if let Some(p) = parent {
            doc.sections[p].children.push(id);
        }
        doc.sections.push(Section {
            id,
            level,
            line,
            heading: range,
            title,
            range: TextRange::new(range.start, end),
            parent,
            children: Vec::new(),
            tier: tier_of(&repaired),
            done,
            criteria: in_criteria || own == HeadingKind::Criteria,
        });
        stack.push(id);
    }
}

/// The text of a heading on its first line. It is read from where the heading starts, not
/// where its line does: in `> # A` or `- # A` the line starts with a container's marker.
/// Only spaces and tabs are trimmed, as CommonMark trims them: a no-break space is text.
fn heading_title(text: &str, index: &LineIndex, range: TextRange, line: usize) -> TextRange {
    const BLANK: [char; 2] = [' ', '\t'];
    let line = index.line_range(text, line).unwrap_or(range);
    let first = TextRange::new(range.start.clamp(line.start, line.end), line.end);
    let s = &text[first.as_range()];
    let lead = s.len() - s.trim_start_matches(BLANK).len();
    let body = &s[lead..];
    if body.starts_with('#') {
        let hashes = body.len() - body.trim_start_matches('#').len();
        let after = &body[hashes..];
        let start =
            first.start + lead + hashes + (after.len() - after.trim_start_matches(BLANK).len());
        let mut t = text[start..first.end].trim_end_matches(BLANK);
        let closing = t.trim_end_matches('#');
        if closing.len() < t.len() && (closing.is_empty() || closing.ends_with(BLANK)) {
            t = closing.trim_end_matches(BLANK);
        }
        TextRange::new(start, start + t.len())
    } else {
        let end = first.start + lead + body.trim_end_matches(BLANK).len();
        TextRange::new(first.start + lead, end)
    }
}

/// A done section: starts with `✅`, or names Completed, Done, Finished or Shipped, unless
/// it states criteria for being done (see [`CRITERIA_WORDS`]) or denies it (`Not done`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadingKind {
    /// `✅ Completed`: the items below are expected to be checked.
    Done,
    /// `Definition of Done`: the items below are criteria still to meet, in its subsections
    /// too.
    Criteria,
    Other,
}

/// Whether a heading names a done section, states criteria, or neither.
fn heading_kind(title: &str) -> HeadingKind {
    let t = title.trim_start_matches(['#', ' ', '*', '_']);
    let mut done = t.starts_with('✅') || t.starts_with('☑') || t.starts_with('✔');
    // Emoji are dropped first (an emoji between two letters joins them).
    let plain: std::borrow::Cow<'_, str> = if t.chars().any(is_emoji) {
        t.chars()
            .filter(|&c| !is_emoji(c))
            .collect::<String>()
            .into()
    } else {
        t.into()
    };
    let is_any = |w: &str, list: &[&str]| list.iter().any(|d| w.eq_ignore_ascii_case(d));
    let mut before = "";
    let mut conditional = false;
    for w in plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if is_any(w, CRITERIA_WORDS) {
            return HeadingKind::Criteria;
        }
        conditional |= is_any(w, CONDITION_WORDS);
        if is_any(w, DONE_WORDS) && !is_any(before, NOT_YET_WORDS) && !conditional {
            done = true;
        }
        before = w;
    }
    if done {
        HeadingKind::Done
    } else {
        HeadingKind::Other
    }
}

/// Words after which a done word states a condition, not this section's state:
/// `Phase 4 (after #254 is done)`, `Blocked until auth is finished`.
const CONDITION_WORDS: &[&str] = &["after", "until", "once", "before", "unless", "if"];

/// The words that make a heading a done section.
const DONE_WORDS: &[&str] = &["completed", "done", "finished", "shipped"];

/// Words of a heading that states what done means rather than what is done: `Done When`,
/// `Definition of Done`, `Acceptance Criteria`, `DoD`, `When is it done`, `What done looks
/// like`, `Done means`. The tasks below such a heading are open until the work is done.
const CRITERIA_WORDS: &[&str] = &[
    "when",
    "criteria",
    "criterion",
    "definition",
    "dod",
    "acceptance",
    "looks",
    "means",
];

/// A word right before a done word that says it is not done (yet): `Not done`, `Not yet
/// completed`, `To be done`, `Almost finished`.
const NOT_YET_WORDS: &[&str] = &["not", "yet", "be", "almost", "nearly"];

/// Words that, before a number, name a step of a sequence (`🟢 Phase 1: Foundation`): the
/// colour of such a heading is the step's status, not a priority.
const STEP_WORDS: &[&str] = &[
    "phase",
    "milestone",
    "sprint",
    "stage",
    "step",
    "week",
    "month",
    "quarter",
    "iteration",
    "release",
    "version",
    "day",
    "part",
];

/// The default priority a heading gives the items below it.
fn tier_of(title: &str) -> Option<Level> {
    // The words that name a tier, as bits, gathered in one pass without allocating.
    const CRITICAL: u16 = 1;
    const PRIORITY: u16 = 1 << 1;
    const IMPORTANT: u16 = 1 << 2;
    const HIGH: u16 = 1 << 3;
    const MEDIUM: u16 = 1 << 4;
    const LOW: u16 = 1 << 5;
    // `Phase 1`, `Sprint 3`: a step of a sequence, whose colour emoji tell its status.
    const STEP: u16 = 1 << 6;
    let mut seen = 0u16;
    let mut words = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(w) = words.next() {
        if w.eq_ignore_ascii_case("tier") {
            if let Some(n) = words.peek().and_then(|n| n.parse::<u8>().ok()) {
                return Some(n.saturating_sub(1));
            }
        }
        if w.len() == 2 && w.starts_with(['p', 'P']) {
            if let Ok(n) = w[1..].parse::<u8>() {
                return Some(n);
            }
        }
        let is = |name: &str| w.eq_ignore_ascii_case(name);
        if is("critical") || is("blocker") || is("urgent") || is("highest") {
            seen |= CRITICAL;
        } else if is("priority") {
            seen |= PRIORITY;
        } else if is("important") {
            seen |= IMPORTANT;
        } else if is("high") {
            seen |= HIGH;
        } else if is("medium") || is("normal") {
            seen |= MEDIUM;
        } else if is("low") || is("lower") || is("lowest") {
            seen |= LOW;
        } else if STEP_WORDS.iter().any(|s| is(s))
            && words
                .peek()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        {
            seen |= STEP;
        }
    }
    if seen & CRITICAL != 0 {
        return Some(0);
    }
    if seen & (PRIORITY | IMPORTANT) != 0 {
        if seen & (HIGH | IMPORTANT) != 0 {
            return Some(1);
        }
        if seen & MEDIUM != 0 {
            return Some(2);
        }
        if seen & LOW != 0 {
            return Some(3);
        }
    }
    let nice = |w: &[u8]| {
        w.eq_ignore_ascii_case(b"nice to have") || w.eq_ignore_ascii_case(b"nice-to-have")
    };
    if title.as_bytes().windows(12).any(nice) {
        return Some(3);
    }
    if seen & STEP != 0 {
        return None;
    }
    for ch in title.chars() {
        match ch {
            '🔴' => return Some(0),
            '🟠' => return Some(1),
            '🟡' => return Some(2),
            '🟢' | '🔵' => return Some(3),
            _ => {}
        }
    }
    None
}

/// Finds the priority legend as items go by. A legend is a run of consecutive sibling
/// items that each read `TAG - description` (or `–`, `—`, `:`): the whole list, or at
/// least two entries in a row.
#[derive(Default)]
struct LegendFinder {
    /// Each list's run, by list number.
    lists: Vec<ListRun>,
}

/// Where one list stands as its direct items go by in document order.
#[derive(Default)]
struct ListRun {
    members: usize,
    /// Entries in a row so far.
    run: usize,
    /// The run's first entry, until a second one makes the run a legend.
    pending: Option<(ItemId, (Level, String, String))>,
}

impl LegendFinder {
    /// Item `id`, just read, is a direct item of list number `list`.
    fn see(&mut self, text: &str, doc: &mut Document, id: ItemId, list: usize) {
        if self.lists.len() <= list {
            self.lists.resize_with(list + 1, ListRun::default);
        }
        let state = &mut self.lists[list];
        state.members += 1;
        let item = &doc.items[id];
        let entry = if item.checkbox.is_none() {
            legend_entry(&text[item.text.as_range()])
        } else {
            None
        };
        let Some(entry) = entry else {
            state.run = 0;
            state.pending = None;
            return;
        };
        state.run += 1;
        match state.run {
            1 => state.pending = Some((id, entry)),
            2 => {
                let (first, first_entry) = state.pending.take().expect("run of one");
                mark_legend(doc, first, first_entry);
                mark_legend(doc, id, entry);
            }
            _ => mark_legend(doc, id, entry),
        }
    }

    fn finish(self, doc: &mut Document) {
        // A list of a single entry is a legend too.
        for state in self.lists {
            if state.members == 1 {
                if let Some((id, entry)) = state.pending {
                    mark_legend(doc, id, entry);
                }
            }
        }
        doc.legend.sort_by_key(|e| e.item);
    }
}

fn mark_legend(
    doc: &mut Document,
    id: ItemId,
    (level, label, description): (Level, String, String),
) {
    let item = &mut doc.items[id];
    item.is_legend = true;
    item.kind = ItemKind::Plain;
    item.field = None;
    doc.legend.push(LegendEntry {
        level,
        label,
        description,
        item: id,
    });
}

/// After a legend entry's tag, another name for it: `🔺 or \`#urgent\` - …`, `[P0] / \`p0\``.
/// Returns what follows it, or `rest` as it was.
fn skip_alternative(rest: &str) -> &str {
    let Some(after) = rest
        .strip_prefix("or ")
        .or_else(|| rest.strip_prefix("OR "))
        .or_else(|| rest.strip_prefix("/ "))
    else {
        return rest;
    };
    let after = after.trim_start();
    let end = after
        .find(|c: char| c.is_whitespace() || c == ':')
        .filter(|&n| n > 0)
        .unwrap_or(after.len());
    after[end..].trim_start()
}

fn legend_entry(s: &str) -> Option<(Level, String, String)> {
    let (open, body) = strip_emphasis_open(s);
    let body = if open == 0 {
        body.strip_prefix('`').unwrap_or(body)
    } else {
        body
    };
    let (len, level) = if let Some((len, (level, _))) = priority_tag_at(body, 0) {
        (len, level)
    } else {
        // A bare `P0` is read in a legend too.
        let b = body.as_bytes();
        let digits = b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
        if b.first() == Some(&b'P') && (1..=2).contains(&digits) {
            (1 + digits, body[1..=digits].parse().ok()?)
        } else {
            return None;
        }
    };
    let rest = body[len..].trim_start_matches(['*', '_', '`']).trim_start();
    let rest = skip_alternative(rest);
    let rest = rest.strip_prefix(['-', ':', '–', '—'])?.trim();
    if rest.is_empty() {
        return None;
    }
    Some((level, format!("[P{level}]"), rest.to_owned()))
}

/// Reads `<!-- tickmark-disable-next-line CODE … -->`, `<!-- tickmark-disable CODE -->` and
/// `<!-- tickmark-enable CODE -->` comments inside an HTML range.
fn read_suppressions(text: &str, index: &LineIndex, range: TextRange, out: &mut Vec<Suppression>) {
    let html = &text[range.as_range()];
    let mut from = 0;
    while let Some(p) = html[from..].find("<!--") {
        let start = from + p + 4;
        let Some(end) = html[start..].find("-->").map(|e| start + e) else {
            break;
        };
        let body = html[start..end].trim();
        let line = index.line_of(range.start + from + p);
        let end_line = index.line_of(range.start + end);
        let codes = |rest: &str| -> Vec<String> {
            rest.split([' ', ',', '\t', '\n'])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        if let Some(rest) = body.strip_prefix("tickmark-disable-next-line") {
            out.push(Suppression::Line {
                line: end_line + 1,
                codes: codes(rest),
            });
        } else if let Some(rest) = body.strip_prefix("tickmark-disable-line") {
            out.push(Suppression::Line {
                line,
                codes: codes(rest),
            });
        } else if let Some(rest) = body.strip_prefix("tickmark-disable") {
            out.push(Suppression::Region {
                line,
                codes: codes(rest),
                enable: false,
            });
        } else if let Some(rest) = body.strip_prefix("tickmark-enable") {
            out.push(Suppression::Region {
                line,
                codes: codes(rest),
                enable: true,
            });
        }
        from = end + 3;
    }
}

fn skip_blanks(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    i
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

fn merge_ranges(ranges: &mut Vec<TextRange>) {
    let mut merged: Vec<TextRange> = Vec::with_capacity(ranges.len());
    for r in ranges.drain(..) {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    *ranges = merged;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::model::DateStyle;

    fn doc(text: &str) -> Document {
        parse(text, &BoxStates::default())
    }

    #[test]
    fn tasks_states_nesting_and_fields() {
        let text = "# Plan\n\n- [ ] a\n  - [x] b\n  - [/] c\n  - **Time:** 2-3 hours\n- [-] d\n- [>] e\n1. [X] f\n- plain\n";
        let d = doc(text);
        let kinds: Vec<_> = d
            .items
            .iter()
            .map(|i| (i.kind, i.depth, &text[i.text.as_range()]))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (ItemKind::Task(State::Open), 0, "a"),
                (ItemKind::Task(State::Done), 1, "b"),
                (ItemKind::Task(State::InProgress), 1, "c"),
                (ItemKind::Field, 1, "**Time:** 2-3 hours"),
                (ItemKind::Task(State::Cancelled), 0, "d"),
                (ItemKind::Task(State::Deferred), 0, "e"),
                (ItemKind::Task(State::Done), 0, "f"),
                (ItemKind::Plain, 0, "plain"),
            ]
        );
        assert_eq!(d.children(0), [1, 2, 3]);
        let markers: Vec<_> = d
            .items
            .iter()
            .map(|i| &text[i.marker(text).as_range()])
            .collect();
        assert_eq!(markers, ["-", "-", "-", "-", "-", "-", "1.", "-"]);
        let field = d.field(&d.items[3]).unwrap();
        assert_eq!(field.label(text), "Time");
        assert_eq!(field.estimate.map(|e| (e.low, e.high)), Some((2.0, 3.0)));
        assert_eq!(
            d.items.iter().map(|i| i.line).collect::<Vec<_>>(),
            vec![2, 3, 4, 5, 6, 7, 8, 9]
        );
    }

    #[test]
    fn boxes_in_code_and_comments_are_not_items() {
        let text = "```\n- [ ] no\n```\n\n<!--\n- [ ] no\n-->\n\n    - [ ] no\n\n- [ ] yes\n";
        let d = doc(text);
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].line, 10);
    }

    #[test]
    fn near_miss_boxes() {
        let text =
            "- [] a\n- [ x] b\n- [x ] c\n- [  ] d\n- [v] e\n- [✓] f\n-[ ] g\n- [ ]h\n- [P1] i\n";
        let d = doc(text);
        let found: Vec<_> = d
            .malformed_boxes
            .iter()
            .map(|b| (&text[b.range.as_range()], b.state))
            .collect();
        assert_eq!(
            found,
            vec![
                ("[]", State::Open),
                ("[ x]", State::Done),
                ("[x ]", State::Done),
                ("[  ]", State::Open),
                ("[v]", State::Done),
                ("[✓]", State::Done),
                ("-[ ]", State::Open),
                ("[ ]", State::Open),
            ]
        );
        assert!(d
            .items
            .iter()
            .any(|i| &text[i.text.as_range()] == "[P1] i" && !i.is_task()));
    }

    #[test]
    fn other_box_characters_are_states() {
        let text = "- [~] a\n- [✗] b\n- [✘] c\n- [×] d\n- [✓] e\n";
        let d = doc(text);
        let states: Vec<_> = d.items.iter().map(|i| i.kind).collect();
        assert_eq!(
            states,
            [
                ItemKind::Task(State::InProgress),
                ItemKind::Task(State::Cancelled),
                ItemKind::Task(State::Cancelled),
                ItemKind::Task(State::Cancelled),
                ItemKind::Task(State::Done),
            ]
        );
        // Only `[✓]` is a near-miss of a box Markdown renders.
        assert_eq!(d.malformed_boxes.len(), 1);
        assert_eq!(&text[d.malformed_boxes[0].range.as_range()], "[✓]");
        assert_eq!(&text[d.items[1].text.as_range()], "b");

        // A configured character wins over an alias; a state switched off reads no alias.
        let states = BoxStates {
            in_progress: None,
            cancelled: Some('~'),
            deferred: Some('>'),
        };
        let d = parse("- [~] a\n- [✗] b\n", &states);
        assert_eq!(d.items[0].kind, ItemKind::Task(State::Cancelled));
        assert_eq!(d.items[1].kind, ItemKind::Task(State::Cancelled));
        let off = BoxStates {
            in_progress: None,
            cancelled: None,
            deferred: None,
        };
        let d = parse("- [~] a\n- [✗] b\n", &off);
        assert!(d.items.iter().all(|i| i.kind == ItemKind::Plain));
    }

    #[test]
    fn priority_tags_in_every_dialect() {
        let text = "- [ ] [P0] a\n- [ ] **[P2]** b\n- [ ] [#B] c\n- [ ] (C) d\n- [ ] e ⏫\n- [ ] `[P9]` f\n";
        let d = doc(text);
        let levels: Vec<_> = d
            .items
            .iter()
            .map(|i| d.tags_of(i).iter().map(|t| t.level).collect::<Vec<_>>())
            .collect();
        assert_eq!(
            levels,
            vec![vec![0], vec![2], vec![1], vec![2], vec![1], vec![]]
        );
        // Tags after code spans on the same line: the backticks are counted as the scan goes.
        let text = "- [ ] `a` [P1] `[P2]` [P3] `b` `c` [P0]\n";
        let d = doc(text);
        let levels: Vec<_> = d.tags_of(&d.items[0]).iter().map(|t| t.level).collect();
        assert_eq!(levels, [1, 3, 0]);
    }

    #[test]
    fn tiers_from_the_words_of_a_heading() {
        for (title, tier) in [
            ("Tier 1: High Impact", Some(0)),
            ("TIER 3 — later", Some(2)),
            ("P0 Blockers", Some(0)),
            ("p2 things", Some(2)),
            ("High Priority", Some(1)),
            ("Medium priority", Some(2)),
            ("Lowest priority", Some(3)),
            ("Important", Some(1)),
            ("NICE-TO-HAVE extras", Some(3)),
            ("Urgent fixes", Some(0)),
            ("Highest", Some(0)),
            ("Priority: normal", Some(2)),
            ("Backlog", None),
            ("Tier two", None),
            ("High", None),
            ("Priority", None),
            ("P10", None),
            ("P1A", None),
            ("🟠 Soon", Some(1)),
            ("Nice to  have", None),
            // The colour of a step of a sequence is its status.
            ("🟢 Phase 1: Foundation", None),
            ("🟠 Sprint 4", None),
            ("🔴 Phase 2: Critical fixes", Some(0)),
            ("🟡 Phases of work", Some(2)),
        ] {
            assert_eq!(tier_of(title), tier, "{title}");
        }
    }

    #[test]
    fn a_bold_paragraph_labels_the_list_after_it() {
        let text = "**Stage 2: Tests**\n- a\n  - b\n\n**Files to Modify**:\n\n- c\n\nSome **bold** words\n- d\n\n**one** and **two**\n- e\n";
        let d = doc(text);
        let labels: Vec<(u32, u32, &str)> = d
            .list_labels
            .iter()
            .map(|l| (l.first, l.end, &text[l.label.as_range()]))
            .collect();
        assert_eq!(
            labels,
            [(0, 2, "Stage 2: Tests"), (2, 3, "Files to Modify")]
        );
        assert_eq!(d.list_label(1).map(|l| l.first), Some(0));
        assert_eq!(d.list_label(3), None);
    }

    #[test]
    fn a_legend_entry_may_name_another_form_of_its_tag() {
        assert_eq!(
            legend_entry("🔺 or `#urgent` - Urgent, highest priority"),
            Some((0, "[P0]".into(), "Urgent, highest priority".into()))
        );
        assert_eq!(
            legend_entry("**[P1]** / `p1`: Soon"),
            Some((1, "[P1]".into(), "Soon".into()))
        );
        assert_eq!(legend_entry("🔺 or something else entirely"), None);
    }

    #[test]
    fn legend_sections_tiers_and_done() {
        let text = "## Priority Levels\n- **[P0]** - Critical: Must fix\n- **[P1]** - Important: Should fix\n\n## ðŸ”´ Critical\n### âœ… Completed\n- [x] a\n## Tier 2\n## Done\n### Sub\n";
        let d = doc(text);
        assert_eq!(
            d.legend
                .iter()
                .map(|e| (e.level, e.description.as_str()))
                .collect::<Vec<_>>(),
            vec![(0, "Critical: Must fix"), (1, "Important: Should fix")]
        );
        let s: Vec<_> = d
            .sections
            .iter()
            .map(|s| (&text[s.title.as_range()], s.tier, s.done, s.parent))
            .collect();
        assert_eq!(
            s,
            vec![
                ("Priority Levels", None, false, None),
                ("ðŸ”´ Critical", Some(0), false, None),
                ("âœ… Completed", None, true, Some(1)),
                ("Tier 2", Some(1), false, None),
                ("Done", None, true, None),
                ("Sub", None, true, Some(4)),
            ]
        );
        assert_eq!(d.priority(2), Some(0));
    }

    #[test]
    fn front_matter_is_neither_a_section_nor_items() {
        let text = "---\ntitle: Roadmap\n# a YAML comment\ntags:\n- [ ] not a task\nlast_updated: 2024-12-29\n---\n# Roadmap\n\n- [ ] a\n\n---\n## Phase 2\n- [ ] b\n---\n";
        let d = doc(text);
        let titles: Vec<_> = d
            .sections
            .iter()
            .map(|s| (&text[s.title.as_range()], s.line))
            .collect();
        assert_eq!(titles, [("Roadmap", 7), ("Phase 2", 12)]);
        let items: Vec<_> = d
            .items
            .iter()
            .map(|i| (&text[i.text.as_range()], i.line))
            .collect();
        assert_eq!(items, [("a", 9), ("b", 13)]);
        let end = text.find("# Roadmap").unwrap();
        assert_eq!(d.front_matter, Some(TextRange::new(0, end)));
        assert_eq!(d.dates.len(), 1);
        assert_eq!(&text[d.dates[0].range.as_range()], "2024-12-29");
    }

    #[test]
    fn a_document_that_only_opens_front_matter_is_markdown() {
        // No closing line: the `---` is a thematic break and what follows is read as usual.
        let text = "---\ntitle: x\n# Plan\n- [ ] a\n";
        let d = doc(text);
        assert_eq!(d.front_matter, None);
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.items.len(), 1);
        assert!(d.dates.is_empty());
    }

    #[test]
    fn done_sections_and_criteria_headings() {
        for title in [
            "✅ Completed",
            "Done",
            "Already Completed",
            "Shipped",
            "Finished",
            "Completed (Q1)",
            "What's done so far",
            "Done ✅",
            "✔ Released",
            "Recently Shipped Features",
            "Phase 2 (Completed)",
        ] {
            assert_eq!(heading_kind(title), HeadingKind::Done, "{title}");
        }
        for title in [
            "Done When",
            "Done when",
            "Definition of Done",
            "Definition of done for “Admin View Next”",
            "Acceptance criteria (done when…)",
            "✅ Acceptance Criteria",
            "DoD",
            "Exit criteria",
            "When is it done",
            "Done Criteria",
            "T01_S07 Done Criteria",
            "5. What done looks like",
            "Done means",
            "Not done",
            "NOT done (read first)",
            "Not done yet",
            "Not yet completed",
            "Still to be done",
            "Almost finished",
            "Backlog",
            "Abandoned",
            "Phase 4 — Wix (closes #255, after HITL #254 is done)",
            "Blocked until auth is finished",
        ] {
            assert_ne!(heading_kind(title), HeadingKind::Done, "{title}");
        }
    }

    #[test]
    fn a_heading_under_criteria_is_a_criterion_even_with_a_tick() {
        let text = "## 🏁 Acceptance Criteria\n### ✅ Basic functionality\n- [ ] x\n## ✅ Done\n### Definition of Done\n- [x] y\n";
        let d = doc(text);
        let done: Vec<(&str, bool)> = d
            .sections
            .iter()
            .map(|s| (&text[s.title.as_range()], s.done))
            .collect();
        assert_eq!(
            done,
            [
                ("🏁 Acceptance Criteria", false),
                ("✅ Basic functionality", false),
                ("✅ Done", true),
                ("Definition of Done", true),
            ]
        );
    }

    #[test]
    fn a_date_cut_by_a_character_of_several_bytes_is_no_date() {
        assert_eq!(parse_date("2024-01-1🔴 later"), None);
        assert_eq!(parse_date("2024-0é-15"), None);
        let doc = doc("**Last Updated:** 2024-01-1🔴\n");
        assert!(doc.dates.is_empty());
        assert!(parse_date("2024-01-15").is_some());
    }

    #[test]
    fn percent_escapes_decode_only_with_two_hex_digits() {
        // A `%` before a character of several bytes, or before a sign, is kept as written.
        assert_eq!(relative_path("./a%aé.md").as_deref(), Some("./a%aé.md"));
        assert_eq!(relative_path("./a%+1.md").as_deref(), Some("./a%+1.md"));
        assert_eq!(
            relative_path("./my%20notes.md").as_deref(),
            Some("./my notes.md")
        );
        assert_eq!(relative_path("./end%41").as_deref(), Some("./endA"));
        let doc = doc("- [ ] see [x](./a%aé.md)\n");
        assert_eq!(doc.links.len(), 1);
    }

    #[test]
    fn links_dates_and_suppressions() {
        let text = "See [x](./docs/A%20B.md#top) and [y](https://e.com) and [z](#frag).\n\n**Last Updated:** 2025-01-15\n\n<!-- tickmark-disable-next-line duplicate-item -->\n- a\n";
        let d = doc(text);
        let links: Vec<_> = d
            .links
            .iter()
            .map(|l| (&text[l.destination.as_range()], l.relative_path.as_deref()))
            .collect();
        assert_eq!(
            links,
            vec![
                ("./docs/A%20B.md#top", Some("./docs/A B.md")),
                ("https://e.com", None),
                ("#frag", None)
            ]
        );
        assert_eq!(d.dates.len(), 1);
        assert_eq!(&text[d.dates[0].range.as_range()], "2025-01-15");
        assert_eq!(
            d.suppressions,
            vec![Suppression::Line {
                line: 5,
                codes: vec!["duplicate-item".into()]
            }]
        );
    }

    #[test]
    fn dates_in_words() {
        let (date, len, style) = parse_date("January 7, 2026  ").unwrap();
        assert_eq!(
            (date.to_string(), len, style),
            ("2026-01-07".to_owned(), 15, DateStyle::MonthDayYear)
        );
        assert_eq!(format_date(date, style), "January 7, 2026");
        assert_eq!(
            parse_date("7 Jan 2026").map(|d| d.0.to_string()),
            Some("2026-01-07".to_owned())
        );
        assert_eq!(parse_date("soon"), None);
    }
}
