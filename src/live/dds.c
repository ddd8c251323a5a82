/* dds.c - placeholder. */
#include "kizuna/live.h"
