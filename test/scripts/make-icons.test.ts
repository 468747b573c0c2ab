import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICON_STATES } from '../../src/main/core/tray/tray-model.js';

const root = path.resolve(__dirname, '../..');

/** Width, height and RGBA pixels of a PNG as scripts/make-icons.mjs writes them (8-bit RGBA, filter 0). */
function decode(file: string | Buffer) {
  const buf = typeof file === 'string' ? fs.readFileSync(file) : file;
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('ascii');
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) raw.copy(px, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  return { width, height, px };
}

describe('tray icons in resources/', () => {
  it('exist for every icon state: 1x and @2x, colour and macOS template', () => {
    for (const state of ICON_STATES) {
      for (const [name, size] of [[`${state}.png`, 16], [`${state}@2x.png`, 32], [`${state}Template.png`, 16], [`${state}Template@2x.png`, 32]] as const) {
        const img = decode(path.join(root, 'resources/tray', name));
        expect([img.width, img.height], name).toEqual([size, size]);
      }
    }
  });

  it('are template images only in black and alpha', () => {
    for (const state of ICON_STATES) {
      const { px } = decode(path.join(root, 'resources/tray', `${state}Template@2x.png`));
      for (let i = 0; i < px.length; i += 4) expect(px[i]! + px[i + 1]! + px[i + 2]!).toBe(0);
    }
  });

  it('differ in shape between states, not only in colour (template alpha masks all differ)', () => {
    const masks = ICON_STATES.map((s) => crypto.createHash('sha1').update(decode(path.join(root, 'resources/tray', `${s}Template.png`)).px).digest('hex'));
    expect(new Set(masks).size).toBe(ICON_STATES.length);
  });

  it('are what scripts/make-icons.mjs draws (the committed files are not stale)', async () => {
    const { iconFiles } = (await import(path.join(root, 'scripts/make-icons.mjs'))) as { iconFiles: () => Record<string, Buffer> };
    const files = iconFiles();
    expect(Object.keys(files).length).toBe(ICON_STATES.length * 4 + 2);
    for (const [name, data] of Object.entries(files)) {
      expect(decode(path.join(root, 'resources', name)).px.equals(decode(data).px), name).toBe(true);
    }
  });
});

