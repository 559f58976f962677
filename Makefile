# slsrt - build, run and test.  The two commands: `make run`, `make check`.
#
# Variables: BUILD (output folder, default build), PREFIX (make install),
# SAN=1 (AddressSanitizer + UBSan build, used by `make check` in build/asan).

VERSION := $(shell sed -n 's/^\#define SLSRT_VERSION_STRING "\(.*\)"/\1/p' include/slsrt/common.h)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
BUILD ?= build
PREFIX ?= /usr/local
ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
CC ?= cc

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2
ifeq ($(SAN),1)
HARDEN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif
ifeq ($(SAN),thread)
HARDEN := -fsanitize=thread -fno-omit-frame-pointer
endif
# No build paths in the binaries: the same source gives the same bytes.
REPRO := -ffile-prefix-map=$(CURDIR)=.
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(HARDEN) $(REPRO) -Iinclude -pthread
LDHARDEN := -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--as-needed
ifeq ($(SAN),1)
LDHARDEN += -fsanitize=address,undefined
endif
ifeq ($(SAN),thread)
LDHARDEN += -fsanitize=thread
endif

JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
MHD_LIBS := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

LIB_SRCS := $(wildcard lib/*/*.c)
LIB_HEADERS := $(wildcard lib/*/*.h)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_REAL := $(BUILD)/lib/libslsrt.so.$(VERSION)
LIB_SONAME := libslsrt.so.$(MAJOR)
LIB_INTERNAL := $(BUILD)/obj/libslsrt-internal.a
PC_FILE := $(BUILD)/lib/pkgconfig/slsrt.pc

LOCAL_SRCS := $(wildcard tools/slsrt-local/*.c)
LOCAL_BIN := $(BUILD)/bin/slsrt-local
SIGN_BIN := $(BUILD)/bin/slsrt-sign

EXAMPLES := $(notdir $(patsubst %/,%,$(dir $(wildcard examples/*/main.c))))
NATIVE_ARCH := $(shell uname -m | sed -e 's/aarch64/arm64/')
ifneq ($(ARCH),$(NATIVE_ARCH))
# A cross build: posts-api would need libpq built for the target as well.
EXAMPLES := $(filter-out posts-api,$(EXAMPLES))
endif
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%/bootstrap)

TEST_FUNCS := $(notdir $(basename $(wildcard tests/functions/*.c)))
TEST_FUNC_BINS := $(TEST_FUNCS:%=$(BUILD)/tests/functions/%/bootstrap)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/*/test_*.c))
INTEG_TESTS := $(filter-out test_posts_api,$(notdir $(basename $(wildcard tests/integration/test_*.c))))
INTEG_BINS := $(INTEG_TESTS:%=$(BUILD)/tests/integration/%)
TEST_SUPPORT := tests/support/harness.c
TEST_SUPPORT_HEADERS := tests/support/harness.h tests/support/json_same.h tests/support/text.h tests/support/json_gen.h tests/support/json_variants.h
PUBLIC_HEADERS := $(wildcard include/slsrt/*.h)

.PHONY: check-sign check-cdk cdk-pack estate-inputs all lib layer check-arm64 function examples tools tests deps run check test-run check-asan check-tsan check-valgrind gates fuzz soak bench install clean
all: lib tools examples

deps:
	@scripts/install-deps

# ---- the library ------------------------------------------------------
lib: $(BUILD)/lib/libslsrt.so $(PC_FILE)

$(BUILD)/obj/lib/%.o: lib/%.c $(LIB_HEADERS) $(PUBLIC_HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) -Ilib -fPIC -fvisibility=hidden -DSLSRT_BUILDING -c $< -o $@

$(LIB_REAL): $(LIB_OBJS) lib/libslsrt.map
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(LIB_OBJS) -Wl,-soname,$(LIB_SONAME) \
	    -Wl,--version-script=lib/libslsrt.map -Wl,-Bsymbolic-functions $(LDHARDEN) $(JANSSON_LIBS) -lz -pthread

$(BUILD)/lib/$(LIB_SONAME): $(LIB_REAL)
	ln -sf $(notdir $<) $@

$(BUILD)/lib/libslsrt.so: $(BUILD)/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $@

$(LIB_INTERNAL): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# pkg-config file for the build tree; `make install` writes one for PREFIX.
$(PC_FILE): scripts/slsrt.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(abspath $(BUILD))|' -e 's|@INCLUDEDIR@|$(CURDIR)/include|' \
	    -e 's|@VERSION@|$(VERSION)|' $< > $@

# ---- the layer: reproducible zips and SDKs, x86_64 and arm64 ----------------
# `make layer` builds both (arm64 with Debian's cross toolchain, in
# build/arm64); `make layer ARCH=x86_64|arm64` one.
ARM64 := BUILD=build/arm64 CC=aarch64-linux-gnu-gcc ARCH=arm64 JANSSON_SO=/usr/lib/aarch64-linux-gnu/libjansson.so.4
layer: lib
	@layer/make-layer $(BUILD) $(ARCH) $(VERSION)
ifeq ($(origin ARCH),file)
ifneq ($(NATIVE_ARCH),arm64)
	@scripts/install-deps-arm64
	@$(MAKE) --no-print-directory -s $(ARM64) layer
endif
endif

# The unit tests and five integration suites for arm64, under qemu-user.
check-arm64: tests
	@scripts/install-deps-arm64
	@scripts/check-arm64 $(BUILD)

# A function project (`slsrt-local new` makes one) as DIR/function.zip,
# built against this build's library for the architecture the project
# declares (its `make print-arch`; ARCH=... on the command line overrides):
# arm64 on an x86-64 machine with the cross toolchain, against build/arm64.
FN_ARCH = $(if $(filter command line,$(origin ARCH)),$(ARCH),$(shell $(MAKE) -s --no-print-directory -C $(DIR) \
    print-arch 2>/dev/null || echo $(NATIVE_ARCH)))
function: lib
	@[ -n "$(DIR)" ] || { echo "usage: make function DIR=path/to/function [ARCH=x86_64|arm64]"; exit 2; }
	@arch=$(FN_ARCH); \
	if [ "$$arch" = "$(NATIVE_ARCH)" ]; then \
	    $(MAKE) --no-print-directory -C $(DIR) clean >/dev/null && \
	    PKG_CONFIG_PATH=$(abspath $(BUILD))/lib/pkgconfig $(MAKE) --no-print-directory -C $(DIR) ARCH=$$arch zip; \
	elif [ "$$arch" = arm64 ]; then \
	    scripts/install-deps-arm64 && $(MAKE) --no-print-directory -s $(ARM64) lib && \
	    $(MAKE) --no-print-directory -C $(DIR) clean >/dev/null && \
	    PKG_CONFIG_PATH=$(CURDIR)/build/arm64/lib/pkgconfig $(MAKE) --no-print-directory -C $(DIR) \
	        CC=aarch64-linux-gnu-gcc ARCH=arm64 zip; \
	else \
	    echo "make function: ARCH=$$arch cannot be built on $(NATIVE_ARCH)"; exit 2; \
	fi && echo "function: $(DIR)/function.zip ($$arch, bootstrap at its root, for provided.al2023 with the slsrt layer)"

# ---- the emulator -----------------------------------------------------
tools: $(LOCAL_BIN) $(SIGN_BIN)

# The sample events of `slsrt-local event` and the projects of `slsrt-local
# new`, compiled in (an installed slsrt-local needs no data files).
SAMPLE_FILES := $(sort $(wildcard tools/slsrt-local/samples/*.json))
TEMPLATE_FILES := $(sort $(wildcard tools/slsrt-local/templates/Makefile tools/slsrt-local/templates/*/*))
LOCAL_GEN := $(BUILD)/gen/samples.c $(BUILD)/gen/templates.c
$(BUILD)/gen/samples.c: $(SAMPLE_FILES) scripts/embed-files
	@mkdir -p $(@D)
	scripts/embed-files $@ samples tools/slsrt-local/samples $(SAMPLE_FILES)
$(BUILD)/gen/templates.c: $(TEMPLATE_FILES) scripts/embed-files
	@mkdir -p $(@D)
	scripts/embed-files $@ templates tools/slsrt-local/templates $(TEMPLATE_FILES)

$(LOCAL_BIN): $(LOCAL_SRCS) $(LOCAL_GEN) $(wildcard tools/slsrt-local/*.h) include/slsrt/common.h Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) -Itools/slsrt-local -o $@ $(LOCAL_SRCS) $(LOCAL_GEN) $(LDHARDEN) \
	    $(MHD_LIBS) $(JANSSON_LIBS) -lm

# The command-line signer: the library's own signer (private), so linked
# with its objects.
$(SIGN_BIN): tools/slsrt-sign/main.c $(LIB_INTERNAL)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) -Ilib -o $@ $< $(LIB_INTERNAL) $(LDHARDEN) $(JANSSON_LIBS) -lz

# ---- examples: built the way a function author builds, with pkg-config --
examples: $(EXAMPLE_BINS)

# Crash reports name only exported functions: the crash example exports its own.
$(BUILD)/examples/crash/bootstrap: EXAMPLE_LDFLAGS := -rdynamic
# posts-api talks to PostgreSQL through libpq (ship libpq.so.5 in the function's lib/).
$(BUILD)/examples/posts-api/bootstrap: EXAMPLE_LDFLAGS := $(shell pkg-config --cflags --libs libpq 2>/dev/null || echo -lpq)

$(BUILD)/examples/%/bootstrap: examples/%/main.c $(BUILD)/lib/libslsrt.so $(PC_FILE) $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDHARDEN) $(EXAMPLE_LDFLAGS) \
	    $$(PKG_CONFIG_PATH=$(BUILD)/lib/pkgconfig pkg-config --cflags --libs slsrt)

# ---- tests ------------------------------------------------------------
tests: all $(TEST_FUNC_BINS) $(UNIT_BINS) $(INTEG_BINS) $(BUILD)/tests/integration/test_posts_api

# -rdynamic: crash reports name the test functions' own functions.
$(BUILD)/tests/functions/%/bootstrap: tests/functions/%.c $(BUILD)/lib/libslsrt.so $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) -o $@ $< $(LDHARDEN) -rdynamic -L$(BUILD)/lib -lslsrt $(JANSSON_LIBS)

# Unit tests link the library's objects statically to reach private parsers.
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_INTERNAL) $(TEST_SUPPORT) $(TEST_SUPPORT_HEADERS) $(PUBLIC_HEADERS) $(LIB_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) -Ilib -Itests/support -o $@ $< $(TEST_SUPPORT) $(LIB_INTERNAL) \
	    $(LDHARDEN) $(CHECK_LIBS) $(JANSSON_LIBS) -lz -lm

$(BUILD)/tests/integration/%: tests/integration/%.c $(TEST_SUPPORT) tests/support/harness.h $(PUBLIC_HEADERS) \
    $(LIB_INTERNAL)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) -Itests/support -o $@ $< $(TEST_SUPPORT) $(LIB_INTERNAL) $(LDHARDEN) \
	    $(CHECK_LIBS) $(JANSSON_LIBS) -lz

# Run every test binary; each prints Check's summary line.  Then no log line
# of any run may hold a credential.
test-run: tests
	@rm -rf $(BUILD)/test-logs
	@BUILD=$(BUILD) scripts/run-tests $(UNIT_BINS) $(INTEG_BINS)
	@echo "== $(BUILD)/tests/integration/test_posts_api (a real PostgreSQL)"
	@rc=0; BUILD=$(BUILD) scripts/with-postgres --schema examples/posts-api/schema.sql \
	    $(BUILD)/tests/integration/test_posts_api || rc=$$?; \
	if [ $$rc -eq 77 ] && [ -z "$$CI" ]; then echo "test_posts_api: skipped (PostgreSQL could not be started)"; \
	elif [ $$rc -ne 0 ]; then exit 1; fi
	@$(MAKE) --no-print-directory check-sign
	@BUILD=$(BUILD) scripts/check-secrets

# slsrt-sign against @smithy/signature-v4 (from npm) on generated requests.
SIGN_REQUESTS ?= 1000
check-sign: $(SIGN_BIN)
	@echo "== differential signing: slsrt-sign vs @smithy/signature-v4"
	@NODE_PATH=$$(scripts/install-node-deps $(BUILD)) node tests/node/differential.js $(SIGN_BIN) $(SIGN_REQUESTS)

check-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 test-run

# The library and a concurrent function under ThreadSanitizer, served by this
# build's emulator; any race report fails the test.
check-tsan: tests
	@$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread build/tsan/lib/libslsrt.so \
	    build/tsan/tests/functions/concurrent/bootstrap
	@echo "== $(BUILD)/tests/integration/test_concurrency (ThreadSanitizer)"
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" SLSRT_LOCAL=$(BUILD)/bin/slsrt-local BUILD=build/tsan \
	    $(BUILD)/tests/integration/test_concurrency
	@$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread build/tsan/tests/integration/test_idempotency \
	    build/tsan/examples/payments/bootstrap
	@echo "== build/tsan/tests/integration/test_idempotency (ThreadSanitizer: 8 threads on one instance)"
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" SLSRT_LOCAL=$(BUILD)/bin/slsrt-local BUILD=build/tsan \
	    build/tsan/tests/integration/test_idempotency

# Release gates on what ships: layering, ABI, exports, glibc, hardening (scripts/check-*),
# and a test that each gate refuses what it guards against.
gates: all
	@scripts/check-layers $(BUILD)/obj/lib
	@scripts/check-exports $(BUILD)/lib/$(LIB_SONAME)
	@scripts/check-abi $(BUILD)/lib/$(LIB_SONAME)
	@scripts/check-glibc $(LIB_REAL) $(EXAMPLE_BINS)
	@scripts/check-hardening $(LIB_REAL) $(EXAMPLE_BINS) $(LOCAL_BIN)
	@$(MAKE) --no-print-directory layer ARCH=$(ARCH) >/dev/null
	@rm -rf $(BUILD)/layer/unpacked && mkdir -p $(BUILD)/layer/unpacked && \
	    cd $(BUILD)/layer/unpacked && unzip -q ../slsrt-$(VERSION)-$(ARCH).zip && \
	    $(CURDIR)/scripts/check-glibc lib/libslsrt.so.1 lib/libjansson.so.4
	@scripts/check-reproducible
	@BUILD=$(BUILD) scripts/check-upgrade
	@rc=0; scripts/check-isolation $(BUILD) || rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]
	@BUILD=$(BUILD) tests/gates/test_gates.sh

# Every bootstrap of these suites under valgrind memcheck: no errors, no leaks.
# (Lifecycle asserts on SIGTERM and streaming on peak RSS, which valgrind's
# own stop signal and memory would change: they run in the other passes.)
VALGRIND_SUITES := aws batch concurrency crash emulator faults http observability runtime_loop
check-valgrind: tests
	@BUILD=$(BUILD) scripts/check-valgrind $(VALGRIND_SUITES:%=$(BUILD)/tests/integration/test_%)

# Resident memory must stay flat over many invocations in one sandbox.
SOAK_INVOCATIONS ?= 1000000
soak: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/soak/run $(SOAK_INVOCATIONS)
	@BUILD=$(BUILD) tests/soak/run $$(($(SOAK_INVOCATIONS) / 10)) http-echo examples/http-echo/events/apigw-v2-get.json
	@BUILD=$(BUILD) tests/soak/run $$(($(SOAK_INVOCATIONS) / 10)) event-summary tests/events/sqs-batch.json

# libFuzzer targets (clang): `make fuzz` runs each FUZZ_SECONDS; make check briefly.
FUZZ_SECONDS ?= 60
fuzz: deps
	@BUILD=$(BUILD) tests/fuzz/run $(FUZZ_SECONDS)

# ---- the CDK constructs (cdk/, TypeScript) --------------------------------
# Their tests (node --test, offline), then the example estate synthesized
# with the pinned CDK CLI under cdk-nag, from this build's layers and arm64
# examples.
check-cdk: deps
	@scripts/install-node-deps --in cdk >/dev/null
	@echo "== cdk: the constructs' tests (node --test)"
	@mkdir -p $(BUILD)
	@cd cdk && npm run --silent build
	@rc=0; (cd cdk && npm test --silent) > $(BUILD)/cdk-test.log 2>&1 || rc=$$?; \
	    grep -E '^# (tests|pass|fail) |^not ok' $(BUILD)/cdk-test.log; \
	    [ $$rc -eq 0 ] || { echo "cdk: tests failed, see $(BUILD)/cdk-test.log"; exit 1; }
	@$(MAKE) --no-print-directory -s estate-inputs
	@echo "== cdk: examples/estate synthesized (aws-cdk CLI $$(cdk/node_modules/.bin/cdk --version 2>/dev/null | cut -d' ' -f1), cdk-nag AwsSolutionsChecks)"
	@cd cdk/examples/estate && SLSRT_BUILD=$(abspath $(BUILD)) CDK_DISABLE_CLI_TELEMETRY=true \
	    ../../node_modules/.bin/cdk synth --quiet --no-notices --output $(abspath $(BUILD))/cdk.out/estate
	@echo "cdk: estate synthesized to $(BUILD)/cdk.out/estate with no cdk-nag finding left unacknowledged"
	@$(MAKE) --no-print-directory -s cdk-pack
	@scripts/check-cdk-app $(BUILD) $(BUILD)/slsrt-cdk-$(VERSION).tgz

# @slsrt/cdk as a package a user's app installs: $(BUILD)/slsrt-cdk-<version>.tgz.
cdk-pack: deps
	@scripts/install-node-deps --in cdk >/dev/null
	@cd cdk && npm run --silent build
	@mkdir -p $(BUILD)
	@cd cdk && npm pack --silent --pack-destination $(abspath $(BUILD)) >/dev/null
	@echo "cdk-pack: $(BUILD)/slsrt-cdk-$(VERSION).tgz (npm install it in your CDK app, with aws-cdk-lib and constructs)"

# What the estate deploys: both layers and the arm64 builds of four examples.
estate-inputs: lib
	@$(MAKE) --no-print-directory layer >/dev/null
	@$(MAKE) --no-print-directory -s $(ARM64) build/arm64/examples/http-echo/bootstrap build/arm64/examples/sqs-batch/bootstrap \
	    build/arm64/examples/order-workflow/bootstrap build/arm64/examples/payments/bootstrap

check: deps
	@$(MAKE) --no-print-directory test-run
	@$(MAKE) --no-print-directory gates
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-tsan
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory check-arm64
	@BUILD=$(BUILD) tests/soak/run 20000
	@BUILD=$(BUILD) tests/soak/run 5000 http-echo examples/http-echo/events/apigw-v2-get.json
	@BUILD=$(BUILD) tests/soak/run 5000 event-summary tests/events/sqs-batch.json
	@BUILD=$(BUILD) tests/fuzz/run 10
	@$(MAKE) --no-print-directory check-cdk

# ---- the two commands and the benchmark --------------------------------
run: deps
	@$(MAKE) --no-print-directory all layer
	@BUILD=$(BUILD) scripts/run-examples
	@scripts/install-node-deps --in cdk >/dev/null
	@cd cdk && npm run --silent build
	@$(MAKE) --no-print-directory -s estate-inputs
	@echo "== cdk/examples/estate (what \`cdk deploy\` would create; synthesized offline)"
	@cd cdk && SLSRT_BUILD=$(abspath $(BUILD)) node examples/estate/summary.js

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/standin $(BUILD)/bench/bare_loop $(BUILD)/bench/events_bench \
	    $(BUILD)/bench/route_1 $(BUILD)/bench/route_100 $(BUILD)/bench/sign_bench $(BUILD)/bench/gen_json \
	    $(BUILD)/bench/copy_floor $(BUILD)/bench/echo_fn $(BUILD)/bench/echo_doc_fn
	@BUILD=$(BUILD) tests/bench/run

$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -Werror -o $@ $<

$(BUILD)/bench/route_%: tests/bench/route_fn.c $(BUILD)/lib/libslsrt.so $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -Werror -Iinclude $(JANSSON_CFLAGS) -DROUTES=$* -o $@ $< -L$(BUILD)/lib -lslsrt $(JANSSON_LIBS)

# The signer is private: linked with the library's objects.
$(BUILD)/bench/sign_bench: tests/bench/sign_bench.c $(LIB_INTERNAL)
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -Werror -Iinclude -Ilib $(JANSSON_CFLAGS) -o $@ $< $(LIB_INTERNAL) $(JANSSON_LIBS) -lz -pthread

$(BUILD)/bench/echo_fn $(BUILD)/bench/echo_doc_fn: $(BUILD)/bench/%: tests/bench/%.c $(BUILD)/lib/libslsrt.so $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -Werror -Iinclude $(JANSSON_CFLAGS) -o $@ $< -L$(BUILD)/lib -lslsrt $(JANSSON_LIBS)

# Linked with the library like a function, but run directly.
$(BUILD)/bench/events_bench: tests/bench/events_bench.c $(BUILD)/lib/libslsrt.so $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -Werror -Iinclude $(JANSSON_CFLAGS) -o $@ $< -L$(BUILD)/lib -lslsrt $(JANSSON_LIBS)

# ---- install ------------------------------------------------------------
install: lib
	install -d $(DESTDIR)$(PREFIX)/include/slsrt $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/slsrt/*.h $(DESTDIR)$(PREFIX)/include/slsrt/
	install -m 755 $(LIB_REAL) $(DESTDIR)$(PREFIX)/lib/
	ln -sf $(notdir $(LIB_REAL)) $(DESTDIR)$(PREFIX)/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(PREFIX)/lib/libslsrt.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(PREFIX)/include|' -e 's|@VERSION@|$(VERSION)|' \
	    scripts/slsrt.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/slsrt.pc
	@if [ -f $(LOCAL_BIN) ]; then install -d $(DESTDIR)$(PREFIX)/bin && \
	    install -m 755 $(LOCAL_BIN) $(DESTDIR)$(PREFIX)/bin/; fi

clean:
	rm -rf build
