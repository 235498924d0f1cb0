/**
 * The carrier picker: its rows, and what the account form shows for the row chosen. The carriers
 * themselves (ids, names, what a bind needs) live once in ../shared/carriers.ts.
 *
 * The rows are the carriers WeChat answered (getBindings' `carriers` part) when it answered some,
 * otherwise the built-in list; "其他（手动输入）" is always last, for any id not listed.
 */
import type { CarrierItem } from '../shared/bindings';
import { CARRIERS, EMS_REMARK_FORMAT, findCarrier, type Carrier } from '../shared/carriers';

export { CARRIERS, EMS_REMARK_FORMAT, findCarrier, type Carrier };

export const OTHER_CARRIER_LABEL = '其他（手动输入）';

/** One row of the picker. */
export interface CarrierOption {
  readonly label: string;
  /** Empty for "other": the person types the id. */
  readonly deliveryId: string;
  /** The built-in rules for this id (password, remark), when the project knows the carrier. */
  readonly carrier: Carrier | undefined;
}

function option(deliveryId: string, name: string): CarrierOption {
  return Object.freeze({ label: `${name}（${deliveryId}）`, deliveryId, carrier: findCarrier(deliveryId) });
}

const OTHER_OPTION: CarrierOption = Object.freeze({ label: OTHER_CARRIER_LABEL, deliveryId: '', carrier: undefined });

/**
 * The picker rows. From WeChat's list: the carriers the project knows first (most used first, as
 * in the built-in list), then the rest in WeChat's order, each named as WeChat names it.
 */
export function carrierOptions(answered?: readonly CarrierItem[]): readonly CarrierOption[] {
  if (answered === undefined || answered.length === 0) {
    return Object.freeze([...CARRIERS.map((c) => option(c.deliveryId, c.name)), OTHER_OPTION]);
  }
  const unique = answered.filter((item, index) => answered.findIndex((other) => other.deliveryId === item.deliveryId) === index);
  const rank = (item: CarrierItem) => {
    const at = CARRIERS.findIndex((c) => c.deliveryId === item.deliveryId);
    return at < 0 ? CARRIERS.length : at;
  };
  const ordered = unique.map((item, index) => ({ item, index })).sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index);
  return Object.freeze([
    ...ordered.map(({ item }) => option(item.deliveryId, item.deliveryName || findCarrier(item.deliveryId)?.name || item.deliveryId)),
    OTHER_OPTION,
  ]);
}

/** The built-in rows (before getBindings answered, or when its carriers part failed). */
export const CARRIER_OPTIONS: readonly CarrierOption[] = carrierOptions();

/** The row of a delivery id, or the "other" row when it is not listed. */
export function carrierIndexOf(deliveryId: string, options: readonly CarrierOption[] = CARRIER_OPTIONS): number {
  const found = options.findIndex((o) => o.deliveryId !== '' && o.deliveryId === deliveryId);
  return found >= 0 ? found : options.length - 1;
}

/** What the account form shows for a picker position (-1: nothing chosen yet). */
export interface CarrierChoice {
  readonly chosen: boolean;
  readonly isOther: boolean;
  /** The listed id ('' for "other" or nothing chosen). */
  readonly deliveryId: string;
  /** The built-in rules, if the chosen carrier is one the project knows. */
  readonly carrier: Carrier | undefined;
  readonly label: string;
}

export function carrierChoice(index: number, options: readonly CarrierOption[] = CARRIER_OPTIONS): CarrierChoice {
  const row = Number.isInteger(index) && index >= 0 ? options[index] : undefined;
  if (row === undefined) return { chosen: false, isOther: false, deliveryId: '', carrier: undefined, label: '请选择快递公司' };
  if (row.deliveryId === '') return { chosen: true, isOther: true, deliveryId: '', carrier: undefined, label: OTHER_CARRIER_LABEL };
  return { chosen: true, isOther: false, deliveryId: row.deliveryId, carrier: row.carrier, label: row.label };
}

/**
 * Whether to show the password field. For a carrier the project does not know (typed by hand, or
 * listed only by WeChat) we cannot tell, so it is shown (and optional); a known carrier shows it
 * only when it needs one.
 */
export function showsPassword(choice: CarrierChoice): boolean {
  if (!choice.chosen) return false;
  return choice.carrier?.needsPassword ?? true;
}

/** Whether to show the remark field: for EMS, also when EMS is typed by hand. */
export function showsRemark(choice: CarrierChoice, typedDeliveryId: string): boolean {
  if (choice.isOther) return findCarrier(typedDeliveryId.trim())?.needsRemark ?? false;
  return choice.carrier?.needsRemark ?? false;
}
