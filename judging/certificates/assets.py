"""Certificate images (a logo and a signature): validation, storage as ``certificate-assets/<name>`` in the
application's store (``judging.storage``), and the ``data:`` URIs the renderer gets.

Only PNG and SVG are accepted, each at most ``MAX_BYTES``. A PNG is checked by its signature and its
header chunk (size, bit depth, colour type, checksum) without an imaging library. An SVG is parsed with
the standard library after refusing any DOCTYPE or ENTITY declaration (no entity expansion, no external
DTD); it is refused when it holds a script, a ``foreignObject``, an event handler attribute (``on...``),
a link other than ``#fragment`` or an embedded PNG, or a stylesheet import or external ``url(...)``. The
re-serialised tree is what is stored, so comments and processing instructions are dropped.

Files are stored by a random name and never deleted: issued certificates keep naming the image they
were issued with (see ``services.issue_certificates``).
"""

from __future__ import annotations

import base64
import re
import secrets
import struct
import zlib
from xml.etree import ElementTree  # writing only; parsing is defusedxml's  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from flask_babel import gettext as _

from judging.errors import DomainError
from judging.storage import get_storage

MAX_BYTES = 512 * 1024
MAX_PIXELS = 8000  # per side
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
NAME = re.compile(r"^[0-9a-f]{32}\.(png|svg)$")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
FOLDER = "certificate-assets"
_URL_IN_CSS = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


class ImageProblem(DomainError):
    """The uploaded image is refused; the message says why."""


def asset_key(name: str) -> str:
    """The storage key of a stored image (``judging.storage``)."""
    return f"{FOLDER}/{name}"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def check_png(data: bytes) -> bytes:
    """The PNG as given, when its signature and header chunk are sound; ``ImageProblem`` otherwise."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33:
        raise ImageProblem(_("This file is not a PNG image."))
    length, kind = struct.unpack(">I4s", data[8:16])
    if length != 13 or kind != b"IHDR":
        raise ImageProblem(_("This PNG image is damaged."))
    header = data[16:29]
    (crc,) = struct.unpack(">I", data[29:33])
    if zlib.crc32(b"IHDR" + header) != crc:
        raise ImageProblem(_("This PNG image is damaged."))
    width, height, depth, colour, _compression, _filter, _interlace = struct.unpack(">IIBBBBB", header)
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise ImageProblem(_("The image is too large: at most %(n)d pixels a side.", n=MAX_PIXELS))
    if depth not in (1, 2, 4, 8, 16) or colour not in (0, 2, 3, 4, 6):
        raise ImageProblem(_("This PNG image is damaged."))
    return data


def _safe_link(value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or value.lower().startswith("data:image/png")


def _check_css(text: str) -> None:
    if "@import" in text.lower():
        raise ImageProblem(_("The SVG image may not import stylesheets."))
    for target in _URL_IN_CSS.findall(text):
        if not _safe_link(target):
            raise ImageProblem(_("The SVG image may not link to other files or sites."))


def check_svg(data: bytes) -> bytes:
    """The SVG re-serialised, when it is safe to render; ``ImageProblem`` otherwise."""
    try:
        # defusedxml refuses DTDs, entity declarations and external references in any encoding (a check
        # of the raw bytes would miss them in UTF-16).
        root = parse_xml(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ImageProblem(_("The SVG image may not contain a DOCTYPE or ENTITY declaration.")) from error
    except (ElementTree.ParseError, ValueError) as error:
        raise ImageProblem(_("This file is not a valid SVG image.")) from error
    if root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        raise ImageProblem(_("This file is not a valid SVG image."))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element.tag) in FORBIDDEN_TAGS:
            raise ImageProblem(_("The SVG image may not contain scripts or embedded pages."))
        if _local(element.tag) == "style" and element.text:
            _check_css(element.text)
        for name, value in element.attrib.items():
            local = _local(name)
            if local.startswith("on"):
                raise ImageProblem(_("The SVG image may not contain scripts or event handlers."))
            if local == "href" and not _safe_link(value):
                raise ImageProblem(_("The SVG image may not link to other files or sites."))
            if local == "style":
                _check_css(value)
            if "javascript:" in value.lower():
                raise ImageProblem(_("The SVG image may not contain scripts or event handlers."))
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def validate_image(data: bytes, filename: str) -> tuple[bytes, str]:
    """Check an uploaded image; returns (bytes to store, extension "png" or "svg")."""
    if len(data) > MAX_BYTES:
        raise ImageProblem(_("The image is too large: at most %(kb)d KB.", kb=MAX_BYTES // 1024))
    if not data:
        raise ImageProblem(_("The file is empty."))
    if data.startswith(PNG_SIGNATURE):
        return check_png(data), "png"
    if filename.lower().endswith(".svg") or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>"):
        return check_svg(data), "svg"
    raise ImageProblem(_("Upload a PNG or SVG image."))


def store_image(data: bytes, extension: str) -> str:
    """Write validated bytes under a new random name; returns the name. Side effect: a new file."""
    name = f"{secrets.token_hex(16)}.{extension}"
    get_storage().write(asset_key(name), data)
    return name


def data_uri(name: str | None) -> str | None:
    """The stored image as a ``data:`` URI, or None when there is none (or the name is not ours)."""
    if not name or not NAME.match(name):
        return None
    try:
        data = get_storage().read_bytes(asset_key(name))
    except FileNotFoundError:
        return None
    media = MEDIA_TYPES[name.rsplit(".", 1)[1]]
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
