const test = require('node:test');
const assert = require('node:assert/strict');

const { createStrokeRecorder, drawSegment, exportSize, MIN_INK_LENGTH } = require('../utils/signature');

test('recorder measures ink length', () => {
  const recorder = createStrokeRecorder();
  recorder.start({ x: 0, y: 0 });
  recorder.move({ x: 30, y: 40 });
  recorder.end();
  assert.equal(recorder.ink(), 50);
});

test('recorder dot is not enough ink', () => {
  const recorder = createStrokeRecorder();
  recorder.start({ x: 10, y: 10 });
  recorder.move({ x: 11, y: 10 });
  assert.equal(recorder.hasEnoughInk(), false);
});

test('recorder several strokes add up', () => {
  const recorder = createStrokeRecorder();
  for (const y of [10, 40]) {
    recorder.start({ x: 0, y });
    recorder.move({ x: MIN_INK_LENGTH / 2, y });
    recorder.end();
  }
  assert.equal(recorder.hasEnoughInk(), true);
  assert.equal(recorder.strokes().length, 2);
});

test('recorder move without start draws nothing', () => {
  const recorder = createStrokeRecorder();
  assert.equal(recorder.move({ x: 5, y: 5 }), null);
});

test('recorder clear forgets strokes', () => {
  const recorder = createStrokeRecorder();
  recorder.start({ x: 0, y: 0 });
  recorder.move({ x: 100, y: 0 });
  recorder.clear();
  assert.equal(recorder.ink(), 0);
});

test('drawSegment strokes a line', () => {
  const drawn = [];
  const context = new Proxy({}, { get: (_, name) => (...args) => drawn.push([name, ...args]) });
  drawSegment(context, { from: { x: 1, y: 2 }, to: { x: 3, y: 4 } });
  assert.deepEqual(drawn, [['beginPath'], ['moveTo', 1, 2], ['lineTo', 3, 4], ['stroke']]);
});

test('exportSize doubles small pads', () => {
  assert.deepEqual(exportSize(345, 150), { destWidth: 690, destHeight: 300 });
});

test('exportSize stays within platform limit', () => {
  const size = exportSize(1500, 400);
  assert.equal(size.destWidth <= 2000, true);
  assert.equal(size.destHeight <= 2000, true);
});
