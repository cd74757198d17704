// The registry staff console: login, the manual-review queue, application detail with approve or reject,
// register look-up, statistics and, for admins, staff accounts. The session token stays in sessionStorage.
"use strict";

const API = "/api/v1/staff";
const TOKEN_KEY = "mc-registry-staff-token";
const PAGE_SIZE = 20;
const VIEWS = ["login", "queue", "review", "unit", "stats", "accounts"];

const ROLE_LABELS = { admin: "管理员", reviewer: "审核员" };
const OUTCOME_LABELS = { reject: "不予登记", review: "需人工审核" };

const state = { staff: null, queuePage: 1, accountsPage: 1, reviewId: null };

const $ = (id) => document.getElementById(id);

const api = createApiClient({ base: API, tokenKey: TOKEN_KEY, loginPaths: ["/login"], onSessionExpired: endSession });

// --- Small DOM helpers ---------------------------------------------------------------------------

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined || text === "" ? "—" : String(text);
  row.appendChild(td);
  return td;
}

function emptyRow(body, columns, text) {
  const row = document.createElement("tr");
  const td = cell(row, text);
  td.colSpan = columns;
  td.className = "muted";
  body.appendChild(row);
}

function fact(list, term, value) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
  list.append(dt, dd);
}

function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) {
    return "无数据";
  }
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 2 : 1)} 秒`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} 分 ${Math.round(seconds % 60)} 秒`;
  }
  return `${Math.floor(seconds / 3600)} 小时 ${Math.round((seconds % 3600) / 60)} 分`;
}

function pager(prefix, page, total) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  $(`${prefix}-page`).textContent = `第 ${page} / ${pages} 页，共 ${total} 条`;
  $(`${prefix}-prev`).disabled = page <= 1;
  $(`${prefix}-next`).disabled = page >= pages;
}

// --- Views and navigation ------------------------------------------------------------------------

function show(view) {
  for (const name of VIEWS) {
    $(`view-${name}`).hidden = name !== view;
  }
  const loggedIn = view !== "login";
  $("nav").hidden = !loggedIn;
  $("who").hidden = !loggedIn;
  for (const link of document.querySelectorAll("#nav a")) {
    link.classList.toggle("current", link.dataset.view === view);
  }
}

async function route() {
  showMessage("");
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    show("login");
    return;
  }
  try {
    if (!state.staff) {
      state.staff = await api("GET", "/me");
      $("who-name").textContent = `${state.staff.display_name}（${ROLE_LABELS[state.staff.role] || state.staff.role}）`;
      $("nav-accounts").hidden = state.staff.role !== "admin";
    }
    const [view, argument] = location.hash.replace(/^#/, "").split("/");
    if (view === "review" && argument) {
      show("review");
      await loadReview(decodeURIComponent(argument));
    } else if (view === "unit") {
      show("unit");
    } else if (view === "stats") {
      show("stats");
      await loadStatistics();
    } else if (view === "accounts" && state.staff.role === "admin") {
      show("accounts");
      await loadAccounts();
    } else {
      show("queue");
      await loadQueue();
    }
  } catch (error) {
    showError(error);
  }
}

async function logIn(event) {
  event.preventDefault();
  try {
    const result = await api("POST", "/login", { username: $("login-username").value, password: $("login-password").value });
    sessionStorage.setItem(TOKEN_KEY, result.token);
    $("login-password").value = "";
    state.staff = null;
    await route();
  } catch (error) {
    showError(error);
  }
}

async function logOut() {
  try {
    await api("POST", "/logout");
  } catch (error) {
    // The session may already have expired, which ends it just the same.
  }
  endSession();
  showMessage("您已退出登录。");
}

function endSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.staff = null;
  show("login");
}

// --- The manual-review queue and one application ------------------------------------------------

async function loadQueue() {
  const result = await api("GET", `/reviews?page=${state.queuePage}&page_size=${PAGE_SIZE}`);
  const body = $("queue-rows");
  body.replaceChildren();
  for (const item of result.items) {
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `#review/${encodeURIComponent(item.id)}`;
    link.textContent = item.application_no;
    cell(row, "").replaceChildren(link);
    cell(row, item.unit_no);
    cell(row, item.location);
    cell(row, item.institution_name);
    cell(row, item.borrower_name);
    cell(row, item.findings.map((finding) => finding.message).join("；"));
    cell(row, formatTime(item.entered_review_at));
    body.appendChild(row);
  }
  $("queue-empty").hidden = result.items.length > 0;
  pager("queue", result.page, result.total);
}

async function loadReview(applicationId) {
  state.reviewId = applicationId;
  const path = `/reviews/${encodeURIComponent(applicationId)}`;
  renderReview(await api("GET", path));
  renderDocuments((await api("GET", `${path}/documents`)).items);
}

function renderDocuments(documents) {
  const list = $("review-documents");
  list.replaceChildren();
  for (const file of documents) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = `下载${file.name}（PDF，${file.page_count} 页，${file.signature_count} 个签名）`;
    button.addEventListener("click", () => downloadDocument(file.kind));
    item.appendChild(button);
    list.appendChild(item);
  }
  if (!documents.length) {
    list.appendChild(Object.assign(document.createElement("li"), { textContent: "该申请还没有生成文件。" }));
  }
}

async function downloadDocument(kind) {
  try {
    saveBlob(await api("GET", `/reviews/${encodeURIComponent(state.reviewId)}/documents/${kind}/pdf`), `${kind}.pdf`);
  } catch (error) {
    showError(error.status > 0 ? new ApiError(error.status, "DOCUMENT_DOWNLOAD_FAILED", "文件下载失败，请刷新后重试。")
                               : error);
  }
}

function renderReview(view) {
  $("review-no").textContent = view.application_no;
  $("review-state").textContent = view.state_label || STATE_LABELS[view.state] || view.state;
  $("review-state").dataset.state = view.state;

  const facts = $("review-facts");
  facts.replaceChildren();
  fact(facts, "业务类型", view.kind === "cancellation" ? "抵押权注销" : "抵押权首次登记");
  fact(facts, "不动产单元号", view.unit_no);
  fact(facts, "坐落", view.location);
  fact(facts, "抵押权人", view.institution_name);
  fact(facts, "抵押人", view.borrower_name);
  fact(facts, "抵押方式", view.mortgage_type === "maximum" ? "最高额抵押" : "一般抵押");
  fact(facts, view.mortgage_type === "maximum" ? "最高债权额（元）" : "被担保主债权数额（元）",
    view.mortgage_type === "maximum" ? view.max_secured_amount : view.secured_amount);
  fact(facts, "债务履行期限", `${view.debt_start} 至 ${view.debt_end}`);
  fact(facts, "转人工时间", formatTime(view.entered_review_at));
  fact(facts, "转人工前环节", STATE_LABELS[view.interrupted_state] || view.interrupted_state);
  fact(facts, "不动产登记证明号", view.proof_no);

  const findings = $("review-findings");
  findings.replaceChildren();
  for (const finding of view.findings || []) {
    const item = document.createElement("li");
    item.className = `finding-${finding.outcome}`;
    item.textContent = `${finding.message}（${finding.code}，${OUTCOME_LABELS[finding.outcome] || finding.outcome}）`;
    findings.appendChild(item);
  }
  if (!findings.children.length) {
    findings.appendChild(Object.assign(document.createElement("li"), { textContent: "没有未通过的规则。" }));
  }

  const signers = $("review-signers");
  signers.replaceChildren();
  for (const signer of view.signers || []) {
    const role = signer.role === "mortgagee" ? "抵押权人" : "抵押人";
    const signed = signer.signed ? `已签署 ${formatTime(signer.signed_at)}` : "未签署";
    signers.appendChild(Object.assign(document.createElement("li"), { textContent: `${role} ${signer.name}：${signed}` }));
  }

  const timeline = $("review-timeline");
  timeline.replaceChildren();
  for (const event of view.timeline || []) {
    const item = document.createElement("li");
    const reasons = (event.reasons || []).map((reason) => reason.message).filter(Boolean).join("；");
    item.textContent = `${formatTime(event.at)}  ${event.label}${reasons ? `：${reasons}` : ""}`;
    timeline.appendChild(item);
  }

  $("review-decision").hidden = view.state !== "manual_review";
}

async function decide(action, body) {
  try {
    const view = await api("POST", `/reviews/${encodeURIComponent(state.reviewId)}/${action}`, body);
    renderReview(view);
    showMessage(action === "approve" ? "已审核通过，申请将自动继续办理。" : "已作出不予登记的决定，申请人将看到您填写的理由。", "ok");
  } catch (error) {
    showError(error);
  }
}

function approve(event) {
  event.preventDefault();
  decide("approve", { note: $("approve-note").value.trim() });
}

function reject(event) {
  event.preventDefault();
  const reason = $("reject-reason").value.trim();
  if (!reason) {
    showMessage("请填写不予登记的理由，申请人将在办理进度中看到它。", "error");
    $("reject-reason").focus();
    return;
  }
  decide("reject", { reason });
}

// --- Register look-up ---------------------------------------------------------------------------

async function lookUpUnit(event) {
  event.preventDefault();
  showMessage("");
  $("unit-result").hidden = true;
  const unitNo = $("unit-no").value.replace(/\s+/g, "").toUpperCase();
  if (unitNo.length !== 28) {
    showMessage(`不动产单元号应为 28 位，您输入了 ${unitNo.length} 位，请核对。`, "error");
    return;
  }
  try {
    renderUnit(await api("GET", `/units/${encodeURIComponent(unitNo)}`));
  } catch (error) {
    showError(error);
  }
}

function renderUnit(unit) {
  const chain = $("unit-chain");
  chain.className = `chain ${unit.chain.ok ? "ok" : "bad"}`;
  chain.textContent = unit.chain.ok
    ? `登记簿哈希链校验通过（共 ${unit.chain.entries} 条记录）。`
    : `登记簿哈希链校验未通过：第 ${unit.chain.first_bad_seq} 条记录起与哈希不符，可能被篡改，请立即核查。`;

  const facts = $("unit-facts");
  facts.replaceChildren();
  fact(facts, "不动产单元号", unit.unit_no);
  fact(facts, "坐落", unit.location);
  fact(facts, "区县", unit.district);
  fact(facts, "房屋类型 / 规划用途", `${unit.property_type} / ${unit.use}`);
  fact(facts, "建筑面积（㎡）", unit.area);
  fact(facts, "所在层 / 总层数", `${unit.floor ?? "—"} / ${unit.total_floors ?? "—"}`);
  fact(facts, "土地使用期限", unit.land_use_end ? `${unit.land_use_start || "—"} 至 ${unit.land_use_end}` : "");
  fact(facts, "不动产权证书号", unit.ownership && unit.ownership.certificate_no);
  fact(facts, "共有方式", unit.ownership && unit.ownership.co_ownership);

  fillRows("unit-owners", unit.owners, 4, "没有现势权利人。",
    (owner) => [owner.name, owner.id_type, owner.id_number, owner.share]);
  fillRows("unit-mortgages", unit.mortgages, 6, "没有现势抵押权。",
    (item) => [item.rank, item.mortgagee_name, item.mortgage_type_label, item.amount, item.proof_no, item.debt_end]);
  fillRows("unit-restrictions", unit.restrictions, 4, "没有查封、异议等限制。",
    (item) => [item.label, item.holder_name, item.document_no, formatTime(item.registered_at)]);
  fillRows("unit-entries", unit.entries, 6, "没有登记簿记录。",
    (entry) => [entry.seq, entry.label, entry.reference, formatTime(entry.recorded_at), entry.recorded_by,
      entry.entry_hash.slice(0, 12) + "…"]);
  $("unit-result").hidden = false;
}

function fillRows(bodyId, items, columns, emptyText, columnsOf) {
  const body = $(bodyId);
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    for (const value of columnsOf(item)) {
      cell(row, value);
    }
    body.appendChild(row);
  }
  if (!items.length) {
    emptyRow(body, columns, emptyText);
  }
}

// --- Statistics ---------------------------------------------------------------------------------

function isoDay(date) {
  // The registry works in China Standard Time, whatever the browser's time zone.
  return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function loadStatistics() {
  if (!$("stats-to").value) {
    const now = new Date();
    $("stats-to").value = isoDay(now);
    $("stats-from").value = isoDay(new Date(now.getTime() - 29 * 86400 * 1000));
  }
  const query = new URLSearchParams({ from: $("stats-from").value, to: $("stats-to").value });
  if ($("stats-institution").value) {
    query.set("institution_id", $("stats-institution").value);
  }
  renderStatistics(await api("GET", `/statistics?${query}`));
}

function renderStatistics(result) {
  const chosen = $("stats-institution").value;
  const select = $("stats-institution");
  select.replaceChildren(Object.assign(document.createElement("option"), { value: "", textContent: "全部" }));
  for (const institution of result.institutions) {
    select.appendChild(Object.assign(document.createElement("option"), {
      value: institution.institution_id, textContent: `${institution.name}（${institution.submitted}）` }));
  }
  select.value = chosen;

  const outcomes = result.outcomes;
  const rate = outcomes.automatic_pass_rate === null ? "无数据" : `${(outcomes.automatic_pass_rate * 100).toFixed(1)}%`;
  const cards = $("stats-cards");
  cards.replaceChildren();
  for (const [label, value, id] of [
    ["提交申请", outcomes.submitted, "card-submitted"], ["已归档", outcomes.archived, "card-archived"],
    ["自动通过率", rate, "card-pass-rate"], ["不予登记", outcomes.rejected, "card-rejected"],
    ["等待人工审核", outcomes.waiting_review, "card-waiting"],
    ["提交至出证中位数", formatSeconds(result.submit_to_proof.median_seconds), "card-submit-to-proof"],
  ]) {
    const card = document.createElement("div");
    card.className = "card";
    card.id = id;
    card.append(Object.assign(document.createElement("strong"), { textContent: String(value) }),
      Object.assign(document.createElement("span"), { textContent: label }));
    cards.appendChild(card);
  }

  Charts.columns($("chart-volume"), result.volume.map((day) => ({ label: day.date.slice(5), value: day.submitted })),
    { title: "每日申请量" });
  Charts.shares($("chart-outcomes"), [
    { label: "自动办结", value: outcomes.archived_automatically, kind: "auto" },
    { label: "人工审核后办结", value: outcomes.archived_after_review, kind: "review" },
    { label: "不予登记", value: outcomes.rejected, kind: "rejected" },
    { label: "等待人工审核", value: outcomes.waiting_review, kind: "waiting" },
    { label: "办理中", value: outcomes.in_progress, kind: "progress" },
  ], { title: `自动通过率 ${rate}` });
  Charts.bars($("chart-steps"), result.steps.map((step) => ({
    label: step.label, value: step.median_seconds, note: `P95 ${formatSeconds(step.p95_seconds)}，${step.count} 件` })),
  { title: "各环节用时中位数", formatValue: formatSeconds });

  fillRows("stats-review-codes", result.review_codes, 3, "期间内没有转人工的申请。",
    (item) => [item.code, item.message, item.count]);
  fillRows("stats-rejection-codes", result.rejection_codes, 3, "期间内没有不予登记的申请。",
    (item) => [item.code, item.message, item.count]);
  $("stats-result").hidden = false;
}

async function submitStatistics(event) {
  event.preventDefault();
  showMessage("");
  try {
    await loadStatistics();
  } catch (error) {
    showError(error);
  }
}

// --- Staff accounts (admins) --------------------------------------------------------------------

async function loadAccounts() {
  const result = await api("GET", `/accounts?page=${state.accountsPage}&page_size=${PAGE_SIZE}`);
  const body = $("account-rows");
  body.replaceChildren();
  for (const account of result.items) {
    const row = document.createElement("tr");
    cell(row, account.username);
    cell(row, account.display_name);
    cell(row, ROLE_LABELS[account.role] || account.role);
    cell(row, account.active ? "正常" : "已停用");
    cell(row, formatTime(account.last_login_at));
    const actions = cell(row, "");
    actions.replaceChildren();
    if (account.id !== state.staff.id) {
      const otherRole = account.role === "admin" ? "reviewer" : "admin";
      actions.append(
        accountButton(`设为${ROLE_LABELS[otherRole]}`, () => api("POST", `/accounts/${account.id}/role`, { role: otherRole })),
        accountButton(account.active ? "停用" : "启用",
          () => api("POST", `/accounts/${account.id}/${account.active ? "disable" : "enable"}`)),
      );
    }
    body.appendChild(row);
  }
  pager("accounts", result.page, result.total);
}

function accountButton(text, action) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = text;
  button.addEventListener("click", async () => {
    try {
      await action();
      showMessage("账号已更新。", "ok");
      await loadAccounts();
    } catch (error) {
      showError(error);
    }
  });
  return button;
}

async function createAccount(event) {
  event.preventDefault();
  try {
    const result = await api("POST", "/accounts", {
      username: $("account-username").value, display_name: $("account-name").value, role: $("account-role").value });
    const secret = $("account-password");
    secret.textContent = `账号 ${result.account.username} 已创建，初始密码：${result.password}（只显示这一次，请立即交给本人）`;
    secret.hidden = false;
    $("account-form").reset();
    await loadAccounts();
  } catch (error) {
    showError(error);
  }
}

// --- Wiring -------------------------------------------------------------------------------------

function turnPage(kind, delta) {
  return async () => {
    try {
      if (kind === "queue") {
        state.queuePage += delta;
        await loadQueue();
      } else {
        state.accountsPage += delta;
        await loadAccounts();
      }
    } catch (error) {
      showError(error);
    }
  };
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", logOut);
  $("approve-form").addEventListener("submit", approve);
  $("reject-form").addEventListener("submit", reject);
  $("unit-form").addEventListener("submit", lookUpUnit);
  $("stats-form").addEventListener("submit", submitStatistics);
  $("account-form").addEventListener("submit", createAccount);
  $("queue-prev").addEventListener("click", turnPage("queue", -1));
  $("queue-next").addEventListener("click", turnPage("queue", 1));
  $("accounts-prev").addEventListener("click", turnPage("accounts", -1));
  $("accounts-next").addEventListener("click", turnPage("accounts", 1));
  window.addEventListener("hashchange", route);
  route();
});
