/*
 * snapstart - SnapStart's hooks and the metadata endpoint: a before-snapshot
 * hook, an after-restore hook ("reconnects"; fails when FAIL_RESTORE is
 * set), and each invocation answers what it saw:
 * {"initialization_type", "restored", "before", "az"}.
 */
#include <slsrt/slsrt.h>
#include <stdlib.h>

static int before, restored;

static int before_snapshot(slsrt_runtime *rt, void *arg)
{
    (void)rt, (void)arg;
    before++;
    slsrt_log_info("before snapshot: closing connections");
    return 0;
}

static int after_restore(slsrt_runtime *rt, void *arg)
{
    (void)arg;
    if (getenv("FAIL_RESTORE"))
        return slsrt_runtime_fail(rt, "Function.RestoreFailed", "cannot reconnect after the restore");
    restored++;
    slsrt_log_info("after restore: reconnected");
    return 0;
}

static int init(slsrt_runtime *rt)
{
    slsrt_runtime_before_snapshot(rt, before_snapshot, NULL);
    slsrt_runtime_after_restore(rt, after_restore, NULL);
    return 0;
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    slsrt_runtime *rt = slsrt_invocation_runtime(inv);
    char az[64];
    slsrt_status st = slsrt_runtime_availability_zone_id(rt, az, sizeof az);
    return slsrt_response_set_json(res, json_pack("{s:s, s:i, s:i, s:s}", "initialization_type",
                                                  slsrt_runtime_initialization_type(rt), "restored", restored,
                                                  "before", before, "az", st == SLSRT_OK ? az : slsrt_strerror(st)));
}

SLSRT_MAIN_WITH_INIT(init, handler)
