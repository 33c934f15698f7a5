"""Bad and hostile input files, built at test time (no binaries in git).

:func:`build_hostile_folder` copies the bundled sample statutes and mixes into their
jurisdiction folders one file of every kind of bad input that statute folders really
contain (issue 9), and returns which files are bad so tests can check one problem row each.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path


def raw_pdf(contents: list[bytes], size: tuple[float, float] = (595, 842)) -> bytes:
    """A minimal valid PDF: one page per content stream, Helvetica as /F1, a correct xref table."""
    count = len(contents)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
        + b"] /Count %d >>" % count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, stream in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (size[0], size[1], 5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_ops(text: str, x: float = 72, y: float = 770, size: float = 10) -> bytes:
    return b"BT /F1 %g Tf %g %g Td (%s) Tj ET" % (size, x, y, text.encode("latin-1"))


NEUTRAL_ACT = (
    "PUBLIC HOLIDAYS ACT",
    "1. Short title. This Act may be cited as the Public Holidays Act.",
    "2. Holidays. The days listed in the Schedule are public holidays.",
    "3. Substituted days. Where a public holiday falls on a Sunday, the following Monday is a public holiday.",
    "4. Regulations. The Minister may make regulations for the purposes of this Act.",
)


def neutral_pdf(pages: int = 2) -> bytes:
    """A short act with nothing the checklist looks for (it must not change any coverage cell)."""
    def page(number: int) -> bytes:
        lines = [text_ops(line, 72, 770 - 16 * i) for i, line in enumerate(NEUTRAL_ACT)]
        return b"\n".join(lines + [text_ops(f"Page {number}", 290, 40, 8)])
    return raw_pdf([page(n + 1) for n in range(pages)])


def tiny_pages_pdf(pages: int = 3000) -> bytes:
    """Thousands of 12 x 12 pt pages with one character each."""
    return raw_pdf([text_ops("x", 2, 2, 6) for _ in range(pages)], size=(12, 12))


def huge_stream_pdf(megabytes: int = 20) -> bytes:
    """A readable first page, then a page whose content stream is ``megabytes`` of text operators."""
    unit = b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n"
    first = b"\n".join(text_ops(line, 72, 770 - 16 * i) for i, line in enumerate(NEUTRAL_ACT))
    return raw_pdf([first, unit * (megabytes * 1024 * 1024 // len(unit))])


def corrupt_xref_pdf(good: bytes) -> bytes:
    """``good`` with its cross-reference table (where ``startxref`` points) overwritten by garbage."""
    tail = good[good.rindex(b"startxref"):].split()
    start = int(tail[1])
    end = good.find(b"trailer", start)
    end = end if end > start else min(len(good), start + 200)
    return good[:start] + b"x" * (end - start) + good[end:]


def scanned_pdf(path: Path) -> None:
    """An image-only page (text drawn as a bitmap, no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1200, 300), 255)
    ImageDraw.Draw(image).text((20, 100), "Section 1. Trafficking in persons is an offence.", fill=0)
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(image), 40, 500, width=500, height=125)
    c.showPage()
    c.save()


def encrypted_pdf(good: Path, dst: Path, user: str) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(good))
    writer.encrypt(user_password=user, owner_password="owner-secret", algorithm="AES-128")
    with dst.open("wb") as handle:
        writer.write(handle)


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("act.txt", "Section 1. Not really a PDF.")
    return buffer.getvalue()


def _png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


NON_ENGLISH = (
    "Điều 150. Tội mua bán người\n1. Người nào dùng vũ lực, đe dọa dùng vũ lực, lừa gạt hoặc thủ đoạn khác "
    "thực hiện một trong các hành vi sau đây, thì bị phạt tù từ 05 năm đến 10 năm: a) Chuyển giao hoặc "
    "tiếp nhận người để giao, nhận tiền, tài sản; b) Chuyển giao hoặc tiếp nhận người để bóc lột tình dục, "
    "cưỡng bức lao động, lấy bộ phận cơ thể của nạn nhân hoặc vì mục đích vô nhân đạo khác.\n"
) * 6


def build_hostile_folder(samples: Path, root: Path) -> dict[str, str]:
    """Copy ``samples`` to ``root`` and add bad files; returns {"JUR/name": what it is}.

    Every bad file sits in a jurisdiction folder beside good statutes (or in a folder of its
    own when the folder itself is the problem). Damaged and encrypted PDFs are made from a
    neutral act, so the good statutes' coverage must come out exactly as without them.
    """
    shutil.copytree(samples, root)
    good = neutral_pdf()
    good_pdf = root.parent / "neutral.pdf"
    good_pdf.write_bytes(good)
    xav, xbe, xco = root / "XAV", root / "XBE", root / "XCO"
    first_sample = sorted(xav.glob("*.pdf"))[0]
    bad: dict[str, str] = {}

    def add(folder: Path, name: str, data: bytes, what: str) -> None:
        (folder / name).write_bytes(data)
        bad[f"{folder.name}/{name}"] = what

    add(xav, "zero_byte.pdf", b"", "zero-byte file")
    add(xav, "truncated.pdf", good[: len(good) // 3], "truncated PDF")
    add(xav, "corrupt_xref.pdf", corrupt_xref_pdf(good), "corrupt cross-reference table")
    encrypted_pdf(good_pdf, xbe / "locked.pdf", user="secret")
    bad["XBE/locked.pdf"] = "encrypted PDF (user password)"
    encrypted_pdf(good_pdf, xbe / "owner_only.pdf", user="")
    bad["XBE/owner_only.pdf"] = "encrypted PDF (empty user password)"
    add(xbe, "error_page.pdf", b"<!DOCTYPE html><html><head><title>404</title></head><body>Not Found</body></html>",
        "HTML saved as .pdf")
    add(xbe, "archive.pdf", _zip_bytes(), "ZIP saved as .pdf")
    add(xbe, "picture.pdf", _png_bytes(), "PNG saved as .pdf")
    scanned_pdf(xco / "scanned.pdf")
    bad["XCO/scanned.pdf"] = "image-only PDF (no Tesseract)"
    add(xco, "tiny_pages.pdf", tiny_pages_pdf(), "thousands of tiny pages")
    add(xco, "huge_stream.pdf", huge_stream_pdf(), "page with a huge content stream")
    add(xco, "vietnamese.txt", NON_ENGLISH.encode("utf-8"), "text in a language the patterns do not cover")
    add(xco, "binary.txt", bytes(range(256)) * 64, "undecodable .txt")
    add(xav, f"{first_sample.stem} (1).pdf", first_sample.read_bytes(), "duplicate file (a second download)")
    os.symlink(".", xco / "loop")  # a folder that contains itself
    bad["XCO/loop"] = "symbolic-link loop"
    os.symlink("missing.pdf", xco / "dangling.pdf")
    bad["XCO/dangling.pdf"] = "broken symbolic link"
    add(xco, "unreadable.pdf", good, "unreadable file")  # made unreadable by the test
    (root / "XEM").mkdir()
    bad["XEM"] = "empty jurisdiction folder"
    return bad
