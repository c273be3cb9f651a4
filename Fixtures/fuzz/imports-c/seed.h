#pragma once
/* #include "../core.c" in a comment */
#include <string.h>
