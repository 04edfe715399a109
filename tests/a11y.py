"""Accessibility checks on server-rendered HTML and on the stylesheet, without a browser.

``page_problems(html)`` parses a page with ``html.parser`` into a small tree and returns a list of
``Problem`` (rule, element) for the WCAG 2.1 AA failures that can be seen in the markup alone: controls
without a name, duplicate or dangling ids, the page landmarks and headings, images, links and buttons
without a name, tables without headers, positive tabindex, status shown by colour alone.
``form_error_problems(html)`` adds the checks for a form page shown again with errors.
``css_problems(css)`` checks focus styles, target sizes and colour contrast declared in the stylesheet.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import tinycss2

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNNAMED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
VAGUE_LINK_TEXTS = {"here", "click here", "more", "read more", "click", "link", "this"}
STATUS_CLASS = re.compile(r"^(badge|status)(-|$)")


@dataclass(frozen=True)
class Problem:
    rule: str
    element: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.element}"


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, *tags: str) -> list[Node]:
        return [node for node in self.iter() if node.tag in tags]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def text(self) -> str:
        """The text a screen reader would read: text nodes and the ``alt`` of images, not hidden parts."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.attrs.get("aria-hidden") == "true" or "hidden" in child.attrs:
                continue
            elif child.tag == "img":
                parts.append(child.attrs.get("alt") or "")
            elif child.tag not in ("script", "style", "template"):
                parts.append(child.text())
        return " ".join(" ".join(parts).split())

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def describe(self) -> str:
        """A short start tag to find the element by: tag, id, name, class, href, type."""
        shown = [self.tag]
        for key in ("id", "name", "type", "class", "href", "for", "aria-describedby", "aria-labelledby"):
            if key in self.attrs:
                value = self.attrs[key]
                shown.append(f'{key}="{value[:60]}"')
        text = self.text()[:40]
        return f"<{' '.join(shown)}>" + (f" {text!r}" if text else "")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {key: value or "" for key, value in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {key: value or "" for key, value in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _ids(value: str) -> list[str]:
    return value.split()


def _name_from(node: Node, by_id: dict[str, Node]) -> str:
    """The accessible name given by aria-labelledby or aria-label (empty when neither gives one)."""
    labelled = node.attrs.get("aria-labelledby", "")
    if labelled:
        return " ".join(by_id[i].text() for i in _ids(labelled) if i in by_id).strip()
    return node.attrs.get("aria-label", "").strip()


def page_problems(html: str) -> list[Problem]:
    root = parse(html)
    nodes = list(root.iter())
    problems: list[Problem] = []

    def add(rule: str, node: Node | None = None, detail: str = "") -> None:
        problems.append(Problem(rule, detail or (node.describe() if node else "")))

    # Ids are unique; references point to existing ids.
    counts = Counter(node.attrs["id"] for node in nodes if "id" in node.attrs)
    for value, count in counts.items():
        if count > 1:
            add("duplicate id", detail=f'id="{value}" ×{count}')
        if not value.strip():
            add("empty id")
    by_id = {node.attrs["id"]: node for node in nodes if "id" in node.attrs}
    for node in nodes:
        for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for target in _ids(node.attrs.get(attribute, "")):
                if target not in by_id:
                    add(f"{attribute} points to a missing id", node, f'{node.describe()} → "{target}"')
        if node.tag == "label" and node.attrs.get("for") and node.attrs["for"] not in by_id:
            add("label for a missing id", node)
        href = node.attrs.get("href", "")
        if node.tag == "a" and href.startswith("#") and len(href) > 1 and href[1:] not in by_id:
            add("in-page link to a missing id", node)

    # The document: language, title, one main with a skip link to it, named navigation.
    html_node = next((node for node in nodes if node.tag == "html"), None)
    if html_node is None or not html_node.attrs.get("lang", "").strip():
        add("no <html lang>")
    titles = [node for node in nodes if node.tag == "title"]
    if not titles or not titles[0].text():
        add("no <title>")
    mains = [node for node in nodes if node.tag == "main" or node.attrs.get("role") == "main"]
    if len(mains) != 1:
        add("not exactly one <main>", detail=f"{len(mains)} found")
    else:
        main_id = mains[0].attrs.get("id")
        first_links = [node for node in nodes if node.tag == "a"][:3]
        if not main_id or not any(link.attrs.get("href") == f"#{main_id}" for link in first_links):
            add("no skip link to <main> among the first links")
    navs = [node for node in nodes if node.tag == "nav" or node.attrs.get("role") == "navigation"]
    if not navs:
        add("no <nav>")
    for nav in navs:
        if not _name_from(nav, by_id):
            add("<nav> without a name (aria-label or aria-labelledby)", nav)
    nav_names = Counter(_name_from(nav, by_id) for nav in navs)
    for name, count in nav_names.items():
        if name and count > 1:
            add("several <nav> with the same name", detail=f'"{name}" ×{count}')

    # Headings: one h1, no skipped level on the way down.
    headings = [node for node in nodes if re.fullmatch(r"h[1-6]", node.tag)]
    h1s = [node for node in headings if node.tag == "h1"]
    if len(h1s) != 1:
        add("not exactly one <h1>", detail=f"{len(h1s)} found")
    previous = 0
    for heading in headings:
        level = int(heading.tag[1])
        if level > previous + 1:
            add(f"heading level skipped (h{previous} → h{level})", heading)
        if not heading.text():
            add("empty heading", heading)
        previous = level

    # Form controls have a name.
    for node in nodes:
        is_control = node.tag in ("select", "textarea") or (
            node.tag == "input" and node.attrs.get("type", "text").lower() not in UNNAMED_INPUT_TYPES
        )
        if not is_control:
            continue
        control_id = node.attrs.get("id")
        labelled = (
            _name_from(node, by_id)
            or any(ancestor.tag == "label" and ancestor.text() for ancestor in node.ancestors())
            or (
                control_id
                and any(
                    label.tag == "label" and label.attrs.get("for") == control_id and label.text()
                    for label in nodes
                )
            )
        )
        if not labelled:
            add("form control without a label", node)

    # Images, links and buttons.
    for node in nodes:
        if node.tag == "img" and "alt" not in node.attrs:
            add("<img> without alt", node)
        if node.tag == "a" and "href" in node.attrs:
            name = _name_from(node, by_id) or node.text()
            if not name:
                add("link without text", node)
            elif name.strip(" .…:!»›→").lower() in VAGUE_LINK_TEXTS:
                add("link text says nothing out of context", node)
        if node.tag == "button" and not (_name_from(node, by_id) or node.text()):
            add("button without text", node)
        if (
            node.tag == "input"
            and node.attrs.get("type") in ("submit", "button", "reset")
            and not (_name_from(node, by_id) or node.attrs.get("value", "").strip())
        ):
            add("button without text", node)
        inside_image = any(ancestor.attrs.get("role") == "img" for ancestor in node.ancestors())
        if node.tag == "svg" and node.attrs.get("aria-hidden") != "true" and not inside_image:
            titled = any(isinstance(c, Node) and c.tag == "title" and c.text() for c in node.children)
            if node.attrs.get("role") != "img" or not (_name_from(node, by_id) or titled):
                add('<svg> without role="img" and a name (or aria-hidden)', node)
        if node.tag != "svg" and node.attrs.get("role") == "img" and not _name_from(node, by_id):
            add('role="img" without aria-label', node)
        if node.tag == "iframe" and not node.attrs.get("title", "").strip():
            add("<iframe> without title", node)
        if node.tag == "input" and node.attrs.get("type") == "image" and not node.attrs.get("alt"):
            add("image button without alt", node)

    # Tables: headers; a caption or a name as soon as there are several.
    tables = [
        node
        for node in nodes
        if node.tag == "table" and node.attrs.get("role") not in ("presentation", "none")
    ]
    for table in tables:
        if not table.find_all("th"):
            add("table without <th> headers", table)
        if len(tables) > 1:
            captions = [
                child for child in table.children if isinstance(child, Node) and child.tag == "caption"
            ]
            if not ((captions and captions[0].text()) or _name_from(table, by_id)):
                add("one of several tables without a caption or aria-label", table)

    for node in nodes:
        tabindex = node.attrs.get("tabindex", "").strip()
        if tabindex.lstrip("-").isdigit() and int(tabindex) > 0:
            add("tabindex > 0", node)
        if any(STATUS_CLASS.match(name) for name in node.classes) and not (
            node.text() or _name_from(node, by_id) or node.attrs.get("title")
        ):
            add("status shown by colour alone (no text)", node)

    return problems


def form_error_problems(html: str) -> list[Problem]:
    """A form shown again with errors: a summary or alert, and every error tied to its field."""
    root = parse(html)
    nodes = list(root.iter())
    by_id = {node.attrs["id"]: node for node in nodes if "id" in node.attrs}
    problems: list[Problem] = []
    summaries = [
        node
        for node in nodes
        if node.attrs.get("role") == "alert" or ("error-summary" in node.classes and "tabindex" in node.attrs)
    ]
    if not summaries:
        problems.append(Problem("no error summary (role=alert or a focusable summary)", ""))
    for summary in summaries:
        for link in summary.find_all("a"):
            target = link.attrs.get("href", "")
            if not target.startswith("#") or target[1:] not in by_id:
                problems.append(Problem("error summary link to no field", link.describe()))
    errors = field_errors(root)
    if not errors and not any(node.attrs.get("aria-invalid") == "true" for node in nodes):
        problems.append(Problem("no field error shown", ""))
    described_by: dict[str, list[Node]] = {}
    for node in nodes:
        for target in _ids(node.attrs.get("aria-describedby", "")):
            described_by.setdefault(target, []).append(node)
    for error in errors:
        error_id = error.attrs.get("id")
        owners = described_by.get(error_id or "", [])
        if not error_id or not owners:
            problems.append(
                Problem("error message not tied to its field by aria-describedby", error.describe())
            )
        elif not any(_marked_invalid(owner) for owner in owners):
            problems.append(Problem('field with an error lacks aria-invalid="true"', owners[0].describe()))
    for node in nodes:
        if node.attrs.get("aria-invalid") == "true":
            # its own description, or that of the group of choices it belongs to
            groups = [node, *(ancestor for ancestor in node.ancestors() if ancestor.tag == "fieldset")]
            targets = [
                by_id.get(i) for group in groups for i in _ids(group.attrs.get("aria-describedby", ""))
            ]
            if not any(target is not None and "error" in target.classes for target in targets):
                problems.append(
                    Problem("invalid field without its error in aria-describedby", node.describe())
                )
    return problems


def autocomplete_problems(html: str, purposes: dict[str, str]) -> list[Problem]:
    """Fields about the person filling the form in name their purpose (WCAG 1.3.5): {field name: token}."""
    problems = []
    for node in parse(html).iter():
        expected = purposes.get(node.attrs.get("name", "")) if node.tag in ("input", "select") else None
        if expected and expected not in node.attrs.get("autocomplete", "").split():
            problems.append(Problem(f'field without autocomplete="{expected}"', node.describe()))
    return problems


def field_errors(root: Node) -> list[Node]:
    """The error messages of fields: ``.error`` elements inside a form."""
    return [
        node
        for node in root.iter()
        if "error" in node.classes and any(ancestor.tag == "form" for ancestor in node.ancestors())
    ]


def shows_field_errors(html: str) -> bool:
    root = parse(html)
    return bool(field_errors(root)) or any(node.attrs.get("aria-invalid") == "true" for node in root.iter())


def _marked_invalid(node: Node) -> bool:
    """The control (or, for a group of choices, every control in it) says aria-invalid="true"."""
    if node.attrs.get("aria-invalid") == "true":
        return True
    controls = node.find_all("input", "select", "textarea")
    return bool(controls) and all(control.attrs.get("aria-invalid") == "true" for control in controls)


# --- the stylesheet -----------------------------------------------------------------------------------

ROOT_PX = 16.0


@dataclass
class CssRule:
    selectors: list[str]
    declarations: dict[str, str]
    media: str = ""


def css_rules(css: str) -> list[CssRule]:
    rules: list[CssRule] = []

    def walk(nodes, media: str) -> None:
        for node in nodes:
            if node.type == "qualified-rule":
                selectors = [s.strip() for s in tinycss2.serialize(node.prelude).split(",") if s.strip()]
                declarations = {
                    d.lower_name: tinycss2.serialize(d.value).strip()
                    for d in tinycss2.parse_declaration_list(
                        node.content, skip_comments=True, skip_whitespace=True
                    )
                    if d.type == "declaration"
                }
                rules.append(CssRule(selectors, declarations, media))
            elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content:
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                walk(inner, tinycss2.serialize(node.prelude).strip())

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), "")
    return rules


def variables(rules: list[CssRule]) -> dict[str, str]:
    found: dict[str, str] = {}
    for rule in rules:
        if ":root" in rule.selectors and not rule.media:
            found.update({name: value for name, value in rule.declarations.items() if name.startswith("--")})
    return found


def resolve(value: str, variables: dict[str, str]) -> str:
    for _ in range(5):
        value = re.sub(
            r"var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)", lambda m: variables.get(m[1], m[2] or ""), value
        )
    return value.strip()


NAMED_COLOURS = {"white": "#ffffff", "black": "#000000"}


def hex_colour(value: str) -> tuple[float, float, float] | None:
    value = NAMED_COLOURS.get(value.lower(), value)
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.strip())
    if not match:
        return None
    digits = match[1]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def length_px(value: str, font_px: float = ROOT_PX) -> float | None:
    match = re.fullmatch(r"(-?[\d.]+)(px|rem|em)?", value.strip())
    if not match or (match[2] is None and float(match[1]) != 0):
        return None
    return float(match[1]) * {"px": 1.0, "rem": ROOT_PX, "em": font_px, None: 0.0}[match[2]]


def _block_sides(value: str, shorthand: str) -> tuple[float, float] | None:
    """Block start and end lengths from ``padding``/``padding-block`` style shorthands."""
    parts = [length_px(part) for part in value.split()]
    if not parts or None in parts:
        return None
    if shorthand == "block":  # padding-block: start [end]
        return parts[0], parts[-1]  # type: ignore[return-value]
    start = parts[0]
    end = parts[2] if len(parts) >= 3 else parts[0]
    return start, end  # type: ignore[return-value]


def box_height_px(declarations: dict[str, str]) -> float:
    """The height of a one-line control: text line, block padding and borders, or its min-height."""
    font_px = ROOT_PX
    line_height = 1.5  # the body's line height, inherited through ``font: inherit``
    padding = [0.0, 0.0]
    border = [0.0, 0.0]
    min_height = 0.0
    for name, value in declarations.items():
        if name == "font-size":
            font_px = length_px(value) or font_px
        elif name == "line-height":
            line_height = (
                float(value) if re.fullmatch(r"[\d.]+", value) else (length_px(value) or 0) / font_px
            )
        elif name in ("min-height", "height", "min-block-size", "block-size"):
            min_height = max(min_height, length_px(value, font_px) or 0.0)
        elif name in ("padding", "padding-block"):
            sides = _block_sides(value, "block" if name == "padding-block" else "all")
            if sides:
                padding = list(sides)
        elif name in ("padding-top", "padding-block-start"):
            padding[0] = length_px(value, font_px) or 0.0
        elif name in ("padding-bottom", "padding-block-end"):
            padding[1] = length_px(value, font_px) or 0.0
        elif name in ("border", "border-width", "border-block", "border-block-width"):
            widths = [length_px(part) for part in value.split()]
            width = next((w for w in widths if w is not None), None)
            if width is not None or value.strip() in ("none", "0"):
                border = [width or 0.0, width or 0.0]
    return max(min_height, font_px * line_height + sum(padding) + sum(border))


# Selectors of the elements whose target size is checked, by kind; a rule whose selector ends on one of
# them (``.filters button``, ``button.secondary``) is checked with the base rule's declarations under it.
TARGETS = {
    "button": re.compile(r"(^|[\s>+~])(button|\.button|a\.button)(?![\w-])[^\s>+~]*$"),
    "select": re.compile(r"(^|[\s>+~])select(?![\w-])[^\s>+~]*$"),
    "input": re.compile(
        r"(^|[\s>+~])input(\[type=(text|email|password|url|number|date|datetime-local|search|file)\])?"
        r"(?![\w\[-])[^\s>+~]*$"
    ),
}
BASE_SELECTORS = {
    "button": {"button", ".button"},
    "select": {"select"},
    "input": {"input[type=text]", "input"},
}
# A button drawn as a text link inside a line of text keeps the size of that text (WCAG 2.5.8 "inline").
TARGET_SIZE_EXEMPT = {"button.link"}
# Focus moved there by the skip link only; the element is not a control the keyboard operates.
FOCUS_OUTLINE_EXEMPT = {"main:focus"}
MIN_TARGET_PX = 44.0
FOCUSABLE = ("a", "button", "input", "select", "textarea")


def _colour(value: str | None, variables_: dict[str, str]) -> tuple[float, float, float] | None:
    if not value:
        return None
    for part in resolve(value, variables_).split():
        rgb = hex_colour(part)
        if rgb:
            return rgb
    return None


def css_problems(css: str) -> list[Problem]:
    rules = [rule for rule in css_rules(css) if "print" not in rule.media]
    screen_rules = [rule for rule in rules if not rule.media]
    vars_ = variables(rules)
    problems: list[Problem] = []

    def declared(selector: str, name: str) -> str | None:
        value = None
        for rule in screen_rules:
            if selector in rule.selectors and name in rule.declarations:
                value = rule.declarations[name]
        return value

    page_bg = _colour(declared("body", "background") or declared("body", "background-color"), vars_)
    page_ink = _colour(declared("body", "color"), vars_)
    header_bg = _colour(
        declared("header.site", "background") or declared("header.site", "background-color"), vars_
    )
    button_ink = _colour(declared("button", "color"), vars_)
    if page_bg is None or page_ink is None:
        problems.append(Problem("no body colour and background found", "body"))
        return problems

    # Focus: a visible outline on every kind of control, never removed without a replacement.
    for tag in FOCUSABLE:
        styled = [
            rule
            for rule in screen_rules
            for selector in rule.selectors
            if re.fullmatch(rf"{tag}:focus(-visible)?", selector)
            and _outline_width(rule.declarations.get("outline", rule.declarations.get("outline-width", "")))
            > 0
        ]
        if not styled:
            problems.append(Problem("no :focus-visible outline", tag))
    header_focus = any(
        selector.startswith("header.site") and ":focus" in selector
        for rule in screen_rules
        for selector in rule.selectors
    )
    for rule in screen_rules:
        if not any(":focus" in selector for selector in rule.selectors):
            continue
        outline = rule.declarations.get("outline", rule.declarations.get("outline-style", ""))
        removed = outline.strip() in ("none", "0") or outline.startswith("0 ")
        replaced = any(
            name in rule.declarations for name in ("box-shadow", "border", "border-color", "text-decoration")
        )
        if removed and not replaced and not set(rule.selectors) <= FOCUS_OUTLINE_EXEMPT:
            problems.append(
                Problem("outline removed on focus without a replacement", ", ".join(rule.selectors))
            )
        colour = _colour(rule.declarations.get("outline") or rule.declarations.get("outline-color"), vars_)
        if colour is None:
            continue
        in_header = all(selector.startswith("header.site") for selector in rule.selectors)
        controls = any(re.match(rf"({'|'.join(FOCUSABLE)})(:|$)", selector) for selector in rule.selectors)
        backgrounds = [("the header", header_bg)] if in_header else [("the page", page_bg)]
        if controls and header_bg is not None and not header_focus:
            backgrounds.append(("the header", header_bg))
        for where, background in backgrounds:
            if background is not None and contrast(colour, background) < 3:
                problems.append(
                    Problem(
                        f"focus outline contrast < 3:1 against {where}",
                        f"{', '.join(rule.selectors)} ({contrast(colour, background):.2f}:1)",
                    )
                )

    # Target size: buttons, inputs and selects at least 44px high.
    base: dict[str, dict[str, str]] = {kind: {} for kind in TARGETS}
    for rule in screen_rules:
        for kind, selectors in BASE_SELECTORS.items():
            if set(rule.selectors) & selectors:
                base[kind].update(rule.declarations)
    size_properties = re.compile(
        r"^(min-height|height|min-block-size|block-size|padding.*|font-size|line-height)$"
    )
    for rule in screen_rules:
        if not any(size_properties.match(name) for name in rule.declarations):
            continue
        for selector in rule.selectors:
            if selector in TARGET_SIZE_EXEMPT or ":" in selector:
                continue
            for kind, pattern in TARGETS.items():
                if pattern.search(selector):
                    merged = {**base[kind], **rule.declarations}
                    height = box_height_px(merged)
                    if height < MIN_TARGET_PX:
                        problems.append(
                            Problem(
                                f"target smaller than {MIN_TARGET_PX:.0f}px", f"{selector} ({height:.1f}px)"
                            )
                        )

    # Contrast of text: every rule giving a text colour, on its own background or the one it sits on.
    for rule in screen_rules:
        fg_value = rule.declarations.get("color")
        bg_value = rule.declarations.get("background-color") or rule.declarations.get("background")
        if fg_value is None and bg_value is None:
            continue
        for selector in rule.selectors:
            on_button = bool(TARGETS["button"].search(selector))
            in_header = selector.startswith("header.site") and selector != "header.site"
            if fg_value and fg_value.strip().lower() in ("inherit", "currentcolor"):
                fg_value = None
                on_button = False  # the colour of the text around it
            fg = _colour(fg_value, vars_) or (button_ink if on_button else page_ink)
            bg = _colour(bg_value, vars_)
            if bg is None:
                bg = header_bg if in_header and header_bg else page_bg
                if (
                    on_button
                    and _colour(base["button"].get("background"), vars_)
                    and not (bg_value and bg_value.strip() in ("none", "transparent"))
                ):
                    bg = _colour(base["button"].get("background"), vars_) or bg
            if fg is None or bg is None:
                continue
            ratio = contrast(fg, bg)
            if ratio < 4.5:
                problems.append(Problem("text contrast < 4.5:1", f"{selector} ({ratio:.2f}:1)"))
    # The border of a text field shows where to type: 3:1 against the page (non-text contrast).
    for selector in ("input[type=text]", "select", "textarea"):
        border = _colour(declared(selector, "border") or declared(selector, "border-color"), vars_)
        if border is not None and contrast(border, page_bg) < 3:
            problems.append(
                Problem("field border contrast < 3:1", f"{selector} ({contrast(border, page_bg):.2f}:1)")
            )
    link = _colour(declared("a", "color"), vars_)
    for rule in screen_rules:
        bg = _colour(rule.declarations.get("background-color") or rule.declarations.get("background"), vars_)
        if (
            link
            and bg
            and not any(TARGETS["button"].search(s) or s.startswith("header.site") for s in rule.selectors)
            and contrast(link, bg) < 4.5
        ):
            problems.append(Problem("link contrast < 4.5:1 on this background", ", ".join(rule.selectors)))
    return list(dict.fromkeys(problems))


def _outline_width(value: str) -> float:
    if not value or value.strip() in ("none", "0"):
        return 0.0
    for part in value.split():
        width = length_px(part)
        if width is not None:
            return width
    return 2.0 if "solid" in value or "auto" in value else 0.0
