#!/usr/bin/env node
/**
 * Draws Tollgate's tray icons (one per state, 1x and @2x, colour and macOS template) and the app icon, and writes
 * them to resources/. The images are committed; run `node scripts/make-icons.mjs` after changing a shape.
 * `--out <dir>` writes elsewhere (the icon test regenerates into a temp folder and compares).
 *
 * No image library: shapes are distance functions sampled 4×4 per pixel, encoded by the small PNG writer below.
 * Each state differs in shape, not only colour, because macOS template images are drawn in one colour.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

// ---- PNG (RGBA, 8 bit, no interlace) -------------------------------------------------------------------------
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Shapes, in a unit square (0..1, y down) -----------------------------------------------------------------
// Each returns 'ink' (the state's colour), 'cut' (a knock-out: white in colour icons, clear in templates) or null.
const C = 0.5;
const dist = (x, y) => Math.hypot(x - C, y - C);
/** Clockwise from 12 o'clock, 0..1 of a turn. */
const turn = (x, y) => {
  const a = Math.atan2(x - C, -(y - C));
  return (a < 0 ? a + 2 * Math.PI : a) / (2 * Math.PI);
};
const RING_OUT = 0.47;
const RING_IN = 0.36;
const PIE = 0.29;
const ring = (x, y) => {
  const d = dist(x, y);
  return d <= RING_OUT && d >= RING_IN;
};
const pie = (frac) => (x, y) => dist(x, y) <= PIE && turn(x, y) <= frac;
const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

function octagon(x, y, r) {
  const dx = Math.abs(x - C);
  const dy = Math.abs(y - C);
  return dx <= r && dy <= r && dx + dy <= r * 1.414 * 1.0;
}

const SHAPES = {
  // An empty gauge.
  normal: (x, y) => (ring(x, y) ? 'ink' : null),
  // The gauge half full, then four-fifths full.
  notice: (x, y) => (ring(x, y) || pie(0.5)(x, y) ? 'ink' : null),
  warning: (x, y) => (ring(x, y) || pie(0.8)(x, y) ? 'ink' : null),
  // A full disc with an exclamation mark knocked out.
  exceeded: (x, y) => {
    if (dist(x, y) > RING_OUT) return null;
    if (inRect(x, y, 0.44, 0.2, 0.56, 0.6) || dist(x, y - 0.24) <= 0.065) return 'cut';
    return 'ink';
  },
  // A stop sign: an octagon with a bar knocked out.
  stopped: (x, y) => {
    if (!octagon(x, y, 0.48)) return null;
    return inRect(x, y, 0.2, 0.42, 0.8, 0.58) ? 'cut' : 'ink';
  },
  // The gauge with two pause bars inside.
  paused: (x, y) => (ring(x, y) || inRect(x, y, 0.35, 0.3, 0.45, 0.7) || inRect(x, y, 0.55, 0.3, 0.65, 0.7) ? 'ink' : null),
};

export const STATES = Object.keys(SHAPES);

const COLOURS = {
  normal: [107, 114, 128], // grey: nothing to see
  notice: [202, 138, 4], // amber: half way
  warning: [234, 88, 12], // orange
  exceeded: [220, 38, 38], // red
  stopped: [153, 27, 27], // dark red
  paused: [37, 99, 235], // blue: a deliberate state, not an alarm
};

function render(size, shape, ink, cut) {
  const SS = 4;
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const hit = shape((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
          const c = hit === 'ink' ? ink : hit === 'cut' ? cut : null;
          if (!c) continue;
          // Premultiplied sums, so edges blend toward transparent rather than toward black.
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round(a / (SS * SS));
    }
  }
  return out;
}

/** Every file this script writes, by name: what the app loads and what the test checks. */
export function iconFiles() {
  const files = {};
  for (const state of STATES) {
    for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
      const colour = [...COLOURS[state], 255];
      files[`tray/${state}${suffix}.png`] = encodePng(size, size, render(size, SHAPES[state], colour, [255, 255, 255, 255]));
      // Template images: black and alpha only; macOS recolours them for light and dark menu bars.
      files[`tray/${state}Template${suffix}.png`] = encodePng(size, size, render(size, SHAPES[state], [0, 0, 0, 255], null));
    }
  }
  // The app icon (notifications, window): the gauge at 69% on a rounded square.
  const appShape = (x, y) => {
    const m = 0.06;
    const rr = 0.2;
    const qx = Math.max(Math.abs(x - C) - (0.5 - m - rr), 0);
    const qy = Math.max(Math.abs(y - C) - (0.5 - m - rr), 0);
    if (Math.hypot(qx, qy) > rr) return null;
    const sx = (x - C) / 0.62 + C;
    const sy = (y - C) / 0.62 + C;
    return ring(sx, sy) || pie(0.69)(sx, sy) ? 'cut' : 'ink';
  };
  for (const size of [256, 512]) {
    files[size === 256 ? 'icon.png' : 'icon@2x.png'] = encodePng(size, size, render(size, appShape, [15, 118, 110, 255], [255, 255, 255, 255]));
  }
  return files;
}

function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 ? path.resolve(process.argv[i + 1]) : path.join(here, '..', 'resources');
  for (const [name, data] of Object.entries(iconFiles())) {
    const file = path.join(outDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  }
  process.stdout.write(`wrote ${Object.keys(iconFiles()).length} images to ${outDir}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
