/**
 * The errcode catalogue: every code the functions can answer with, each listed once.
 *
 * Sources: WeChat's pages for the five logistics APIs (linked from README.md), WeChat's cloud
 * errcode table (the -501xxx, -502xxx (database), -601xxx and -604xxx families the SDK throws), and this project's own
 * refusals, which use the -900xxx range that neither WeChat nor CloudBase uses (so an outside
 * answer in it is an unknown code: describeOutsideErrCode).
 *
 * `message` is for a person (plain Chinese); the envelope's `errMsg` keeps the technical text.
 * `retryable` says whether sending the same request again later can succeed.
 */

export interface CatalogueEntry {
  readonly errCode: number;
  /** Stable name, safe to branch on in the page and in other functions. */
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

function entry(errCode: number, code: string, message: string, retryable = false): CatalogueEntry {
  return Object.freeze({ errCode, code, message, retryable });
}

/** Project codes: refusals made before any openapi call, and our own time budget. */
export const ProjectCode = {
  INVALID_EVENT: -900001,
  INVALID_PARAM: -900002,
  ADMINS_NOT_CONFIGURED: -900101,
  NOT_ADMIN: -900102,
  NO_CALLER_IDENTITY: -900103,
  INVALID_CALLER_IDENTITY: -900104,
  INVALID_CONFIGURATION: -900105,
  // -900106 was INVITES_NOT_CONFIGURED (LOGISTICS_INVITE_SECRET): retired with issue 21, not reused.
  INVITE_INVALID: -900107,
  INVITE_EXPIRED: -900108,
  INVITE_REVOKED: -900109,
  INVITE_USED_UP: -900110,
  INVITE_NOT_FOUND: -900111,
  OUTCOME_UNKNOWN: -900201,
  READ_TIMEOUT: -900202,
  MALFORMED_ANSWER: -900301,
  INTERNAL_ERROR: -900901,
} as const;

/** The errCode given to anything thrown without a numeric errCode. */
export const UNKNOWN_ERRCODE = -900999;

export const CATALOGUE: readonly CatalogueEntry[] = [
  entry(0, 'OK', '操作成功'),

  // Both write APIs' docs pages.
  entry(-1, 'WECHAT_SYSTEM_ERROR', '微信系统繁忙，请稍后再试', true),
  // updatePrinter.
  entry(9300517, 'INVALID_UPDATE_TYPE', '更新类型不正确，只能是绑定（bind）或解绑（unbind）'),
  // bindAccount.
  entry(9300529, 'ALREADY_BOUND', '这个快递账号已经绑定过了，无需重复绑定'),
  entry(9300530, 'BIZ_ID_NOT_FOUND', '要解绑的客户编码不存在，可能已经解绑过了'),
  entry(9300531, 'WRONG_ACCOUNT_OR_PASSWORD', '快递公司客户编码或密码不正确，请核对后重试'),
  entry(9300532, 'UNDER_REVIEW', '绑定申请已提交，正在等待快递公司审核'),

  // Global WeChat codes users of these APIs meet (WeChat's global errcode table). None is
  // cured by sending the same request again within a call.
  entry(40003, 'INVALID_OPENID', '这个 openid 不是本小程序的用户：请让打印员先打开一次小程序，再复制 TA 的 openid'),
  entry(40097, 'INVALID_ARGS', '请求参数不正确，请管理员查看云函数日志'),
  entry(47001, 'DATA_FORMAT_ERROR', '请求数据格式不正确（参数缺失或格式有误），请检查填写内容'),
  entry(45009, 'DAILY_QUOTA_EXCEEDED', '这个接口今天的调用次数已用完，请明天再试'),
  entry(48001, 'API_UNAUTHORIZED', '小程序没有这个接口的权限：请管理员在小程序后台开通物流助手'),

  // Cloud calls (wx-server-sdk openapi).
  entry(-604100, 'API_NOT_FOUND', '云调用接口不存在，请确认 wx-server-sdk 版本和接口名称'),
  entry(
    -604101,
    'NO_API_PERMISSION',
    '云函数没有调用此接口的权限：请管理员确认 config.json 已声明该接口并重新上传云函数，权限缓存最长约 10 分钟后生效',
  ),
  entry(-604102, 'CLOUD_CALL_TIMEOUT', '云调用超时，请稍后再试', true),
  entry(-604103, 'CLOUD_CALL_SYSTEM_ERROR', '云调用系统错误，请稍后再试', true),
  entry(
    -604104,
    'ILLEGAL_INVOCATION_SOURCE',
    '当前调用来源（例如定时触发器）不允许使用云调用，请从小程序端或云函数调用',
  ),

  // CloudBase resource errors (the SDK's own HTTP layer).
  // -501001 is also what the SDK gives for a database request that timed out or could not connect.
  entry(-501001, 'CLOUD_SYSTEM_ERROR', '云开发服务暂时不可用（网络、数据库或系统错误），请稍后再试', true),
  entry(-501002, 'CLOUD_RESPONSE_TIMEOUT', '云开发服务响应超时，请稍后再试', true),
  entry(-501003, 'CLOUD_QUOTA_EXCEEDED', '云开发请求次数超出环境配额，请管理员检查配额'),
  entry(-501004, 'CLOUD_CONCURRENCY_EXCEEDED', '云开发并发请求过多，请稍后再试', true),
  entry(-501005, 'CLOUD_ENV_ERROR', '云开发环境信息异常，请管理员检查云环境配置'),
  entry(-501007, 'CLOUD_INVALID_PARAM', '云开发请求参数错误，请管理员查看云函数日志'),
  entry(-501009, 'CLOUD_RESOURCE_NOT_FOUND', '操作的云资源不存在或不合法，请管理员检查云环境'),

  // The CloudBase database (wx-server-sdk's codes for the database's error answers).
  entry(-502001, 'DATABASE_REQUEST_FAILED', '云数据库请求失败，请稍后再试', true),
  entry(-502002, 'DATABASE_INVALID_OPERATOR', '云数据库不接受这个请求（非法的数据库指令），请管理员查看云函数日志'),
  entry(
    -502003,
    'DATABASE_PERMISSION_DENIED',
    '云函数没有操作云数据库的权限，请管理员检查云开发环境',
  ),
  entry(-502004, 'DATABASE_COLLECTION_LIMIT', '云数据库的集合数量已达上限，请管理员在云开发控制台清理或升级配额'),
  entry(
    -502005,
    'DATABASE_COLLECTION_NOT_EXIST',
    '云数据库里还没有这个集合：请管理员在云开发控制台创建它（权限设为“所有用户不可读写”）',
  ),

  // WeChat back-end errors.
  entry(-601001, 'WECHAT_BACKEND_ERROR', '微信后台系统错误，请稍后再试', true),
  entry(-601002, 'WECHAT_BACKEND_PARAM_ERROR', '微信后台系统参数错误，请管理员查看云函数日志'),
  entry(-601003, 'WECHAT_BACKEND_NETWORK_ERROR', '微信后台网络错误，请稍后再试', true),
  entry(-601004, 'WECHAT_BACKEND_NO_PERMISSION', '没有权限使用该接口，请管理员检查小程序的接口权限'),

  // This project's refusals.
  entry(ProjectCode.INVALID_EVENT, 'INVALID_EVENT', '请求格式不正确，应为一个对象'),
  entry(ProjectCode.INVALID_PARAM, 'INVALID_PARAM', '参数不正确'),
  entry(
    ProjectCode.ADMINS_NOT_CONFIGURED,
    'ADMINS_NOT_CONFIGURED',
    '尚未设置管理员：请在云函数的环境变量 LOGISTICS_ADMIN_OPENIDS 中填写管理员的 openid',
  ),
  entry(ProjectCode.NOT_ADMIN, 'NOT_ADMIN', '你不是管理员，无权进行此操作'),
  entry(
    ProjectCode.NO_CALLER_IDENTITY,
    'NO_CALLER_IDENTITY',
    '无法确认调用者身份，已拒绝：请从小程序端调用，或由管理员开放受信任的服务端来源',
  ),
  entry(
    ProjectCode.INVALID_CALLER_IDENTITY,
    'INVALID_CALLER_IDENTITY',
    '调用者身份信息异常（openid 格式不正确），已拒绝：请从小程序端重新进入后再试',
  ),
  entry(
    ProjectCode.INVALID_CONFIGURATION,
    'INVALID_CONFIGURATION',
    '云函数的环境变量设置有误，已拒绝：请管理员按提示修改后再试',
  ),
  entry(ProjectCode.INVITE_INVALID, 'INVITE_INVALID', '这个邀请无效（可能不完整，或是旧版本的邀请）：请向管理员要一个新的邀请'),
  entry(ProjectCode.INVITE_EXPIRED, 'INVITE_EXPIRED', '这个邀请已过期：请向管理员要一个新的邀请'),
  entry(ProjectCode.INVITE_REVOKED, 'INVITE_REVOKED', '这个邀请已被管理员撤销：如需成为打印员，请向管理员要一个新的邀请'),
  entry(ProjectCode.INVITE_USED_UP, 'INVITE_USED_UP', '这个邀请已经被用完了：如需成为打印员，请向管理员要一个新的邀请'),
  entry(ProjectCode.INVITE_NOT_FOUND, 'INVITE_NOT_FOUND', '没有找到这个邀请，可能已经过了保留期限：请刷新后再试'),
  entry(
    ProjectCode.OUTCOME_UNKNOWN,
    'OUTCOME_UNKNOWN',
    '请求已发出，但没有得到能确认结果的答复，结果未知：请稍后刷新确认，再次提交是安全的',
    true,
  ),
  // Answered by read operations only: a read has no effect, so no answer is a plain failure.
  entry(ProjectCode.READ_TIMEOUT, 'READ_TIMEOUT', '查询没有在时限内得到答复，请稍后刷新再试', true),
  entry(ProjectCode.MALFORMED_ANSWER, 'MALFORMED_ANSWER', '微信返回的数据格式无法识别，这部分暂时无法显示：请管理员查看云函数日志'),
  entry(ProjectCode.INTERNAL_ERROR, 'INTERNAL_ERROR', '云函数内部错误，请管理员查看云函数日志'),
  entry(UNKNOWN_ERRCODE, 'UNKNOWN_ERROR', '发生未知错误，请稍后再试或联系管理员'),
];

/** Codes that are in no table: named by their family so the page still says something true. */
const FAMILY_FALLBACKS: ReadonlyArray<{ readonly match: (errCode: number) => boolean; readonly entry: CatalogueEntry }> = [
  {
    match: (c) => c <= -604000 && c > -605000,
    entry: entry(0, 'CLOUD_CALL_ERROR', '云调用失败，请稍后再试或联系管理员'),
  },
  {
    match: (c) => c <= -601000 && c > -602000,
    entry: entry(0, 'WECHAT_BACKEND_ERROR', '微信后台错误，请稍后再试', true),
  },
  {
    match: (c) => c <= -502000 && c > -503000,
    entry: entry(0, 'DATABASE_ERROR', '云数据库出错，请稍后再试或联系管理员'),
  },
  {
    match: (c) => c <= -501000 && c > -502000,
    entry: entry(0, 'CLOUD_RESOURCE_ERROR', '云开发服务错误，请稍后再试或联系管理员'),
  },
];

const BY_ERRCODE: ReadonlyMap<number, CatalogueEntry> = new Map(CATALOGUE.map((e) => [e.errCode, e]));

/**
 * The entry for an errCode. A code in no table gets its family's entry, or UNKNOWN_ERROR; either
 * way the returned entry carries the errCode asked for, so the caller never loses the real code.
 */
export function describeErrCode(errCode: number): CatalogueEntry {
  const known = BY_ERRCODE.get(errCode);
  if (known) return known;
  const family = FAMILY_FALLBACKS.find((f) => f.match(errCode))?.entry;
  const base = family ?? BY_ERRCODE.get(UNKNOWN_ERRCODE)!;
  return { ...base, errCode };
}

/** The -900xxx range: this project's own codes, which no outside answer may claim. */
export function isProjectErrCode(errCode: number): boolean {
  return errCode <= -900000 && errCode >= -900999;
}

/**
 * The entry for an errCode that came from outside (WeChat, the gateway, the SDK). One in our own
 * range is an unknown code there, never one of our refusals or outcomes: UNKNOWN_ERROR, the number kept.
 */
export function describeOutsideErrCode(errCode: number): CatalogueEntry {
  if (!isProjectErrCode(errCode)) return describeErrCode(errCode);
  return { ...BY_ERRCODE.get(UNKNOWN_ERRCODE)!, errCode };
}

/**
 * Whether this answer came from WeChat's own business logic and is final: 0, or a positive
 * errcode that is not retryable (ALREADY_BOUND, WRONG_ACCOUNT_OR_PASSWORD, …). WeChat's API
 * errcodes are positive (but -1); the cloud's are -5xxxxx/-6xxxxx and ours -9xxxxx. Only such an
 * answer tells what became of an earlier attempt that may have reached WeChat.
 */
export function isFinalWeChatAnswer(entry: Pick<CatalogueEntry, 'errCode' | 'retryable'>): boolean {
  return entry.errCode === 0 || (entry.errCode > 0 && !entry.retryable);
}

/** The entry for a stable code name (project refusals are built this way). */
export function entryForCode(code: string): CatalogueEntry {
  const found = CATALOGUE.find((e) => e.code === code);
  if (!found) throw new Error(`no catalogue entry named ${code}`);
  return found;
}
