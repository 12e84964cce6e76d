"""Text that a spreadsheet could run as a formula ("CSV injection"), made inert on export and restored on import.

A text beginning with one of FORMULA_TRIGGERS is written with a leading single quote. Characters that
XML 1.0 cannot hold (NUL and most control characters, lone surrogates) are removed first: openpyxl
refuses them with IllegalCharacterError, and removing one could otherwise uncover a trigger.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
GUARD = "'"
MAX_CELL_LENGTH = 32_767  # Excel's limit for the text of one cell

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def neutralise(text: str) -> str:
    cleaned = _NOT_XML.sub("", text)
    if text.startswith(FORMULA_TRIGGERS) or cleaned.startswith(FORMULA_TRIGGERS):
        cleaned = GUARD + cleaned
    return cleaned[:MAX_CELL_LENGTH]


def restore(text: str) -> str:
    """The text as it was before `neutralise` guarded it."""
    if text.startswith(GUARD) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
