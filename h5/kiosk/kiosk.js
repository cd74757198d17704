// The branch kiosk page: drives one kiosk session through face check, consent, preview, signature and rating.
//
// The bank's system opens the page as /h5/kiosk/#token=...&device=... . The token is moved out of the
// address bar into sessionStorage at once, so it never reaches the server's logs or a screenshot.
"use strict";

const API = "/kiosk/v1";
const TOKEN_KEY = "mc-kiosk-token";
const DEVICE_KEY = "mc-kiosk-device-id";
const POLL_MILLISECONDS = 2000;

// Codes after which this session can no longer be used on this device.
const ENDING_CODES = new Set([
  "KIOSK_TOKEN_MISSING", "KIOSK_TOKEN_INVALID", "KIOSK_DEVICE_MISSING", "KIOSK_DEVICE_MISMATCH",
  "KIOSK_SESSION_EXPIRED", "KIOSK_SESSION_CLOSED",
]);

// The application states in which the platform accepts a borrower's signature.
const SIGNABLE_STATES = new Set(["documents_ready", "signing"]);

const state = {
  session: null,
  step: null,
  faceImage: null, // data URL of the photo to send
  agreementSha256: null, // digest of the consent text on screen, which the grant must match
  previewRead: false,
  pollTimer: null,
  stream: null,
};

const $ = (id) => document.getElementById(id);

// The kiosk has no login view, so the client gets no 401 callback. handleError ends the view on ENDING_CODES instead.
const api = createApiClient({
  base: API,
  tokenKey: TOKEN_KEY,
  extraHeaders: () => ({ "Mc-Device-Id": localStorage.getItem(DEVICE_KEY) || "" }),
  networkMessage: "网络连接失败，请检查设备网络后重试。",
});

function handleError(error) {
  if (error instanceof ApiError && ENDING_CODES.has(error.code)) {
    endView(error.message);
    return;
  }
  showError(error);
}

function show(step) {
  if (step !== state.step) {
    showMessage(""); // a message belongs to the step it was shown on
  }
  state.step = step;
  for (const view of document.querySelectorAll(".view")) {
    view.hidden = view.id !== `view-${step}`;
  }
  for (const item of document.querySelectorAll("#steps li")) {
    item.classList.toggle("current", item.dataset.step === step);
  }
  if (step !== "waiting") {
    stopPolling();
  }
  if (step !== "face") {
    stopCamera();
  }
}

function endView(reason) {
  stopPolling();
  stopCamera();
  sessionStorage.removeItem(TOKEN_KEY);
  $("steps").hidden = true;
  $("ended-reason").textContent = reason;
  showMessage("");
  show("ended");
}

// ---- session and step choice ----

async function refresh() {
  const session = await api("GET", "/session");
  state.session = session;
  renderHeader(session);
  show(nextStep(session));
  await enter(state.step);
}

function nextStep(session) {
  if (!session.consent) {
    return session.face_check ? "consent" : "face";
  }
  const application = session.application;
  if (!application || !application.documents_ready) {
    return "waiting";
  }
  if (!application.signed) {
    if (!SIGNABLE_STATES.has(application.state)) {
      return "blocked";
    }
    if (!state.previewRead) {
      return "preview";
    }
    return session.face_check ? "sign" : "face";
  }
  return session.rating ? "done" : "rating";
}

function renderHeader(session) {
  $("session-info").hidden = false;
  $("steps").hidden = false;
  $("borrower-label").textContent = `办理人：${session.borrower.name}（${session.borrower.id_number_masked}）`;
  $("institution-label").textContent = `机构：${session.institution_name}`;
  const expires = new Date(session.expires_at);
  $("expiry-label").textContent = `有效至 ${expires.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" })}`;
}

async function enter(step) {
  if (step === "face") {
    enterFace();
  } else if (step === "consent") {
    await enterConsent();
  } else if (step === "waiting") {
    startPolling();
  } else if (step === "preview") {
    await enterPreview();
  } else if (step === "sign") {
    clearPad();
  } else if (step === "blocked") {
    $("blocked-state").textContent = state.session.application.state_label;
  }
}

function startPolling() {
  stopPolling();
  state.pollTimer = setInterval(async () => {
    try {
      const session = await api("GET", "/session");
      state.session = session;
      if (nextStep(session) !== "waiting") {
        await refresh();
      }
    } catch (error) {
      handleError(error);
    }
  }, POLL_MILLISECONDS);
}

function stopPolling() {
  if (state.pollTimer !== null) {
    clearInterval(state.pollTimer);
    state.pollTimer = null;
  }
}

// ---- face check ----

function enterFace() {
  const beforeSigning = Boolean(state.session && state.session.consent);
  $("face-title").textContent = beforeSigning ? "签名前人脸核验" : "人脸核验";
  state.faceImage = null;
  $("face-preview").hidden = true;
  $("face-submit").disabled = true;
  $("face-file").value = "";
}

async function startCamera() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showMessage("本设备无法打开摄像头，请点击“选择照片”上传现场照片。", "error");
    return;
  }
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
  } catch (error) {
    showMessage("无法打开摄像头，请检查摄像头权限，或点击“选择照片”上传现场照片。", "error");
    return;
  }
  const video = $("camera-video");
  const shootButton = $("camera-shoot");
  // The first frame's size is known only once the metadata arrives, and a photo needs it.
  shootButton.disabled = true;
  video.addEventListener("loadedmetadata", () => {
    shootButton.disabled = false;
  }, { once: true });
  video.srcObject = state.stream;
  video.hidden = false;
  $("face-preview").hidden = true;
  shootButton.hidden = false;
}

function stopCamera() {
  if (state.stream) {
    for (const track of state.stream.getTracks()) {
      track.stop();
    }
    state.stream = null;
  }
  $("camera-video").hidden = true;
  $("camera-shoot").hidden = true;
}

function shoot() {
  const video = $("camera-video");
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  stopCamera();
  useFaceImage(canvas.toDataURL("image/jpeg", 0.9));
}

function pickFile(event) {
  const file = event.target.files[0];
  if (!file) {
    return;
  }
  const reader = new FileReader();
  reader.onload = () => useFaceImage(reader.result);
  reader.readAsDataURL(file);
}

function useFaceImage(dataUrl) {
  state.faceImage = dataUrl;
  const preview = $("face-preview");
  preview.src = dataUrl;
  preview.hidden = false;
  $("face-submit").disabled = false;
  showMessage("");
}

async function submitFace() {
  $("face-submit").disabled = true;
  try {
    const result = await api("POST", "/face-checks", { image_base64: state.faceImage });
    if (!result.passed) {
      const reason = result.liveness_passed ? "人脸与身份证照片比对未通过" : "活体检测未通过";
      showMessage(`${reason}，请正对摄像头重新拍摄。`, "error");
      enterFace();
      return;
    }
    await refresh();
    showMessage("人脸核验通过。", "success");
  } catch (error) {
    $("face-submit").disabled = false;
    handleError(error);
  }
}

// ---- consent ----

async function enterConsent() {
  const agreement = await api("GET", "/consent-agreement");
  $("consent-institution").textContent = agreement.institution_name;
  $("consent-text").textContent = agreement.agreement_text;
  state.agreementSha256 = agreement.agreement_sha256;
  $("consent-read").checked = false;
  $("consent-agree").disabled = true;
}

async function agree() {
  $("consent-agree").disabled = true;
  try {
    await api("POST", "/consents", { agreement_sha256: state.agreementSha256 });
    await refresh();
    showMessage("授权成功。", "success");
  } catch (error) {
    if (error.code === "KIOSK_FACE_CHECK_REQUIRED" || error.code === "FACE_NOT_MATCHED") {
      show("face");
      enterFace();
      showMessage(error.message, "error");
      return;
    }
    if (error.code === "KIOSK_AGREEMENT_CHANGED") {
      await enterConsent();
      showMessage(error.message, "error");
      return;
    }
    $("consent-agree").disabled = false;
    handleError(error);
  }
}

// ---- document preview ----

async function enterPreview() {
  $("application-no").textContent = state.session.application.application_no;
  $("documents-read").checked = false;
  $("preview-next").disabled = true;
  const documents = await api("GET", "/documents");
  const tabs = $("document-tabs");
  tabs.replaceChildren();
  for (const document_ of documents.items) {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.textContent = DOCUMENT_NAMES[document_.kind] || document_.kind;
    tab.addEventListener("click", () => showDocument(document_, tab).catch(handleError));
    tabs.append(tab);
  }
  if (documents.items.length > 0) {
    await showDocument(documents.items[0], tabs.firstElementChild);
  }
}

const DOCUMENT_NAMES = {
  mortgage_contract: "抵押合同",
  application_form: "不动产登记申请书",
  power_of_attorney: "授权委托书",
};

async function showDocument(document_, tab) {
  for (const other of document.querySelectorAll("#document-tabs button")) {
    other.setAttribute("aria-selected", String(other === tab));
  }
  const pages = $("document-pages");
  for (const image of pages.querySelectorAll("img")) {
    URL.revokeObjectURL(image.src);
  }
  pages.replaceChildren();
  for (let number = 1; number <= document_.page_count; number += 1) {
    const blob = await api("GET", `/documents/${encodeURIComponent(document_.kind)}/pages/${number}`);
    const image = document.createElement("img");
    image.src = URL.createObjectURL(blob);
    image.alt = `${tab.textContent} 第 ${number} 页`;
    image.className = "page";
    pages.append(image);
  }
}

async function previewDone() {
  state.previewRead = true;
  await refresh();
}

// ---- signature pad ----

const pad = { drawing: false, strokes: 0 };

function setUpPad() {
  const canvas = $("signature-pad");
  const context = canvas.getContext("2d");
  context.lineWidth = 5;
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = "#0a0a3c";

  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    pad.drawing = true;
    pad.strokes += 1;
    context.beginPath();
    context.moveTo(...point(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (pad.drawing) {
      context.lineTo(...point(event));
      context.stroke();
    }
  });
  const stop = () => {
    pad.drawing = false;
  };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
}

function clearPad() {
  const canvas = $("signature-pad");
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  pad.strokes = 0;
}

async function submitSignature() {
  if (pad.strokes === 0) {
    showMessage("请先在签名框内签名。", "error");
    return;
  }
  $("signature-submit").disabled = true;
  const image = $("signature-pad").toDataURL("image/png").split(",", 2)[1];
  try {
    await api("POST", "/signatures", { signature_image: image });
    await refresh();
    showMessage("签名成功，文件已签署。", "success");
  } catch (error) {
    if (error.code === "FACE_NOT_MATCHED") {
      show("face");
      enterFace();
      showMessage("最近一次人脸核验未通过，请本人重新核验，通过后再签名。", "error");
    } else if (error.code === "KIOSK_FACE_CHECK_REQUIRED" || error.code === "FACE_NOT_FRESH") {
      show("face");
      enterFace();
      showMessage("人脸核验已超过有效时间，请重新核验后再签名。", "error");
    } else {
      handleError(error);
    }
  } finally {
    $("signature-submit").disabled = false;
  }
}

// ---- rating and close ----

async function submitRating() {
  const chosen = document.querySelector("input[name=rating]:checked");
  const comment = $("rating-comment").value.trim();
  $("rating-submit").disabled = true;
  try {
    await api("POST", "/ratings", { rating: chosen.value, comment: comment || null });
    await refresh();
    showMessage("评价已提交，谢谢！", "success");
  } catch (error) {
    $("rating-submit").disabled = false;
    handleError(error);
  }
}

async function finish() {
  try {
    await api("POST", "/close");
  } catch (error) {
    if (!(error instanceof ApiError && ENDING_CODES.has(error.code))) {
      handleError(error);
      return;
    }
  }
  endView("办理已完成，请将设备交还客户经理。");
}

// ---- start-up ----

function readLaunchParameters() {
  const parameters = new URLSearchParams(location.hash.slice(1));
  if (parameters.get("device")) {
    localStorage.setItem(DEVICE_KEY, parameters.get("device"));
  }
  if (parameters.get("token")) {
    sessionStorage.setItem(TOKEN_KEY, parameters.get("token"));
  }
  if (location.hash) {
    history.replaceState(null, "", location.pathname);
  }
}

function bindEvents() {
  $("setup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    localStorage.setItem(DEVICE_KEY, $("setup-device").value.trim());
    sessionStorage.setItem(TOKEN_KEY, $("setup-token").value.trim());
    await start();
  });
  $("camera-start").addEventListener("click", startCamera);
  $("camera-shoot").addEventListener("click", shoot);
  $("face-file").addEventListener("change", pickFile);
  $("face-submit").addEventListener("click", submitFace);
  $("consent-read").addEventListener("change", (event) => {
    $("consent-agree").disabled = !event.target.checked;
  });
  $("consent-agree").addEventListener("click", agree);
  $("documents-read").addEventListener("change", (event) => {
    $("preview-next").disabled = !event.target.checked;
  });
  $("preview-next").addEventListener("click", previewDone);
  $("signature-clear").addEventListener("click", clearPad);
  $("signature-submit").addEventListener("click", submitSignature);
  for (const radio of document.querySelectorAll("input[name=rating]")) {
    radio.addEventListener("change", () => {
      $("rating-submit").disabled = false;
    });
  }
  $("rating-submit").addEventListener("click", submitRating);
  $("finish").addEventListener("click", finish);
}

async function start() {
  if (!sessionStorage.getItem(TOKEN_KEY) || !localStorage.getItem(DEVICE_KEY)) {
    $("setup-device").value = localStorage.getItem(DEVICE_KEY) || "";
    show("setup");
    return;
  }
  try {
    await refresh();
  } catch (error) {
    handleError(error);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  readLaunchParameters();
  bindEvents();
  setUpPad();
  start();
});
