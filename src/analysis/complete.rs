//! Completions as plain data: priority tags from the legend, the task box, field labels.
