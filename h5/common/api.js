// The request helper and message box shared by the h5 pages (bank console, registry console, kiosk,
// official-account login).
//
// Load it before the page's own script. It defines the globals ApiError, createApiClient, saveBlob,
// showMessage and showError. Every page has a `<p id="message">` box, and every server value is
// shown through textContent.
"use strict";

const DEFAULT_NETWORK_MESSAGE = "网络连接失败，请检查网络后重试。";

// A failed request: `status` is the HTTP status (0 when no response arrived) and `code` the API's stable code.
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Return `api(method, path, body)`, which calls `base + path` with the page's bearer token and JSON body.
//
// `tokenKey` names the sessionStorage entry that contains the token. `extraHeaders()` returns more headers
// for each request. When the server returns 401 on a path not in `loginPaths`, the client calls
// `onSessionExpired()` before it throws, so the page can return to its login view.
// `api` resolves to the parsed JSON, or to a Blob for any other content type (PDFs, page images),
// and rejects with an ApiError that carries the server's Chinese message.
function createApiClient({ base, tokenKey, extraHeaders = () => ({}), networkMessage = DEFAULT_NETWORK_MESSAGE,
                           loginPaths = [], onSessionExpired = null }) {
  return async function api(method, path, body) {
    const headers = { "Authorization": `Bearer ${sessionStorage.getItem(tokenKey) || ""}`, ...extraHeaders() };
    const options = { method, headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }

    let response;
    try {
      response = await fetch(base + path, options);
    } catch (error) {
      throw new ApiError(0, "NETWORK_ERROR", networkMessage);
    }
    if (response.ok) {
      return isJson(response) ? response.json() : response.blob();
    }

    const failure = await errorOf(response);
    if (response.status === 401 && onSessionExpired && !loginPaths.includes(path)) {
      onSessionExpired();
    }
    throw failure;
  };
}

function isJson(response) {
  return (response.headers.get("Content-Type") || "").startsWith("application/json");
}

// Build the ApiError for a failed response from its `{code, message}` body, or from the status alone.
async function errorOf(response) {
  let payload = {};
  try {
    payload = await response.json();
  } catch (error) {
    payload = {};
  }
  return new ApiError(response.status, payload.code || "HTTP_ERROR",
                      payload.message || `请求失败（HTTP ${response.status}），请稍后重试。`);
}

// Save a downloaded Blob under `filename`. A plain link cannot carry the Authorization header, so pages
// fetch the file first and save it from a blob: URL.
function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The browser reads the blob after click() returns, so the URL is revoked only later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// Show `text` in the page's message box, styled by `kind` (info, ok, success or error). Empty text hides it.
function showMessage(text, kind = "info") {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

function showError(error) {
  showMessage((error && error.message) || "操作失败，请稍后重试。", "error");
}
