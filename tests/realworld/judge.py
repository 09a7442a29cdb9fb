#!/usr/bin/env python3
"""Run tickmark over the real-world corpus and compare it with the judged verdicts.

    python3 tests/realworld/judge.py /work/rw-cache            # full report
    python3 tests/realworld/judge.py /work/rw-cache --unjudged # TSV rows still to judge
    python3 tests/realworld/judge.py /work/rw-cache --table    # precision table (markdown)

The corpus files live outside the repository (see README.md beside this script); the
directory argument holds them under the `cache_name` given in manifest.tsv.

For every file the script prints tickmark's task count (`tickmark stats`) beside an
independent CommonMark count (`examples/cmark_count.rs`, pulldown-cmark events only), then
every diagnostic of `tickmark check` with its source line and the verdict recorded in
verdicts.tsv (keyed by repo, path, line and code). Diagnostics without a verdict are marked
UNJUDGED; verdicts without a current diagnostic are listed as STALE. Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TICKMARK = ROOT / "target" / "debug" / "tickmark"
CMARK = ROOT / "target" / "debug" / "examples" / "cmark_count"


def read_tsv(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


def build():
    for args in (["build", "--quiet"], ["build", "--quiet", "--example", "cmark_count"]):
        subprocess.run(["cargo", *args], cwd=ROOT, check=True)


def staged(cache, entry, work):
    """Copy one corpus file to its original path in a fresh git repository whose only
    commit carries the date of the file's last change upstream, so that `stale-date`
    compares with the same date it would see in the original repository. Links to other
    files of that repository still point nowhere (see README.md on `broken-link`)."""
    repo = Path(work) / entry["id"]
    target = repo / entry["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache / entry["cache_name"], target)
    env = dict(os.environ, GIT_AUTHOR_DATE=entry["changed"], GIT_COMMITTER_DATE=entry["changed"])
    git = ["git", "-c", "user.name=corpus", "-c", "user.email=corpus@invalid", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "corpus"], check=True, env=env)
    return repo, entry["path"]


def analyse(cache, entry, work):
    repo, rel = staged(cache, entry, work)

    def tool(*args):
        out = subprocess.run(args, cwd=repo, capture_output=True, text=True)
        if out.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(map(str, args))} failed:\n{out.stderr}")
        return json.loads(out.stdout)

    stats = next(iter(tool(TICKMARK, "stats", "--format", "json", rel).values()))
    diags = tool(TICKMARK, "check", "--format", "json", rel)
    cmark = tool(CMARK, rel)
    lines = (repo / rel).read_text(encoding="utf-8", errors="replace").split("\n")
    return stats, cmark, diags, lines


def key(entry, line, code):
    return (entry["repo"], entry["path"], str(line), code)


def main():
    argv = sys.argv[1:]
    if not argv or argv[0].startswith("-"):
        raise SystemExit(__doc__)
    cache = Path(argv[0])
    mode = argv[1] if len(argv) > 1 else "--report"
    build()
    manifest = read_tsv(HERE / "manifest.tsv")
    verdict_path = HERE / "verdicts.tsv"
    verdicts = {}
    if verdict_path.exists():
        for row in read_tsv(verdict_path):
            verdicts[(row["repo"], row["path"], row["line"], row["code"])] = row

    seen = set()
    tally = defaultdict(Counter)
    unjudged = []
    mismatches = []
    work = tempfile.mkdtemp(prefix="tickmark-realworld-")
    for entry in manifest:
        stats, cmark, diags, lines = analyse(cache, entry, work)
        tm = (stats["total"], stats["done"])
        cm = (cmark["total"], cmark["done"])
        if tm != cm:
            mismatches.append((entry, tm, cm))
        if mode == "--report":
            mark = "" if tm == cm else "   <-- differs"
            print(f"\n== {entry['id']} {entry['repo']} {entry['path']}")
            print(f"   tickmark {tm[0]} tasks, {tm[1]} done; commonmark {cm[0]} tasks, {cm[1]} done{mark}")
        for d in diags:
            k = key(entry, d["line"], d["code"])
            seen.add(k)
            v = verdicts.get(k)
            text = lines[d["line"] - 1] if d["line"] - 1 < len(lines) else ""
            if v is None:
                unjudged.append((entry, d, text))
                tally[d["code"]]["unjudged"] += 1
            else:
                tally[d["code"]][v["verdict"]] += 1
            if mode == "--report":
                label = v["verdict"].upper() if v else "UNJUDGED"
                print(f"   {d['line']:>5} {d['code']:<20} {label:<9} {d['message']}")
                print(f"         | {text.strip()[:140]}")
                if v:
                    print(f"         > {v['reason']}")

    shutil.rmtree(work, ignore_errors=True)
    stale = [k for k in verdicts if k not in seen]
    if mode == "--unjudged":
        for entry, d, text in unjudged:
            print("\t".join([entry["repo"], entry["path"], entry["commit"], str(d["line"]),
                             d["code"], "", text.strip()[:100]]))
        return
    if mode == "--table" or mode == "--report":
        print("\n| rule | diagnostics | true | false | debatable | precision |")
        print("|---|---:|---:|---:|---:|---:|")
        for code in sorted(tally):
            c = tally[code]
            n = sum(c.values())
            judged = c["true"] + c["false"]
            prec = f"{c['true'] / judged:.0%}" if judged else "n/a"
            extra = f" ({c['unjudged']} unjudged)" if c["unjudged"] else ""
            print(f"| `{code}` | {n}{extra} | {c['true']} | {c['false']} | {c['debatable']} | {prec} |")
    if mode == "--report":
        print(f"\n{len(manifest)} files, {len(mismatches)} with a task count that differs from CommonMark:")
        for entry, tm, cm in mismatches:
            print(f"   {entry['id']} {entry['repo']} {entry['path']}: tickmark {tm[0]}/{tm[1]}, commonmark {cm[0]}/{cm[1]}")
        print(f"{len(unjudged)} diagnostics without a verdict; {len(stale)} verdicts with no current diagnostic")
        for k in stale:
            print("   stale:", " ".join(k))


if __name__ == "__main__":
    main()
