/**
 * Printer invites as the page shows them: the share card (it carries an invite only when an admin
 * shares from the 邀请打印员 button and the mint answered in time), what the admin is told after a
 * mint, and the staff member's acceptance view with each outcome. Pure: the page puts these into
 * its data. What a code means is the envelope's `message` and outcome.ts' title and hint; the
 * words here are the invite's own.
 *
 * The token is never logged, never shown, and never kept in page data: it goes from the mint's
 * answer onto the card's path, and from the page's query into the accept call.
 */
import type { Envelope } from '../../core/envelope';
import { CLIENT_OUTCOMES } from '../shared/client-outcomes';
import type { AcceptInviteEvent, MintInviteEvent } from '../shared/function-events';
import { INVITE_QUERY_KEY, INVITE_TTL_HOURS, type MintedInviteData as MintAnswer } from '../shared/printer-invites';

/** What the page uses of a mint's answer (issue 21 adds more; the page engineer takes them up). */
export type MintedInviteData = Pick<MintAnswer, 'invite' | 'expiresAt'>;
import { resultPanelFor, resultView, type ResultView } from './outcome';

export const MINT_INVITE_EVENT: MintInviteEvent = { updateType: 'invite' };

export function acceptInviteEvent(invite: string): AcceptInviteEvent {
  return { updateType: 'bind', invite };
}

/** The page's path as a share card needs it: WeChat wants a full path starting with "/". */
export const LOGISTICS_PAGE_PATH = '/pages/logistics/index';

export interface ShareCard {
  readonly title: string;
  readonly path: string;
}

/** Every card without an invite: the menu's, and the button's when the mint failed. */
export const PLAIN_SHARE_CARD: ShareCard = { title: '物流助手管理', path: LOGISTICS_PAGE_PATH };

export const INVITE_CARD_TITLE = '邀请你成为面单打印员';

export function inviteShareCard(invite: string): ShareCard {
  return { title: INVITE_CARD_TITLE, path: `${LOGISTICS_PAGE_PATH}?${INVITE_QUERY_KEY}=${invite}` };
}

/**
 * WeChat waits 3 s for the share handler's `promise`, then shares the handler's own fields (the
 * plain card). The mint gets less, so it is the page that decides which card went out, and says so.
 */
export const INVITE_MINT_BUDGET_MS = 2500;

/** A token goes onto a path unescaped, so only a path-safe one is used (the function mints only these). */
const PATH_SAFE = /^[A-Za-z0-9_-]+$/;

/** The minted invite, or undefined when the answer is not a usable one. */
export function mintedInviteOf(envelope: Envelope): MintedInviteData | undefined {
  if (!envelope.ok || typeof envelope.data !== 'object' || envelope.data === null) return undefined;
  const { invite, expiresAt } = envelope.data as Partial<Record<keyof MintedInviteData, unknown>>;
  if (typeof invite !== 'string' || !PATH_SAFE.test(invite)) return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  return { invite, expiresAt };
}

/** Said beside the button, before anything is shared. */
export const INVITE_LIFETIME_TEXT = `每张邀请 ${INVITE_TTL_HOURS.default} 小时内有效。谁拿到卡片都可以接受，请只发给要做打印员的人。`;

/** "12月2日 10:19", the phone's local time (its UTC offset at that moment, read once). */
export function formatExpiry(expiresAt: number): string {
  const local = new Date(expiresAt - new Date(expiresAt).getTimezoneOffset() * 60_000);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

/** After a mint that answered: the card carries an invite, valid until expiresAt. */
export function mintedInviteNote(minted: MintedInviteData, now: number): ResultView {
  const hours = Math.max(1, Math.round((minted.expiresAt - now) / 3_600_000));
  return resultView(
    'success',
    '邀请卡片已生成',
    `这张邀请在 ${formatExpiry(minted.expiresAt)} 前有效（${hours} 小时）。对方打开卡片、点「接受」后，就会出现在上面的打印员列表里（下拉刷新即可看到）。`,
    '发错了人：等它过期，或者在列表里把接受的人解绑。',
    false,
    '',
  );
}

/** The mint took longer than WeChat waits for a card (its envelope's own words are about changes). */
export const MINT_TIMEOUT_MESSAGE = '生成邀请用的时间太长，微信等不及，已经分享了一张普通卡片：可能是网络较慢，请稍后再试';

const PLAIN_CARD_HINT = '刚才分享的是普通卡片，不带邀请：对方打开后不能成为打印员。';

/** After a mint that did not answer with an invite: the card went out plain, and why. */
export function mintFailurePanel(envelope: Envelope): ResultView {
  const technical = `${envelope.code} · errCode ${envelope.errCode}`;
  if (envelope.ok) {
    return resultView('error', '邀请没有生成', CLIENT_OUTCOMES.BAD_RESPONSE.message, PLAIN_CARD_HINT, false, technical);
  }
  const timedOut = envelope.code === CLIENT_OUTCOMES.CALL_TIMEOUT.code;
  const base = resultPanelFor(envelope, { action: 'mintInvite', passwordSent: false });
  const again = envelope.retryable ? '稍后再点一次「邀请打印员」。' : base.hint;
  return resultView('error', `邀请没有生成：${timedOut ? '超时' : base.title}`, timedOut ? MINT_TIMEOUT_MESSAGE : envelope.message, `${PLAIN_CARD_HINT}${again}`, false, technical);
}

/** What the staff member reads before deciding. */
export const INVITE_OFFER = {
  title: '你收到了面单打印员邀请',
  lines: [
    '这个小程序的管理员邀请你成为面单打印员。',
    '接受后，你就可以用微信的电脑版打单软件（微信打单 PC 软件）打印这个小程序的电子面单。',
    '管理员会在打印员名单里看到你（显示为一串编号，不是你的微信号），以后也可以随时取消。',
  ],
} as const;

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

/** offer: 接受 / 不用了; accepting: waiting for the answer; answered: the outcome; declined: 不用了. */
export type AcceptStage = 'offer' | 'accepting' | 'answered' | 'declined';

export interface AcceptView {
  readonly stage: AcceptStage;
  readonly outcome: ResultView | null;
  /** Shown after a success. */
  readonly nextSteps: readonly string[];
  /** 接受 is offered (again, after an answer that may be retried). */
  readonly canAccept: boolean;
}

export const OFFER_VIEW: AcceptView = { stage: 'offer', outcome: null, nextSteps: [], canAccept: true };
export const ACCEPTING_VIEW: AcceptView = { stage: 'accepting', outcome: null, nextSteps: [], canAccept: false };
export const DECLINED_VIEW: AcceptView = { stage: 'declined', outcome: null, nextSteps: [], canAccept: false };

/** The acceptance's answer, as the staff member reads it. */
export function acceptViewFor(envelope: Envelope): AcceptView {
  const outcome = resultPanelFor(envelope, { action: 'acceptInvite', passwordSent: false });
  const done = outcome.tone === 'success' || envelope.code === 'ALREADY_BOUND';
  return { stage: 'answered', outcome, nextSteps: done ? ACCEPTED_NEXT_STEPS : [], canAccept: outcome.canRetry };
}
