// The task both pools run: echo a small payload back (task overhead), or busy-wait `ms`.
export default function task({ n, ms }) {
  if (ms) {
    const end = performance.now() + ms;
    while (performance.now() < end);
  }
  return n;
}
