# SPDX-License-Identifier: GPL-2.0
"""Load one of tools/ (scripts without a .py suffix) as a module, so that
its tests can call its functions, and run a test module with one summary
line."""

import importlib.machinery
import importlib.util
import os
import sys
import unittest

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


def run_tests(label, module_name):
    """Run the tests of module MODULE_NAME; print "LABEL: N passed, N
    failed, N skipped"; 1 if any failed, else 0."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[module_name])
    res = unittest.TextTestRunner(verbosity=1).run(suite)
    bad = len(res.failures) + len(res.errors)
    skipped = len(res.skipped)
    print("%s: %d passed, %d failed, %d skipped" %
          (label, res.testsRun - bad - skipped, bad, skipped))
    return 1 if bad else 0
