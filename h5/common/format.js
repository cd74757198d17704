// Display helpers shared by the bank console, the registry console and the borrower's official-account login page.
//
// Load it before the page's own script. It defines the globals STATE_LABELS (application state -> Chinese
// label) and formatTime.
"use strict";

// The same labels as LABELS in backend/mortgage_cloud/applications/states.py. tests/test_h5_common.py
// checks that the two agree.
const STATE_LABELS = {
  draft: "申请已创建", documents_ready: "文件已生成", signing: "签署中", signed: "签署完成", submitted: "已提交",
  platform_checked: "平台校验通过", accepted: "登记机构已受理", reviewed: "审核通过", registered: "已登簿",
  proof_issued: "登记证明已出具", archived: "已归档", loan_disbursed: "银行已放款", rejected: "不予登记",
  manual_review: "转人工审核", withdrawn: "已撤回",
};

// Format an ISO 8601 time from the API as Beijing time (Asia/Shanghai) in the zh-CN style with a 24-hour
// clock, such as "2026/3/5 14:07:09". A missing value (null, undefined or "") gives `placeholder`.
function formatTime(value, placeholder = "") {
  if (!value) {
    return placeholder;
  }
  return new Date(value).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}
