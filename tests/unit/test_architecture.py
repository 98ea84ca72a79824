"""newstui.core never imports Textual (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_textual():
    code = (
        "import sys, importlib, pkgutil, newstui.core as core\n"
        "sys.modules['textual'] = None  # any import of textual now fails\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('newstui.core.' + m.name)\n"
        "import newstui.cli, newstui.cli_articles, newstui.cli_refresh\n"
        "assert not any(n == 'textual' or n.startswith('textual.') for n in sys.modules if sys.modules[n]), "
        "'textual was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
