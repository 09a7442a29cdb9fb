/**
 * Arguments of the server command `tickmark.toggleTask` for the editor's selections
 * (pure, unit-tested). SPEC §3: `{ uri, line }` (0-based) for a cursor or a selection
 * inside one line, `{ uri, range }` for a selection over several lines.
 */
export interface Pos {
  line: number;
  character: number;
}

export interface Sel {
  start: Pos;
  end: Pos;
}

export type ToggleArgs = { uri: string; line: number } | { uri: string; range: { start: Pos; end: Pos } };

/** One argument object per selection; several cursors on one line toggle it once. */
export function toggleArguments(uri: string, selections: readonly Sel[]): ToggleArgs[] {
  const args: ToggleArgs[] = [];
  const seenLines = new Set<number>();
  for (const sel of selections) {
    const [start, end] = before(sel.start, sel.end) ? [sel.start, sel.end] : [sel.end, sel.start];
    if (start.line === end.line) {
      if (seenLines.has(start.line)) continue;
      seenLines.add(start.line);
      args.push({ uri, line: start.line });
    } else {
      args.push({ uri, range: { start: { ...start }, end: { ...end } } });
    }
  }
  return args;
}

function before(a: Pos, b: Pos): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}
