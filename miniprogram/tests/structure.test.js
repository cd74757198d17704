// Static checks of the mini-program package: every page is complete, handlers exist, text is Chinese.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { installFakeWx } = require('./support/fake_wx');

const ROOT = path.join(__dirname, '..');
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const CJK = /[\u4e00-\u9fff]/;
const VOID_TAGS = new Set(['input', 'image', 'checkbox', 'icon', 'progress', 'import', 'include', 'wxs']);
const fake = installFakeWx();

function read(page, extension) {
  return fs.readFileSync(path.join(ROOT, `${page}.${extension}`), 'utf8');
}

// Returns the problems of a WXML file's tag nesting: unclosed, unexpected or mismatched tags.
function tagProblems(wxml) {
  const problems = [];
  const open = [];
  const withoutComments = wxml.replace(/<!--[\s\S]*?-->/g, '');
  for (const match of withoutComments.matchAll(/<(\/?)([a-z][\w-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing || (VOID_TAGS.has(name) && !closing)) {
      continue;
    }
    if (!closing) {
      open.push(name);
    } else if (open.pop() !== name) {
      problems.push(`unexpected </${name}>`);
    }
  }
  return problems.concat(open.map((name) => `unclosed <${name}>`));
}

test('app json lists pages', () => {
  assert.equal(APP.pages[0], 'pages/login/index');
  assert.equal(APP.pages.length >= 10, true);
});

for (const page of APP.pages) {
  test(`${page} has all four files`, () => {
    for (const extension of ['js', 'json', 'wxml', 'wxss']) {
      assert.equal(fs.existsSync(path.join(ROOT, `${page}.${extension}`)), true, extension);
    }
  });

  test(`${page} title is Chinese`, () => {
    assert.match(JSON.parse(read(page, 'json')).navigationBarTitleText, CJK);
  });

  test(`${page} tags are balanced`, () => {
    assert.deepEqual(tagProblems(read(page, 'wxml')), []);
  });

  test(`${page} handlers exist`, () => {
    const definition = fake.openPage(path.join(ROOT, `${page}.js`));
    const handlers = [...read(page, 'wxml').matchAll(/\b(?:bind|catch)[a-z]+="([^"]+)"/g)].map((match) => match[1]);
    for (const handler of handlers) {
      assert.equal(typeof definition[handler], 'function', handler);
    }
  });

  test(`${page} screen text is Chinese`, () => {
    const text = read(page, 'wxml').replace(/\{\{[\s\S]*?\}\}/g, '').replace(/<[^>]*>/g, '\n');
    const lines = text.split('\n').map((line) => line.trim()).filter((line) => /[A-Za-z]/.test(line));
    for (const line of lines) {
      assert.match(line, CJK, line);
    }
  });
}

test('config has one base URL', () => {
  const config = require('../config');
  assert.match(config.apiBaseUrl, /^https?:\/\//);
});

test('pages call the API only through utils', () => {
  for (const page of APP.pages) {
    assert.doesNotMatch(read(page, 'js'), /wx\.request\(|wx\.downloadFile\(/, page);
  }
});
