//! Hover text for tasks and headings, as Markdown. History is passed in as data.
