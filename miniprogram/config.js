// Settings of the mini-program: the backend's base URL is set here and nowhere else.
// A published mini-program may only call an HTTPS domain entered in the request and downloadFile
// allow-lists of the WeChat admin console. The loopback default only works in the developer tools
// with domain checking turned off (project.config.json: "urlCheck": false).
module.exports = {
  apiBaseUrl: 'http://127.0.0.1:8000',
  requestTimeoutMs: 20000,
  // Subscribe-message template that the platform uses for status changes (settings.wechat_subscribe_template_id).
  subscribeTemplateIds: ['subscribe-status-template-demo'],
  consentPurpose: '办理个人住房贷款抵押登记',
  consentValidDays: 30,
};
