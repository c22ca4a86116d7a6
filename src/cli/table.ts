/** Plain text columns: text left-aligned, numbers right-aligned, two spaces between. */
export type Cell = string | number;

export function formatTable(header: string[], rows: Cell[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column] ?? "").length)));
  // A column of numbers (blank cells allowed) is right-aligned, header included.
  const numeric = header.map(
    (_, column) => rows.some((row) => typeof row[column] === "number") && rows.every((row) => typeof row[column] === "number" || row[column] === ""),
  );
  const line = (cells: Cell[]) =>
    cells
      .map((cell, column) => {
        const text = String(cell ?? "");
        return numeric[column] ? text.padStart(widths[column]!) : text.padEnd(widths[column]!);
      })
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
