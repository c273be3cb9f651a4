#pragma once
#include <stddef.h>
size_t shop_total(void);
