/**
 * Writes a cache file's changes (see persistent-store.ts, which reads it): this process's entries
 * over what is on disk at that moment, each section's entries checked again (what fails is left
 * out), the header naming this transform's version and the parser, atomically. Only the cold
 * part makes entries, so only it loads this.
 */
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { checkedEntry, parseSection, STORE_FORMAT, type PersistentStore, type SectionName, type StoreHeader } from "../persistent-store.js";
import { statFile, stampOf } from "../stamps.js";

/** The sections of every cache file, in the order of their lines. */
const SECTION_NAMES: readonly SectionName[] = ["transforms", "files"];

export function saveStore(store: PersistentStore): void {
  if (!store.dirty) return;
  const onDisk = store.read();
  const header: StoreHeader = { format: STORE_FORMAT, version: store.options.version };
  const parser = store.options.parser?.();
  if (parser) {
    header.parser = { version: parser.version, stamp: stampOf(store.key(parser.manifest), statFile(parser.manifest), Date.now(), parser.version) };
  }
  let text = JSON.stringify(header).slice(0, -1);
  for (const name of SECTION_NAMES) {
    const section = store.sections.get(name);
    if (!section) throw new Error(`daft transform: the "${name}" section of ${store.file} was not opened before saving`);
    const entries = new Map<string, unknown>();
    for (const [key, value] of Object.entries(parseSection(onDisk?.[name], name, store.file))) {
      const entry = checkedEntry(section, key, value, store.file);
      if (entry !== undefined) entries.set(key, entry);
    }
    for (const [key, entry] of section.touched) {
      if (entry === undefined) entries.delete(key);
      else entries.set(key, entry);
    }
    // Object.fromEntries defines own properties: a key like "__proto__" stays a plain key.
    text += `,\n"${name}":${JSON.stringify(Object.fromEntries(entries))}`;
  }
  try {
    writeFileAtomic(store.file, [Buffer.from(`${text}}\n`, "utf8")]);
    for (const section of store.sections.values()) section.touched.clear();
    store.staleHeader = false;
  } catch (error) {
    store.options.onWarning(`cannot write the transform cache ${store.file}: ${(error as Error).message}`);
  }
}
