/*
 * slsrt/metrics.h - CloudWatch metrics in the Embedded Metric Format.
 *
 * Record metrics while serving an invocation; when the handler returns,
 * slsrt writes one EMF document per namespace to stdout (split so that no
 * document holds more than 100 metrics or a metric more than 100 values),
 * and CloudWatch Logs turns them into metrics.  Nothing is sent when
 * nothing was recorded.
 *
 * Validation follows the EMF specification: names of 1-255 characters,
 * one of the CloudWatch units (NULL means "None"), finite values, at most
 * 30 dimensions with names of 1-255 and values of 1-1024 characters.
 * A refused call returns SLSRT_EINVAL and records nothing.
 */
#ifndef SLSRT_METRICS_H
#define SLSRT_METRICS_H

#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Record a value in the invocation's default namespace: the one set with
 * slsrt_metrics_set_namespace, else $SLSRT_METRICS_NAMESPACE, else the
 * function name.  Recording a name twice keeps every value.
 */
SLSRT_API slsrt_status slsrt_metric(slsrt_invocation *inv, const char *name, double value, const char *unit);
/* The same in a given namespace (1-255 characters). */
SLSRT_API slsrt_status slsrt_metric_ns(slsrt_invocation *inv, const char *ns, const char *name, double value,
                                       const char *unit);
SLSRT_API slsrt_status slsrt_metrics_set_namespace(slsrt_invocation *inv, const char *ns);
/* A dimension of every metric of this invocation; a name set twice keeps the last value. */
SLSRT_API slsrt_status slsrt_metrics_add_dimension(slsrt_invocation *inv, const char *name, const char *value);
/*
 * From init: on the first invocation of this process, also emit
 * ColdStart=1 (Count) in namespace ns with the dimension function_name.
 */
SLSRT_API slsrt_status slsrt_runtime_set_cold_start_metric(slsrt_runtime *rt, const char *ns);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_METRICS_H */
