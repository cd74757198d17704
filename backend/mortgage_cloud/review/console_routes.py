"""The registry staff console (`/h5/registry/`), served from the repository's h5/registry folder."""

from mortgage_cloud.h5 import page_blueprint

# The console loads only its own files and the shared scripts in /h5/common, and calls only this origin's API.
bp = page_blueprint(
    name="registry_console_page", folder="registry", files=["index.html", "console.js", "console.css"],
    page_title="登记中心工作台",
    content_security_policy="default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                            "form-action 'self'; frame-ancestors 'none'",
)
