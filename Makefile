# SPDX-License-Identifier: GPL-2.0
#
# xsplit: out-of-tree Xen split drivers.  This Makefile is the user-facing
# entry point; the kernel build itself is described in Kbuild.
#
#   make               build the modules against KDIR (W=1)
#   make FAULT_INJECTION=1  the same with fault/'s fault points (tests only)
#   make deps          install the build dependencies (Debian 12, apt)
#   make check         user-space unit tests of the protocol code and of
#                      tools/xsplit-stat and tools/xsplit-upgrade
#   make coverage      unit tests with gcov/lcov, prints ring/ + xenbus/ coverage
#   make fuzz          run every libFuzzer target (FUZZ_SECONDS, FUZZ_RUNS)
#   make style         checkpatch --strict over the tree
#   make readme-ref    the drivers' READMEs' Reference sections, from the code
#   make dkms-install  add, build and install through DKMS for KVER
#   make deb           the xsplit-dkms Debian package (scripts/mkdeb.sh)
#   make kernels       W=1 build against each Debian suite's kernel, in
#                      cached chroots (KERNEL_SUITES="trixie sid" for some)
#   make lab / demo    the Xen-in-QEMU lab (see selftests/lab/)
#   make bench         the benchmark: raw device, in-tree and xsplit pairs,
#                      interleaved, with their costs and plots (quiet host)
#   make test          everything CI runs: W=1 build, style, READMEs against
#                      the code, DKMS, unit tests, coverage, fuzz smoke,
#                      the quick lab suite

XSPLIT_VERSION := $(shell cat $(CURDIR)/VERSION)

# Prefer the running kernel's build tree; on a build box that does not run
# the target kernel, fall back to the newest Debian amd64 headers installed.
KDIR ?= $(shell scripts/find-kdir.sh)
KVER ?= $(shell scripts/find-kdir.sh --version)
W ?= 1
# FAULT_INJECTION=1: a test build with the fault points of fault/ compiled in
FAULT_INJECTION ?= 0
KBUILD_FAULT := $(if $(filter 1,$(FAULT_INJECTION)),CONFIG_XSPLIT_FAULT_INJECTION=y)

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) XSPLIT_VERSION=$(XSPLIT_VERSION) \
		$(KBUILD_FAULT) modules

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@# the DKMS source tree (and the .deb) ships without selftests/
	for d in selftests/unit selftests/fuzz; do \
		[ ! -d $$d ] || $(MAKE) -C $$d clean || exit 1; \
	done

deps:
	scripts/deps.sh

check:
	$(MAKE) -C selftests/unit check
	selftests/tools/run.sh

coverage:
	$(MAKE) -C selftests/unit coverage

fuzz:
	$(MAKE) -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

style:
	scripts/style.sh

readme-ref:
	scripts/readme-ref.sh

dkms-install:
	scripts/dkms-install.sh $(XSPLIT_VERSION) $(KVER)

kernels:
	scripts/kernels.sh $(KERNEL_SUITES)

deb:
	scripts/mkdeb.sh

FUZZ_SECONDS ?= 10

test:
	scripts/build-check.sh
	scripts/names-check.sh
	scripts/readme-ref.sh --check
	scripts/kernels.sh
	scripts/check-dkms.sh
	scripts/style.sh
	$(MAKE) check
	$(MAKE) coverage
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)
	XSPLIT_DKMS_STEPS="add build" scripts/dkms-install.sh $(XSPLIT_VERSION) $(KVER)
	$(MAKE) lab

# make lab                      the quick suite
# make lab SCENARIOS="blk-fio"  some scenarios (selftests/lab/lab.sh --list)
lab:
	selftests/lab/lab.sh $(SCENARIOS)

demo:
	selftests/lab/lab.sh --demo

# make bench: fio (bench) and iperf3 (net-bench) figures of one run, then
# their plots; everything in results/bench-<date>/.
BENCH_STAMP := $(shell date +%Y%m%d-%H%M%S)
BENCH_RESULTS ?= $(CURDIR)/results/bench-$(BENCH_STAMP)
bench:
	LAB_RESULTS=$(BENCH_RESULTS) selftests/lab/lab.sh bench net-bench
	scripts/bench-plot.sh $(BENCH_RESULTS)

# make lab-kernels   blk-fio + net-iperf with trixie's and sid's kernels in
#                    the guests and bookworm-backports' 6.12 in dom0
lab-kernels:
	selftests/lab/lab.sh --kernels

.PHONY: all modules clean deps check coverage fuzz style readme-ref dkms-install kernels deb test lab demo bench lab-kernels
