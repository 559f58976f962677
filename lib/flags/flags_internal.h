/* flags_internal.h - evaluation at a given time, for the schedule actions' tests (private). */
#ifndef SLSRT_FLAGS_INTERNAL_H
#define SLSRT_FLAGS_INTERNAL_H

#include <stdint.h>

#include <slsrt/flags.h>

/* slsrt_flags_evaluate as at epoch second now. */
json_t *slsrt__flags_evaluate_at(const json_t *document, const char *name, const json_t *context, int64_t now);

#endif
