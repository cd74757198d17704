"""The kiosk page (`/h5/kiosk/`), served from the repository's h5/kiosk folder."""

from mortgage_cloud.h5 import page_blueprint

# The page loads only its own files, the shared scripts in /h5/common and images from the API
# (previews arrive as blob: URLs).
bp = page_blueprint(
    name="kiosk_page", folder="kiosk", files=["index.html", "kiosk.js", "kiosk.css"], page_title="智能设备页面",
    content_security_policy="default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
                            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
)
