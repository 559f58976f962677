/*
 * slsrt/slsrt.h - the one header a Lambda function includes.
 *
 * slsrt is a shared C runtime for AWS Lambda custom runtimes
 * (provided.al2023).  Link with `pkg-config --libs slsrt`.
 */
#ifndef SLSRT_SLSRT_H
#define SLSRT_SLSRT_H

#include <slsrt/common.h>
#include <slsrt/runtime.h>
#include <slsrt/doc.h>
#include <slsrt/stream.h>
#include <slsrt/log.h>
#include <slsrt/xray.h>
#include <slsrt/metrics.h>
#include <slsrt/events.h>
#include <slsrt/http.h>
#include <slsrt/aws.h>
#include <slsrt/durable.h>
#include <slsrt/idempotency.h>
#include <slsrt/flags.h>

#endif /* SLSRT_SLSRT_H */
