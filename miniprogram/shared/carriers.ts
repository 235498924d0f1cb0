/**
 * The courier companies (快递公司) the project knows, and what a bind needs for each: the page's
 * picker and the local cloud's getAllDelivery both read this one list. Plain TypeScript (no wx).
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

/** The EMS remark format WeChat asks for, shown next to the remark field. */
export const EMS_REMARK_FORMAT = '电话:xxx 联系人:xxx 服务类型:xxx 发货地址:xxx';

export function findCarrier(deliveryId: string): Carrier | undefined {
  return CARRIERS.find((c) => c.deliveryId === deliveryId);
}
