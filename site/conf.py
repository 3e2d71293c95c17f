"""Sphinx configuration of the collection's website; tools/build_site.py stages the sources and runs it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "g4f audio notebooks"
author = "the g4f audio notebooks contributors"
copyright = "the g4f audio notebooks contributors"
language = "en"

extensions = ["myst_nb", "g4f_site"]
nb_execution_mode = "off"  # the stored outputs, which nbval compares with fresh replay runs
nb_merge_streams = True
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # notebooks open with a title, then jump to ### in places

html_theme = "sphinx_book_theme"
html_title = "g4f audio notebooks"
html_static_path = ["_static"]
html_css_files = ["g4f.css"]
html_copy_source = False  # the page links to the notebook file itself
html_show_sourcelink = False
html_use_index = False
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}

# Read by _ext/g4f_site.py: where the launch buttons and file links lead (tools/build_site.py sets them).
g4f_repo = os.environ.get("G4F_SITE_REPO", "https://github.com/g4f-audio-notebooks/g4f-audio-notebooks")
g4f_branch = os.environ.get("G4F_SITE_BRANCH", "main")
g4f_hub = os.environ.get("G4F_SITE_HUB", "https://hub.example.org")
html_context = {"default_mode": "light"}  # the theme logs a console error on a first visit without one
