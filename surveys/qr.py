"""QR codes drawn on the server as inline SVG (segno: pure Python, no dependency, no CDN; prints sharp)."""
import segno
from django.utils.safestring import mark_safe


def qr_svg(url: str, *, scale: int = 4, title: str = "") -> str:
    # Level M survives a creased or slightly smudged print; segno escapes the title itself.
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=scale, title=title or None, border=2))
