// The strokes of the handwritten signature pad, kept apart from the canvas so Node tests can drive them.

// The platform rejects a drawing with fewer than 50 ink pixels, so ask for clearly more than a dot.
const MIN_INK_LENGTH = 60;

function distance(from, to) {
  return Math.hypot(to.x - from.x, to.y - from.y);
}

// Records touch points as strokes; `ink()` is the drawn length in canvas (logical) pixels.
function createStrokeRecorder() {
  const strokes = [];
  let current = null;

  return {
    start(point) {
      current = [point];
      strokes.push(current);
    },

    // Adds a point to the open stroke; returns the segment to draw, or null when no stroke is open.
    move(point) {
      if (!current) {
        return null;
      }
      const from = current[current.length - 1];
      current.push(point);
      return { from, to: point };
    },

    end() {
      current = null;
    },

    clear() {
      strokes.length = 0;
      current = null;
    },

    strokes() {
      return strokes.map((stroke) => stroke.slice());
    },

    ink() {
      let length = 0;
      for (const stroke of strokes) {
        for (let i = 1; i < stroke.length; i += 1) {
          length += distance(stroke[i - 1], stroke[i]);
        }
      }
      return length;
    },

    hasEnoughInk() {
      return this.ink() >= MIN_INK_LENGTH;
    },
  };
}

// Draws one segment with a round pen on a CanvasRenderingContext2D (the 2d canvas of the pad).
function drawSegment(context, { from, to }) {
  context.beginPath();
  context.moveTo(from.x, from.y);
  context.lineTo(to.x, to.y);
  context.stroke();
}

// Sets the pen: a dark ink that the platform's ink check counts, with round ends and joins.
function preparePen(context, { lineWidth = 4 } = {}) {
  context.strokeStyle = '#1a1a3a';
  context.lineWidth = lineWidth;
  context.lineCap = 'round';
  context.lineJoin = 'round';
}

// Returns the export size: twice the logical size, below the platform's limit of 2000 pixels a side.
function exportSize(width, height) {
  const scale = Math.min(2, 2000 / Math.max(width, height));
  return { destWidth: Math.floor(width * scale), destHeight: Math.floor(height * scale) };
}

module.exports = { MIN_INK_LENGTH, createStrokeRecorder, drawSegment, preparePen, exportSize };
