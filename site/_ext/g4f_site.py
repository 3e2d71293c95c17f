"""The bar on top of every page: the language switch, Binder and JupyterHub launch buttons, the file's links."""

from __future__ import annotations

import html
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[2]
HOMES = {"en": "index", "ru": "index.ru"}
START = {"en": "notebooks/00_start_here.ipynb", "ru": "notebooks/ru/00_start_here.ipynb"}


def _links_module():
    spec = importlib.util.spec_from_file_location("deploy_links", ROOT / "deploy" / "links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


links = _links_module()


def language(page: str) -> str:
    return "ru" if page.startswith("notebooks/ru/") or page.endswith(".ru") else "en"


def counterpart(page: str) -> str:
    """The same page in the other language (its docname)."""
    if page.startswith("notebooks/ru/"):
        return "notebooks/" + page.removeprefix("notebooks/ru/")
    if page.startswith("notebooks/"):
        return "notebooks/ru/" + page.removeprefix("notebooks/")
    return page.removesuffix(".ru") if page.endswith(".ru") else page + ".ru"


def repo_file(app: Sphinx, page: str) -> str:
    """The file in the repository this page shows; a home page stands for the start notebook."""
    if page in HOMES.values():
        return START[language(page)]
    return Path(app.env.doc2path(page)).relative_to(app.srcdir).as_posix()


def binder_url(repo: str, branch: str, path: str) -> str:
    owner_name = repo.removeprefix("https://github.com/").strip("/")
    return f"https://mybinder.org/v2/gh/{owner_name}/{branch}?labpath={quote(path, safe='')}"


def bar(app: Sphinx, page: str) -> str:
    cfg = app.config
    lang = language(page)
    other = counterpart(page)
    if other not in app.env.found_docs:
        other = HOMES["en" if lang == "ru" else "ru"]
    path = repo_file(app, page)
    rel = app.builder.get_relative_uri
    words = {
        "en": ("Русский", "Launch on Binder", "Launch on JupyterHub", "Notebook file", "Source on GitHub"),
        "ru": ("English", "Запустить в Binder", "Запустить в JupyterHub", "Файл ноутбука", "Исходник на GitHub"),
    }[lang]
    items = [
        ("g4f-lang", rel(page, other), words[0], "en" if lang == "ru" else "ru"),
        ("g4f-binder", binder_url(cfg.g4f_repo, cfg.g4f_branch, path), words[1], None),
        ("g4f-hub", links.link(cfg.g4f_hub, file=path, repo=cfg.g4f_repo, branch=cfg.g4f_branch), words[2], None),
    ]
    if path.endswith(".ipynb") and page not in HOMES.values():
        items.append(("g4f-file", Path(path).name, words[3], None))  # tools/build_site.py copies it beside the page
    items.append(("g4f-source", f"{cfg.g4f_repo}/blob/{cfg.g4f_branch}/{quote(path)}", words[4], None))
    parts = [
        f'<a class="{cls}" href="{html.escape(url)}"' + (f' hreflang="{hl}"' if hl else "") + f">{text}</a>"
        for cls, url, text, hl in items
    ]
    parts.insert(1, '<span class="g4f-sep"></span>')
    return f'<nav class="g4f-bar" lang="{lang}">' + "".join(parts) + "</nav>"


def on_page(app: Sphinx, page: str, template: str, context: dict, doctree) -> None:
    if doctree is None:
        return
    context["body"] = bar(app, page) + context["body"]
    context["language"] = language(page)  # <html lang="..">


def setup(app: Sphinx) -> dict:
    app.add_config_value("g4f_repo", links.REPO, "html")
    app.add_config_value("g4f_branch", "main", "html")
    app.add_config_value("g4f_hub", "https://hub.example.org", "html")
    app.connect("html-page-context", on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
