//! One [`Document`] for the whole text, put together from the documents of its shards.
//!
//! The incremental engine parses each shard alone (see [`super::incremental`]). Every request
//! that reads the model of the whole document (outline, hover, code actions, statistics)
//! reads the document stitched here, so the text is parsed once per version, shard by shard.
//! What a shard cannot know alone is settled here, as [`super::parse`] settles it for the
//! whole text: the parent of a section whose heading is deeper than the shard's first one
//! (`##` under the `#` of an earlier shard) and where each section ends (at the next heading
//! of the same or a higher level, in whichever shard it is).
//!
//! The result equals `parse` of the whole text (a property test holds it to that).

use super::model::{Document, SectionId};
use super::text::{self, LineIndex, TextRange};

/// One shard's document, with where the shard starts: its byte offset and line.
pub struct Part<'a> {
    pub start: usize,
    pub line: usize,
    pub doc: &'a Document,
}

/// The document of `text`, from the documents of the shards that cover it in order.
pub fn stitch<'a>(text: &str, parts: impl IntoIterator<Item = Part<'a>>) -> Document {
    let mut out = Document::default();
    // The sections still open at the current heading, outermost first.
    let mut open: Vec<SectionId> = Vec::new();
    let parts: Vec<Part<'a>> = parts.into_iter().collect();
    for (k, &Part { start, line, doc }) in parts.iter().enumerate() {
        let base = Base {
            start,
            line,
            section: out.sections.len(),
            item: out.items.len() as u32,
        };
        append_sections(&mut out, &mut open, doc, &base);
        let first_item = out.items.len();
        append_items(&mut out, doc, &base);
        // Alone, a shard's last item that opens on an empty line runs over the blank lines
        // after it to the shard's end; in the whole text it ends with its line.
        if let Some(next) = parts.get(k + 1) {
            let shard = &text[start..next.start];
            for item in &mut out.items[first_item..] {
                if item.range.end == next.start {
                    if let Some(end) = empty_item_end(
                        shard,
                        TextRange::new(item.range.start - start, item.range.end - start),
                        item,
                    ) {
                        item.range.end = start + end;
                    }
                }
            }
        }
        append_rest(&mut out, doc, &base);
    }
    end_sections(&mut out, text.len());
    out.line_index = LineIndex::new(text);
    out
}

/// What a shard's ids and offsets are shifted by.
struct Base {
    start: usize,
    line: usize,
    section: SectionId,
    item: u32,
}

impl Base {
    fn range(&self, r: TextRange) -> TextRange {
        r.shift(self.start)
    }
}

fn append_sections(out: &mut Document, open: &mut Vec<SectionId>, doc: &Document, base: &Base) {
    for s in &doc.sections {
        let id = s.id + base.section;
        while open
            .last()
            .is_some_and(|&o| out.sections[o].level >= s.level)
        {
            open.pop();
        }
        // A shard's outermost sections have their parent, if any, in an earlier shard.
        let parent = if let Some(p) = s.parent {
            Some(p + base.section)
        } else {
            let parent = open.last().copied();
            if let Some(p) = parent {
                out.sections[p].children.push(id);
            }
            parent
        };
        debug_assert_eq!(parent, open.last().copied());
        let mut section = s.clone();
        section.id = id;
        section.line += base.line;
        section.heading = base.range(s.heading);
        section.title = base.range(s.title);
        section.range = base.range(s.range);
        section.parent = parent;
        for child in &mut section.children {
            *child += base.section;
        }
        out.sections.push(section);
        open.push(id);
    }
}

fn append_items(out: &mut Document, doc: &Document, base: &Base) {
    let (children, tags, fields) = (
        out.child_ids.len() as u32,
        out.tags.len() as u32,
        out.fields.len() as u32,
    );
    out.items.extend(doc.items.iter().map(|i| {
        let mut item = i.clone();
        item.id += base.item as usize;
        item.line += base.line;
        item.range = base.range(i.range);
        item.checkbox = i.checkbox.map(|r| base.range(r));
        item.text = base.range(i.text);
        item.parent_id = i.parent_id.map(|p| p + base.item);
        item.children.start += children;
        item.section_id = i.section_id.map(|s| s + base.section as u32);
        item.tags.start += tags;
        item.field = i.field.map(|f| f + fields);
        item
    }));
    out.child_ids
        .extend(doc.child_ids.iter().map(|&c| c + base.item as usize));
    out.tags.extend(doc.tags.iter().map(|t| {
        let mut tag = t.clone();
        tag.range = base.range(t.range);
        tag
    }));
    out.fields.extend(doc.fields.iter().map(|f| {
        let mut field = f.clone();
        field.label_range = base.range(f.label_range);
        field.label_raw_range = base.range(f.label_raw_range);
        field.value_range = base.range(f.value_range);
        field
    }));
}

fn append_rest(out: &mut Document, doc: &Document, base: &Base) {
    use super::model::Suppression;
    let item = |i: usize| i + base.item as usize;
    out.legend.extend(doc.legend.iter().map(|e| {
        let mut entry = e.clone();
        entry.item = item(e.item);
        entry
    }));
    out.links.extend(doc.links.iter().map(|l| {
        let mut link = l.clone();
        link.destination = base.range(l.destination);
        link
    }));
    out.dates.extend(doc.dates.iter().map(|d| {
        let mut date = d.clone();
        date.range = base.range(d.range);
        date
    }));
    out.suppressions.extend(doc.suppressions.iter().map(|s| {
        let mut s = s.clone();
        match &mut s {
            Suppression::Line { line, .. } | Suppression::Region { line, .. } => {
                *line += base.line;
            }
        }
        s
    }));
    out.code.extend(doc.code.iter().map(|&r| base.range(r)));
    out.malformed_boxes
        .extend(doc.malformed_boxes.iter().map(|b| {
            let mut b = b.clone();
            b.range = base.range(b.range);
            b.fix.range = base.range(b.fix.range);
            b.item = b.item.map(item);
            b
        }));
    out.malformed_tags
        .extend(doc.malformed_tags.iter().map(|t| {
            let mut t = t.clone();
            t.range = base.range(t.range);
            t
        }));
    if out.front_matter.is_none() {
        out.front_matter = doc.front_matter.map(|r| base.range(r));
    }
    out.list_labels.extend(doc.list_labels.iter().map(|l| {
        let mut l = l.clone();
        l.first += base.item;
        l.end += base.item;
        l.label = base.range(l.label);
        l
    }));
    out.has_reference_definitions |= doc.has_reference_definitions;
}

/// Ends every section at the next heading of the same or a higher level, else at the end of
/// the text, as `parse` ends them: a shard ends its last sections at its own end.
fn end_sections(doc: &mut Document, len: usize) {
    let mut open: Vec<SectionId> = Vec::new();
    for id in 0..doc.sections.len() {
        let (level, start) = (doc.sections[id].level, doc.sections[id].heading.start);
        while let Some(&o) = open.last() {
            if doc.sections[o].level < level {
                break;
            }
            doc.sections[o].range.end = start;
            open.pop();
        }
        open.push(id);
    }
    for o in open {
        doc.sections[o].range.end = len;
    }
}

/// The documents of the pieces of `text` that start at `bounds` (0 first, in order), cut
/// from `doc`, the document of the whole text: what `parse` gives for each piece alone,
/// without parsing it again. Each bound must start a `#` or `##` heading at the start of
/// a line (or be 0), as the incremental engine cuts.
pub fn split(text: &str, doc: &Document, bounds: &[usize]) -> Vec<Document> {
    let mut out = Vec::with_capacity(bounds.len());
    let (mut s0, mut i0) = (0, 0);
    for (k, &start) in bounds.iter().enumerate() {
        let end = bounds.get(k + 1).copied().unwrap_or(text.len());
        let s1 = s0 + doc.sections[s0..].partition_point(|s| s.heading.start < end);
        let i1 = i0 + doc.items[i0..].partition_point(|i| i.range.start < end);
        let piece = Piece {
            start,
            end,
            line: doc.line_index.line_of(start),
            end_line: if end == text.len() {
                usize::MAX
            } else {
                doc.line_index.line_of(end)
            },
            sections: s0..s1,
            items: i0..i1,
        };
        out.push(cut_piece(&text[start..end], doc, &piece));
        (s0, i0) = (s1, i1);
    }
    out
}

/// Where a piece is in the whole document.
struct Piece {
    start: usize,
    end: usize,
    line: usize,
    end_line: usize,
    sections: std::ops::Range<SectionId>,
    items: std::ops::Range<usize>,
}

impl Piece {
    fn holds(&self, r: TextRange) -> bool {
        self.start <= r.start && r.start < self.end
    }

    fn range(&self, r: TextRange) -> TextRange {
        TextRange::new(r.start - self.start, r.end.min(self.end) - self.start)
    }
}

/// The entries of `all` (in document order) written inside `piece`.
fn block<T>(all: &[T], start: impl Fn(&T) -> usize, piece: &Piece) -> std::ops::Range<usize> {
    let first = all.partition_point(|t| start(t) < piece.start);
    first..first + all[first..].partition_point(|t| start(t) < piece.end)
}

/// Where an outermost list item that opens on an empty line (`- ` and nothing else on its
/// line) ends in a text that goes on after it: with its first line. `range` is its range in
/// `text`; `None` for any other item, or when more than blank lines follow that line in
/// `range`. pulldown-cmark ends such an item at the end of the text when only blank lines
/// follow it there, and at its line otherwise.
fn empty_item_end(text: &str, range: TextRange, item: &super::model::Item) -> Option<usize> {
    let line_start = text::line_start_before(text.as_bytes(), range.start);
    // Not in a block quote or another container.
    if item.parent_id.is_some()
        || item.checkbox.is_some()
        || !text[line_start..range.start].trim().is_empty()
    {
        return None;
    }
    let rest = &text[range.start..range.end];
    let line_end = range.start + text::next_line_start(rest.as_bytes(), 0);
    let first = text[range.start..line_end].trim_start();
    let after = if let Some(after) = first.strip_prefix(['-', '+', '*']) {
        after
    } else {
        let digits = first.trim_start_matches(|c: char| c.is_ascii_digit());
        if digits.len() == first.len() {
            return None;
        }
        digits.strip_prefix(['.', ')'])?
    };
    (after.trim().is_empty() && text[line_end..range.end].trim().is_empty()).then_some(line_end)
}

fn cut_piece(text: &str, doc: &Document, piece: &Piece) -> Document {
    use super::model::Suppression;
    let (s0, i0) = (piece.sections.start, piece.items.start);
    let items = &doc.items[piece.items.clone()];
    let mut out = Document {
        line_index: LineIndex::new(text),
        ..Document::default()
    };
    out.sections = doc.sections[piece.sections.clone()]
        .iter()
        .map(|s| {
            let mut section = s.clone();
            section.id -= s0;
            section.line -= piece.line;
            section.heading = piece.range(s.heading);
            section.title = piece.range(s.title);
            section.range = piece.range(s.range);
            section.parent = s.parent.filter(|&p| p >= s0).map(|p| p - s0);
            section.children = s
                .children
                .iter()
                .filter(|&&c| piece.sections.contains(&c))
                .map(|&c| c - s0)
                .collect();
            section
        })
        .collect();
    // The shared arrays hold a piece's entries in one block, from where they stood when the
    // piece began; tags and fields are found by where they are written (the fields array
    // keeps the fields of items that turned out to be legend entries).
    let children_base = items.iter().map(|i| i.children.start).min().unwrap_or(0);
    let children_end = items
        .iter()
        .map(|i| i.children.start + i.children.len)
        .max();
    let tags = block(&doc.tags, |t| t.range.start, piece);
    let fields = block(&doc.fields, |f| f.label_raw_range.start, piece);
    let (tags_base, fields_base) = (tags.start as u32, fields.start as u32);
    out.items = items
        .iter()
        .map(|i| {
            let mut item = i.clone();
            item.id -= i0;
            item.line -= piece.line;
            item.range = piece.range(i.range);
            item.checkbox = i.checkbox.map(|r| piece.range(r));
            item.text = piece.range(i.text);
            item.parent_id = i.parent_id.map(|p| p - i0 as u32);
            item.children.start -= children_base;
            item.section_id = i.section_id.map(|s| s - s0 as u32);
            item.tags.start -= tags_base;
            item.field = i.field.map(|f| f - fields_base);
            item
        })
        .collect();
    // Alone, the piece's last item that opens on an empty line runs over the blank lines
    // after it to the piece's end (see `stitch`).
    if piece.end_line != usize::MAX {
        for item in &mut out.items {
            if empty_item_end(text, item.range, item) == Some(item.range.end)
                && text[item.range.end..].trim().is_empty()
            {
                item.range.end = text.len();
            }
        }
    }
    if let Some(end) = children_end {
        out.child_ids = doc.child_ids[children_base as usize..end as usize]
            .iter()
            .map(|&c| c - i0)
            .collect();
    }
    out.tags = doc.tags[tags]
        .iter()
        .map(|t| {
            let mut tag = t.clone();
            tag.range = piece.range(t.range);
            tag
        })
        .collect();
    out.fields = doc.fields[fields]
        .iter()
        .map(|f| {
            let mut field = f.clone();
            field.label_range = piece.range(f.label_range);
            field.label_raw_range = piece.range(f.label_raw_range);
            field.value_range = piece.range(f.value_range);
            field
        })
        .collect();
    let item_in = |i: usize| piece.items.contains(&i);
    out.legend = doc
        .legend
        .iter()
        .filter(|e| item_in(e.item))
        .map(|e| {
            let mut entry = e.clone();
            entry.item -= i0;
            entry
        })
        .collect();
    out.links = doc
        .links
        .iter()
        .filter(|l| piece.holds(l.destination))
        .map(|l| {
            let mut link = l.clone();
            link.destination = piece.range(l.destination);
            link
        })
        .collect();
    out.dates = doc
        .dates
        .iter()
        .filter(|d| piece.holds(d.range))
        .map(|d| {
            let mut date = d.clone();
            date.range = piece.range(d.range);
            date
        })
        .collect();
    out.suppressions = doc
        .suppressions
        .iter()
        .filter_map(|s| {
            let mut s = s.clone();
            let (Suppression::Line { line, .. } | Suppression::Region { line, .. }) = &mut s;
            if *line < piece.line || *line >= piece.end_line {
                return None;
            }
            *line -= piece.line;
            Some(s)
        })
        .collect();
    out.code = doc
        .code
        .iter()
        .filter(|&&r| piece.holds(r))
        .map(|&r| piece.range(r))
        .collect();
    out.malformed_boxes = doc
        .malformed_boxes
        .iter()
        .filter(|b| piece.holds(b.range))
        .map(|b| {
            let mut b = b.clone();
            b.range = piece.range(b.range);
            b.fix.range = piece.range(b.fix.range);
            b.item = b.item.map(|i| i - i0);
            b
        })
        .collect();
    out.malformed_tags = doc
        .malformed_tags
        .iter()
        .filter(|t| piece.holds(t.range))
        .map(|t| {
            let mut t = t.clone();
            t.range = piece.range(t.range);
            t
        })
        .collect();
    out.front_matter = doc
        .front_matter
        .filter(|&r| piece.holds(r))
        .map(|r| piece.range(r));
    out.list_labels = doc
        .list_labels
        .iter()
        .filter(|l| item_in(l.first as usize))
        .map(|l| {
            let mut l = l.clone();
            l.first -= i0 as u32;
            l.end -= i0 as u32;
            l.label = piece.range(l.label);
            l
        })
        .collect();
    out.has_reference_definitions = doc.has_reference_definitions;
    out
}
