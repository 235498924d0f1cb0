/** Whom the console lets you be: the demo's people (localcloud/demo.ts). A new user and any OPENID are made in the console. */
import { DEMO_ADMIN_OPENID, DEMO_PRINTER_OPENID, DEMO_STAFF_OPENID, DEMO_STRANGER_OPENID } from '../../localcloud/demo';

export interface Caller {
  readonly key: string;
  readonly label: string;
  readonly openid: string;
}

export const CALLERS: readonly Caller[] = [
  { key: 'admin', label: '管理员（演示）', openid: DEMO_ADMIN_OPENID },
  { key: 'staff', label: '新同事', openid: DEMO_STAFF_OPENID },
  { key: 'printer', label: '仓库打印员', openid: DEMO_PRINTER_OPENID },
  { key: 'stranger', label: '陌生人', openid: DEMO_STRANGER_OPENID },
];
