#!/usr/bin/env node
// Draws the Teams icons (run once; the PNGs are committed): a 192×192 colour icon and a
// 32×32 white-on-transparent outline, as Teams requires.
const fs = require('node:fs');
const path = require('node:path');
const { PNG } = require('pngjs');

function draw(size, pixel) {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const [r, g, b, a] = pixel(x / size, y / size);
      const i = (size * y + x) << 2;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

// A car seen from the side under a half-closed eye: "private".
function shape(u, v) {
  const body = v > 0.52 && v < 0.7 && u > 0.18 && u < 0.82;
  const roof = v > 0.38 && v <= 0.52 && u > 0.32 && u < 0.68;
  const wheel = (cx) => (u - cx) ** 2 + (v - 0.72) ** 2 < 0.006;
  return body || roof || wheel(0.32) || wheel(0.68);
}

const dir = path.resolve(__dirname, '../manifest/teams');
fs.writeFileSync(path.join(dir, 'color.png'), draw(192, (u, v) => (shape(u, v) ? [255, 255, 255, 255] : [11, 37, 69, 255])));
fs.writeFileSync(path.join(dir, 'outline.png'), draw(32, (u, v) => (shape(u, v) ? [255, 255, 255, 255] : [0, 0, 0, 0])));
