"""The borrower's official-account login page (`/h5/wechat-login/`), served from the repository's h5/wechat-login folder."""

from mortgage_cloud.h5 import page_blueprint

# WeChat redirects here after web authorisation. The page loads only its own files and the shared scripts in
# /h5/common, and calls only this server's API.
bp = page_blueprint(
    name="wechat_login_page", folder="wechat-login", files=["index.html", "login.js", "login.css"],
    page_title="公众号登录页面",
    content_security_policy="default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                            "frame-ancestors 'none'",
)
