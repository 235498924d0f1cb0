/**
 * Who is who in the demo of `npm start`, `npm run invoke` and `npm run dev`: made-up openids, the
 * appid, the admin's function variables, the EMS reviewer's words; and where the demo's seed is (its
 * accounts at the carriers, with demo passwords documented in README.md and still never printed).
 */
import * as path from 'node:path';

export const DEMO_ADMIN_OPENID = 'oDemoAdmin0000000000000000001';
export const DEMO_STRANGER_OPENID = 'oDemoStranger000000000000002';
export const DEMO_APPID = 'wxdemo0000000000001';
/** A new staff member who becomes a printer by accepting the admin's invite card (not an admin). */
export const DEMO_STAFF_OPENID = 'oDemoNewStaff000000000000004';
/** A warehouse worker who has opened the mini program once (so WeChat knows them as a user). */
export const DEMO_PRINTER_OPENID = 'oDemoWarehousePrinter0000003';
/** The packer 老张, a printer already when the demo starts: the seed holds their accepted invite, roster entry and history. */
export const DEMO_PACKER_OPENID = 'oDemoPacker00000000000000005';

/**
 * The demo's seed: a state folder (state-folder.ts) the local cloud's own export wrote, and the one
 * place the demo world is: the carriers' accounts (openapi/carrier-accounts.json, with the demo
 * passwords), the users WeChat knows (openapi/known-users.json), one printer already bound (the
 * packer 老张, openapi/printers.json) and the records of how: the admin's invite, used up (its
 * token's hash only), 老张's roster entry, the history's invite and accept. It holds nothing
 * `npm start`'s walkthrough binds. `npm start`, `npm run invoke` and `npm run dev` start from it
 * unless a --seed / --state folder names another state.
 */
export const DEMO_SEED_DIR = path.join(__dirname, 'demo-seed');

/** What the demo's EMS reviewer says when rejecting a bind. */
export const DEMO_REJECTION_REASON = '发货地址不详细，请补充到门牌号后重新提交';

/** The function variables that make the demo admin an admin (invites need nothing more: they are records). */
export const DEMO_FUNCTION_ENV: Readonly<Record<string, string>> = {
  LOGISTICS_ADMIN_OPENIDS: DEMO_ADMIN_OPENID,
};
