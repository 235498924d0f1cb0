/**
 * A state folder: what a local cloud starts from (startLocalCloud({ stateDir })) and what it
 * exports (cloud.exportState(dir), or exportOnClose). One subfolder per service, named after it:
 *
 *   <dir>/database/<collection>.json   an array of documents, relaxed Extended JSON ($date, …);
 *                                      a file makes the collection, [] an empty one
 *   <dir>/openapi/*.json               the emulated WeChat logistics state: printers.json,
 *                                      printer-tags.json, accounts.json (with statuses),
 *                                      known-users.json, carrier-accounts.json (the carrier
 *                                      registry: it holds passwords; keep the folder out of git,
 *                                      but for the demo seed, demo-seed/, whose are demo data)
 *
 * Importing is each service's own start(); exporting writes each service's part.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Services } from './services';

export function exportStateFolder(services: Services, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const service of Object.values(services)) service.exportState(path.join(dir, service.name));
}
