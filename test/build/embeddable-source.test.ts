import { EmbeddingError, makeEmbeddable } from '../../scripts/build/embeddable-source';

/** Evaluates CommonJS-ish code and returns its module.exports. */
function run(code: string): unknown {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports;
}

describe('makeEmbeddable', () => {
  it('removes comments, keeps every line, and the program does the same', () => {
    const code = [
      '"use strict";',
      '/* a block',
      '   comment */ var a = /* inline */ 1; // trailing',
      'var b = /* @__PURE__ */ (() => 2)();',
      'module.exports = a + b;',
    ].join('\n');
    const embeddable = makeEmbeddable(code);
    expect(embeddable).not.toContain('/*');
    expect(embeddable).not.toContain('//');
    expect(embeddable.split('\n')).toHaveLength(code.split('\n').length);
    expect(run(embeddable)).toBe(run(code));
  });

  it('leaves comment-like text inside strings, templates and regular expressions alone', () => {
    const code = [
      'var url = "http://example.com/*";',
      "var single = '// not a comment';",
      'var tpl = `/* ${ /* a real comment */ url } // ${"x"}`;',
      'var re = /\\/\\/+/g;',
      'module.exports = [url, single, tpl, "a//b".replace(re, "/")];',
    ].join('\n');
    const embeddable = makeEmbeddable(code);
    expect(embeddable).not.toContain('a real comment');
    expect(run(embeddable)).toEqual(run(code));
  });

  it('writes "*/" inside a string literal as "*\\/", the same string', () => {
    const code = 'module.exports = { accept: "application/json, text/plain, */*" };';
    const embeddable = makeEmbeddable(code);
    expect(embeddable).not.toContain('*/');
    expect(run(embeddable)).toEqual({ accept: 'application/json, text/plain, */*' });
  });

  it('rewrites the reviewed regular expression and matches the same', () => {
    const code = 'module.exports = encodeURIComponent("a*b").replace(/\\*/g, "%2A");';
    const embeddable = makeEmbeddable(code);
    expect(embeddable).toContain('/[*]/g');
    expect(run(embeddable)).toBe('a%2Ab');
  });

  it('refuses a regular expression holding "*/" that nobody reviewed', () => {
    expect(() => makeEmbeddable('module.exports = /a*/.test("aa");')).toThrow(EmbeddingError);
  });

  it('refuses a template literal holding "*/" (no safe rewrite)', () => {
    expect(() => makeEmbeddable('module.exports = `*/`;')).toThrow(/a template literal contains/);
  });

  it('refuses non-ASCII text outside comments (esbuild escapes it; anything else is a surprise)', () => {
    expect(() => makeEmbeddable('module.exports = "é";')).toThrow(/non-ASCII/);
    expect(makeEmbeddable('// é\nmodule.exports = 1;')).toBe('\nmodule.exports = 1;');
  });

  it('refuses code that does not parse', () => {
    expect(() => makeEmbeddable('module.exports = (;')).toThrow(/does not parse/);
  });
});
