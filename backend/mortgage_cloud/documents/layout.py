"""Page geometry shared by the template builder and the signing code, so signature boxes land on blank space.

Every document ends with a signature page: a one-line title, then a table with rows of fixed height,
the mortgagee's row first and one row per mortgagor after it. All lengths are PDF points (1/72 inch),
with the origin at the bottom left of an A4 page as PDF coordinates have it.
"""

PAGE_WIDTH = 595.28
PAGE_HEIGHT = 841.89
MARGIN_TOP = 72.0
MARGIN_BOTTOM = 72.0
MARGIN_LEFT = 72.0
MARGIN_RIGHT = 72.0
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

SIGNATURE_TITLE_HEIGHT = 36.0
SIGNATURE_ROW_HEIGHT = 105.0
SIGNATURE_LABEL_WIDTH = 160.0
MAX_MORTGAGORS = 5  # rows that fit on one signature page below the mortgagee's row

PERSON_BOX_WIDTH = 210.0
SEAL_BOX_WIDTH = 120.0
BOX_INSET = 6.0

LAST_PAGE = -1


def signature_row_top(row: int) -> float:
    """Return the y coordinate of the top edge of a signature-table row (row 0 is the mortgagee's)."""
    return PAGE_HEIGHT - MARGIN_TOP - SIGNATURE_TITLE_HEIGHT - row * SIGNATURE_ROW_HEIGHT
