/**
 * A Map that keeps only its `limit` most recently set entries: the per-process memos of the
 * transform (cache files read, key folders, canonical texts), which a long-lived process (a dev
 * server, a watch build) must not let grow without end.
 */
export class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  /** Sets `key` as the most recent entry, dropping the oldest beyond the limit. */
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.limit) super.delete(this.keys().next().value!);
    return this;
  }
}
