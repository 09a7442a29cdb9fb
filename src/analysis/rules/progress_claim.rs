//! ## progress-claim
//!
//! **What it flags.** A hand-written progress count in a heading or a parent item that
//! disagrees with the tasks below it: `[2/5]`, `[40%]`, `(3 of 5)`. Counted as `tickmark stats`
//! counts (leaf-first, cancelled tasks left out).
//!
//! **Why.** Counts typed by hand go stale the moment a box is ticked.
//!
//! **Example.**
//! ```markdown
//! ## Security [1/3]
//! - [x] HTTPS
//! - [x] Helmet
//! - [ ] CSRF
//! ```
//!
//! **Fix (safe).** Rewrite the claim to the true count, in the same notation.

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::stats::{counts_by_section, item_counts, Counts};
use crate::analysis::text::{Edit, TextRange};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    // Every section's counts in one linear pass, computed on the first claim: counting per
    // claimed heading would walk the whole document once per heading.
    let mut per_section: Option<Vec<Counts>> = None;
    for section in &doc.sections {
        let title = &ctx.text[section.title.as_range()];
        if let Some(claim) = find_claim(title) {
            let counts = per_section.get_or_insert_with(|| counts_by_section(doc))[section.id];
            compare(ctx, section.title.start, &claim, counts, out);
        }
    }
    for item in doc.items.iter().filter(|i| !i.children.is_empty()) {
        let text = &ctx.text[item.text.as_range()];
        if let Some(claim) = find_claim(text) {
            if let Some(counts) = item_counts(doc, item.id) {
                compare(ctx, item.text.start, &claim, counts, out);
            }
        }
    }
}

struct Claim {
    range: TextRange,
    done: usize,
    total: Option<usize>,
    percent: bool,
    form: Form,
}

#[derive(Clone, Copy)]
enum Form {
    Slash,
    Percent,
    Of,
}

fn compare(ctx: &Ctx<'_>, base: usize, claim: &Claim, counts: Counts, out: &mut Vec<Diagnostic>) {
    if counts.total == 0 {
        return;
    }
    let right = if claim.percent {
        claim.done == counts.percent() as usize
    } else {
        claim.done == counts.done && claim.total == Some(counts.total)
    };
    if right {
        return;
    }
    let truth = match claim.form {
        Form::Slash => format!("[{}/{}]", counts.done, counts.total),
        Form::Percent => format!("[{}%]", counts.percent()),
        Form::Of => format!("({} of {})", counts.done, counts.total),
    };
    let range = claim.range.shift(base);
    let written = &ctx.text[range.as_range()];
    out.push(
        Diagnostic::new(
            Code::ProgressClaim,
            range,
            format!(
                "Claims {written}, but {} of {} tasks are done: update it to {truth}",
                counts.done, counts.total
            ),
        )
        .with_fix(Fix::safe(
            format!("Update to {truth}"),
            [Edit::replace(range, truth)],
        )),
    );
}

/// True when `s` (a heading's title) claims progress: `[d/t]`, `[p%]` or `(d of t)`.
pub(crate) fn claims_progress(s: &str) -> bool {
    find_claim(s).is_some()
}

/// The first `[d/t]`, `[p%]` or `(d of t)` in `s`.
fn find_claim(s: &str) -> Option<Claim> {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c != b'[' && c != b'(' {
            continue;
        }
        let (n1, j) = digits(s, i + 1)?;
        if c == b'[' {
            if b.get(j) == Some(&b'%') && b.get(j + 1) == Some(&b']') {
                return Some(Claim {
                    range: TextRange::new(i, j + 2),
                    done: n1,
                    total: None,
                    percent: true,
                    form: Form::Percent,
                });
            }
            if b.get(j) == Some(&b'/') {
                if let Some((n2, k)) = digits(s, j + 1) {
                    if b.get(k) == Some(&b']') {
                        return Some(Claim {
                            range: TextRange::new(i, k + 1),
                            done: n1,
                            total: Some(n2),
                            percent: false,
                            form: Form::Slash,
                        });
                    }
                }
            }
        } else if s[j..].starts_with(" of ") {
            if let Some((n2, k)) = digits(s, j + 4) {
                if b.get(k) == Some(&b')') {
                    return Some(Claim {
                        range: TextRange::new(i, k + 1),
                        done: n1,
                        total: Some(n2),
                        percent: false,
                        form: Form::Of,
                    });
                }
            }
        }
    }
    None
}

fn digits(s: &str, at: usize) -> Option<(usize, usize)> {
    let n = s
        .as_bytes()
        .get(at..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n == 0 || n > 6 {
        return None;
    }
    Some((s[at..at + n].parse().ok()?, at + n))
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn wrong_claims_in_headings_and_parents() {
        check(
            r"
## Security [1/3]
//          ^^^^^ information: progress-claim
- [x] HTTPS
- [x] Helmet
- [ ] CSRF (1 of 2)
//^^^ hint: parent-completable
//         ^^^^^^^^ information: progress-claim
  - [x] token
  - [x] header
## Halfway [50%]
- [x] a
- [ ] b
",
        );
    }

    #[test]
    fn rewrites_in_the_same_notation() {
        check_fix(
            "progress-claim",
            "## S [10%]\n- [x] a\n- [ ] b\n- [ ] c\n",
            "## S [33%]\n- [x] a\n- [ ] b\n- [ ] c\n",
        );
        check_fix(
            "progress-claim",
            "- [ ] P (0 of 1)\n  - [x] a\n",
            "- [ ] P (1 of 1)\n  - [x] a\n",
        );
    }
}
