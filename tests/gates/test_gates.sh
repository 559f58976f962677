#!/bin/sh
# The release gates must refuse what they guard against: each is run on a
# good build (must pass) and on a deliberately broken one (must fail).
set -u
BUILD=${BUILD:-build}
here=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

expect() { # expect pass|fail DESCRIPTION COMMAND...
    want=$1 what=$2
    shift 2
    if "$@" >"$tmp/log" 2>&1; then got=pass; else got=fail; fi
    if [ "$got" = "$want" ]; then
        passed=$((passed + 1)); echo "ok: $what"
    else
        failed=$((failed + 1)); echo "FAILED: $what (wanted $want, got $got)"; sed 's/^/  | /' "$tmp/log"
    fi
}

# A copy of the library with one edit, built the way the Makefile builds it.
variant() { # variant NAME SED-SCRIPT FILE
    rm -rf "$tmp/$1" && mkdir -p "$tmp/$1" && cp -r include lib "$tmp/$1/"
    sed -i "$2" "$tmp/$1/$3" "$tmp/$1/include/slsrt/runtime.h"
    (cd "$tmp/$1" && cc -std=gnu11 -D_GNU_SOURCE -O2 -g -fPIC -fvisibility=hidden -DSLSRT_BUILDING -Iinclude \
        -Ilib -shared -o libslsrt.so.1 lib/*/*.c -Wl,-soname,libslsrt.so.1 -Wl,--version-script=lib/libslsrt.map -ljansson)
}

lib=$BUILD/lib/libslsrt.so.1
expect pass "exports of the build" scripts/check-exports "$lib"
expect pass "ABI of the build" scripts/check-abi "$lib"
expect pass "glibc of the build" scripts/check-glibc "$lib" "$BUILD/examples/hello/bootstrap"
expect pass "hardening of the build" scripts/check-hardening "$lib" "$BUILD/examples/hello/bootstrap"

variant changed 's/int slsrt_runtime_memory_mb(const slsrt_runtime \*rt)/long slsrt_runtime_memory_mb(const slsrt_runtime *rt)/' lib/core/runtime.c
expect fail "a changed return type" scripts/check-abi "$tmp/changed/libslsrt.so.1"

variant removed '/slsrt_runtime_region/d' lib/core/runtime.c
sed -i '/slsrt_runtime_region;/d' "$tmp/removed/lib/libslsrt.map"
(cd "$tmp/removed" && cc -std=gnu11 -D_GNU_SOURCE -O2 -g -fPIC -fvisibility=hidden -DSLSRT_BUILDING -Iinclude \
    -Ilib -shared -o libslsrt.so.1 lib/*/*.c -Wl,-soname,libslsrt.so.1 -Wl,--version-script=lib/libslsrt.map -ljansson)
expect fail "a removed function (ABI)" scripts/check-abi "$tmp/removed/libslsrt.so.1"
expect fail "a removed function (exports)" env SLSRT_MAP="$tmp/removed/lib/libslsrt.map" \
    scripts/check-exports "$tmp/removed/libslsrt.so.1"

printf '__attribute__((visibility("default"))) int leaked(void) { return 1; }\n' > "$tmp/leak.c"
cc -shared -fPIC -o "$tmp/libleak.so" "$tmp/leak.c"
expect fail "an export without the slsrt_ prefix" scripts/check-exports "$tmp/libleak.so"

printf '#include <stdlib.h>\nint main(void) { return (int)arc4random(); }\n' > "$tmp/new.c"
cc -o "$tmp/new" "$tmp/new.c"
expect fail "a GLIBC_2.36 symbol" scripts/check-glibc "$tmp/new"

printf '#include <stdio.h>\nint main(int c, char **v) { char b[64]; snprintf(b, sizeof b, "%%s", v[c - 1]); return puts(b); }\n' > "$tmp/soft.c"
cc -O2 -fno-stack-protector -U_FORTIFY_SOURCE -Wl,-z,lazy -Wl,-z,execstack -o "$tmp/soft" "$tmp/soft.c"
expect fail "a binary without RELRO, canaries or fortify" scripts/check-hardening "$tmp/soft"

# Layering: a core file that includes an AWS header, or calls into the AWS
# layer with only its own declaration, is refused.
expect pass "layers of the build" scripts/check-layers "$BUILD/obj/lib"
rm -rf "$tmp/up" && mkdir -p "$tmp/up" && cp -r lib "$tmp/up/" && cp -r "$BUILD/obj/lib" "$tmp/up/obj"
sed -i 's|#include "hooks.h"|#include "hooks.h"\n#include "aws/aws_internal.h"|' "$tmp/up/lib/core/runtime.c"
expect fail "an include from core up to aws" sh -c "cd $tmp/up && $here/scripts/check-layers"
printf 'int slsrt__aws_resolve_env(void *rt);\nint slsrt__core_calls_up(void);\nint slsrt__core_calls_up(void) { return slsrt__aws_resolve_env(0); }\n' \
    > "$tmp/up/lib/core/up.c"
cc -c -o "$tmp/up/obj/core/up.o" "$tmp/up/lib/core/up.c"
rm "$tmp/up/lib/core/up.c"
cp -r lib/core/runtime.c "$tmp/up/lib/core/runtime.c"
expect fail "a call from core up to aws" sh -c "cd $tmp/up && $here/scripts/check-layers obj"

echo "gates: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
