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
use super::text::{LineIndex, TextRange};

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
    for Part { start, line, doc } in parts {
        let base = Base {
            start,
            line,
            section: out.sections.len(),
            item: out.items.len() as u32,
        };
        append_sections(&mut out, &mut open, doc, &base);
        append_items(&mut out, doc, &base);
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
