"""Public pages that need no login: the proof verification page behind the QR code."""

import html

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html as html_response, json

from mortgage_cloud.applications.verification import verify_proof

bp = Blueprint("public")


@bp.get("/api/v1/proofs/verify")
async def verify_json(request: Request) -> HTTPResponse:
    """Return a proof's public facts when its number and check code match."""
    result = await verify_proof(proof_no=request.args.get("proof_no", ""), code=request.args.get("code", ""))
    if result is None:
        return json({"code": "PROOF_NOT_VERIFIED", "message": "未查到与该证明号和校验码相符的登记证明。"}, status=404)
    return json(result)


@bp.get("/verify")
async def verify_page(request: Request) -> HTTPResponse:
    """Show the proof verification result as a page for a phone's browser, or the form to ask for one."""
    if not request.args.get("proof_no"):
        return html_response(_page("输入证明信息", _FORM))
    result = await verify_proof(proof_no=request.args.get("proof_no", ""), code=request.args.get("code", ""))
    if result is None:
        return html_response(_page("核验未通过", "<p class=\"bad\">未查到与该证明号和校验码相符的不动产登记证明，请核对后重试。</p>"),
                             status=404)
    rows = [
        ("证明号", result["proof_no"]),
        ("证明权利或事项", result["right_type"]),
        ("权利人（抵押权人）", result["mortgagee_name"]),
        ("义务人（抵押人）", "、".join(result["mortgagors"])),
        ("不动产单元号", result["unit_no"]),
        ("坐落", result["location"]),
        ("抵押顺位", f"第{result['rank']}顺位"),
        ("登簿时间（北京时间）", result["registered_at"]),
        ("状态", result["status"]),
        ("证明文件 SHA-256", result["proof_sha256"] or "—"),
    ]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return html_response(_page("核验通过", f"<p class=\"good\">该不动产登记证明真实有效。</p><table>{table}</table>"))


_FORM = """<form method="get" action="/verify">
<p><label>证明号<br><input name="proof_no" required placeholder="湘(2026)长沙市不动产证明第0000001号" style="width:100%"></label></p>
<p><label>校验码（证明下方的 16 位字符）<br><input name="code" required maxlength="16" style="width:100%"></label></p>
<p><button type="submit">核验</button></p></form>"""


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>不动产登记证明核验 - {html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1rem;color:#222}}h1{{font-size:1.2rem}}.good{{color:#0a7a32}}.bad{{color:#b00020}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #ddd;padding:.4rem;text-align:left;font-size:.9rem;word-break:break-all}}
th{{background:#f5f5f5;width:38%}}</style></head><body><h1>不动产登记证明核验</h1>{body}</body></html>"""
