//! Edit builders for the editor's actions (toggle, check with subtasks, set priority,
//! convert, sort, move done items, ignore a rule on a line). Pure: text and model in, fixes out.
