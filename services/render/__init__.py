"""Turning data into what people read: PDF rendering, QR codes, SVG charts, spreadsheet and CSV
exports, sanitised Markdown. Knows nothing of the domain beyond `common`.
"""
