/**
 * Prepares the esbuild bundle to be embedded in index.js inside one block comment (see
 * code-cache-loader.ts): the loader then compiles a slice of its own source text, so the bundle is
 * held in memory once, as a one-byte string.
 *
 * For that the text must be ASCII (else V8 stores all of it in two bytes per character) and must
 * not contain `*​/`. esbuild escapes non-ASCII everywhere but in comments, and `*​/` appears in
 * comments and in a couple of literals. So this:
 * - removes every comment (a multi-line one leaves its line breaks, so line numbers are kept;
 *   any other leaves a space, so tokens never merge);
 * - writes `*​/` inside a string literal as `*\/` (the same string);
 * - rewrites the regular expression literals listed in REGEXP_REWRITES (the same matches);
 * and proves the result is the same program: esbuild, printing both without whitespace and
 * comments, must produce identical text once the listed regular expressions are rewritten.
 *
 * Literal boundaries come from the TypeScript parser, so a `//` or `/*` inside a string, template
 * or regular expression is never taken for a comment.
 */
import * as esbuild from 'esbuild';
import * as ts from 'typescript';

const END_OF_COMMENT = '*/';

/**
 * Regular expression literals containing `*​/`, each with a rewrite that matches exactly the same
 * strings. Only `.source` differs, which no caller of these reads (checked by hand; listed with where).
 */
export const REGEXP_REWRITES: Readonly<Record<string, { replacement: string; where: string }>> = {
  '/\\*/g': { replacement: '/[*]/g', where: "@cloudbase/signature-nodejs Signer.camSafeUrlEncode: str.replace(/\\*/g, '%2A')" },
};

export class EmbeddingError extends Error {
  override name = 'EmbeddingError';
}

interface Literal {
  start: number;
  end: number;
  kind: ts.SyntaxKind;
}

const LITERAL_KINDS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
]);

/** Every string, template piece and regular expression literal, in source order. */
function findLiterals(text: string): Literal[] {
  const sourceFile = ts.createSourceFile('bundle.js', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (diagnostics.length > 0) {
    const first = diagnostics[0] as ts.Diagnostic;
    throw new EmbeddingError(`the bundle does not parse: ${ts.flattenDiagnosticMessageText(first.messageText, '\n')} at ${first.start}`);
  }
  const literals: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (LITERAL_KINDS.has(node.kind)) {
      literals.push({ start: node.getStart(sourceFile), end: node.end, kind: node.kind });
    }
    // Template spans hold their head/middle/tail as children; visiting them covers every piece.
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return literals.sort((a, b) => a.start - b.start);
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** Text with comments removed and literals made embeddable; see the file comment. */
function rewrite(text: string, literals: readonly Literal[]): string {
  const out: string[] = [];
  let position = 0;
  // Next `//` and `/*` at or after position; searched again only once passed (keeps this linear).
  let nextLine = -2;
  let nextBlock = -2;
  const next = (found: number, marker: string): number => (found !== -1 && found < position ? text.indexOf(marker, position) : found);
  /** Copies code (no literal inside) from position to end, dropping comments. */
  const copyCode = (end: number): void => {
    while (position < end) {
      nextLine = next(nextLine, '//');
      nextBlock = next(nextBlock, '/*');
      // A marker must lie wholly in the code: `/` then a literal's opening `/` is not a comment.
      const candidates = [nextLine, nextBlock].filter((at) => at !== -1 && at + 1 < end);
      if (candidates.length === 0) {
        out.push(text.slice(position, end));
        position = end;
        return;
      }
      const start = Math.min(...candidates);
      out.push(text.slice(position, start));
      if (start === nextBlock) {
        const close = text.indexOf(END_OF_COMMENT, start + 2);
        if (close === -1 || close + 2 > end) throw new EmbeddingError(`unterminated block comment at ${start}`);
        const breaks = text.slice(start, close + 2).match(/\r\n|[\n\r\u2028\u2029]/g);
        out.push(breaks === null ? ' ' : breaks.join(''));
        position = close + 2;
      } else {
        let stop = start;
        while (stop < end && !LINE_TERMINATOR.test(text.charAt(stop))) stop += 1;
        position = stop;
      }
    }
  };
  for (const literal of literals) {
    if (literal.start < position) throw new EmbeddingError(`overlapping literals at ${literal.start}`);
    copyCode(literal.start);
    const raw = text.slice(literal.start, literal.end);
    if (!raw.includes(END_OF_COMMENT)) {
      out.push(raw);
    } else if (literal.kind === ts.SyntaxKind.StringLiteral) {
      out.push(raw.split(END_OF_COMMENT).join('*\\/'));
    } else if (literal.kind === ts.SyntaxKind.RegularExpressionLiteral && REGEXP_REWRITES[raw] !== undefined) {
      out.push(REGEXP_REWRITES[raw].replacement);
    } else {
      const what = literal.kind === ts.SyntaxKind.RegularExpressionLiteral ? 'regular expression' : 'template literal';
      throw new EmbeddingError(`a ${what} contains "*/" and has no reviewed rewrite: ${raw.slice(0, 120)}`);
    }
    position = literal.end;
  }
  copyCode(text.length);
  return out.join('');
}

/** esbuild's whitespace-free, comment-free print of a program: equal prints mean the same program. */
function canonicalPrint(code: string): string {
  return esbuild.transformSync(code, {
    loader: 'js',
    format: 'cjs',
    minifyWhitespace: true,
    ignoreAnnotations: true,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
  }).code;
}

/** The bundle, ready to sit inside a block comment; throws EmbeddingError if it cannot be made so provably. */
export function makeEmbeddable(bundle: string): string {
  const literals = findLiterals(bundle);
  const embeddable = rewrite(bundle, literals);
  const nonAscii = embeddable.search(/[^\x00-\x7f]/);
  if (nonAscii !== -1) throw new EmbeddingError(`non-ASCII text outside comments at ${nonAscii}: ${embeddable.slice(nonAscii - 40, nonAscii + 40)}`);
  if (embeddable.includes(END_OF_COMMENT)) throw new EmbeddingError('"*/" is still present after rewriting');
  const lines = (text: string) => text.split(/\r\n|[\n\r\u2028\u2029]/).length;
  if (lines(embeddable) !== lines(bundle)) throw new EmbeddingError('rewriting changed the number of lines');
  // The only intended change to the program is the listed regular expressions.
  let expected = bundle;
  for (const [literal, { replacement }] of Object.entries(REGEXP_REWRITES)) expected = expected.split(literal).join(replacement);
  if (canonicalPrint(expected) !== canonicalPrint(embeddable)) {
    throw new EmbeddingError('removing comments changed the program (esbuild prints the two differently)');
  }
  return embeddable;
}
