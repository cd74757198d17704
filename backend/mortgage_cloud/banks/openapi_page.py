"""The bank API's documentation page: Swagger UI from the swagger-ui-bundle package, so it needs no internet access."""

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>智慧抵押云平台 银行接口文档</title>
  <link rel="icon" type="image/png" href="/bank/v1/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/bank/v1/docs/assets/swagger-ui.css">
  <style>
    body { margin: 0; font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif; }
    .mc-header { padding: 16px 24px; background: #1f4e79; color: #fff; }
    .mc-header h1 { margin: 0 0 4px; font-size: 22px; }
    .mc-header a { color: #cfe3ff; }
  </style>
</head>
<body>
  <header class="mc-header">
    <h1>智慧抵押云平台 银行接口文档</h1>
    <p>接口描述文件（OpenAPI 3）：<a href="/bank/v1/openapi.json">/bank/v1/openapi.json</a>。
       本页只供查阅：请求须由机构系统用本机构证书签名后发送，不能在本页直接调用。</p>
  </header>
  <main id="swagger-ui"><noscript>请启用 JavaScript 以查看接口文档，或直接下载上面的接口描述文件。</noscript></main>
  <script src="/bank/v1/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/bank/v1/docs/assets/docs-init.js"></script>
</body>
</html>
"""

# validatorUrl null keeps Swagger UI from sending the description to its public validator.
INIT_SCRIPT = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/bank/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    supportedSubmitMethods: [],
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    docExpansion: "list"
  });
});
"""
