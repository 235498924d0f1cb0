/**
 * The outcomes made on the phone, when a call to a function fails before any function answered:
 * each listed once, in the catalogue's own entry shape (core/catalogue.ts; a type, erased). The
 * page's client (services/) answers with them and its logic (logic/) branches on them, so they
 * live here, where both may import them. test/page/logic.test.ts holds them apart from every
 * catalogue code.
 *
 * -501000 and -404011 are the cloud's own codes for these failures; the rest use -901xxx, a range
 * that neither WeChat, CloudBase nor the functions (-900xxx) use.
 */
import type { CatalogueEntry } from '../../core/catalogue';

type ClientCode = 'FUNCTION_NOT_FOUND' | 'FUNCTION_EXECUTION_FAILED' | 'CLOUD_UNAVAILABLE' | 'NETWORK_ERROR' | 'CALL_TIMEOUT' | 'BAD_RESPONSE';

export const CLIENT_OUTCOMES: Readonly<Record<ClientCode, CatalogueEntry>> = Object.freeze({
  FUNCTION_NOT_FOUND: {
    errCode: -501000,
    code: 'FUNCTION_NOT_FOUND',
    message: '找不到云函数或云环境：请管理员确认云函数已上传部署，并检查小程序里填写的云环境 ID',
    retryable: false,
  },
  FUNCTION_EXECUTION_FAILED: {
    errCode: -404011,
    code: 'FUNCTION_EXECUTION_FAILED',
    message: '云函数运行出错，这次操作可能没有完成：可以再试一次（再次提交是安全的），如果一直失败请管理员查看云函数日志',
    retryable: true,
  },
  CLOUD_UNAVAILABLE: {
    errCode: -901001,
    code: 'CLOUD_UNAVAILABLE',
    message: '当前无法使用云开发：请把微信升级到最新版本后再试，或请管理员检查小程序的云开发设置',
    retryable: false,
  },
  NETWORK_ERROR: { errCode: -901002, code: 'NETWORK_ERROR', message: '调用云函数失败，可能是网络不通：请检查网络后再试一次', retryable: true },
  CALL_TIMEOUT: {
    errCode: -901003,
    code: 'CALL_TIMEOUT',
    message: '等待云函数答复超时，结果未知：操作可能已经生效，请稍后确认；再次提交是安全的',
    retryable: true,
  },
  BAD_RESPONSE: {
    errCode: -901004,
    code: 'BAD_RESPONSE',
    message: '云函数返回了无法识别的结果：请管理员确认云函数已更新为本项目的最新版本',
    retryable: false,
  },
});

/** Codes that mean "may or may not have taken effect": from the function, or from the phone. */
export const OUTCOME_UNKNOWN_CODES: readonly string[] = ['OUTCOME_UNKNOWN', CLIENT_OUTCOMES.CALL_TIMEOUT.code];
