/**
 * Auditing the page structure of an LMDB data file by reading it with plain file reads.
 *
 * LMDB trusts the pages it maps: a page whose header something else garbled can be read
 * without complaint (a read only follows the offsets it needs) and then abort or crash the first
 * writer that adds a node to it, or a free-page list pointing at pages in use hands them out
 * twice. Reading every record (store-check.ts) does not visit page headers' free-space bounds
 * nor the free-page list, so a store daft did not write last is audited here first: from the
 * newest meta page, every page of every tree (the free-page tree, the main tree and each named
 * database in it) is read once and checked against LMDB's layout (lmdb-js 3's LMDB 0.9.90,
 * 64-bit page numbers): the page number it carries, its type, the bounds of its free space, each
 * node inside the page, keys in order, overflow runs of the length their record needs, leaves
 * all at the tree's depth, and the tree's page and entry counts as its database record states
 * them. Every page number in the free-page list must lie in the file's range and be used
 * nowhere else. Reading the file, never mapping it, a bad offset is a finding, not a crash.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Page header: page number (8), txn id (8), pad (2), flags (2), free-space bounds or overflow page count (4). */
const PAGE_HEADER = 24;
/** Node header: data size or child page number (4), flags or top bits of the page number (2), key size (2). */
const NODE_HEADER = 8;
/** A database record (MDB_db): pad, flags, depth, branch, leaf and overflow page counts, entries, root. */
const DB_RECORD = 48;

const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const P_META = 0x08;
/** Type bits; the higher bits (0x2000 and up) mark pages in memory and mean nothing on disk. */
const PAGE_TYPES = 0x7f;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;

const MAGIC = 0xbeefc0de;
const NO_PAGE = 0xffff_ffff_ffff_ffffn;

interface DbRecord {
  depth: number;
  branchPages: bigint;
  leafPages: bigint;
  overflowPages: bigint;
  entries: bigint;
  root: bigint;
}

interface Meta {
  pageSize: number;
  free: DbRecord;
  main: DbRecord;
  lastPage: bigint;
  txnId: bigint;
}

/** Thrown inside the audit; its message says what is wrong and where. */
class Damage extends Error {}

/** What a sound file holds, as the audit counted it. */
export interface PageCounts {
  /** Pages used by the trees (branch, leaf and overflow pages). */
  treePages: number;
  /** Pages the free-page lists name. */
  freePages: number;
  /** Slots of those lists left empty, and runs of pages written as one slot. */
  emptySlots: number;
  runs: number;
}

/** What is wrong with the data file's pages (`damage`), or what it holds when its structure is sound. */
export function auditPages(file: string): { damage: string } | { sound: PageCounts } {
  const fd = openSync(file, "r");
  try {
    return { sound: new Audit(fd, fstatSync(fd).size).run() };
  } catch (error) {
    if (error instanceof Damage) return { damage: error.message };
    throw error;
  } finally {
    closeSync(fd);
  }
}

class Audit {
  #pageSize = 0;
  #pagesInFile = 0n;
  #lastPage = 0n;
  /** One bit per page up to the meta page's last page: set once the page was met. */
  #used = new Uint8Array(0);
  #counts: PageCounts = { treePages: 0, freePages: 0, emptySlots: 0, runs: 0 };

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
  ) {}

  run(): PageCounts {
    const meta = this.#newestMeta();
    this.#pageSize = meta.pageSize;
    this.#pagesInFile = BigInt(Math.floor(this.fileSize / meta.pageSize));
    this.#lastPage = meta.lastPage;
    // The file covers every page up to the last (only pages the free list names may lie past
    // its end): a last page far beyond the file is garbled, and would size the bitmap below.
    if (meta.lastPage < 1n || meta.lastPage > 4n * this.#pagesInFile + 1024n) {
      throw new Damage(`its meta page states ${meta.lastPage} as its last page, in a file of ${this.#pagesInFile} pages`);
    }
    this.#used = new Uint8Array(Number(meta.lastPage / 8n) + 1);
    const freeLists: Buffer[] = [];
    this.#tree("the free-page tree", meta.free, compareTxnIds, { readsBigRecords: true }, (key, data) => {
      if (key.length !== 8) throw new Damage(`the free-page tree holds a key of ${key.length} bytes`);
      freeLists.push(data);
    });
    this.#tree("the main tree", meta.main, Buffer.compare, { readsBigRecords: false }, (key, data, flags) => {
      if (!(flags & F_SUBDATA)) return;
      if (data.length !== DB_RECORD) throw new Damage(`the main tree's record of database ${JSON.stringify(key.toString("latin1"))} has ${data.length} bytes`);
      this.#tree(`database ${JSON.stringify(key.toString("latin1"))}`, readDbRecord(data, 0), Buffer.compare, { readsBigRecords: false }, () => {});
    });
    for (const list of freeLists) this.#freeList(list);
    return this.#counts;
  }

  #newestMeta(): Meta {
    const first = this.#read(0, 4096);
    const meta0 = parseMeta(first, 0);
    if (meta0.pageSize < 512 || meta0.pageSize > 65536 || (meta0.pageSize & (meta0.pageSize - 1)) !== 0) {
      throw new Damage(`its first meta page states a page size of ${meta0.pageSize}`);
    }
    const meta1 = parseMeta(this.#read(meta0.pageSize, 4096), 1);
    if (meta1.pageSize !== meta0.pageSize) throw new Damage(`its meta pages state page sizes ${meta0.pageSize} and ${meta1.pageSize}`);
    return meta1.txnId > meta0.txnId ? meta1 : meta0;
  }

  /**
   * Walks a tree from its root; `onRecord` sees each leaf record's key, data and flags. A record
   * on overflow pages is read from them only with `readsBigRecords` (the free-page lists; a
   * value is checked by whoever reads it), else its data reads as empty.
   */
  #tree(
    name: string,
    db: DbRecord,
    compareKeys: (a: Buffer, b: Buffer) => number,
    { readsBigRecords }: { readsBigRecords: boolean },
    onRecord: (key: Buffer, data: Buffer, flags: number) => void,
  ): void {
    if (db.root === NO_PAGE) {
      if (db.entries !== 0n || db.depth !== 0) throw new Damage(`${name} has no root page but states ${db.entries} entries`);
      return;
    }
    const counted = { branch: 0n, leaf: 0n, overflow: 0n, entries: 0n };
    const visit = (pageNumber: bigint, level: number): void => {
      if (level > db.depth) throw new Damage(`${name} is deeper than the ${db.depth} levels it states`);
      const page = this.#claim(pageNumber, 1, name);
      const type = page.readUInt16LE(18) & PAGE_TYPES;
      const isLeaf = type === P_LEAF;
      if (!isLeaf && type !== P_BRANCH) throw new Damage(`page ${pageNumber} of ${name} has type ${type}, not a branch or leaf page`);
      if (isLeaf !== (level === db.depth)) throw new Damage(`page ${pageNumber} of ${name} is a ${isLeaf ? "leaf" : "branch"} at level ${level} of ${db.depth}`);
      const nodes = this.#nodes(page, pageNumber, name, isLeaf, compareKeys);
      if (isLeaf) {
        counted.leaf += 1n;
        counted.entries += BigInt(nodes.length);
        for (const node of nodes) onRecord(node.key, this.#leafData(node, pageNumber, name, counted, readsBigRecords), node.flags);
      } else {
        counted.branch += 1n;
        for (const node of nodes) visit(node.child, level + 1);
      }
    };
    visit(db.root, 1);
    if (counted.branch !== db.branchPages || counted.leaf !== db.leafPages || counted.overflow !== db.overflowPages || counted.entries !== db.entries) {
      throw new Damage(
        `${name} holds ${counted.branch}/${counted.leaf}/${counted.overflow} branch/leaf/overflow pages and ${counted.entries} entries; its record states ${db.branchPages}/${db.leafPages}/${db.overflowPages} and ${db.entries}`,
      );
    }
  }

  /** The nodes of a branch or leaf page, each checked to lie inside the page, keys in order. */
  #nodes(page: Buffer, pageNumber: bigint, name: string, isLeaf: boolean, compareKeys: (a: Buffer, b: Buffer) => number): Node[] {
    const lower = page.readUInt16LE(20);
    const upper = page.readUInt16LE(22);
    const where = `page ${pageNumber} of ${name}`;
    if (lower % 2 !== 0 || lower === 0 || lower > upper || PAGE_HEADER + upper > this.#pageSize) {
      throw new Damage(`${where} has free-space bounds ${lower}..${upper}`);
    }
    const nodes: Node[] = [];
    let previousKey: Buffer | undefined;
    for (let index = 0; index < lower / 2; index += 1) {
      const offset = PAGE_HEADER + page.readUInt16LE(PAGE_HEADER + 2 * index);
      if (offset < PAGE_HEADER + upper || offset + NODE_HEADER > this.#pageSize) throw new Damage(`${where}: node ${index} lies outside the page's used space`);
      const low = page.readUInt16LE(offset);
      const high = page.readUInt16LE(offset + 2);
      const flags = page.readUInt16LE(offset + 4);
      const keySize = page.readUInt16LE(offset + 6);
      const keyEnd = offset + NODE_HEADER + keySize;
      if (keyEnd > this.#pageSize) throw new Damage(`${where}: node ${index}'s key runs past the page`);
      const key = page.subarray(offset + NODE_HEADER, keyEnd);
      // A branch page's first key is implicit (smaller than all).
      if (previousKey && compareKeys(previousKey, key) >= 0) throw new Damage(`${where}: keys out of order at node ${index}`);
      if (isLeaf || index > 0) previousKey = key;
      if (isLeaf) {
        if (flags & ~(F_BIGDATA | F_SUBDATA)) throw new Damage(`${where}: node ${index} has flags ${flags}`);
        const dataSize = low + high * 0x10000;
        const inPage = flags & F_BIGDATA ? 8 : dataSize;
        if (keyEnd + inPage > this.#pageSize) throw new Damage(`${where}: node ${index}'s data runs past the page`);
        nodes.push({ key, flags, dataSize, data: page.subarray(keyEnd, keyEnd + inPage), child: 0n });
      } else {
        const child = BigInt(low) | (BigInt(high) << 16n) | (BigInt(flags) << 32n);
        nodes.push({ key, flags: 0, dataSize: 0, data: page.subarray(0, 0), child });
      }
    }
    return nodes;
  }

  /** A leaf record's data: in the node, or on the overflow pages the node points to (claimed here). */
  #leafData(node: Node, pageNumber: bigint, name: string, counted: { overflow: bigint }, readsBigRecords: boolean): Buffer {
    if (!(node.flags & F_BIGDATA)) return node.data;
    const first = node.data.readBigUInt64LE(0);
    const pages = Math.floor((PAGE_HEADER - 1 + node.dataSize) / this.#pageSize) + 1;
    const head = this.#claim(first, pages, `${name} (a record of page ${pageNumber})`);
    if ((head.readUInt16LE(18) & PAGE_TYPES) !== P_OVERFLOW || head.readUInt32LE(20) !== pages) {
      throw new Damage(`overflow page ${first} of ${name} is not a run of the ${pages} pages its record needs`);
    }
    counted.overflow += BigInt(pages);
    return readsBigRecords ? this.#read(Number(first) * this.#pageSize + PAGE_HEADER, node.dataSize) : head.subarray(0, 0);
  }

  /**
   * A free-page list as lmdb-js's LMDB writes it: a count of slots, then the slots, each a page
   * number, 0 (a slot left empty for growth), or minus a length followed by the first page of a
   * run of that many pages. Every page it names must be in range and used nowhere else.
   */
  #freeList(list: Buffer): void {
    if (list.length < 8) throw new Damage(`a free-page list has ${list.length} bytes`);
    const slots = list.readBigUInt64LE(0);
    if ((slots + 1n) * 8n > BigInt(list.length)) throw new Damage(`a free-page list states ${slots} slots in ${list.length} bytes`);
    const count = Number(slots);
    for (let index = 1; index <= count; index += 1) {
      const slot = list.readBigInt64LE(index * 8);
      if (slot === 0n) {
        this.#counts.emptySlots += 1;
        continue;
      }
      if (slot > 0n) {
        this.#mark(slot, "the free-page list");
        this.#counts.freePages += 1;
        continue;
      }
      index += 1;
      if (index > count) throw new Damage("a free-page list ends inside a run of pages");
      const first = list.readBigInt64LE(index * 8);
      if (-slot > this.#lastPage) throw new Damage(`a free-page list states a run of ${-slot} pages`);
      for (let page = first; page < first - slot; page += 1n) this.#mark(page, "the free-page list");
      this.#counts.runs += 1;
      this.#counts.freePages += Number(-slot);
    }
  }

  /** Marks pages as used once, reading the first; they must lie inside the file. */
  #claim(first: bigint, pages: number, owner: string): Buffer {
    if (first + BigInt(pages) > this.#pagesInFile) throw new Damage(`${owner} points at page ${first}, past the end of the file`);
    for (let page = 0; page < pages; page += 1) this.#mark(first + BigInt(page), owner);
    this.#counts.treePages += pages;
    const content = this.#read(Number(first) * this.#pageSize, this.#pageSize);
    if (content.readBigUInt64LE(0) !== first) throw new Damage(`page ${first} of ${owner} carries page number ${content.readBigUInt64LE(0)}`);
    return content;
  }

  #mark(page: bigint, owner: string): void {
    if (page < 2n || page > this.#lastPage) throw new Damage(`${owner} names page ${page}, outside pages 2..${this.#lastPage}`);
    const byte = Number(page >> 3n);
    const bit = 1 << Number(page & 7n);
    if (this.#used[byte]! & bit) throw new Damage(`page ${page} is used twice (again by ${owner})`);
    this.#used[byte]! |= bit;
  }

  #read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = readSync(this.fd, buffer, 0, length, position);
    if (read !== length) throw new Damage(`it ends inside a page (at byte ${position + read})`);
    return buffer;
  }
}

interface Node {
  key: Buffer;
  flags: number;
  dataSize: number;
  /** In-page data (for a big record, the 8-byte number of its first overflow page). */
  data: Buffer;
  /** A branch node's child page. */
  child: bigint;
}

/** The free-page tree's keys are transaction ids stored as native (little-endian) 64-bit integers. */
function compareTxnIds(a: Buffer, b: Buffer): number {
  if (a.length !== 8 || b.length !== 8) return Buffer.compare(a, b);
  const difference = a.readBigUInt64LE(0) - b.readBigUInt64LE(0);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

function parseMeta(page: Buffer, index: number): Meta {
  const at = PAGE_HEADER;
  if ((page.readUInt16LE(18) & PAGE_TYPES) !== P_META || page.readUInt32LE(at) !== MAGIC) throw new Damage(`meta page ${index} is not an LMDB meta page`);
  return {
    pageSize: page.readUInt32LE(at + 24),
    free: readDbRecord(page, at + 24),
    main: readDbRecord(page, at + 24 + DB_RECORD),
    lastPage: page.readBigUInt64LE(at + 24 + 2 * DB_RECORD),
    txnId: page.readBigUInt64LE(at + 24 + 2 * DB_RECORD + 8),
  };
}

function readDbRecord(buffer: Buffer, at: number): DbRecord {
  return {
    depth: buffer.readUInt16LE(at + 6),
    branchPages: buffer.readBigUInt64LE(at + 8),
    leafPages: buffer.readBigUInt64LE(at + 16),
    overflowPages: buffer.readBigUInt64LE(at + 24),
    entries: buffer.readBigUInt64LE(at + 32),
    root: buffer.readBigUInt64LE(at + 40),
  };
}
