// Go's text/tabwriter, which kubectl's describe output is aligned with: cells
// end with a tab; a column is aligned over each run of consecutive lines that
// have a cell in it (a line with fewer cells ends the run); the text after a
// line's last tab is not aligned. Reproducing the algorithm reproduces
// kubectl's layout, nested indentation included.

/** Aligns `text` as `tabwriter.NewWriter(out, minWidth, 8, padding, ' ', 0)` would. */
export function alignTabs(text: string, padding = 2, minWidth = 0): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const width = (cell: string) => [...cell].length;

  const writeLines = (from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const cells = lines[index] ?? [];
      out.push(
        cells
          .map((cell, column) =>
            column < widths.length
              ? cell + ' '.repeat(Math.max(0, (widths[column] ?? 0) - width(cell)))
              : cell,
          )
          .join(''),
      );
    }
  };

  const format = (start: number, end: number) => {
    const column = widths.length;
    let blockStart = start;
    for (let index = start; index < end; index++) {
      if (column >= (lines[index]?.length ?? 0) - 1) continue;
      writeLines(blockStart, index);
      blockStart = index;
      let columnWidth = minWidth;
      for (; index < end && column < (lines[index]?.length ?? 0) - 1; index++) {
        columnWidth = Math.max(columnWidth, width(lines[index]?.[column] ?? '') + padding);
      }
      widths.push(columnWidth);
      format(blockStart, index);
      widths.pop();
      blockStart = index;
      index--; // the for loop's increment must not skip the line that ended the block
    }
    writeLines(blockStart, end);
  };

  format(0, lines.length);
  return out.join('\n');
}
