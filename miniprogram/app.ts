/**
 * App entry: starts WeChat cloud so the page can call the cloud functions.
 */

/**
 * Your cloud environment id. PLACEHOLDER: replace it with your own before running in DevTools or
 * on a phone. Find it in DevTools → 云开发 → 设置 → 环境 ID (it looks like `prod-1a2b3c`).
 * While it is still the placeholder, every call answers FUNCTION_NOT_FOUND ("找不到云函数或云环境").
 */
const CLOUD_ENV_ID = 'your-cloud-env-id';

App({
  onLaunch() {
    // Base libraries before 2.2.3 have no wx.cloud; the page then says cloud is unavailable.
    if (typeof wx.cloud === 'undefined') return;
    wx.cloud.init({ env: CLOUD_ENV_ID, traceUser: true });
  },
});
