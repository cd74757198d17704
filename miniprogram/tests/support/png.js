// Draws signature strokes into an RGBA PNG, as the pad's canvas export would, with Node's zlib only.

const zlib = require('node:zlib');

const INK = [26, 26, 58, 255];

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

// Encodes RGBA rows (width * 4 bytes each) as a PNG with no filtering.
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter method 0, no interlace

  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y += 1) {
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const signatureBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signatureBytes, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// Paints a square pen of side `pen` along every segment of the strokes, on a transparent background.
function drawStrokes(strokes, { width, height, pen = 4 }) {
  const rgba = Buffer.alloc(width * height * 4);
  const paint = (x, y) => {
    for (let dy = 0; dy < pen; dy += 1) {
      for (let dx = 0; dx < pen; dx += 1) {
        const px = Math.round(x) + dx;
        const py = Math.round(y) + dy;
        if (px >= 0 && py >= 0 && px < width && py < height) {
          rgba.set(INK, (py * width + px) * 4);
        }
      }
    }
  };
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i += 1) {
      const [from, to] = [stroke[i - 1], stroke[i]];
      const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y)));
      for (let step = 0; step <= steps; step += 1) {
        paint(from.x + ((to.x - from.x) * step) / steps, from.y + ((to.y - from.y) * step) / steps);
      }
    }
  }
  return encodePng(width, height, rgba);
}

module.exports = { encodePng, drawStrokes };
