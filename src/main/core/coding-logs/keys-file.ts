import fs from 'node:fs';

/**
 * The import's dedupe keys in a file of their own beside the store (8 bytes a key, up to 1.6 MB), not in the
 * store's document: the store rewrites its whole document, synchronously, at every save, and while an import
 * records calls it saves every second, so keys kept there were written again every second on the event loop
 * (stalls of 100–180 ms for proxied calls during a month's import). Here they are written only when the importer
 * saves its state, off the event loop.
 */
const MAGIC = Buffer.from('TGK1');
const MODE = 0o600;
let seq = 0;
const tmpOf = (file: string) => `${file}.tmp-${process.pid}-${++seq}`;

export function readKeysFile(file: string): Buffer | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  return buf.subarray(0, MAGIC.length).equals(MAGIC) ? buf.subarray(MAGIC.length) : null;
}

/**
 * Temporary sibling, fsync, rename, all in the thread pool; a failed write leaves the previous file. `stale`,
 * asked before the rename, says a newer version was written meanwhile (on exit, synchronously): this one is dropped.
 */
export async function writeKeysFile(file: string, keys: Buffer, stale: () => boolean = () => false): Promise<void> {
  const tmp = tmpOf(file);
  try {
    const fh = await fs.promises.open(tmp, 'w', MODE);
    try {
      await fh.writeFile(Buffer.concat([MAGIC, keys]));
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
export function writeKeysFileSync(file: string, keys: Buffer): void {
  const tmp = tmpOf(file);
  const fd = fs.openSync(tmp, 'w', MODE);
  try {
    fs.writeFileSync(fd, Buffer.concat([MAGIC, keys]));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
