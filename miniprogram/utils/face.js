// Hints for a borrower whose face check failed or is missing. The platform returns pass or fail and never the score.

// Messages for the `reason` of GET /api/v1/me/face-verifications/latest when there is no fresh passed check.
const STALE_HINTS = {
  none: '您还没有完成人脸核验，请点击“开始人脸核验”，由本人现场拍摄。',
  expired: '上次人脸核验已超过有效时间，请重新核验。',
  not_matched: '最近一次人脸核验未通过，未能确认为身份证本人。请本人正对镜头、光线充足后重新核验。',
  provider_error: '人脸核验服务暂时繁忙，上次核验没有完成，不计为失败。请稍后重新核验。',
};
// For a reason that a newer platform may add and this version does not know.
const STALE_HINT_DEFAULT = '请完成人脸核验后再继续办理。';

function faceHint(verification) {
  if (verification.passed) {
    return '';
  }
  if (verification.liveness_passed === false) {
    return '未通过活体检测：请本人现场拍摄，不要翻拍照片或屏幕。';
  }
  return '人脸与身份证照片比对未通过：请本人正对镜头、光线充足后重新拍摄。24 小时内最多可失败 5 次。';
}

// Returns the hint for a latest-check lookup: '' while the check is fresh, otherwise why it is not.
function staleFaceHint(latest) {
  if (latest.fresh) {
    return '';
  }
  return Object.prototype.hasOwnProperty.call(STALE_HINTS, latest.reason) ? STALE_HINTS[latest.reason] : STALE_HINT_DEFAULT;
}

module.exports = { faceHint, staleFaceHint, STALE_HINTS };
