#!/usr/bin/env node
// Draws the Teams icons (run once; the PNGs are committed), as Teams' icon rules ask:
//  - color.png, 192×192: the symbol within the central 96×96, on a solid square, so that the
//    48 pixels Teams may crop around it (rounded square, hexagon) hold nothing;
//  - outline.png, 32×32: pure white (255, 255, 255) on fully transparent pixels, and no padding
//    around the symbol.
const fs = require('node:fs');
const path = require('node:path');
const { PNG } = require('pngjs');

const BACKGROUND = [11, 37, 69, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

// A car seen from the side, filling its box from left to right: u and v run from 0 to 1.
function car(u, v) {
  const body = v >= 0.42 && v < 0.78 && u >= 0 && u < 1;
  const roof = v >= 0.1 && v < 0.42 && u >= 0.2 && u < 0.8 && v >= 0.42 - (u < 0.5 ? u - 0.2 : 0.8 - u) * 1.6;
  const window = v >= 0.2 && v < 0.4 && ((u >= 0.3 && u < 0.48) || (u >= 0.52 && u < 0.7)) && v >= 0.42 - (u < 0.5 ? u - 0.2 : 0.8 - u) * 1.6 + 0.08;
  const wheel = (cx) => (u - cx) ** 2 + (v - 0.78) ** 2 < 0.15 ** 2;
  const hub = (cx) => (u - cx) ** 2 + (v - 0.78) ** 2 < 0.06 ** 2;
  return ((body || roof) && !window) || ((wheel(0.25) || wheel(0.75)) && !(hub(0.25) || hub(0.75)));
}

/** A size×size icon: `inside` pixels are drawn from the symbol placed in the box [from, to). */
function draw(size, from, to, ink, paper) {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inBox = x >= from && x < to && y >= from && y < to;
      const on = inBox && car((x + 0.5 - from) / (to - from), (y + 0.5 - from) / (to - from));
      png.data.set(on ? ink : paper, (size * y + x) << 2);
    }
  }
  return PNG.sync.write(png);
}

const dir = path.resolve(__dirname, '../manifest/teams');
fs.writeFileSync(path.join(dir, 'color.png'), draw(192, 48, 144, WHITE, BACKGROUND));
fs.writeFileSync(path.join(dir, 'outline.png'), draw(32, 0, 32, WHITE, CLEAR));
