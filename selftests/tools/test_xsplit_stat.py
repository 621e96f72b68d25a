#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""User-space tests of tools/xsplit-stat: the parsing of xsplit/stats,
the rate arithmetic between two samples, the JSON and Prometheus outputs
(checked by promcheck.py, and by promtool when PROMTOOL names one), on a
fixture tree of fake sysfs and debugfs files (the tool's hidden --root).

    python3 selftests/tools/test_xsplit_stat.py      (make check runs it)

Ends with "xsplit-stat: N passed, N failed".
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import toolload  # noqa: E402  (from HERE)
import promcheck  # noqa: E402


xs = toolload.load("xsplit-stat")

# What the modules print (blkback/xstat.c, netback/xstat.c), shortened.
VBD = """dev rd_req=100 wr_req=50 f_req=2 ds_req=1 rd_sect=800 wr_sect=400 \
oo_req=0 bad_req=3 pg_hits=90 pg_misses=10
q0 rd_req=60 wr_req=30 other_req=3 rd_sect=480 wr_sect=240 inflight=4 \
ring_used=8 ring_size=32 pg_hits=54 pg_misses=6 pg_entries=20 notifies=70 \
events=80 spurious=1 rej_malformed=2 rej_notsupp=1 rej_readonly=0 \
rej_range=0 rej_other=0
q1 rd_req=40 wr_req=20 other_req=0 rd_sect=320 wr_sect=160 inflight=0 \
ring_used=0 ring_size=32 pg_hits=36 pg_misses=4 pg_entries=12 notifies=50 \
events=55 spurious=0 rej_malformed=0 rej_notsupp=0 rej_readonly=0 \
rej_range=0 rej_other=0
"""
VIF = """dev rx_packets=1000 rx_bytes=1500000 rx_errors=0 tx_packets=2000 \
tx_bytes=3000000 tx_dropped=5 rx_stalls=1 rej_bad_flags=0 rej_short=2 \
queues=1
q0 rx_packets=1000 rx_bytes=1500000 rx_errors=0 tx_packets=2000 \
tx_bytes=3000000 tx_dropped=5 rx_stalls=1 rx_stalled=0 to_guest_queued=0 \
tx_ring_used=0 tx_ring_size=256 rx_ring_used=128 rx_ring_size=256 \
tx_notifies=900 tx_events=800 rx_notifies=0 rx_events=0
"""


def bump(text, factor):
    """Every counter of a stats text times FACTOR (levels too: fine)."""
    out = []
    for line in text.splitlines():
        words = line.split()
        out.append(" ".join([words[0]] + [
            "%s=%d" % (k, int(v) * factor)
            for k, v in (w.split("=") for w in words[1:])]))
    return "\n".join(out) + "\n"


class Tree:
    """A fake / with sysfs and debugfs files."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name

    def put(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def device(self, name, text):
        self.put("sys/bus/xen-backend/devices/%s/xsplit/stats" % name, text)

    def close(self):
        self.tmp.cleanup()


# xsplit_netfront's ethtool -S in a guest (netfront/ethtool.c's names).
NF = """rx_gso_checksum_fixup 0
q0_rx_packets 500
q0_rx_bytes 750000
q0_rx_dropped 1
q0_tx_packets 400
q0_tx_bytes 40000
q0_tx_dropped 0
q0_bad_responses 0
q0_lost_events 2
"""


def netfront(t, ifname, node, driver, stats):
    """A guest's interface: its xenbus device, node name and driver."""
    dev = os.path.join(t.root, "sys/devices/vif-%s" % ifname)
    drv = os.path.join(t.root, "sys/bus/xen/drivers", driver)
    os.makedirs(dev)
    os.makedirs(drv, exist_ok=True)
    t.put("sys/devices/vif-%s/nodename" % ifname, node + "\n")
    os.symlink(drv, os.path.join(dev, "driver"))
    os.makedirs(os.path.join(t.root, "sys/class/net", ifname))
    os.symlink(dev, os.path.join(t.root, "sys/class/net", ifname, "device"))
    t.put("ethtool-S/" + ifname, stats)


def fixture():
    t = Tree()
    t.device("vbd-3-51712", VBD)
    t.device("vif-3-0", VIF)
    netfront(t, "eth0", "device/vif/0", "xsplit-vif", NF)
    # the kernel's netfront: not ours
    netfront(t, "eth1", "device/vif/1", "vif", NF)
    # a device served by the kernel's backend: no xsplit/ folder
    t.put("sys/bus/xen-backend/devices/vbd-4-51712/statistics/rd_req", "1\n")
    t.put("sys/kernel/debug/xsplit_core/grants_mapped", "32\n")
    t.put("sys/kernel/debug/xsplit_blkback/reqs", "4\n")
    return t


def run_main(args):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = xs.main(args)
    return rc, buf.getvalue()


class ParseTest(unittest.TestCase):
    def test_lines(self):
        st = xs.parse_stats(VBD)
        self.assertEqual(st["dev"]["rd_req"], 100)
        self.assertEqual(sorted(st["queues"]), [0, 1])
        self.assertEqual(st["queues"][0]["ring_size"], 32)
        self.assertEqual(st["queues"][1]["rej_malformed"], 0)
        self.assertFalse(st["truncated"])

    def test_truncated(self):
        st = xs.parse_stats("dev a=1\nq0 b=2\ntruncated 1\n")
        self.assertTrue(st["truncated"])
        self.assertEqual(st["queues"][0], {"b": 2})

    def test_malformed(self):
        for bad in ("dev a=x\n", "qq a=1\n", "q0 a=-1\n", "dev a=1 b\n",
                    "dev  a=1\n", "q0 A=1\n"):
            with self.assertRaises(ValueError, msg=bad):
                xs.parse_stats(bad)

    def test_sample(self):
        t = fixture()
        try:
            s = xs.sample(t.root)
        finally:
            t.close()
        self.assertEqual([d["name"] for d in s["devices"]],
                         ["vbd-3-51712", "vif-3-0", "eth0"])
        nf = s["devices"][2]
        self.assertEqual(nf["type"], "netfront")
        self.assertEqual(nf["devid"], 0)
        self.assertEqual(nf["dev"], {"rx_gso_checksum_fixup": 0})
        self.assertEqual(nf["queues"][0]["lost_events"], 2)
        self.assertEqual(s["devices"][0]["domid"], 3)
        self.assertEqual(s["devices"][0]["devid"], 51712)
        self.assertEqual(s["modules"]["xsplit_core"]["grants_mapped"], 32)

    def test_no_devices(self):
        t = Tree()
        try:
            rc, out = run_main(["--root", t.root, "--once"])
        finally:
            t.close()
        self.assertEqual(rc, 0)
        self.assertIn("no device", out)


def two_samples(factor, dt):
    old = {"time": 100.0, "wall": 0, "modules": {}, "devices": [
        dict(name="vbd-3-51712", type="vbd", domid=3, devid=51712,
             truncated=False, **_split(VBD)),
        dict(name="vif-3-0", type="vif", domid=3, devid=0, truncated=False,
             **_split(VIF))]}
    new = {"time": 100.0 + dt, "wall": 0, "modules": {}, "devices": [
        dict(d, **_split(bump(t, factor))) for d, t in
        zip(old["devices"], (VBD, VIF))]}
    return old, new


def _split(text):
    st = xs.parse_stats(text)
    return {"dev": st["dev"], "queues": st["queues"]}


class RateTest(unittest.TestCase):
    def test_blk(self):
        old, new = two_samples(3, 2.0)   # every counter x3 over 2 s
        r = xs.rates(new, old)
        self.assertAlmostEqual(r["interval"], 2.0)
        q0 = r["devices"][0]["queues"][0]
        self.assertAlmostEqual(q0["r_s"], 60 * 2 / 2.0)
        self.assertAlmostEqual(q0["w_s"], 30 * 2 / 2.0)
        self.assertAlmostEqual(q0["rmib_s"], 480 * 2 * 512 / 2.0 / 2**20)
        self.assertAlmostEqual(q0["wmib_s"], 240 * 2 * 512 / 2.0 / 2**20)
        self.assertAlmostEqual(q0["pg_hit_pct"], 90.0)
        # 140 more notifications for 186 more requests (60+30+3, x2)
        self.assertAlmostEqual(q0["notify_per_req"], 140 / 186)
        self.assertAlmostEqual(q0["irq_per_req"], 160 / 186)
        self.assertAlmostEqual(q0["ring_pct"], 100.0 * 24 / 96)
        self.assertEqual(q0["inflight"], 12)
        self.assertAlmostEqual(q0["rej_s"], 3 * 2 / 2.0)

    def test_net(self):
        old, new = two_samples(2, 0.5)
        q0 = xs.rates(new, old)["devices"][1]["queues"][0]
        self.assertAlmostEqual(q0["rx_pk_s"], 1000 / 0.5)
        self.assertAlmostEqual(q0["rx_mib_s"], 1500000 / 0.5 / 2**20)
        self.assertAlmostEqual(q0["tx_mib_s"], 3000000 / 0.5 / 2**20)
        self.assertAlmostEqual(q0["notify_per_pkt"], 900 / 3000)
        self.assertAlmostEqual(q0["drop_s"], 5 / 0.5)
        self.assertEqual(q0["stalls"], 1)
        self.assertAlmostEqual(q0["rxring_pct"], 50.0)

    def test_netfront(self):
        dev, qs = xs.split_queues([("q0_rx_bytes", 10), ("q1_rx_bytes", 30),
                                   ("total", 1), ("q1x_a", 2)])
        self.assertEqual(dev, {"total": 1, "q1x_a": 2})
        old = {"rx_packets": 10, "rx_bytes": 100, "tx_packets": 0,
               "tx_bytes": 0, "rx_dropped": 1, "lost_events": 0}
        new = dict(old, rx_packets=30, rx_bytes=2 * 2**20 + 100,
                   rx_dropped=3, lost_events=1)
        r = xs.nf_rates(new, old, 2.0)
        self.assertAlmostEqual(r["rx_pk_s"], 10.0)
        self.assertAlmostEqual(r["rx_mib_s"], 1.0)
        self.assertAlmostEqual(r["drop_s"], 1.0)
        self.assertEqual(r["lost_ev"], 1)

    def test_ethtool_ioctl(self):
        """The real ioctl, on whichever interface of this machine has
        ethtool statistics (read only)."""
        for ifname in sorted(os.listdir("/sys/class/net")):
            try:
                pairs = xs.ethtool_stats(ifname)
            except OSError:
                continue
            if pairs:
                for name, val in pairs:
                    self.assertRegex(name, r"^[\x21-\x7e]+$")
                    self.assertGreaterEqual(val, 0)
                return
        self.skipTest("no interface here has ethtool statistics")

    def test_reset(self):
        # a ring set up again: its counters start over, never negative
        self.assertEqual(xs.delta({"a": 5}, {"a": 100}, "a"), 5)
        self.assertEqual(xs.delta({"a": 105}, {"a": 100}, "a"), 5)
        self.assertEqual(xs.delta({"a": 7}, None, "a"), 7)

    def test_idle(self):
        old, new = two_samples(1, 1.0)
        q0 = xs.rates(new, old)["devices"][0]["queues"][0]
        self.assertEqual(q0["r_s"], 0)
        self.assertIsNone(q0["pg_hit_pct"])
        self.assertIsNone(q0["notify_per_req"])

    def test_order(self):
        old, new = two_samples(2, 1.0)
        with self.assertRaises(ValueError):
            xs.rates(old, new)

    def test_new_device(self):
        old, new = two_samples(2, 1.0)
        old["devices"] = old["devices"][1:]
        q0 = xs.rates(new, old)["devices"][0]["queues"][0]
        self.assertAlmostEqual(q0["r_s"], 120.0)


class OutputTest(unittest.TestCase):
    def setUp(self):
        self.tree = fixture()

    def tearDown(self):
        self.tree.close()

    def test_json_once(self):
        rc, out = run_main(["--root", self.tree.root, "--once", "--json"])
        self.assertEqual(rc, 0)
        j = json.loads(out)
        vbd = j["devices"][0]
        self.assertEqual(vbd["dev"]["rd_sect"], 800)
        self.assertEqual(vbd["queues"][1]["queue"], 1)
        self.assertEqual(vbd["queues"][1]["rd_req"], 40)
        self.assertEqual(j["modules"]["xsplit_core"]["grants_mapped"], 32)
        self.assertNotIn("rates", vbd)

    def test_text_interval(self):
        rc, out = run_main(["--root", self.tree.root, "0.01", "2"])
        self.assertEqual(rc, 0)
        self.assertEqual(out.count("interval"), 2)
        self.assertIn("grants_mapped 32", out)
        self.assertIn("vbd-3-51712", out)
        self.assertIn("rxMiB/s", out)
        self.assertIn("netfront", out)
        self.assertIn("lostev", out)
        self.assertIn("vbd-3-51712 refused: malformed=2 notsupp=1", out)
        self.assertIn("vif-3-0 refused: short=2", out)
        self.assertNotIn("\x1b", out)   # plain lines, no control codes

    def test_json_interval(self):
        rc, out = run_main(["--root", self.tree.root, "--json", "0.01",
                            "1"])
        j = json.loads(out)
        self.assertEqual(j["devices"][0]["rates"]["queues"][0]["r_s"], 0)

    def test_output_file(self):
        path = os.path.join(self.tree.root, "xsplit.prom")
        run_main(["--root", self.tree.root, "--once", "--prometheus",
                  "--output", path])
        with open(path) as f:
            self.assertEqual(promcheck.check(f.read()), [])
        self.assertEqual([n for n in os.listdir(self.tree.root)
                          if n.endswith(".tmp")], [])

    def prom(self):
        rc, out = run_main(["--root", self.tree.root, "--once",
                            "--prometheus"])
        self.assertEqual(rc, 0)
        return out

    def test_prometheus_valid(self):
        out = self.prom()
        self.assertEqual(promcheck.check(out), [])
        self.assertIn('xsplit_vbd_queue_rd_req_total{domid="3",'
                      'device="51712",queue="1"} 40', out)
        self.assertIn('xsplit_vbd_queue_rejected_total{domid="3",'
                      'device="51712",queue="0",reason="notsupp"} 1', out)
        self.assertIn('xsplit_vif_device_rejected_total{domid="3",'
                      'device="0",reason="short"} 2', out)
        self.assertIn("# TYPE xsplit_vbd_queue_inflight gauge", out)
        self.assertIn("# TYPE xsplit_vif_queue_tx_bytes_total counter", out)
        self.assertIn("xsplit_core_grants_mapped 32", out)
        self.assertIn('xsplit_netfront_queue_lost_events_total{'
                      'interface="eth0",device="0",queue="0"} 2', out)

    def test_prometheus_every_family_typed(self):
        out = self.prom()
        typed = {ln.split()[2] for ln in out.splitlines()
                 if ln.startswith("# TYPE")}
        helped = {ln.split()[2] for ln in out.splitlines()
                  if ln.startswith("# HELP")}
        names = {ln.split("{")[0].split()[0] for ln in out.splitlines()
                 if not ln.startswith("#")}
        self.assertEqual(names, typed)
        self.assertEqual(names, helped)

    def test_promtool(self):
        tool = os.environ.get("PROMTOOL")
        if not tool:
            self.skipTest("PROMTOOL not set (selftests/tools/run.sh sets it)")
        p = subprocess.run([tool, "check", "metrics"], input=self.prom(),
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


class PromcheckTest(unittest.TestCase):
    """The checker must catch what it claims to: each bad text fails."""

    GOOD = ('# HELP a_total x\n# TYPE a_total counter\n'
            'a_total{q="0"} 1\na_total{q="1"} 2\n'
            '# TYPE b gauge\nb -1.5e3\nb{x="a \\"q\\" \\\\ \\n"} NaN 17\n')
    BAD = {
        "no newline": "# TYPE a gauge\na 1",
        "bad name": "# TYPE 1a gauge\n1a 1\n",
        "bad type": "# TYPE a countr\na 1\n",
        "two types": "# TYPE a gauge\n# TYPE a gauge\na 1\n",
        "two helps": "# HELP a x\n# HELP a y\na 1\n",
        "type late": "a 1\n# TYPE a gauge\n",
        "interleaved": "# TYPE a gauge\na 1\nb 1\na{x=\"1\"} 2\n",
        "duplicate": "a{x=\"1\"} 1\na{x=\"1\"} 2\n",
        "bad value": "a 1,5\n",
        "bad escape": "a{x=\"\\t\"} 1\n",
        "unquoted": "a{x=1} 1\n",
        "repeated label": "a{x=\"1\",x=\"2\"} 1\n",
        "negative counter": "# TYPE a counter\na -1\n",
        "bad timestamp": "a 1 1.5\n",
        "no value": "a\n",
        "label name": "a{1x=\"1\"} 1\n",
    }

    def test_good(self):
        self.assertEqual(promcheck.check(self.GOOD), [])

    def test_bad(self):
        for why, text in self.BAD.items():
            self.assertNotEqual(promcheck.check(text), [], why)


if __name__ == "__main__":
    sys.exit(toolload.run_tests("xsplit-stat", __name__))
