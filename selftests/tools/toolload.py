# SPDX-License-Identifier: GPL-2.0
"""Load one of tools/ (scripts without a .py suffix) as a module, so that
its tests can call its functions."""

import importlib.machinery
import importlib.util
import os

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "tools")


def load(name):
    """tools/NAME as a module called NAME with '-' as '_'."""
    modname = name.replace("-", "_")
    loader = importlib.machinery.SourceFileLoader(
        modname, os.path.join(TOOLS, name))
    spec = importlib.util.spec_from_loader(modname, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod
