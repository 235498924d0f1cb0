/**
 * Which compiled WXSS a page is shown with, for the browser (npm run screenshots, npm run dev):
 * wcsc's output puts each file in the document with a class prefix standing in for its suffix marks.
 */
import * as fs from 'fs';
import * as path from 'path';

/** j-component's class prefix for the rendered page (its tag name), which wcsc's suffix marks stand for. */
export const PAGE_CLASS_PREFIX = 'main--';

export interface Sheet {
  /** Relative to the mini program root, as wcsc names it. */
  readonly file: string;
  readonly prefix: string;
}

/**
 * The WXSS a page is shown with: app.wxss, the page's own, and each custom component's it uses
 * (recursively), each with the class prefix j-component gives it (its tag name and "--"; the
 * page's is main--). Files that do not exist are left out.
 */
export function sheetsFor(root: string, page: string): Sheet[] {
  const sheets: Sheet[] = [{ file: 'app.wxss', prefix: '' }];
  const seen = new Set<string>();
  const visit = (component: string, prefix: string) => {
    if (seen.has(`${component}|${prefix}`)) return;
    seen.add(`${component}|${prefix}`);
    sheets.push({ file: `${component}.wxss`, prefix });
    const jsonFile = path.join(root, `${component}.json`);
    const json = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { usingComponents?: Record<string, string> }) : {};
    for (const [tag, target] of Object.entries(json.usingComponents ?? {})) {
      const resolved = target.startsWith('/') ? target.slice(1) : path.posix.join(path.posix.dirname(component), target);
      visit(path.posix.normalize(resolved), `${tag}--`);
    }
  };
  visit(page, PAGE_CLASS_PREFIX);
  return sheets.filter((sheet) => fs.existsSync(path.join(root, sheet.file)));
}

