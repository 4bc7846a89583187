# The registry: one C binary, its PostgreSQL schema, its tests.
#   make run    install what is missing, build, start the project's own
#               PostgreSQL under var/ (unless DATABASE_URL is set), serve
#   make test   the same dependencies, then every test against a throwaway
#               cluster; the last line reads "N passed, N failed"

CC      ?= cc
PKGS     = libmicrohttpd jansson libsodium libpq libgfshare liboath xlsxwriter
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wcast-qual -Wpointer-arith -Wformat=2 -fno-common \
           -Wno-missing-field-initializers   # tables list the leading members only
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Iserver $(WARN) -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread

SRCS     = $(wildcard server/*.c server/*/*.c)
HDRS     = $(wildcard server/*.h server/*/*.h)
OBJS     = $(SRCS:server/%.c=build/obj/%.o)
ASAN_OBJS = $(SRCS:server/%.c=build/asan/%.o)
ASAN     = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=build/unit/%)

.PHONY: all build static asan run test check-valgrind unit fuzzers fuzz deps deps-test fmt bench clean db-stop
all: build

build: build/registry static
asan: build/asan/registry

build/registry: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDLIBS)

build/obj/%.o: server/%.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/asan/registry: $(ASAN_OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(ASAN) -o $@ $(ASAN_OBJS) $(LDLIBS)

build/asan/%.o: server/%.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC asan $<"
	@$(CC) $(CFLAGS) $(ASAN) -c -o $@ $<

# The browser's pinned libraries (static/vendor/, not kept in the
# repository): copied from node_modules/ by scripts/vendor.sh.
VENDOR = static/vendor/libsodium-wrappers.mjs static/vendor/libsodium.mjs static/vendor/uqr.mjs
$(VENDOR) &: package-lock.json scripts/vendor.sh
	@scripts/vendor.sh

# The browser's text files, gzipped beside them for clients that take gzip
# (core/api_static.c sends the twin when it is not older than the file).
STATIC_TEXT = $(shell find static -path static/vendor -prune -o -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \
                -o -name '*.svg' -o -name '*.json' \) -print)
static: $(sort $(STATIC_TEXT:%=%.gz) $(VENDOR:%=%.gz))

static/%.gz: static/%
	@gzip -9 -n -c $< > $@

# Unit tests include the .c files they test (h2o's way): no network, no database.
build/unit/%: tests/unit/%.c tests/unit/unit.h $(SRCS) $(HDRS) | build/unit
	@echo "  CC unit $<"
	@$(CC) $(CFLAGS) $(ASAN) -o $@ $< $(LDLIBS)

build/unit:
	mkdir -p $@

# libFuzzer targets, one per parser of outside input (tests/fuzz/README.md).
# They include the .c files they test, like the unit tests.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_FLAGS    = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Ibuild/fuzz
FUZZ_SRCS     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS     = $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)

build/fuzz/%: tests/fuzz/%.c build/fuzz/routes.inc $(SRCS) $(HDRS)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(filter-out -O2,$(CFLAGS)) $(FUZZ_FLAGS) -o $@ $< $(LDLIBS)

# The router's fuzzer matches against the patterns of the real table.
build/fuzz/routes.inc: server/routes.c
	@mkdir -p $(@D)
	@sed -n 's/^[[:space:]]*{ *"\([A-Z]*\)", *"\([^"]*\)".*/\t{ "\1", "\2", h, 0, 0 },/p' $< > $@

fuzzers: $(FUZZ_BINS)

fuzz: deps-test
	@$(MAKE) --no-print-directory fuzzers
	@scripts/fuzz.sh long $(FUZZ_SECONDS)

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

run: deps
	@$(MAKE) --no-print-directory build
	@scripts/run.sh

unit: $(UNIT_BINS)

test: deps-test
	@$(MAKE) --no-print-directory build asan unit fuzzers
	@scripts/test.sh

# Part of the API suite against the server under valgrind's memcheck
# (scripts/check-valgrind.sh says which part and why); not in make test.
check-valgrind: deps-test
	@$(MAKE) --no-print-directory build
	@scripts/check-valgrind.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build
	@scripts/bench.sh

db-stop:
	@scripts/pg.sh stop var/pg

fmt:
	clang-format -i $(SRCS) $(HDRS) tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build
	find static -name '*.gz' -delete
	rm -rf static/vendor
