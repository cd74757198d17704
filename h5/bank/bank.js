// The bank officers' console: login, applications list, new application, detail, valuation and statistics.
//
// The page talks only to /console/v1 on its own origin. The session token lives in sessionStorage,
// so it ends with the browser tab, and every server value is shown through textContent.
"use strict";

const API = "/console/v1";
const TOKEN_KEY = "mc-console-token";
const PAGE_SIZE = 20;
const ROLE_RANK = { read_only: 0, loan_officer: 1, supervisor: 2 };
const ROLE_LABELS = { read_only: "只读", loan_officer: "客户经理", supervisor: "主管" };
const WITHDRAWABLE = new Set(["draft", "documents_ready", "signing", "signed", "submitted", "platform_checked"]);
const OUTCOME_LABELS = { pass: "通过", reject: "不通过", review: "需人工审核" };
const ROLE_OF_SIGNER = { mortgagor: "抵押人", mortgagee: "抵押权人" };
const GRADE_LABELS = { A: "A（高）", B: "B（较高）", C: "C（一般）", D: "D（低，仅供参考）" };

const state = {
  me: null,
  listPage: 1,
  listTotal: 0,
  consentId: null,
  unitNo: null,
  detail: null,
  valuation: null,
};

const $ = (id) => document.getElementById(id);

// --- server calls -------------------------------------------------------------------------------

const api = createApiClient({
  base: API,
  tokenKey: TOKEN_KEY,
  loginPaths: ["/login", "/first-login"],
  onSessionExpired: () => endSession("登录已失效，请重新登录。"),
});

async function download(path, filename) {
  saveBlob(await api("GET", path), filename);
}

// --- small helpers ------------------------------------------------------------------------------

function clearMessage() {
  showMessage("");
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function formatMoney(value) {
  if (value === null || value === undefined || value === "") {
    return "-";
  }
  const number = Number(value);
  return Number.isFinite(number) ? number.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(value);
}

function hasRole(role) {
  return state.me && ROLE_RANK[state.me.officer.role] >= ROLE_RANK[role];
}

// Run an action with its button disabled, showing the server's message on failure.
async function withButton(button, action) {
  button.disabled = true;
  clearMessage();
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

function fillFields(list, rows) {
  list.replaceChildren();
  for (const [label, value] of rows) {
    list.appendChild(element("dt", label));
    list.appendChild(element("dd", value === null || value === undefined || value === "" ? "-" : value));
  }
}

// --- views and routing --------------------------------------------------------------------------

const VIEWS = ["login", "list", "new", "detail", "valuation", "statistics"];

function showView(name) {
  for (const view of VIEWS) {
    $(`view-${view}`).hidden = view !== name;
  }
  for (const link of document.querySelectorAll("#nav a")) {
    link.classList.toggle("active", link.dataset.view === name);
  }
}

async function route() {
  clearMessage();
  if (!state.me) {
    showView("login");
    return;
  }
  const [, view, id] = (location.hash || "#/list").split("/");
  try {
    if (view === "detail" && id) {
      showView("detail");
      await loadDetail(id);
    } else if (view === "new") {
      showView("new");
      await startNewApplication();
    } else if (view === "valuation") {
      showView("valuation");
      await loadValuationChoices();
    } else if (view === "statistics") {
      showView("statistics");
      await loadStatistics();
    } else {
      showView("list");
      await loadList();
    }
  } catch (error) {
    showError(error);
  }
}

// --- login --------------------------------------------------------------------------------------

function startSession(body) {
  sessionStorage.setItem(TOKEN_KEY, body.token);
  state.me = { officer: body.officer, institution: body.institution };
  showIdentity();
}

function endSession(text) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.me = null;
  $("who").hidden = true;
  $("nav").hidden = true;
  showView("login");
  if (text) {
    showMessage(text, "info");
  }
}

function showIdentity() {
  const { officer, institution } = state.me;
  $("who-institution").textContent = institution.name;
  $("who-officer").textContent = `${officer.name}（${ROLE_LABELS[officer.role] || officer.role}）`;
  $("who").hidden = false;
  $("nav").hidden = false;
  $("nav-new").hidden = !hasRole("loan_officer");
}

async function submitLogin(event) {
  event.preventDefault();
  const firstTime = $("login-first-time").checked;
  const body = { uscc: $("login-uscc").value.trim(), login: $("login-account").value.trim() };
  let path = "/login";
  if (firstTime) {
    path = "/first-login";
    body.one_time_code = $("login-code").value.trim();
    body.new_password = $("login-new-password").value;
  } else {
    body.password = $("login-password").value;
  }

  await withButton($("login-submit"), async () => {
    const answer = await api("POST", path, body);
    $("login-password").value = "";
    $("login-new-password").value = "";
    $("login-code").value = "";
    startSession(answer);
    if (location.hash.startsWith("#/") && location.hash !== "#/") {
      await route();
    } else {
      location.hash = "#/list";
    }
  });
}

async function logOut() {
  try {
    await api("POST", "/logout");
  } catch (error) {
    // The session may already have ended, and the page removes the token either way.
  }
  endSession("您已退出登录。");
}

async function restoreSession() {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    showView("login");
    return;
  }
  try {
    state.me = await api("GET", "/me");
    showIdentity();
    await route();
  } catch (error) {
    endSession(error.status === 401 ? "登录已失效，请重新登录。" : error.message);
  }
}

// --- applications list --------------------------------------------------------------------------

function listQuery() {
  const params = new URLSearchParams({ page: String(state.listPage), page_size: String(PAGE_SIZE) });
  const fields = { q: $("search-q").value.trim(), state: $("filter-state").value, date_from: $("filter-from").value,
                   date_to: $("filter-to").value };
  for (const [name, value] of Object.entries(fields)) {
    if (value) {
      params.set(name, value);
    }
  }
  return params.toString();
}

async function loadList() {
  const answer = await api("GET", `/applications?${listQuery()}`);
  state.listTotal = answer.total;
  const body = $("app-table").querySelector("tbody");
  body.replaceChildren();
  for (const item of answer.items) {
    const row = element("tr");
    row.dataset.id = item.id;
    row.tabIndex = 0;
    const amount = item.mortgage_type === "maximum" ? item.max_secured_amount : item.secured_amount;
    const cells = [item.application_no, item.borrower_name || item.debtor_name, item.unit_no, formatMoney(amount),
                   item.state_label, formatTime(item.created_at, "-")];
    for (const value of cells) {
      row.appendChild(element("td", value));
    }
    row.addEventListener("click", () => { location.hash = `#/detail/${item.id}`; });
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        location.hash = `#/detail/${item.id}`;
      }
    });
    body.appendChild(row);
  }
  const pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
  $("list-empty").hidden = answer.items.length > 0;
  $("page-info").textContent = `第 ${answer.page} / ${pages} 页，共 ${answer.total} 条`;
  $("page-prev").disabled = answer.page <= 1;
  $("page-next").disabled = answer.page >= pages;
}

function fillStateFilter() {
  const select = $("filter-state");
  for (const [value, label] of Object.entries(STATE_LABELS)) {
    const option = element("option", label);
    option.value = value;
    select.appendChild(option);
  }
}

// --- new application ----------------------------------------------------------------------------

async function startNewApplication() {
  state.consentId = null;
  state.unitNo = null;
  $("step-property").hidden = true;
  $("step-loan").hidden = true;
  $("property-list").replaceChildren();
  const answer = await api("GET", "/consents");
  const list = $("consent-list");
  list.replaceChildren();
  if (!answer.items.length) {
    list.appendChild(element("p", "暂无有效的查询授权。请借款人先在小程序或网点智能设备上授权本机构查询。", "muted"));
  }
  for (const consent of answer.items) {
    const label = element("label", null, "choice");
    const radio = element("input");
    radio.type = "radio";
    radio.name = "consent";
    radio.value = consent.id;
    radio.addEventListener("change", () => { state.consentId = consent.id; });
    label.appendChild(radio);
    label.appendChild(element("span", `${consent.borrower_name}　${consent.borrower_id_number || ""}　${consent.borrower_phone || ""}`));
    label.appendChild(element("small", `用途：${consent.purpose}；有效期至 ${formatTime(consent.expires_at, "-")}`, "muted"));
    list.appendChild(label);
  }
  const today = new Date();
  $("loan-start").value = today.toISOString().slice(0, 10);
}

async function queryProperties() {
  if (!state.consentId) {
    showMessage("请先选择一条查询授权。", "error");
    return;
  }
  await withButton($("query-submit"), async () => {
    const answer = await api("POST", "/property-queries", { consent_id: state.consentId });
    showProperties(answer.items);
  });
}

function showProperties(items) {
  const list = $("property-list");
  list.replaceChildren();
  $("step-property").hidden = false;
  if (!items.length) {
    list.appendChild(element("p", "登记簿中该借款人名下没有不动产。", "muted"));
    return;
  }
  for (const item of items) {
    const label = element("label", null, item.can_mortgage ? "choice" : "choice blocked");
    const radio = element("input");
    radio.type = "radio";
    radio.name = "property";
    radio.value = item.unit_no;
    radio.disabled = !item.can_mortgage;
    radio.addEventListener("change", () => {
      state.unitNo = item.unit_no;
      $("step-loan").hidden = false;
    });
    label.appendChild(radio);
    label.appendChild(element("span", `${item.location}（${item.area} ㎡）`));
    label.appendChild(element("small", `不动产单元号 ${item.unit_no}　证书号 ${item.certificate_no || "-"}`, "muted"));
    const reasons = item.reasons.filter((reason) => reason.outcome !== "pass").map((reason) => reason.message);
    if (!item.can_mortgage) {
      label.appendChild(element("small", `不能抵押：${reasons.join("；")}`, "warning"));
    } else if (item.needs_manual_review) {
      label.appendChild(element("small", `提交后将转人工审核：${reasons.join("；")}`, "warning"));
    } else if (item.mortgages.length) {
      label.appendChild(element("small", `已有 ${item.mortgages.length} 笔抵押，本次为第 ${item.next_rank} 顺位。`, "muted"));
    }
    list.appendChild(label);
  }
}

function loanBody() {
  const type = $("loan-type").value;
  const body = {
    consent_id: state.consentId,
    unit_no: state.unitNo,
    mortgage_type: type,
    debt_start: $("loan-start").value,
    debt_end: $("loan-end").value,
    loan_contract_no: $("loan-contract").value.trim(),
    transfer_restricted: $("loan-restricted").checked,
  };
  body[type === "general" ? "secured_amount" : "max_secured_amount"] = $("loan-amount").value.trim();
  if ($("loan-debtor").value.trim()) {
    body.debtor_name = $("loan-debtor").value.trim();
  }
  if ($("loan-scope").value.trim()) {
    body.guarantee_scope = $("loan-scope").value.trim();
  }
  return body;
}

async function createApplication(event) {
  event.preventDefault();
  if (!state.consentId || !state.unitNo) {
    showMessage("请先选择查询授权和要抵押的不动产。", "error");
    return;
  }
  await withButton($("create-submit"), async () => {
    const created = await api("POST", "/applications", loanBody());
    try {
      await api("POST", `/applications/${created.id}/documents`);
    } catch (error) {
      location.hash = `#/detail/${created.id}`;
      throw new ApiError(error.status, error.code, `申请已创建，但文件生成失败：${error.message}`);
    }
    $("loan-form").reset();
    location.hash = `#/detail/${created.id}`;
  });
}

// --- detail -------------------------------------------------------------------------------------

async function loadDetail(id) {
  state.detail = await api("GET", `/applications/${encodeURIComponent(id)}`);
  showDetail(state.detail);
}

function showDetail(detail) {
  $("detail-title").textContent = `申请 ${detail.application_no}`;
  $("detail-state").textContent = detail.state_label;
  $("detail-state").dataset.state = detail.state;
  const amount = detail.mortgage_type === "maximum" ? detail.max_secured_amount : detail.secured_amount;
  fillFields($("detail-fields"), [
    ["借款人", detail.borrower_name],
    ["债务人", detail.debtor_name],
    ["不动产单元号", detail.unit_no],
    ["抵押人", detail.mortgagors.map((item) => item.share ? `${item.name}（${item.share}）` : item.name).join("、")],
    ["抵押方式", detail.mortgage_type === "maximum" ? "最高额抵押" : "一般抵押"],
    [detail.mortgage_type === "maximum" ? "最高债权额（元）" : "被担保主债权数额（元）", formatMoney(amount)],
    ["债务履行期限", `${detail.debt_start} 至 ${detail.debt_end}`],
    ["借款合同编号", detail.loan_contract_no],
    ["担保范围", detail.guarantee_scope],
    ["登记证明号", detail.proof_no],
    ["创建时间", formatTime(detail.created_at, "-")],
  ]);
  showTimeline(detail.timeline);
  showFindings(detail.findings);
  showSigners(detail.signers);
  showDocuments(detail);
  showActions(detail);
}

function showTimeline(events) {
  const list = $("timeline");
  list.replaceChildren();
  for (const event of events) {
    const item = element("li");
    item.appendChild(element("strong", event.label));
    item.appendChild(element("span", ` ${formatTime(event.at, "-")}`, "muted"));
    for (const reason of event.reasons || []) {
      item.appendChild(element("div", `${reason.code}：${reason.message}`, "reason"));
    }
    list.appendChild(item);
  }
}

function showFindings(findings) {
  const list = $("findings");
  list.replaceChildren();
  if (!findings.length) {
    list.appendChild(element("li", "尚未进行规则校验。", "muted"));
  }
  for (const finding of findings) {
    const item = element("li", null, `finding ${finding.outcome}`);
    item.appendChild(element("strong", OUTCOME_LABELS[finding.outcome] || finding.outcome));
    item.appendChild(element("span", ` ${finding.code}：${finding.message}`));
    list.appendChild(item);
  }
}

function showSigners(signers) {
  const list = $("signers");
  list.replaceChildren();
  for (const signer of signers) {
    const done = signer.signed ? `已签署 ${formatTime(signer.signed_at, "-")}` : "未签署";
    list.appendChild(element("li", `${ROLE_OF_SIGNER[signer.role] || signer.role} ${signer.name}：${done}`,
                             signer.signed ? "signed" : "unsigned"));
  }
}

function showDocuments(detail) {
  const list = $("documents");
  list.replaceChildren();
  if (!detail.documents.length) {
    list.appendChild(element("li", "文件尚未生成。", "muted"));
  }
  for (const documentInfo of detail.documents) {
    const item = element("li");
    const button = element("button", `下载${documentInfo.label}`);
    button.type = "button";
    button.dataset.kind = documentInfo.kind;
    button.addEventListener("click", () => withButton(button, () => download(
      `/applications/${detail.id}/documents/${documentInfo.kind}/pdf`,
      `${detail.application_no}-${documentInfo.kind}.pdf`)));
    item.appendChild(button);
    item.appendChild(element("span", ` ${documentInfo.page_count} 页，${documentInfo.signature_count} 个签名`, "muted"));
    list.appendChild(item);
  }
}

function showActions(detail) {
  const mortgageeSigned = detail.signers.some((signer) => signer.role === "mortgagee" && signer.signed);
  const isMortgage = detail.kind === "mortgage";
  $("action-documents").hidden = !(isMortgage && detail.state === "draft" && hasRole("loan_officer"));
  $("action-seal").hidden = !(isMortgage && ["documents_ready", "signing"].includes(detail.state) && !mortgageeSigned
                              && hasRole("supervisor"));
  $("action-submit").hidden = !(detail.state === "signed" && hasRole("loan_officer"));
  $("action-withdraw").hidden = !(WITHDRAWABLE.has(detail.state) && hasRole("loan_officer"));
  $("action-disburse").hidden = !(isMortgage && ["proof_issued", "archived"].includes(detail.state)
                                  && hasRole("supervisor"));
}

async function detailAction(button, path, body, confirmText) {
  if (confirmText && !window.confirm(confirmText)) {
    return;
  }
  await withButton(button, async () => {
    state.detail = await api("POST", `/applications/${state.detail.id}/${path}`, body);
    showDetail(state.detail);
    showMessage("操作成功。", "info");
  });
}

// --- valuation ----------------------------------------------------------------------------------

async function loadValuationChoices() {
  const answer = await api("GET", "/applications?page=1&page_size=100");
  const select = $("val-application");
  select.replaceChildren();
  for (const item of answer.items.filter((entry) => entry.kind === "mortgage")) {
    const option = element("option", `${item.application_no}　${item.unit_no}　${item.borrower_name || ""}`);
    option.value = item.id;
    select.appendChild(option);
  }
  if (!select.options.length) {
    select.appendChild(element("option", "本机构暂无申请，请按地址信息评估"));
    select.disabled = true;
  } else {
    select.disabled = false;
  }
}

function switchValuationMode() {
  const byAddress = $("val-mode-address").checked;
  $("val-address-rows").hidden = !byAddress;
  $("val-application-rows").hidden = byAddress;
}

function valuationBody() {
  if (!$("val-mode-address").checked) {
    return { application_id: $("val-application").value };
  }
  const address = { district: $("val-district").value.trim(), community: $("val-community").value.trim(),
                    area: $("val-area").value.trim() };
  const optional = { floor: "val-floor", total_floors: "val-total-floors", build_year: "val-build-year",
                     decoration: "val-decoration" };
  for (const [name, id] of Object.entries(optional)) {
    if ($(id).value.trim()) {
      address[name] = $(id).value.trim();
    }
  }
  return { address };
}

async function submitValuation(event) {
  event.preventDefault();
  await withButton($("val-submit"), async () => {
    state.valuation = await api("POST", "/valuations", valuationBody());
    showValuation(state.valuation);
  });
}

function showValuation(valuation) {
  const subject = valuation.subject || {};
  fillFields($("val-fields"), [
    ["评估对象", `${subject.district || ""} ${subject.community || ""}，${subject.area || "-"} ㎡`],
    ["不动产单元号", valuation.unit_no],
    ["评估总价（元）", formatMoney(valuation.total_value)],
    ["评估单价（元/㎡）", formatMoney(valuation.unit_price)],
    ["80% 区间（元）", `${formatMoney(valuation.interval_80.low)} 至 ${formatMoney(valuation.interval_80.high)}`],
    ["可信度", GRADE_LABELS[valuation.confidence_grade] || valuation.confidence_grade],
    ["模型版本", valuation.model_version],
    ["评估时间", formatTime(valuation.created_at, "-")],
  ]);
  const body = $("val-comparables").querySelector("tbody");
  body.replaceChildren();
  for (const item of valuation.comparables || []) {
    const row = element("tr");
    for (const value of [item.community, item.area, formatMoney(item.unit_price), formatMoney(item.adjusted_unit_price),
                         item.weight]) {
      row.appendChild(element("td", value));
    }
    body.appendChild(row);
  }
  $("val-result").hidden = false;
}

// --- statistics ---------------------------------------------------------------------------------

// Return the China-time calendar day `daysBack` days before today, as YYYY-MM-DD.
function chinaDay(daysBack) {
  const shifted = new Date(Date.now() + 8 * 3600 * 1000 - daysBack * 24 * 3600 * 1000);
  return shifted.toISOString().slice(0, 10);
}

function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) {
    return "暂无";
  }
  return seconds < 120 ? `${seconds.toFixed(1)} 秒` : `${(seconds / 60).toFixed(1)} 分钟`;
}

function showCodes(list, codes) {
  list.replaceChildren();
  if (!codes.length) {
    list.appendChild(element("li", "无。", "muted"));
  }
  for (const item of codes) {
    list.appendChild(element("li", `${item.code}：${item.message}（${item.count} 笔）`));
  }
}

async function loadStatistics() {
  const days = Number($("stats-days").value);
  const answer = await api("GET", `/statistics?from=${chinaDay(days - 1)}&to=${chinaDay(0)}`);
  const outcomes = answer.outcomes;
  $("stats-submitted").textContent = String(outcomes.submitted);
  const rate = outcomes.automatic_pass_rate;
  $("stats-pass-rate").textContent = rate === null ? "暂无" : `${(rate * 100).toFixed(1)}%`;
  $("stats-proof-median").textContent = formatSeconds(answer.submit_to_proof.median_seconds);

  const volume = answer.volume.map((item) => ({ label: item.date.slice(5), value: item.submitted }));
  Charts.columns($("chart-volume"), volume, { title: "每日提交量", labelEvery: Math.ceil(volume.length / 10) });
  Charts.bars($("chart-outcomes"), [
    { label: "自动办结归档", value: outcomes.archived_automatically },
    { label: "人工审核后归档", value: outcomes.archived_after_review },
    { label: "不予登记", value: outcomes.rejected },
    { label: "待人工审核", value: outcomes.waiting_review },
    { label: "已撤回", value: outcomes.withdrawn },
    { label: "办理中", value: outcomes.in_progress },
  ], { title: "办理结果" });
  Charts.bars($("chart-steps"), answer.steps.map((item) => ({ label: item.label, value: item.median_seconds })),
              { title: "各环节耗时中位数", formatValue: formatSeconds });
  showCodes($("stats-review-codes"), answer.review_codes);
  showCodes($("stats-rejection-codes"), answer.rejection_codes);
}

// --- start --------------------------------------------------------------------------------------

function bindEvents() {
  $("login-form").addEventListener("submit", submitLogin);
  $("login-first-time").addEventListener("change", () => {
    const firstTime = $("login-first-time").checked;
    $("login-setup-rows").hidden = !firstTime;
    $("login-password-row").hidden = firstTime;
  });
  $("logout").addEventListener("click", logOut);
  window.addEventListener("hashchange", route);

  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.listPage = 1;
    loadList().catch(showError);
  });
  $("search-reset").addEventListener("click", () => {
    $("search-form").reset();
    state.listPage = 1;
    loadList().catch(showError);
  });
  $("page-prev").addEventListener("click", () => {
    state.listPage = Math.max(1, state.listPage - 1);
    loadList().catch(showError);
  });
  $("page-next").addEventListener("click", () => {
    state.listPage += 1;
    loadList().catch(showError);
  });

  $("query-submit").addEventListener("click", queryProperties);
  $("loan-form").addEventListener("submit", createApplication);
  $("loan-type").addEventListener("change", () => {
    $("loan-amount-label").textContent = $("loan-type").value === "general" ? "被担保主债权数额（元）" : "最高债权额（元）";
  });

  $("action-documents").addEventListener("click", () => detailAction($("action-documents"), "documents"));
  $("action-seal").addEventListener("click", () => detailAction($("action-seal"), "seal", undefined,
                                                                "确认以本机构电子签章对全部文件签章？"));
  $("action-submit").addEventListener("click", () => detailAction($("action-submit"), "submit", undefined,
                                                                  "确认提交登记机构办理？"));
  $("action-withdraw").addEventListener("click", () => detailAction($("action-withdraw"), "withdraw",
                                                                    { reason: "银行撤回" }, "确认撤回该申请？撤回后不能恢复。"));
  $("action-disburse").addEventListener("click", () => detailAction($("action-disburse"), "disburse", undefined,
                                                                    "确认该笔贷款已放款？"));
  $("action-refresh").addEventListener("click", () => withButton($("action-refresh"), () => loadDetail(state.detail.id)));

  $("val-mode-application").addEventListener("change", switchValuationMode);
  $("val-mode-address").addEventListener("change", switchValuationMode);
  $("valuation-form").addEventListener("submit", submitValuation);
  $("val-report-pdf").addEventListener("click", () => withButton($("val-report-pdf"), () => download(
    `/valuations/${state.valuation.id}/report/pdf`, `valuation-${state.valuation.id}.pdf`)));
  $("val-report-docx").addEventListener("click", () => withButton($("val-report-docx"), () => download(
    `/valuations/${state.valuation.id}/report/docx`, `valuation-${state.valuation.id}.docx`)));

  $("stats-days").addEventListener("change", () => loadStatistics().catch(showError));
}

document.addEventListener("DOMContentLoaded", () => {
  fillStateFilter();
  bindEvents();
  restoreSession();
});
