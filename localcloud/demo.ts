/**
 * The seeded demo world of `npm start` and `npm run invoke`: made-up accounts at the carriers and
 * made-up openids. The passwords are demo data, documented in README.md, and still never printed.
 */
import type { CarrierAccount } from './services/openapi/wechat-logistics';

export const DEMO_ADMIN_OPENID = 'oDemoAdmin0000000000000000001';
export const DEMO_STRANGER_OPENID = 'oDemoStranger000000000000002';
export const DEMO_APPID = 'wxdemo0000000000001';
/** A new staff member who becomes a printer by accepting the admin's invite card (not an admin). */
export const DEMO_STAFF_OPENID = 'oDemoNewStaff000000000000004';
/** A warehouse worker who has opened the mini program once (so WeChat knows them as a user). */
export const DEMO_PRINTER_OPENID = 'oDemoWarehousePrinter0000003';

export const DEMO_CARRIER_ACCOUNTS: readonly CarrierAccount[] = [
  { deliveryId: 'YUNDA', bizId: 'demo-yunda', password: 'demo-yunda-password' },
  { deliveryId: 'ZTO', bizId: 'demo-zto', password: 'demo-zto-password' },
  { deliveryId: 'SF', bizId: 'demo-sf' },
  { deliveryId: 'JD', bizId: 'demo-jd' },
  { deliveryId: 'EMS', bizId: 'demo-ems' },
  { deliveryId: 'EMS', bizId: 'demo-ems-2' },
];

/** Users WeChat knows beside whoever invokes a function. */
export const DEMO_KNOWN_USERS: readonly string[] = [DEMO_PRINTER_OPENID];

/** What the demo's EMS reviewer says when rejecting a bind. */
export const DEMO_REJECTION_REASON = '发货地址不详细，请补充到门牌号后重新提交';

/** The function variables that make the demo admin an admin (invites need nothing more: they are records). */
export const DEMO_FUNCTION_ENV: Readonly<Record<string, string>> = {
  LOGISTICS_ADMIN_OPENIDS: DEMO_ADMIN_OPENID,
};
