/**
 * What a refused person reads about admins: their own OPENID (which NOT_ADMIN and
 * ADMINS_NOT_CONFIGURED carry as `data.callerOpenid`), the steps that make the owner the first
 * admin, "send this to your admin" for everyone else, and the words for drift, when getBindings
 * counted the caller as an admin and a write function did not. Pure: the page puts these into its
 * data; the 复制 button copies the OPENID with wx.setClipboardData.
 */
import type { Envelope } from '../../core/envelope';
import { RULES, FIELD_LIMITS } from '../shared/field-rules';
import type { CalledFunctionName, RefusedCallerData } from '../shared/function-events';

/** The variable that lists the admins, and the three functions that each read their own copy of it. */
export const ADMINS_VARIABLE = 'LOGISTICS_ADMIN_OPENIDS';
export const ADMIN_FUNCTIONS: readonly CalledFunctionName[] = ['updatePrinter', 'bindAccount', 'getBindings'];
const THREE_FUNCTIONS = `三个云函数（${ADMIN_FUNCTIONS.join('、')}）`;
/** Where a function's variables are set (WeChat DevTools: 云开发 opens the console). */
export const VARIABLES_PLACE = '云开发控制台 → 云函数 → 点开函数 → 函数配置 → 环境变量';

/** The refusals that carry the caller's OPENID, and what they are about. */
const ADMIN_REFUSALS: readonly string[] = ['NOT_ADMIN', 'ADMINS_NOT_CONFIGURED'];

export function isAdminRefusal(code: string): boolean {
  return ADMIN_REFUSALS.includes(code);
}

/** The caller's own OPENID from a refusal's data, or '' (an older function, or junk: never shown). */
export function callerOpenidOf(envelope: Envelope): string {
  const data = envelope.data as Partial<Record<keyof RefusedCallerData, unknown>> | undefined | null;
  const openid = typeof data === 'object' && data !== null ? data.callerOpenid : undefined;
  return typeof openid === 'string' && openid !== '' && openid.length <= FIELD_LIMITS.openid && RULES.idChars.holds(openid) ? openid : '';
}

/** Said when a refusal that should carry the OPENID does not. */
export const NO_OPENID_NOTE = '（云函数没有告诉你的 openid：请确认三个云函数都已更新为本项目的最新版本并重新上传。）';

/** The steps that make the owner the first admin, in order. */
export const FIRST_ADMIN_STEPS: readonly string[] = [
  '点「复制」，复制上面你的 openid。',
  `打开${VARIABLES_PLACE}。`,
  `对${THREE_FUNCTIONS}每一个都添加环境变量 ${ADMINS_VARIABLE}，值粘贴你的 openid（以后有多位管理员时用英文逗号隔开），保存。三个云函数的值必须相同。`,
  '保存后回到这里下拉刷新，就能看到打印员和快递账号的列表。',
];

/** The "only admins" view for a refused getBindings. */
export interface RefusalView {
  /** no-admins: the owner's first run; not-admin: someone not listed; unidentified: no OPENID at all. */
  readonly kind: 'no-admins' | 'not-admin' | 'unidentified';
  readonly heading: string;
  readonly message: string;
  /** '' when the refusal carries none. */
  readonly callerOpenid: string;
  /** Numbered steps ([] when none). */
  readonly steps: readonly string[];
  readonly notes: readonly string[];
}

export function refusalViewFor(envelope: Envelope): RefusalView {
  const callerOpenid = callerOpenidOf(envelope);
  const missing = callerOpenid === '' ? [NO_OPENID_NOTE] : [];
  if (envelope.code === 'ADMINS_NOT_CONFIGURED') {
    return {
      kind: 'no-admins',
      heading: '还没有设置管理员：按下面的步骤把你自己设为第一位管理员',
      message: envelope.message,
      callerOpenid,
      steps: FIRST_ADMIN_STEPS,
      notes: missing,
    };
  }
  if (envelope.code === 'NOT_ADMIN') {
    return {
      kind: 'not-admin',
      heading: '你还不是这个小程序的管理员',
      message: envelope.message,
      callerOpenid,
      steps: [],
      notes: [
        ...missing,
        `想使用这个页面：点「复制」，把你的 openid 发给这个小程序的管理员，请 TA 把它加进${THREE_FUNCTIONS}的环境变量 ${ADMINS_VARIABLE}。`,
        `如果你就是管理员：getBindings 的 ${ADMINS_VARIABLE} 里没有你。管理员必须列在全部三个云函数里，三个的值要相同。`,
      ],
    };
  }
  return { kind: 'unidentified', heading: '', message: envelope.message, callerOpenid: '', steps: [], notes: ['如需开通权限，请联系这个小程序的管理员。'] };
}

/**
 * A write's admin refusal after getBindings counted the caller as an admin: the two functions
 * read different copies of the variable.
 */
export function driftTitle(fn: CalledFunctionName, code: string): string {
  return `${code === 'NOT_ADMIN' ? '没有权限' : '尚未设置管理员'}：${fn} 和 getBindings 的管理员设置不一致`;
}

export function driftHint(fn: CalledFunctionName, code: string): string {
  const fix =
    code === 'NOT_ADMIN'
      ? `请在 ${fn} 的 ${ADMINS_VARIABLE} 里加上你的 openid（点下面的「复制」）`
      : `${fn} 还没有填写 ${ADMINS_VARIABLE}：请照 getBindings 的值填上`;
  return `getBindings 把你当作管理员（所以能看到下面的列表），${fn} 却拒绝了你：${THREE_FUNCTIONS}的 ${ADMINS_VARIABLE} 必须相同。${fix}。位置：${VARIABLES_PLACE}。保存后再试。`;
}

/** A write's admin refusal without drift (getBindings did not answer as for an admin). */
export function adminRefusalHint(code: string): string {
  return code === 'NOT_ADMIN'
    ? `点「复制」，把你的 openid 发给这个小程序的管理员，请 TA 把它加进${THREE_FUNCTIONS}的 ${ADMINS_VARIABLE}。如果你就是管理员：三个云函数里都要有你，值要相同。`
    : `把你的 openid（点「复制」）填进${THREE_FUNCTIONS}的环境变量 ${ADMINS_VARIABLE}（${VARIABLES_PLACE}），三个的值要相同，保存后再试。`;
}
