//! The `publishDiagnostics` message as JSON, built from an incremental analysis shard by
//! shard. Each shard's diagnostics are kept as the JSON last written for them; a keystroke
//! writes anew only the shards whose diagnostics or first line changed, and the
//! `duplicate-item` diagnostics, which point across shards. The message is the one
//! [`lsp_list`] gives, element for element.

use std::collections::HashMap;

use tower_lsp::lsp_types::{self as lsp, Url};

use crate::analysis::incremental::Incremental;
use crate::analysis::{Code, Diagnostic, Encoding, LineIndex};
use crate::server::convert::{self, LineMap};

/// The JSON of each shard's diagnostics as last written.
#[derive(Debug, Default)]
pub struct WireCache {
    encoding: Option<Encoding>,
    /// By shard revision.
    shards: HashMap<u64, Written>,
}

#[derive(Debug)]
struct Written {
    /// The line the shard started on when written (every position depends on it).
    line: usize,
    json: Vec<u8>,
    /// Per diagnostic: its sort key in shard offsets and where its JSON ends in `json`.
    items: Vec<(usize, usize, Code, usize)>,
}

/// Positions in `text`, the whole text, whose line index is `index`.
fn whole<'a>(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> LineMap<'a> {
    LineMap {
        text,
        index,
        encoding,
        line_base: 0,
    }
}

/// The diagnostics of `incremental` in LSP form, in one list.
pub fn lsp_list(uri: &Url, incremental: &Incremental, encoding: Encoding) -> Vec<lsp::Diagnostic> {
    lsp_list_with(uri, incremental, &[], encoding)
}

/// [`lsp_list`] with `extra` diagnostics of the whole text (those only history tells) merged
/// in position order.
pub fn lsp_list_with(
    uri: &Url,
    incremental: &Incremental,
    extra: &[Diagnostic],
    encoding: Encoding,
) -> Vec<lsp::Diagnostic> {
    let text = incremental.text();
    let index = LineIndex::new(&text);
    let map = whole(&text, &index, encoding);
    let mut diagnostics = incremental.diagnostics();
    if !extra.is_empty() {
        diagnostics.extend(extra.iter().cloned());
        crate::analysis::rules::sort(&mut diagnostics);
    }
    diagnostics
        .iter()
        .map(|d| convert::diagnostic(&map, uri, d))
        .collect()
}

/// The body of the `publishDiagnostics` notification for `version`, reusing what `cache`
/// holds of earlier ones.
pub fn message(
    uri: &Url,
    version: i32,
    incremental: &Incremental,
    encoding: Encoding,
    cache: &mut WireCache,
) -> Vec<u8> {
    message_with(uri, version, incremental, &[], encoding, cache)
}

/// [`message`] with `extra` diagnostics of the whole text merged in (see [`lsp_list_with`]).
pub fn message_with(
    uri: &Url,
    version: i32,
    incremental: &Incremental,
    extra: &[Diagnostic],
    encoding: Encoding,
    cache: &mut WireCache,
) -> Vec<u8> {
    let mut body =
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#.to_vec();
    let _ = serde_json::to_writer(&mut body, uri.as_str());
    body.extend_from_slice(br#","diagnostics":"#);
    write_list_with(&mut body, uri, incremental, extra, encoding, cache);
    body.extend_from_slice(br#","version":"#);
    body.extend_from_slice(version.to_string().as_bytes());
    body.extend_from_slice(b"}}");
    body
}

/// The diagnostics of `incremental` as a JSON array, the one [`lsp_list`] gives, appended
/// to `body`, reusing what `cache` holds of earlier lists.
pub fn write_list(
    body: &mut Vec<u8>,
    uri: &Url,
    incremental: &Incremental,
    encoding: Encoding,
    cache: &mut WireCache,
) {
    write_list_with(body, uri, incremental, &[], encoding, cache);
}

/// [`write_list`] with `extra` diagnostics of the whole text merged in, as those that point
/// across shards are.
pub fn write_list_with(
    body: &mut Vec<u8>,
    uri: &Url,
    incremental: &Incremental,
    extra: &[Diagnostic],
    encoding: Encoding,
    cache: &mut WireCache,
) {
    if cache.encoding != Some(encoding) {
        cache.shards.clear();
        cache.encoding = Some(encoding);
    }
    // The diagnostics that point across shards, converted against the whole text.
    let mut wide = incremental.document_wide();
    if !extra.is_empty() {
        wide.extend(extra.iter().cloned());
        crate::analysis::rules::sort(&mut wide);
    }
    let mut wide_json: Vec<(usize, usize, Code, Vec<u8>)> = Vec::with_capacity(wide.len());
    if !wide.is_empty() {
        let map = convert::PartsMap::new(
            incremental
                .shards()
                .map(|shard| (shard.start, convert::shard_map(&shard, encoding))),
        );
        for d in &wide {
            let json = serde_json::to_vec(&convert::diagnostic(&map, uri, d)).unwrap_or_default();
            wide_json.push((d.range.start, d.range.end, d.code, json));
        }
    }
    let mut wide_json = wide_json.into_iter().peekable();

    body.reserve(16 + cache.shards.values().map(|w| w.json.len()).sum::<usize>());
    body.push(b'[');
    let mut first = true;
    let mut push = |body: &mut Vec<u8>, json: &[u8]| {
        if !first {
            body.push(b',');
        }
        first = false;
        body.extend_from_slice(json);
    };
    let mut kept = HashMap::with_capacity(cache.shards.len());
    for shard in incremental.shards() {
        let written = match cache.shards.remove(&shard.revision) {
            Some(w) if w.line == shard.line => w,
            _ => write_shard(uri, &shard, encoding),
        };
        let mut from = 0;
        for &(start, end, code, to) in &written.items {
            let key = (shard.start + start, shard.start + end, code);
            while let Some((_, _, _, json)) = wide_json.next_if(|(s, e, c, _)| (*s, *e, *c) < key) {
                push(body, &json);
            }
            push(body, &written.json[from..to]);
            from = to;
        }
        if !written.items.is_empty() {
            kept.insert(shard.revision, written);
        }
    }
    for (_, _, _, json) in wide_json {
        push(body, &json);
    }
    cache.shards = kept;
    body.push(b']');
}

fn write_shard(
    uri: &Url,
    shard: &crate::analysis::incremental::ShardView<'_>,
    encoding: Encoding,
) -> Written {
    let map = LineMap {
        text: shard.text,
        index: shard.line_index,
        encoding,
        line_base: shard.line as u32,
    };
    let mut json = Vec::new();
    let mut items = Vec::with_capacity(shard.diagnostics.len());
    for d in shard.diagnostics {
        write_one(&mut json, &map, uri, d);
        items.push((d.range.start, d.range.end, d.code, json.len()));
    }
    Written {
        line: shard.line,
        json,
        items,
    }
}

fn write_one(out: &mut Vec<u8>, map: &LineMap<'_>, uri: &Url, d: &Diagnostic) {
    let _ = serde_json::to_writer(&mut *out, &convert::diagnostic(map, uri, d));
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::{lsp_list, message, WireCache};
    use crate::analysis::incremental::Incremental;
    use crate::analysis::{Encoding, Inputs, Settings, TextRange};
    use tower_lsp::lsp_types::notification::{Notification, PublishDiagnostics};
    use tower_lsp::lsp_types::{PublishDiagnosticsParams, Url};

    /// One cache per encoding, as a session has one encoding.
    fn same_as_the_list(inc: &Incremental, caches: &mut [WireCache; 2], version: i32) {
        let uri = Url::parse("file:///w/ROADMAP.md").unwrap();
        for (encoding, cache) in [Encoding::Utf16, Encoding::Utf8].into_iter().zip(caches) {
            let body: serde_json::Value =
                serde_json::from_slice(&message(&uri, version, inc, encoding, cache)).unwrap();
            let list = lsp_list(&uri, inc, encoding);
            let params = PublishDiagnosticsParams::new(uri.clone(), list, Some(version));
            // What tower-lsp's client would have sent.
            let request = tower_lsp::jsonrpc::Request::build(PublishDiagnostics::METHOD)
                .params(serde_json::to_value(params).unwrap())
                .finish();
            assert_eq!(body, serde_json::to_value(request).unwrap());
        }
    }

    #[test]
    fn the_message_built_shard_by_shard_is_the_whole_list() {
        let text = "# Roadmap 🗺️\n\n## Priority Levels\n- **[P0]** - Critical: now\n- **[P1]** - High: soon\n\n\
            ## 🔴 Area one\n\n- [x] Ship 𝄞 it\n  - [ ] open\n- [ ] [P4] Far\n- [] Broken\n\n\
            ## Area two\n\n- [ ] Ship 𝄞 it\n- Plain\n\n## Area three\n\n- [ ] [P1] Fine\n- [] Again\n";
        let inputs = Inputs::default();
        let settings = Settings::default();
        let mut inc = Incremental::new(text.to_owned(), &inputs, &settings);
        assert!(inc.shard_count() > 3);
        assert!(!inc.diagnostics().is_empty());
        let mut cache = [WireCache::default(), WireCache::default()];
        same_as_the_list(&inc, &mut cache, 1);

        // A character in a line, then a new line above everything below, then a legend
        // entry that changes what every shard's unknown-priority says.
        let at = text.find("Broken").unwrap();
        inc.edit(TextRange::empty(at), "x");
        inc.refresh(&inputs, &settings);
        same_as_the_list(&inc, &mut cache, 2);
        inc.edit(TextRange::empty(at), "\n- [ ] Ship 𝄞 it\n");
        inc.refresh(&inputs, &settings);
        same_as_the_list(&inc, &mut cache, 3);
        let legend = inc.text().find("- **[P1]**").unwrap();
        inc.edit(TextRange::empty(legend), "- **[P4]** - Later: some day\n");
        inc.refresh(&inputs, &settings);
        same_as_the_list(&inc, &mut cache, 4);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// Random edits, one message after each: always the whole list, element for element.
        #[test]
        fn every_message_is_the_whole_list(
            edits in proptest::collection::vec(
                (0..=1000usize, 0..30usize, proptest::sample::select(&[
                    "", "\n", "x", "## New\n", "- [] y\n", "- [ ] Ship 𝄞 it\n", "[P7] ",
                    "- **[P7]** - Odd: one\n- **[P8]** - Odd: two\n", "```\n", "\r\n",
                ][..])),
                1..10,
            )
        ) {
            let mut text = String::new();
            for n in 0..8 {
                let _ = write!(
                    text,
                    "## Area {n}\n\n- [x] Ship 𝄞 it\n  - [ ] open\n- [ ] [P5] Far {n}\n- [] Broken\n\n"
                );
            }
            let inputs = Inputs::default();
            let settings = Settings::default();
            let mut inc = Incremental::new(text.clone(), &inputs, &settings);
            let mut caches = [WireCache::default(), WireCache::default()];
            for (version, (at, remove, insert)) in (1..).zip(edits) {
                let len = inc.text().len();
                let mut start = len * at / 1000;
                while !inc.text().is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + remove).min(len);
                while !inc.text().is_char_boundary(end) {
                    end -= 1;
                }
                inc.edit(TextRange::new(start, end), insert);
                inc.refresh(&inputs, &settings);
                same_as_the_list(&inc, &mut caches, version);
            }
        }
    }
}
