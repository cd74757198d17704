// Hints for a borrower whose face check failed. The platform returns pass or fail and never the score.

function faceHint(verification) {
  if (verification.passed) {
    return '';
  }
  if (verification.liveness_passed === false) {
    return '未通过活体检测：请本人现场拍摄，不要翻拍照片或屏幕。';
  }
  return '人脸与身份证照片比对未通过：请本人正对镜头、光线充足后重新拍摄。24 小时内最多可失败 5 次。';
}

module.exports = { faceHint };
