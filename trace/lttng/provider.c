/* Instantiates the LTTng-UST probes of the `tessera` provider (tessera_tp.h). */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "tessera_tp.h"
