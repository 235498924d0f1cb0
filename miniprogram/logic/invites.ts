/**
 * Printer invites as the page shows them: the admin's form (给谁, 有效期, 一次/多次) and its mint
 * event, the minted invite waiting to be shared and its share card, and the staff member's
 * acceptance view: preview first (who invited, for whom), the accepter's name, each outcome. Pure:
 * the page puts these into its data. What a code means is the envelope's `message` and outcome.ts'
 * title and hint; the words here are the invite's own.
 *
 * The page mints when the admin taps 生成, before any share: a database write on a cold start must
 * not race the 3 s WeChat waits for a share handler's promise. The share then answers at once.
 *
 * The token is never logged, never shown, and never kept in page data: it goes from the mint's
 * answer onto the card's path, and from the page's query into the preview and accept calls.
 */
import type { Envelope } from '../../core/envelope';
import { CLIENT_OUTCOMES } from '../shared/client-outcomes';
import type { AcceptInviteEvent, MintInviteEvent, PreviewInviteEvent } from '../shared/function-events';
import { INVITE_MAX_USES, INVITE_QUERY_KEY, INVITE_TOKEN_PATTERN, INVITE_TTL_HOURS, type InvitePreviewData, type InviteStatus, type MintedInviteData } from '../shared/printer-invites';
import { inviteTitle } from './bindings-view';
import type { Built } from './forms';
import { formatMoment } from './moments';
import { NEW_INVITE_HINT, notRecorded, resultPanelFor, resultView, type ResultView } from './outcome';
import { checkOptionalName } from './validation';

// --- The admin's form ---------------------------------------------------------------------------

/** The lifetimes offered (all within INVITE_TTL_HOURS); 1 天 is the default. */
export const TTL_CHOICES: ReadonlyArray<{ readonly label: string; readonly hours: number }> = [
  { label: '1 小时', hours: 1 },
  { label: '1 天', hours: 24 },
  { label: '3 天', hours: INVITE_TTL_HOURS.max },
];
export const DEFAULT_TTL_INDEX = TTL_CHOICES.findIndex((choice) => choice.hours === INVITE_TTL_HOURS.default);

/** 一次: one person (the default); 多次: as many as the function allows, for a group chat. */
export const USES_CHOICES = {
  once: { label: '一次', maxUses: INVITE_MAX_USES.default },
  many: { label: '多次', maxUses: INVITE_MAX_USES.max },
} as const;
export type UsesChoice = keyof typeof USES_CHOICES;

export interface InviteForm {
  readonly name: string;
  readonly ttlIndex: number;
  readonly uses: UsesChoice;
}

export const EMPTY_INVITE_FORM: InviteForm = { name: '', ttlIndex: DEFAULT_TTL_INDEX, uses: 'once' };

/** The mint event for the form: the name trimmed and left out when empty, checked by the shared name rule. */
export function buildMintEvent(form: InviteForm): Built<MintInviteEvent> {
  const name = form.name.trim();
  const found = checkOptionalName(name === '' ? undefined : name);
  if (found) return { ok: false, problem: found };
  const ttl = TTL_CHOICES[form.ttlIndex] ?? TTL_CHOICES[DEFAULT_TTL_INDEX]!;
  return { ok: true, event: { updateType: 'invite', ...(name === '' ? {} : { name }), ttlHours: ttl.hours, maxUses: USES_CHOICES[form.uses].maxUses } };
}

/** Said under the form. */
export const INVITE_FORM_TEXT = '生成一张邀请，再发给要做打印员的人：对方打开卡片、点「接受」，就成为打印员，谁都不用知道 openid。';

// --- The minted invite and its card -------------------------------------------------------------

/** The page's path as a share card needs it: WeChat wants a full path starting with "/". */
export const LOGISTICS_PAGE_PATH = '/pages/logistics/index';

export interface ShareCard {
  readonly title: string;
  readonly path: string;
}

/** Every card without an invite: the menu's, and any share that has no minted invite. */
export const PLAIN_SHARE_CARD: ShareCard = { title: '物流助手管理', path: LOGISTICS_PAGE_PATH };

export const INVITE_CARD_TITLE = '邀请你成为面单打印员';

/** The card for a minted invite; `name` (whom it is for) leads its title when given. */
export function inviteShareCard(invite: string, name: string): ShareCard {
  return { title: name === '' ? INVITE_CARD_TITLE : `${name}，${INVITE_CARD_TITLE}`, path: `${LOGISTICS_PAGE_PATH}?${INVITE_QUERY_KEY}=${invite}` };
}

/** A token goes onto a path unescaped, so only a path-safe one is used (the function mints only these). */
const PATH_SAFE = /^[A-Za-z0-9_-]+$/;

/** The minted invite, or undefined when the answer is not a usable one. */
export function mintedInviteOf(envelope: Envelope): MintedInviteData | undefined {
  if (!envelope.ok || typeof envelope.data !== 'object' || envelope.data === null) return undefined;
  const { invite, inviteId, expiresAt, maxUses, recorded } = envelope.data as Partial<Record<keyof MintedInviteData, unknown>>;
  if (typeof invite !== 'string' || !PATH_SAFE.test(invite)) return undefined;
  if (typeof inviteId !== 'string' || inviteId === '') return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  if (typeof maxUses !== 'number' || !Number.isInteger(maxUses) || maxUses < 1) return undefined;
  return { invite, inviteId, expiresAt, maxUses, recorded: recorded !== false };
}

/** The minted invite as the admin sees it while it waits to be shared (no token: that stays off page data). */
export interface MintedView {
  readonly inviteId: string;
  readonly name: string;
  readonly title: string;
  readonly lines: readonly string[];
  /** 发给 TA was tapped: WeChat opened its share sheet (it does not say whether a card went out). */
  readonly shared: boolean;
}

export function mintedView(minted: MintedInviteData, name: string, now: number): MintedView {
  const hours = Math.max(1, Math.round((minted.expiresAt - now) / 3_600_000));
  const lines = [
    `${formatMoment(minted.expiresAt)} 前有效（${hours} 小时），${minted.maxUses === 1 ? '只能一个人接受' : `最多 ${minted.maxUses} 人接受`}。`,
    '点「发给 TA」，在微信里选要做打印员的人（或群）。不发了就点「不发了」，这张邀请会被撤销。',
  ];
  if (!minted.recorded) lines.push('注意：云数据库没有记下这次操作，「最近操作」里不会有这一条。');
  return { inviteId: minted.inviteId, name, title: `${inviteTitle(name)}已生成`, lines, shared: false };
}

/** After 发给 TA. */
export const SHARED_LINES: readonly string[] = [
  '已打开分享：发出后，对方打开卡片、点「接受」，就会出现在上面的打印员列表里（下拉刷新即可看到）。',
  '发错了人：在上面「邀请」里点「撤销」，或把接受的人解绑。',
];

/** A mint that did not give an invite to share: nothing to share, and why. */
export function mintFailurePanel(envelope: Envelope, adminPerGetBindings: boolean): ResultView {
  const technical = `${envelope.code} · errCode ${envelope.errCode}`;
  if (envelope.ok) return resultView('error', '邀请没有生成', CLIENT_OUTCOMES.BAD_RESPONSE.message, '', false, technical);
  const base = resultPanelFor(envelope, { action: 'mintInvite', passwordSent: false, adminPerGetBindings });
  const again = envelope.retryable ? '稍后再点一次「生成」。' : base.hint;
  return resultView('error', `邀请没有生成：${base.title}`, envelope.message, again ?? '', false, technical, base.callerOpenid);
}

// --- The acceptance view ------------------------------------------------------------------------

export function previewInviteEvent(invite: string): PreviewInviteEvent {
  return { updateType: 'preview', invite };
}

/** Accept, with the accepter's own name when they gave one (else the function uses the invite's). */
export function acceptInviteEvent(invite: string, name: string): Built<AcceptInviteEvent> {
  const trimmed = name.trim();
  const found = checkOptionalName(trimmed === '' ? undefined : trimmed);
  if (found) return { ok: false, problem: found };
  return { ok: true, event: { updateType: 'bind', invite, ...(trimmed === '' ? {} : { name: trimmed }) } };
}

/** Whether a card's token can be an invite at all (anything else is invalid without asking anyone). */
export function isInviteToken(token: string): boolean {
  return INVITE_TOKEN_PATTERN.test(token);
}

/** What the staff member reads before deciding. */
export const INVITE_OFFER_LINES: readonly string[] = [
  '接受后，你就可以用微信的电脑版打单软件（微信打单 PC 软件）打印这个小程序的电子面单。',
  '管理员会在打印员名单里看到你填的名字（看不到你的微信号），以后也可以随时取消。',
];

/** On success: what to do next. */
export const ACCEPTED_NEXT_STEPS: readonly string[] = [
  '在电脑上安装并打开「微信打单」PC 软件（不知道在哪里下载，请问管理员）。',
  '用你现在这个微信登录，就能打印这个小程序的电子面单。',
  '以后不再打印时，请管理员在管理页面把你解绑。',
];

export const DECLINED_TEXT = {
  title: '好的，你没有接受邀请',
  message: '什么都没有改变，可以直接关闭这个页面。如果改变主意，在邀请有效期内重新打开那张卡片就可以接受。',
} as const;

/** The page's own words for an invite that cannot be accepted: from the preview's status or the accept's code. */
type Closed = 'USED_UP' | 'REVOKED' | 'EXPIRED' | 'INVALID';
const CLOSED_WORDS: Readonly<Record<Closed, { title: string; message: string }>> = {
  USED_UP: { title: '这个邀请已经用完了', message: '这张卡片能接受的人数已经满了，不能再用它成为打印员。' },
  REVOKED: { title: '这个邀请已被撤销', message: '管理员已经撤销了这张邀请，它不能再用了。' },
  EXPIRED: { title: '这个邀请已过期', message: '这张邀请的有效期已经过了。' },
  INVALID: { title: '这个邀请无效', message: '这张卡片里的邀请不完整或不存在（可能是旧版本的卡片），不能用它成为打印员。' },
};
const CLOSED_BY_CODE: Readonly<Record<string, Closed>> = {
  INVITE_USED_UP: 'USED_UP',
  INVITE_REVOKED: 'REVOKED',
  INVITE_EXPIRED: 'EXPIRED',
  INVITE_INVALID: 'INVALID',
};

function closedPanel(closed: Closed, technical: string): ResultView {
  const words = CLOSED_WORDS[closed];
  return resultView('error', words.title, words.message, NEW_INVITE_HINT, false, technical);
}

/** The offer, as the preview answered it: who invited, for whom, until when. */
export interface InviteOffer {
  readonly title: string;
  readonly forWhom: string;
  readonly expiry: string;
  readonly lines: readonly string[];
}

/**
 * previewing: asking who invited; previewFailed: that did not answer (再试一次 asks again); offer:
 * 接受 / 不用了 with the name; accepting: waiting; answered: the outcome; declined: 不用了.
 */
export type AcceptStage = 'previewing' | 'previewFailed' | 'offer' | 'accepting' | 'answered' | 'declined';

export interface AcceptView {
  readonly stage: AcceptStage;
  readonly offer: InviteOffer | null;
  readonly outcome: ResultView | null;
  /** Shown after a success. */
  readonly nextSteps: readonly string[];
  /** 接受 is offered (again, after an answer that may be retried). */
  readonly canAccept: boolean;
}

export const PREVIEWING_VIEW: AcceptView = { stage: 'previewing', offer: null, outcome: null, nextSteps: [], canAccept: false };
export const DECLINED_VIEW: AcceptView = { stage: 'declined', offer: null, outcome: null, nextSteps: [], canAccept: false };

export function acceptingView(before: AcceptView): AcceptView {
  return { ...before, stage: 'accepting', outcome: null, canAccept: false };
}

/** A card whose token has the wrong shape: invalid, nothing asked. */
export const INVALID_CARD_VIEW: AcceptView = { ...PREVIEWING_VIEW, stage: 'answered', outcome: closedPanel('INVALID', '') };

/** The preview's answer: the offer, a closed invite's own words, or a failure to try again. */
export function previewViewFor(envelope: Envelope): { view: AcceptView; name: string } {
  const technical = `${envelope.code} · errCode ${envelope.errCode}`;
  const closedByCode = CLOSED_BY_CODE[envelope.code];
  if (closedByCode !== undefined) return { view: { ...PREVIEWING_VIEW, stage: 'answered', outcome: closedPanel(closedByCode, technical) }, name: '' };
  const data = envelope.ok && typeof envelope.data === 'object' && envelope.data !== null ? (envelope.data as Partial<Record<keyof InvitePreviewData, unknown>>) : undefined;
  const status = data?.status as InviteStatus | undefined;
  if (data === undefined || typeof data.expiresAt !== 'number' || !(status === 'OPEN' || status === 'USED_UP' || status === 'REVOKED' || status === 'EXPIRED')) {
    const outcome = envelope.ok ? resultView('error', '没有成功', CLIENT_OUTCOMES.BAD_RESPONSE.message, '', false, technical) : resultPanelFor(envelope, { action: 'previewInvite', passwordSent: false });
    return { view: { ...PREVIEWING_VIEW, stage: outcome.canRetry ? 'previewFailed' : 'answered', outcome }, name: '' };
  }
  if (status !== 'OPEN') return { view: { ...PREVIEWING_VIEW, stage: 'answered', outcome: closedPanel(status, technical) }, name: '' };
  const inviter = typeof data.inviterName === 'string' && data.inviterName !== '' ? data.inviterName : '管理员';
  const name = typeof data.name === 'string' ? data.name : '';
  const offer: InviteOffer = {
    title: `${inviter} 邀请你成为面单打印员`,
    forWhom: name === '' ? '' : `这张邀请是给「${name}」的。`,
    expiry: `${formatMoment(data.expiresAt)} 前有效。`,
    lines: INVITE_OFFER_LINES,
  };
  return { view: { stage: 'offer', offer, outcome: null, nextSteps: [], canAccept: true }, name };
}

/** The acceptance's answer, as the staff member reads it. */
export function acceptViewFor(envelope: Envelope, before: AcceptView): AcceptView {
  const technical = `${envelope.code} · errCode ${envelope.errCode}`;
  const closed = CLOSED_BY_CODE[envelope.code];
  if (closed !== undefined) return { ...before, stage: 'answered', outcome: closedPanel(closed, technical), nextSteps: [], canAccept: false };
  if (envelope.ok && (envelope.data as { alreadyAccepted?: unknown } | undefined)?.alreadyAccepted === true) {
    const outcome = resultView('success', '你已经是面单打印员了', '你之前已经接受过这个邀请，不需要再接受一次，什么都没有改变。', '', false, technical);
    return { ...before, stage: 'answered', outcome, nextSteps: ACCEPTED_NEXT_STEPS, canAccept: false };
  }
  const outcome = resultPanelFor(envelope, { action: 'acceptInvite', passwordSent: false });
  const done = envelope.ok || envelope.code === 'ALREADY_BOUND';
  return { ...before, stage: 'answered', outcome, nextSteps: done ? ACCEPTED_NEXT_STEPS : [], canAccept: outcome.canRetry };
}

