/**
 * The transform's cache file: per-file records and whole-transform results, kept across
 * processes so a warm start only stats files.
 *
 * Paths inside are relative to the cache file's directory (a copied or moved checkout keeps its
 * cache). Writing is atomic (temp file + rename), and several processes may share the file: each
 * one writes back only the entries it created or confirmed, on top of what is on disk at that
 * moment, so nobody's work is corrupted (at worst an entry is recomputed). A missing, corrupt or
 * foreign file reads as empty.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { relativePath } from "./paths.js";

const FORMAT = "daft-transform-cache";

interface CacheFileShape<F, T> {
  format: string;
  version: string;
  files: Record<string, F>;
  transforms: Record<string, T>;
}

export class PersistentStore<FileEntry, TransformEntry> {
  private readonly dir: string;
  private loaded = false;
  private readonly files = new Map<string, FileEntry>();
  private readonly transforms = new Map<string, TransformEntry>();
  /** Keys (relative paths) this process wrote, or removed (value undefined). */
  private readonly touchedFiles = new Map<string, FileEntry | undefined>();
  private readonly touchedTransforms = new Map<string, TransformEntry | undefined>();

  constructor(
    readonly file: string,
    /** Entries written by another version of the transform are ignored. */
    private readonly version: string,
    private readonly onWarning: (message: string) => void,
  ) {
    this.dir = dirname(resolve(file));
  }

  getFile(path: string): FileEntry | undefined {
    this.load();
    return this.files.get(this.key(path));
  }

  setFile(path: string, entry: FileEntry | undefined): void {
    this.load();
    const key = this.key(path);
    if (entry === undefined) this.files.delete(key);
    else this.files.set(key, entry);
    this.touchedFiles.set(key, entry);
  }

  getTransform(path: string): TransformEntry | undefined {
    this.load();
    return this.transforms.get(this.key(path));
  }

  setTransform(path: string, entry: TransformEntry | undefined): void {
    this.load();
    const key = this.key(path);
    if (entry === undefined) this.transforms.delete(key);
    else this.transforms.set(key, entry);
    this.touchedTransforms.set(key, entry);
  }

  /** Paths stored in entries are made relative with this, and back with `absolute`. */
  key(path: string): string {
    return relativePath(this.dir, path);
  }

  absolute(key: string): string {
    return key.startsWith("..") || key.includes("/.") ? resolve(this.dir, key) : join(this.dir, key);
  }

  get dirty(): boolean {
    return this.touchedFiles.size > 0 || this.touchedTransforms.size > 0;
  }

  /** Writes this process's entries over the current file (atomically). */
  save(): void {
    if (!this.dirty) return;
    const onDisk = this.read();
    const files: Record<string, FileEntry> = onDisk?.files ?? {};
    const transforms: Record<string, TransformEntry> = onDisk?.transforms ?? {};
    for (const [key, entry] of this.touchedFiles) {
      if (entry === undefined) delete files[key];
      else files[key] = entry;
    }
    for (const [key, entry] of this.touchedTransforms) {
      if (entry === undefined) delete transforms[key];
      else transforms[key] = entry;
    }
    const shape: CacheFileShape<FileEntry, TransformEntry> = { format: FORMAT, version: this.version, files, transforms };
    const temp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(temp, JSON.stringify(shape));
      renameSync(temp, this.file);
      this.touchedFiles.clear();
      this.touchedTransforms.clear();
    } catch (error) {
      rmSync(temp, { force: true });
      this.onWarning(`cannot write the transform cache ${this.file}: ${(error as Error).message}`);
    }
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const shape = this.read();
    if (!shape) return;
    for (const [key, entry] of Object.entries(shape.files)) this.files.set(key, entry);
    for (const [key, entry] of Object.entries(shape.transforms)) this.transforms.set(key, entry);
  }

  private read(): CacheFileShape<FileEntry, TransformEntry> | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return undefined; // no cache yet
    }
    try {
      const shape = JSON.parse(text) as CacheFileShape<FileEntry, TransformEntry>;
      if (shape?.format !== FORMAT || shape.version !== this.version) return undefined;
      if (typeof shape.files !== "object" || typeof shape.transforms !== "object" || !shape.files || !shape.transforms) return undefined;
      return shape;
    } catch {
      return undefined; // truncated or corrupt: start afresh, the next save replaces it
    }
  }
}
