#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""User-space tests of tools/xsplit-upgrade's logic that needs no Xen:
its arguments, when a device counts as connected again, the hotplug
script's arguments and environment (libxl's), the report.  The upgrade
itself is the lab's (selftests/lab/scenarios/upgrade.sh).

    python3 selftests/tools/test_xsplit_upgrade.py   (make check runs it)

Ends with "xsplit-upgrade: N passed, N failed".
"""

import contextlib
import io
import json
import os
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import toolload  # noqa: E402  (from HERE)


xu = toolload.load("xsplit-upgrade")


class Args(unittest.TestCase):
    def test_defaults(self):
        a = xu.parse_args([])
        self.assertEqual(a.backends, ["blkback", "netback"])
        self.assertEqual(a.ko, {})
        self.assertEqual(a.timeout, 60)
        self.assertTrue(a.hotplug)
        self.assertFalse(xu.parse_args(["--no-hotplug"]).hotplug)

    def test_ko_pairs(self):
        a = xu.parse_args(["netback", "--ko", "xsplit_netback=/x/nb.ko",
                           "--rollback-ko", "xsplit_netback=/y/nb.ko"])
        self.assertEqual(a.backends, ["netback"])
        self.assertEqual(a.ko, {"xsplit_netback": "/x/nb.ko"})
        self.assertEqual(a.rollback_ko, {"xsplit_netback": "/y/nb.ko"})

    def test_refused(self):
        for bad in (["--ko", "nb.ko"], ["--ko", "xsplit_core=/c.ko"],
                    ["--rollback-ko", "=x"]):
            with self.assertRaises(xu.Refused):
                xu.parse_args(bad)
        with contextlib.redirect_stderr(io.StringIO()), \
                self.assertRaises(SystemExit):
            xu.parse_args(["blkfront"])


# What the modules print (blkback/xstat.c, netback/xstat.c), shortened.
STATS = {
    "vbd up": ("dev rd_req=1\nq0 rd_req=1 inflight=0 ring_used=0 "
               "ring_size=32 events=3\n", True),
    "vbd down": ("dev rd_req=1\n", False),
    "vif up": ("dev queues=1\nq0 tx_packets=1 tx_ring_used=0 "
               "tx_ring_size=256 rx_ring_used=0 rx_ring_size=256\n", True),
    "vif down": ("dev queues=0\n", False),
    "unbound": (None, False),
}


class Connected(unittest.TestCase):
    def test_stats(self):
        dev = object.__new__(xu.Device)
        dev.sysfs = "/nonexistent"
        for name, (text, want) in STATS.items():
            with mock.patch.object(xu, "sysfs_read", return_value=text):
                self.assertEqual(dev.connected(), want, name)


class Hotplug(unittest.TestCase):
    def test_libxl_environment(self):
        dev = object.__new__(xu.Device)
        dev.name, dev.node = "vif-3-0", "backend/vif/3/0"
        dev.netdev, dev.script = "vif3.0", "/etc/xen/scripts/vif-bridge"
        done = mock.Mock(returncode=0, stderr="")
        with mock.patch.object(xu, "run", return_value=done) as run, \
                mock.patch.object(xu, "xs_read", return_value=None):
            xu.run_hotplug(dev)
        args, kw = run.call_args
        self.assertEqual(args, (dev.script, "online", "type_if=vif"))
        env = kw["env"]
        for k, v in (("script", dev.script), ("XENBUS_TYPE", "vif"),
                     ("XENBUS_PATH", "backend/vif/3/0"),
                     ("XENBUS_BASE_PATH", "backend"), ("netdev", ""),
                     ("vif", "vif3.0")):
            self.assertEqual(env[k], v, k)

    def test_script_fails(self):
        dev = object.__new__(xu.Device)
        dev.name, dev.node = "vif-3-0", "backend/vif/3/0"
        dev.netdev, dev.script = "vif3.0", "/bin/false"
        bad = mock.Mock(returncode=1, stderr="no bridge")
        with mock.patch.object(xu, "run", return_value=bad), \
                mock.patch.object(xu, "xs_read", return_value=None), \
                self.assertRaises(xu.Failed):
            xu.run_hotplug(dev)


class Report(unittest.TestCase):
    REPORTS = [{"module": "xsplit_netback", "load_ms": 40,
                "rolled_back": False,
                "devices": [{"device": "vif-3-0", "handed_over": True,
                             "away_ms": 812, "unbind_ms": 30,
                             "netdev": "vif3.0", "port": "xenbr0",
                             "port_restored": True}]}]

    def show(self, json_out):
        args = xu.parse_args(["--json"] if json_out else [])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            xu.show(self.REPORTS, args)
        return out.getvalue()

    def test_text(self):
        self.assertEqual(self.show(False),
                         "xsplit_netback: loaded in 40 ms\n"
                         "  vif-3-0: away 812 ms (unbind 30 ms), "
                         "vif3.0 port xenbr0\n")

    def test_json(self):
        self.assertEqual(json.loads(self.show(True)),
                         {"backends": self.REPORTS})


class Refuses(unittest.TestCase):
    def test_not_root(self):
        err = io.StringIO()
        with mock.patch.object(xu.os, "geteuid", return_value=1000), \
                contextlib.redirect_stderr(err):
            self.assertEqual(xu.main([]), 2)
        self.assertIn("must run as root", err.getvalue())


if __name__ == "__main__":
    sys.exit(toolload.run_tests("xsplit-upgrade", __name__))
