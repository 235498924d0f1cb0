/**
 * The courier companies (快递公司) offered in the picker, and what the page asks for each.
 *
 * Ids and names come from WeChat's 物流助手 list of supported carriers ("快递公司信息", the list that
 * `logistics.getAllDelivery` answers from). WeChat keeps that list, so the picker also has
 * "其他（手动输入）" for any id not listed here.
 *
 * `needsPassword`: WeChat's bindAccount docs say the password is not required for EMS, SF (顺丰) and
 * JD (京东, id JDL in the 物流助手 list); every other carrier signs its accounts with one.
 * `needsRemark`: only EMS reviews a bind, and wants the remark to review it.
 */

export interface Carrier {
  readonly deliveryId: string;
  /** The carrier's Chinese name, as a person knows it. */
  readonly name: string;
  readonly needsPassword: boolean;
  readonly needsRemark: boolean;
}

function carrier(deliveryId: string, name: string, needs: { password?: boolean; remark?: boolean } = {}): Carrier {
  return Object.freeze({
    deliveryId,
    name,
    needsPassword: needs.password ?? true,
    needsRemark: needs.remark ?? false,
  });
}

/** Most used first. */
export const CARRIERS: readonly Carrier[] = Object.freeze([
  carrier('SF', '顺丰速运', { password: false }),
  carrier('ZTO', '中通快递'),
  carrier('YTO', '圆通速递'),
  carrier('STO', '申通快递'),
  carrier('YUNDA', '韵达快递'),
  carrier('JTSD', '极兔速递'),
  carrier('JDL', '京东快递', { password: false }),
  carrier('EMS', '中国邮政速递物流', { password: false, remark: true }),
  carrier('DB', '德邦快递'),
  carrier('BEST', '百世快递'),
  carrier('ANE', '安能物流'),
  carrier('UCE', '优速快递'),
]);

export const OTHER_CARRIER_LABEL = '其他（手动输入）';

/** The EMS remark format WeChat asks for, shown next to the remark field. */
export const EMS_REMARK_FORMAT = '电话:xxx 联系人:xxx 服务类型:xxx 发货地址:xxx';

/** One row of the picker: the listed carriers, then "other" last. */
export interface CarrierOption {
  readonly label: string;
  /** Empty for "other": the person types the id. */
  readonly deliveryId: string;
}

export const CARRIER_OPTIONS: readonly CarrierOption[] = Object.freeze([
  ...CARRIERS.map((c) => Object.freeze({ label: `${c.name}（${c.deliveryId}）`, deliveryId: c.deliveryId })),
  Object.freeze({ label: OTHER_CARRIER_LABEL, deliveryId: '' }),
]);

export const OTHER_CARRIER_INDEX = CARRIER_OPTIONS.length - 1;

export function findCarrier(deliveryId: string): Carrier | undefined {
  return CARRIERS.find((c) => c.deliveryId === deliveryId);
}

/** What the account form shows for a picker position (-1: nothing chosen yet). */
export interface CarrierChoice {
  readonly chosen: boolean;
  readonly isOther: boolean;
  /** The listed carrier, if a listed one is chosen. */
  readonly carrier: Carrier | undefined;
  readonly label: string;
}

export function carrierChoice(index: number): CarrierChoice {
  if (index === OTHER_CARRIER_INDEX) {
    return { chosen: true, isOther: true, carrier: undefined, label: OTHER_CARRIER_LABEL };
  }
  const listed = Number.isInteger(index) && index >= 0 ? CARRIERS[index] : undefined;
  if (!listed) return { chosen: false, isOther: false, carrier: undefined, label: '请选择快递公司' };
  return { chosen: true, isOther: false, carrier: listed, label: CARRIER_OPTIONS[index]?.label ?? listed.name };
}

/**
 * Whether to show the password field. For a hand-typed id we cannot know, so it is shown (and
 * optional); a listed carrier shows it only when it needs one.
 */
export function showsPassword(choice: CarrierChoice): boolean {
  if (choice.isOther) return true;
  return choice.carrier?.needsPassword ?? false;
}

/** Whether to show the remark field: for EMS, also when EMS is typed by hand. */
export function showsRemark(choice: CarrierChoice, typedDeliveryId: string): boolean {
  if (choice.isOther) return findCarrier(typedDeliveryId.trim())?.needsRemark ?? false;
  return choice.carrier?.needsRemark ?? false;
}
