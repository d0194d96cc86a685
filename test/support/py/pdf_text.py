"""Reads a PDF (bytes on stdin) with pypdf, an independent parser; prints JSON {pages, title, text}."""
import io
import json
import sys

from pypdf import PdfReader

reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()))
text = "\n".join(page.extract_text() or "" for page in reader.pages)
title = reader.metadata.title if reader.metadata else None
print(json.dumps({"pages": len(reader.pages), "title": title, "text": text}))
