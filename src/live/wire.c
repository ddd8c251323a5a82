/* wire.c - placeholder. */
#include "kizuna/live.h"
