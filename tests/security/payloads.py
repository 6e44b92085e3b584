"""The hostile input corpus: XSS, injection and other strings that have broken web apps before."""

from __future__ import annotations

SCRIPT = '<script>alert("xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg/onload=alert(1)>"
JS_URL = "javascript:alert(1)"
SQL = "' OR '1'='1'; DROP TABLE survey_response; --"
TEMPLATE = "{{ settings.SECRET_KEY }}{% debug %}"
FORMULA = "=cmd|' /C calc'!A0"
FORMULA_PLUS = '+HYPERLINK("http://evil.example","x")'
FORMULA_AT = "@SUM(1+1)"
RTL = "\u202egnp.exe"
NUL = "a\x00b"
LONG = "A" * 20_000

#: Printable payloads that a text field may legitimately hold (and must show as text).
TEXT_PAYLOADS = [SCRIPT, IMG, SVG, JS_URL, SQL, TEMPLATE, FORMULA, FORMULA_PLUS, FORMULA_AT, RTL]
#: Everything, including what a field should refuse (NUL bytes, very long strings).
ALL_PAYLOADS = [*TEXT_PAYLOADS, NUL, LONG]

#: Substrings that must never reach an HTML page unescaped.
DANGEROUS_MARKUP = ["<script>alert", "<img src=x", "<svg/onload", "onerror=alert(1)>"]
