// The borrower's landing page after the official account's web authorisation.
//
// WeChat redirects here with `?code=...&state=...`. The page exchanges them for a session token, keeps the
// token in sessionStorage and lists the borrower's applications with their states. Needs /h5/common/api.js
// and /h5/common/format.js loaded first.
"use strict";

const TOKEN_KEY = "mc_borrower_token";
const CALLBACK_PATH = "/api/v1/auth/oauth/callback";
const REOPEN_HINT = "请关闭本页面，从公众号菜单重新打开链接登录。";
const RETRY_HINT = "请稍后刷新本页面重试。";
const KIND_LABELS = { mortgage: "抵押权登记", cancellation: "注销抵押登记" };

const loginApi = createApiClient({ base: "", tokenKey: TOKEN_KEY });
const api = createApiClient({ base: "", tokenKey: TOKEN_KEY, onSessionExpired: endExpiredSession });

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("logout").addEventListener("click", logout);
  start();
});

async function start() {
  const query = new URLSearchParams(window.location.search);
  const code = query.get("code");
  const state = query.get("state");

  if (code || state) {
    await loginWithCode(code, state);
    return;
  }
  if (sessionStorage.getItem(TOKEN_KEY)) {
    await showApplications();
    return;
  }
  showLoginError("缺少微信登录凭证，无法登录。");
}

// Every failure here ends with the reopen hint, because the code is single-use and already gone from the
// address bar. Only a new link from the official account can log in.
async function loginWithCode(code, state) {
  // The code is single-use, so it leaves the address bar before anything else can reload the page with it.
  window.history.replaceState(null, "", window.location.pathname);
  sessionStorage.removeItem(TOKEN_KEY);
  if (!code || !state) {
    showLoginError("缺少微信登录凭证，无法登录。");
    return;
  }

  let login;
  try {
    const query = new URLSearchParams({ code, state });
    login = await loginApi("GET", `${CALLBACK_PATH}?${query}`);
  } catch (error) {
    showLoginError(error.message);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, login.token);
  await showApplications(login.borrower);
}

async function showApplications(borrower = null) {
  let profile = borrower;
  let applications;
  try {
    profile = profile || await api("GET", "/api/v1/me");
    applications = (await api("GET", "/api/v1/applications/")).items;
  } catch (error) {
    // A 401 has already shown the expired-session view.
    if (error.status !== 401) {
      showView("view-error");
      document.getElementById("error-hint").textContent = RETRY_HINT;
      showError(error);
    }
    return;
  }

  renderProfile(profile);
  renderApplications(applications);
  showMessage("");
  showView("view-list");
}

function renderProfile(profile) {
  document.getElementById("greeting").textContent = profile.name ? `您好，${profile.name}` : "您好";
  document.getElementById("identity-note").hidden = profile.identity_verified;
}

function renderApplications(applications) {
  const list = document.getElementById("applications");
  list.replaceChildren(...applications.map(applicationItem));
  document.getElementById("empty").hidden = applications.length > 0;
}

function applicationItem(application) {
  const item = document.createElement("li");
  item.dataset.id = application.id;

  const head = document.createElement("div");
  head.className = "application-head";
  head.append(textElement("span", "application-no", application.application_no));
  const state = textElement("span", `state ${application.state}`,
                            STATE_LABELS[application.state] || application.state_label);
  head.append(state);
  item.append(head);

  item.append(textElement("p", "detail", [KIND_LABELS[application.kind], application.institution_name]
    .filter(Boolean).join(" · ")));
  if (application.location) {
    item.append(textElement("p", "detail", application.location));
  }
  item.append(textElement("p", "detail", `最近更新：${formatTime(lastUpdate(application), "—")}`));
  return item;
}

function lastUpdate(application) {
  const timeline = application.timeline || [];
  return timeline.length ? timeline[timeline.length - 1].at : application.submitted_at;
}

function textElement(tag, className, text) {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = text || "";
  return element;
}

function showLoginError(text) {
  showView("view-error");
  document.getElementById("error-hint").textContent = REOPEN_HINT;
  showMessage(text, "error");
}

function endExpiredSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  showLoginError("登录已失效。");
}

async function logout() {
  try {
    await api("POST", "/api/v1/auth/logout");
  } catch (error) {
    // The session may already have ended on the server, and the page removes its token in either case.
  }
  sessionStorage.removeItem(TOKEN_KEY);
  showMessage("");
  showView("view-ended");
}

function showView(id) {
  for (const view of document.querySelectorAll(".view")) {
    view.hidden = view.id !== id;
  }
}
