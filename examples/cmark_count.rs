//! An independent task count, for comparing tickmark's progress with plain CommonMark.
//!
//! Reads one markdown file and prints `{ "total": N, "done": M }`: the GitHub task-list
//! items that pulldown-cmark sees, counted leaf-first (a task counts only when no task is
//! nested below it, at any depth). Nesting is whatever CommonMark says it is, read from
//! `Start(Item)`/`End(Item)`; nothing of tickmark's own parser is used, so a difference
//! between the two counts points at a place where tickmark reads lists its own way.
//!
//! ```sh
//! cargo run --example cmark_count -- path/to/ROADMAP.md
//! ```

use std::process::ExitCode;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One open list item: its task box (if any) and whether a task sits below it.
#[derive(Default)]
struct Open {
    task: Option<bool>,
    task_below: bool,
}

/// Leaf-first count of the task-list items in `text`: `(total, done)`.
fn count(text: &str) -> (usize, usize) {
    let options = Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut stack: Vec<Open> = Vec::new();
    let (mut total, mut done) = (0, 0);
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::Item) => stack.push(Open::default()),
            Event::TaskListMarker(checked) => {
                if let Some(item) = stack.last_mut() {
                    item.task = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => {
                let Some(item) = stack.pop() else { continue };
                if let Some(checked) = item.task {
                    if !item.task_below {
                        total += 1;
                        done += usize::from(checked);
                    }
                }
                if item.task.is_some() || item.task_below {
                    if let Some(parent) = stack.last_mut() {
                        parent.task_below = true;
                    }
                }
            }
            _ => {}
        }
    }
    (total, done)
}

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: cmark_count FILE");
        return ExitCode::from(2);
    };
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            eprintln!("{}: {err}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let (total, done) = count(&text);
    println!("{{ \"total\": {total}, \"done\": {done} }}");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn a_parent_counts_through_its_subtasks() {
        let text = "- [ ] parent\n  - [x] a\n  - [ ] b\n- [x] alone\n";
        assert_eq!(count(text), (3, 2));
    }

    #[test]
    fn a_plain_item_between_tasks_passes_nesting_up() {
        let text = "- [x] top\n  - plain\n    - [ ] deep\n";
        assert_eq!(count(text), (1, 0));
    }

    #[test]
    fn tab_nesting_and_front_matter_follow_commonmark() {
        let text = "---\ntitle: x\n---\n- [ ] a\n\t- [x] b\n";
        assert_eq!(count(text), (1, 1));
    }
}
