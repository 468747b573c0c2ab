import fs from 'node:fs';

/**
 * The import's dedupe keys in a file of their own beside the store (8 bytes a key, up to 1.6 MB), not in the
 * store's document: the store rewrites its whole document, synchronously, at every save, and while an import
 * records calls it saves every second, so keys kept there were written again every second on the event loop
 * (stalls of 100–180 ms for proxied calls during a month's import). Here they are written only when the importer
 * saves its state, off the event loop.
 */
const MAGIC_V1 = Buffer.from('TGK1');
/**
 * Version 2 adds, after the magic, the history seq of the last call recorded when the keys were taken (a double,
 * little-endian): a call recorded after it has no key here, and a restart recognises it by the history instead
 * (importer.ts recordedSince).
 */
const MAGIC = Buffer.from('TGK2');
const HEADER = MAGIC.length + 8;
const MODE = 0o600;
let seq = 0;
const tmpOf = (file: string) => `${file}.tmp-${process.pid}-${++seq}`;

export interface KeysFile {
  keys: Buffer;
  /** The history seq the keys cover; null in a version 1 file. */
  seq: number | null;
}

export function readKeysFile(file: string): KeysFile | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  const magic = buf.subarray(0, MAGIC.length);
  if (magic.equals(MAGIC_V1)) return { keys: buf.subarray(MAGIC_V1.length), seq: null };
  if (!magic.equals(MAGIC) || buf.length < HEADER) return null;
  const seq = buf.readDoubleLE(MAGIC.length);
  return { keys: buf.subarray(HEADER), seq: Number.isSafeInteger(seq) && seq >= 0 ? seq : null };
}

const encodeFile = (keys: Buffer, seq: number) => {
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head);
  head.writeDoubleLE(seq, MAGIC.length);
  return Buffer.concat([head, keys]);
};

/**
 * Temporary sibling, fsync, rename, all in the thread pool; a failed write leaves the previous file. `stale`,
 * asked before the rename, says a newer version was written meanwhile (on exit, synchronously): this one is dropped.
 */
export async function writeKeysFile(file: string, keys: Buffer, seq: number, stale: () => boolean = () => false): Promise<void> {
  const tmp = tmpOf(file);
  try {
    const fh = await fs.promises.open(tmp, 'w', MODE);
    try {
      await fh.writeFile(encodeFile(keys, seq));
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (stale()) await fs.promises.unlink(tmp);
    else await fs.promises.rename(tmp, file);
  } catch (err) {
    // A half-written temporary file would hold on to space a full disk needs.
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

/** On exit, when there is no later turn to finish an asynchronous write in. */
export function writeKeysFileSync(file: string, keys: Buffer, seq: number): void {
  const tmp = tmpOf(file);
  const fd = fs.openSync(tmp, 'w', MODE);
  try {
    fs.writeFileSync(fd, encodeFile(keys, seq));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
