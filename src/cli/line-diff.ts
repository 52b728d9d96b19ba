/**
 * A unified diff of two texts, line by line (`---`/`+++` headers, `@@` hunks with 3 lines of context), for showing
 * what a command will change in a file before it writes it. The common start and end are cut off first, so the
 * quadratic part only ever sees the lines that changed.
 */
export function unifiedDiff(before: string, after: string, label: string): string {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  // Longest common subsequence of the middle parts, then the edit script from it.
  const lcs: number[][] = Array.from({ length: midA.length + 1 }, () => new Array<number>(midB.length + 1).fill(0));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  type Op = { kind: ' ' | '-' | '+'; text: string; lineA: number; lineB: number };
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: ' ', text: a[k]!, lineA: k, lineB: k });
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) ops.push({ kind: ' ', text: midA[i]!, lineA: head + i++, lineB: head + j++ });
    else if (i < midA.length && (j === midB.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', text: midA[i]!, lineA: head + i++, lineB: head + j });
    else ops.push({ kind: '+', text: midB[j]!, lineA: head + i, lineB: head + j++ });
  }
  for (let k = 0; k < tail; k++) ops.push({ kind: ' ', text: a[a.length - tail + k]!, lineA: a.length - tail + k, lineB: b.length - tail + k });
  const out = [`--- ${label}`, `+++ ${label}`];
  const CONTEXT = 3;
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend the hunk while the next change is within two contexts of the last one.
    for (let scan = k; scan < ops.length; scan++) {
      if (ops[scan]!.kind !== ' ') end = scan;
      else if (scan - end > 2 * CONTEXT) break;
    }
    end = Math.min(ops.length - 1, end + CONTEXT);
    const hunk = ops.slice(start, end + 1);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${hunk[0]!.lineA + 1},${countA} +${hunk[0]!.lineB + 1},${countB} @@`, ...hunk.map((o) => `${o.kind}${o.text}`));
    k = end + 1;
  }
  return out.join('\n');
}
